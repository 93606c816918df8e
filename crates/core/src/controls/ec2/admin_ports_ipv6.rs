//! EC2.54 — EC2 security groups should not allow ingress from ::/0 to remote server
//! administration ports.

use super::admin_ports_ipv4::{RESTRICT_PORTS, admin_ports, admin_ports_verdict};
use super::ingress::{REVOKE_WORLD_OPEN, World};
use crate::control::{
    Context, Control, Duty, Mappings, OpenPorts, PlanKind, Remediation, Severity,
};
use crate::verdict::Verdict;

pub const CONTROL: Control = Control {
    id: "EC2.54",
    title: "EC2 security groups should not allow ingress from ::/0 to remote server \
            administration ports",
    severity: Severity::High,
    resource_types: &["AWS::EC2::SecurityGroup"],
    rationale: "Fails when an inbound rule (ipPermissions) with protocol tcp, udp or -1 (all) \
                covers a port in restrictPorts (22 and 3389 by default; a missing port range \
                covers every port) from ::/0 (ipv6Ranges). IPv4 sources are EC2.53's; group \
                references and prefix lists are not unrestricted.",
    remediation: "Remove or narrow the inbound rules that open the administration ports to ::/0: \
                  allow them only from known IPv6 ranges or other security groups, or use AWS \
                  Systems Manager Session Manager instead of open SSH/RDP.",
    remediation_url: "https://docs.aws.amazon.com/securityhub/latest/userguide/ec2-controls.html#ec2-54",
    remediation_hook: Remediation::Automatic {
        plan: PlanKind::RevokeWorldOpenIngress(admin_ipv6),
        does: REVOKE_WORLD_OPEN,
    },
    duty: Duty::NetworkConfiguration,
    mappings: Mappings {
        fsbp: Some("EC2.54"),
        cis_v3: Some("5.3"),
        nist_800_53_r5: &[],
    },
    parameters: &[RESTRICT_PORTS],
    evidence: &[],
    evaluate,
};

fn admin_ipv6<'a>(ctx: &Context<'a>) -> OpenPorts<'a> {
    admin_ports(ctx, World::Ipv6)
}

fn evaluate(ctx: &Context<'_>) -> Verdict {
    admin_ports_verdict(ctx, World::Ipv6)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::controls::ec2::run;
    use serde_json::{Value, json};

    fn with(permissions: Value) -> Verdict {
        run(
            &CONTROL,
            json!({"groupName": "ops", "ipPermissions": permissions}),
            &[],
        )
    }

    #[test]
    fn ipv6_anywhere_to_an_admin_port_fails() {
        let v = with(
            json!([{"ipProtocol": "udp", "fromPort": 3389, "toPort": 3389,
                             "ipv6Ranges": [{"cidrIpv6": "::/0"}]}]),
        );
        assert_eq!(
            v,
            Verdict::fail("ingress udp 3389 from ::/0 in permission #1")
        );
    }

    #[test]
    fn ipv4_anywhere_is_left_to_ec2_53() {
        let v = with(json!([{"ipProtocol": "-1", "ipRanges": ["0.0.0.0/0"],
                             "ipv6Ranges": [{"cidrIpv6": "2001:db8::/32"}]}]));
        assert!(v.is_compliant(), "{v}");
    }
}
