//! IAM.1 — IAM policies should not allow full "*" administrative privileges.
//!
//! AWS's rule (`iam-policy-no-statements-with-admin-access`) fails a customer managed policy whose
//! default version has an `Allow` statement with `Action: "*"` over `Resource: "*"`. Deny
//! statements never make a policy administrative, and conditions are not weighed (AWS does not
//! either).
//!
//! Where the AWS text is silent, sidewatch decides, always towards not passing an administrative
//! policy:
//!
//! * patterns equivalent to `*` count as `*`: `**`, `*:*` for actions; `arn:*`, `arn:aws:*`,
//!   `arn:*:*:*:*:*` for resources; `NotResource` (every resource but a few) and a missing
//!   resource element count as every resource;
//! * an `Allow` with `NotAction` on every resource grants every action except those listed. It is
//!   administrative unless the listed actions include all of IAM (`iam:*`): with any IAM action
//!   left a principal can grant itself everything else, without it (the `PowerUserAccess`
//!   pattern) it cannot. A `NotAction` that lists `*` grants nothing.
//!
//! AWS managed policies are NOT_APPLICABLE, and so are policies used only as permissions
//! boundaries while `excludePermissionBoundaryPolicy` is true (see `super::managed_policy`).

use super::managed_policy::{
    self, EXCLUDE_BOUNDARY, LEAST_PRIVILEGE_NIST, every_resource, is_every_action,
    withholds_all_of_iam,
};
use crate::control::{Context, Control, Duty, Mappings, Remediation, Severity};
use crate::controls::policy::{Scope, Statement};
use crate::verdict::Verdict;

pub const CONTROL: Control = Control {
    id: "IAM.1",
    title: "IAM policies should not allow full \"*\" administrative privileges",
    severity: Severity::High,
    resource_types: &["AWS::IAM::Policy"],
    rationale: "Fails when the default version of a customer managed policy has an Allow \
                statement granting every action (\"*\") on every resource (\"*\"), or every \
                action except a NotAction list that leaves IAM actions granted; AWS managed \
                policies are not applicable.",
    remediation: "Replace the statement with one that lists only the actions and resources the \
                  users, groups or roles need (iam:CreatePolicyVersion with --set-as-default), \
                  then delete the administrative version.",
    remediation_url: "https://docs.aws.amazon.com/securityhub/latest/userguide/iam-controls.html#iam-1",
    remediation_hook: Remediation::NotifyOnly {
        why: "narrowing an admin policy needs a person who knows what it is for",
    },
    duty: Duty::IdentityAndAccess,
    mappings: Mappings {
        fsbp: Some("IAM.1"),
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
        administrative,
        "no Allow statement grants every action on every resource",
    )
}

