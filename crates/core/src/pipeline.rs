//! The one evaluation pipeline every door runs.
//!
//! A door (the Config rule event, an EventBridge Config change or CloudTrail call, a sweep message,
//! the remediation re-check, `scan --live`) only *parses*: it turns its input into [`Trigger`]s and
//! hands them to [`run`], which does the rest once, in one direction:
//!
//! ```text
//!  triggers ─▶ resolve (fetch / find by name / oversized fallback) ─▶ account boundary
//!           ─▶ which evidence ─▶ collect (ports) ─▶ evaluate (+ stale guard)
//!           ─▶ who changed it (the call in hand, or CloudTrail lookups) ─▶ findings
//! ```
//!
//! * **resolve**: an item in hand is used as it is; a resource named by key is read with
//!   [`ItemSource::latest_item`] (an oversized Config change carries only a summary: when Config
//!   has no item, the summary is evaluated — INSUFFICIENT_DATA, never a pass); a resource named by
//!   name is looked up among the type's resources; a failed read reports nothing for the resource
//!   (a guess could be a false pass) and is a [`Problem`];
//! * **account boundary** ([`crate::boundary`]): an item of another account is refused before any
//!   read — it is neither evaluated nor reported;
//! * **evidence**: only the kinds the applicable (or selected) controls read, each once per item,
//!   items read a few at a time;
//! * **evaluate**: the engine's verdicts; a resource that left the rule's scope is NOT_APPLICABLE;
//!   an item captured before the API call that triggered the run cannot PASS
//!   ([`Staleness`]);
//! * **who changed it** ([`ChangedBy`]): the caller of the API call that triggered the run, or
//!   the CloudTrail events the item lists in `relatedEvents`, looked up (bounded); never guessed;
//! * **findings**: one ASFF finding per verdict, in the Region the door reports in
//!   ([`crate::finding::region`]); a finding that cannot be built is a [`Problem`], never dropped
//!   silently.
//!
//! Delivery (Security Hub, AWS Config, the CLI's output) stays with the door: what it sends
//! differs (the sweep sends only what changed), what it evaluates does not.

use crate::actor::Actor;
use crate::boundary::{AccountBoundary, ForeignAccount};
use crate::engine::{Engine, Evaluation};
use crate::evidence::EvidenceKind;
use crate::finding::{Finding, FindingBuilder};
use crate::item::ConfigurationItem;
use crate::ports::{
    ChangeSource, EvidenceSource, ItemSource, PipelinePorts, PortError, ResourceKey,
};
use crate::verdict::Verdict;
use futures_util::future::join_all;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

/// The most resources of one type scanned to find a resource CloudTrail names only by name.
pub const MAX_NAME_SCAN: usize = 2000;

/// Items whose evidence is read at the same time (each reads a few kinds at once).
pub const ITEMS_AT_ONCE: usize = 8;

/// What a door asks the pipeline to evaluate.
#[derive(Debug, Clone, PartialEq)]
pub enum Trigger {
    /// Evaluate this item (from an event, a file, a Config read or the inventory).
    Item(ConfigurationItem),
    /// Read this resource's latest item from AWS Config, then evaluate it. `summary`: what an
    /// oversized change notification said (evaluated when Config has no item: never a pass).
    Fetch {
        key: ResourceKey,
        summary: Option<ConfigurationItem>,
    },
    /// Find the resources of `resource_type` named `name` (CloudTrail names some resources only by
    /// name), then evaluate them; none found is not an error (the change event will follow).
    FindByName { resource_type: String, name: String },
    /// The account-level item, with only `only`'s controls when set (an account API call
    /// affects a few).
    Account {
        item: ConfigurationItem,
        only: Option<Vec<&'static str>>,
    },
    /// The resource left the rule's scope: NOT_APPLICABLE from every control of its type, no read.
    LeftScope(ConfigurationItem),
}

/// An API call the items may predate: an item captured before it (or never) cannot PASS —
/// AWS Config records a change minutes after the call, so a pass on the old configuration is no
/// proof about the new one. Failures stay: they name a setting the resource had, and the change
/// event that follows corrects them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Staleness {
    /// The call's time (the event's `time`).
    pub call_time: OffsetDateTime,
    /// The call's name (`PutBucketPolicy`).
    pub call: String,
}

