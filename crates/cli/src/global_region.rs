//! Where a scan reports the findings of global resources (IAM items in `awsRegion` `global`).
//!
//! The rule is the core's ([`sidewatch_core::finding::region`]): `--region`, the snapshot's own
//! Region (its AWS Config delivery key, else the Region its regional items share), `AWS_REGION` /
//! `AWS_DEFAULT_REGION` / the profile's Region, else `us-east-1`, said once on standard error.
//! Only ASFF output and `--publish` need it: a table or JSON verdict names the item's own
//! `awsRegion`.
//!
//! The snapshot's items are read as a stream, so the Region they share is known only at the end
//! of the input: until a Region is chosen, the global items of the input wait here with their
//! verdicts (a few per IAM entity; regional items are never held), and are written when the input
//! ends. Nothing is dropped and the scan never fails for want of a Region.

use sidewatch_core::actor::Actor;
use sidewatch_core::finding::region::{
    RegionCandidates, ReportingRegion, SnapshotRegions, choose_reporting_region, is_global,
    region_of_delivery_key,
};
use sidewatch_core::{ConfigurationItem, Evaluation};
use std::collections::BTreeSet;
use std::io::Write;
use std::rc::Rc;

/// A global item waiting for its Region, with its verdicts, the input it came from and who
/// changed it (when looked up).
pub type Deferred = (ConfigurationItem, Vec<Evaluation>, Rc<str>, Option<Actor>);

/// The Region of global items, per input.
#[derive(Debug, Default)]
pub struct GlobalRegion {
    /// False when the output names no Region (table, JSON without `--publish`): nothing to do.
    needed: bool,
    /// A Region for every input: the inventory's (where `--live` read the global services).
    fixed: Option<String>,
    /// `--profile`, for the profile's Region.
    profile: Option<String>,
    /// The Region chosen for the current input, once known.
    current: Option<String>,
    /// The regional items' Regions of the current input.
    regions: SnapshotRegions,
    /// Global items of the current input waiting for [`GlobalRegion::end_input`].
    deferred: Vec<Deferred>,
    /// Notes already printed.
    noted: BTreeSet<String>,
    /// The environment's and the profile's candidates, read once when first needed.
    environment: Option<RegionCandidates>,
}

impl GlobalRegion {
    /// `needed`: the output needs a Region for every finding. `fixed`: the Region of every
    /// input's global items when the scan itself knows it. `profile`: `--profile`.
    pub fn new(needed: bool, fixed: Option<String>, profile: Option<String>) -> Self {
        GlobalRegion {
            needed,
            fixed,
            profile,
            ..GlobalRegion::default()
        }
    }

    /// A new input named `name` starts; a Region in its delivery key decides at once.
    pub fn start_input(&mut self, name: &str, stderr: &mut dyn Write) {
        self.regions = SnapshotRegions::default();
        self.current = self.fixed.clone();
        if !self.needed || self.current.is_some() {
            return;
        }
        if let Some(region) = region_of_delivery_key(name) {
            let chosen = choose_reporting_region(&RegionCandidates {
                delivery_key: Some(region),
                ..RegionCandidates::default()
            });
            self.current = Some(self.adopt(chosen, stderr));
        }
    }

    /// What to do with `item`'s verdicts now: `Some(item placed in its reporting Region)` to
    /// write it (the item itself when regional), or `None` when it was kept for later.
    pub fn place<'i>(
        &mut self,
        item: &'i ConfigurationItem,
        evaluations: &[Evaluation],
        actor: Option<&Actor>,
        source: &str,
    ) -> Option<std::borrow::Cow<'i, ConfigurationItem>> {
        if !self.needed {
            return Some(std::borrow::Cow::Borrowed(item));
        }
        if !is_global(item) {
            self.regions.observe(item);
            return Some(std::borrow::Cow::Borrowed(item));
        }
        match &self.current {
            Some(region) => {
                let mut placed = item.clone();
                placed.region = Some(region.clone());
                Some(std::borrow::Cow::Owned(placed))
            }
            None => {
                self.deferred.push((
                    item.clone(),
                    evaluations.to_vec(),
                    Rc::from(source),
                    actor.cloned(),
                ));
                None
            }
        }
    }

    /// The input ended: chooses the Region of its waiting global items and returns them, placed.
    pub fn end_input(&mut self, stderr: &mut dyn Write) -> Vec<Deferred> {
        if self.deferred.is_empty() {
            return Vec::new();
        }
        let region = match self.current.clone() {
            Some(region) => region,
            None => {
                let mut candidates = self.environment().clone();
                candidates.snapshot_items = self.regions.shared().map(str::to_owned);
                let chosen = choose_reporting_region(&candidates);
                self.adopt(chosen, stderr)
            }
        };
        let mut deferred = std::mem::take(&mut self.deferred);
        for (item, _, _, _) in &mut deferred {
            item.region = Some(region.clone());
        }
        deferred
    }

    /// Prints the choice's note once and returns its Region.
    fn adopt(&mut self, chosen: ReportingRegion, stderr: &mut dyn Write) -> String {
        if let Some(note) = chosen.note()
            && self.noted.insert(note.clone())
        {
            let _ = writeln!(stderr, "note: {note}");
        }
        chosen.region
    }

    /// `AWS_REGION`, `AWS_DEFAULT_REGION` and the profile's `region`, read once.
    fn environment(&mut self) -> &RegionCandidates {
        let profile = self.profile.clone();
        self.environment.get_or_insert_with(|| {
            let environment =
                ["AWS_REGION", "AWS_DEFAULT_REGION"]
                    .into_iter()
                    .find_map(|variable| {
                        std::env::var(variable)
                            .ok()
                            .map(|v| v.trim().to_owned())
                            .filter(|v| !v.is_empty())
                            .map(|v| (variable, v))
                    });
            let profile = match environment {
                Some(_) => None,
                None => profile_region(profile.as_deref()),
            };
            RegionCandidates {
                environment,
                profile,
                ..RegionCandidates::default()
            }
        })
    }
}

