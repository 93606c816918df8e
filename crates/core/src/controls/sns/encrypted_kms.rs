//! SNS.1 — SNS topics should be encrypted at-rest using AWS KMS.
//!
//! `configuration.KmsMasterKeyId` is confirmed in the AWS Config resource schema for
//! `AWS::SNS::Topic`. SNS omits the attribute when the topic is not encrypted, so its absence is
//! read as "not encrypted" only on an item that records the topic (`TopicArn`). SNS.1 is no longer
//! part of FSBP; it stays a Security Hub control (NIST SP 800-53).

use crate::control::{Context, Control, Duty, Mappings, Remediation, Severity};
use crate::controls::checks;
use crate::controls::nist;
use crate::verdict::Verdict;

pub const CONTROL: Control = Control {
    id: "SNS.1",
    title: "SNS topics should be encrypted at-rest using AWS KMS",
    severity: Severity::Medium,
    resource_types: &["AWS::SNS::Topic"],
    rationale: "Passes when the topic's configuration.KmsMasterKeyId names a KMS key \
                (server-side encryption); fails when it is not set. An item that does not record \
                the topic's attributes (no TopicArn) is INSUFFICIENT_DATA.",
    remediation: "Turn on server-side encryption for the topic (sns:SetTopicAttributes \
                  AttributeName=KmsMasterKeyId with a KMS key whose policy lets the publishing \
                  services use it).",
    remediation_url: "https://docs.aws.amazon.com/securityhub/latest/userguide/sns-controls.html#sns-1",
    remediation_hook: Remediation::NotifyOnly {
        why: "no automatic remediation for this control yet; publishers such as CloudWatch \
              alarms or S3 events need the key policy to allow them first",
    },
    duty: Duty::DataProtection,
    mappings: Mappings {
        fsbp: None,
        cis_v3: None,
        nist_800_53_r5: nist::ENCRYPTION_AT_REST,
    },
    parameters: &[],
    evidence: &[],
    evaluate,
};

fn evaluate(ctx: &Context<'_>) -> Verdict {
    if let Err(verdict) = checks::require_recorded(ctx.item, "/TopicArn") {
        return verdict;
    }
    checks::require_text(
        ctx.item,
        "/KmsMasterKeyId",
        "the topic is encrypted at rest with KMS key",
        "the topic is not encrypted at rest",
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::controls::checks::testing;
    use serde_json::json;

    const ARN: &str = "arn:aws:sns:us-east-1:123456789012:alerts";

    #[test]
    fn the_key_decides() {
        let v = testing::with_configuration(
            &CONTROL,
            json!({"TopicArn": ARN, "KmsMasterKeyId": "alias/aws/sns"}),
        );
        assert!(v.is_compliant(), "{v}");
        let v = testing::with_configuration(&CONTROL, json!({"TopicArn": ARN}));
        assert!(v.is_non_compliant(), "{v}");
    }

    #[test]
    fn moto_spelling_and_partial_items_do_not_pass() {
        // moto's lower-case attribute is not the recorded field: the topic counts as unencrypted.
        let v = testing::with_configuration(
            &CONTROL,
            json!({"TopicArn": ARN, "kmsMasterKeyId": "alias/aws/sns"}),
        );
        assert!(v.is_non_compliant(), "{v}");
        let v = testing::with_configuration(&CONTROL, json!({"KmsMasterKeyId": "alias/aws/sns"}));
        assert!(v.is_insufficient(), "{v}");
        let v =
            testing::with_configuration(&CONTROL, json!({"TopicArn": ARN, "KmsMasterKeyId": []}));
        assert!(v.is_insufficient(), "{v}");
    }
}
