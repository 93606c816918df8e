//! IAM.2 — IAM users should not have IAM policies attached.
//!
//! AWS's rule (`iam-user-no-policies-check`) fails a user with inline policies
//! (`configuration.userPolicyList`) or attached managed policies
//! (`configuration.attachedManagedPolicies`); permissions should come from groups or roles.
//!
//! AWS Config records both lists on every user item, empty when there is nothing. When one of
//! them is missing (or not a list) and the other is empty, sidewatch cannot tell "no policies"
//! from "not recorded" and reports INSUFFICIENT_DATA rather than a pass. Security Hub exempts
//! users that Amazon SES creates for SMTP credentials; the configuration item carries nothing that
//! identifies such users reliably, so sidewatch does not guess and evaluates them like any user.

use crate::control::{Context, Control, Duty, Mappings, Remediation, Severity};
use crate::verdict::Verdict;
use serde_json::Value;

pub const CONTROL: Control = Control {
    id: "IAM.2",
    title: "IAM users should not have IAM policies attached",
    severity: Severity::Low,
    resource_types: &["AWS::IAM::User"],
    rationale: "Fails when the user has inline policies (userPolicyList) or attached managed \
                policies (attachedManagedPolicies); passes when both lists are empty.",
    remediation: "Attach the policies to an IAM group (or a role) instead, add the user to the \
                  group, then detach the managed policies (iam:DetachUserPolicy) and delete the \
                  inline ones (iam:DeleteUserPolicy) from the user.",
    remediation_url: "https://docs.aws.amazon.com/securityhub/latest/userguide/iam-controls.html#iam-2",
    remediation_hook: Remediation::NotifyOnly {
        why: "moving a user's policies to groups or roles needs a person; detaching them locks \
              the user out",
    },
    duty: Duty::IdentityAndAccess,
    mappings: Mappings {
        fsbp: Some("IAM.2"),
        cis_v3: Some("1.15"),
        nist_800_53_r5: &[
            "AC-2", "AC-2(1)", "AC-3", "AC-3(15)", "AC-3(7)", "AC-6", "AC-6(3)",
        ],
    },
    parameters: &[],
    evidence: &[],
    evaluate,
};

fn evaluate(ctx: &Context<'_>) -> Verdict {
    let item = ctx.item;
    let inline = names(item.config("/userPolicyList"), &["policyName"]);
    let managed = names(
        item.config("/attachedManagedPolicies"),
        &["policyName", "policyArn"],
    );
    let mut found = Vec::new();
    if let Some(list) = inline.as_deref().filter(|l| !l.is_empty()) {
        found.push(format!("inline policies {}", list.join(", ")));
    }
    if let Some(list) = managed.as_deref().filter(|l| !l.is_empty()) {
        found.push(format!("attached managed policies {}", list.join(", ")));
    }
    let user = item
        .config_str("/userName")
        .or(item.resource_name.as_deref())
        .unwrap_or(&item.resource_id);
    if !found.is_empty() {
        return Verdict::fail(format!("user {user} has {}", found.join(" and ")));
    }
    match (inline, managed) {
        (Some(_), Some(_)) => Verdict::pass(format!(
            "user {user} has no inline or attached managed policies"
        )),
        (None, _) => Verdict::insufficient(
            "the configuration item has no configuration.userPolicyList list of inline policies",
        ),
        (_, None) => Verdict::insufficient(
            "the configuration item has no configuration.attachedManagedPolicies list",
        ),
    }
}

/// The display names of a recorded policy list (the first of `keys` present on each entry), or
/// `None` when the list is missing or not a list.
fn names(list: Option<&Value>, keys: &[&str]) -> Option<Vec<String>> {
    let entries = list?.as_array()?;
    Some(
        entries
            .iter()
            .enumerate()
            .map(|(i, entry)| {
                keys.iter()
                    .find_map(|k| entry.get(*k).and_then(Value::as_str))
                    .or_else(|| entry.as_str())
                    .map_or_else(|| format!("#{}", i + 1), str::to_owned)
            })
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::controls::test_support;
    use serde_json::json;

    fn run(configuration: Value) -> Verdict {
        let mut raw = test_support::item("AWS::IAM::User", configuration);
        raw["resourceName"] = json!("alice");
        test_support::run(&CONTROL, raw, &[])
    }

    #[test]
    fn empty_lists_pass() {
        let v =
            run(json!({"userName": "alice", "userPolicyList": [], "attachedManagedPolicies": []}));
        assert!(v.is_compliant(), "{v}");
    }

    #[test]
    fn policies_fail_and_are_named() {
        let v = run(json!({"userName": "alice",
            "userPolicyList": [{"policyName": "inline-s3", "policyDocument": "%7B%7D"}],
            "attachedManagedPolicies": [
                {"policyArn": "arn:aws:iam::aws:policy/ReadOnlyAccess", "policyName": "ReadOnlyAccess"},
                {"policyArn": "arn:aws:iam::123456789012:policy/ops"},
                {}]}));
        assert_eq!(
            v,
            Verdict::fail(
                "user alice has inline policies inline-s3 and attached managed policies \
                 ReadOnlyAccess, arn:aws:iam::123456789012:policy/ops, #3"
            )
        );
        let v = run(json!({"attachedManagedPolicies": [{"policyName": "Ops"}]}));
        assert!(v.is_non_compliant(), "one list is enough to fail: {v}");
    }

    #[test]
    fn missing_lists_are_insufficient() {
        assert!(run(json!({"userName": "alice", "userPolicyList": []})).is_insufficient());
        assert!(run(json!({"attachedManagedPolicies": []})).is_insufficient());
        assert!(
            run(json!({"userPolicyList": "x", "attachedManagedPolicies": []})).is_insufficient()
        );
        let v = run(json!({"userPolicyList": null, "attachedManagedPolicies": null}));
        assert!(v.is_insufficient(), "{v}");
    }
}
