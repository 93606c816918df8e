//! `AWS::EC2::Subnet` from `ec2:DescribeSubnets`, with the field names of the Config resource
//! schema (`mapPublicIpOnLaunch`, `assignIpv6AddressOnCreation`, `state.value`…).

use super::{Ctx, ItemParts, key_value_tags, port_error};
use crate::convert::{json_or_null, string_or_null};
use aws_sdk_ec2::types::Subnet;
use serde_json::{Value, json};
use sidewatch_core::ports::PortError;

pub(super) async fn collect(ctx: &Ctx) -> Result<(), PortError> {
    let client = aws_sdk_ec2::Client::new(&ctx.sdk);
    let mut pages = client.describe_subnets().into_paginator().send();
    while let Some(page) = pages.next().await {
        let page = page.map_err(|e| port_error("ec2:DescribeSubnets", &e))?;
        for subnet in page.subnets() {
            if let Some(item) = item(ctx, subnet) {
                ctx.out.item(item.build()).await;
            }
        }
    }
    Ok(())
}

fn item(ctx: &Ctx, subnet: &Subnet) -> Option<ItemParts> {
    let id = subnet.subnet_id()?;
    let mut parts = ctx.item(id, None, Some(ctx.arn("ec2", &format!("subnet/{id}"))));
    let (tags, map) = key_value_tags(subnet.tags().iter().map(|t| (t.key(), t.value())));
    parts.tags = map;
    parts.availability_zone = subnet.availability_zone().map(str::to_owned);
    parts.configuration = configuration(subnet, tags);
    Some(parts)
}

/// The Config `configuration` of a subnet.
pub(super) fn configuration(s: &Subnet, tags: Value) -> Value {
    json!({
        "availabilityZone": string_or_null(s.availability_zone()),
        "availabilityZoneId": string_or_null(s.availability_zone_id()),
        "availableIpAddressCount": json_or_null(s.available_ip_address_count()),
        "cidrBlock": string_or_null(s.cidr_block()),
        "defaultForAz": json_or_null(s.default_for_az()),
        "mapPublicIpOnLaunch": json_or_null(s.map_public_ip_on_launch()),
        "state": s.state().map_or(Value::Null, |st| json!({"value": st.as_str()})),
        "subnetId": string_or_null(s.subnet_id()),
        "vpcId": string_or_null(s.vpc_id()),
        "ownerId": string_or_null(s.owner_id()),
        "assignIpv6AddressOnCreation": json_or_null(s.assign_ipv6_address_on_creation()),
        "ipv6CidrBlockAssociationSet": s.ipv6_cidr_block_association_set().iter().map(|a| json!({
            "associationId": string_or_null(a.association_id()),
            "ipv6CidrBlock": string_or_null(a.ipv6_cidr_block()),
            "ipv6CidrBlockState": a.ipv6_cidr_block_state().map_or(Value::Null, |st| json!({
                "state": string_or_null(st.state().map(|x| x.as_str())),
                "statusMessage": string_or_null(st.status_message()),
            })),
        })).collect::<Vec<_>>(),
        "subnetArn": string_or_null(s.subnet_arn()),
        "tags": tags,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn auto_assignment_flags_keep_their_config_names() {
        let subnet = Subnet::builder()
            .subnet_id("subnet-1")
            .map_public_ip_on_launch(true)
            .assign_ipv6_address_on_creation(false)
            .state(aws_sdk_ec2::types::SubnetState::Available)
            .build();
        let c = configuration(&subnet, json!([]));
        assert_eq!(c["mapPublicIpOnLaunch"], true);
        assert_eq!(c["assignIpv6AddressOnCreation"], false);
        assert_eq!(c["state"]["value"], "available");
    }
}
