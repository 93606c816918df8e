//! The Region rule: which Region a finding of a global resource is reported in.
//!
//! A finding lives in a Region (its `ProductArn`, `Id` and `Resources[].Region` name it), but AWS
//! Config records IAM users, roles, groups and policies with `"awsRegion": "global"`. Security Hub
//! itself reports global resources in the Region where they are recorded, and so do the deployed
//! functions: each reports in its own Region (`AWS_REGION`). A scan of a file has no such Region,
//! so it is chosen in this order ([`choose_reporting_region`]):
//!
//! 1. `--region` (its first value);
//! 2. the Region of the snapshot itself: the Region in its AWS Config delivery key or file name
//!    (`…/Config/eu-west-1/…/123456789012_Config_eu-west-1_ConfigSnapshot_….json.gz`), else the
//!    one Region all its regional items share;
//! 3. `AWS_REGION`, then `AWS_DEFAULT_REGION`, then the profile's `region`;
//! 4. else [`DEFAULT_REGION`].
//!
//! Every choice but the first is said once on standard error ([`ReportingRegion::note`]), so a
//! person knows where the findings will land. The finding `Id` depends on the Region, and the same
//! control and resource get the same `Id` from every door reporting in the same Region.
//!
//! ```
//! use sidewatch_core::finding::region::{RegionBasis, RegionCandidates, choose_reporting_region};
//!
//! let chosen = choose_reporting_region(&RegionCandidates {
//!     delivery_key: Some("eu-west-1".into()),
//!     environment: Some(("AWS_REGION", "us-east-2".into())),
//!     ..RegionCandidates::default()
//! });
//! assert_eq!(chosen.region, "eu-west-1");
//! assert_eq!(chosen.basis, RegionBasis::DeliveryKey);
//! assert!(chosen.note().unwrap().contains("eu-west-1"));
//! ```

use super::build::is_region_name;
use crate::item::ConfigurationItem;
use std::collections::BTreeSet;

/// The Region global resources are reported in when nothing else says: where AWS's global
/// services (IAM, Organizations) have their home in the commercial partition.
pub const DEFAULT_REGION: &str = "us-east-1";

/// Why a Region was chosen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RegionBasis {
    /// `--region`.
    Flag,
    /// The Region in the AWS Config delivery key (file name) of the snapshot.
    DeliveryKey,
    /// The one Region the snapshot's regional items share.
    SnapshotItems,
    /// An environment variable (`AWS_REGION` or `AWS_DEFAULT_REGION`).
    Environment(&'static str),
    /// The `region` of this profile in the AWS config file.
    Profile(String),
    /// Nothing said: [`DEFAULT_REGION`].
    Default,
}

/// What may say where global resources are reported; `None` where it says nothing.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RegionCandidates {
    /// `--region` (its first value).
    pub flag: Option<String>,
    /// [`region_of_delivery_key`] of the input's name.
    pub delivery_key: Option<String>,
    /// [`SnapshotRegions::shared`] of the input's items.
    pub snapshot_items: Option<String>,
    /// The first of `AWS_REGION`, `AWS_DEFAULT_REGION` that is set, with its name.
    pub environment: Option<(&'static str, String)>,
    /// The profile's name and its `region`.
    pub profile: Option<(String, String)>,
}

/// The Region chosen, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportingRegion {
    pub region: String,
    pub basis: RegionBasis,
}

impl ReportingRegion {
    /// The one line to print on standard error about the choice; `None` when the user chose it
    /// with `--region`.
    pub fn note(&self) -> Option<String> {
        let why = match &self.basis {
            RegionBasis::Flag => return None,
            RegionBasis::DeliveryKey => {
                "the Region in the snapshot's AWS Config delivery key (file name)".to_owned()
            }
            RegionBasis::SnapshotItems => "the Region of the snapshot's regional items".to_owned(),
            RegionBasis::Environment(variable) => format!("the Region in {variable}"),
            RegionBasis::Profile(profile) => format!("the region of AWS profile '{profile}'"),
            RegionBasis::Default => "nothing else named a Region".to_owned(),
        };
        Some(format!(
            "global resources (IAM, awsRegion \"global\") are reported in {} ({why}), as Security \
             Hub reports them in the Region where they are recorded; pass --region to choose",
            self.region
        ))
    }
}

