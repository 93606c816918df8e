//! IAM.6 — Hardware MFA should be enabled for the root user.

use crate::control::{Context, Control, Duty, Mappings, Severity};
use crate::controls::account;
use crate::controls::iam::root_mfa::{NO_ROOT_MFA, root_mfa_enabled};
use crate::evidence::EvidenceKind;
use crate::evidence::shapes::RootVirtualMfa;
use crate::verdict::Verdict;

pub const CONTROL: Control = Control {
    id: "IAM.6",
    title: "Hardware MFA should be enabled for the root user",
    severity: Severity::Critical,
    resource_types: account::RESOURCE_TYPES,
    rationale: "Passes when the root user has MFA (iam:GetAccountSummary AccountMFAEnabled is 1) \
                and no virtual MFA device is assigned to it (iam:ListVirtualMFADevices), so its \
                MFA is a hardware device; fails when it has no MFA or a virtual device. AWS also \
                passes accounts whose root user has no credentials (Organizations centralized \
                root access), which GetAccountSummary cannot show: sidewatch fails them. \
                Account-wide: evaluated once, in the Region that evaluates global resources.",
    remediation: "Sign in as the root user, assign a hardware MFA device (FIDO security key or \
                  hardware TOTP token) and remove the virtual MFA device; keep the device in a \
                  safe place that is not a personal phone.",
    remediation_url: "https://docs.aws.amazon.com/IAM/latest/UserGuide/enable-mfa-for-root.html",
    remediation_hook: super::ROOT_ONLY,
    duty: Duty::IdentityAndAccess,
    mappings: Mappings {
        fsbp: Some("IAM.6"),
        cis_v3: Some("1.6"),
        nist_800_53_r5: &[
            "AC-2(1)", "AC-3(15)", "IA-2(1)", "IA-2(2)", "IA-2(6)", "IA-2(8)",
        ],
    },
    parameters: &[],
    evidence: &[
        EvidenceKind::IamAccountSummary,
        EvidenceKind::IamRootVirtualMfa,
    ],
    evaluate,
};

fn evaluate(ctx: &Context<'_>) -> Verdict {
    match root_mfa_enabled(ctx) {
        Err(verdict) => return verdict,
        // No MFA at all is certainly no hardware MFA, whatever the virtual-device evidence says.
        Ok(false) => return Verdict::fail(NO_ROOT_MFA),
        Ok(true) => {}
    }
    let virtual_mfa: RootVirtualMfa =
        match account::evidence(ctx, EvidenceKind::IamRootVirtualMfa, &["rootHasVirtualMfa"]) {
            Ok(v) => v,
            Err(verdict) => return verdict,
        };
    if virtual_mfa.root_has_virtual_mfa {
        Verdict::fail("the root user's MFA is a virtual device, not a hardware device")
    } else {
        Verdict::pass("the root user has MFA and no virtual MFA device: its MFA is hardware")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::controls::account::testing;
    use crate::controls::checks::testing::evaluate;
    use serde_json::{Value, json};

    fn run(summary: Value, virtual_mfa: Option<Value>) -> Verdict {
        let mut evidence = vec![(EvidenceKind::IamAccountSummary, summary)];
        if let Some(v) = virtual_mfa {
            evidence.push((EvidenceKind::IamRootVirtualMfa, v));
        }
        evaluate(&CONTROL, testing::item(&evidence), &[])
    }

    #[test]
    fn only_non_virtual_mfa_passes() {
        let on = json!({"accountMfaEnabled": true});
        assert!(run(on.clone(), Some(json!({"rootHasVirtualMfa": false}))).is_compliant());
        assert!(run(on.clone(), Some(json!({"rootHasVirtualMfa": true}))).is_non_compliant());
        // Without the virtual-device evidence, or with an entry that does not say, no pass.
        assert!(run(on.clone(), None).is_insufficient());
        assert!(run(on, Some(json!({}))).is_insufficient());
    }

    #[test]
    fn no_mfa_fails_even_without_the_virtual_device_evidence() {
        assert_eq!(
            run(json!({"accountMfaEnabled": false}), None),
            Verdict::fail(NO_ROOT_MFA)
        );
    }
}
