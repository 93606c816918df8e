//! ELB.6 — Application, Gateway, and Network Load Balancers should have deletion protection
//! enabled.
//!
//! AWS's rule `elb-deletion-protection-enabled` judges every ELBv2 load balancer on the attribute
//! `deletion_protection.enabled`. Classic Load Balancers have no deletion protection and are a
//! different resource type.

use crate::control::{Context, Control, Duty, Mappings, Remediation, Severity};
use crate::verdict::Verdict;

pub const CONTROL: Control = Control {
    id: "ELB.6",
    title: "Application, Gateway, and Network Load Balancers should have deletion protection enabled",
    severity: Severity::Medium,
    resource_types: &["AWS::ElasticLoadBalancingV2::LoadBalancer"],
    rationale: "Passes when the load balancer's attribute deletion_protection.enabled is true \
                (supplementaryConfiguration.LoadBalancerAttributes); fails when it is false. \
                Application, Network and Gateway Load Balancers are all evaluated. Without the \
                recorded attribute the control is INSUFFICIENT_DATA.",
    remediation: "Turn on deletion protection (elasticloadbalancing:ModifyLoadBalancerAttributes \
                  with deletion_protection.enabled true); it must then be turned off before the \
                  load balancer can be deleted.",
    remediation_url: "https://docs.aws.amazon.com/securityhub/latest/userguide/elb-controls.html#elb-6",
    remediation_hook: Remediation::NotifyOnly {
        why: "deletion protection blocks deletions that automation (CloudFormation, Terraform) \
              may still plan; the owner decides",
    },
    duty: Duty::Resilience,
    mappings: Mappings {
        fsbp: Some("ELB.6"),
        cis_v3: None,
        nist_800_53_r5: &["CA-9(1)", "CM-2", "CM-2(2)", "CM-3", "SC-5(2)"],
    },
    parameters: &[],
    evidence: &[],
    evaluate,
};

const KEY: &str = "deletion_protection.enabled";

fn evaluate(ctx: &Context<'_>) -> Verdict {
    let item = ctx.item;
    if let Some(verdict) = super::require_type(
        item,
        &["application", "network", "gateway"],
        "Application, Network and Gateway Load Balancers",
    ) {
        return verdict;
    }
    let name = super::name(item);
    match super::attribute_flag(item, KEY) {
        Err(verdict) => verdict,
        Ok(true) => Verdict::pass(format!(
            "load balancer {name} has deletion protection enabled ({KEY} is true)"
        )),
        Ok(false) => Verdict::fail(format!(
            "load balancer {name} can be deleted without first turning protection off ({KEY} is \
             false)"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::controls::checks::testing;
    use serde_json::{Value, json};

    fn run(kind: &str, attributes: Value) -> Verdict {
        testing::with_parts(
            &CONTROL,
            json!({"type": kind}),
            json!({"LoadBalancerAttributes": attributes}),
            &[],
        )
    }

    #[test]
    fn every_elbv2_type_is_judged_on_the_attribute() {
        for kind in ["application", "network", "gateway"] {
            assert!(run(kind, json!([{"key": KEY, "value": "true"}])).is_compliant());
            assert!(run(kind, json!([{"key": KEY, "value": "false"}])).is_non_compliant());
            assert!(run(kind, Value::Null).is_insufficient());
        }
        assert!(run("classic", json!([])).is_not_applicable());
    }
}