/// How one run evaluates.
#[derive(Debug, Clone, Copy)]
pub struct Run<'a> {
    pub engine: &'a Engine,
    /// The door's own account: nothing of another is read or reported.
    pub account: &'a AccountBoundary,
    /// Builds the findings in the door's reporting Region; `None` when the door writes verdicts
    /// itself (the CLI's table and JSON).
    pub findings: Option<&'a FindingBuilder>,
    /// Set when an API call triggered the run.
    pub stale_before: Option<&'a Staleness>,
    /// What happens to an item of another account.
    pub foreign_items: ForeignItems,
    /// Who made the change, for the findings.
    pub changed_by: ChangedBy<'a>,
}

/// Where a run learns who made the change it evaluates. Never a guess: only a CloudTrail record
/// tied to the resource names an actor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChangedBy<'a> {
    /// Nobody is named (the CLI, a periodic run, the sweep without its flag).
    Unknown,
    /// The API call in hand triggered the run: its caller changed every resource it evaluates.
    Call(&'a Actor),
    /// Each item's `relatedEvents`, looked up with [`ChangeSource::change`] — at most
    /// [`MAX_CHANGE_LOOKUPS`] calls per run (CloudTrail allows 2 `LookupEvents` a second per
    /// account and Region) — for every item, or only for items with a FAILED verdict.
    Related { failed_only: bool },
}

/// The most `LookupEvents` calls one run makes.
pub const MAX_CHANGE_LOOKUPS: usize = 3;

/// What the pipeline does with an item of another account than the door's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ForeignItems {
    /// Refuse it: not evaluated, not reported (the functions: writing a finding for another
    /// account puts our verdict into its record).
    Refuse,
    /// Evaluate it without reading its evidence (its evidence would be this account's): its
    /// evidence controls are INSUFFICIENT_DATA naming both accounts (`scan --live FILE`, whose
    /// output is the user's own).
    WithoutEvidence,
}

/// One resource, evaluated.
#[derive(Debug, Clone)]
pub struct Evaluated {
    /// The item as evaluated, with its evidence.
    pub item: ConfigurationItem,
    pub evaluations: Vec<Evaluation>,
    /// Who made the change, when a CloudTrail record ties one to the item.
    pub changed_by: Option<Actor>,
}

/// What kept the pipeline from covering something; the door decides what it means for the
/// invocation (the functions fail it so Lambda retries; the CLI reports it).
#[derive(Debug, Clone, PartialEq)]
pub enum Problem {
    /// A read failed: nothing was reported for that resource.
    Read { context: String, error: PortError },
    /// A verdict could not be written as a finding.
    FindingNotBuilt {
        control: &'static str,
        resource: String,
        error: String,
    },
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Problem::Read { context, error } => write!(f, "{context}: {error}"),
            Problem::FindingNotBuilt {
                control,
                resource,
                error,
            } => write!(f, "finding of {control} on {resource} not built: {error}"),
        }
    }
}

/// What a run did.
#[derive(Debug, Clone, Default)]
pub struct Outcome {
    /// Every resource evaluated, in trigger order.
    pub evaluated: Vec<Evaluated>,
    /// Their findings (when the run builds findings).
    pub findings: Vec<Finding>,
    /// What could not be read or built.
    pub problems: Vec<Problem>,
    /// Items of another account, refused before any read.
    pub refused: Vec<ForeignAccount>,
    /// Why an item's change has no actor although it lists related events (CloudTrail had
    /// nothing, a lookup failed, the run's lookups were used up): logged, never a failure — the
    /// finding is delivered without it.
    pub unattributed: Vec<String>,
}

impl Outcome {
    /// Every verdict of the run.
    pub fn evaluations(&self) -> impl Iterator<Item = &Evaluation> {
        self.evaluated.iter().flat_map(|e| e.evaluations.iter())
    }
}

/// One item on its way through the pipeline.
#[derive(Debug)]
struct Work {
    item: ConfigurationItem,
    only: Option<Vec<&'static str>>,
    left_scope: bool,
}

impl Work {
    fn item(item: ConfigurationItem) -> Self {
        Work {
            item,
            only: None,
            left_scope: false,
        }
    }
}

