//! IAM.27 — IAM identities should not have the AWSCloudShellFullAccess policy attached (CIS 1.22).
//!
//! `AWSCloudShellFullAccess` grants every CloudShell action, including file upload and download
//! between the shell and the user's computer: a ready path for copying data out of the account.
//! The control fails an IAM user, role or group whose `configuration.attachedManagedPolicies`
//! lists the AWS managed policy (`arn:<partition>:iam::aws:policy/AWSCloudShellFullAccess`). A
//! customer managed policy that merely shares the name is a different policy and does not count;
//! an entry without an ARN counts when its name matches, since it might be the AWS one.
//!
//! AWS Config records the list on every user, role and group item (empty when nothing is
//! attached); when it is missing or not a list, the verdict is INSUFFICIENT_DATA.

use crate::control::{Context, Control, Duty, Mappings, Remediation, Severity};
use crate::item::json_type;
use crate::verdict::Verdict;
use serde_json::Value;

const POLICY_NAME: &str = "AWSCloudShellFullAccess";

pub const CONTROL: Control = Control {
    id: "IAM.27",
    title: "IAM identities should not have the AWSCloudShellFullAccess policy attached",
    severity: Severity::Medium,
    resource_types: &["AWS::IAM::User", "AWS::IAM::Role", "AWS::IAM::Group"],
    rationale: "Fails when the user, role or group has the AWS managed policy \
                AWSCloudShellFullAccess in configuration.attachedManagedPolicies; passes when the \
                list does not contain it.",
    remediation: "Detach AWSCloudShellFullAccess (iam:DetachUserPolicy, iam:DetachRolePolicy or \
                  iam:DetachGroupPolicy). Identities that need CloudShell get a customer managed \
                  policy that allows it but denies cloudshell:GetFileDownloadUrls and \
                  cloudshell:GetFileUploadUrls.",
    remediation_url: "https://docs.aws.amazon.com/securityhub/latest/userguide/iam-controls.html#iam-27",
    remediation_hook: Remediation::NotifyOnly {
        why: "detaching AWSCloudShellFullAccess can break someone's work; a person decides",
    },
    duty: Duty::IdentityAndAccess,
    mappings: Mappings {
        fsbp: None,
        cis_v3: Some("1.22"),
        nist_800_53_r5: &[],
    },
    parameters: &[],
    evidence: &[],
    evaluate,
};

fn evaluate(ctx: &Context<'_>) -> Verdict {
    let item = ctx.item;
    let identity = identity_label(item);
    let list = match item.config("/attachedManagedPolicies") {
        Some(Value::Array(list)) => list,
        Some(other) => {
            return Verdict::insufficient(format!(
                "configuration.attachedManagedPolicies is {}, not a list",
                json_type(other)
            ));
        }
        None => {
            return Verdict::insufficient(
                "the configuration item has no configuration.attachedManagedPolicies list",
            );
        }
    };
    let mut unreadable = None;
    for (i, entry) in list.iter().enumerate() {
        let arn = entry
            .get("policyArn")
            .and_then(Value::as_str)
            .map(str::trim);
        let name = entry
            .get("policyName")
            .and_then(Value::as_str)
            .map(str::trim);
        let found = match (arn, name) {
            (Some(arn), _) if !arn.is_empty() => is_aws_cloudshell_policy(arn),
            (_, Some(name)) => name.eq_ignore_ascii_case(POLICY_NAME),
            _ => {
                unreadable.get_or_insert(i + 1);
                false
            }
        };
        if found {
            return Verdict::fail(format!(
                "{identity} has the AWS managed policy {POLICY_NAME} attached ({})",
                arn.filter(|a| !a.is_empty()).unwrap_or(POLICY_NAME)
            ));
        }
    }
    if let Some(n) = unreadable {
        return Verdict::insufficient(format!(
            "attachedManagedPolicies entry {n} of {identity} has neither policyArn nor \
             policyName, so it might be {POLICY_NAME}"
        ));
    }
    Verdict::pass(format!(
        "{identity} does not have {POLICY_NAME} attached ({} managed policies attached)",
        list.len()
    ))
}

