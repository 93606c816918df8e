//! S3.5 — S3 general purpose buckets should require requests to use SSL.
//!
//! AWS's managed rule `s3-bucket-ssl-requests-only` has no parameters and publishes no grammar;
//! its documentation, the Security Hub control text and AWS's knowledge-center article describe
//! the compliant policy: a `Deny` statement for `Principal: "*"` on `Action: "s3:*"` over the
//! bucket ARN and `bucket/*`, with `Condition: {"Bool": {"aws:SecureTransport": "false"}}`. A
//! policy that only *allows* HTTPS (`"aws:SecureTransport": "true"` on an Allow) does not comply.
//!
//! What sidewatch accepts, because each form denies the same requests:
//!
//! * principal `"*"`, `{"AWS": "*"}` or an `AWS` list containing `"*"`;
//! * actions `s3:*`, `*` or any pattern covering every S3 action (`s3*`), in any case; a
//!   `NotAction` whose patterns cannot name an S3 action (`NotAction: "ec2:*"`);
//! * resources naming the bucket ARN and covering every object (`bucket/*`, `bucket*`, `*`), in
//!   one statement or split over several qualifying statements;
//! * the condition under `Bool` or `BoolIfExists` (S3 always sets the key), the key in any case,
//!   the value `"false"`, `false` or a list containing either.
//!
//! What it does not accept (the verdict names the statement and why): `NotPrincipal`, a
//! `NotResource`, and any further condition in the same statement (`aws:SourceIp`, `s3:TlsVersion`,
//! …), because every condition must hold for the Deny to apply, so HTTP requests that fail the
//! extra test would still be allowed. No policy at all (`BucketPolicy` absent or
//! `{"policyText": null}`) fails; an unreadable policy is INSUFFICIENT_DATA.

use crate::control::{Context, Control, Duty, Mappings, PlanKind, Remediation, Severity};
use crate::controls::policy::{Condition, Scope, Statement};
use crate::verdict::Verdict;

pub const CONTROL: Control = Control {
    id: "S3.5",
    title: "S3 general purpose buckets should require requests to use SSL",
    severity: Severity::Medium,
    resource_types: &["AWS::S3::Bucket"],
    rationale: "Passes when the bucket policy has a Deny statement for every principal on all S3 \
                actions over the bucket and all its objects, conditioned only on \
                aws:SecureTransport being false; fails when there is no bucket policy or no such \
                statement.",
    remediation: "Add a bucket policy statement with Effect Deny, Principal \"*\", Action \
                  \"s3:*\", Resource the bucket ARN and the bucket ARN followed by /*, and \
                  Condition {\"Bool\": {\"aws:SecureTransport\": \"false\"}} \
                  (s3:PutBucketPolicy).",
    remediation_url: "https://docs.aws.amazon.com/securityhub/latest/userguide/s3-controls.html#s3-5",
    remediation_hook: Remediation::Automatic {
        plan: PlanKind::BucketTlsOnlyStatement,
        does: "adds one Deny statement for aws:SecureTransport false to the bucket policy, \
               keeping every other statement",
    },
    duty: Duty::DataProtection,
    mappings: Mappings {
        fsbp: Some("S3.5"),
        cis_v3: Some("2.1.1"),
        nist_800_53_r5: crate::controls::nist::ENCRYPTION_IN_TRANSIT,
    },
    parameters: &[],
    evidence: &[],
    evaluate,
};

fn evaluate(ctx: &Context<'_>) -> Verdict {
    let item = ctx.item;
    let name = super::bucket_name(item);
    let policy = match super::bucket_policy(item) {
        Err(verdict) => return verdict,
        Ok(Some(policy)) => policy,
        Ok(None) => {
            return Verdict::fail(
                "the bucket has no bucket policy, so nothing denies requests made without SSL/TLS \
                 (aws:SecureTransport false)",
            );
        }
    };
    let bucket_arn = format!("arn:{}:s3:::{name}", item.partition());
    let objects_prefix = format!("{bucket_arn}/");
    let qualifying: Vec<&Statement> = policy.denies().filter(|s| defect(s).is_none()).collect();
    let bucket = qualifying.iter().find(|s| s.resource_covers(&bucket_arn));
    let objects = qualifying
        .iter()
        .find(|s| s.resource_covers_prefix(&objects_prefix));
    match (bucket, objects) {
        (Some(b), Some(o)) => {
            let which = if b.index == o.index {
                format!("{} denies", b.label())
            } else {
                format!("{} and {} deny", b.label(), o.label())
            };
            Verdict::pass(format!(
                "{which} every principal all S3 actions on {bucket_arn} and {bucket_arn}/* \
                 when aws:SecureTransport is false"
            ))
        }
        (Some(_), None) => Verdict::fail(format!(
            "the Deny on aws:SecureTransport false covers {bucket_arn} but not every object \
             ({bucket_arn}/*), so objects can be read or written over HTTP"
        )),
        (None, Some(_)) => Verdict::fail(format!(
            "the Deny on aws:SecureTransport false covers the objects ({bucket_arn}/*) but not \
             the bucket itself ({bucket_arn})"
        )),
        (None, None) if !qualifying.is_empty() => Verdict::fail(format!(
            "the Deny on aws:SecureTransport false names neither {bucket_arn} nor \
             {bucket_arn}/* in its Resource"
        )),
        (None, None) => {
            // Explain the closest attempt: a Deny that tests aws:SecureTransport.
            let attempt = policy.denies().find_map(|s| {
                s.conditions_on("aws:SecureTransport")
                    .next()
                    .and(defect(s))
                    .map(|why| format!("{} {why}", s.label()))
            });
            Verdict::fail(attempt.unwrap_or_else(|| {
                "the bucket policy has no Deny statement for every principal on all S3 actions \
                 with aws:SecureTransport false, so requests without SSL/TLS are not denied"
                    .to_owned()
            }))
        }
    }
}