/// Runs `triggers` through the pipeline: resolve, account boundary, evidence, evaluate, findings.
pub async fn run<P: PipelinePorts>(triggers: Vec<Trigger>, run: Run<'_>, ports: &P) -> Outcome {
    let mut outcome = Outcome::default();
    let mut lookups_left = MAX_CHANGE_LOOKUPS;
    let mut work = Vec::new();
    for trigger in triggers {
        resolve(trigger, ports.items(), &mut work, &mut outcome).await;
    }
    work.retain(|w| match run.account.check_item("", &w.item) {
        Ok(()) => true,
        Err(refused) => {
            outcome.refused.push(refused);
            run.foreign_items == ForeignItems::WithoutEvidence
        }
    });
    for batch in work.chunks_mut(ITEMS_AT_ONCE) {
        join_all(
            batch
                .iter_mut()
                .map(|w| collect(run.engine, run.account, ports.evidence(), w)),
        )
        .await;
    }
    for w in work {
        let mut evaluations = if w.left_scope {
            crate::doors::not_applicable(
                run.engine,
                &w.item.resource_type,
                crate::doors::config_rule::LEFT_SCOPE_REASON,
            )
        } else {
            run.engine.evaluate(&w.item)
        };
        if let Some(only) = &w.only {
            evaluations.retain(|e| only.contains(&e.control.id));
        }
        // An item captured before the call speaks for the resource after it only as far as the
        // guard lets it; its findings are ordered after the call, so they replace what Security
        // Hub holds from that item's own evaluation, and Config's record of the change (captured
        // after the call) replaces them in turn.
        let after_call = run
            .stale_before
            .filter(|stale| guard_stale(&mut evaluations, &w.item, stale))
            .map(|stale| stale.call_time);
        let changed_by = attribute(
            run.changed_by,
            &w.item,
            &evaluations,
            ports,
            &mut lookups_left,
            &mut outcome,
        )
        .await;
        if let Some(builder) = run.findings {
            for evaluation in &evaluations {
                match builder.build_changed(&w.item, evaluation, changed_by.as_ref()) {
                    Ok(mut finding) => {
                        if let Some(call_time) = after_call {
                            // Never past the run: an event's time is what the event says.
                            finding.order_after(call_time.min(builder.context().now));
                        }
                        outcome.findings.push(finding);
                    }
                    Err(error) => outcome.problems.push(Problem::FindingNotBuilt {
                        control: evaluation.control.id,
                        resource: label(&w.item),
                        error: error.to_string(),
                    }),
                }
            }
        }
        outcome.evaluated.push(Evaluated {
            item: w.item,
            evaluations,
            changed_by,
        });
    }
    outcome
}

/// Who changed `item`, as `changed_by` says to learn it; a lookup that finds nothing or fails
/// is noted in `outcome.unattributed` and the item goes on without an actor.
///
/// Items read with `BatchGetResourceConfig` (the sweep's) carry no `relatedEvents`: in the
/// FAILED-only mode such an item's latest history entry is read first, one call of the budget.
async fn attribute<P: PipelinePorts>(
    changed_by: ChangedBy<'_>,
    item: &ConfigurationItem,
    evaluations: &[Evaluation],
    ports: &P,
    lookups_left: &mut usize,
    outcome: &mut Outcome,
) -> Option<Actor> {
    let failed_only = match changed_by {
        ChangedBy::Unknown => return None,
        ChangedBy::Call(actor) => return Some(actor.clone()),
        ChangedBy::Related { failed_only } => failed_only,
    };
    if failed_only && !evaluations.iter().any(|e| e.verdict.is_non_compliant()) {
        return None;
    }
    let mut spend = |outcome: &mut Outcome| {
        if *lookups_left == 0 {
            outcome.unattributed.push(format!(
                "{}: not looked up, this run's {MAX_CHANGE_LOOKUPS} CloudTrail lookups are used",
                label(item)
            ));
            return false;
        }
        *lookups_left -= 1;
        true
    };
    let mut related = item.related_events.clone();
    if related.is_empty() && failed_only && item.resource_type != crate::item::ACCOUNT_RESOURCE_TYPE
    {
        if !spend(outcome) {
            return None;
        }
        let key = ResourceKey {
            resource_type: item.resource_type.clone(),
            resource_id: item.resource_id.clone(),
        };
        match ports.items().latest_item(&key).await {
            Ok(Some(history)) => related = history.related_events,
            Ok(None) => {}
            Err(error) => {
                outcome.unattributed.push(format!(
                    "{}: its related events could not be read: {error}",
                    label(item)
                ));
                return None;
            }
        }
    }
    for event_id in &related {
        if !spend(outcome) {
            return None;
        }
        match ports.changes().change(event_id).await {
            Ok(Some(actor)) => return Some(actor),
            Ok(None) => outcome.unattributed.push(format!(
                "{}: CloudTrail has no caller for event {event_id}",
                label(item)
            )),
            Err(error) => outcome.unattributed.push(format!(
                "{}: CloudTrail event {event_id} could not be read: {error}",
                label(item)
            )),
        }
    }
    None
}

