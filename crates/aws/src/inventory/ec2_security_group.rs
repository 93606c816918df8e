//! `AWS::EC2::SecurityGroup` from `ec2:DescribeSecurityGroups`.

use super::{Ctx, key_value_tags, port_error};
use crate::convert::{json_or_null, string_or_null};
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
        "description": string_or_null(group.description()),
        "groupName": string_or_null(group.group_name()),
        "ipPermissions": group.ip_permissions().iter().map(permission).collect::<Vec<_>>(),
        "ownerId": string_or_null(group.owner_id()),
        "groupId": string_or_null(group.group_id()),
        "ipPermissionsEgress": group.ip_permissions_egress().iter().map(permission).collect::<Vec<_>>(),
        "tags": tags,
        "vpcId": string_or_null(group.vpc_id()),
    })
}

/// One permission in Config's shape: both `ipv4Ranges` (objects) and `ipRanges` (CIDR strings).
fn permission(p: &IpPermission) -> Value {
    let mut out = json!({
        "ipProtocol": string_or_null(p.ip_protocol()),
        "ipv6Ranges": p.ipv6_ranges().iter().map(|r| json!({
            "cidrIpv6": string_or_null(r.cidr_ipv6()), "description": string_or_null(r.description())
        })).collect::<Vec<_>>(),
        "prefixListIds": p.prefix_list_ids().iter().map(|r| json!({
            "prefixListId": string_or_null(r.prefix_list_id()), "description": string_or_null(r.description())
        })).collect::<Vec<_>>(),
        "userIdGroupPairs": p.user_id_group_pairs().iter().map(|g| json!({
            "groupId": string_or_null(g.group_id()), "groupName": string_or_null(g.group_name()), "userId": string_or_null(g.user_id()),
            "vpcId": string_or_null(g.vpc_id()), "vpcPeeringConnectionId": string_or_null(g.vpc_peering_connection_id()),
            "description": string_or_null(g.description())
        })).collect::<Vec<_>>(),
        "ipv4Ranges": p.ip_ranges().iter().map(|r| json!({
            "cidrIp": string_or_null(r.cidr_ip()), "description": string_or_null(r.description())
        })).collect::<Vec<_>>(),
        "ipRanges": p.ip_ranges().iter().filter_map(|r| r.cidr_ip()).collect::<Vec<_>>(),
    });
    // Config leaves the ports out of an all-traffic (`-1`) permission.
    if let Some(from) = p.from_port() {
        out["fromPort"] = json_or_null(Some(from));
    }
    if let Some(to) = p.to_port() {
        out["toPort"] = json_or_null(Some(to));
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
