//! EC2.18 — Security groups should only allow unrestricted incoming traffic for authorized ports.
//!
//! AWS's rule (`vpc-sg-open-only-to-authorized-ports`) looks at inbound rules open to `0.0.0.0/0`
//! or `::/0` and fails the group when such a rule opens a TCP or UDP port that is not listed in
//! `authorizedTcpPorts` (Security Hub default `80,443`) or `authorizedUdpPorts` (no default).
//! Lists take single ports and dash ranges (`443,1020-1025`), as AWS's parameters do.
//!
//! Semantics, on top of [`super::ingress`]:
//! * a TCP or UDP rule passes only when every port of its range is authorized for its protocol;
//! * an all-traffic rule (`-1`) opens every TCP and UDP port, so it fails unless both lists
//!   authorize all 65536 ports;
//! * another IP protocol open to the world (GRE, ESP, SCTP…) fails: it has no port an authorized
//!   list could name; ICMP and ICMPv6 carry no ports and are outside this control.
//!
//! Where AWS's rule answers NOT_APPLICABLE for a group with no rule open to the world, sidewatch
//! answers COMPLIANT ("no inbound rule allows traffic from 0.0.0.0/0 or ::/0"), so closing the
//! last open rule resolves the finding instead of archiving it.

use super::ingress::{
    Family, Permission, PortRange, Protocol, inbound_rules, join_findings, join_ports,
};
use crate::control::{Context, Control, Duty, Mappings, Remediation, Severity};
use crate::params::{ParamKind, ParamSpec};
use crate::verdict::Verdict;

const TCP_PORTS: &str = "authorizedTcpPorts";
const UDP_PORTS: &str = "authorizedUdpPorts";

pub const CONTROL: Control = Control {
    id: "EC2.18",
    title: "Security groups should only allow unrestricted incoming traffic for authorized ports",
    severity: Severity::High,
    resource_types: &["AWS::EC2::SecurityGroup"],
    rationale: "Fails when an inbound rule (ipPermissions) open to 0.0.0.0/0 or ::/0 allows a tcp \
                port not in authorizedTcpPorts, a udp port not in authorizedUdpPorts, all \
                traffic (-1) or another IP protocol; ICMP is not evaluated. Passes when every \
                rule open to the world stays within the authorized ports, or none is open.",
    remediation: "Remove the inbound rules that open unauthorized ports to 0.0.0.0/0 or ::/0, or \
                  narrow their sources to known address ranges, prefix lists or security groups \
                  (ec2:RevokeSecurityGroupIngress). Ports that must be public belong in \
                  authorizedTcpPorts or authorizedUdpPorts.",
    remediation_url: "https://docs.aws.amazon.com/securityhub/latest/userguide/ec2-controls.html#ec2-18",
    remediation_hook: Remediation::NotifyOnly {
        why: "which publicly open ports are intended is a person's call",
    },
    duty: Duty::NetworkConfiguration,
    mappings: Mappings {
        fsbp: Some("EC2.18"),
        cis_v3: None,
        nist_800_53_r5: &[
            "AC-4", "AC-4(21)", "SC-7", "SC-7(11)", "SC-7(16)", "SC-7(21)", "SC-7(4)", "SC-7(5)",
        ],
    },
    parameters: &[
        ParamSpec {
            name: TCP_PORTS,
            kind: ParamKind::IntList { min: 0, max: 65535 },
            default: "80,443",
            description: "TCP ports that may be open to 0.0.0.0/0 or ::/0; single ports and \
                          dash ranges (443,1020-1025).",
        },
        ParamSpec {
            name: UDP_PORTS,
            kind: ParamKind::IntList { min: 0, max: 65535 },
            default: "",
            description: "UDP ports that may be open to 0.0.0.0/0 or ::/0; single ports and \
                          dash ranges (500,1020-1025). None by default.",
        },
    ],
    evidence: &[],
    evaluate,
};

