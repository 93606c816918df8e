//! IAM.8 — Unused IAM user credentials should be removed (90 days).
//!
//! The evaluation is shared with IAM.22 in `super::unused_credentials`; this control fails
//! credentials unused for 90 days (`maxCredentialUsageAge`, as in AWS's rule).

use super::unused_credentials::{RATIONALE, REMEDIATION, evaluate, max_usage_age};
use crate::control::{Control, Duty, Mappings, Severity};
use crate::evidence::EvidenceKind;

pub const CONTROL: Control = Control {
    id: "IAM.8",
    title: "Unused IAM user credentials should be removed",
    severity: Severity::Medium,
    resource_types: &["AWS::IAM::User"],
    rationale: RATIONALE,
    remediation: REMEDIATION,
    remediation_url: "https://docs.aws.amazon.com/securityhub/latest/userguide/iam-controls.html#iam-8",
    remediation_hook: super::CREDENTIALS_BELONG_TO_PEOPLE,
    duty: Duty::IdentityAndAccess,
    mappings: Mappings {
        fsbp: Some("IAM.8"),
        cis_v3: None,
        nist_800_53_r5: &[
            "AC-2", "AC-2(1)", "AC-2(3)", "AC-3", "AC-3(15)", "AC-3(7)", "AC-6",
        ],
    },
    parameters: &[max_usage_age("90")],
    evidence: &[EvidenceKind::IamCredentialReportRow],
    evaluate,
};

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Verdict;
    use crate::controls::iam::unused_credentials::{MAX_USAGE_AGE, run_row};
    use serde_json::{Value, json};

    fn row(password_last_used: &str) -> Value {
        json!({"user": "ana", "generatedAt": "2026-06-01T00:00:00+00:00",
               "passwordEnabled": true, "passwordLastUsed": password_last_used,
               "accessKey1Active": false, "accessKey2Active": false})
    }

    #[test]
    fn ninety_days_is_the_default_threshold() {
        let v = run_row(&CONTROL, "ana", row("2026-03-01T00:00:00+00:00"), &[]);
        assert_eq!(
            v,
            Verdict::fail("user ana: console password last used 92 days ago (2026-03-01)")
        );
        let v = run_row(&CONTROL, "ana", row("2026-03-10T00:00:00+00:00"), &[]);
        assert_eq!(
            v,
            Verdict::pass("user ana: console password used within the last 90 days")
        );
        let tighter = [(MAX_USAGE_AGE, "30")];
        let v = run_row(&CONTROL, "ana", row("2026-03-10T00:00:00+00:00"), &tighter);
        assert!(v.is_non_compliant(), "{v}");
    }
}