/// Turns one trigger into the items to evaluate.
async fn resolve<I: ItemSource + Sync>(
    trigger: Trigger,
    items: &I,
    work: &mut Vec<Work>,
    outcome: &mut Outcome,
) {
    match trigger {
        Trigger::Item(item) => work.push(Work::item(item)),
        Trigger::LeftScope(item) => work.push(Work {
            item,
            only: None,
            left_scope: true,
        }),
        Trigger::Account { item, only } => work.push(Work {
            item,
            only,
            left_scope: false,
        }),
        Trigger::Fetch { key, summary } => match items.latest_item(&key).await {
            Ok(Some(item)) => work.push(Work::item(item)),
            Ok(None) => work.push(Work::item(summary.unwrap_or_else(|| {
                ConfigurationItem::new(&key.resource_type, &key.resource_id)
            }))),
            Err(error) => outcome.problems.push(Problem::Read {
                context: format!("reading the item of {key}"),
                error,
            }),
        },
        Trigger::FindByName {
            resource_type,
            name,
        } => match find_named(items, &resource_type, &name).await {
            Ok(found) => work.extend(found.into_iter().map(Work::item)),
            Err(error) => outcome.problems.push(Problem::Read {
                context: format!("finding the {resource_type} named {name}"),
                error,
            }),
        },
    }
}

/// Reads the evidence the item's (selected) controls need; none for a resource out of scope; for
/// an item of another account, the refusal is stored instead of reading.
async fn collect<E: EvidenceSource + Sync>(
    engine: &Engine,
    account: &AccountBoundary,
    evidence: &E,
    w: &mut Work,
) {
    if w.left_scope {
        return;
    }
    let mut kinds: Vec<EvidenceKind> = engine.evidence_needed(&w.item);
    if let Some(only) = &w.only {
        // Only what the affected controls read: an account call changes one kind of evidence.
        kinds.retain(|k| {
            engine
                .controls()
                .any(|c| only.contains(&c.id) && c.evidence.contains(k))
        });
    }
    if kinds.is_empty() {
        return;
    }
    match account.evidence_refusal(&w.item) {
        Some(refusal) => {
            for kind in &kinds {
                w.item.insert_evidence(*kind, refusal.to_value());
            }
        }
        None => evidence.collect(&mut w.item, &kinds).await,
    }
}

/// The items of `resource_type` whose name is `name` (security groups of the default VPC named
/// by `groupName`, IAM users named by `userName`): Config lists ids, so this reads the items in
/// batches of 100 and compares names, scanning at most [`MAX_NAME_SCAN`] resources.
async fn find_named<I: ItemSource + Sync>(
    items: &I,
    resource_type: &str,
    name: &str,
) -> Result<Vec<ConfigurationItem>, PortError> {
    let keys = items.list_resources(resource_type).await?;
    let mut found = Vec::new();
    for chunk in keys[..keys.len().min(MAX_NAME_SCAN)].chunks(100) {
        let batch = items.batch_items(chunk).await?;
        found.extend(
            batch
                .items
                .into_iter()
                .filter(|i| i.resource_name.as_deref() == Some(name)),
        );
    }
    Ok(found)
}

/// Turns the PASSED verdicts of `item` into INSUFFICIENT_DATA when the item was captured before
/// the API call (or has no capture time): see [`Staleness`]. True when it was (whether or not a
/// verdict passed).
pub fn guard_stale(
    evaluations: &mut [Evaluation],
    item: &ConfigurationItem,
    stale: &Staleness,
) -> bool {
    let captured = item
        .capture_time
        .as_deref()
        .and_then(|t| OffsetDateTime::parse(t, &Rfc3339).ok());
    if captured.is_some_and(|c| c >= stale.call_time) {
        return false;
    }
    let when = stale.call_time.format(&Rfc3339).unwrap_or_default();
    let call = &stale.call;
    let because = match &item.capture_time {
        Some(c) => {
            format!("AWS Config's item was captured at {c}, before the {call} call at {when}")
        }
        None => format!("AWS Config has not recorded the resource since the {call} call at {when}"),
    };
    for evaluation in evaluations.iter_mut() {
        if evaluation.verdict.is_compliant() {
            evaluation.verdict = Verdict::insufficient(format!(
                "{because}; waiting for Config to record the change (on the earlier configuration: {})",
                evaluation.verdict.reason()
            ));
        }
    }
    true
}

/// `Type id` of an item, for messages.
pub fn label(item: &ConfigurationItem) -> String {
    format!("{} {}", item.resource_type, item.resource_id)
}