fn evaluate(ctx: &Context<'_>) -> Verdict {
    let tcp = ctx.int_list(TCP_PORTS);
    let udp = ctx.int_list(UDP_PORTS);
    let permissions = match inbound_rules(ctx) {
        Ok(p) => p,
        Err(verdict) => return verdict,
    };
    let mut open = 0;
    let mut findings = Vec::new();
    for permission in &permissions.readable {
        for family in [Family::V4, Family::V6] {
            let Some(source) = permission.world_source(family) else {
                continue;
            };
            open += 1;
            if let Some(what) = unauthorized(permission, tcp, udp) {
                findings.push(format!(
                    "ingress {what} from {source} in permission #{}",
                    permission.number
                ));
            }
        }
    }
    let authorized = format!(
        "authorized: tcp {}, udp {}",
        list_or_none(tcp),
        list_or_none(udp)
    );
    if !findings.is_empty() {
        Verdict::fail(format!(
            "{} ({authorized}){}",
            join_findings(&findings),
            permissions.unreadable_note()
        ))
    } else if let Some(verdict) = permissions.unreadable_verdict() {
        verdict
    } else if open == 0 {
        Verdict::pass("no inbound rule allows traffic from 0.0.0.0/0 or ::/0")
    } else {
        Verdict::pass(format!(
            "every inbound rule open to 0.0.0.0/0 or ::/0 stays within the authorized ports \
             ({authorized})"
        ))
    }
}

/// What a world-open permission lets in beyond the authorized ports, or `None`.
fn unauthorized(permission: &Permission, tcp: &[i64], udp: &[i64]) -> Option<String> {
    let ports = permission.traffic.ports;
    match &permission.traffic.protocol {
        Protocol::Tcp => gaps_text(ports, tcp).map(|g| format!("tcp {g}")),
        Protocol::Udp => gaps_text(ports, udp).map(|g| format!("udp {g}")),
        Protocol::All => (gaps_text(PortRange::ALL, tcp).is_some()
            || gaps_text(PortRange::ALL, udp).is_some())
        .then(|| "on all protocols and ports".to_owned()),
        Protocol::Icmp | Protocol::Icmpv6 => None,
        other @ Protocol::Other(_) => Some(format!("{other} (no port can authorize it)")),
    }
}

/// The ports of `range` that `allowed` (sorted, without repeats) leaves out, as text
/// ("22", "0-79, 81-442 and 1 more"), or `None` when every port is allowed.
fn gaps_text(range: PortRange, allowed: &[i64]) -> Option<String> {
    let gaps = gaps(range, allowed);
    if gaps.is_empty() {
        return None;
    }
    const SHOWN: usize = 3;
    let mut text = gaps
        .iter()
        .take(SHOWN)
        .map(PortRange::to_string)
        .collect::<Vec<_>>()
        .join(", ");
    if gaps.len() > SHOWN {
        text.push_str(&format!(" and {} more ranges", gaps.len() - SHOWN));
    }
    Some(text)
}

/// The sub-ranges of `range` not covered by `allowed` (sorted, without repeats).
fn gaps(range: PortRange, allowed: &[i64]) -> Vec<PortRange> {
    let mut out = Vec::new();
    let mut next = range.from;
    for &port in allowed.iter().filter(|p| range.contains(**p)) {
        if port > next {
            out.push(PortRange {
                from: next,
                to: port - 1,
            });
        }
        next = next.max(port + 1);
    }
    if next <= range.to {
        out.push(PortRange {
            from: next,
            to: range.to,
        });
    }
    out
}

