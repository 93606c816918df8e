//! EC2.21 — Network ACLs should not allow ingress from 0.0.0.0/0 to port 22 or port 3389.

use super::ingress::{TCP_UDP, describe_ports, join_findings};
use super::nacl::{parse_entries, world_ingress};
use crate::control::{Context, Control, Duty, Mappings, Remediation, Severity};
use crate::params::{ParamKind, ParamSpec};
use crate::verdict::Verdict;

/// The ports EC2.21 checks; AWS's rule takes no parameters.
const PORTS: [i64; 2] = [22, 3389];

pub const CONTROL: Control = Control {
    id: "EC2.21",
    title: "Network ACLs should not allow ingress from 0.0.0.0/0 to port 22 or port 3389",
    severity: Severity::Medium,
    resource_types: &["AWS::EC2::NetworkAcl"],
    rationale: "Fails when an inbound entry (egress false) with ruleAction allow and source \
                0.0.0.0/0 (cidrBlock) or ::/0 (ipv6CidrBlock) covers port 22 or 3389 over tcp \
                (6), udp (17) or all protocols (-1); an entry without portRange covers every \
                port. An allow is not counted for a port when a lower-numbered deny from the \
                whole address space of the same family covers that protocol and port, since \
                NACLs apply the first matching rule. Default NACLs are evaluated unless \
                excludeDefaultNacl is true.",
    remediation: "Delete the inbound NACL entries that allow ports 22 or 3389 from 0.0.0.0/0 or \
                  ::/0, narrow their source, or add lower-numbered deny entries for those ports \
                  (ec2:ReplaceNetworkAclEntry, ec2:CreateNetworkAclEntry). The default NACL's \
                  rule 100 allows everything: add the denies before it or move subnets to a \
                  restrictive NACL.",
    remediation_url: "https://docs.aws.amazon.com/securityhub/latest/userguide/ec2-controls.html#ec2-21",
    remediation_hook: Remediation::NotifyOnly {
        why: "network ACL entries are ordered: changing one can open or close other traffic",
    },
    duty: Duty::NetworkConfiguration,
    mappings: Mappings {
        fsbp: Some("EC2.21"),
        cis_v3: Some("5.1"),
        nist_800_53_r5: &[
            "AC-4(21)", "CA-9(1)", "CM-2", "CM-2(2)", "CM-7", "SC-7", "SC-7(21)", "SC-7(5)",
        ],
    },
    parameters: &[ParamSpec {
        name: "excludeDefaultNacl",
        kind: ParamKind::Bool,
        default: "false",
        description: "Report default network ACLs (isDefault) NOT_APPLICABLE instead of \
                      evaluating them. Their built-in rule 100 allows all inbound traffic, so \
                      they fail unless you restricted them.",
    }],
    evidence: &[],
    evaluate,
};

