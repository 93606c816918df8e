//! `sidewatch scan --live`: the evidence AWS Config does not record, read from the account with
//! read-only calls (`sidewatch_aws::EvidenceCollector`), and the account-level items.
//!
//! Nothing here runs without `--live`: the offline scan builds no runtime and no client. With it,
//! one current-thread Tokio runtime is built, the SDK configuration is loaded once (default
//! credential chain, `--profile`, `--region`, `--endpoint-url` / `AWS_ENDPOINT_URL`), the
//! credentials are checked and the account they belong to is asked of STS (`GetCallerIdentity`,
//! which needs no permission). Evidence of an item is then only read when the item belongs to that
//! account: reading another account's state into an item would give a verdict about the wrong
//! account.

use crate::ScanArgs;
use aws_config::{Region, SdkConfig};
use aws_credential_types::provider::ProvideCredentials;
use sidewatch_aws::{
    AwsClients, ClientOptions, CloudTrailChanges, ConfigItems, EvidenceCollector, required_actions,
};
use sidewatch_core::actor::Actor;
use sidewatch_core::boundary::AccountBoundary;
use sidewatch_core::pipeline::{self, ChangedBy, Evaluated, ForeignItems, Run, Trigger};
use sidewatch_core::ports::{
    ChangeSource, EvidenceSource, ItemBatch, ItemSource, PipelinePorts, PortError, ResourceKey,
};
use sidewatch_core::{ConfigurationItem, Engine, EvidenceError, EvidenceKind};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::io::Write;
use tokio::runtime::Runtime;

/// Resources whose evidence is read at the same time (each reads up to
/// `sidewatch_aws::collect::DEFAULT_CONCURRENCY` kinds at once).
pub const RESOURCES_AT_ONCE: usize = 8;

/// The code stored for an item of another account than the credentials'.
const OTHER_ACCOUNT: &str = sidewatch_core::boundary::FOREIGN_ACCOUNT_CODE;

/// A live session: the runtime, the SDK configuration, the caller's account, one collector per
/// Region, and what failed.
pub struct Live {
    runtime: Runtime,
    sdk: SdkConfig,
    /// The Region of the clients (`--region`, else the SDK's): global evidence is read there.
    home_region: String,
    /// The account the credentials belong to.
    caller_account: String,
    /// The core's account rule for that account: no evidence is read for another's items.
    boundary: AccountBoundary,
    collectors: HashMap<String, EvidenceCollector>,
    /// Accounts and the Regions their items came from, for the account-level items.
    seen: BTreeMap<String, BTreeSet<String>>,
    failures: Failures,
    /// Evidence kinds read (successfully or not).
    pub reads: u64,
    /// Resources whose evidence was read.
    pub resources: u64,
    /// `--lookup-changes`: who changed each FAILED item is looked up, with these readers per
    /// Region, and what was found.
    pub changes: Option<ChangeLookups>,
}

/// `scan --live --lookup-changes`: CloudTrail `LookupEvents` (and AWS Config's history for items
/// without `relatedEvents`) per Region, and how the lookups went.
#[derive(Debug, Default)]
pub struct ChangeLookups {
    readers: HashMap<String, (ConfigItems, CloudTrailChanges)>,
    /// FAILED items whose change was attributed to a caller.
    pub attributed: u64,
    /// Why other FAILED items have no caller (nothing recorded, lookup failed, budget used).
    pub unattributed: Vec<String>,
}

impl std::fmt::Debug for Live {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Live")
            .field("home_region", &self.home_region)
            .field("caller_account", &self.caller_account)
            .field("reads", &self.reads)
            .finish_non_exhaustive()
    }
}

/// Where a live session connects: the flags shared by `scan --live` and `snapshot`.
#[derive(Debug, Clone, Copy, Default)]
pub struct Target<'a> {
    /// The clients' Region (`--region`, or the first of several); `None`: the SDK's default.
    pub region: Option<&'a str>,
    pub profile: Option<&'a str>,
    pub endpoint_url: Option<&'a str>,
}

