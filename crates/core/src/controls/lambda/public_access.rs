//! Lambda.1 — Lambda function policies should prohibit public access.
//!
//! Evidence: `supplementaryConfiguration.Policy`, the function's resource-based policy as a JSON
//! string. A function without one (no `Policy` entry) cannot be invoked from outside its account
//! through a resource policy and passes.
//!
//! AWS's rule (`lambda-function-public-access-prohibited`) treats a statement as public when its
//! principal is empty or contains a wildcard (`"*"`, `{"AWS": "*"}`), and says a policy must grant
//! access only to fixed values — no wildcards, no policy variables — to count as non-public. It is
//! also NON_COMPLIANT when Amazon S3 may invoke the function without a condition such as
//! `AWS:SourceAccount`: bucket names are global, so `AWS:SourceArn` alone does not keep another
//! account's bucket out.
//!
//! sidewatch reads an `Allow` statement as public when:
//!
//! * its principal is `"*"`, empty, missing, or any principal value contains `*`, `?` or `${`,
//!   or it uses `NotPrincipal` — unless a condition limits it: a positive test (`StringEquals`,
//!   `StringLike`, `ArnEquals`, `ArnLike`, `IpAddress`, optionally `ForAnyValue:`, never
//!   `…IfExists`, which passes when the key is absent) with fixed values on one of
//!   `aws:SourceAccount`, `aws:SourceArn`, `aws:SourceOwner`, `aws:SourceOrgID`,
//!   `aws:SourceOrgPaths`, `aws:PrincipalAccount`, `aws:PrincipalArn`, `aws:PrincipalOrgID`,
//!   `aws:PrincipalOrgPaths`, `aws:SourceVpc`, `aws:SourceVpce`, `aws:SourceIp` (not `0.0.0.0/0`
//!   or `::/0`), `aws:userid` or `lambda:EventSourceToken`. An `aws:SourceArn` naming an S3 bucket
//!   does not limit (bucket ARNs carry no account). `lambda:FunctionUrlAuthType` does not limit: a
//!   function URL with auth type `NONE` is public, and `AWS_IAM` admits every AWS account;
//! * it grants `s3.amazonaws.com` without a fixed `aws:SourceAccount` (or `aws:SourceOwner`,
//!   `aws:SourceOrgID`, `aws:SourceOrgPaths`) condition, as AWS documents;
//! * it grants any other service principal with no fixed source condition at all (confused
//!   deputy: the service would invoke the function for any account). AWS's rule does not check
//!   this; the `serviceRequiresSourceCondition` parameter turns it off.
//!
//! Deny statements are not weighed against Allows; an unreadable policy is INSUFFICIENT_DATA.

use crate::control::{Context, Control, Duty, Mappings, Remediation, Severity};
use crate::controls::nist;
use crate::controls::policy::{LIMITING_KEYS, PolicyDocument, Scope, Statement};
use crate::params::{ParamKind, ParamSpec};
use crate::verdict::Verdict;

const SERVICE_REQUIRES_SOURCE: &str = "serviceRequiresSourceCondition";

pub const CONTROL: Control = Control {
    id: "Lambda.1",
    title: "Lambda function policies should prohibit public access",
    severity: Severity::Critical,
    resource_types: &["AWS::Lambda::Function"],
    rationale: "Fails when the function's resource-based policy allows a wildcard, empty or \
                variable principal without a condition that fixes the account, organization or \
                source, or allows Amazon S3 without AWS:SourceAccount (or another service \
                principal without any source condition); passes when no statement does.",
    remediation: "Remove the public statement (lambda:RemovePermission with its Sid) and grant \
                  specific accounts or roles instead, or add fixed conditions: AWS:SourceAccount \
                  and AWS:SourceArn for service principals (always AWS:SourceAccount for \
                  s3.amazonaws.com), aws:PrincipalOrgID for an organization.",
    remediation_url: "https://docs.aws.amazon.com/securityhub/latest/userguide/lambda-controls.html#lambda-1",
    remediation_hook: Remediation::NotifyOnly {
        why: "removing a policy statement can break the service that invokes the function",
    },
    duty: Duty::IdentityAndAccess,
    mappings: Mappings {
        fsbp: Some("Lambda.1"),
        cis_v3: None,
        nist_800_53_r5: nist::PUBLIC_ACCESS,
    },
    parameters: &[ParamSpec {
        name: SERVICE_REQUIRES_SOURCE,
        kind: ParamKind::Bool,
        default: "true",
        description: "When true, a service principal other than s3.amazonaws.com (which always \
                      needs AWS:SourceAccount) fails unless a fixed AWS:SourceArn, \
                      AWS:SourceAccount or similar source condition limits it. AWS's managed \
                      rule checks only Amazon S3; set false to match it.",
    }],
    evidence: &[],
    evaluate,
};