/// Chooses the Region in the documented order; a candidate that is not a Region name is skipped.
pub fn choose_reporting_region(candidates: &RegionCandidates) -> ReportingRegion {
    let valid = |r: &Option<String>| {
        r.as_deref()
            .map(str::trim)
            .filter(|r| is_region_name(r))
            .map(str::to_owned)
    };
    let chosen = [
        (valid(&candidates.flag), RegionBasis::Flag),
        (valid(&candidates.delivery_key), RegionBasis::DeliveryKey),
        (
            valid(&candidates.snapshot_items),
            RegionBasis::SnapshotItems,
        ),
    ]
    .into_iter()
    .find_map(|(region, basis)| region.map(|region| ReportingRegion { region, basis }));
    if let Some(chosen) = chosen {
        return chosen;
    }
    if let Some((variable, region)) = &candidates.environment
        && let Some(region) = valid(&Some(region.clone()))
    {
        return ReportingRegion {
            region,
            basis: RegionBasis::Environment(variable),
        };
    }
    if let Some((profile, region)) = &candidates.profile
        && let Some(region) = valid(&Some(region.clone()))
    {
        return ReportingRegion {
            region,
            basis: RegionBasis::Profile(profile.clone()),
        };
    }
    ReportingRegion {
        region: DEFAULT_REGION.to_owned(),
        basis: RegionBasis::Default,
    }
}

/// The Region named by an AWS Config delivery key or file name:
/// `AWSLogs/<account>/Config/<region>/<yyyy>/<m>/<d>/ConfigSnapshot/<account>_Config_<region>_ConfigSnapshot_<time>_<uuid>.json.gz`
/// (also `ConfigHistory`). The file name decides; the `Config/<region>/` folder is used when the
/// file was renamed.
pub fn region_of_delivery_key(path: &str) -> Option<String> {
    let normalized = path.replace('\\', "/");
    let file = normalized.rsplit('/').next().unwrap_or_default();
    let from_file = match file.split('_').collect::<Vec<_>>().as_slice() {
        [
            _account,
            "Config",
            region,
            "ConfigSnapshot" | "ConfigHistory",
            ..,
        ] => Some(*region),
        _ => None,
    };
    let from_folder = || {
        let parts: Vec<&str> = normalized.split('/').collect();
        parts
            .windows(3)
            .find(|w| {
                w[0] == "Config" && w[1].len() > 2 && w[2].chars().all(|c| c.is_ascii_digit())
            })
            .map(|w| w[1])
    };
    from_file
        .or_else(from_folder)
        .filter(|r| is_region_name(r))
        .map(str::to_owned)
}

/// True for an item AWS Config records outside any Region (`awsRegion` `global`, or none).
pub fn is_global(item: &ConfigurationItem) -> bool {
    item.region
        .as_deref()
        .map(str::trim)
        .is_none_or(|r| r.is_empty() || r.eq_ignore_ascii_case("global"))
}

/// The Regions of an input's regional items, to tell the one they share.
#[derive(Debug, Clone, Default)]
pub struct SnapshotRegions {
    regions: BTreeSet<String>,
}

impl SnapshotRegions {
    /// Notes the Region of a regional item (global items and odd values are ignored).
    pub fn observe(&mut self, item: &ConfigurationItem) {
        if let Some(region) = item.region.as_deref().map(str::trim)
            && is_region_name(region)
            && !self.regions.contains(region)
        {
            self.regions.insert(region.to_owned());
        }
    }

