//! ELB.17 — Application and Network Load Balancers with listeners should use recommended
//! security policies.
//!
//! AWS's rule `elbv2-predefined-security-policy-ssl-check` with the `sslPolicies` list Security
//! Hub fixes, copied from the control reference
//! (<https://docs.aws.amazon.com/securityhub/latest/userguide/elb-controls.html#elb-17>, as
//! recorded in CONTROLS-2.md). The listener's `configuration.Protocol` and
//! `configuration.SslPolicy` are in the Config resource schema (PascalCase). HTTPS (ALB) and TLS
//! (NLB) listeners are judged; HTTP, TCP, UDP, TCP_UDP and GENEVE listeners are NOT_APPLICABLE.

use crate::control::{Context, Control, Duty, Mappings, Remediation, Severity};
use crate::verdict::Verdict;

pub const CONTROL: Control = Control {
    id: "ELB.17",
    title: "Application and Network Load Balancers with listeners should use recommended security \
            policies",
    severity: Severity::Medium,
    resource_types: &["AWS::ElasticLoadBalancingV2::Listener"],
    rationale: "An HTTPS or TLS listener passes when configuration.SslPolicy is one of the \
                security policies Security Hub recommends (TLS 1.3 policies, FIPS and \
                post-quantum variants); any other policy fails. Listeners on other protocols are \
                not applicable; an HTTPS/TLS listener without a recorded policy is \
                INSUFFICIENT_DATA.",
    remediation: "Set a recommended policy such as ELBSecurityPolicy-TLS13-1-2-Res-2021-06 on the \
                  listener (elasticloadbalancing:ModifyListener --ssl-policy).",
    remediation_url: "https://docs.aws.amazon.com/securityhub/latest/userguide/elb-controls.html#elb-17",
    remediation_hook: Remediation::NotifyOnly {
        why: "a stricter TLS policy can cut off clients that only speak older protocols; the \
              owner must confirm who connects",
    },
    duty: Duty::DataProtection,
    mappings: Mappings {
        fsbp: Some("ELB.17"),
        cis_v3: None,
        // Not confirmed from AWS's control reference in this change (see the branch report).
        nist_800_53_r5: &[],
    },
    parameters: &[],
    evidence: &[],
    evaluate,
};

/// The sslPolicies Security Hub sets for the rule (not customizable).
const RECOMMENDED: [&str; 8] = [
    "ELBSecurityPolicy-TLS13-1-3-2021-06",
    "ELBSecurityPolicy-TLS13-1-3-FIPS-2023-04",
    "ELBSecurityPolicy-TLS13-1-2-Res-2021-06",
    "ELBSecurityPolicy-TLS13-1-2-Res-FIPS-2023-04",
    "ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09",
    "ELBSecurityPolicy-TLS13-1-3-PQ-2025-09",
    "ELBSecurityPolicy-TLS13-1-2-Res-FIPS-PQ-2025-09",
    "ELBSecurityPolicy-TLS13-1-3-FIPS-PQ-2025-09",
];

fn evaluate(ctx: &Context<'_>) -> Verdict {
    let item = ctx.item;
    let protocol = match item.read_str("/Protocol") {
        Err(unreadable) => return unreadable.into(),
        Ok(None) => return crate::controls::checks::missing("configuration.Protocol"),
        Ok(Some(p)) => p.trim().to_ascii_uppercase(),
    };
    if protocol != "HTTPS" && protocol != "TLS" {
        return Verdict::not_applicable(format!(
            "the listener uses {protocol}; only HTTPS and TLS listeners have a security policy"
        ));
    }
    match item.read_str("/SslPolicy") {
        Err(unreadable) => unreadable.into(),
        Ok(None) => crate::controls::checks::missing("configuration.SslPolicy"),
        Ok(Some(policy)) if RECOMMENDED.contains(&policy.trim()) => Verdict::pass(format!(
            "the {protocol} listener uses recommended security policy {}",
            policy.trim()
        )),
        Ok(Some(policy)) => Verdict::fail(format!(
            "the {protocol} listener uses security policy {}, which is not one Security Hub \
             recommends (such as ELBSecurityPolicy-TLS13-1-2-Res-2021-06)",
            policy.trim()
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::controls::checks::testing;
    use serde_json::json;

    #[test]
    fn the_policy_must_be_recommended() {
        for policy in RECOMMENDED {
            let v = testing::with_configuration(
                &CONTROL,
                json!({"Protocol": "HTTPS", "SslPolicy": policy}),
            );
            assert!(v.is_compliant(), "{policy}: {v}");
        }
        for policy in [
            "ELBSecurityPolicy-2016-08",
            "ELBSecurityPolicy-TLS13-1-2-2021-06",
        ] {
            let v = testing::with_configuration(
                &CONTROL,
                json!({"Protocol": "TLS", "SslPolicy": policy}),
            );
            assert!(v.is_non_compliant(), "{policy}: {v}");
        }
    }

    #[test]
    fn other_protocols_and_gaps() {
        for protocol in ["HTTP", "TCP", "UDP", "GENEVE"] {
            let v = testing::with_configuration(&CONTROL, json!({"Protocol": protocol}));
            assert!(v.is_not_applicable(), "{protocol}: {v}");
        }
        for configuration in [
            json!({}),
            json!({"Protocol": 443}),
            json!({"Protocol": "HTTPS"}),
            json!({"Protocol": "HTTPS", "SslPolicy": ["x"]}),
        ] {
            let v = testing::with_configuration(&CONTROL, configuration.clone());
            assert!(v.is_insufficient(), "{configuration}: {v}");
        }
    }
}
