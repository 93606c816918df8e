//! IAM.9 — MFA should be enabled for the root user.

use crate::control::{Context, Control, Duty, Mappings, Severity};
use crate::controls::account;
use crate::evidence::EvidenceKind;
use crate::evidence::shapes::AccountSummary;
use crate::verdict::Verdict;

pub const CONTROL: Control = Control {
    id: "IAM.9",
    title: "MFA should be enabled for the root user",
    severity: Severity::Critical,
    resource_types: account::RESOURCE_TYPES,
    rationale: "Passes when the root user has an MFA device (iam:GetAccountSummary \
                AccountMFAEnabled is 1); fails when it has none. AWS also passes accounts whose \
                root user has no credentials at all (Organizations centralized root access); \
                GetAccountSummary cannot show that, so sidewatch fails them: exclude IAM.9 for \
                such member accounts. Account-wide: evaluated once, in the Region that evaluates \
                global resources.",
    remediation: "Sign in as the root user and assign an MFA device (preferably a hardware \
                  security key, see IAM.6) under Security credentials, or remove the root \
                  credentials centrally with AWS Organizations.",
    remediation_url: "https://docs.aws.amazon.com/IAM/latest/UserGuide/enable-mfa-for-root.html",
    remediation_hook: super::ROOT_ONLY,
    duty: Duty::IdentityAndAccess,
    mappings: Mappings {
        fsbp: None,
        cis_v3: Some("1.5"),
        nist_800_53_r5: &[
            "AC-2(1)", "AC-3(15)", "IA-2(1)", "IA-2(2)", "IA-2(6)", "IA-2(8)",
        ],
    },
    parameters: &[],
    evidence: &[EvidenceKind::IamAccountSummary],
    evaluate,
};

fn evaluate(ctx: &Context<'_>) -> Verdict {
    match root_mfa_enabled(ctx) {
        Err(verdict) => verdict,
        Ok(true) => Verdict::pass("the root user has MFA enabled (AccountMFAEnabled is 1)"),
        Ok(false) => Verdict::fail(NO_ROOT_MFA),
    }
}

/// The reason when the root user has no MFA device at all.
pub(crate) const NO_ROOT_MFA: &str = "the root user has no MFA device (AccountMFAEnabled is 0)";

/// Whether the root user has an MFA device, from the account summary (IAM.6 and IAM.9).
pub(crate) fn root_mfa_enabled(ctx: &Context<'_>) -> Result<bool, Verdict> {
    let summary: AccountSummary =
        account::evidence(ctx, EvidenceKind::IamAccountSummary, &["accountMfaEnabled"])?;
    Ok(summary.account_mfa_enabled)
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
    fn the_summary_flag_decides() {
        assert!(run(json!({"accountMfaEnabled": true})).is_compliant());
        assert_eq!(
            run(json!({"accountMfaEnabled": false, "accountAccessKeysPresent": false})),
            Verdict::fail(NO_ROOT_MFA)
        );
        assert!(run(json!({"accountAccessKeysPresent": false})).is_insufficient());
    }
}