    /// The Region every regional item is in; `None` when there were none, or several.
    pub fn shared(&self) -> Option<&str> {
        match self.regions.len() {
            1 => self.regions.iter().next().map(String::as_str),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(region: &str) -> Option<(&'static str, String)> {
        Some(("AWS_REGION", region.to_owned()))
    }

    #[test]
    fn the_order_is_flag_snapshot_environment_profile_default() {
        let all = RegionCandidates {
            flag: Some("ap-south-1".into()),
            delivery_key: Some("eu-west-1".into()),
            snapshot_items: Some("eu-central-1".into()),
            environment: env("us-east-2"),
            profile: Some(("work".into(), "ca-central-1".into())),
        };
        let mut candidates = all.clone();
        let mut seen = Vec::new();
        loop {
            let chosen = choose_reporting_region(&candidates);
            seen.push((chosen.region.clone(), chosen.basis.clone()));
            match chosen.basis {
                RegionBasis::Flag => candidates.flag = None,
                RegionBasis::DeliveryKey => candidates.delivery_key = None,
                RegionBasis::SnapshotItems => candidates.snapshot_items = None,
                RegionBasis::Environment(_) => candidates.environment = None,
                RegionBasis::Profile(_) => candidates.profile = None,
                RegionBasis::Default => break,
            }
        }
        let regions: Vec<&str> = seen.iter().map(|(r, _)| r.as_str()).collect();
        assert_eq!(
            regions,
            [
                "ap-south-1",
                "eu-west-1",
                "eu-central-1",
                "us-east-2",
                "ca-central-1",
                "us-east-1"
            ]
        );
        assert!(choose_reporting_region(&all).note().is_none());
        let fallback = choose_reporting_region(&RegionCandidates::default());
        assert_eq!(fallback.region, DEFAULT_REGION);
        let note = fallback.note().unwrap();
        assert!(
            note.contains("us-east-1") && note.contains("--region"),
            "{note}"
        );
    }

    #[test]
    fn a_candidate_that_is_no_region_is_skipped() {
        let chosen = choose_reporting_region(&RegionCandidates {
            environment: env("global"),
            profile: Some(("default".into(), "Not A Region".into())),
            ..RegionCandidates::default()
        });
        assert_eq!(chosen.basis, RegionBasis::Default);
    }

    #[test]
    fn delivery_keys_name_their_region() {
        for (key, region) in [
            (
                "AWSLogs/123456789012/Config/eu-west-1/2024/6/1/ConfigSnapshot/\
                 123456789012_Config_eu-west-1_ConfigSnapshot_20240601T100000Z_0f1e2d3c.json.gz",
                Some("eu-west-1"),
            ),
            (
                "123456789012_Config_us-gov-west-1_ConfigHistory_AWS::IAM::User_20240601T100000Z_20240601T110000Z_1.json.gz",
                Some("us-gov-west-1"),
            ),
            (
                "downloads/AWSLogs/123456789012/Config/ap-northeast-1/2024/6/1/ConfigSnapshot/snap.json",
                Some("ap-northeast-1"),
            ),
            ("examples/config-snapshot.json", None),
            ("a_Config_global_ConfigSnapshot_x.json", None),
            ("", None),
        ] {
            assert_eq!(region_of_delivery_key(key).as_deref(), region, "{key}");
        }
    }

    #[test]
    fn the_shared_region_needs_exactly_one() {
        let mut regions = SnapshotRegions::default();
        assert_eq!(regions.shared(), None);
        let mut item = ConfigurationItem::new("AWS::IAM::User", "AIDA");
        item.region = Some("global".into());
        regions.observe(&item);
        assert!(is_global(&item));
        assert_eq!(regions.shared(), None);
        item.region = Some("eu-west-1".into());
        regions.observe(&item);
        regions.observe(&item);
        assert!(!is_global(&item));
        assert_eq!(regions.shared(), Some("eu-west-1"));
        item.region = Some("us-east-1".into());
        regions.observe(&item);
        assert_eq!(regions.shared(), None);
    }
}
