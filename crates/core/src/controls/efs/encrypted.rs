//! EFS.1 — Elastic File System should be configured to encrypt file data at-rest using AWS KMS.
//!
//! `configuration.Encrypted` is confirmed in the AWS Config resource schema for
//! `AWS::EFS::FileSystem`. As Security Hub documents, `KmsKeyId` is not compared (the managed
//! rule's KmsKeyId parameter is not used by the control).

use crate::control::{Context, Control, Duty, Mappings, Remediation, Severity};
use crate::controls::checks;
use crate::controls::nist;
use crate::verdict::Verdict;

pub const CONTROL: Control = Control {
    id: "EFS.1",
    title: "Elastic File System should be configured to encrypt file data at-rest using AWS KMS",
    severity: Severity::Medium,
    resource_types: &["AWS::EFS::FileSystem"],
    rationale: "Passes when the file system's configuration.Encrypted is true (file data is \
                encrypted at rest with a KMS key); fails when it is false. Which key is used is \
                not compared. An item without the field is INSUFFICIENT_DATA.",
    remediation: "Encryption is chosen when a file system is created: create an encrypted file \
                  system (efs:CreateFileSystem --encrypted, optionally --kms-key-id), copy the \
                  data with AWS DataSync or AWS Backup, move clients and delete the old one.",
    remediation_url: "https://docs.aws.amazon.com/securityhub/latest/userguide/efs-controls.html#efs-1",
    remediation_hook: Remediation::NotifyOnly {
        why: "encryption cannot be turned on for an existing file system: its data must be \
              copied to a new encrypted one",
    },
    duty: Duty::DataProtection,
    mappings: Mappings {
        fsbp: Some("EFS.1"),
        cis_v3: Some("2.4.1"),
        nist_800_53_r5: nist::ENCRYPTION_AT_REST,
    },
    parameters: &[],
    evidence: &[],
    evaluate,
};

fn evaluate(ctx: &Context<'_>) -> Verdict {
    checks::require_flag(
        ctx.item,
        "/Encrypted",
        true,
        "file data is encrypted at rest",
        "file data is not encrypted at rest",
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::controls::checks::testing;
    use serde_json::json;

    #[test]
    fn the_encrypted_flag_decides() {
        let v = testing::with_configuration(&CONTROL, json!({"Encrypted": true}));
        assert!(v.is_compliant(), "{v}");
        let v =
            testing::with_configuration(&CONTROL, json!({"Encrypted": false, "KmsKeyId": null}));
        assert!(v.is_non_compliant(), "{v}");
        // The camelCase spelling of other types does not stand in for this type's field.
        let v = testing::with_configuration(&CONTROL, json!({"encrypted": true}));
        assert!(v.is_insufficient(), "{v}");
    }
}
