//! CloudTrail.4 — CloudTrail log file validation should be enabled.

use crate::control::{Context, Control, Duty, Mappings, PlanKind, Remediation, Severity};
use crate::controls::checks;
use crate::verdict::Verdict;

pub const CONTROL: Control = Control {
    id: "CloudTrail.4",
    title: "CloudTrail log file validation should be enabled",
    severity: Severity::Low,
    resource_types: &["AWS::CloudTrail::Trail"],
    rationale: "Passes when the trail's configuration.logFileValidationEnabled is true, so \
                CloudTrail writes signed digest files that prove whether a log file was changed \
                or deleted; fails when it is false. An item without the field is \
                INSUFFICIENT_DATA.",
    remediation: "Turn on log file integrity validation for the trail (cloudtrail:UpdateTrail \
                  --enable-log-file-validation), then validate logs with `aws cloudtrail \
                  validate-logs` when you investigate.",
    remediation_url: "https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-log-file-validation-intro.html",
    remediation_hook: Remediation::Automatic {
        plan: PlanKind::LogFileValidation,
        does: "enables log file validation on the trail (cloudtrail:UpdateTrail)",
    },
    duty: Duty::LoggingAndMonitoring,
    mappings: Mappings {
        fsbp: Some("CloudTrail.4"),
        cis_v3: Some("3.2"),
        nist_800_53_r5: &["AU-9", "SI-4", "SI-7(1)", "SI-7(3)", "SI-7(7)"],
    },
    parameters: &[],
    evidence: &[],
    evaluate,
};

fn evaluate(ctx: &Context<'_>) -> Verdict {
    checks::require_flag(
        ctx.item,
        "/logFileValidationEnabled",
        true,
        "log file integrity validation is enabled",
        "log file integrity validation is disabled",
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::controls::checks::testing;
    use serde_json::json;

    #[test]
    fn the_validation_flag_decides() {
        assert!(
            testing::with_configuration(&CONTROL, json!({"logFileValidationEnabled": true}))
                .is_compliant()
        );
        let v = testing::with_configuration(&CONTROL, json!({"logFileValidationEnabled": false}));
        assert_eq!(
            v,
            Verdict::fail(
                "log file integrity validation is disabled \
                 (configuration.logFileValidationEnabled is false)"
            )
        );
        assert!(testing::with_configuration(&CONTROL, json!({"name": "trail"})).is_insufficient());
    }
}
