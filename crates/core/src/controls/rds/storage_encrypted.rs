//! RDS.3 — RDS DB instances should have encryption at-rest enabled.

use crate::control::{Context, Control, Duty, Mappings, Remediation, Severity};
use crate::controls::checks;
use crate::controls::nist;
use crate::verdict::Verdict;

pub const CONTROL: Control = Control {
    id: "RDS.3",
    title: "RDS DB instances should have encryption at-rest enabled",
    severity: Severity::Medium,
    resource_types: &["AWS::RDS::DBInstance"],
    rationale: "Passes when the instance's configuration.storageEncrypted is true; fails when it \
                is false. Aurora and other cluster member instances report their DB cluster's \
                encryption and are judged on it, with the cluster named in the reason. An item \
                without the field is INSUFFICIENT_DATA.",
    remediation: "Encryption can only be chosen at creation: snapshot the instance (or cluster), \
                  copy the snapshot with a KMS key, restore a new encrypted instance (or \
                  cluster) from the copy and move clients to it. Create new instances with \
                  --storage-encrypted.",
    remediation_url: "https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/Overview.Encryption.html",
    remediation_hook: Remediation::NotifyOnly {
        why: "encryption cannot be turned on for an existing instance: it must be restored from \
              an encrypted snapshot copy",
    },
    duty: Duty::DataProtection,
    mappings: Mappings {
        fsbp: Some("RDS.3"),
        cis_v3: Some("2.3.1"),
        nist_800_53_r5: nist::ENCRYPTION_AT_REST,
    },
    parameters: &[],
    evidence: &[],
    evaluate,
};

fn evaluate(ctx: &Context<'_>) -> Verdict {
    let verdict = checks::require_flag(
        ctx.item,
        "/storageEncrypted",
        true,
        "storage is encrypted at rest",
        "storage is not encrypted at rest",
    );
    super::note_cluster(verdict, ctx.item)
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
        let v = testing::with_configuration(
            &CONTROL,
            json!({"storageEncrypted": false, "engine": "postgres"}),
        );
        assert_eq!(
            v,
            Verdict::fail(
                "storage is not encrypted at rest (configuration.storageEncrypted is false)"
            )
        );
        let v = testing::with_configuration(&CONTROL, json!({"storageEncrypted": null}));
        assert!(v.is_insufficient(), "{v}");
    }

    #[test]
    fn aurora_failures_name_the_cluster() {
        let v = testing::with_configuration(
            &CONTROL,
            json!({"storageEncrypted": false, "engine": "aurora-mysql", "dBClusterIdentifier": "orders"}),
        );
        assert!(v.is_non_compliant(), "{v}");
        assert!(v.reason().contains("DB cluster orders"), "{v}");
    }
}
