//! APIGateway.3 — API Gateway REST API stages should have AWS X-Ray tracing enabled.
//!
//! AWS's rule `api-gw-xray-enabled`: the REST stage's `tracingEnabled` (schema-confirmed).

use crate::control::{Context, Control, Duty, Mappings, Remediation, Severity};
use crate::controls::checks;
use crate::verdict::Verdict;

pub const CONTROL: Control = Control {
    id: "APIGateway.3",
    title: "API Gateway REST API stages should have AWS X-Ray tracing enabled",
    severity: Severity::Low,
    resource_types: &["AWS::ApiGateway::Stage"],
    rationale: "Passes when the REST API stage's configuration.tracingEnabled is true (AWS X-Ray \
                active tracing); fails when it is false. An item without the field is \
                INSUFFICIENT_DATA.",
    remediation: "Turn on X-Ray tracing for the stage (apigateway:UpdateStage, /tracingEnabled \
                  true).",
    remediation_url: "https://docs.aws.amazon.com/securityhub/latest/userguide/apigateway-controls.html#apigateway-3",
    remediation_hook: Remediation::NotifyOnly {
        why: "X-Ray tracing is billed per trace; the owner decides the sampling",
    },
    duty: Duty::LoggingAndMonitoring,
    mappings: Mappings {
        fsbp: Some("APIGateway.3"),
        cis_v3: None,
        nist_800_53_r5: &["CA-7"],
    },
    parameters: &[],
    evidence: &[],
    evaluate,
};

fn evaluate(ctx: &Context<'_>) -> Verdict {
    let stage = super::stage(ctx.item);
    match checks::require_flag(
        ctx.item,
        "/tracingEnabled",
        true,
        "X-Ray active tracing is on",
        "X-Ray active tracing is off",
    ) {
        Verdict::Compliant(reason) => Verdict::pass(format!("stage {stage}: {reason}")),
        Verdict::NonCompliant(reason) => Verdict::fail(format!("stage {stage}: {reason}")),
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::controls::checks::testing;
    use serde_json::json;

    #[test]
    fn the_tracing_flag_decides() {
        let run = |c| testing::with_configuration(&CONTROL, c);
        assert!(run(json!({"stageName": "prod", "tracingEnabled": true})).is_compliant());
        assert!(run(json!({"stageName": "prod", "tracingEnabled": false})).is_non_compliant());
        assert!(run(json!({"stageName": "prod"})).is_insufficient());
        assert!(run(json!({"tracingEnabled": "sometimes"})).is_insufficient());
    }
}
