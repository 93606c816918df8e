//! SQS.1 — Amazon SQS queues should be encrypted at rest.
//!
//! Confirmed in the AWS Config resource schema for `AWS::SQS::Queue`: `configuration.KmsMasterKeyId`
//! (string, SSE-KMS) and `configuration.SqsManagedSseEnabled` (a string, `"true"` / `"false"`,
//! SSE-SQS). SQS omits `KmsMasterKeyId` when the queue has no KMS key, so its absence is read as
//! "no KMS key" only on an item that records the queue (`QueueArn`).

use crate::control::{Context, Control, Duty, Mappings, Remediation, Severity};
use crate::controls::checks;
use crate::controls::nist;
use crate::verdict::Verdict;

pub const CONTROL: Control = Control {
    id: "SQS.1",
    title: "Amazon SQS queues should be encrypted at rest",
    severity: Severity::Medium,
    resource_types: &["AWS::SQS::Queue"],
    rationale: "Passes when the queue is encrypted at rest with a KMS key \
                (configuration.KmsMasterKeyId set, SSE-KMS) or with an SQS managed key \
                (configuration.SqsManagedSseEnabled \"true\", SSE-SQS); fails when neither is. \
                An item that does not record the queue's attributes, or records SSE-SQS as \
                neither true nor false, is INSUFFICIENT_DATA.",
    remediation: "Turn on server-side encryption for the queue: sqs:SetQueueAttributes with \
                  SqsManagedSseEnabled=true, or KmsMasterKeyId set to a KMS key whose policy lets \
                  the queue's producers and consumers use it.",
    remediation_url: "https://docs.aws.amazon.com/securityhub/latest/userguide/sqs-controls.html#sqs-1",
    remediation_hook: Remediation::NotifyOnly {
        why: "no automatic remediation for this control yet; the owner chooses between SSE-SQS \
              and a KMS key whose policy must admit every producer and consumer",
    },
    duty: Duty::DataProtection,
    mappings: Mappings {
        fsbp: Some("SQS.1"),
        cis_v3: None,
        nist_800_53_r5: nist::ENCRYPTION_AT_REST,
    },
    parameters: &[],
    evidence: &[],
    evaluate,
};

fn evaluate(ctx: &Context<'_>) -> Verdict {
    let item = ctx.item;
    if let Err(verdict) = checks::require_recorded(item, "/QueueArn") {
        return verdict;
    }
    match checks::text(
        item.config("/KmsMasterKeyId"),
        "configuration.KmsMasterKeyId",
    ) {
        Err(verdict) => return verdict,
        Ok(Some(key)) => {
            return Verdict::pass(format!(
                "the queue is encrypted at rest with KMS key {key} (SSE-KMS)"
            ));
        }
        Ok(None) => {}
    }
    match checks::flag(
        item.config("/SqsManagedSseEnabled"),
        "configuration.SqsManagedSseEnabled",
    ) {
        Err(verdict) => verdict,
        Ok(Some(true)) => Verdict::pass(
            "the queue is encrypted at rest with an SQS managed key (SSE-SQS; \
             configuration.SqsManagedSseEnabled is true)",
        ),
        Ok(Some(false)) => Verdict::fail(
            "the queue is not encrypted at rest (configuration.KmsMasterKeyId is not set and \
             configuration.SqsManagedSseEnabled is false)",
        ),
        Ok(None) => checks::missing("configuration.SqsManagedSseEnabled"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::controls::checks::testing;
    use serde_json::{Value, json};

    const ARN: &str = "arn:aws:sqs:us-east-1:123456789012:orders";

    fn run(configuration: Value) -> Verdict {
        testing::with_configuration(&CONTROL, configuration)
    }

    #[test]
    fn either_kind_of_server_side_encryption_passes() {
        let v = run(json!({"QueueArn": ARN, "KmsMasterKeyId": "alias/aws/sqs",
                           "SqsManagedSseEnabled": "false"}));
        assert!(v.is_compliant() && v.reason().contains("SSE-KMS"), "{v}");
        let v = run(json!({"QueueArn": ARN, "SqsManagedSseEnabled": "true"}));
        assert!(v.is_compliant() && v.reason().contains("SSE-SQS"), "{v}");
        let v = run(json!({"QueueArn": ARN, "SqsManagedSseEnabled": "false"}));
        assert!(v.is_non_compliant(), "{v}");
    }

    #[test]
    fn an_item_that_does_not_show_the_queue_is_insufficient() {
        assert!(run(json!({"SqsManagedSseEnabled": "false"})).is_insufficient());
        assert!(run(json!({"QueueArn": ARN})).is_insufficient());
        assert!(run(json!({"QueueArn": ARN, "SqsManagedSseEnabled": "maybe"})).is_insufficient());
        assert!(run(json!({"QueueArn": ARN, "KmsMasterKeyId": 12})).is_insufficient());
    }
}
