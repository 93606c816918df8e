//! `AWS::EC2::VPC` from `ec2:DescribeVpcs`. Flow logs are evidence (`sidewatch:VpcFlowLogs`),
//! fetched by the [`EvidenceCollector`](crate::EvidenceCollector) as for a Config item.

use super::{Ctx, ItemParts, key_value_tags, port_error};
use crate::convert::{json_or_null, string_or_null};
use aws_sdk_ec2::types::Vpc;
use serde_json::{Value, json};
use sidewatch_core::ports::PortError;

pub(super) async fn collect(ctx: &Ctx) -> Result<(), PortError> {
    let client = aws_sdk_ec2::Client::new(&ctx.sdk);
    let mut pages = client.describe_vpcs().into_paginator().send();
    while let Some(page) = pages.next().await {
        let page = page.map_err(|e| port_error("ec2:DescribeVpcs", &e))?;
        for vpc in page.vpcs() {
            if let Some(item) = item(ctx, vpc) {
                ctx.out.item(item.build()).await;
            }
        }
    }
    Ok(())
}

fn item(ctx: &Ctx, vpc: &Vpc) -> Option<ItemParts> {
    let id = vpc.vpc_id()?;
    let mut parts = ctx.item(id, None, Some(ctx.arn("ec2", &format!("vpc/{id}"))));
    let (tags, map) = key_value_tags(vpc.tags().iter().map(|t| (t.key(), t.value())));
    parts.tags = map;
    parts.availability_zone = Some("Multiple Availability Zones".to_owned());
    parts.configuration = configuration(vpc, tags);
    Some(parts)
}

/// The Config `configuration` of a VPC.
pub(super) fn configuration(vpc: &Vpc, tags: Value) -> Value {
    json!({
        "cidrBlock": string_or_null(vpc.cidr_block()),
        "dhcpOptionsId": string_or_null(vpc.dhcp_options_id()),
        "state": vpc.state().map_or(Value::Null, |st| json!({"value": st.as_str()})),
        "vpcId": string_or_null(vpc.vpc_id()),
        "ownerId": string_or_null(vpc.owner_id()),
        "instanceTenancy": string_or_null(vpc.instance_tenancy().map(|t| t.as_str())),
        "ipv6CidrBlockAssociationSet": vpc.ipv6_cidr_block_association_set().iter().map(|a| json!({
            "associationId": string_or_null(a.association_id()),
            "ipv6CidrBlock": string_or_null(a.ipv6_cidr_block()),
            "ipv6CidrBlockState": a.ipv6_cidr_block_state().map_or(Value::Null, |st| json!({
                "state": string_or_null(st.state().map(|x| x.as_str())), "statusMessage": string_or_null(st.status_message())
            })),
        })).collect::<Vec<_>>(),
        "cidrBlockAssociationSet": vpc.cidr_block_association_set().iter().map(|a| json!({
            "associationId": string_or_null(a.association_id()),
            "cidrBlock": string_or_null(a.cidr_block()),
            "cidrBlockState": a.cidr_block_state().map_or(Value::Null, |st| json!({
                "state": string_or_null(st.state().map(|x| x.as_str())), "statusMessage": string_or_null(st.status_message())
            })),
        })).collect::<Vec<_>>(),
        "isDefault": json_or_null(vpc.is_default()),
        "tags": tags,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sdk_ec2::types::VpcState;

    #[test]
    fn vpc_fields_follow_config() {
        let vpc = Vpc::builder()
            .vpc_id("vpc-1")
            .cidr_block("10.0.0.0/16")
            .state(VpcState::Available)
            .is_default(false)
            .build();
        let c = configuration(&vpc, json!([]));
        assert_eq!(c["vpcId"], "vpc-1");
        assert_eq!(c["state"]["value"], "available");
        assert_eq!(c["isDefault"], false);
    }
}
