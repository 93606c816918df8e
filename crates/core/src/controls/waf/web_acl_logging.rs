//! WAF.11 — AWS WAF web ACL logging should be enabled.
//!
//! AWS's rule (`wafv2-logging-enabled`, periodic) fails an AWS WAF (v2) web ACL
//! (`AWS::WAFv2::WebACL`, regional or CloudFront) without a logging configuration. Logging is not
//! in the configuration item; the WafV2Logging evidence reads it
//! (`wafv2:GetLoggingConfiguration` with the web ACL's ARN). Logging only through Security Lake
//! creates no logging configuration and does not count, as AWS's control text says. WAF.11 is not
//! in the FSBP standard (it is a Security Hub control of the NIST SP 800-53 standard).

use super::logging::decide;
use crate::control::{Context, Control, Duty, Mappings, Remediation, Severity};
use crate::evidence::EvidenceKind;
use crate::verdict::Verdict;

pub const CONTROL: Control = Control {
    id: "WAF.11",
    title: "AWS WAF web ACL logging should be enabled",
    severity: Severity::Low,
    resource_types: &["AWS::WAFv2::WebACL"],
    rationale: "Fails when the AWS WAF web ACL has no logging configuration (WafV2Logging \
                evidence, wafv2:GetLoggingConfiguration); passes when it logs to a CloudWatch \
                Logs log group, an S3 bucket or a Firehose stream.",
    remediation: "Turn on logging for the web ACL (wafv2:PutLoggingConfiguration) to a \
                  CloudWatch Logs log group, S3 bucket or Firehose stream whose name starts with \
                  aws-waf-logs-.",
    remediation_url: "https://docs.aws.amazon.com/securityhub/latest/userguide/waf-controls.html#waf-11",
    remediation_hook: Remediation::NotifyOnly {
        why: "logging needs a destination, redaction and retention choices that only the owner \
              can make",
    },
    duty: Duty::LoggingAndMonitoring,
    mappings: Mappings {
        fsbp: None,
        cis_v3: None,
        nist_800_53_r5: &[
            "AC-4(26)", "AU-10", "AU-12", "AU-2", "AU-3", "AU-6(3)", "AU-6(4)", "CA-7", "SC-7(9)",
            "SI-7(8)",
        ],
    },
    parameters: &[],
    evidence: &[EvidenceKind::WafV2Logging],
    evaluate,
};

fn evaluate(ctx: &Context<'_>) -> Verdict {
    decide(ctx, EvidenceKind::WafV2Logging)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn logging_decides() {
        super::super::logging::tests::logging_cases(&CONTROL, EvidenceKind::WafV2Logging);
    }
}
