//! SecretsManager.2 — Secrets Manager secrets configured with automatic rotation should rotate
//! successfully.
//!
//! `configuration.RotationOccurringAsScheduled` is confirmed in the AWS Config resource schema for
//! `AWS::SecretsManager::Secret`.

use crate::control::{Context, Control, Duty, Mappings, Remediation, Severity};
use crate::controls::checks;
use crate::verdict::Verdict;

pub const CONTROL: Control = Control {
    id: "SecretsManager.2",
    title: "Secrets Manager secrets configured with automatic rotation should rotate successfully",
    severity: Severity::Medium,
    resource_types: &["AWS::SecretsManager::Secret"],
    rationale: "For secrets with automatic rotation enabled (configuration.RotationEnabled \
                true): passes when configuration.RotationOccurringAsScheduled is true, fails \
                when it is false (the last scheduled rotation did not happen). Secrets without \
                rotation or scheduled for deletion are not applicable.",
    remediation: "Find why rotation failed in the rotation function's CloudWatch Logs (network \
                  access to the database and to Secrets Manager, permissions, the secret's \
                  structure), fix it and rotate the secret (secretsmanager:RotateSecret).",
    remediation_url: "https://docs.aws.amazon.com/securityhub/latest/userguide/secretsmanager-controls.html#secretsmanager-2",
    remediation_hook: Remediation::NotifyOnly {
        why: "a failed rotation has a cause in the rotation function or its access that must be \
              diagnosed; retrying blindly can leave the secret half-rotated",
    },
    duty: Duty::IdentityAndAccess,
    mappings: Mappings {
        fsbp: Some("SecretsManager.2"),
        cis_v3: None,
        nist_800_53_r5: &["AC-2(1)", "AC-3(15)"],
    },
    parameters: &[],
    evidence: &[],
    evaluate,
};

fn evaluate(ctx: &Context<'_>) -> Verdict {
    match super::rotation_enabled(ctx.item) {
        Err(verdict) => return verdict,
        Ok(false) => {
            return Verdict::not_applicable(
                "automatic rotation is not enabled for the secret, so there is no schedule to \
                 keep",
            );
        }
        Ok(true) => {}
    }
    checks::require_flag(
        ctx.item,
        "/RotationOccurringAsScheduled",
        true,
        "the secret rotates as scheduled",
        "the secret's last scheduled rotation did not succeed",
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::controls::checks::testing;
    use serde_json::json;

    #[test]
    fn scheduled_rotation_must_succeed() {
        let v = testing::with_configuration(
            &CONTROL,
            json!({"Name": "db", "RotationEnabled": true, "RotationOccurringAsScheduled": true}),
        );
        assert!(v.is_compliant(), "{v}");
        let v = testing::with_configuration(
            &CONTROL,
            json!({"Name": "db", "RotationEnabled": true, "RotationOccurringAsScheduled": false}),
        );
        assert!(v.is_non_compliant(), "{v}");
        let v = testing::with_configuration(
            &CONTROL,
            json!({"Name": "db", "RotationEnabled": false, "RotationOccurringAsScheduled": false}),
        );
        assert!(v.is_not_applicable(), "{v}");
        let v =
            testing::with_configuration(&CONTROL, json!({"Name": "db", "RotationEnabled": true}));
        assert!(v.is_insufficient(), "{v}");
    }
}
