//! S3.6 — S3 general purpose bucket policies should restrict access to other AWS accounts.
//!
//! AWS's rule `s3-bucket-blacklisted-actions-prohibited` with the `blacklistedActionPattern`
//! Security Hub fixes: `s3:DeleteBucketPolicy`, `s3:PutBucketAcl`, `s3:PutBucketPolicy`,
//! `s3:PutEncryptionConfiguration`, `s3:PutObjectAcl`. The control fails when an `Allow`
//! statement of the bucket policy grants one of them (wildcards such as `s3:*` or `s3:Put*`
//! match) to a principal of another AWS account. As AWS documents, only the `Principal` element
//! decides: `Condition` is not taken into account.
//!
//! Who counts as another account: an `AWS` principal whose account (a 12-digit id or the account
//! in an ARN) differs from the bucket owner's (`awsAccountId`); `"*"`, a wildcard or variable
//! principal, a `NotPrincipal` or a statement without a principal count too (everyone includes
//! other accounts; CONTROLS-2 marks this reading inferred). Service, federated and canonical-user
//! principals are not AWS accounts and are not counted. A bucket without a bucket policy passes.

use crate::control::{Context, Control, Duty, Mappings, Remediation, Severity};
use crate::controls::policy::{Scope, Statement, action_matches, is_fixed};
use crate::verdict::Verdict;

pub const CONTROL: Control = Control {
    id: "S3.6",
    title: "S3 general purpose bucket policies should restrict access to other AWS accounts",
    severity: Severity::High,
    resource_types: &["AWS::S3::Bucket"],
    rationale: "Fails when an Allow statement of the bucket policy \
                (supplementaryConfiguration.BucketPolicy) grants s3:DeleteBucketPolicy, \
                s3:PutBucketAcl, s3:PutBucketPolicy, s3:PutEncryptionConfiguration or \
                s3:PutObjectAcl (or a wildcard covering one) to a principal of another AWS \
                account or to everyone; conditions are not considered, as in AWS's rule. Passes \
                otherwise, including buckets without a policy.",
    remediation: "Remove the listed actions from statements that allow principals of other \
                  accounts (s3:PutBucketPolicy with the narrowed policy); grant other accounts \
                  only the data actions they need.",
    remediation_url: "https://docs.aws.amazon.com/securityhub/latest/userguide/s3-controls.html#s3-6",
    remediation_hook: Remediation::NotifyOnly {
        why: "another account may depend on the grant; the owner must agree to narrow it",
    },
    duty: Duty::IdentityAndAccess,
    mappings: Mappings {
        fsbp: Some("S3.6"),
        cis_v3: None,
        nist_800_53_r5: &["CA-9(1)", "CM-2"],
    },
    parameters: &[],
    evidence: &[],
    evaluate,
};

/// Security Hub's fixed blacklistedActionPattern.
const PROHIBITED: [&str; 5] = [
    "s3:DeleteBucketPolicy",
    "s3:PutBucketAcl",
    "s3:PutBucketPolicy",
    "s3:PutEncryptionConfiguration",
    "s3:PutObjectAcl",
];

fn evaluate(ctx: &Context<'_>) -> Verdict {
    let item = ctx.item;
    let name = super::bucket_name(item);
    if let Some(verdict) = super::require_bucket_settings(item, "a bucket policy") {
        return verdict;
    }
    let policy = match super::bucket_policy(item) {
        Err(verdict) => return verdict,
        Ok(None) => {
            return Verdict::pass(format!(
                "bucket {name} has no bucket policy, so it grants other accounts nothing"
            ));
        }
        Ok(Some(policy)) => policy,
    };
    let owner = item
        .account_id
        .as_deref()
        .map(str::trim)
        .filter(|a| !a.is_empty());
    for statement in policy.allows() {
        let actions = granted(statement);
        if actions.is_empty() {
            continue;
        }
        let grantee = match foreign_grantee(statement, owner) {
            Err(verdict) => return verdict,
            Ok(None) => continue,
            Ok(Some(grantee)) => grantee,
        };
        return Verdict::fail(format!(
            "bucket policy {} allows {grantee} to use {}",
            statement.label(),
            actions.join(", ")
        ));
    }
    Verdict::pass(format!(
        "no statement of bucket {name}'s policy allows another account {}",
        PROHIBITED.join(", ")
    ))
}

/// The prohibited actions the statement's `Action` / `NotAction` admits.
fn granted(statement: &Statement) -> Vec<&'static str> {
    PROHIBITED
        .into_iter()
        .filter(|action| match &statement.action {
            Scope::Only(patterns) => patterns.iter().any(|p| action_matches(p, action)),
            Scope::AllBut(patterns) => !patterns.iter().any(|p| action_matches(p, action)),
        })
        .collect()
}

/// How the statement's grantee outside the bucket owner's account reads, `None` when every
/// principal is of the owner's account or not an AWS account; INSUFFICIENT_DATA when an account
/// principal must be compared with an owner the item does not record.
fn foreign_grantee(statement: &Statement, owner: Option<&str>) -> Result<Option<String>, Verdict> {
    let principal = match &statement.principal {
        None => return Ok(Some("everyone (the statement has no Principal)".to_owned())),
        Some(Scope::AllBut(p)) => return Ok(Some(format!("everyone except NotPrincipal {p}"))),
        Some(Scope::Only(p)) => p,
    };
    if principal.is_everyone() {
        return Ok(Some("Principal *".to_owned()));
    }
    for value in principal.values_of("AWS") {
        if !is_fixed(value) {
            return Ok(Some(format!("Principal AWS: {value}")));
        }
        let account = account_of(value);
        let Some(owner) = owner else {
            return Err(Verdict::insufficient(format!(
                "bucket policy {} grants AWS principal {value}, and the item records no owner \
                 account (awsAccountId) to compare it with",
                statement.label()
            )));
        };
        match account {
            Some(account) if account == owner => {}
            Some(account) if account == value.trim() => {
                return Ok(Some(format!("account {account}")));
            }
            Some(account) => return Ok(Some(format!("account {account} ({value})"))),
            None => {
                return Err(Verdict::insufficient(format!(
                    "bucket policy {} grants AWS principal {value}, whose account cannot be read",
                    statement.label()
                )));
            }
        }
    }
    Ok(None)
}