/// Why a Deny statement does not deny every non-TLS request (resources aside), or `None` when it
/// does.
fn defect(s: &Statement) -> Option<String> {
    match &s.principal {
        Some(Scope::Only(p)) if p.is_everyone() => {}
        Some(Scope::Only(p)) => {
            return Some(format!(
                "denies only Principal {p}, not every principal (\"*\")"
            ));
        }
        Some(Scope::AllBut(p)) => {
            return Some(format!("exempts NotPrincipal {p} from the Deny"));
        }
        None => return Some("has no Principal".to_owned()),
    }
    if !s.covers_every_action_of("s3") {
        let actions = match &s.action {
            Scope::Only(a) => format!("Action {}", a.join(", ")),
            Scope::AllBut(a) => format!("NotAction {}", a.join(", ")),
        };
        return Some(format!("denies only {actions}, not all S3 actions (s3:*)"));
    }
    if s.conditions.is_empty() {
        return Some("has no aws:SecureTransport condition".to_owned());
    }
    if let Some(extra) = s.conditions.iter().find(|c| !is_insecure_transport_test(c)) {
        return Some(if extra.key_is("aws:SecureTransport") {
            format!("tests aws:SecureTransport with {extra}, not Bool aws:SecureTransport false")
        } else {
            format!(
                "also requires {extra}, so requests without SSL/TLS that do not match it are \
                 not denied"
            )
        });
    }
    None
}

