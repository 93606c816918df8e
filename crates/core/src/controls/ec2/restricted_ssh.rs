//! EC2.13 — Security groups should not allow ingress from 0.0.0.0/0 or ::/0 to port 22.

use super::ingress::{REVOKE_WORLD_OPEN, TCP, World, open_ports_verdict};
use crate::control::{
    Context, Control, Duty, Mappings, OpenPorts, PlanKind, Remediation, Severity,
};
use crate::verdict::Verdict;

pub const CONTROL: Control = Control {
    id: "EC2.13",
    title: "Security groups should not allow ingress from 0.0.0.0/0 or ::/0 to port 22",
    severity: Severity::High,
    resource_types: &["AWS::EC2::SecurityGroup"],
    rationale: "Fails when an inbound rule (ipPermissions) with protocol tcp or -1 (all) covers \
                port 22 (a missing port range covers every port) from 0.0.0.0/0 or ::/0, read \
                from ipv4Ranges, the legacy ipRanges and ipv6Ranges. References to other groups \
                and prefix lists are not unrestricted. SSH is TCP, so udp rules do not count \
                here (EC2.53 and EC2.54 cover them).",
    remediation: "Remove or narrow the inbound rules that allow port 22 from 0.0.0.0/0 or ::/0: \
                  allow SSH only from known address ranges or other security groups, or drop \
                  inbound SSH and use AWS Systems Manager Session Manager.",
    remediation_url: "https://docs.aws.amazon.com/securityhub/latest/userguide/ec2-controls.html#ec2-13",
    remediation_hook: Remediation::Automatic {
        plan: PlanKind::RevokeWorldOpenIngress(ssh),
        does: REVOKE_WORLD_OPEN,
    },
    duty: Duty::NetworkConfiguration,
    mappings: Mappings {
        fsbp: None,
        cis_v3: None,
        nist_800_53_r5: &[
            "AC-4", "AC-4(21)", "CM-7", "SC-7", "SC-7(11)", "SC-7(16)", "SC-7(21)", "SC-7(4)",
            "SC-7(5)",
        ],
    },
    parameters: &[],
    evidence: &[],
    evaluate,
};

/// SSH from anywhere: what EC2.13 checks and its remediation revokes.
fn ssh<'a>(_: &Context<'a>) -> OpenPorts<'a> {
    OpenPorts {
        ports: &[22],
        transports: TCP,
        world: World::Either,
    }
}

fn evaluate(ctx: &Context<'_>) -> Verdict {
    let open = ssh(ctx);
    open_ports_verdict(ctx, open.ports, open.transports, open.world)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::controls::ec2::run;
    use serde_json::{Value, json};

    fn with(permissions: Value) -> Verdict {
        run(
            &CONTROL,
            json!({"groupName": "web", "ipPermissions": permissions}),
            &[],
        )
    }

    #[test]
    fn ssh_from_anywhere_over_ipv4_or_ipv6_fails() {
        let v4 = with(json!([{"ipProtocol": "tcp", "fromPort": 22, "toPort": 22,
                              "ipv4Ranges": [{"cidrIp": "0.0.0.0/0"}], "ipRanges": ["0.0.0.0/0"]}]));
        assert_eq!(
            v4,
            Verdict::fail("ingress tcp 22 from 0.0.0.0/0 in permission #1")
        );
        let v6 = with(json!([{"ipProtocol": "6", "fromPort": 0, "toPort": 1024,
                              "ipv6Ranges": [{"cidrIpv6": "::/0"}]}]));
        assert_eq!(
            v6,
            Verdict::fail("ingress tcp 22 from ::/0 in permission #1 (tcp 0-1024)")
        );
    }

    #[test]
    fn all_traffic_from_anywhere_fails() {
        let v = with(json!([{"ipProtocol": "-1", "ipRanges": ["0.0.0.0/0"]}]));
        assert!(v.is_non_compliant(), "{v}");
    }

    #[test]
    fn udp_22_is_not_ssh() {
        let v = with(
            json!([{"ipProtocol": "udp", "fromPort": 22, "toPort": 22, "ipRanges": ["0.0.0.0/0"]}]),
        );
        assert!(v.is_compliant(), "{v}");
    }

    #[test]
    fn restricted_sources_pass() {
        let v = with(json!([{"ipProtocol": "tcp", "fromPort": 22, "toPort": 22,
                             "ipv4Ranges": [{"cidrIp": "203.0.113.0/24"}],
                             "userIdGroupPairs": [{"groupId": "sg-bastion"}]}]));
        assert_eq!(
            v,
            Verdict::pass("no inbound rule allows tcp traffic from 0.0.0.0/0 or ::/0 to port 22")
        );
    }

    #[test]
    fn missing_permissions_are_insufficient() {
        assert!(run(&CONTROL, json!({"groupName": "web"}), &[]).is_insufficient());
    }
}
