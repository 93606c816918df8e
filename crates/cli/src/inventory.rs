//! The inventory step of `scan --live` without FILE and of `sidewatch snapshot`: which Regions
//! and resource types to collect, the collection itself (with a progress line), and the report of
//! the reads that failed.
//!
//! Collection runs to its end before anything is evaluated: the inventory's callback runs inside
//! the session runtime's `block_on`, and evaluation reads evidence with `block_on` too (nested, it
//! would panic). Items are therefore gathered, then handed to the scan like items read from a
//! file. `sidewatch snapshot` writes them from the callback instead, which blocks on nothing.

use crate::ALL_REGIONS;
use crate::live::{Class, Live, classify};
use sidewatch_aws::inventory::scope::{enabled_regions, iam_action};
use sidewatch_aws::{CollectionFailure, Inventory, InventoryReport};
use sidewatch_core::ConfigurationItem;
use sidewatch_core::ports::FailureKind;
use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;
use std::time::{Duration, Instant};

/// The Regions `--region` asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Regions {
    /// No `--region`: the SDK's Region (profile, `AWS_REGION`).
    Default,
    /// These Regions; the first is the clients' (global services are called there).
    Listed(Vec<String>),
    /// `all`: every Region enabled for the account.
    All,
}

impl Regions {
    /// Reads the `--region` values (already each a Region or `all`).
    pub fn parse(values: &[String]) -> Result<Regions, String> {
        if values.iter().any(|v| v == ALL_REGIONS) {
            if values.len() > 1 {
                return Err(
                    "--region all already means every enabled Region: pass it alone, or list \
                     the Regions instead"
                        .to_owned(),
                );
            }
            return Ok(Regions::All);
        }
        let mut listed: Vec<String> = Vec::new();
        for region in values {
            if !listed.contains(region) {
                listed.push(region.clone());
            }
        }
        Ok(if listed.is_empty() {
            Regions::Default
        } else {
            Regions::Listed(listed)
        })
    }

    /// The Region the clients call (global services, S3's bucket listing); `None`: the SDK's.
    pub fn home(&self) -> Option<&str> {
        match self {
            Regions::Listed(list) => list.first().map(String::as_str),
            Regions::Default | Regions::All => None,
        }
    }

    /// The Regions to collect, the session's home Region first.
    pub fn resolve(&self, live: &Live) -> Result<Vec<String>, String> {
        let home = live.home_region().to_owned();
        match self {
            Regions::Default => Ok(vec![home]),
            Regions::Listed(list) => Ok(list.clone()),
            Regions::All => {
                let mut regions = live.block_on(enabled_regions(live.sdk())).map_err(|e| {
                    let advice = match e.kind {
                        FailureKind::AccessDenied => format!(
                            "allow {} to the credentials' identity, or name the Regions with \
                             --region",
                            iam_action(&e.operation)
                        ),
                        _ => "name the Regions with --region instead".to_owned(),
                    };
                    format!("cannot list the Regions enabled for the account ({e}): {advice}")
                })?;
                regions.retain(|r| *r != home);
                regions.insert(0, home);
                Ok(regions)
            }
        }
    }
}

/// The `--resource-types` values checked against what the inventory can build; every type when
/// none is given.
pub fn resource_types(values: &[String]) -> Result<Vec<&'static str>, String> {
    let known = Inventory::resource_types();
    if values.iter().all(|v| v.trim().is_empty()) {
        return Ok(known);
    }
    let mut chosen = Vec::new();
    let mut unknown = Vec::new();
    for value in values.iter().map(|v| v.trim()).filter(|v| !v.is_empty()) {
        match known.iter().find(|k| k.eq_ignore_ascii_case(value)) {
            Some(k) if !chosen.contains(k) => chosen.push(*k),
            Some(_) => {}
            None => unknown.push(value.to_owned()),
        }
    }
    if unknown.is_empty() {
        Ok(chosen)
    } else {
        Err(format!(
            "--resource-types: sidewatch cannot collect {}; it collects {}",
            unknown.join(", "),
            known.join(", ")
        ))
    }
}

/// A `\r`-updated line on standard error while collecting (only on a terminal, not `--quiet`).
#[derive(Debug)]
pub struct Progress {
    enabled: bool,
    shown: bool,
    last: Option<Instant>,
    items: u64,
}

/// Time between two updates of the collection progress line.
const PROGRESS_EVERY: Duration = Duration::from_millis(100);

impl Progress {
    pub fn new(enabled: bool) -> Self {
        Progress {
            enabled,
            shown: false,
            last: None,
            items: 0,
        }
    }

