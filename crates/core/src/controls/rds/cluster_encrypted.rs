//! RDS.27 — RDS DB clusters should be encrypted at rest.
//!
//! `configuration.storageEncrypted` is confirmed in the AWS Config resource schema for
//! `AWS::RDS::DBCluster`.

use crate::control::{Context, Control, Duty, Mappings, Remediation, Severity};
use crate::controls::checks;
use crate::controls::nist;
use crate::verdict::Verdict;

pub const CONTROL: Control = Control {
    id: "RDS.27",
    title: "RDS DB clusters should be encrypted at rest",
    severity: Severity::Medium,
    resource_types: &["AWS::RDS::DBCluster"],
    rationale: "Passes when the DB cluster's configuration.storageEncrypted is true; fails when \
                it is false. An item without the field is INSUFFICIENT_DATA.",
    remediation: "Encryption is chosen when a cluster is created: snapshot the cluster, restore \
                  the snapshot to a new cluster with --storage-encrypted and a KMS key, move \
                  clients to it and delete the old one.",
    remediation_url: "https://docs.aws.amazon.com/securityhub/latest/userguide/rds-controls.html#rds-27",
    remediation_hook: Remediation::NotifyOnly {
        why: "encryption cannot be turned on for an existing cluster: it must be restored into a \
              new encrypted cluster",
    },
    duty: Duty::DataProtection,
    mappings: Mappings {
        fsbp: Some("RDS.27"),
        cis_v3: None,
        nist_800_53_r5: nist::ENCRYPTION_AT_REST,
    },
    parameters: &[],
    evidence: &[],
    evaluate,
};

fn evaluate(ctx: &Context<'_>) -> Verdict {
    checks::require_flag(
        ctx.item,
        "/storageEncrypted",
        true,
        "the DB cluster is encrypted at rest",
        "the DB cluster is not encrypted at rest",
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::controls::checks::testing;
    use serde_json::json;

    #[test]
    fn the_encryption_flag_decides() {
        let v = testing::with_configuration(&CONTROL, json!({"storageEncrypted": true}));
        assert!(v.is_compliant(), "{v}");
        let v = testing::with_configuration(&CONTROL, json!({"storageEncrypted": false}));
        assert!(v.is_non_compliant(), "{v}");
        let v = testing::with_configuration(&CONTROL, json!({"storageEncrypted": 0}));
        assert!(v.is_insufficient(), "{v}");
    }
}