impl Live {
    /// Loads the SDK configuration, checks the credentials and asks STS whose they are. The error
    /// says what to do.
    pub fn connect(target: Target<'_>) -> Result<Live, String> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| format!("cannot start the runtime for --live: {e}"))?;
        let endpoint_url = target
            .endpoint_url
            .map(|u| u.trim().to_owned())
            .filter(|u| !u.is_empty())
            .or(ClientOptions::from_env().endpoint_url);
        let options = ClientOptions {
            endpoint_url: endpoint_url.clone(),
            region: target.region.map(str::to_owned),
            ..ClientOptions::default()
        };
        let mut loader = options.config_loader();
        if let Some(profile) = target.profile {
            loader = loader.profile_name(profile);
        }
        let sdk = runtime.block_on(loader.load());
        let home_region = sdk.region().map(|r| r.to_string()).ok_or_else(|| {
            "no AWS Region for --live: pass --region (e.g. --region us-east-1), set AWS_REGION, \
             or set a region in the profile"
                .to_owned()
        })?;
        let provider = sdk
            .credentials_provider()
            .ok_or_else(|| no_credentials("none configured"))?;
        runtime
            .block_on(provider.provide_credentials())
            .map_err(|e| no_credentials(&crate::live::error_chain(&e)))?;
        let sts = aws_sdk_sts::Client::new(&sdk);
        let identity = runtime
            .block_on(sts.get_caller_identity().send())
            .map_err(|e| {
                identity_error(&sidewatch_aws::error::from_sdk(&e), endpoint_url.as_deref())
            })?;
        let caller_account = identity
            .account()
            .filter(|a| crate::parse_account(a).is_ok())
            .ok_or("STS GetCallerIdentity named no account id; cannot tell whose state is read")?
            .to_owned();
        let boundary = AccountBoundary::new(&caller_account).map_err(|e| e.to_string())?;
        Ok(Live {
            runtime,
            sdk,
            home_region,
            caller_account,
            boundary,
            collectors: HashMap::new(),
            seen: BTreeMap::new(),
            failures: Failures::default(),
            reads: 0,
            resources: 0,
            changes: None,
        })
    }

    /// Runs `future` to completion on the session's runtime. Never call it from inside a future
    /// the runtime is already running (nested `block_on` panics).
    pub fn block_on<F: std::future::Future>(&self, future: F) -> F::Output {
        self.runtime.block_on(future)
    }

    /// The SDK configuration (the clients' Region, credentials, endpoint).
    pub fn sdk(&self) -> &SdkConfig {
        &self.sdk
    }

    /// The SDK configuration calling `region`.
    pub fn sdk_in(&self, region: &str) -> SdkConfig {
        self.sdk
            .to_builder()
            .region(Region::new(region.to_owned()))
            .build()
    }

    /// The account the credentials belong to (STS `GetCallerIdentity`).
    pub fn caller_account(&self) -> &str {
        &self.caller_account
    }

    /// The clients' Region: global evidence is read, and global findings are reported, there.
    pub fn home_region(&self) -> &str {
        &self.home_region
    }

    /// Adds account-level items for the caller's account in `regions` (an inventory scan covers
    /// those Regions even where it found no resource).
    pub fn note_regions(&mut self, regions: &[String]) {
        let seen = self.seen.entry(self.caller_account.clone()).or_default();
        seen.extend(regions.iter().filter(|r| is_region(r)).cloned());
    }

    /// Notes the account and Region of an item read from the input, for the account-level items.
    pub fn note(&mut self, item: &ConfigurationItem) {
        let account = item
            .account_id
            .clone()
            .unwrap_or_else(|| self.caller_account.clone());
        let regions = self.seen.entry(account).or_default();
        if let Some(region) = item.region.as_deref().filter(|r| is_region(r)) {
            regions.insert(region.to_owned());
        }
    }

    /// The collector whose clients call `region`.
    fn collector(&mut self, region: &str) -> EvidenceCollector {
        if let Some(collector) = self.collectors.get(region) {
            return collector.clone();
        }
        let collector = EvidenceCollector::new(AwsClients::new(&self.sdk_in(region)));
        self.collectors.insert(region.to_owned(), collector.clone());
        collector
    }