    /// Counts one item and redraws the line at most every [`PROGRESS_EVERY`].
    pub fn item(&mut self, stderr: &mut dyn Write, item: &ConfigurationItem) {
        self.items += 1;
        if !self.enabled || self.last.is_some_and(|t| t.elapsed() < PROGRESS_EVERY) {
            return;
        }
        self.last = Some(Instant::now());
        self.shown = true;
        let _ = write!(
            stderr,
            "\r{:78}\rsidewatch: collecting… {} item(s), last {} in {}",
            "",
            self.items,
            item.resource_type,
            item.region.as_deref().unwrap_or("?")
        );
        let _ = stderr.flush();
    }

    /// Announces the collection.
    pub fn start(&mut self, stderr: &mut dyn Write, types: usize, regions: usize) {
        if self.enabled {
            self.shown = true;
            let _ = write!(
                stderr,
                "\rsidewatch: collecting {types} resource type(s) in {regions} Region(s)…"
            );
            let _ = stderr.flush();
        }
    }

    pub fn clear(&mut self, stderr: &mut dyn Write) {
        if self.shown {
            self.shown = false;
            let _ = write!(stderr, "\r{:78}\r", "");
            let _ = stderr.flush();
        }
    }
}

/// Collects `types` in `regions`, handing each item to `on_item` (which must not block on the
/// runtime), with the progress line on `stderr`.
pub fn collect(
    live: &Live,
    types: &[&str],
    regions: &[String],
    progress: bool,
    stderr: &mut dyn Write,
    mut on_item: impl FnMut(ConfigurationItem),
) -> InventoryReport {
    let inventory = Inventory::new(live.sdk_in(live.home_region()));
    let mut progress = Progress::new(progress);
    progress.start(stderr, types.len(), regions.len());
    let report = live.block_on(inventory.collect(types, regions, |item| {
        progress.item(stderr, &item);
        on_item(item);
    }));
    progress.clear(stderr);
    report
}

/// Failed collection reads with the same meaning and code.
#[derive(Debug, Default)]
struct Group {
    reads: u64,
    actions: BTreeSet<String>,
    types: BTreeSet<String>,
    message: String,
}

/// Reports the failed collection reads on standard error, grouped, with what to do; returns how
/// many are errors (the exit code becomes 2). A resource deleted between its listing and its
/// detail read is only a warning.
pub fn report_failures(failures: &[CollectionFailure], stderr: &mut dyn Write) -> u64 {
    let mut groups: BTreeMap<(u8, String), Group> = BTreeMap::new();
    for failure in failures {
        let code = failure
            .error
            .code
            .clone()
            .unwrap_or_else(|| format!("{:?}", failure.error.kind));
        let class = class_of(failure);
        let group = groups.entry((class_rank(class), code)).or_default();
        group.reads += 1;
        group
            .actions
            .insert(iam_action(&failure.error.operation).to_owned());
        let mut what = failure.resource_type.clone();
        if !failure.region.is_empty() {
            what.push_str(&format!(" in {}", failure.region));
        }
        group.types.insert(what);
        if group.message.is_empty() {
            group.message = failure.error.message.clone();
        }
    }
    let mut errors = 0;
    for ((rank, code), group) in &groups {
        let n = group.reads;
        let actions = group.actions.iter().cloned().collect::<Vec<_>>().join(", ");
        let types = group.types.iter().cloned().collect::<Vec<_>>().join(", ");
        let consequence = "those resources are missing from the results, or their controls are \
                           INSUFFICIENT_DATA";
        let text = match rank_class(*rank) {
            Class::Denied => format!(
                "{n} inventory read(s) were denied ({code}; {types}): allow {actions} to the \
                 credentials' identity (`sidewatch permissions` prints the read-only policy); \
                 {consequence}"
            ),
            Class::Credentials => format!(
                "{n} inventory read(s) were refused ({code}: {}): refresh the credentials (aws \
                 configure, aws sso login) or choose another profile with --profile",
                group.message
            ),
            Class::Unreachable => format!(
                "{n} inventory read(s) got no answer ({code}: {}; {types}): check the network, \
                 or --endpoint-url / AWS_ENDPOINT_URL; {consequence}",
                group.message
            ),
            Class::Throttled => format!(
                "{n} inventory read(s) were throttled after every retry ({code}; {types}): run \
                 again later, or on fewer Regions or --resource-types; {consequence}"
            ),
            Class::Gone => format!(
                "{n} resource(s) disappeared while they were read ({code}: {}; {types}); they \
                 are left out",
                group.message
            ),
            Class::OtherAccount | Class::Other => format!(
                "{n} inventory read(s) failed ({code}: {}; {actions}; {types}); {consequence}",
                group.message
            ),
        };
        if rank_class(*rank) == Class::Gone {
            crate::warning(stderr, text);
        } else {
            errors += n;
            crate::error(stderr, text);
        }
    }
    errors
}

