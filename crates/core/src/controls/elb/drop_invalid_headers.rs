//! ELB.4 — Application Load Balancer should be configured to drop invalid http headers.
//!
//! AWS's rule `alb-http-drop-invalid-header-enabled` judges Application Load Balancers only, on
//! the attribute `routing.http.drop_invalid_header_fields.enabled`; Network and Gateway Load
//! Balancers have no such attribute and are NOT_APPLICABLE.

use crate::control::{Context, Control, Duty, Mappings, Remediation, Severity};
use crate::verdict::Verdict;

pub const CONTROL: Control = Control {
    id: "ELB.4",
    title: "Application Load Balancer should be configured to drop invalid http headers",
    severity: Severity::Medium,
    resource_types: &["AWS::ElasticLoadBalancingV2::LoadBalancer"],
    rationale: "Passes when the Application Load Balancer's attribute \
                routing.http.drop_invalid_header_fields.enabled is true \
                (supplementaryConfiguration.LoadBalancerAttributes); fails when it is false. \
                Network and Gateway Load Balancers are not applicable. Without the recorded \
                attribute the control is INSUFFICIENT_DATA.",
    remediation: "Turn on dropping of invalid header fields (elasticloadbalancing:\
                  ModifyLoadBalancerAttributes with routing.http.drop_invalid_header_fields.enabled \
                  true). AWS notes this control may be disabled where ELB.12 (desync mitigation \
                  defensive or strictest) is enforced.",
    remediation_url: "https://docs.aws.amazon.com/securityhub/latest/userguide/elb-controls.html#elb-4",
    remediation_hook: Remediation::NotifyOnly {
        why: "clients or targets may rely on headers the load balancer would drop; the owner \
              must confirm the application tolerates it",
    },
    duty: Duty::NetworkConfiguration,
    mappings: Mappings {
        fsbp: Some("ELB.4"),
        cis_v3: None,
        nist_800_53_r5: &["SC-7(4)", "SC-8(2)"],
    },
    parameters: &[],
    evidence: &[],
    evaluate,
};

const KEY: &str = "routing.http.drop_invalid_header_fields.enabled";

fn evaluate(ctx: &Context<'_>) -> Verdict {
    let item = ctx.item;
    if let Some(verdict) = super::require_type(item, &["application"], "Application Load Balancers")
    {
        return verdict;
    }
    let name = super::name(item);
    match super::attribute_flag(item, KEY) {
        Err(verdict) => verdict,
        Ok(true) => Verdict::pass(format!(
            "load balancer {name} drops invalid HTTP header fields ({KEY} is true)"
        )),
        Ok(false) => Verdict::fail(format!(
            "load balancer {name} forwards invalid HTTP header fields ({KEY} is false)"
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
            json!({"type": kind, "loadBalancerName": "web"}),
            json!({"LoadBalancerAttributes": attributes}),
            &[],
        )
    }

    #[test]
    fn the_attribute_decides_for_albs() {
        let on = run("application", json!([{"key": KEY, "value": "true"}]));
        assert!(on.is_compliant() && on.reason().contains("web"), "{on}");
        let off = run("application", json!([{"key": KEY, "value": "false"}]));
        assert!(off.is_non_compliant(), "{off}");
    }

    #[test]
    fn other_types_are_not_applicable_and_gaps_insufficient() {
        assert!(run("network", json!([])).is_not_applicable());
        assert!(run("gateway", Value::Null).is_not_applicable());
        assert!(run("application", Value::Null).is_insufficient());
        assert!(run("application", json!([])).is_insufficient());
    }
}
