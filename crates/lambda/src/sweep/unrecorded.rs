//! Resource types the AWS Config recorder does not record: which they are, and the ports the sweep
//! uses to build their items itself.
//!
//! A sweep that only read AWS Config would never see a resource whose type the recorder leaves
//! out (recording costs money, so many accounts record a few types only). The scheduled run
//! therefore reads the recorder's recording group ([`RecorderSource`]) and splits the covered
//! types ([`plan`]):
//!
//! * **recorded** types are swept through Config, as before (keys listed, items read in batches);
//! * **unrecorded** types the inventory can build ([`InventorySource::resource_types`]) are swept
//!   through the inventory: one queue message per type and Region, whose consumer lists and builds
//!   the items from the service APIs;
//! * the rest (unrecorded, no collector — or global IAM types in a Region that does not evaluate
//!   global resources) stay on the Config path: Config may still hold their last items, which is
//!   what the sweep did before.
//!
//! **What counts as recorded** ([`recorded_types`]). Only a recorder that is recording: a stopped
//! recorder's items go stale (a deleted resource is never noticed), so its types are swept through
//! the inventory; a recorder whose last delivery failed but is still recording counts. No recorder
//! at all records nothing. The recording group is read as Config applies it:
//!
//! * `ALL_SUPPORTED_RESOURCE_TYPES` (or `allSupported` without a strategy): every type, the global
//!   IAM types only with `includeGlobalResourceTypes`;
//! * `INCLUSION_BY_RESOURCE_TYPES` (or a `resourceTypes` list without a strategy): the list;
//! * `EXCLUSION_BY_RESOURCE_TYPES`: every type but the excluded ones, the global IAM types
//!   included (Config records them with this strategy unless excluded).
//!
//! Whatever the group says, the global IAM types (user, group, role, customer managed policy) are
//! recorded only in Regions where AWS Config was available before February 2022
//! ([`IAM_RECORDING_REGIONS`]); elsewhere they count as unrecorded. The list is of the old Regions,
//! not the new ones, so a Region launched after this code is treated as not recording them: at
//! worst the sweep reads IAM through the inventory although Config has it, never the reverse.

use sidewatch_core::evidence::shapes::ConfigRecorder;
use std::collections::BTreeSet;

/// The global IAM resource types: recorded in one Region of the account at most, and only where
/// [`IAM_RECORDING_REGIONS`] allows.
pub const IAM_GLOBAL_TYPES: [&str; 4] = [
    "AWS::IAM::User",
    "AWS::IAM::Group",
    "AWS::IAM::Role",
    "AWS::IAM::Policy",
];

/// The Regions where AWS Config was available before February 2022, the only ones whose recorder
/// can record the global IAM types (AWS Config developer guide, "Recording global resources").
pub const IAM_RECORDING_REGIONS: &[&str] = &[
    "af-south-1",
    "ap-east-1",
    "ap-northeast-1",
    "ap-northeast-2",
    "ap-northeast-3",
    "ap-south-1",
    "ap-southeast-1",
    "ap-southeast-2",
    "ap-southeast-3",
    "ca-central-1",
    "cn-north-1",
    "cn-northwest-1",
    "eu-central-1",
    "eu-north-1",
    "eu-south-1",
    "eu-west-1",
    "eu-west-2",
    "eu-west-3",
    "me-south-1",
    "sa-east-1",
    "us-east-1",
    "us-east-2",
    "us-gov-east-1",
    "us-gov-west-1",
    "us-west-1",
    "us-west-2",
];

const ALL_SUPPORTED: &str = "ALL_SUPPORTED_RESOURCE_TYPES";
const INCLUSION: &str = "INCLUSION_BY_RESOURCE_TYPES";
const EXCLUSION: &str = "EXCLUSION_BY_RESOURCE_TYPES";

/// True for the global IAM types.
pub fn is_global_iam(resource_type: &str) -> bool {
    IAM_GLOBAL_TYPES.contains(&resource_type)
}