/// `Bool` / `BoolIfExists` `aws:SecureTransport` with `false` among its values.
fn is_insecure_transport_test(c: &Condition) -> bool {
    c.key_is("aws:SecureTransport")
        && c.qualifier().is_none()
        && c.base_operator().eq_ignore_ascii_case("Bool")
        && c.values
            .iter()
            .any(|v| v.trim().eq_ignore_ascii_case("false"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::controls::test_support;
    use serde_json::{Value, json};

    fn bucket(arn: &str, supplementary: Value) -> Verdict {
        let mut raw = test_support::item("AWS::S3::Bucket", json!({"name": "data"}));
        raw["ARN"] = json!(arn);
        raw["supplementaryConfiguration"] = supplementary;
        test_support::run(&CONTROL, raw, &[])
    }

    fn run_with(bucket_policy: Value) -> Verdict {
        bucket(
            "arn:aws:s3:::data",
            json!({ "BucketPolicy": bucket_policy }),
        )
    }

    fn run(statements: Value) -> Verdict {
        let text = json!({"Version": "2012-10-17", "Statement": statements}).to_string();
        run_with(json!({ "policyText": text }))
    }

    fn deny(extra: Value) -> Value {
        let mut s = json!({"Effect": "Deny", "Principal": "*", "Action": "s3:*",
            "Resource": ["arn:aws:s3:::data", "arn:aws:s3:::data/*"],
            "Condition": {"Bool": {"aws:SecureTransport": "false"}}});
        if let (Some(base), Some(extra)) = (s.as_object_mut(), extra.as_object()) {
            for (k, v) in extra {
                base.insert(k.clone(), v.clone());
            }
        }
        s
    }

    #[test]
    fn the_documented_policy_passes() {
        let v = run(json!([deny(json!({}))]));
        assert!(v.is_compliant(), "{v}");
        assert!(v.reason().contains("arn:aws:s3:::data/*"), "{v}");
    }

    #[test]
    fn equivalent_spellings_pass() {
        for extra in [
            json!({"Principal": {"AWS": "*"}}),
            json!({"Principal": {"AWS": ["*"]}}),
            json!({"Action": "*"}),
            json!({"Action": ["s3:GetObject", "S3:*"]}),
            json!({"Action": null, "NotAction": "ec2:*"}),
            json!({"Effect": "deny"}),
            json!({"Resource": "*"}),
            json!({"Resource": "arn:aws:s3:::data*"}),
            json!({"Condition": {"Bool": {"aws:SecureTransport": false}}}),
            json!({"Condition": {"BoolIfExists": {"AWS:SecureTransport": ["false"]}}}),
            json!({"Condition": {"Bool": {"aws:securetransport": ["true", "FALSE"]}}}),
        ] {
            let v = run(json!([deny(extra.clone())]));
            assert!(v.is_compliant(), "{extra}: {v}");
        }
    }

    #[test]
    fn coverage_may_be_split_over_statements() {
        let v = run(json!([
            deny(json!({"Resource": "arn:aws:s3:::data"})),
            deny(json!({"Sid": "Objects", "Resource": "arn:aws:s3:::data/*"}))
        ]));
        assert!(v.is_compliant(), "{v}");
        assert!(
            v.reason()
                .contains("statement 1 and statement 2 (Sid Objects)")
        );
    }

    #[test]
    fn an_allow_on_https_is_not_enough() {
        let v = run(
            json!([{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
            "Resource": "arn:aws:s3:::data/*",
            "Condition": {"Bool": {"aws:SecureTransport": "true"}}}]),
        );
        assert!(v.is_non_compliant(), "{v}");
    }

    #[test]
    fn narrower_denies_fail_and_say_why() {
        let cases = [
            (
                json!({"Principal": {"AWS": "arn:aws:iam::111122223333:root"}}),
                "not every principal",
            ),
            (
                json!({"Principal": null, "NotPrincipal": {"AWS": "arn:aws:iam::1:root"}}),
                "NotPrincipal",
            ),
            (json!({"Action": "s3:GetObject"}), "not all S3 actions"),
            (
                json!({"Action": null, "NotAction": "s3:PutObject"}),
                "NotAction s3:PutObject",
            ),
            (
                json!({"Condition": {"Bool": {"aws:SecureTransport": "true"}}}),
                "tests aws:SecureTransport",
            ),
            (
                json!({"Condition": {"StringEquals": {"aws:SecureTransport": "false"}}}),
                "tests aws:SecureTransport",
            ),
            (
                json!({"Condition": {"Bool": {"aws:SecureTransport": "false"},
                "IpAddress": {"aws:SourceIp": "10.0.0.0/8"}}}),
                "also requires IpAddress aws:SourceIp",
            ),
        ];
        for (extra, expect) in cases {
            let v = run(json!([deny(extra.clone())]));
            assert!(v.is_non_compliant(), "{extra}: {v}");
            assert!(v.reason().contains(expect), "{extra}: {v}");
        }
    }

    #[test]
    fn partial_resources_fail() {
        let v = run(json!([deny(json!({"Resource": "arn:aws:s3:::data"}))]));
        assert!(
            v.is_non_compliant() && v.reason().contains("not every object"),
            "{v}"
        );
        let v = run(json!([deny(json!({"Resource": "arn:aws:s3:::data/*"}))]));
        assert!(
            v.is_non_compliant() && v.reason().contains("not the bucket itself"),
            "{v}"
        );
        let v = run(json!([deny(
            json!({"Resource": ["arn:aws:s3:::data", "arn:aws:s3:::data/logs/*"]})
        )]));
        assert!(v.is_non_compliant(), "{v}");
        let v = run(json!([deny(
            json!({"Resource": ["arn:aws:s3:::other", "arn:aws:s3:::other/*"]})
        )]));
        assert!(
            v.is_non_compliant() && v.reason().contains("names neither"),
            "{v}"
        );
        let v = run(json!([deny(
            json!({"Resource": null, "NotResource": "arn:aws:s3:::x"})
        )]));
        assert!(v.is_non_compliant(), "{v}");
    }

    #[test]
    fn no_policy_fails_and_unreadable_policy_is_insufficient() {
        assert!(run_with(json!({"policyText": null})).is_non_compliant());
        assert!(run_with(json!({})).is_non_compliant());
        let v = bucket("arn:aws:s3:::data", json!({}));
        assert!(
            v.is_non_compliant() && v.reason().contains("no bucket policy"),
            "{v}"
        );
        let v = run_with(json!({"policyText": "{not json"}));
        assert!(v.is_insufficient(), "{v}");
        let v = run_with(json!("garbage"));
        assert!(v.is_insufficient(), "{v}");
        let v = run(json!([{"Effect": "Maybe", "Principal": "*", "Action": "s3:*"}]));
        assert!(
            v.is_insufficient() && v.reason().contains("statement 1"),
            "{v}"
        );
    }

    #[test]
    fn the_partition_comes_from_the_arn() {
        let text = json!({"Statement": [deny(json!({}))]}).to_string();
        let v = bucket(
            "arn:aws-cn:s3:::data",
            json!({"BucketPolicy": {"policyText": text}}),
        );
        assert!(
            v.is_non_compliant(),
            "aws ARNs do not cover an aws-cn bucket: {v}"
        );
    }
}