/// The `region` of the profile (`--profile`, else `AWS_PROFILE`, else `default`) in the AWS
/// config files, read from disk only (no instance metadata, no network).
fn profile_region(profile: Option<&str>) -> Option<(String, String)> {
    use aws_config::meta::region::ProvideRegion;
    let name = profile
        .map(str::to_owned)
        .or_else(|| {
            std::env::var("AWS_PROFILE")
                .ok()
                .filter(|p| !p.trim().is_empty())
        })
        .unwrap_or_else(|| "default".to_owned());
    let provider = aws_config::profile::ProfileFileRegionProvider::builder()
        .profile_name(&name)
        .build();
    let runtime = tokio::runtime::Builder::new_current_thread().build().ok()?;
    let region = runtime.block_on(provider.region())?;
    Some((name, region.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use sidewatch_core::Engine;

    fn item(resource_type: &str, id: &str, region: &str) -> ConfigurationItem {
        let mut item = ConfigurationItem::new(resource_type, id);
        item.account_id = Some("123456789012".into());
        item.region = Some(region.into());
        item
    }

    #[test]
    fn global_items_wait_for_the_region_their_input_shares() {
        let engine = Engine::with_defaults();
        let mut placement = GlobalRegion::new(true, None, None);
        let mut stderr = Vec::new();
        placement.start_input("snapshot.json", &mut stderr);
        let user = item("AWS::IAM::User", "AIDAEXAMPLE", "global");
        let evaluations = engine.evaluate(&user);
        assert!(
            placement
                .place(&user, &evaluations, None, "snapshot.json")
                .is_none()
        );
        let bucket = item("AWS::S3::Bucket", "b", "eu-west-1");
        let placed = placement
            .place(&bucket, &[], None, "snapshot.json")
            .unwrap();
        assert_eq!(placed.region.as_deref(), Some("eu-west-1"));
        let deferred = placement.end_input(&mut stderr);
        assert_eq!(deferred.len(), 1);
        assert_eq!(deferred[0].0.region.as_deref(), Some("eu-west-1"));
        assert_eq!(deferred[0].1.len(), evaluations.len());
        let note = String::from_utf8(stderr).unwrap();
        assert!(
            note.contains("eu-west-1") && note.contains("regional items"),
            "{note}"
        );
    }

    #[test]
    fn a_delivery_key_decides_at_once_and_nothing_waits() {
        let mut placement = GlobalRegion::new(true, None, None);
        let mut stderr = Vec::new();
        placement.start_input(
            "AWSLogs/123456789012/Config/ap-southeast-2/2024/6/1/ConfigSnapshot/\
             123456789012_Config_ap-southeast-2_ConfigSnapshot_20240601T100000Z_x.json.gz",
            &mut stderr,
        );
        let user = item("AWS::IAM::User", "AIDAEXAMPLE", "global");
        let placed = placement.place(&user, &[], None, "s").unwrap();
        assert_eq!(placed.region.as_deref(), Some("ap-southeast-2"));
        assert!(placement.end_input(&mut stderr).is_empty());
    }

    #[test]
    fn without_asff_nothing_is_held_or_moved() {
        let mut placement = GlobalRegion::new(false, None, None);
        let mut stderr = Vec::new();
        placement.start_input("snapshot.json", &mut stderr);
        let user = item("AWS::IAM::User", "AIDAEXAMPLE", "global");
        let placed = placement.place(&user, &[], None, "s").unwrap();
        assert_eq!(placed.region.as_deref(), Some("global"));
        assert!(stderr.is_empty());
    }
}
