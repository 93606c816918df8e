//! SecretsManager.3 — Remove unused Secrets Manager secrets.
//!
//! AWS's rule (`secretsmanager-secret-unused`, periodic, parameter `unusedForDays` 1–365, default
//! 90) fails a secret not accessed within that many days. The last access is not in the
//! `AWS::SecretsManager::Secret` configuration item (the schema holds `Name`, `RotationEnabled`,
//! `RotationRules`, `Deleted`…); the SecretsManagerSecret evidence reads `LastAccessedDate`
//! (`secretsmanager:DescribeSecret`, day precision). A secret never read is judged by its
//! `CreatedDate` (inferred: AWS's text does not say), so a new secret is not failed before it
//! could have been used.

use super::secret_dates::{Judged, decide};
use crate::control::{Context, Control, Duty, Mappings, Remediation, Severity};
use crate::evidence::EvidenceKind;
use crate::params::{ParamKind, ParamSpec};
use crate::verdict::Verdict;

const UNUSED_FOR_DAYS: &str = "unusedForDays";

pub const CONTROL: Control = Control {
    id: "SecretsManager.3",
    title: "Remove unused Secrets Manager secrets",
    severity: Severity::Medium,
    resource_types: &["AWS::SecretsManager::Secret"],
    rationale: "Fails when the secret was last accessed (or, never accessed, created) more than \
                unusedForDays days before its SecretsManagerSecret evidence was read \
                (DescribeSecret LastAccessedDate / CreatedDate, age taken at collectedAt); passes \
                otherwise. Secrets scheduled for deletion are not applicable.",
    remediation: "Find out whether anything still needs the secret; if not, delete it \
                  (secretsmanager:DeleteSecret with a recovery window), which also revokes the \
                  access of everyone who could read it.",
    remediation_url: "https://docs.aws.amazon.com/securityhub/latest/userguide/secretsmanager-controls.html#secretsmanager-3",
    remediation_hook: Remediation::NotifyOnly {
        why: "deleting a secret breaks whatever still reads it rarely; only its owner knows",
    },
    duty: Duty::IdentityAndAccess,
    mappings: Mappings {
        fsbp: Some("SecretsManager.3"),
        cis_v3: None,
        nist_800_53_r5: &["AC-2(1)", "AC-2(3)", "AC-3(15)"],
    },
    parameters: &[ParamSpec {
        name: UNUSED_FOR_DAYS,
        kind: ParamKind::Int { min: 1, max: 365 },
        default: "90",
        description: "Days a secret may go without being accessed.",
    }],
    evidence: &[EvidenceKind::SecretsManagerSecret],
    evaluate,
};

fn evaluate(ctx: &Context<'_>) -> Verdict {
    decide(
        ctx,
        Judged {
            field: "lastAccessedDate",
            pick: |d| d.last_accessed_date.as_deref(),
            what: "last accessed",
            never: "never accessed",
            parameter: UNUSED_FOR_DAYS,
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::controls::evidence_fields::run_with_evidence;
    use serde_json::{Value, json};

    const AT: &str = "2026-06-01T10:00:00Z";

    fn run(config: Value, evidence: Option<Value>, days: &str) -> Verdict {
        run_with_evidence(
            &CONTROL,
            config,
            EvidenceKind::SecretsManagerSecret,
            evidence,
            &[(UNUSED_FOR_DAYS, days)],
        )
    }

    fn secret() -> Value {
        json!({"Name": "prod/orders/db", "Deleted": false})
    }

    #[test]
    fn the_last_access_decides() {
        let recent = json!({"collectedAt": AT, "createdDate": "2025-01-01T00:00:00Z",
            "lastAccessedDate": "2026-05-20T00:00:00Z"});
        assert!(run(secret(), Some(recent.clone()), "90").is_compliant());
        let v = run(secret(), Some(recent), "5");
        assert_eq!(
            v,
            Verdict::fail(
                "secret prod/orders/db was last accessed 2026-05-20 (12 days ago), more than 5 \
                 days (unusedForDays)"
            )
        );
    }

    #[test]
    fn a_never_read_secret_is_judged_by_its_creation() {
        let old = json!({"collectedAt": AT, "createdDate": "2025-01-01T00:00:00Z"});
        let v = run(secret(), Some(old), "90");
        assert!(
            v.is_non_compliant() && v.reason().contains("never accessed"),
            "{v}"
        );
        let new = json!({"collectedAt": AT, "createdDate": "2026-05-30T00:00:00Z"});
        assert!(run(secret(), Some(new), "90").is_compliant());
        let undated = json!({"collectedAt": AT});
        let v = run(secret(), Some(undated), "90");
        assert!(
            v.is_insufficient() && v.reason().contains("createdDate"),
            "{v}"
        );
    }

    #[test]
    fn deleted_secrets_are_not_applicable() {
        let v = run(json!({"Name": "old", "Deleted": true}), None, "90");
        assert!(v.is_not_applicable(), "{v}");
        let scheduled = json!({"collectedAt": AT, "createdDate": "2025-01-01T00:00:00Z",
            "deletedDate": "2026-06-08T00:00:00Z"});
        assert!(run(secret(), Some(scheduled), "90").is_not_applicable());
    }

    #[test]
    fn missing_or_odd_input_is_insufficient() {
        assert!(run(secret(), None, "90").is_insufficient());
        let v = run(json!({"Name": "x", "Deleted": "perhaps"}), None, "90");
        assert!(v.is_insufficient() && v.reason().contains("Deleted"), "{v}");
        let no_time = json!({"createdDate": "2025-01-01T00:00:00Z"});
        assert!(run(secret(), Some(no_time), "90").is_insufficient());
        let bad = json!({"collectedAt": AT, "lastAccessedDate": "yesterday"});
        let v = run(secret(), Some(bad), "90");
        assert!(
            v.is_insufficient() && v.reason().contains("lastAccessedDate"),
            "{v}"
        );
        let denied = json!({"sidewatchError": {"code": "AccessDeniedException", "message": "no"}});
        assert!(run(secret(), Some(denied), "90").is_insufficient());
    }
}