/// Whether `recorder` records `resource_type` in `region`.
fn records(recorder: &ConfigRecorder, resource_type: &str, region: &str) -> bool {
    if !recorder.recording {
        return false;
    }
    let global = is_global_iam(resource_type);
    if global && !IAM_RECORDING_REGIONS.contains(&region) {
        return false;
    }
    let listed = |list: &[String]| list.iter().any(|t| t == resource_type);
    match recorder.recording_strategy.as_deref() {
        Some(EXCLUSION) => !listed(&recorder.exclusion_resource_types),
        Some(INCLUSION) => listed(&recorder.resource_types),
        Some(ALL_SUPPORTED) => !global || recorder.include_global_resource_types,
        // No strategy (the API before November 2023) or one this code does not know: the flags.
        _ if recorder.all_supported => !global || recorder.include_global_resource_types,
        _ => listed(&recorder.resource_types),
    }
}

/// The types of `candidates` that one of `recorders` records in `region`.
pub fn recorded_types(
    recorders: &[ConfigRecorder],
    region: &str,
    candidates: &BTreeSet<String>,
) -> BTreeSet<String> {
    candidates
        .iter()
        .filter(|t| recorders.iter().any(|r| records(r, t, region)))
        .cloned()
        .collect()
}

/// How the sweep reaches each covered resource type.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SweepPlan {
    /// Listed and read through AWS Config.
    pub from_config: BTreeSet<String>,
    /// Built by the inventory from the service APIs (one message per type).
    pub from_inventory: BTreeSet<String>,
    /// Not recorded and not collected here (no collector, or a global type in a Region that does
    /// not evaluate global resources): left on the Config path, for logs.
    pub unrecorded_on_config: BTreeSet<String>,
}