/// `arn:<partition>:iam::aws:policy/AWSCloudShellFullAccess`, in any partition.
fn is_aws_cloudshell_policy(arn: &str) -> bool {
    crate::arn::Arn::parse(arn).is_some_and(|arn| {
        arn.service.eq_ignore_ascii_case("iam")
            && arn.region.is_empty()
            && arn.account.eq_ignore_ascii_case("aws")
            && arn
                .resource
                .eq_ignore_ascii_case(&format!("policy/{POLICY_NAME}"))
    })
}

/// "user alice", "role deployer", "group admins", from the item's type and name.
fn identity_label(item: &crate::ConfigurationItem) -> String {
    let (kind, pointer) = match item.resource_type.as_str() {
        "AWS::IAM::Role" => ("role", "/roleName"),
        "AWS::IAM::Group" => ("group", "/groupName"),
        _ => ("user", "/userName"),
    };
    let name = item
        .config_str(pointer)
        .or(item.resource_name.as_deref())
        .unwrap_or(&item.resource_id);
    format!("{kind} {name}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::controls::test_support;
    use serde_json::json;

    fn run(resource_type: &str, configuration: Value) -> Verdict {
        test_support::run(
            &CONTROL,
            test_support::item(resource_type, configuration),
            &[],
        )
    }

    const AWS_POLICY: &str = "arn:aws:iam::aws:policy/AWSCloudShellFullAccess";

    #[test]
    fn the_aws_policy_fails_on_every_identity_type() {
        let v = run(
            "AWS::IAM::Role",
            json!({"roleName": "ops", "attachedManagedPolicies": [
                {"policyArn": "arn:aws:iam::aws:policy/ReadOnlyAccess", "policyName": "ReadOnlyAccess"},
                {"policyArn": AWS_POLICY, "policyName": POLICY_NAME}]}),
        );
        assert_eq!(
            v,
            Verdict::fail(format!(
                "role ops has the AWS managed policy AWSCloudShellFullAccess attached ({AWS_POLICY})"
            ))
        );
        let group = run(
            "AWS::IAM::Group",
            json!({"groupName": "devs", "attachedManagedPolicies": [
                {"policyArn": "arn:aws-us-gov:iam::aws:policy/AWSCloudShellFullAccess"}]}),
        );
        assert!(group.is_non_compliant() && group.reason().starts_with("group devs"));
        let name_only = run(
            "AWS::IAM::User",
            json!({"userName": "ana", "attachedManagedPolicies": [{"policyName": POLICY_NAME}]}),
        );
        assert!(name_only.is_non_compliant(), "{name_only}");
    }

    #[test]
    fn other_policies_and_look_alikes_pass() {
        let v = run(
            "AWS::IAM::User",
            json!({"userName": "ana", "attachedManagedPolicies": [
                {"policyArn": "arn:aws:iam::123456789012:policy/AWSCloudShellFullAccess",
                 "policyName": "AWSCloudShellFullAccess"},
                {"policyArn": "arn:aws:iam::aws:policy/AWSCloudShellFullAccessV2"}]}),
        );
        assert!(v.is_compliant(), "{v}");
        let empty = run(
            "AWS::IAM::Group",
            json!({"groupName": "g", "attachedManagedPolicies": []}),
        );
        assert_eq!(
            empty,
            Verdict::pass(
                "group g does not have AWSCloudShellFullAccess attached (0 managed policies attached)"
            )
        );
    }

    #[test]
    fn a_found_policy_beats_an_unreadable_entry() {
        let v = run(
            "AWS::IAM::Role",
            json!({"roleName": "r", "attachedManagedPolicies": [{}, {"policyArn": AWS_POLICY}]}),
        );
        assert!(v.is_non_compliant(), "{v}");
    }

    #[test]
    fn unreadable_lists_are_insufficient() {
        for configuration in [
            json!({"roleName": "r"}),
            json!({"roleName": "r", "attachedManagedPolicies": "AWSCloudShellFullAccess"}),
            json!({"roleName": "r", "attachedManagedPolicies": [{}]}),
        ] {
            let v = run("AWS::IAM::Role", configuration.clone());
            assert!(v.is_insufficient(), "{configuration}: {v}");
        }
    }
}