    /// Evaluates `items` through the one pipeline with their evidence read from the account, a
    /// few items at a time, each in its own Region's clients. An item of another account than the
    /// credentials' gets no evidence read (its evidence controls are INSUFFICIENT_DATA naming both
    /// accounts). Items keep their order; failed reads are counted for the report.
    pub fn evaluate(&mut self, engine: &Engine, items: Vec<ConfigurationItem>) -> Vec<Evaluated> {
        let needed: Vec<Vec<EvidenceKind>> =
            items.iter().map(|i| engine.evidence_needed(i)).collect();
        for kinds in needed.iter().filter(|k| !k.is_empty()) {
            self.resources += 1;
            self.reads += kinds.len() as u64;
        }
        let mut by_region = HashMap::new();
        for item in &items {
            let region = evidence_region(item, &self.home_region).to_owned();
            if let std::collections::hash_map::Entry::Vacant(slot) = by_region.entry(region) {
                let collector = self.collector(slot.key());
                slot.insert(collector);
            }
        }
        let evidence = RegionalEvidence {
            by_region,
            home: self.home_region.clone(),
        };
        let evaluated = match self.changes.take() {
            None => {
                let ports = LivePorts {
                    evidence,
                    lookups: ChangeReaders(None),
                };
                self.run_pipeline(engine, items, ChangedBy::Unknown, &ports)
            }
            Some(mut changes) => {
                let evaluated = self.evaluate_attributed(engine, items, evidence, &mut changes);
                self.changes = Some(changes);
                evaluated
            }
        };
        for (evaluated, kinds) in evaluated.iter().zip(&needed) {
            self.failures.record(&evaluated.item, kinds);
        }
        evaluated
    }

    /// Turns `--lookup-changes` on.
    pub fn look_up_changes(&mut self) {
        self.changes = Some(ChangeLookups::default());
    }

    /// [`Live::evaluate`] with who changed each FAILED item looked up: CloudTrail event ids are
    /// regional, so the items run through the pipeline one Region at a time, each with its
    /// Region's readers, and are put back in input order.
    fn evaluate_attributed(
        &self,
        engine: &Engine,
        items: Vec<ConfigurationItem>,
        evidence: RegionalEvidence,
        changes: &mut ChangeLookups,
    ) -> Vec<Evaluated> {
        let mut by_region: BTreeMap<String, Vec<(usize, ConfigurationItem)>> = BTreeMap::new();
        for (index, item) in items.into_iter().enumerate() {
            let region = evidence_region(&item, &self.home_region).to_owned();
            by_region.entry(region).or_default().push((index, item));
        }
        let mut ports = LivePorts {
            evidence,
            lookups: ChangeReaders(None),
        };
        let mut placed: Vec<(usize, Evaluated)> = Vec::new();
        for (region, group) in by_region {
            let readers = changes.readers.entry(region.clone()).or_insert_with(|| {
                let clients = AwsClients::new(&self.sdk_in(&region));
                (
                    ConfigItems::new(&clients.config),
                    CloudTrailChanges::new(&clients.cloudtrail),
                )
            });
            ports.lookups = ChangeReaders(Some(readers.clone()));
            let (indices, items): (Vec<usize>, Vec<ConfigurationItem>) = group.into_iter().unzip();
            let changed_by = ChangedBy::Related { failed_only: true };
            let outcome = self.runtime.block_on(pipeline::run(
                items.into_iter().map(Trigger::Item).collect(),
                self.run(engine, changed_by),
                &ports,
            ));
            changes.attributed += outcome
                .evaluated
                .iter()
                .filter(|e| e.changed_by.is_some())
                .count() as u64;
            changes.unattributed.extend(outcome.unattributed);
            placed.extend(indices.into_iter().zip(outcome.evaluated));
        }
        placed.sort_by_key(|(index, _)| *index);
        placed.into_iter().map(|(_, evaluated)| evaluated).collect()
    }

    fn run_pipeline(
        &self,
        engine: &Engine,
        items: Vec<ConfigurationItem>,
        changed_by: ChangedBy<'_>,
        ports: &LivePorts,
    ) -> Vec<Evaluated> {
        let triggers = items.into_iter().map(Trigger::Item).collect();
        let run = self.run(engine, changed_by);
        self.runtime
            .block_on(pipeline::run(triggers, run, ports))
            .evaluated
    }

