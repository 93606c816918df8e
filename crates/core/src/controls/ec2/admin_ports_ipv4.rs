//! EC2.53 — EC2 security groups should not allow ingress from 0.0.0.0/0 to remote server
//! administration ports.

use super::ingress::{REVOKE_WORLD_OPEN, TCP_UDP, World, open_ports_verdict};
use crate::control::{
    Context, Control, Duty, Mappings, OpenPorts, PlanKind, Remediation, Severity,
};
use crate::params::{ParamKind, ParamSpec};
use crate::verdict::Verdict;

/// The remote-administration ports, as AWS's vpc-sg-port-restriction-check names them; shared
/// with EC2.54.
pub(crate) const RESTRICT_PORTS: ParamSpec = ParamSpec {
    name: "restrictPorts",
    kind: ParamKind::IntList { min: 0, max: 65535 },
    default: "22,3389",
    description: "Comma-separated remote server administration ports that must not be \
                  reachable from the whole internet.",
};

/// What EC2.53 and EC2.54 check and their remediation revokes: tcp, udp or all protocols from
/// `world` to any port in `restrictPorts`.
pub(crate) fn admin_ports<'a>(ctx: &Context<'a>, world: World) -> OpenPorts<'a> {
    OpenPorts {
        ports: ctx.int_list(RESTRICT_PORTS.name),
        transports: TCP_UDP,
        world,
    }
}

/// The shared evaluation of EC2.53 and EC2.54.
pub(crate) fn admin_ports_verdict(ctx: &Context<'_>, world: World) -> Verdict {
    let open = admin_ports(ctx, world);
    if open.ports.is_empty() {
        return Verdict::not_applicable("restrictPorts is empty: there is no port to check");
    }
    open_ports_verdict(ctx, open.ports, open.transports, open.world)
}

pub const CONTROL: Control = Control {
    id: "EC2.53",
    title: "EC2 security groups should not allow ingress from 0.0.0.0/0 to remote server \
            administration ports",
    severity: Severity::High,
    resource_types: &["AWS::EC2::SecurityGroup"],
    rationale: "Fails when an inbound rule (ipPermissions) with protocol tcp, udp or -1 (all) \
                covers a port in restrictPorts (22 and 3389 by default; a missing port range \
                covers every port) from 0.0.0.0/0, read from ipv4Ranges and the legacy ipRanges. \
                IPv6 sources are EC2.54's; group references and prefix lists are not \
                unrestricted.",
    remediation: "Remove or narrow the inbound rules that open the administration ports to \
                  0.0.0.0/0: allow them only from known address ranges or other security \
                  groups, or use AWS Systems Manager Session Manager instead of open SSH/RDP.",
    remediation_url: "https://docs.aws.amazon.com/securityhub/latest/userguide/ec2-controls.html#ec2-53",
    remediation_hook: Remediation::Automatic {
        plan: PlanKind::RevokeWorldOpenIngress(admin_ipv4),
        does: REVOKE_WORLD_OPEN,
    },
    duty: Duty::NetworkConfiguration,
    mappings: Mappings {
        fsbp: Some("EC2.53"),
        cis_v3: Some("5.2"),
        nist_800_53_r5: &[],
    },
    parameters: &[RESTRICT_PORTS],
    evidence: &[],
    evaluate,
};

fn admin_ipv4<'a>(ctx: &Context<'a>) -> OpenPorts<'a> {
    admin_ports(ctx, World::Ipv4)
}

fn evaluate(ctx: &Context<'_>) -> Verdict {
    admin_ports_verdict(ctx, World::Ipv4)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::controls::ec2::run;
    use serde_json::{Value, json};

    fn with(permissions: Value, overrides: &[(&str, &str)]) -> Verdict {
        run(
            &CONTROL,
            json!({"groupName": "ops", "ipPermissions": permissions}),
            overrides,
        )
    }

    #[test]
    fn tcp_udp_and_all_protocols_from_ipv4_anywhere_fail() {
        for protocol in ["tcp", "udp", "-1"] {
            let v = with(
                json!([{"ipProtocol": protocol, "fromPort": 3389, "toPort": 3389,
                        "ipv4Ranges": [{"cidrIp": "0.0.0.0/0"}], "ipRanges": ["0.0.0.0/0"]}]),
                &[],
            );
            assert!(v.is_non_compliant(), "{protocol}: {v}");
        }
    }

    #[test]
    fn ipv6_anywhere_is_left_to_ec2_54() {
        let v = with(
            json!([{"ipProtocol": "tcp", "fromPort": 22, "toPort": 22,
                    "ipv6Ranges": [{"cidrIpv6": "::/0"}]}]),
            &[],
        );
        assert_eq!(
            v,
            Verdict::pass(
                "no inbound rule allows tcp or udp traffic from 0.0.0.0/0 to ports 22, 3389"
            )
        );
    }

    #[test]
    fn restrict_ports_can_be_widened_or_emptied() {
        let winrm = json!([{"ipProtocol": "tcp", "fromPort": 5985, "toPort": 5986, "ipRanges": ["0.0.0.0/0"]}]);
        assert!(with(winrm.clone(), &[]).is_compliant());
        let v = with(winrm.clone(), &[("restrictPorts", "22,3389,5985")]);
        assert_eq!(
            v,
            Verdict::fail("ingress tcp 5985 from 0.0.0.0/0 in permission #1 (tcp 5985-5986)")
        );
        assert!(with(winrm, &[("restrictPorts", "")]).is_not_applicable());
    }
}
