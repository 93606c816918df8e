//! S3.17 — S3 general purpose buckets should be encrypted at rest with AWS KMS keys.

use crate::control::{Context, Control, Duty, Mappings, PlanKind, Remediation, Severity};
use crate::controls::checks;
use crate::params::{ParamKind, ParamSpec};
use crate::verdict::Verdict;
use serde_json::Value;

pub const CONTROL: Control = Control {
    id: "S3.17",
    title: "S3 general purpose buckets should be encrypted at rest with AWS KMS keys",
    severity: Severity::Medium,
    resource_types: &["AWS::S3::Bucket"],
    rationale: "Passes when the bucket's default encryption \
                (supplementaryConfiguration.ServerSideEncryptionConfiguration rules[]\
                .applyServerSideEncryptionByDefault.sseAlgorithm) is aws:kms (SSE-KMS) or \
                aws:kms:dsse (DSSE-KMS), with a key from kmsKeyArns when that list is set; fails \
                on AES256 (SSE-S3). Every bucket has at least SSE-S3 since January 2023, so an \
                item that carries no encryption configuration is INSUFFICIENT_DATA, never a pass.",
    remediation: "Set the bucket's default encryption to SSE-KMS or DSSE-KMS \
                  (s3:PutBucketEncryption with SSEAlgorithm aws:kms or aws:kms:dsse and a KMS key \
                  whose key policy lets the bucket's writers and readers use it). Enable S3 Bucket \
                  Keys to reduce KMS request cost. Existing objects keep their old encryption \
                  until they are copied.",
    remediation_url: "https://docs.aws.amazon.com/AmazonS3/latest/userguide/specifying-kms-encryption.html",
    remediation_hook: Remediation::Automatic {
        plan: PlanKind::BucketDefaultEncryption,
        does: "sets default encryption to SSE-KMS with the configured key or aws/s3 \
               (s3:PutBucketEncryption)",
    },
    duty: Duty::DataProtection,
    mappings: Mappings {
        fsbp: Some("S3.17"),
        cis_v3: None,
        nist_800_53_r5: &[
            "SC-12(2)", "CM-3(6)", "SC-13", "SC-28", "SC-28(1)", "SC-7(10)", "CA-9(1)", "SI-7(6)",
            "AU-9",
        ],
    },
    parameters: &[ParamSpec {
        name: "kmsKeyArns",
        kind: ParamKind::StringList,
        default: "",
        description: "Comma-separated ARNs of the KMS keys allowed for default encryption (as the \
                      s3-default-encryption-kms rule's kmsKeyArns). Empty, the default, accepts \
                      any KMS key, including the AWS managed key aws/s3.",
    }],
    evidence: &[],
    evaluate,
};

const KEY: &str = "ServerSideEncryptionConfiguration";

/// The algorithms that encrypt with a KMS key: SSE-KMS and DSSE-KMS.
const KMS_ALGORITHMS: [&str; 2] = ["aws:kms", "aws:kms:dsse"];

fn evaluate(ctx: &Context<'_>) -> Verdict {
    let encryption = match checks::supplementary(ctx.item, KEY) {
        Ok(encryption) => encryption,
        Err(verdict) => return verdict,
    };
    let rules = match encryption.get("rules") {
        Some(Value::Array(rules)) if !rules.is_empty() => rules,
        _ => {
            return Verdict::insufficient(format!(
                "supplementaryConfiguration.{KEY}.rules is missing or empty, so the bucket's \
                 default encryption cannot be decided"
            ));
        }
    };
    let allowed = ctx.str_list("kmsKeyArns");
    let mut non_kms = None;
    for (i, rule) in rules.iter().enumerate() {
        let number = i + 1;
        let default = rule.get("applyServerSideEncryptionByDefault");
        let algorithm = match checks::text(
            default.and_then(|d| d.get("sseAlgorithm")),
            &format!("{KEY} rule #{number} sseAlgorithm"),
        ) {
            Ok(Some(algorithm)) => algorithm,
            Ok(None) => continue,
            Err(verdict) => return verdict,
        };
        if !KMS_ALGORITHMS.contains(&algorithm) {
            non_kms.get_or_insert((number, algorithm));
            continue;
        }
        let key = match checks::text(
            default.and_then(|d| d.get("kmsMasterKeyID")),
            &format!("{KEY} rule #{number} kmsMasterKeyID"),
        ) {
            Ok(key) => key,
            Err(verdict) => return verdict,
        };
        return decide_key(number, algorithm, key, allowed);
    }
    match non_kms {
        Some((number, algorithm)) => Verdict::fail(format!(
            "default encryption is {} (rule #{number} sseAlgorithm {algorithm}), not SSE-KMS or \
             DSSE-KMS",
            describe(algorithm)
        )),
        None => Verdict::insufficient(format!(
            "no rule in supplementaryConfiguration.{KEY} states an sseAlgorithm, so the bucket's \
             default encryption cannot be decided"
        )),
    }
}