/// The account of an `AWS` principal: a bare 12-digit id, or the account field of an ARN.
fn account_of(value: &str) -> Option<&str> {
    let value = value.trim();
    if value.len() == 12 && value.bytes().all(|b| b.is_ascii_digit()) {
        return Some(value);
    }
    crate::arn::Arn::parse(value)
        .map(|arn| arn.account)
        .filter(|a| !a.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::controls::test_support;
    use serde_json::{Value, json};

    fn run_with(account: Option<&str>, bucket_policy: Value) -> Verdict {
        let mut raw = test_support::item("AWS::S3::Bucket", json!({"name": "data"}));
        if let Some(account) = account {
            raw["awsAccountId"] = json!(account);
        }
        raw["supplementaryConfiguration"] = json!({
            "BucketVersioningConfiguration": {"status": "Off", "isMfaDeleteEnabled": null},
            "BucketPolicy": bucket_policy});
        test_support::run(&CONTROL, raw, &[])
    }

    fn run(statements: Value) -> Verdict {
        let text = json!({"Version": "2012-10-17", "Statement": statements}).to_string();
        run_with(Some("111122223333"), json!({"policyText": text}))
    }

    fn allow(principal: Value, action: Value) -> Value {
        json!({"Effect": "Allow", "Principal": principal, "Action": action,
            "Resource": ["arn:aws:s3:::data", "arn:aws:s3:::data/*"]})
    }

    #[test]
    fn other_accounts_must_not_get_the_listed_actions() {
        let other = json!({"AWS": "arn:aws:iam::444455556666:root"});
        let v = run(json!([allow(other.clone(), json!("s3:PutBucketPolicy"))]));
        assert_eq!(
            v,
            Verdict::fail(
                "bucket policy statement 1 allows account 444455556666 \
                 (arn:aws:iam::444455556666:root) to use s3:PutBucketPolicy"
            )
        );
        let v = run(json!([allow(other.clone(), json!("s3:*"))]));
        assert!(
            v.is_non_compliant() && v.reason().contains("s3:PutObjectAcl"),
            "{v}"
        );
        let v = run(json!([allow(
            json!({"AWS": "444455556666"}),
            json!("s3:Put*")
        )]));
        assert!(v.is_non_compliant(), "{v}");
        let v = run(
            json!([{"Effect": "Allow", "Principal": other, "NotAction": "s3:Get*",
            "Resource": "arn:aws:s3:::data"}]),
        );
        assert!(v.is_non_compliant(), "{v}");
    }

    #[test]
    fn conditions_do_not_help_and_everyone_counts() {
        let mut s = allow(json!("*"), json!("s3:PutObjectAcl"));
        s["Condition"] = json!({"StringEquals": {"aws:PrincipalOrgID": "o-abc"}});
        assert!(run(json!([s])).is_non_compliant());
        let v = run(json!([allow(
            json!({"AWS": "arn:aws:iam::*:root"}),
            json!("s3:PutBucketAcl")
        )]));
        assert!(v.is_non_compliant(), "{v}");
        let v = run(
            json!([{"Effect": "Allow", "NotPrincipal": {"AWS": "arn:aws:iam::1:root"},
            "Action": "s3:PutBucketAcl", "Resource": "arn:aws:s3:::data"}]),
        );
        assert!(v.is_non_compliant(), "{v}");
    }

    #[test]
    fn own_account_data_actions_and_denies_pass() {
        let own = json!({"AWS": "arn:aws:iam::111122223333:role/admin"});
        assert!(run(json!([allow(own, json!("s3:*"))])).is_compliant());
        let other = json!({"AWS": "arn:aws:iam::444455556666:root"});
        assert!(
            run(json!([allow(
                other.clone(),
                json!(["s3:GetObject", "s3:PutObject"])
            )]))
            .is_compliant()
        );
        let mut deny = allow(json!("*"), json!("s3:*"));
        deny["Effect"] = json!("Deny");
        assert!(run(json!([deny])).is_compliant());
        let service = json!({"Service": "logging.s3.amazonaws.com"});
        assert!(run(json!([allow(service, json!("s3:PutObjectAcl"))])).is_compliant());
        assert!(run_with(Some("111122223333"), json!({"policyText": null})).is_compliant());
    }

    #[test]
    fn unknown_owner_or_unreadable_policy_is_insufficient() {
        let text = json!({"Statement": [allow(json!({"AWS": "444455556666"}), json!("s3:*"))]})
            .to_string();
        assert!(run_with(None, json!({"policyText": text})).is_insufficient());
        assert!(run_with(Some("111122223333"), json!({"policyText": "{bad"})).is_insufficient());
        assert!(run_with(Some("111122223333"), json!("text")).is_insufficient());
        let v = run(json!([allow(json!({"AWS": "not-an-arn"}), json!("s3:*"))]));
        assert!(v.is_insufficient(), "{v}");
        let raw = test_support::item("AWS::S3::Bucket", json!({"name": "data"}));
        assert!(test_support::run(&CONTROL, raw, &[]).is_insufficient());
    }
}
