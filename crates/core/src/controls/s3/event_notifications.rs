//! S3.11 — S3 general purpose buckets should have event notifications enabled.
//!
//! AWS's rule `s3-event-notifications-enabled` (optional `eventTypes`, no default; also
//! `destinationArn`, which Security Hub does not set and sidewatch does not offer). The
//! notification configuration is `supplementaryConfiguration.BucketNotificationConfiguration`,
//! `{"configurations": {<id>: {"events": [...], "type": ..., <destination>}}}` as Config
//! records it (not in the Config schema; every recorded bucket carries it, with `{}` when there
//! is no notification). No longer in the FSBP standard; Security Hub still runs it for NIST SP
//! 800-53.

use crate::control::{Context, Control, Duty, Mappings, Remediation, Severity};
use crate::controls::checks;
use crate::controls::policy::action_matches;
use crate::params::{ParamKind, ParamSpec};
use crate::verdict::Verdict;
use serde_json::Value;

pub const CONTROL: Control = Control {
    id: "S3.11",
    title: "S3 general purpose buckets should have event notifications enabled",
    severity: Severity::Medium,
    resource_types: &["AWS::S3::Bucket"],
    rationale: "Passes when supplementaryConfiguration.BucketNotificationConfiguration.configurations \
                holds at least one notification (and, with eventTypes set, the notifications' \
                events cover every listed type); fails when it is empty. An item without the \
                notification configuration is INSUFFICIENT_DATA.",
    remediation: "Configure event notifications for the bucket's object events to an SNS topic, \
                  SQS queue or Lambda function (s3:PutBucketNotificationConfiguration).",
    remediation_url: "https://docs.aws.amazon.com/securityhub/latest/userguide/s3-controls.html#s3-11",
    remediation_hook: Remediation::NotifyOnly {
        why: "the destination and the events to watch are the owner's choice",
    },
    duty: Duty::LoggingAndMonitoring,
    mappings: Mappings {
        fsbp: None,
        cis_v3: None,
        nist_800_53_r5: &["CA-7", "SI-3(8)", "SI-4", "SI-4(4)"],
    },
    parameters: &[ParamSpec {
        name: "eventTypes",
        kind: ParamKind::StringList,
        default: "",
        description: "Comma-separated S3 event types that must be notified, such as \
                      s3:ObjectCreated:* (the rule's eventTypes). Empty, the default, accepts any \
                      notification.",
    }],
    evidence: &[],
    evaluate,
};

const CONFIGURATIONS: &str =
    "supplementaryConfiguration.BucketNotificationConfiguration.configurations";

fn evaluate(ctx: &Context<'_>) -> Verdict {
    let item = ctx.item;
    let name = super::bucket_name(item);
    let notification = match checks::supplementary(item, "BucketNotificationConfiguration") {
        Ok(notification) => notification,
        Err(verdict) => return verdict,
    };
    let configurations = match notification.get("configurations") {
        None | Some(Value::Null) => return checks::missing(CONFIGURATIONS),
        Some(Value::Object(configurations)) => configurations,
        Some(other) => {
            return Verdict::insufficient(format!(
                "{CONFIGURATIONS} is {}, expected a map of notifications",
                crate::item::json_type(other)
            ));
        }
    };
    if configurations.is_empty() {
        return Verdict::fail(format!(
            "bucket {name} has no event notifications ({CONFIGURATIONS} is empty)"
        ));
    }
    let mut events = Vec::new();
    for (id, configuration) in configurations {
        match configuration.get("events") {
            None | Some(Value::Null) => {}
            Some(Value::Array(list)) => events.extend(list.iter().filter_map(Value::as_str)),
            Some(other) => {
                return Verdict::insufficient(format!(
                    "{CONFIGURATIONS}.{id}.events is {}, expected a list",
                    crate::item::json_type(other)
                ));
            }
        }
    }
    let missing: Vec<&String> = ctx
        .str_list("eventTypes")
        .iter()
        .filter(|wanted| !events.iter().any(|e| covers(e, wanted)))
        .collect();
    if missing.is_empty() {
        Verdict::pass(format!(
            "bucket {name} sends {} event notification{} ({})",
            configurations.len(),
            if configurations.len() == 1 { "" } else { "s" },
            events.join(", ")
        ))
    } else {
        let missing: Vec<&str> = missing.iter().map(|s| s.as_str()).collect();
        Verdict::fail(format!(
            "bucket {name}'s event notifications do not cover {}",
            missing.join(", ")
        ))
    }
}

/// Whether a configured event (`s3:ObjectCreated:*`) covers a wanted one
/// (`s3:ObjectCreated:Put`, or the same wildcard).
fn covers(configured: &str, wanted: &str) -> bool {
    configured.trim().eq_ignore_ascii_case(wanted.trim()) || action_matches(configured, wanted)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::controls::checks::testing;
    use serde_json::json;

    fn run(configurations: Value, overrides: &[(&str, &str)]) -> Verdict {
        testing::with_supplementary(
            &CONTROL,
            json!({"BucketNotificationConfiguration": {"configurations": configurations}}),
            overrides,
        )
    }

    fn queue(events: Value) -> Value {
        json!({"uploads": {"events": events, "filter": null, "objectPrefixes": [],
            "queueARN": "arn:aws:sqs:us-east-1:123456789012:uploads", "type": "QueueConfiguration"}})
    }

    #[test]
    fn any_notification_passes_without_event_types() {
        assert!(run(queue(json!(["s3:ObjectCreated:*"])), &[]).is_compliant());
        assert!(run(json!({}), &[]).is_non_compliant());
    }

    #[test]
    fn event_types_must_be_covered() {
        let q = queue(json!(["s3:ObjectCreated:*"]));
        assert!(run(q.clone(), &[("eventTypes", "s3:ObjectCreated:Put")]).is_compliant());
        assert!(run(q.clone(), &[("eventTypes", "s3:ObjectCreated:*")]).is_compliant());
        let v = run(
            q,
            &[("eventTypes", "s3:ObjectCreated:*,s3:ObjectRemoved:*")],
        );
        assert!(
            v.is_non_compliant() && v.reason().contains("s3:ObjectRemoved:*"),
            "{v}"
        );
    }

    #[test]
    fn unrecorded_notifications_are_insufficient() {
        assert!(run(json!(null), &[]).is_insufficient());
        assert!(run(json!([]), &[]).is_insufficient());
        assert!(run(queue(json!("s3:ObjectCreated:*")), &[]).is_insufficient());
        let v = testing::with_supplementary(&CONTROL, json!({}), &[]);
        assert!(v.is_insufficient(), "{v}");
    }
}