fn evaluate(ctx: &Context<'_>) -> Verdict {
    let item = ctx.item;
    let is_default = match item.read_bool("/isDefault") {
        Ok(is_default) => is_default == Some(true),
        Err(unreadable) => return unreadable.into(),
    };
    if is_default && ctx.bool("excludeDefaultNacl") {
        return Verdict::not_applicable(
            "default network ACLs are excluded (excludeDefaultNacl is true)",
        );
    }
    let entries = match item.read("/entries") {
        Ok(Some(entries)) => entries,
        Ok(None) => return Verdict::insufficient("the configuration item records no entries"),
        Err(unreadable) => return unreadable.into(),
    };
    let entries = match parse_entries(entries) {
        Ok(e) => e,
        Err(unreadable) => return unreadable.into(),
    };
    let (open, shadowed) = world_ingress(&entries, &PORTS, TCP_UDP);
    if !open.is_empty() {
        let which = if is_default {
            "default network ACL"
        } else {
            "network ACL"
        };
        return Verdict::fail(format!("{which}: {}", join_findings(&open)));
    }
    let mut reason = format!(
        "no inbound entry allows tcp or udp traffic from 0.0.0.0/0 or ::/0 to {}",
        describe_ports(&PORTS)
    );
    if !shadowed.is_empty() {
        reason.push_str(&format!("; {}", join_findings(&shadowed)));
    }
    Verdict::pass(reason)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::controls::ec2::run;
    use serde_json::{Value, json};

    fn nacl(is_default: bool, entries: Value, overrides: &[(&str, &str)]) -> Verdict {
        run(
            &CONTROL,
            json!({"networkAclId": "acl-1", "vpcId": "vpc-1", "isDefault": is_default,
                   "associations": [], "entries": entries}),
            overrides,
        )
    }

    fn inbound(number: i64, action: &str, protocol: &str, range: Value, cidr: &str) -> Value {
        json!({"ruleNumber": number, "egress": false, "ruleAction": action, "protocol": protocol,
               "portRange": range, "cidrBlock": cidr, "ipv6CidrBlock": null, "icmpTypeCode": null})
    }

    fn default_entries() -> Value {
        json!([
            inbound(100, "allow", "-1", Value::Null, "0.0.0.0/0"),
            inbound(32767, "deny", "-1", Value::Null, "0.0.0.0/0"),
        ])
    }

    #[test]
    fn default_nacls_are_evaluated_and_fail_with_their_allow_all_rule() {
        assert_eq!(
            nacl(true, default_entries(), &[]),
            Verdict::fail(
                "default network ACL: inbound rule #100 allows all traffic from 0.0.0.0/0 \
                 (reaches ports 22, 3389)"
            )
        );
    }

    #[test]
    fn default_nacls_can_be_excluded() {
        assert!(
            nacl(true, default_entries(), &[("excludeDefaultNacl", "true")]).is_not_applicable()
        );
        // The switch only concerns default NACLs.
        assert!(
            nacl(false, default_entries(), &[("excludeDefaultNacl", "true")]).is_non_compliant()
        );
    }

    #[test]
    fn udp_to_an_admin_port_fails() {
        let v = nacl(
            false,
            json!([inbound(
                90,
                "allow",
                "17",
                json!({"from": 3389, "to": 3389}),
                "0.0.0.0/0"
            )]),
            &[],
        );
        assert_eq!(
            v,
            Verdict::fail(
                "network ACL: inbound rule #90 allows udp 3389 from 0.0.0.0/0 (reaches port 3389)"
            )
        );
    }

    #[test]
    fn earlier_denies_make_a_later_allow_all_pass_and_say_so() {
        let v = nacl(
            false,
            json!([
                inbound(10, "deny", "6", json!({"from": 22, "to": 22}), "0.0.0.0/0"),
                inbound(
                    20,
                    "deny",
                    "6",
                    json!({"from": 3389, "to": 3389}),
                    "0.0.0.0/0"
                ),
                inbound(100, "allow", "6", Value::Null, "0.0.0.0/0"),
            ]),
            &[],
        );
        assert!(v.is_compliant(), "{v}");
        assert!(
            v.reason().contains("shadowed for port 22 by deny rule #10"),
            "{v}"
        );
        assert!(
            v.reason()
                .contains("shadowed for port 3389 by deny rule #20"),
            "{v}"
        );
    }

    #[test]
    fn restricted_sources_pass() {
        let v = nacl(
            false,
            json!([inbound(
                100,
                "allow",
                "6",
                json!({"from": 22, "to": 22}),
                "198.51.100.0/24"
            )]),
            &[],
        );
        assert_eq!(
            v,
            Verdict::pass(
                "no inbound entry allows tcp or udp traffic from 0.0.0.0/0 or ::/0 to ports 22, 3389"
            )
        );
    }

    #[test]
    fn missing_or_malformed_entries_are_insufficient() {
        let v = run(
            &CONTROL,
            json!({"networkAclId": "acl-1", "isDefault": false}),
            &[],
        );
        assert!(v.is_insufficient(), "{v}");
        let v = nacl(false, json!([{"ruleNumber": 1}]), &[]);
        assert!(v.is_insufficient(), "{v}");
    }
}