    /// How a live scan runs the pipeline: its items come from the input, their evidence is read
    /// only for the caller's account.
    fn run<'r>(&'r self, engine: &'r Engine, changed_by: ChangedBy<'r>) -> Run<'r> {
        Run {
            engine,
            account: &self.boundary,
            findings: None,
            stale_before: None,
            foreign_items: ForeignItems::WithoutEvidence,
            changed_by,
        }
    }

    /// The account-level items: one per account and Region the input's items came from (or
    /// `--account` / `--region`, else the caller's account in the clients' Region). Global controls
    /// (IAM, the account contact) are evaluated in one Region per account: the clients' Region
    /// when items came from it, else the first.
    pub fn account_items(&self, args: &ScanArgs) -> Vec<ConfigurationItem> {
        let mut seen = self.seen.clone();
        if seen.is_empty() {
            let account = args
                .account
                .clone()
                .unwrap_or_else(|| self.caller_account.clone());
            seen.entry(account).or_default();
        }
        let mut items = Vec::new();
        for (account, mut regions) in seen {
            if regions.is_empty() {
                regions.insert(self.home_region.clone());
            }
            let global = if regions.contains(&self.home_region) {
                self.home_region.clone()
            } else {
                regions.iter().next().cloned().unwrap_or_default()
            };
            for region in regions {
                let home = region == global;
                items.push(ConfigurationItem::account(&account, &region, home));
            }
        }
        items
    }

    /// Reports the failed reads on standard error; returns how many are errors (the exit code
    /// becomes 2) rather than resources that changed since the input was recorded.
    pub fn report(&self, stderr: &mut dyn Write) -> u64 {
        self.failures.report(stderr)
    }

    /// Reads that failed.
    pub fn failed_reads(&self) -> u64 {
        self.failures.by_code.values().map(|f| f.reads).sum()
    }
}

/// The Region whose clients read an item's evidence: its own; `home` (the clients' Region) for
/// global items, whose services (IAM) are called there.
fn evidence_region<'a>(item: &'a ConfigurationItem, home: &'a str) -> &'a str {
    item.region
        .as_deref()
        .filter(|r| is_region(r))
        .unwrap_or(home)
}

/// The evidence port of a live scan: each item read with its own Region's collector.
struct RegionalEvidence {
    by_region: HashMap<String, EvidenceCollector>,
    home: String,
}

impl EvidenceSource for RegionalEvidence {
    async fn collect(&self, item: &mut ConfigurationItem, kinds: &[EvidenceKind]) {
        match self.by_region.get(evidence_region(item, &self.home)) {
            Some(collector) => collector.collect(item, kinds).await,
            None => {
                let error = EvidenceError::new("InternalError", "no clients for the item's Region");
                for kind in kinds {
                    item.insert_evidence(*kind, error.to_value());
                }
            }
        }
    }
}

/// A live scan's ports: evidence, and with `--lookup-changes` one Region's readers of who
/// changed an item (its items come from the input, not from AWS Config).
struct LivePorts {
    evidence: RegionalEvidence,
    lookups: ChangeReaders,
}

impl PipelinePorts for LivePorts {
    type Items = ChangeReaders;
    type Evidence = RegionalEvidence;
    type Changes = ChangeReaders;
    fn items(&self) -> &ChangeReaders {
        &self.lookups
    }
    fn evidence(&self) -> &RegionalEvidence {
        &self.evidence
    }
    fn changes(&self) -> &ChangeReaders {
        &self.lookups
    }
}

/// The readers of who changed an item, when `--lookup-changes` asked for them; without it the
/// pipeline never calls them ([`ChangedBy::Unknown`]) and they answer as a door that reads
/// nothing.
struct ChangeReaders(Option<(ConfigItems, CloudTrailChanges)>);

impl ItemSource for ChangeReaders {
    async fn latest_item(&self, key: &ResourceKey) -> Result<Option<ConfigurationItem>, PortError> {
        match &self.0 {
            Some((items, _)) => items.latest_item(key).await,
            None => ().latest_item(key).await,
        }
    }

    async fn list_resources(&self, resource_type: &str) -> Result<Vec<ResourceKey>, PortError> {
        ().list_resources(resource_type).await
    }

    async fn batch_items(&self, keys: &[ResourceKey]) -> Result<ItemBatch, PortError> {
        ().batch_items(keys).await
    }
}

