//! SSM.4 — SSM documents should not be public.
//!
//! Sharing is not in the `AWS::SSM::Document` item (the Config resource schema holds
//! `configuration.Name`, `DocumentType`, `DocumentFormat`… and no permissions), so the
//! SsmDocumentPermissions evidence reads it (`ssm:DescribeDocumentPermission`, PermissionType
//! `Share`). The document is public when the account list holds `all`. The account-wide block of
//! public sharing is SSM.7, not this control.

use crate::control::{Context, Control, Duty, Mappings, Remediation, Severity};
use crate::controls::evidence_fields::evidence_with;
use crate::evidence::EvidenceKind;
use crate::evidence::shapes::SsmDocumentPermissions;
use crate::verdict::Verdict;

pub const CONTROL: Control = Control {
    id: "SSM.4",
    title: "SSM documents should not be public",
    severity: Severity::Critical,
    resource_types: &["AWS::SSM::Document"],
    rationale: "Fails when the document the account owns is shared with all accounts (its Share \
                permission lists `all`, SsmDocumentPermissions evidence); passes when it is \
                private or shared only with named accounts.",
    remediation: "Stop sharing the document publicly: `aws ssm modify-document-permission --name \
                  NAME --permission-type Share --account-ids-to-remove all`, share it with the \
                  accounts that need it, and turn on block public sharing for documents.",
    remediation_url: "https://docs.aws.amazon.com/securityhub/latest/userguide/ssm-controls.html#ssm-4",
    remediation_hook: Remediation::NotifyOnly {
        why: "the document may be shared publicly on purpose; a person must confirm",
    },
    duty: Duty::IdentityAndAccess,
    mappings: Mappings {
        fsbp: Some("SSM.4"),
        cis_v3: None,
        nist_800_53_r5: crate::controls::nist::PUBLIC_ACCESS,
    },
    parameters: &[],
    evidence: &[EvidenceKind::SsmDocumentPermissions],
    evaluate,
};

fn evaluate(ctx: &Context<'_>) -> Verdict {
    let shared: SsmDocumentPermissions =
        match evidence_with(ctx, EvidenceKind::SsmDocumentPermissions, &["accountIds"]) {
            Ok(shared) => shared,
            Err(verdict) => return verdict,
        };
    let name = ctx
        .item
        .config_str("/Name")
        .or(ctx.item.resource_name.as_deref())
        .unwrap_or(&ctx.item.resource_id);
    if shared
        .account_ids
        .iter()
        .any(|a| a.trim().eq_ignore_ascii_case("all"))
    {
        return Verdict::fail(format!(
            "SSM document {name} is public: its Share permission includes all accounts"
        ));
    }
    match shared.account_ids.len() {
        0 => Verdict::pass(format!("SSM document {name} is not shared")),
        n => Verdict::pass(format!(
            "SSM document {name} is shared with {n} named account(s), not publicly"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::controls::evidence_fields::run_with_evidence;
    use serde_json::{Value, json};

    fn run(evidence: Option<Value>) -> Verdict {
        run_with_evidence(
            &CONTROL,
            json!({"Name": "deploy-app", "DocumentType": "Command"}),
            EvidenceKind::SsmDocumentPermissions,
            evidence,
            &[],
        )
    }

    #[test]
    fn shared_with_all_fails() {
        assert_eq!(
            run(Some(json!({"accountIds": ["all"]}))),
            Verdict::fail(
                "SSM document deploy-app is public: its Share permission includes all accounts"
            )
        );
        assert!(run(Some(json!({"accountIds": []}))).is_compliant());
        assert!(run(Some(json!({"accountIds": ["111122223333"]}))).is_compliant());
    }

    #[test]
    fn missing_or_failed_evidence_is_insufficient() {
        assert!(run(None).is_insufficient());
        assert!(run(Some(json!({}))).is_insufficient());
        assert!(run(Some(json!({"accountIds": "all"}))).is_insufficient());
    }
}
