//! CloudTrail.2 — CloudTrail should have encryption at-rest enabled.

use crate::control::{Context, Control, Duty, Mappings, Remediation, Severity};
use crate::controls::checks;
use crate::verdict::Verdict;

pub const CONTROL: Control = Control {
    id: "CloudTrail.2",
    title: "CloudTrail should have encryption at-rest enabled",
    severity: Severity::Medium,
    resource_types: &["AWS::CloudTrail::Trail"],
    rationale: "Passes when the trail's configuration.kmsKeyId names a KMS key, so log files are \
                encrypted with SSE-KMS; fails when kmsKeyId is absent or empty (log files only \
                get the bucket's default SSE-S3 encryption).",
    remediation: "Update the trail to encrypt log files with SSE-KMS (cloudtrail:UpdateTrail \
                  --kms-key-id) using a customer managed key in the bucket's Region whose key \
                  policy lets CloudTrail encrypt and your log readers decrypt.",
    remediation_url: "https://docs.aws.amazon.com/awscloudtrail/latest/userguide/encrypting-cloudtrail-log-files-with-aws-kms.html",
    remediation_hook: Remediation::NotifyOnly {
        why: "encrypting a trail needs a KMS key whose policy lets CloudTrail use it",
    },
    duty: Duty::DataProtection,
    mappings: Mappings {
        fsbp: Some("CloudTrail.2"),
        cis_v3: Some("3.5"),
        nist_800_53_r5: &[
            "AU-9", "CA-9(1)", "CM-3(6)", "SC-13", "SC-28", "SC-28(1)", "SC-7(10)", "SI-7(6)",
        ],
    },
    parameters: &[],
    evidence: &[],
    evaluate,
};

fn evaluate(ctx: &Context<'_>) -> Verdict {
    checks::require_text(
        ctx.item,
        "/kmsKeyId",
        "log files are encrypted with SSE-KMS using key",
        "log files are not encrypted with a KMS key",
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::controls::checks::testing;
    use serde_json::json;

    #[test]
    fn the_kms_key_decides() {
        let key = "arn:aws:kms:us-east-1:123456789012:key/1234abcd";
        let v = testing::with_configuration(&CONTROL, json!({"name": "trail", "kmsKeyId": key}));
        assert_eq!(
            v,
            Verdict::pass(format!(
                "log files are encrypted with SSE-KMS using key {key}"
            ))
        );
        for configuration in [json!({"name": "trail"}), json!({"kmsKeyId": null})] {
            let v = testing::with_configuration(&CONTROL, configuration);
            assert!(v.is_non_compliant(), "{v}");
            assert!(
                v.reason().contains("configuration.kmsKeyId is not set"),
                "{v}"
            );
        }
        assert!(
            testing::with_configuration(&CONTROL, json!({"kmsKeyId": false})).is_insufficient()
        );
    }
}
