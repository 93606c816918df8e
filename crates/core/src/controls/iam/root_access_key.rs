//! IAM.4 — IAM root user access key should not exist.

use crate::control::{Context, Control, Duty, Mappings, Severity};
use crate::controls::account;
use crate::evidence::EvidenceKind;
use crate::evidence::shapes::AccountSummary;
use crate::verdict::Verdict;

pub const CONTROL: Control = Control {
    id: "IAM.4",
    title: "IAM root user access key should not exist",
    severity: Severity::Critical,
    resource_types: account::RESOURCE_TYPES,
    rationale: "Fails when the root user has an access key (iam:GetAccountSummary \
                AccountAccessKeysPresent is 1, whether the key is active or not); passes when it \
                has none. Account-wide: evaluated once, in the Region that evaluates global \
                resources.",
    remediation: "Sign in as the root user, open Security credentials and delete every root \
                  access key after moving whatever used it to an IAM role or IAM Identity \
                  Center. Organizations can instead remove root credentials centrally.",
    remediation_url: "https://docs.aws.amazon.com/IAM/latest/UserGuide/id_root-user.html#id_root-user_manage_delete-key",
    remediation_hook: super::ROOT_ONLY,
    duty: Duty::IdentityAndAccess,
    mappings: Mappings {
        fsbp: Some("IAM.4"),
        cis_v3: Some("1.4"),
        nist_800_53_r5: &[
            "AC-2(1)", "AC-3(15)", "AC-3(7)", "AC-6", "AC-6(10)", "AC-6(2)",
        ],
    },
    parameters: &[],
    evidence: &[EvidenceKind::IamAccountSummary],
    evaluate,
};

fn evaluate(ctx: &Context<'_>) -> Verdict {
    let summary: AccountSummary = match account::evidence(
        ctx,
        EvidenceKind::IamAccountSummary,
        &["accountAccessKeysPresent"],
    ) {
        Ok(summary) => summary,
        Err(verdict) => return verdict,
    };
    if summary.account_access_keys_present {
        Verdict::fail("the root user has an access key (AccountAccessKeysPresent is 1)")
    } else {
        Verdict::pass("the root user has no access key (AccountAccessKeysPresent is 0)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::controls::account::testing;
    use serde_json::json;

    fn run(evidence: serde_json::Value) -> Verdict {
        testing::run(&CONTROL, EvidenceKind::IamAccountSummary, evidence)
    }

    #[test]
    fn a_root_access_key_fails_and_an_unwritten_flag_is_never_a_pass() {
        assert!(run(json!({"accountAccessKeysPresent": true})).is_non_compliant());
        assert!(run(json!({"accountAccessKeysPresent": false})).is_compliant());
        assert!(run(json!({"accountMfaEnabled": true})).is_insufficient());
    }
}