fn list_or_none(ports: &[i64]) -> String {
    if ports.is_empty() {
        "none".to_owned()
    } else {
        join_ports(ports)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::controls::ec2::run;
    use serde_json::{Value, json};

    fn with(permissions: Value, overrides: &[(&str, &str)]) -> Verdict {
        run(
            &CONTROL,
            json!({"groupName": "web", "ipPermissions": permissions}),
            overrides,
        )
    }

    fn world(protocol: &str, from: i64, to: i64) -> Value {
        json!({"ipProtocol": protocol, "fromPort": from, "toPort": to,
               "ipv4Ranges": [{"cidrIp": "0.0.0.0/0"}], "ipRanges": ["0.0.0.0/0"]})
    }

    #[test]
    fn web_ports_open_to_the_world_pass() {
        let v = with(
            json!([world("tcp", 443, 443), world("tcp", 80, 80),
                   {"ipProtocol": "tcp", "fromPort": 22, "toPort": 22,
                    "ipv4Ranges": [{"cidrIp": "10.0.0.0/8"}]}]),
            &[],
        );
        assert_eq!(
            v,
            Verdict::pass(
                "every inbound rule open to 0.0.0.0/0 or ::/0 stays within the authorized ports \
                 (authorized: tcp 80, 443, udp none)"
            )
        );
    }

    #[test]
    fn an_unauthorized_port_fails_and_is_named() {
        let v = with(json!([world("tcp", 443, 443), world("tcp", 22, 22)]), &[]);
        assert_eq!(
            v,
            Verdict::fail(
                "ingress tcp 22 from 0.0.0.0/0 in permission #2 (authorized: tcp 80, 443, udp none)"
            )
        );
        let v = with(json!([world("tcp", 80, 8080)]), &[]);
        assert!(
            v.reason()
                .starts_with("ingress tcp 81-442, 444-8080 from 0.0.0.0/0"),
            "{v}"
        );
    }

    #[test]
    fn udp_needs_its_own_list() {
        let dns = json!([world("udp", 53, 53)]);
        assert!(with(dns.clone(), &[]).is_non_compliant());
        assert!(with(dns.clone(), &[(UDP_PORTS, "53")]).is_compliant());
        assert!(with(dns, &[(TCP_PORTS, "53")]).is_non_compliant());
    }

    #[test]
    fn ranges_in_the_parameters_authorize_ranges() {
        let v = with(
            json!([world("tcp", 1020, 1025)]),
            &[(TCP_PORTS, "443,1020-1025")],
        );
        assert!(v.is_compliant(), "{v}");
        let v = with(
            json!([world("tcp", 1020, 1026)]),
            &[(TCP_PORTS, "443,1020-1025")],
        );
        assert!(v.reason().starts_with("ingress tcp 1026 "), "{v}");
    }

    #[test]
    fn all_traffic_and_other_protocols_fail_icmp_does_not() {
        let all = json!([{"ipProtocol": "-1", "ipv6Ranges": [{"cidrIpv6": "::/0"}]}]);
        assert_eq!(
            with(all.clone(), &[]),
            Verdict::fail(
                "ingress on all protocols and ports from ::/0 in permission #1 (authorized: tcp \
                 80, 443, udp none)"
            )
        );
        assert!(with(all, &[(TCP_PORTS, "0-65535"), (UDP_PORTS, "0-65535")]).is_compliant());
        let gre = json!([{"ipProtocol": "47", "ipRanges": ["0.0.0.0/0"]}]);
        assert!(with(gre, &[]).reason().contains("protocol 47"));
        let icmp =
            json!([{"ipProtocol": "icmp", "fromPort": 8, "toPort": -1, "ipRanges": ["0.0.0.0/0"]}]);
        assert!(with(icmp, &[]).is_compliant());
    }

    #[test]
    fn a_group_closed_to_the_world_passes() {
        let v = with(
            json!([{"ipProtocol": "-1", "userIdGroupPairs": [{"groupId": "sg-1"}]}]),
            &[],
        );
        assert_eq!(
            v,
            Verdict::pass("no inbound rule allows traffic from 0.0.0.0/0 or ::/0")
        );
        assert!(with(json!([]), &[]).is_compliant());
    }

    #[test]
    fn unreadable_permissions_are_insufficient() {
        assert!(run(&CONTROL, json!({"groupName": "web"}), &[]).is_insufficient());
        assert!(with(json!([{"fromPort": 22}]), &[]).is_insufficient());
    }

    #[test]
    fn gaps_cover_exactly_what_is_not_allowed() {
        let r = |from, to| PortRange { from, to };
        assert!(gaps(r(80, 80), &[80, 443]).is_empty());
        assert_eq!(gaps(r(0, 100), &[0, 50, 100]), [r(1, 49), r(51, 99)]);
        assert_eq!(gaps(r(10, 20), &[]), [r(10, 20)]);
        assert_eq!(gaps(r(10, 20), &[5, 25]), [r(10, 20)]);
        assert_eq!(gaps(PortRange::ALL, &[65535]), [r(0, 65534)]);
    }
}
