//! IAM.22 — IAM user credentials unused for 45 days should be removed (CIS 1.12).
//!
//! The evaluation is shared with IAM.8 in `super::unused_credentials`; this control fails
//! credentials unused for 45 days, as the CIS AWS Foundations Benchmark asks.

use super::unused_credentials::{RATIONALE, REMEDIATION, evaluate, max_usage_age};
use crate::control::{Control, Duty, Mappings, Severity};
use crate::evidence::EvidenceKind;

pub const CONTROL: Control = Control {
    id: "IAM.22",
    title: "IAM user credentials unused for 45 days should be removed",
    severity: Severity::Medium,
    resource_types: &["AWS::IAM::User"],
    rationale: RATIONALE,
    remediation: REMEDIATION,
    remediation_url: "https://docs.aws.amazon.com/securityhub/latest/userguide/iam-controls.html#iam-22",
    remediation_hook: super::CREDENTIALS_BELONG_TO_PEOPLE,
    duty: Duty::IdentityAndAccess,
    mappings: Mappings {
        fsbp: None,
        cis_v3: Some("1.12"),
        nist_800_53_r5: &[],
    },
    parameters: &[max_usage_age("45")],
    evidence: &[EvidenceKind::IamCredentialReportRow],
    evaluate,
};

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Verdict;
    use crate::controls::iam::unused_credentials::{MAX_USAGE_AGE, run_row};
    use serde_json::json;

    #[test]
    fn forty_five_days_is_the_default_threshold() {
        let row = json!({"user": "etl", "generatedAt": "2026-06-01T00:00:00+00:00",
            "passwordEnabled": false, "accessKey2Active": false,
            "accessKey1Active": true, "accessKey1LastUsedDate": "2026-04-01T00:00:00+00:00"});
        let v = run_row(&CONTROL, "etl", row.clone(), &[]);
        assert_eq!(
            v,
            Verdict::fail("user etl: access key 1 last used 61 days ago (2026-04-01)")
        );
        assert!(run_row(&CONTROL, "etl", row, &[(MAX_USAGE_AGE, "90")]).is_compliant());
    }

    #[test]
    fn a_row_of_another_user_or_without_flags_is_insufficient() {
        for row in [
            json!({"user": "someone-else", "generatedAt": "2026-06-01T00:00:00+00:00",
                   "passwordEnabled": false, "accessKey1Active": false, "accessKey2Active": false}),
            json!({"user": "etl", "generatedAt": "2026-06-01T00:00:00+00:00"}),
        ] {
            let v = run_row(&CONTROL, "etl", row, &[]);
            assert!(v.is_insufficient(), "{v}");
        }
    }
}
