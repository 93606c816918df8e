//! EC2.14 — Security groups should not allow ingress from 0.0.0.0/0 or ::/0 to port 3389.

use super::ingress::{REVOKE_WORLD_OPEN, TCP, World, open_ports_verdict};
use crate::control::{
    Context, Control, Duty, Mappings, OpenPorts, PlanKind, Remediation, Severity,
};
use crate::verdict::Verdict;

pub const CONTROL: Control = Control {
    id: "EC2.14",
    title: "Security groups should not allow ingress from 0.0.0.0/0 or ::/0 to port 3389",
    severity: Severity::High,
    resource_types: &["AWS::EC2::SecurityGroup"],
    rationale: "Fails when an inbound rule (ipPermissions) with protocol tcp or -1 (all) covers \
                port 3389 (a missing port range covers every port) from 0.0.0.0/0 or ::/0, read \
                from ipv4Ranges, the legacy ipRanges and ipv6Ranges, as AWS's \
                restricted-common-ports rule checks TCP. References to other groups and prefix \
                lists are not unrestricted. EC2.53 and EC2.54 also count udp.",
    remediation: "Remove or narrow the inbound rules that allow port 3389 from 0.0.0.0/0 or ::/0: \
                  allow RDP only from known address ranges or other security groups, or reach \
                  instances through AWS Systems Manager Fleet Manager or a bastion.",
    remediation_url: "https://docs.aws.amazon.com/securityhub/latest/userguide/ec2-controls.html#ec2-14",
    remediation_hook: Remediation::Automatic {
        plan: PlanKind::RevokeWorldOpenIngress(rdp),
        does: REVOKE_WORLD_OPEN,
    },
    duty: Duty::NetworkConfiguration,
    mappings: Mappings {
        fsbp: None,
        cis_v3: None,
        nist_800_53_r5: &[],
    },
    parameters: &[],
    evidence: &[],
    evaluate,
};

/// RDP from anywhere: what EC2.14 checks and its remediation revokes.
fn rdp<'a>(_: &Context<'a>) -> OpenPorts<'a> {
    OpenPorts {
        ports: &[3389],
        transports: TCP,
        world: World::Either,
    }
}

fn evaluate(ctx: &Context<'_>) -> Verdict {
    let open = rdp(ctx);
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
            json!({"groupName": "rdp", "ipPermissions": permissions}),
            &[],
        )
    }

    #[test]
    fn rdp_from_anywhere_fails() {
        let v = with(
            json!([{"ipProtocol": "tcp", "fromPort": 3389, "toPort": 3389,
                             "ipRanges": ["0.0.0.0/0"], "ipv6Ranges": [{"cidrIpv6": "::/0"}]}]),
        );
        assert_eq!(
            v,
            Verdict::fail(
                "ingress tcp 3389 from 0.0.0.0/0 in permission #1; \
                 ingress tcp 3389 from ::/0 in permission #1"
            )
        );
    }

    #[test]
    fn ssh_from_anywhere_is_not_this_control() {
        let v = with(
            json!([{"ipProtocol": "tcp", "fromPort": 22, "toPort": 22, "ipRanges": ["0.0.0.0/0"]}]),
        );
        assert!(v.is_compliant(), "{v}");
    }

    #[test]
    fn a_tcp_rule_without_ports_covers_3389() {
        let v = with(json!([{"ipProtocol": "tcp", "ipv4Ranges": [{"cidrIp": "0.0.0.0/0"}]}]));
        assert!(v.is_non_compliant(), "{v}");
    }
}
