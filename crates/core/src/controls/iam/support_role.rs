//! IAM.18 — Ensure a support role has been created to manage incidents with AWS Support.

use crate::control::{Context, Control, Duty, Mappings, Remediation, Severity};
use crate::controls::account;
use crate::evidence::EvidenceKind;
use crate::evidence::shapes::SupportRole;
use crate::verdict::Verdict;

pub const CONTROL: Control = Control {
    id: "IAM.18",
    title: "Ensure a support role has been created to manage incidents with AWS Support",
    severity: Severity::Low,
    resource_types: account::RESOURCE_TYPES,
    rationale: "Passes when the AWS managed policy AWSSupportAccess is attached to at least one \
                IAM role, user or group (iam:ListEntitiesForPolicy), as AWS's iam-policy-in-use \
                rule with policyUsageType ANY decides; fails when nothing has it. CIS asks for a \
                role: prefer a role over users and groups. Account-wide: evaluated once, in the \
                Region that evaluates global resources.",
    remediation: "Create an IAM role that the people who open and manage AWS Support cases can \
                  assume, and attach the AWS managed policy AWSSupportAccess to it.",
    remediation_url: "https://docs.aws.amazon.com/securityhub/latest/userguide/iam-controls.html#iam-18",
    remediation_hook: Remediation::NotifyOnly {
        why: "a support role needs a person to choose who may assume it",
    },
    duty: Duty::IdentityAndAccess,
    mappings: Mappings {
        fsbp: None,
        cis_v3: Some("1.17"),
        nist_800_53_r5: &[],
    },
    parameters: &[],
    evidence: &[EvidenceKind::IamSupportRole],
    evaluate,
};

fn evaluate(ctx: &Context<'_>) -> Verdict {
    let support: SupportRole = match account::evidence(
        ctx,
        EvidenceKind::IamSupportRole,
        &["roleNames", "userNames", "groupNames"],
    ) {
        Ok(support) => support,
        Err(verdict) => return verdict,
    };
    let holder = [
        ("role", &support.role_names),
        ("group", &support.group_names),
        ("user", &support.user_names),
    ]
    .into_iter()
    .find_map(|(kind, names)| names.first().map(|name| format!("{kind} {name}")));
    match holder {
        Some(holder) => Verdict::pass(format!("AWSSupportAccess is attached to {holder}")),
        None => Verdict::fail(
            "the AWSSupportAccess managed policy is not attached to any IAM role, user or group",
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::controls::account::testing;
    use serde_json::json;

    fn run(evidence: serde_json::Value) -> Verdict {
        testing::run(&CONTROL, EvidenceKind::IamSupportRole, evidence)
    }

    #[test]
    fn any_entity_with_the_policy_passes_roles_named_first() {
        let v = run(json!({"roleNames": ["support"], "userNames": ["ann"], "groupNames": []}));
        assert_eq!(
            v,
            Verdict::pass("AWSSupportAccess is attached to role support")
        );
        let v = run(json!({"roleNames": [], "userNames": ["ann"], "groupNames": []}));
        assert!(v.is_compliant(), "{v}");
        let v = run(json!({"roleNames": [], "userNames": [], "groupNames": []}));
        assert!(v.is_non_compliant(), "{v}");
        assert!(run(json!({"roleNames": []})).is_insufficient());
    }
}
