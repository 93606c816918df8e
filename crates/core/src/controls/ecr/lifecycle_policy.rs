//! ECR.3 — ECR repositories should have at least one lifecycle policy configured.
//!
//! AWS's rule (`ecr-private-lifecycle-policy-configured`) fails a private repository without a
//! lifecycle policy. The configuration item records the policy under
//! `configuration.LifecyclePolicy`, as the CloudFormation resource does:
//! `{LifecyclePolicyText, RegistryId}`. The AWS Config resource schema lists only
//! `LifecyclePolicy.RegistryId`, so whether Config records the policy text could not be confirmed:
//!
//! - `LifecyclePolicy.LifecyclePolicyText` set (a non-empty string, or the policy already decoded
//!   to JSON) — PASSED;
//! - no `LifecyclePolicy` at all — FAILED, as AWS's rule does for a repository without a policy;
//! - a `LifecyclePolicy` without its text (only `RegistryId`) — INSUFFICIENT_DATA: the item hints
//!   at a policy it does not show, and `ecr:GetLifecyclePolicy` would decide. Never a pass.

use super::tag_immutability::repository_name;
use crate::control::{Context, Control, Duty, Mappings, Remediation, Severity};
use crate::item::{Unreadable, found};
use crate::verdict::Verdict;
use serde_json::Value;

pub const CONTROL: Control = Control {
    id: "ECR.3",
    title: "ECR repositories should have at least one lifecycle policy configured",
    severity: Severity::Medium,
    resource_types: &["AWS::ECR::Repository"],
    rationale: "Passes when configuration.LifecyclePolicy.LifecyclePolicyText holds a policy; \
                fails when the repository has no LifecyclePolicy. A LifecyclePolicy recorded \
                without its text is INSUFFICIENT_DATA.",
    remediation: "Add a lifecycle policy that expires untagged and old images \
                  (ecr:PutLifecyclePolicy; preview it first with \
                  ecr:StartLifecyclePolicyPreview).",
    remediation_url: "https://docs.aws.amazon.com/securityhub/latest/userguide/ecr-controls.html#ecr-3",
    remediation_hook: Remediation::NotifyOnly {
        why: "a lifecycle policy deletes images: which ones may go is the owner's decision",
    },
    duty: Duty::OsAndPatching,
    mappings: Mappings {
        fsbp: Some("ECR.3"),
        cis_v3: None,
        nist_800_53_r5: &["CA-9(1)", "CM-2", "CM-2(2)"],
    },
    parameters: &[],
    evidence: &[],
    evaluate,
};

fn evaluate(ctx: &Context<'_>) -> Verdict {
    let item = ctx.item;
    let repository = repository_name(item);
    match item.read("/LifecyclePolicy") {
        Err(unreadable) => return unreadable.into(),
        Ok(None) => {
            return Verdict::fail(format!(
                "repository {repository} has no lifecycle policy (configuration.LifecyclePolicy \
                 is not set)"
            ));
        }
        Ok(Some(Value::Object(_))) => {}
        Ok(Some(other)) => {
            return Unreadable::config("/LifecyclePolicy", found(other, "an object")).into();
        }
    }
    let text = "/LifecyclePolicy/LifecyclePolicyText";
    match item.read(text) {
        Err(unreadable) => unreadable.into(),
        Ok(Some(Value::String(policy))) if !policy.trim().is_empty() => Verdict::pass(format!(
            "repository {repository} has a lifecycle policy (configuration.LifecyclePolicy.\
             LifecyclePolicyText is set)"
        )),
        Ok(Some(Value::Object(rules))) if !rules.is_empty() => Verdict::pass(format!(
            "repository {repository} has a lifecycle policy (configuration.LifecyclePolicy.\
             LifecyclePolicyText is set)"
        )),
        Ok(None | Some(Value::String(_))) => Verdict::insufficient(format!(
            "the configuration item of repository {repository} records a LifecyclePolicy \
             without its LifecyclePolicyText, so whether a policy is configured cannot be \
             decided (ecr:GetLifecyclePolicy would tell)"
        )),
        Ok(Some(other)) => Unreadable::config(text, found(other, "a policy document")).into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::controls::checks::testing;

    fn run(policy: Value) -> Verdict {
        testing::with_configuration(
            &CONTROL,
            serde_json::json!({"RepositoryName": "billing/api", "LifecyclePolicy": policy}),
        )
    }

    const POLICY: &str = r#"{"rules":[{"rulePriority":1,"selection":{"tagStatus":"untagged","countType":"sinceImagePushed","countUnit":"days","countNumber":14},"action":{"type":"expire"}}]}"#;

    #[test]
    fn a_policy_text_passes() {
        let v = run(serde_json::json!({"LifecyclePolicyText": POLICY,
                                       "RegistryId": "123456789012"}));
        assert!(v.is_compliant(), "{v}");
        let decoded: Value = serde_json::from_str(POLICY).unwrap();
        assert!(run(serde_json::json!({"LifecyclePolicyText": decoded})).is_compliant());
    }

    #[test]
    fn no_policy_fails() {
        let v = run(Value::Null);
        assert_eq!(
            v,
            Verdict::fail(
                "repository billing/api has no lifecycle policy (configuration.LifecyclePolicy \
                 is not set)"
            )
        );
    }

    #[test]
    fn a_policy_without_text_is_never_a_pass() {
        for policy in [
            serde_json::json!({"RegistryId": "123456789012"}),
            serde_json::json!({"LifecyclePolicyText": "  "}),
            serde_json::json!({"LifecyclePolicyText": 5}),
            serde_json::json!("enabled"),
        ] {
            let v = run(policy);
            assert!(v.is_insufficient(), "{v}");
        }
    }
}