/// A KMS rule passes unless `kmsKeyArns` restricts the keys and this one is not among them.
fn decide_key(number: usize, algorithm: &str, key: Option<&str>, allowed: &[String]) -> Verdict {
    let kind = describe(algorithm);
    let key_text = key.unwrap_or("the AWS managed key aws/s3");
    if allowed.is_empty() || key.is_some_and(|key| allowed.iter().any(|a| same_key(a, key))) {
        return Verdict::pass(format!(
            "default encryption is {kind} with {key_text} (rule #{number} sseAlgorithm \
             {algorithm})"
        ));
    }
    Verdict::fail(format!(
        "default encryption is {kind} with {key_text}, which is not listed in kmsKeyArns \
         (rule #{number})"
    ))
}

/// Whether an allowed key ARN names the recorded key, which AWS may record as a key ARN, a key
/// id (`1234abcd-…`) or an alias (`alias/name`).
fn same_key(allowed: &str, recorded: &str) -> bool {
    allowed == recorded
        || allowed.ends_with(&format!(":key/{recorded}"))
        || (recorded.starts_with("alias/") && allowed.ends_with(&format!(":{recorded}")))
}

fn describe(algorithm: &str) -> &'static str {
    match algorithm {
        "aws:kms" => "SSE-KMS",
        "aws:kms:dsse" => "DSSE-KMS",
        "AES256" => "SSE-S3",
        _ => "an algorithm other than SSE-KMS or DSSE-KMS",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::controls::checks::testing;
    use serde_json::json;

    const KEY_ARN: &str =
        "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";

    fn run(encryption: Value, allowed: &str) -> Verdict {
        let supplementary = json!({KEY: encryption});
        testing::with_supplementary(&CONTROL, supplementary, &[("kmsKeyArns", allowed)])
    }

    fn rule(algorithm: &str, key: Option<&str>) -> Value {
        json!({"rules": [{
            "applyServerSideEncryptionByDefault": {"sseAlgorithm": algorithm, "kmsMasterKeyID": key},
            "bucketKeyEnabled": true
        }]})
    }

    #[test]
    fn kms_and_dsse_pass_sse_s3_fails() {
        let v = run(rule("aws:kms", Some(KEY_ARN)), "");
        assert!(v.is_compliant(), "{v}");
        assert!(v.reason().contains("SSE-KMS with arn:aws:kms"), "{v}");
        let v = run(rule("aws:kms:dsse", None), "");
        assert!(v.is_compliant(), "{v}");
        assert!(
            v.reason().contains("DSSE-KMS with the AWS managed key"),
            "{v}"
        );
        let v = run(rule("AES256", None), "");
        assert_eq!(
            v,
            Verdict::fail(
                "default encryption is SSE-S3 (rule #1 sseAlgorithm AES256), not SSE-KMS or \
                 DSSE-KMS"
            )
        );
        // An algorithm this version does not know is not counted as KMS.
        assert!(run(rule("aws:fsx", None), "").is_non_compliant());
    }

    #[test]
    fn allowed_keys_restrict_which_kms_keys_pass() {
        let other = "arn:aws:kms:us-east-1:123456789012:key/other";
        assert!(
            run(
                rule("aws:kms", Some(KEY_ARN)),
                &format!("{other},{KEY_ARN}")
            )
            .is_compliant()
        );
        let v = run(rule("aws:kms", Some(KEY_ARN)), other);
        assert!(v.is_non_compliant(), "{v}");
        assert!(v.reason().contains("not listed in kmsKeyArns"), "{v}");
        // The AWS managed key has no key id in the item: it is never in the list.
        assert!(run(rule("aws:kms", None), KEY_ARN).is_non_compliant());
        // Key ids and aliases recorded instead of ARNs still match their ARN.
        let id = "1234abcd-12ab-34cd-56ef-1234567890ab";
        assert!(run(rule("aws:kms", Some(id)), KEY_ARN).is_compliant());
        let alias = "arn:aws:kms:us-east-1:123456789012:alias/data";
        assert!(run(rule("aws:kms", Some("alias/data")), alias).is_compliant());
        assert!(run(rule("aws:kms", Some("data")), alias).is_non_compliant());
    }

    #[test]
    fn an_item_that_does_not_say_is_never_a_pass() {
        for encryption in [
            json!(null),
            json!({}),
            json!({"rules": []}),
            json!({"rules": null}),
            json!({"rules": [{"bucketKeyEnabled": false}]}),
            json!({"rules": [{"applyServerSideEncryptionByDefault": {"sseAlgorithm": 256}}]}),
        ] {
            let v = run(encryption.clone(), "");
            assert!(v.is_insufficient(), "{encryption}: {v}");
        }
        let v = testing::with_supplementary(&CONTROL, json!({}), &[]);
        assert!(
            v.reason().contains("ServerSideEncryptionConfiguration"),
            "{v}"
        );
    }
}
