//! EC2.19 — Security groups should not allow unrestricted access to ports with high risk.

use super::ingress::{REVOKE_WORLD_OPEN, TCP, TCP_UDP, World, open_ports_verdict};
use crate::control::{
    Context, Control, Duty, Mappings, OpenPorts, PlanKind, Remediation, Severity,
};
use crate::params::{ParamKind, ParamSpec};
use crate::verdict::Verdict;

pub const CONTROL: Control = Control {
    id: "EC2.19",
    title: "Security groups should not allow unrestricted access to ports with high risk",
    severity: Severity::Critical,
    resource_types: &["AWS::EC2::SecurityGroup"],
    rationale: "Fails when an inbound rule (ipPermissions) lets 0.0.0.0/0 or ::/0 reach any port \
                in blockedPorts over tcp, -1 (all) or, unless includeUdp is false, udp; a missing \
                port range covers every port. Sources come from ipv4Ranges, the legacy ipRanges \
                and ipv6Ranges; group references and prefix lists are not unrestricted.",
    remediation: "Remove or narrow the inbound rules that open the listed ports to 0.0.0.0/0 or \
                  ::/0: allow them only from known address ranges or other security groups, and \
                  put public services behind a load balancer.",
    remediation_url: "https://docs.aws.amazon.com/securityhub/latest/userguide/ec2-controls.html#ec2-19",
    remediation_hook: Remediation::Automatic {
        plan: PlanKind::RevokeWorldOpenIngress(high_risk),
        does: REVOKE_WORLD_OPEN,
    },
    duty: Duty::NetworkConfiguration,
    mappings: Mappings {
        fsbp: Some("EC2.19"),
        cis_v3: None,
        nist_800_53_r5: &[
            "AC-4", "AC-4(21)", "CA-9(1)", "CM-2", "CM-2(2)", "CM-7", "SC-7", "SC-7(11)",
            "SC-7(16)", "SC-7(21)", "SC-7(4)", "SC-7(5)",
        ],
    },
    parameters: &[
        ParamSpec {
            name: "blockedPorts",
            kind: ParamKind::IntList { min: 0, max: 65535 },
            default: "20,21,22,23,25,110,135,143,445,1433,1434,3000,3306,3389,4333,5000,5432,\
                      5500,5601,8080,8088,8888,9200,9300",
            description: "Comma-separated ports that must not be reachable from 0.0.0.0/0 or \
                          ::/0 (AWS's high-risk list by default).",
        },
        ParamSpec {
            name: "includeUdp",
            kind: ParamKind::Bool,
            default: "true",
            description: "Also count udp rules. AWS's underlying restricted-common-ports rule \
                          checks tcp only; set false to match it, at the cost of missing \
                          services such as SQL Server Browser on udp 1434.",
        },
    ],
    evidence: &[],
    evaluate,
};

/// The blocked ports (tcp, and udp with includeUdp) from anywhere: what EC2.19 checks and its
/// remediation revokes.
fn high_risk<'a>(ctx: &Context<'a>) -> OpenPorts<'a> {
    OpenPorts {
        ports: ctx.int_list("blockedPorts"),
        transports: if ctx.bool("includeUdp") { TCP_UDP } else { TCP },
        world: World::Either,
    }
}

fn evaluate(ctx: &Context<'_>) -> Verdict {
    let open = high_risk(ctx);
    if open.ports.is_empty() {
        return Verdict::not_applicable("blockedPorts is empty: there is no port to check");
    }
    open_ports_verdict(ctx, open.ports, open.transports, open.world)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::controls::ec2::run;
    use serde_json::{Value, json};

    fn with(permissions: Value, overrides: &[(&str, &str)]) -> Verdict {
        run(
            &CONTROL,
            json!({"groupName": "db", "ipPermissions": permissions}),
            overrides,
        )
    }

    #[test]
    fn any_default_high_risk_port_open_to_the_world_fails() {
        for port in [20, 1434, 5601, 9300] {
            let v = with(
                json!([{"ipProtocol": "tcp", "fromPort": port, "toPort": port, "ipRanges": ["0.0.0.0/0"]}]),
                &[],
            );
            assert_eq!(
                v,
                Verdict::fail(format!(
                    "ingress tcp {port} from 0.0.0.0/0 in permission #1"
                )),
            );
        }
    }

    #[test]
    fn web_ports_open_to_the_world_pass() {
        let v = with(
            json!([{"ipProtocol": "tcp", "fromPort": 80, "toPort": 80, "ipRanges": ["0.0.0.0/0"]},
                   {"ipProtocol": "tcp", "fromPort": 443, "toPort": 443,
                    "ipv6Ranges": [{"cidrIpv6": "::/0"}]}]),
            &[],
        );
        assert!(v.is_compliant(), "{v}");
        assert!(
            v.reason()
                .contains("ports 20, 21, 22, 23, 25, 110 and 18 more"),
            "{v}"
        );
    }

    #[test]
    fn a_wide_range_names_every_blocked_port_it_covers() {
        let v = with(
            json!([{"ipProtocol": "tcp", "fromPort": 1, "toPort": 1000, "ipRanges": ["0.0.0.0/0"]}]),
            &[],
        );
        assert_eq!(
            v,
            Verdict::fail(
                "ingress tcp 20, 21, 22, 23, 25, 110 and 3 more from 0.0.0.0/0 in permission #1 \
                 (tcp 1-1000)"
            )
        );
    }

    #[test]
    fn udp_counts_unless_turned_off() {
        let udp = json!([{"ipProtocol": "udp", "fromPort": 1434, "toPort": 1434, "ipRanges": ["0.0.0.0/0"]}]);
        assert!(with(udp.clone(), &[]).is_non_compliant());
        assert!(with(udp, &[("includeUdp", "false")]).is_compliant());
    }

    #[test]
    fn blocked_ports_can_be_overridden() {
        let web = json!([{"ipProtocol": "tcp", "fromPort": 8443, "toPort": 8443, "ipRanges": ["0.0.0.0/0"]}]);
        assert!(with(web.clone(), &[]).is_compliant());
        assert!(with(web.clone(), &[("blockedPorts", "8443")]).is_non_compliant());
        assert!(with(web, &[("blockedPorts", "")]).is_not_applicable());
    }
}