impl ChangeSource for ChangeReaders {
    async fn change(&self, event_id: &str) -> Result<Option<Actor>, PortError> {
        match &self.0 {
            Some((_, changes)) => changes.change(event_id).await,
            None => ().change(event_id).await,
        }
    }
}

/// Whether `text` looks like a Region (`global`, the IAM items' Region, does not).
fn is_region(text: &str) -> bool {
    crate::parse_region(text).is_ok()
}

pub(crate) fn no_credentials(detail: &str) -> String {
    format!(
        "no AWS credentials for --live ({detail}). Set AWS_PROFILE or pass --profile NAME, or run \
         `aws configure` (on EC2, ECS, Lambda or CloudShell the role's credentials are found \
         without it)"
    )
}

fn identity_error(error: &EvidenceError, endpoint: Option<&str>) -> String {
    let target = endpoint.map_or_else(|| "AWS".to_owned(), |e| format!("the endpoint {e}"));
    match classify(&error.code) {
        Class::Unreachable => format!(
            "cannot reach {target} ({}: {}). Check the network and proxy settings{}",
            error.code,
            error.message,
            if endpoint.is_some() {
                ", and --endpoint-url / AWS_ENDPOINT_URL"
            } else {
                ""
            }
        ),
        Class::Credentials => format!(
            "AWS rejected the credentials ({}: {}). Refresh them (aws configure, aws sso login) or \
             choose another profile with --profile",
            error.code, error.message
        ),
        _ => format!(
            "cannot tell whose account the credentials belong to (sts:GetCallerIdentity: {}: {})",
            error.code, error.message
        ),
    }
}

/// The error and its sources on one line.
pub(crate) fn error_chain(error: &(dyn std::error::Error + 'static)) -> String {
    let mut text = error.to_string();
    let mut next = error.source();
    while let Some(e) = next {
        text.push_str(": ");
        text.push_str(&e.to_string());
        next = e.source();
    }
    text
}

/// What a failed read means for the user.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Class {
    /// The credentials may not make the call: a missing permission.
    Denied,
    /// The credentials were rejected.
    Credentials,
    /// No answer: network, endpoint, timeout.
    Unreachable,
    /// Throttled beyond the retries.
    Throttled,
    /// The resource changed since the input was recorded (deleted, renamed), or does not fit.
    Gone,
    /// The item belongs to another account than the credentials.
    OtherAccount,
    Other,
}

/// The class of an error code: sidewatch's own codes first, then AWS's classes
/// ([`sidewatch_aws::error::failure_kind`]) in the user's terms.
pub(crate) fn classify(code: &str) -> Class {
    use sidewatch_aws::error::{failure_kind, got_no_answer, rejects_credentials};
    use sidewatch_core::ports::FailureKind;
    match code {
        OTHER_ACCOUNT => Class::OtherAccount,
        "NotInCredentialReport" | "InvalidSubject" => Class::Gone,
        // Lambda could not decrypt a function's environment: about that function, not the scan.
        code if code.starts_with("KMS") => Class::Gone,
        code if got_no_answer(code) => Class::Unreachable,
        code if rejects_credentials(code) => Class::Credentials,
        code => match failure_kind(Some(code), None) {
            FailureKind::AccessDenied => Class::Denied,
            FailureKind::Throttled => Class::Throttled,
            FailureKind::NotFound => Class::Gone,
            FailureKind::Unavailable | FailureKind::Invalid | FailureKind::Other => Class::Other,
        },
    }
}

#[derive(Debug, Default)]
struct Failure {
    reads: u64,
    kinds: BTreeSet<EvidenceKind>,
    /// The first message seen with this code.
    message: String,
}

/// Failed reads by error code.
#[derive(Debug, Default)]
struct Failures {
    by_code: BTreeMap<String, Failure>,
}

impl Failures {
    fn record(&mut self, item: &ConfigurationItem, kinds: &[EvidenceKind]) {
        for kind in kinds {
            let Some(error) = kind
                .entry(&item.supplementary)
                .and_then(EvidenceError::from_entry)
            else {
                continue;
            };
            let failure = self.by_code.entry(error.code).or_default();
            failure.reads += 1;
            failure.kinds.insert(*kind);
            if failure.message.is_empty() {
                failure.message = error.message;
            }
        }
    }

