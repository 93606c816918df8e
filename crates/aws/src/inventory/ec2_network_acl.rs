//! `AWS::EC2::NetworkAcl` from `ec2:DescribeNetworkAcls`.

use super::{Ctx, ItemParts, key_value_tags, port_error};
use crate::convert::{json_or_null, string_or_null};
use aws_sdk_ec2::types::{NetworkAcl, NetworkAclEntry};
use serde_json::{Value, json};
use sidewatch_core::ports::PortError;

pub(super) async fn collect(ctx: &Ctx) -> Result<(), PortError> {
    let client = aws_sdk_ec2::Client::new(&ctx.sdk);
    let mut pages = client.describe_network_acls().into_paginator().send();
    while let Some(page) = pages.next().await {
        let page = page.map_err(|e| port_error("ec2:DescribeNetworkAcls", &e))?;
        for acl in page.network_acls() {
            if let Some(item) = item(ctx, acl) {
                ctx.out.item(item.build()).await;
            }
        }
    }
    Ok(())
}

fn item(ctx: &Ctx, acl: &NetworkAcl) -> Option<ItemParts> {
    let id = acl.network_acl_id()?;
    let mut parts = ctx.item(id, None, Some(ctx.arn("ec2", &format!("network-acl/{id}"))));
    let (tags, map) = key_value_tags(acl.tags().iter().map(|t| (t.key(), t.value())));
    parts.tags = map;
    parts.configuration = configuration(acl, tags);
    Some(parts)
}

/// The Config `configuration` of a network ACL.
pub(super) fn configuration(acl: &NetworkAcl, tags: Value) -> Value {
    json!({
        "associations": acl.associations().iter().map(|a| json!({
            "networkAclAssociationId": string_or_null(a.network_acl_association_id()),
            "networkAclId": string_or_null(a.network_acl_id()),
            "subnetId": string_or_null(a.subnet_id()),
        })).collect::<Vec<_>>(),
        "entries": acl.entries().iter().map(entry).collect::<Vec<_>>(),
        "isDefault": json_or_null(acl.is_default()),
        "networkAclId": string_or_null(acl.network_acl_id()),
        "tags": tags,
        "vpcId": string_or_null(acl.vpc_id()),
        "ownerId": string_or_null(acl.owner_id()),
    })
}

fn entry(e: &NetworkAclEntry) -> Value {
    json!({
        "cidrBlock": string_or_null(e.cidr_block()),
        "egress": json_or_null(e.egress()),
        "icmpTypeCode": e.icmp_type_code().map_or(Value::Null, |c| json!({
            "code": json_or_null(c.code()), "type": json_or_null(c.r#type())
        })),
        "ipv6CidrBlock": string_or_null(e.ipv6_cidr_block()),
        "portRange": e.port_range().map_or(Value::Null, |r| json!({
            "from": json_or_null(r.from()), "to": json_or_null(r.to())
        })),
        "protocol": string_or_null(e.protocol()),
        "ruleAction": string_or_null(e.rule_action().map(|a| a.as_str())),
        "ruleNumber": json_or_null(e.rule_number()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sdk_ec2::types::{PortRange, RuleAction};

    #[test]
    fn entries_have_configs_field_names() {
        let acl = NetworkAcl::builder()
            .network_acl_id("acl-1")
            .is_default(false)
            .entries(
                NetworkAclEntry::builder()
                    .rule_number(10)
                    .protocol("6")
                    .rule_action(RuleAction::Allow)
                    .egress(false)
                    .cidr_block("0.0.0.0/0")
                    .port_range(PortRange::builder().from(22).to(22).build())
                    .build(),
            )
            .build();
        let c = configuration(&acl, json!([]));
        assert_eq!(c["entries"][0]["ruleAction"], "allow");
        assert_eq!(c["entries"][0]["portRange"]["from"], 22);
        assert_eq!(c["entries"][0]["protocol"], "6");
        assert_eq!(c["entries"][0]["egress"], false);
        assert_eq!(c["isDefault"], false);
    }
}
