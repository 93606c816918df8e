//! EC2.1 — Amazon EBS snapshots should not be publicly restorable.
//!
//! AWS Config records no EBS snapshots: the control is account-level (one finding per account and
//! Region). The EbsPublicSnapshots evidence lists the account's snapshots in the Region whose
//! `createVolumePermission` includes the group `all` (`ec2:DescribeSnapshots` with owner `self` and
//! restorable-by `all`, each confirmed with `ec2:DescribeSnapshotAttribute`).

use crate::control::{Context, Control, Duty, Mappings, Remediation, Severity};
use crate::controls::account;
use crate::evidence::EvidenceKind;
use crate::evidence::shapes::EbsPublicSnapshots;
use crate::verdict::Verdict;

pub const CONTROL: Control = Control {
    id: "EC2.1",
    title: "Amazon EBS snapshots should not be publicly restorable",
    severity: Severity::Critical,
    resource_types: account::RESOURCE_TYPES,
    rationale: "Fails when any EBS snapshot the account owns in the Region can be restored by \
                anyone (its createVolumePermission holds the group all; EbsPublicSnapshots \
                evidence); passes when none can. Snapshots are regional, so every Region is \
                evaluated.",
    remediation: "Make each listed snapshot private: `aws ec2 modify-snapshot-attribute \
                  --snapshot-id ID --attribute createVolumePermission --operation-type remove \
                  --group-names all`, and turn on block public access for snapshots \
                  (`aws ec2 enable-snapshot-block-public-access`).",
    remediation_url: "https://docs.aws.amazon.com/securityhub/latest/userguide/ec2-controls.html#ec2-1",
    remediation_hook: Remediation::NotifyOnly {
        why: "someone may share the snapshot on purpose (a public AMI); a person must confirm",
    },
    duty: Duty::DataProtection,
    mappings: Mappings {
        fsbp: Some("EC2.1"),
        cis_v3: None,
        nist_800_53_r5: crate::controls::nist::PUBLIC_ACCESS,
    },
    parameters: &[],
    evidence: &[EvidenceKind::EbsPublicSnapshots],
    evaluate,
};

fn evaluate(ctx: &Context<'_>) -> Verdict {
    let found: EbsPublicSnapshots = match account::evidence(
        ctx,
        EvidenceKind::EbsPublicSnapshots,
        &["publicSnapshotIds"],
    ) {
        Ok(found) => found,
        Err(verdict) => return verdict,
    };
    let region = account::region_name(ctx.item);
    if found.public_snapshot_ids.is_empty() {
        return Verdict::pass(format!(
            "no EBS snapshot owned by the account in {region} is publicly restorable"
        ));
    }
    Verdict::fail(format!(
        "{} EBS snapshot(s) in {region} can be restored by anyone: {}",
        found.public_snapshot_ids.len(),
        account::join_limited(&found.public_snapshot_ids, 5)
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::controls::account::testing;
    use serde_json::json;

    #[test]
    fn any_public_snapshot_fails() {
        let run = |v| testing::run(&CONTROL, EvidenceKind::EbsPublicSnapshots, v);
        assert_eq!(
            run(json!({"publicSnapshotIds": ["snap-1"], "snapshotsChecked": 3})),
            Verdict::fail("1 EBS snapshot(s) in eu-west-1 can be restored by anyone: snap-1")
        );
        assert!(run(json!({"publicSnapshotIds": [], "snapshotsChecked": 0})).is_compliant());
        assert!(run(json!({})).is_insufficient());
        assert!(run(json!({"publicSnapshotIds": "snap-1"})).is_insufficient());
    }
}