/// Keys that fix the account a service acts for.
const ACCOUNT_KEYS: &[&str] = &[
    "aws:SourceAccount",
    "aws:SourceOwner",
    "aws:SourceOrgID",
    "aws:SourceOrgPaths",
];

/// Keys that fix the source a service acts for.
const SOURCE_KEYS: &[&str] = &[
    "aws:SourceAccount",
    "aws:SourceArn",
    "aws:SourceOwner",
    "aws:SourceOrgID",
    "aws:SourceOrgPaths",
    "lambda:EventSourceToken",
];

fn evaluate(ctx: &Context<'_>) -> Verdict {
    let Some(raw) = ctx.item.supplementary("Policy") else {
        return Verdict::pass("the function has no resource-based policy");
    };
    let policy = match PolicyDocument::from_value(raw) {
        Ok(p) => p,
        Err(e) => return Verdict::insufficient(format!("cannot read the function policy: {e}")),
    };
    let strict = ctx.bool(SERVICE_REQUIRES_SOURCE);
    let findings: Vec<String> = policy
        .allows()
        .filter_map(|s| public_grant(s, strict))
        .collect();
    if findings.is_empty() {
        Verdict::pass(format!(
            "no statement of the function policy ({} in all) allows public access",
            policy.statements.len()
        ))
    } else {
        Verdict::fail(findings.join("; "))
    }
}

