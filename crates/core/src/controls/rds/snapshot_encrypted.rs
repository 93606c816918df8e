//! RDS.4 — RDS cluster snapshots and database snapshots should be encrypted at rest.
//!
//! The two snapshot types name the flag differently; both names are confirmed in the AWS Config
//! resource schema: `AWS::RDS::DBSnapshot` records `configuration.encrypted`,
//! `AWS::RDS::DBClusterSnapshot` records `configuration.storageEncrypted`.

use crate::control::{Context, Control, Duty, Mappings, Remediation, Severity};
use crate::controls::checks;
use crate::controls::nist;
use crate::verdict::Verdict;

pub const CONTROL: Control = Control {
    id: "RDS.4",
    title: "RDS cluster snapshots and database snapshots should be encrypted at rest",
    severity: Severity::Medium,
    resource_types: &["AWS::RDS::DBSnapshot", "AWS::RDS::DBClusterSnapshot"],
    rationale: "Passes when the snapshot is encrypted: configuration.encrypted for DB snapshots, \
                configuration.storageEncrypted for DB cluster snapshots; fails when the flag is \
                false. Aurora, Neptune and DocumentDB snapshots are evaluated too. An item \
                without the flag is INSUFFICIENT_DATA.",
    remediation: "Copy the snapshot with a KMS key (rds:CopyDBSnapshot or \
                  rds:CopyDBClusterSnapshot with --kms-key-id), delete the unencrypted original, \
                  and encrypt the source instance or cluster so new snapshots are encrypted.",
    remediation_url: "https://docs.aws.amazon.com/securityhub/latest/userguide/rds-controls.html#rds-4",
    remediation_hook: Remediation::NotifyOnly {
        why: "a snapshot cannot be encrypted in place: it must be copied and the original \
              deleted, which only its owner can decide",
    },
    duty: Duty::DataProtection,
    mappings: Mappings {
        fsbp: Some("RDS.4"),
        cis_v3: None,
        nist_800_53_r5: nist::ENCRYPTION_AT_REST,
    },
    parameters: &[],
    evidence: &[],
    evaluate,
};

fn evaluate(ctx: &Context<'_>) -> Verdict {
    let pointer = if ctx.item.resource_type == "AWS::RDS::DBClusterSnapshot" {
        "/storageEncrypted"
    } else {
        "/encrypted"
    };
    checks::require_flag(
        ctx.item,
        pointer,
        true,
        "the snapshot is encrypted at rest",
        "the snapshot is not encrypted at rest",
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::controls::test_support::{item, run};
    use serde_json::json;

    #[test]
    fn each_snapshot_type_is_judged_on_its_own_flag() {
        let v = run(
            &CONTROL,
            item("AWS::RDS::DBSnapshot", json!({"encrypted": true})),
            &[],
        );
        assert!(v.is_compliant(), "{v}");
        let v = run(
            &CONTROL,
            item("AWS::RDS::DBSnapshot", json!({"encrypted": false})),
            &[],
        );
        assert!(v.is_non_compliant(), "{v}");
        let v = run(
            &CONTROL,
            item(
                "AWS::RDS::DBClusterSnapshot",
                json!({"storageEncrypted": false}),
            ),
            &[],
        );
        assert!(
            v.is_non_compliant() && v.reason().contains("storageEncrypted"),
            "{v}"
        );
        // A cluster snapshot carrying only the instance snapshot's field is not decided on it.
        let v = run(
            &CONTROL,
            item("AWS::RDS::DBClusterSnapshot", json!({"encrypted": true})),
            &[],
        );
        assert!(v.is_insufficient(), "{v}");
        let v = run(
            &CONTROL,
            item("AWS::RDS::DBSnapshot", json!({"encrypted": "yes"})),
            &[],
        );
        assert!(v.is_insufficient(), "{v}");
    }
}