    fn report(&self, stderr: &mut dyn Write) -> u64 {
        let mut errors = 0;
        for (code, failure) in &self.by_code {
            let class = classify(code);
            let n = failure.reads;
            let kinds: Vec<&str> = failure.kinds.iter().map(|k| k.name()).collect();
            let kinds = kinds.join(", ");
            let text = match class {
                Class::Denied => {
                    let kinds: Vec<EvidenceKind> = failure.kinds.iter().copied().collect();
                    format!(
                        "{n} evidence read(s) were denied ({code}): allow {} to the credentials' \
                         identity (`sidewatch permissions` prints the read-only policy --live \
                         needs); the controls that need it are INSUFFICIENT_DATA",
                        required_actions(&kinds).join(", ")
                    )
                }
                Class::Credentials => format!(
                    "{n} evidence read(s) were refused ({code}: {}): refresh the credentials \
                     (aws configure, aws sso login) or choose another profile with --profile",
                    failure.message
                ),
                Class::Unreachable => format!(
                    "{n} evidence read(s) got no answer ({code}: {}): check the network, or \
                     --endpoint-url / AWS_ENDPOINT_URL",
                    failure.message
                ),
                Class::Throttled => format!(
                    "{n} evidence read(s) were throttled after every retry ({code}): run the scan \
                     again later, or on fewer controls with --controls"
                ),
                Class::OtherAccount => format!("{n} evidence read(s) skipped: {}", failure.message),
                Class::Gone => format!(
                    "{n} evidence read(s) found nothing to read ({code}: {}; {kinds}): the \
                     resource changed since the input was recorded; those controls are \
                     INSUFFICIENT_DATA",
                    failure.message
                ),
                Class::Other => format!(
                    "{n} evidence read(s) failed ({code}: {}; {kinds}); those controls are \
                     INSUFFICIENT_DATA",
                    failure.message
                ),
            };
            if class == Class::Gone {
                crate::warning(stderr, text);
            } else {
                errors += n;
                crate::error(stderr, text);
            }
        }
        errors
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_classified_for_advice() {
        assert_eq!(classify("AccessDenied"), Class::Denied);
        assert_eq!(classify("AccessDeniedException"), Class::Denied);
        assert_eq!(classify("UnauthorizedOperation"), Class::Denied);
        assert_eq!(classify("KMSAccessDeniedException"), Class::Gone);
        assert_eq!(classify("NoSuchEntity"), Class::Gone);
        assert_eq!(classify("ConnectionError"), Class::Unreachable);
        assert_eq!(classify("Throttling"), Class::Throttled);
        assert_eq!(classify("ThrottlingException"), Class::Throttled);
        assert_eq!(classify("InvalidClientTokenId"), Class::Credentials);
        assert_eq!(classify("Whatever"), Class::Other);
    }

    #[test]
    fn denied_reads_name_the_missing_actions_and_count_as_errors() {
        let mut item = ConfigurationItem::account("123456789012", "us-east-1", true);
        let denied = EvidenceError::new("AccessDenied", "not authorized");
        item.insert_evidence(EvidenceKind::IamPasswordPolicy, denied.to_value());
        item.insert_evidence(EvidenceKind::CloudTrailTrails, denied.to_value());
        let gone = EvidenceError::new("NoSuchEntity", "no user");
        item.insert_evidence(EvidenceKind::IamUserMfaDevices, gone.to_value());
        let mut failures = Failures::default();
        failures.record(
            &item,
            &[
                EvidenceKind::IamPasswordPolicy,
                EvidenceKind::CloudTrailTrails,
                EvidenceKind::IamUserMfaDevices,
                EvidenceKind::GuardDutyDetectors,
            ],
        );
        let mut err = Vec::new();
        assert_eq!(failures.report(&mut err), 2);
        let err = String::from_utf8(err).unwrap();
        assert!(
            err.contains("error: 2 evidence read(s) were denied (AccessDenied)"),
            "{err}"
        );
        assert!(err.contains("cloudtrail:DescribeTrails"), "{err}");
        assert!(err.contains("iam:GetAccountPasswordPolicy"), "{err}");
        assert!(
            err.contains("warning: 1 evidence read(s) found nothing"),
            "{err}"
        );
    }
}
