//! `AWS::EC2::SecurityGroup` from `ec2:DescribeSecurityGroups`.

use super::{Ctx, key_value_tags, o, port_error, s};
use crate::inventory::ItemParts;
use aws_sdk_ec2::types::{IpPermission, SecurityGroup};
use serde_json::{Value, json};
use sidewatch_core::ports::PortError;

pub(super) async fn collect(ctx: &Ctx) -> Result<(), PortError> {
    let client = aws_sdk_ec2::Client::new(&ctx.sdk);
    let mut pages = client.describe_security_groups().into_paginator().send();
    while let Some(page) = pages.next().await {
        let page = page.map_err(|e| port_error("ec2:DescribeSecurityGroups", &e))?;
        for group in page.security_groups() {
            if let Some(item) = item(ctx, group) {
                ctx.out.item(item.build()).await;
            }
        }
    }
    Ok(())
}

fn item(ctx: &Ctx, group: &SecurityGroup) -> Option<ItemParts> {
    let id = group.group_id()?;
    let mut parts = ctx.item(
        id,
        group.group_name(),
        Some(ctx.arn("ec2", &format!("security-group/{id}"))),
    );
    let (tags, map) = key_value_tags(group.tags().iter().map(|t| (t.key(), t.value())));
    parts.tags = map;
    parts.configuration = configuration(group, tags);
    Some(parts)
}

/// The Config `configuration` of a security group.
pub(super) fn configuration(group: &SecurityGroup, tags: Value) -> Value {
    json!({
        "description": s(group.description()),
        "groupName": s(group.group_name()),
        "ipPermissions": group.ip_permissions().iter().map(permission).collect::<Vec<_>>(),
        "ownerId": s(group.owner_id()),
        "groupId": s(group.group_id()),
        "ipPermissionsEgress": group.ip_permissions_egress().iter().map(permission).collect::<Vec<_>>(),
        "tags": tags,
        "vpcId": s(group.vpc_id()),
    })
}

/// One permission in Config's shape: both `ipv4Ranges` (objects) and `ipRanges` (CIDR strings).
fn permission(p: &IpPermission) -> Value {
    let mut out = json!({
        "ipProtocol": s(p.ip_protocol()),
        "ipv6Ranges": p.ipv6_ranges().iter().map(|r| json!({
            "cidrIpv6": s(r.cidr_ipv6()), "description": s(r.description())
        })).collect::<Vec<_>>(),
        "prefixListIds": p.prefix_list_ids().iter().map(|r| json!({
            "prefixListId": s(r.prefix_list_id()), "description": s(r.description())
        })).collect::<Vec<_>>(),
        "userIdGroupPairs": p.user_id_group_pairs().iter().map(|g| json!({
            "groupId": s(g.group_id()), "groupName": s(g.group_name()), "userId": s(g.user_id()),
            "vpcId": s(g.vpc_id()), "vpcPeeringConnectionId": s(g.vpc_peering_connection_id()),
            "description": s(g.description())
        })).collect::<Vec<_>>(),
        "ipv4Ranges": p.ip_ranges().iter().map(|r| json!({
            "cidrIp": s(r.cidr_ip()), "description": s(r.description())
        })).collect::<Vec<_>>(),
        "ipRanges": p.ip_ranges().iter().filter_map(|r| r.cidr_ip()).collect::<Vec<_>>(),
    });
    // Config leaves the ports out of an all-traffic (`-1`) permission.
    if let Some(from) = p.from_port() {
        out["fromPort"] = o(Some(from));
    }
    if let Some(to) = p.to_port() {
        out["toPort"] = o(Some(to));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sdk_ec2::types::{IpRange, Ipv6Range, UserIdGroupPair};

    #[test]
    fn permissions_have_configs_field_names() {
        let group = SecurityGroup::builder()
            .group_id("sg-1")
            .group_name("web")
            .vpc_id("vpc-1")
            .ip_permissions(
                IpPermission::builder()
                    .ip_protocol("tcp")
                    .from_port(22)
                    .to_port(22)
                    .ip_ranges(IpRange::builder().cidr_ip("0.0.0.0/0").build())
                    .ipv6_ranges(Ipv6Range::builder().cidr_ipv6("::/0").build())
                    .user_id_group_pairs(UserIdGroupPair::builder().group_id("sg-2").build())
                    .build(),
            )
            .ip_permissions_egress(IpPermission::builder().ip_protocol("-1").build())
            .build();
        let c = configuration(&group, json!([]));
        assert_eq!(c["groupId"], "sg-1");
        assert_eq!(c["ipPermissions"][0]["fromPort"], 22);
        assert_eq!(
            c["ipPermissions"][0]["ipv4Ranges"][0]["cidrIp"],
            "0.0.0.0/0"
        );
        assert_eq!(c["ipPermissions"][0]["ipRanges"][0], "0.0.0.0/0");
        assert_eq!(c["ipPermissions"][0]["ipv6Ranges"][0]["cidrIpv6"], "::/0");
        assert_eq!(
            c["ipPermissions"][0]["userIdGroupPairs"][0]["groupId"],
            "sg-2"
        );
        assert!(c["ipPermissionsEgress"][0].get("fromPort").is_none());
    }
}