/// Why an Allow statement makes the function public, or `None`.
fn public_grant(s: &Statement, strict: bool) -> Option<String> {
    let label = s.label();
    if let Some(who) = s.public_grantee() {
        return (!s.limited_by(LIMITING_KEYS)).then(|| {
            format!(
                "{label} {who} without a fixed condition on the caller's account, organization \
                 or source (such as AWS:SourceAccount, AWS:SourceArn or aws:PrincipalOrgID)"
            )
        });
    }
    let Some(Scope::Only(principal)) = &s.principal else {
        return None;
    };
    let mut unlimited = Vec::new();
    for service in principal.values_of("Service") {
        if service.to_ascii_lowercase().starts_with("s3.amazonaws.com") {
            if !s.limited_by(ACCOUNT_KEYS) {
                unlimited.push(format!(
                    "{label} allows {service} without a fixed AWS:SourceAccount condition, so a \
                     bucket in any account can invoke the function"
                ));
            }
        } else if strict && !s.limited_by(SOURCE_KEYS) {
            unlimited.push(format!(
                "{label} allows {service} without a fixed AWS:SourceArn or AWS:SourceAccount \
                 condition, so the service can invoke the function for any account"
            ));
        }
    }
    (!unlimited.is_empty()).then(|| unlimited.join("; "))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::controls::test_support;
    use serde_json::{Value, json};

    const FN: &str = "arn:aws:lambda:us-east-1:123456789012:function:f";

    fn run_policy(policy: Option<Value>, strict: &str) -> Verdict {
        let mut raw = test_support::item("AWS::Lambda::Function", json!({"functionName": "f"}));
        raw["supplementaryConfiguration"] = json!({});
        if let Some(p) = policy {
            raw["supplementaryConfiguration"]["Policy"] = p;
        }
        test_support::run(&CONTROL, raw, &[(SERVICE_REQUIRES_SOURCE, strict)])
    }

    fn stmt(principal: Value, condition: Value) -> Value {
        let mut s = json!({"Sid": "s", "Effect": "Allow", "Principal": principal,
            "Action": "lambda:InvokeFunction", "Resource": FN});
        if !condition.is_null() {
            s["Condition"] = condition;
        }
        s
    }

    fn run(statements: Value) -> Verdict {
        let text = json!({"Version": "2012-10-17", "Id": "default", "Statement": statements});
        run_policy(Some(Value::String(text.to_string())), "true")
    }

    #[test]
    fn no_policy_passes() {
        assert!(run_policy(None, "true").is_compliant());
        assert!(run_policy(Some(Value::Null), "true").is_compliant());
    }

    #[test]
    fn public_principals_fail() {
        for p in [
            json!("*"),
            json!({"AWS": "*"}),
            json!({"AWS": ["arn:aws:iam::111122223333:root", "*"]}),
            json!({"AWS": "arn:aws:iam::*:root"}),
            json!({"AWS": "arn:aws:iam::111122223333:user/${aws:username}"}),
            json!({}),
        ] {
            let v = run(json!([stmt(p.clone(), Value::Null)]));
            assert!(v.is_non_compliant(), "{p}: {v}");
            assert!(v.reason().starts_with("statement 1 (Sid s) allows"), "{v}");
        }
        let v =
            run(json!([{"Effect": "Allow", "Action": "lambda:InvokeFunction", "Resource": FN}]));
        assert!(
            v.is_non_compliant() && v.reason().contains("no Principal"),
            "{v}"
        );
    }

    #[test]
    fn fixed_conditions_limit_a_public_principal() {
        for c in [
            json!({"StringEquals": {"AWS:SourceAccount": "123456789012"}}),
            json!({"ArnLike": {"AWS:SourceArn": "arn:aws:sns:us-east-1:123456789012:topic"}}),
            json!({"StringEquals": {"aws:PrincipalOrgID": "o-a1b2c3d4e5"}}),
            json!({"ForAnyValue:StringEquals": {"aws:principalorgid": ["o-a1b2c3d4e5"]}}),
            json!({"IpAddress": {"aws:SourceIp": "203.0.113.0/24"}}),
        ] {
            let v = run(json!([stmt(json!("*"), c.clone())]));
            assert!(v.is_compliant(), "{c}: {v}");
        }
    }

    #[test]
    fn conditions_that_do_not_limit() {
        for c in [
            json!({"StringLike": {"AWS:SourceAccount": "*"}}),
            json!({"StringEqualsIfExists": {"AWS:SourceAccount": "123456789012"}}),
            json!({"StringNotEquals": {"AWS:SourceAccount": "999999999999"}}),
            json!({"ForAllValues:StringEquals": {"aws:PrincipalOrgID": "o-1"}}),
            json!({"ArnLike": {"AWS:SourceArn": "arn:aws:s3:::some-bucket"}}),
            json!({"IpAddress": {"aws:SourceIp": ["10.0.0.0/8", "0.0.0.0/0"]}}),
            json!({"StringEquals": {"lambda:FunctionUrlAuthType": "NONE"}}),
            json!({"StringEquals": {"aws:PrincipalOrgID": []}}),
        ] {
            let v = run(json!([stmt(json!({"AWS": "*"}), c.clone())]));
            assert!(v.is_non_compliant(), "{c}: {v}");
        }
    }

    #[test]
    fn s3_needs_the_source_account() {
        let s3 = json!({"Service": "s3.amazonaws.com"});
        let arn = json!({"ArnLike": {"AWS:SourceArn": "arn:aws:s3:::uploads"}});
        let v = run(json!([stmt(s3.clone(), arn)]));
        assert!(
            v.is_non_compliant() && v.reason().contains("AWS:SourceAccount"),
            "{v}"
        );
        let v = run(json!([stmt(s3.clone(), Value::Null)]));
        assert!(v.is_non_compliant(), "{v}");
        let v = run_policy(
            Some(Value::String(
                json!({"Statement": [stmt(s3.clone(), Value::Null)]}).to_string(),
            )),
            "false",
        );
        assert!(
            v.is_non_compliant(),
            "S3 fails even when the parameter is off: {v}"
        );
        let both = json!({"StringEquals": {"AWS:SourceAccount": "123456789012"},
            "ArnLike": {"AWS:SourceArn": "arn:aws:s3:::uploads"}});
        assert!(run(json!([stmt(s3, both)])).is_compliant());
    }

    #[test]
    fn other_services_need_a_source_unless_turned_off() {
        let sns = json!({"Service": "sns.amazonaws.com"});
        let v = run(json!([stmt(sns.clone(), Value::Null)]));
        assert!(
            v.is_non_compliant() && v.reason().contains("sns.amazonaws.com"),
            "{v}"
        );
        let ok = json!({"ArnLike": {"AWS:SourceArn": "arn:aws:sns:us-east-1:123456789012:t"}});
        assert!(run(json!([stmt(sns.clone(), ok)])).is_compliant());
        let text = json!({"Statement": [stmt(sns, Value::Null)]}).to_string();
        assert!(run_policy(Some(Value::String(text)), "false").is_compliant());
    }

    #[test]
    fn accounts_and_roles_pass_and_denies_do_not_count() {
        let v = run(json!([
            stmt(json!({"AWS": "arn:aws:iam::111122223333:root"}), Value::Null),
            stmt(json!({"AWS": ["111122223333", "arn:aws:iam::444455556666:role/caller"]}), Value::Null),
            {"Effect": "Deny", "Principal": "*", "Action": "lambda:*", "Resource": FN}
        ]));
        assert!(v.is_compliant(), "{v}");
        assert!(v.reason().contains("(3 in all)"), "{v}");
    }

    #[test]
    fn not_principal_is_public() {
        let v = run(
            json!([{"Effect": "Allow", "NotPrincipal": {"AWS": "arn:aws:iam::1:root"},
            "Action": "lambda:InvokeFunction", "Resource": FN}]),
        );
        assert!(
            v.is_non_compliant() && v.reason().contains("NotPrincipal"),
            "{v}"
        );
    }

    #[test]
    fn unreadable_policy_is_insufficient() {
        let v = run_policy(Some(json!("{\"Statement\": 5}")), "true");
        assert!(v.is_insufficient(), "{v}");
        let v = run_policy(Some(json!(12)), "true");
        assert!(v.is_insufficient(), "{v}");
    }
}
