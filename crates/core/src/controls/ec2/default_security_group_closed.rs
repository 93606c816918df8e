//! EC2.2 — VPC default security groups should not allow inbound or outbound traffic.

use super::ingress::{InboundRules, Permission, item_permissions, join_findings};
use crate::control::{Context, Control, Duty, Mappings, PlanKind, Remediation, Severity};
use crate::verdict::Verdict;

pub const CONTROL: Control = Control {
    id: "EC2.2",
    title: "VPC default security groups should not allow inbound or outbound traffic",
    severity: Severity::High,
    resource_types: &["AWS::EC2::SecurityGroup"],
    rationale: "Applies to security groups named \"default\" (every VPC has one, and it cannot be \
                deleted); other groups are not applicable. Fails when the default group has any \
                inbound (ipPermissions) or outbound (ipPermissionsEgress) rule, whatever the \
                source: even its built-in rule admitting members of the same group counts.",
    remediation: "Move resources to purpose-built least-privilege security groups, then delete \
                  every inbound and outbound rule of the VPC's default security group \
                  (ec2:RevokeSecurityGroupIngress, ec2:RevokeSecurityGroupEgress) so nothing \
                  attached to it by mistake gets any traffic.",
    remediation_url: "https://docs.aws.amazon.com/securityhub/latest/userguide/ec2-controls.html#ec2-2",
    remediation_hook: Remediation::Automatic {
        plan: PlanKind::RevokeAllSecurityGroupRules,
        does: "revokes every inbound and outbound rule of the VPC default security group",
    },
    duty: Duty::NetworkConfiguration,
    mappings: Mappings {
        fsbp: Some("EC2.2"),
        cis_v3: Some("5.4"),
        nist_800_53_r5: &[
            "AC-4", "AC-4(21)", "SC-7", "SC-7(11)", "SC-7(16)", "SC-7(21)", "SC-7(4)", "SC-7(5)",
        ],
    },
    parameters: &[],
    evidence: &[],
    evaluate,
};

fn evaluate(ctx: &Context<'_>) -> Verdict {
    let item = ctx.item;
    let name = match item.read_str("/groupName") {
        Ok(Some(name)) => name,
        Ok(None) => return Verdict::insufficient("the configuration item records no groupName"),
        Err(unreadable) => return unreadable.into(),
    };
    if name != "default" {
        return Verdict::not_applicable(format!(
            "security group {name} is not a VPC default security group"
        ));
    }
    let (inbound, outbound) = match (
        ctx.view::<InboundRules>(),
        item_permissions(item, "ipPermissionsEgress"),
    ) {
        (Ok(i), Ok(o)) => (i, o),
        (Err(unreadable), _) | (_, Err(unreadable)) => return unreadable.into(),
    };
    let inbound = &*inbound;
    // A readable rule fails the group whatever the unreadable ones hold; with none, an
    // unreadable rule leaves the group undecided.
    if inbound.readable.is_empty() && outbound.readable.is_empty() {
        for list in [inbound, &outbound] {
            if let Some(verdict) = list.unreadable_verdict() {
                return verdict;
            }
        }
        return Verdict::pass("the default security group has no inbound or outbound rules");
    }
    let mut parts = Vec::new();
    for (direction, list) in [
        ("inbound", &inbound.readable),
        ("outbound", &outbound.readable),
    ] {
        if !list.is_empty() {
            let described: Vec<String> = list.iter().map(Permission::describe).collect();
            parts.push(format!(
                "{} {direction} rule(s): {}",
                list.len(),
                join_findings(&described)
            ));
        }
    }
    let note: String = [inbound, &outbound]
        .iter()
        .map(|list| list.unreadable_note())
        .collect();
    Verdict::fail(format!(
        "the default security group allows traffic: {}{note}",
        parts.join("; ")
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::controls::ec2::run;
    use serde_json::json;

    fn group(name: &str, inbound: serde_json::Value, outbound: serde_json::Value) -> Verdict {
        run(
            &CONTROL,
            json!({"groupName": name, "groupId": "sg-1", "vpcId": "vpc-1",
                   "ipPermissions": inbound, "ipPermissionsEgress": outbound}),
            &[],
        )
    }

    #[test]
    fn the_built_in_rules_of_a_default_group_fail() {
        let v = group(
            "default",
            json!([{"ipProtocol": "-1", "userIdGroupPairs": [{"groupId": "sg-1", "userId": "123456789012"}],
                    "ipv4Ranges": [], "ipRanges": [], "ipv6Ranges": [], "prefixListIds": []}]),
            json!([{"ipProtocol": "-1", "ipv4Ranges": [{"cidrIp": "0.0.0.0/0"}], "ipRanges": ["0.0.0.0/0"]}]),
        );
        assert_eq!(
            v,
            Verdict::fail(
                "the default security group allows traffic: 1 inbound rule(s): permission #1: \
                 all traffic with sg-1; 1 outbound rule(s): permission #1: all traffic with 0.0.0.0/0"
            )
        );
    }

    #[test]
    fn an_outbound_rule_alone_fails() {
        let v = group(
            "default",
            json!([]),
            json!([{"ipProtocol": "tcp", "fromPort": 443, "toPort": 443, "ipRanges": ["10.0.0.0/8"]}]),
        );
        assert!(v.is_non_compliant(), "{v}");
        assert!(v.reason().contains("tcp 443 with 10.0.0.0/8"), "{v}");
    }

    #[test]
    fn an_emptied_default_group_passes() {
        assert!(group("default", json!([]), json!([])).is_compliant());
    }

    #[test]
    fn other_groups_are_not_applicable_even_when_open() {
        let v = group(
            "web",
            json!([{"ipProtocol": "-1", "ipRanges": ["0.0.0.0/0"]}]),
            json!([]),
        );
        assert!(v.is_not_applicable(), "{v}");
    }

    #[test]
    fn unreadable_rules_are_never_a_pass() {
        let v = run(
            &CONTROL,
            json!({"groupName": "default", "ipPermissions": []}),
            &[],
        );
        assert!(v.is_insufficient(), "{v}");
        assert!(run(&CONTROL, json!({"groupId": "sg-1"}), &[]).is_insufficient());
        let v = group("default", json!("all"), json!([]));
        assert!(v.is_insufficient(), "{v}");
    }
}
