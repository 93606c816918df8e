//! IAM.21 — IAM customer managed policies that you create should not allow wildcard actions for
//! services.
//!
//! AWS's rule (`iam-policy-no-statements-with-full-access`) fails a customer managed policy whose
//! default version allows every action of at least one service: `"Effect": "Allow"` with
//! `"Action": "service:*"`. Security Hub adds that `"NotAction": "service:*"` on an Allow fails
//! too, and that a prefixed action with a suffixed wildcard (`ec2:Describe*`) passes. Resources
//! and conditions do not matter.
//!
//! sidewatch's reading, towards not passing full service access:
//!
//! * `service:*`, `service:**`, `service*` (every action of the service, and of any service whose
//!   name continues it) and `*` / `*:*` (every action of every service) fail;
//! * any `Allow` with `NotAction` fails unless the list contains `*`: it grants every action of
//!   every service it does not name, whatever it names (`NotAction: "ec2:Describe*"` grants all of
//!   IAM, S3, …), which is the reason AWS gives for failing `NotAction: "service:*"`.
//!
//! Scope and `excludePermissionBoundaryPolicy` are as for IAM.1 (see `super::managed_policy`).

use super::managed_policy::{
    self, EXCLUDE_BOUNDARY, LEAST_PRIVILEGE_NIST, is_every_action, is_service_wildcard,
};
use crate::control::{Context, Control, Duty, Mappings, Remediation, Severity};
use crate::controls::policy::{Scope, Statement};
use crate::verdict::Verdict;

pub const CONTROL: Control = Control {
    id: "IAM.21",
    title: "IAM customer managed policies that you create should not allow wildcard actions for \
            services",
    severity: Severity::Low,
    resource_types: &["AWS::IAM::Policy"],
    rationale: "Fails when the default version of a customer managed policy has an Allow \
                statement whose Action grants every action of a service (service:*, or *), or \
                an Allow with NotAction, which grants every action of the services it does not \
                name; prefixed wildcards such as ec2:Describe* pass.",
    remediation: "List the specific actions the principals need (prefixed wildcards such as \
                  ec2:Describe* are fine) instead of service:* or NotAction, and make that \
                  version the default (iam:CreatePolicyVersion with --set-as-default).",
    remediation_url: "https://docs.aws.amazon.com/securityhub/latest/userguide/iam-controls.html#iam-21",
    remediation_hook: Remediation::NotifyOnly {
        why: "narrowing service wildcards needs a person who knows what the policy is for",
    },
    duty: Duty::IdentityAndAccess,
    mappings: Mappings {
        fsbp: Some("IAM.21"),
        cis_v3: None,
        nist_800_53_r5: LEAST_PRIVILEGE_NIST,
    },
    parameters: &[EXCLUDE_BOUNDARY],
    evidence: &[],
    evaluate,
};

fn evaluate(ctx: &Context<'_>) -> Verdict {
    managed_policy::evaluate_allows(
        ctx,
        full_service_access,
        "no Allow statement grants every action of a service",
    )
}

/// What in an Allow statement grants every action of a service, or `None`.
fn full_service_access(s: &Statement) -> Option<String> {
    match &s.action {
        Scope::Only(actions) => {
            let wild: Vec<&str> = actions
                .iter()
                .map(|a| a.trim())
                .filter(|a| is_service_wildcard(a))
                .collect();
            (!wild.is_empty()).then(|| format!("{} allows Action {}", s.label(), wild.join(", ")))
        }
        Scope::AllBut(not_actions) => {
            (!not_actions.iter().any(|a| is_every_action(a))).then(|| {
                format!(
                    "{} allows every action except NotAction {}, which grants every action of the \
                 services it does not name",
                    s.label(),
                    not_actions.join(", ")
                )
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::controls::test_support;
    use serde_json::{Value, json};

    fn run(statements: Value) -> Verdict {
        let doc = json!({"Version": "2012-10-17", "Statement": statements}).to_string();
        let configuration = json!({
            "arn": "arn:aws:iam::123456789012:policy/example",
            "attachmentCount": 1,
            "permissionsBoundaryUsageCount": 0,
            "policyVersionList": [{"document": doc, "versionId": "v1", "isDefaultVersion": true}]
        });
        test_support::run(
            &CONTROL,
            test_support::item("AWS::IAM::Policy", configuration),
            &[],
        )
    }

    #[test]
    fn service_wildcards_fail_naming_them() {
        let v = run(json!([{"Effect": "Allow",
            "Action": ["ec2:Describe*", "ec2:*", "S3:*"], "Resource": "arn:aws:s3:::b"}]));
        assert_eq!(
            v,
            Verdict::fail("default version v1: statement 1 allows Action ec2:*, S3:*")
        );
        for a in ["*", "*:*", "iam*", "kms:**"] {
            let v = run(json!([{"Effect": "Allow", "Action": a, "Resource": "*"}]));
            assert!(v.is_non_compliant(), "{a}: {v}");
        }
    }

    #[test]
    fn prefixed_wildcards_and_denies_pass() {
        let v = run(json!([
            {"Effect": "Allow", "Action": ["ec2:Describe*", "s3:Get*", "logs:PutLogEvents"], "Resource": "*"},
            {"Effect": "Deny", "Action": "ec2:*", "Resource": "*"},
            {"Effect": "Allow", "NotAction": "*", "Resource": "*"}
        ]));
        assert!(v.is_compliant(), "{v}");
    }

    #[test]
    fn not_action_on_an_allow_fails() {
        for na in [json!("ec2:*"), json!(["ec2:Describe*"])] {
            let v = run(json!([{"Effect": "Allow", "NotAction": na, "Resource": "*"}]));
            assert!(
                v.is_non_compliant() && v.reason().contains("NotAction"),
                "{na}: {v}"
            );
        }
    }
}
