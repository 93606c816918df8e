//! WAF.1 — AWS WAF Classic Global Web ACL logging should be enabled.
//!
//! AWS's rule (`waf-classic-logging-enabled`, periodic, us-east-1 only) fails a global AWS WAF
//! Classic web ACL (`AWS::WAF::WebACL`) without a logging configuration. Logging is not in the
//! configuration item (the schema holds `name`, `defaultAction`, `rulesList`, `webACLId`); the
//! WafClassicLogging evidence reads it (`waf:GetLoggingConfiguration` on the global endpoint).
//! Security Hub sets no parameter, so the destination stream is not compared.

use super::logging::decide;
use crate::control::{Context, Control, Duty, Mappings, Remediation, Severity};
use crate::evidence::EvidenceKind;
use crate::verdict::Verdict;

pub const CONTROL: Control = Control {
    id: "WAF.1",
    title: "AWS WAF Classic Global Web ACL logging should be enabled",
    severity: Severity::Medium,
    resource_types: &["AWS::WAF::WebACL"],
    rationale: "Fails when the AWS WAF Classic global web ACL has no logging configuration \
                (WafClassicLogging evidence, waf:GetLoggingConfiguration); passes when it logs to \
                a Kinesis Data Firehose stream.",
    remediation: "Create a Kinesis Data Firehose stream whose name starts with aws-waf-logs- in \
                  us-east-1 and attach it to the web ACL (waf:PutLoggingConfiguration); better, \
                  migrate the web ACL to AWS WAF (v2), as WAF Classic is at end of life.",
    remediation_url: "https://docs.aws.amazon.com/securityhub/latest/userguide/waf-controls.html#waf-1",
    remediation_hook: Remediation::NotifyOnly {
        why: "logging needs a delivery stream and a retention decision that only the owner can \
              make",
    },
    duty: Duty::LoggingAndMonitoring,
    mappings: Mappings {
        fsbp: Some("WAF.1"),
        cis_v3: None,
        nist_800_53_r5: &[
            "AC-4(26)", "AU-10", "AU-12", "AU-2", "AU-3", "AU-6(3)", "AU-6(4)", "CA-7", "SC-7(9)",
            "SI-7(8)",
        ],
    },
    parameters: &[],
    evidence: &[EvidenceKind::WafClassicLogging],
    evaluate,
};

fn evaluate(ctx: &Context<'_>) -> Verdict {
    decide(ctx, EvidenceKind::WafClassicLogging)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn logging_decides() {
        super::super::logging::tests::logging_cases(&CONTROL, EvidenceKind::WafClassicLogging);
    }
}