fn class_of(failure: &CollectionFailure) -> Class {
    let by_code = failure.error.code.as_deref().map(classify);
    match (by_code, failure.error.kind) {
        (Some(class), _) if class != Class::Other => class,
        (_, FailureKind::AccessDenied) => Class::Denied,
        (_, FailureKind::Throttled) => Class::Throttled,
        (_, FailureKind::Unavailable) => Class::Unreachable,
        (_, FailureKind::NotFound) => Class::Gone,
        _ => Class::Other,
    }
}

const CLASSES: [Class; 6] = [
    Class::Credentials,
    Class::Unreachable,
    Class::Denied,
    Class::Throttled,
    Class::Other,
    Class::Gone,
];

fn class_rank(class: Class) -> u8 {
    CLASSES
        .iter()
        .position(|c| *c == class)
        .and_then(|p| u8::try_from(p).ok())
        .unwrap_or(4)
}

fn rank_class(rank: u8) -> Class {
    CLASSES
        .get(usize::from(rank))
        .copied()
        .unwrap_or(Class::Other)
}

#[cfg(test)]
mod tests {
    use super::*;
    use sidewatch_core::ports::PortError;

    #[test]
    fn regions_are_one_list_or_all_alone() {
        assert_eq!(Regions::parse(&[]).unwrap(), Regions::Default);
        let listed =
            Regions::parse(&["eu-west-1".into(), "us-east-1".into(), "eu-west-1".into()]).unwrap();
        assert_eq!(
            listed,
            Regions::Listed(vec!["eu-west-1".into(), "us-east-1".into()])
        );
        assert_eq!(listed.home(), Some("eu-west-1"));
        assert_eq!(Regions::parse(&["all".into()]).unwrap(), Regions::All);
        assert!(Regions::parse(&["all".into(), "eu-west-1".into()]).is_err());
    }

    #[test]
    fn resource_types_are_checked_and_named() {
        assert_eq!(resource_types(&[]).unwrap(), Inventory::resource_types());
        assert_eq!(
            resource_types(&["aws::s3::bucket".into(), "AWS::IAM::User".into()]).unwrap(),
            ["AWS::S3::Bucket", "AWS::IAM::User"]
        );
        let err = resource_types(&["AWS::S3::Bucket".into(), "AWS::EC2::Nope".into()]).unwrap_err();
        assert!(err.contains("cannot collect AWS::EC2::Nope"), "{err}");
        assert!(err.contains("AWS::Lambda::Function"), "{err}");
    }

    #[test]
    fn progress_is_drawn_only_when_enabled_and_cleared_at_the_end() {
        let item = ConfigurationItem::new("AWS::EC2::VPC", "vpc-1");
        let mut err = Vec::new();
        let mut progress = Progress::new(true);
        progress.start(&mut err, 13, 2);
        progress.item(&mut err, &item);
        progress.item(&mut err, &item);
        progress.clear(&mut err);
        let text = String::from_utf8(err).unwrap();
        assert!(
            text.contains("collecting 13 resource type(s) in 2 Region(s)"),
            "{text:?}"
        );
        assert!(
            text.contains("collecting… 1 item(s), last AWS::EC2::VPC"),
            "{text:?}"
        );
        assert!(text.ends_with('\r'), "the line is cleared: {text:?}");
        let mut err = Vec::new();
        let mut progress = Progress::new(false);
        progress.start(&mut err, 13, 2);
        progress.item(&mut err, &item);
        progress.clear(&mut err);
        assert!(err.is_empty());
    }

    fn failure(operation: &str, kind: FailureKind, code: &str) -> CollectionFailure {
        CollectionFailure {
            resource_type: "AWS::S3::Bucket".into(),
            region: "us-east-1".into(),
            resource_id: None,
            error: PortError::new(operation, kind, Some(code.into()), "m"),
        }
    }

    #[test]
    fn denied_reads_name_the_iam_actions_and_gone_ones_only_warn() {
        let failures = [
            failure("s3:ListBuckets", FailureKind::AccessDenied, "AccessDenied"),
            failure(
                "s3:GetPublicAccessBlock",
                FailureKind::AccessDenied,
                "AccessDenied",
            ),
            failure("s3:GetBucketAcl", FailureKind::NotFound, "NoSuchBucket"),
        ];
        let mut err = Vec::new();
        assert_eq!(report_failures(&failures, &mut err), 2);
        let err = String::from_utf8(err).unwrap();
        assert!(
            err.contains("error: 2 inventory read(s) were denied (AccessDenied"),
            "{err}"
        );
        assert!(
            err.contains("s3:GetBucketPublicAccessBlock, s3:ListAllMyBuckets"),
            "{err}"
        );
        assert!(err.contains("warning: 1 resource(s) disappeared"), "{err}");
    }
}