/// Splits `covered` into what Config records and what the inventory builds: unrecorded types go to
/// the inventory when it has a collector for them and, for the global IAM types, when this Region
/// evaluates global resources (`SIDEWATCH_GLOBAL_RESOURCES`, so one Region reads IAM, not all).
pub fn plan(
    covered: &BTreeSet<String>,
    recorded: &BTreeSet<String>,
    collectable: &[String],
    evaluate_global_resources: bool,
) -> SweepPlan {
    let mut plan = SweepPlan::default();
    for t in covered {
        if recorded.contains(t) {
            plan.from_config.insert(t.clone());
        } else if collectable.contains(t) && (evaluate_global_resources || !is_global_iam(t)) {
            plan.from_inventory.insert(t.clone());
        } else {
            plan.from_config.insert(t.clone());
            plan.unrecorded_on_config.insert(t.clone());
        }
    }
    plan
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(types: &[&str]) -> BTreeSet<String> {
        types.iter().map(|t| (*t).to_owned()).collect()
    }

    fn candidates() -> BTreeSet<String> {
        set(&[
            "AWS::S3::Bucket",
            "AWS::EC2::SecurityGroup",
            "AWS::IAM::User",
            "AWS::IAM::Role",
        ])
    }

    fn recorder() -> ConfigRecorder {
        ConfigRecorder {
            name: "default".into(),
            recording: true,
            ..ConfigRecorder::default()
        }
    }

    #[test]
    fn all_supported_without_global_types_leaves_iam_out() {
        let r = ConfigRecorder {
            all_supported: true,
            recording_strategy: Some(ALL_SUPPORTED.into()),
            ..recorder()
        };
        assert_eq!(
            recorded_types(std::slice::from_ref(&r), "eu-west-1", &candidates()),
            set(&["AWS::EC2::SecurityGroup", "AWS::S3::Bucket"])
        );
        // The legacy shape (no strategy) reads the same.
        let legacy = ConfigRecorder {
            recording_strategy: None,
            ..r
        };
        assert_eq!(
            recorded_types(&[legacy], "eu-west-1", &candidates()),
            set(&["AWS::EC2::SecurityGroup", "AWS::S3::Bucket"])
        );
    }

    #[test]
    fn all_supported_with_global_types_records_iam_only_in_old_regions() {
        let r = ConfigRecorder {
            all_supported: true,
            include_global_resource_types: true,
            recording_strategy: Some(ALL_SUPPORTED.into()),
            ..recorder()
        };
        assert_eq!(
            recorded_types(std::slice::from_ref(&r), "eu-west-1", &candidates()),
            candidates()
        );
        // Zurich opened to Config after February 2022: no IAM there, whatever the flag.
        assert_eq!(
            recorded_types(&[r], "eu-central-2", &candidates()),
            set(&["AWS::EC2::SecurityGroup", "AWS::S3::Bucket"])
        );
    }

    #[test]
    fn an_explicit_list_records_exactly_the_list() {
        let r = ConfigRecorder {
            resource_types: vec!["AWS::S3::Bucket".into(), "AWS::IAM::User".into()],
            recording_strategy: Some(INCLUSION.into()),
            ..recorder()
        };
        assert_eq!(
            recorded_types(std::slice::from_ref(&r), "us-east-1", &candidates()),
            set(&["AWS::IAM::User", "AWS::S3::Bucket"])
        );
        let legacy = ConfigRecorder {
            recording_strategy: None,
            ..r
        };
        assert_eq!(
            recorded_types(&[legacy], "us-east-1", &candidates()),
            set(&["AWS::IAM::User", "AWS::S3::Bucket"])
        );
    }

    #[test]
    fn the_exclusion_strategy_records_everything_else_iam_included() {
        let r = ConfigRecorder {
            exclusion_resource_types: vec![
                "AWS::EC2::SecurityGroup".into(),
                "AWS::IAM::Role".into(),
            ],
            recording_strategy: Some(EXCLUSION.into()),
            ..recorder()
        };
        assert_eq!(
            recorded_types(std::slice::from_ref(&r), "us-east-1", &candidates()),
            set(&["AWS::IAM::User", "AWS::S3::Bucket"])
        );
        assert_eq!(
            recorded_types(&[r], "il-central-1", &candidates()),
            set(&["AWS::S3::Bucket"])
        );
    }

    #[test]
    fn no_recorder_or_a_stopped_one_records_nothing() {
        assert!(recorded_types(&[], "us-east-1", &candidates()).is_empty());
        let stopped = ConfigRecorder {
            all_supported: true,
            include_global_resource_types: true,
            recording: false,
            ..recorder()
        };
        assert!(recorded_types(&[stopped], "us-east-1", &candidates()).is_empty());
    }

    #[test]
    fn a_failed_delivery_is_still_recording() {
        let r = ConfigRecorder {
            all_supported: true,
            last_status: Some("FAILURE".into()),
            ..recorder()
        };
        assert!(recorded_types(&[r], "us-east-1", &candidates()).contains("AWS::S3::Bucket"));
    }

    #[test]
    fn the_plan_sends_unrecorded_collectable_types_to_the_inventory() {
        let covered = set(&[
            "AWS::S3::Bucket",
            "AWS::EC2::SecurityGroup",
            "AWS::IAM::User",
            "AWS::IAM::Group",
        ]);
        let recorded = set(&["AWS::S3::Bucket"]);
        let collectable: Vec<String> = [
            "AWS::S3::Bucket",
            "AWS::EC2::SecurityGroup",
            "AWS::IAM::User",
        ]
        .iter()
        .map(|t| (*t).to_owned())
        .collect();
        let p = plan(&covered, &recorded, &collectable, true);
        assert_eq!(
            p.from_inventory,
            set(&["AWS::EC2::SecurityGroup", "AWS::IAM::User"])
        );
        assert_eq!(p.from_config, set(&["AWS::IAM::Group", "AWS::S3::Bucket"]));
        assert_eq!(p.unrecorded_on_config, set(&["AWS::IAM::Group"]));
        // A Region that leaves global resources to another one does not read IAM.
        let p = plan(&covered, &recorded, &collectable, false);
        assert_eq!(p.from_inventory, set(&["AWS::EC2::SecurityGroup"]));
        assert_eq!(
            p.unrecorded_on_config,
            set(&["AWS::IAM::Group", "AWS::IAM::User"])
        );
    }
}
