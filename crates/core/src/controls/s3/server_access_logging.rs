//! S3.9 — S3 general purpose buckets should have server access logging enabled.

use crate::control::{Context, Control, Duty, Mappings, Remediation, Severity};
use crate::controls::checks;
use crate::verdict::Verdict;

pub const CONTROL: Control = Control {
    id: "S3.9",
    title: "S3 general purpose buckets should have server access logging enabled",
    severity: Severity::Medium,
    resource_types: &["AWS::S3::Bucket"],
    rationale: "Passes when supplementaryConfiguration.BucketLoggingConfiguration names a \
                destination bucket for server access logs; fails when destinationBucketName is \
                null, which is how AWS Config records logging that is off. An item without \
                BucketLoggingConfiguration is INSUFFICIENT_DATA.",
    remediation: "Enable server access logging on the bucket (s3:PutBucketLogging) with a target \
                  bucket in the same Region that has no default retention period configured. \
                  The target log bucket itself need not log: suppress its finding.",
    remediation_url: "https://docs.aws.amazon.com/AmazonS3/latest/userguide/enable-server-access-logging.html",
    remediation_hook: Remediation::NotifyOnly {
        why: "server access logging needs a target bucket chosen by a person",
    },
    duty: Duty::LoggingAndMonitoring,
    mappings: Mappings {
        fsbp: Some("S3.9"),
        cis_v3: None,
        nist_800_53_r5: crate::controls::nist::ACCESS_LOGGING,
    },
    parameters: &[],
    evidence: &[],
    evaluate,
};

const KEY: &str = "BucketLoggingConfiguration";

fn evaluate(ctx: &Context<'_>) -> Verdict {
    let logging = match checks::supplementary(ctx.item, KEY) {
        Ok(logging) => logging,
        Err(verdict) => return verdict,
    };
    let target = checks::text(
        logging.get("destinationBucketName"),
        "supplementaryConfiguration.BucketLoggingConfiguration.destinationBucketName",
    );
    let prefix = checks::text(
        logging.get("logFilePrefix"),
        "supplementaryConfiguration.BucketLoggingConfiguration.logFilePrefix",
    );
    match target {
        Err(verdict) => verdict,
        Ok(Some(bucket)) => match prefix {
            Ok(Some(prefix)) => Verdict::pass(format!(
                "server access logs are delivered to bucket {bucket} under prefix {prefix}"
            )),
            _ => Verdict::pass(format!(
                "server access logs are delivered to bucket {bucket}"
            )),
        },
        Ok(None) => Verdict::fail(
            "server access logging is off \
             (BucketLoggingConfiguration.destinationBucketName is null)",
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::controls::checks::testing;
    use serde_json::{Value, json};

    fn run(supplementary: Value) -> Verdict {
        testing::with_supplementary(&CONTROL, supplementary, &[])
    }

    #[test]
    fn the_target_bucket_decides() {
        let v = run(json!({KEY: {"destinationBucketName": "logs", "logFilePrefix": "b/"}}));
        assert_eq!(
            v,
            Verdict::pass("server access logs are delivered to bucket logs under prefix b/")
        );
        let v = run(json!({KEY: {"destinationBucketName": "logs", "logFilePrefix": null}}));
        assert_eq!(
            v,
            Verdict::pass("server access logs are delivered to bucket logs")
        );
        let v = run(json!({KEY: {"destinationBucketName": null, "logFilePrefix": null}}));
        assert!(v.is_non_compliant(), "{v}");
        assert!(v.reason().contains("destinationBucketName is null"), "{v}");
        // A blank name is no target either.
        assert!(run(json!({KEY: {"destinationBucketName": ""}})).is_non_compliant());
    }

    #[test]
    fn absent_or_odd_logging_configuration_is_insufficient() {
        assert!(run(json!({})).is_insufficient());
        assert!(run(json!({KEY: null})).is_insufficient());
        assert!(run(json!({KEY: "on"})).is_insufficient());
        let v = run(json!({KEY: {"destinationBucketName": ["logs"]}}));
        assert!(v.is_insufficient(), "{v}");
        assert!(v.reason().contains("destinationBucketName"), "{v}");
    }
}