/// What makes an Allow statement administrative, or `None`.
fn administrative(s: &Statement) -> Option<String> {
    let resources = every_resource(s)?;
    match &s.action {
        Scope::Only(actions) => actions
            .iter()
            .find(|a| is_every_action(a))
            .map(|a| format!("{} allows Action {} on {resources}", s.label(), a.trim())),
        Scope::AllBut(not_actions) => {
            let grants_nothing = not_actions.iter().any(|a| is_every_action(a));
            (!grants_nothing && !withholds_all_of_iam(not_actions)).then(|| {
                format!(
                    "{} allows every action except NotAction {} on {resources}, which leaves \
                     IAM actions granted",
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

    fn policy(statements: Value) -> Value {
        let doc = json!({"Version": "2012-10-17", "Statement": statements}).to_string();
        let encoded =
            percent_encoding::utf8_percent_encode(&doc, percent_encoding::NON_ALPHANUMERIC)
                .to_string();
        json!({
            "arn": "arn:aws:iam::123456789012:policy/example",
            "attachmentCount": 1,
            "permissionsBoundaryUsageCount": 0,
            "defaultVersionId": "v2",
            "policyVersionList": [
                {"document": "%7B%22Statement%22%3A%5B%5D%7D", "versionId": "v1", "isDefaultVersion": false},
                {"document": encoded, "versionId": "v2", "isDefaultVersion": true}
            ]
        })
    }

    fn run_with(configuration: Value, exclude: &str) -> Verdict {
        test_support::run(
            &CONTROL,
            test_support::item("AWS::IAM::Policy", configuration),
            &[(EXCLUDE_BOUNDARY.name, exclude)],
        )
    }

    fn run(statements: Value) -> Verdict {
        run_with(policy(statements), "true")
    }

    #[test]
    fn star_on_star_fails_and_names_the_statement() {
        let v = run(json!([
            {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"},
            {"Sid": "Admin", "Effect": "Allow", "Action": ["*"], "Resource": "*"}
        ]));
        assert_eq!(
            v,
            Verdict::fail(
                "default version v2: statement 2 (Sid Admin) allows Action * on Resource *"
            )
        );
    }

    #[test]
    fn equivalent_wildcards_fail() {
        for (action, resource) in [
            (json!("*:*"), json!("*")),
            (json!("*"), json!("arn:aws:*")),
            (json!(["s3:*", "**"]), json!(["arn:aws:s3:::b", "arn:*"])),
        ] {
            let v = run(json!([{"Effect": "Allow", "Action": action, "Resource": resource}]));
            assert!(v.is_non_compliant(), "{action} {resource}: {v}");
        }
        let v = run(json!([{"Effect": "Allow", "Action": "*", "NotResource": "arn:aws:s3:::x"}]));
        assert!(
            v.is_non_compliant() && v.reason().contains("NotResource"),
            "{v}"
        );
    }

    #[test]
    fn service_wildcards_scoped_resources_and_denies_pass() {
        for s in [
            json!({"Effect": "Allow", "Action": "s3:*", "Resource": "*"}),
            json!({"Effect": "Allow", "Action": "*", "Resource": "arn:aws:s3:::bucket/*"}),
            json!({"Effect": "Deny", "Action": "*", "Resource": "*"}),
            json!({"Effect": "Allow", "NotAction": ["iam:*", "organizations:*"], "Resource": "*"}),
            json!({"Effect": "Allow", "NotAction": "*", "Resource": "*"}),
            json!({"Effect": "Allow", "NotAction": "s3:*", "Resource": "arn:aws:s3:::b"}),
        ] {
            let v = run(json!([s.clone()]));
            assert!(v.is_compliant(), "{s}: {v}");
        }
    }

    #[test]
    fn not_action_leaving_iam_is_administrative() {
        let v = run(json!([{"Effect": "Allow", "NotAction": "s3:DeleteBucket", "Resource": "*"}]));
        assert!(v.is_non_compliant(), "{v}");
        assert!(v.reason().contains("NotAction s3:DeleteBucket"), "{v}");
        let v = run(json!([{"Effect": "Allow", "NotAction": "iam:Create*", "Resource": "*"}]));
        assert!(v.is_non_compliant(), "{v}");
    }

    #[test]
    fn only_the_default_version_counts() {
        let mut c = policy(json!([{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]));
        c["policyVersionList"][0]["document"] = json!(
            json!({"Statement": {"Effect": "Allow", "Action": "*", "Resource": "*"}}).to_string()
        );
        assert!(run_with(c.clone(), "true").is_compliant());
        // The flag may be missing: defaultVersionId decides then.
        c["policyVersionList"][1]
            .as_object_mut()
            .unwrap()
            .remove("isDefaultVersion");
        c["defaultVersionId"] = json!("v1");
        let v = run_with(c, "true");
        assert!(
            v.is_non_compliant() && v.reason().starts_with("default version v1"),
            "{v}"
        );
    }

    #[test]
    fn scope_rules() {
        let mut c = policy(json!([{"Effect": "Allow", "Action": "*", "Resource": "*"}]));
        c["arn"] = json!("arn:aws:iam::aws:policy/AdministratorAccess");
        assert!(run_with(c, "true").is_not_applicable());

        let mut c = policy(json!([{"Effect": "Allow", "Action": "*", "Resource": "*"}]));
        c["permissionsBoundaryUsageCount"] = json!(3);
        c["attachmentCount"] = json!(0);
        assert!(run_with(c.clone(), "true").is_not_applicable());
        assert!(run_with(c.clone(), "false").is_non_compliant());
        // Attached as well as a boundary: it grants admin, so it is evaluated.
        c["attachmentCount"] = json!(1);
        assert!(run_with(c, "true").is_non_compliant());
    }

    #[test]
    fn missing_or_odd_versions_are_insufficient() {
        let mut c = policy(json!([]));
        c.as_object_mut().unwrap().remove("policyVersionList");
        assert!(run_with(c, "true").is_insufficient());

        let mut c = policy(json!([]));
        c["policyVersionList"][1]["isDefaultVersion"] = json!(false);
        c["defaultVersionId"] = json!("v9");
        let v = run_with(c, "true");
        assert!(v.is_insufficient() && v.reason().contains("v9"), "{v}");

        let mut c = policy(json!([]));
        c["policyVersionList"][0]["isDefaultVersion"] = json!("true");
        assert!(run_with(c, "true").is_insufficient());

        let mut c = policy(json!([]));
        c["policyVersionList"][1]["document"] = json!(null);
        assert!(run_with(c, "true").is_insufficient());

        let mut c = policy(json!([]));
        c["policyVersionList"][1]["document"] =
            json!("%7B%22Statement%22%3A%7B%22Effect%22%3A%22Grant%22%7D%7D");
        let v = run_with(c, "true");
        assert!(v.is_insufficient() && v.reason().contains("Grant"), "{v}");
    }
}
