//! `AWS::EC2::NetworkAcl` from `ec2:DescribeNetworkAcls`.

use super::{Ctx, ItemParts, key_value_tags, o, port_error, s};
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
            "networkAclAssociationId": s(a.network_acl_association_id()),
            "networkAclId": s(a.network_acl_id()),
            "subnetId": s(a.subnet_id()),
        })).collect::<Vec<_>>(),
        "entries": acl.entries().iter().map(entry).collect::<Vec<_>>(),
        "isDefault": o(acl.is_default()),
        "networkAclId": s(acl.network_acl_id()),
        "tags": tags,
        "vpcId": s(acl.vpc_id()),
        "ownerId": s(acl.owner_id()),
    })
}

fn entry(e: &NetworkAclEntry) -> Value {
    json!({
        "cidrBlock": s(e.cidr_block()),
        "egress": o(e.egress()),
        "icmpTypeCode": e.icmp_type_code().map_or(Value::Null, |c| json!({
            "code": o(c.code()), "type": o(c.r#type())
        })),
        "ipv6CidrBlock": s(e.ipv6_cidr_block()),
        "portRange": e.port_range().map_or(Value::Null, |r| json!({
            "from": o(r.from()), "to": o(r.to())
        })),
        "protocol": s(e.protocol()),
        "ruleAction": s(e.rule_action().map(|a| a.as_str())),
        "ruleNumber": o(e.rule_number()),
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
