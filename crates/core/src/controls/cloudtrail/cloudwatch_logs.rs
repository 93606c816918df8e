//! CloudTrail.5 — CloudTrail trails should be integrated with Amazon CloudWatch Logs.

use crate::control::{Context, Control, Duty, Mappings, Remediation, Severity};
use crate::controls::checks;
use crate::verdict::Verdict;

pub const CONTROL: Control = Control {
    id: "CloudTrail.5",
    title: "CloudTrail trails should be integrated with Amazon CloudWatch Logs",
    severity: Severity::Low,
    resource_types: &["AWS::CloudTrail::Trail"],
    rationale: "Passes when the trail's configuration.cloudWatchLogsLogGroupArn names a \
                CloudWatch Logs log group; fails when it is absent or empty. Whether delivery to \
                the log group currently succeeds is not in the configuration item and is not \
                checked.",
    remediation: "Send the trail's events to a CloudWatch Logs log group (cloudtrail:UpdateTrail \
                  --cloud-watch-logs-log-group-arn and --cloud-watch-logs-role-arn with a role \
                  CloudTrail can assume to write to the group), then add metric filters and \
                  alarms for security-relevant events.",
    remediation_url: "https://docs.aws.amazon.com/awscloudtrail/latest/userguide/send-cloudtrail-events-to-cloudwatch-logs.html",
    remediation_hook: Remediation::NotifyOnly {
        why: "CloudWatch Logs delivery needs a log group and an IAM role chosen by a person",
    },
    duty: Duty::LoggingAndMonitoring,
    mappings: Mappings {
        fsbp: Some("CloudTrail.5"),
        cis_v3: None,
        nist_800_53_r5: &[
            "AC-2(4)", "AC-4(26)", "AC-6(9)", "AU-10", "AU-12", "AU-2", "AU-3", "AU-6(1)",
            "AU-6(3)", "AU-6(4)", "AU-6(5)", "AU-7(1)", "CA-7", "SC-7(9)", "SI-20", "SI-3(8)",
            "SI-4(20)", "SI-4(5)", "SI-7(8)",
        ],
    },
    parameters: &[],
    evidence: &[],
    evaluate,
};

fn evaluate(ctx: &Context<'_>) -> Verdict {
    checks::require_text(
        ctx.item,
        "/cloudWatchLogsLogGroupArn",
        "events are delivered to CloudWatch Logs log group",
        "the trail does not send events to CloudWatch Logs",
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::controls::checks::testing;
    use serde_json::json;

    #[test]
    fn the_log_group_decides() {
        let group = "arn:aws:logs:us-east-1:123456789012:log-group:trail:*";
        let v = testing::with_configuration(&CONTROL, json!({"cloudWatchLogsLogGroupArn": group}));
        assert!(v.is_compliant() && v.reason().ends_with(group), "{v}");
        let v = testing::with_configuration(&CONTROL, json!({"cloudWatchLogsLogGroupArn": ""}));
        assert!(v.is_non_compliant(), "{v}");
        assert!(
            v.reason()
                .contains("configuration.cloudWatchLogsLogGroupArn is not set"),
            "{v}"
        );
    }
}
