//! SecretsManager.4 — Secrets Manager secrets should be rotated within a specified number of days.
//!
//! AWS's rule (`secretsmanager-secret-periodic-rotation`, periodic, parameter
//! `maxDaysSinceRotation` 1–180, default 90) fails a secret not rotated within that many days. The
//! last rotation is not in the `AWS::SecretsManager::Secret` configuration item; the
//! SecretsManagerSecret evidence reads `LastRotatedDate` (`secretsmanager:DescribeSecret`). A
//! secret never rotated is judged by its `CreatedDate` (inferred: its value is as old as the
//! secret).

use super::secret_dates::{Judged, decide};
use crate::control::{Context, Control, Duty, Mappings, Remediation, Severity};
use crate::evidence::EvidenceKind;
use crate::params::{ParamKind, ParamSpec};
use crate::verdict::Verdict;

const MAX_DAYS: &str = "maxDaysSinceRotation";

pub const CONTROL: Control = Control {
    id: "SecretsManager.4",
    title: "Secrets Manager secrets should be rotated within a specified number of days",
    severity: Severity::Medium,
    resource_types: &["AWS::SecretsManager::Secret"],
    rationale: "Fails when the secret was last rotated (or, never rotated, created) more than \
                maxDaysSinceRotation days before its SecretsManagerSecret evidence was read \
                (DescribeSecret LastRotatedDate / CreatedDate, age taken at collectedAt); passes \
                otherwise. Secrets scheduled for deletion are not applicable.",
    remediation: "Rotate the secret now (secretsmanager:RotateSecret) and turn on automatic \
                  rotation with a schedule shorter than maxDaysSinceRotation, with a rotation \
                  function that updates the credential where it is used.",
    remediation_url: "https://docs.aws.amazon.com/securityhub/latest/userguide/secretsmanager-controls.html#secretsmanager-4",
    remediation_hook: Remediation::NotifyOnly {
        why: "rotating a secret without a rotation function that updates its consumers breaks \
              them",
    },
    duty: Duty::IdentityAndAccess,
    mappings: Mappings {
        fsbp: Some("SecretsManager.4"),
        cis_v3: None,
        nist_800_53_r5: &["AC-2(1)", "AC-2(3)", "AC-3(15)"],
    },
    parameters: &[ParamSpec {
        name: MAX_DAYS,
        kind: ParamKind::Int { min: 1, max: 180 },
        default: "90",
        description: "Days a secret may go without being rotated.",
    }],
    evidence: &[EvidenceKind::SecretsManagerSecret],
    evaluate,
};

fn evaluate(ctx: &Context<'_>) -> Verdict {
    decide(
        ctx,
        Judged {
            field: "lastRotatedDate",
            pick: |d| d.last_rotated_date.as_deref(),
            what: "last rotated",
            never: "never rotated",
            parameter: MAX_DAYS,
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::controls::evidence_fields::run_with_evidence;
    use serde_json::{Value, json};

    const AT: &str = "2026-06-01T10:00:00Z";

    fn run(evidence: Option<Value>, days: &str) -> Verdict {
        run_with_evidence(
            &CONTROL,
            json!({"Name": "prod/orders/db", "RotationEnabled": true}),
            EvidenceKind::SecretsManagerSecret,
            evidence,
            &[(MAX_DAYS, days)],
        )
    }

    #[test]
    fn the_last_rotation_decides() {
        let e = json!({"collectedAt": AT, "createdDate": "2024-01-01T00:00:00Z",
            "lastRotatedDate": "2026-04-01T00:00:00Z"});
        assert!(run(Some(e.clone()), "90").is_compliant());
        let v = run(Some(e), "30");
        assert_eq!(
            v,
            Verdict::fail(
                "secret prod/orders/db was last rotated 2026-04-01 (61 days ago), more than 30 \
                 days (maxDaysSinceRotation)"
            )
        );
    }

    #[test]
    fn a_never_rotated_secret_is_as_old_as_it_is() {
        let old = json!({"collectedAt": AT, "createdDate": "2024-01-01T00:00:00Z"});
        let v = run(Some(old), "90");
        assert!(
            v.is_non_compliant() && v.reason().contains("never rotated"),
            "{v}"
        );
        let new = json!({"collectedAt": AT, "createdDate": "2026-05-01T00:00:00Z"});
        assert!(run(Some(new), "90").is_compliant());
    }

    #[test]
    fn missing_or_odd_evidence_is_insufficient() {
        assert!(run(None, "90").is_insufficient());
        assert!(run(Some(json!({"collectedAt": AT})), "90").is_insufficient());
        let bad = json!({"collectedAt": "soon", "createdDate": "2026-05-01T00:00:00Z"});
        assert!(run(Some(bad), "90").is_insufficient());
    }
}
