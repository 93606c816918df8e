//! CloudFront.5 — CloudFront distributions should have logging enabled.
//!
//! AWS's rule `cloudfront-accesslogs-enabled` reads the standard (legacy, to S3) logging
//! setting `distributionConfig.logging.enabled`; log delivery configured through CloudWatch
//! vended logs is not in the distribution's configuration and does not count.

use crate::control::{Context, Control, Duty, Mappings, Remediation, Severity};
use crate::controls::checks;
use crate::verdict::Verdict;

pub const CONTROL: Control = Control {
    id: "CloudFront.5",
    title: "CloudFront distributions should have logging enabled",
    severity: Severity::Medium,
    resource_types: &["AWS::CloudFront::Distribution"],
    rationale: "Passes when configuration.distributionConfig.logging.enabled is true (standard \
                logging to an S3 bucket); fails when it is false. Newer log delivery through \
                CloudWatch does not count, as in AWS's rule. An item without the setting is \
                INSUFFICIENT_DATA.",
    remediation: "Turn on standard logging to an S3 bucket (cloudfront:UpdateDistribution with \
                  Logging.Enabled true and Logging.Bucket).",
    remediation_url: "https://docs.aws.amazon.com/securityhub/latest/userguide/cloudfront-controls.html#cloudfront-5",
    remediation_hook: Remediation::NotifyOnly {
        why: "logging needs a destination bucket with ACLs enabled that the owner must choose",
    },
    duty: Duty::LoggingAndMonitoring,
    mappings: Mappings {
        fsbp: Some("CloudFront.5"),
        cis_v3: None,
        nist_800_53_r5: crate::controls::nist::ACCESS_LOGGING,
    },
    parameters: &[],
    evidence: &[],
    evaluate,
};

fn evaluate(ctx: &Context<'_>) -> Verdict {
    let id = super::id(ctx.item);
    let verdict = checks::require_flag(
        ctx.item,
        "/distributionConfig/logging/enabled",
        true,
        "standard logging is enabled",
        "standard logging is off",
    );
    match verdict {
        Verdict::Compliant(reason) => {
            let bucket = ctx
                .item
                .config_str("/distributionConfig/logging/bucket")
                .filter(|b| !b.trim().is_empty())
                .map_or_else(String::new, |b| format!(" to {b}"));
            Verdict::pass(format!("distribution {id}: {reason}{bucket}"))
        }
        Verdict::NonCompliant(reason) => Verdict::fail(format!("distribution {id}: {reason}")),
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::controls::checks::testing;
    use serde_json::json;

    #[test]
    fn the_logging_flag_decides() {
        let on = json!({"distributionConfig": {"logging": {"enabled": true,
            "bucket": "logs.s3.amazonaws.com", "prefix": "cf/", "includeCookies": false}}});
        let v = testing::with_configuration(&CONTROL, on);
        assert!(v.is_compliant() && v.reason().contains("logs.s3"), "{v}");
        let off = json!({"distributionConfig": {"logging": {"enabled": false, "bucket": ""}}});
        assert!(testing::with_configuration(&CONTROL, off).is_non_compliant());
        for odd in [
            json!({}),
            json!({"distributionConfig": {"logging": {"enabled": "on"}}}),
        ] {
            assert!(
                testing::with_configuration(&CONTROL, odd.clone()).is_insufficient(),
                "{odd}"
            );
        }
    }
}
