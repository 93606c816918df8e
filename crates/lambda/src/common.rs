//! What every handler shares: the invocation context, the ports, the error, and the steps
//! evaluate → build findings → deliver, each logging and counting what it did.

use crate::metrics::Metrics;
use crate::settings::Settings;
use sidewatch_core::boundary::{AccountBoundary, Claim, ForeignAccount};
use sidewatch_core::doors::DoorError;
use sidewatch_core::doors::evaluations::ConfigEvaluation;
use sidewatch_core::exceptions::Standing;
use sidewatch_core::finding::RecordState;
use sidewatch_core::pipeline::{ChangedBy, ForeignItems, Outcome, Problem, Run, Staleness};
use sidewatch_core::ports::{
    ChangeSource, Delivery, EvaluationsSink, EvidenceSource, FindingRef, FindingUpdate,
    FindingsSink, FindingsSource, FindingsWorkflow, InventorySource, ItemSource, PipelinePorts,
    PortError, PublishPorts, RecorderSource, RulePorts, SweepPorts, SweepQueue,
};
use sidewatch_core::{ConfigurationItem, Engine, Finding, FindingBuilder, FindingContext, Source};
use std::collections::HashSet;
use time::OffsetDateTime;

pub use sidewatch_core::exceptions::{EXCEPTION_EXPIRED_FIELD, EXCEPTION_FIELD};
pub use sidewatch_core::ports::Clock;

/// The system clock.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> OffsetDateTime {
        OffsetDateTime::now_utc()
    }
}

/// A clock stopped at one instant.
#[derive(Debug, Clone, Copy)]
pub struct FixedClock(pub OffsetDateTime);

impl Clock for FixedClock {
    fn now(&self) -> OffsetDateTime {
        self.0
    }
}

/// What a handler needs besides its ports: the settings, the engine built from them (once per
/// container), a clock for `CreatedAt` / `UpdatedAt`, and the function's own account (from the
/// ARN Lambda invoked it under): nothing of another account is read, evaluated or written.
#[derive(Clone, Copy)]
pub struct Invocation<'a> {
    pub settings: &'a Settings,
    pub engine: &'a Engine,
    /// The user's rules and exceptions, read at the cold start.
    pub custom: &'a crate::custom::Customisation,
    pub clock: &'a dyn Clock,
    pub account: &'a AccountBoundary,
}

impl std::fmt::Debug for Invocation<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Invocation")
            .field("settings", &self.settings)
            .field("account", &self.account)
            .finish_non_exhaustive()
    }
}

impl Invocation<'_> {
    /// How the pipeline runs for this invocation: its engine (or a rule's), the function's own
    /// account (another account's items are refused), findings from `builder`.
    pub fn run<'r>(
        &'r self,
        engine: &'r Engine,
        builder: &'r FindingBuilder,
        stale_before: Option<&'r Staleness>,
        changed_by: ChangedBy<'r>,
    ) -> Run<'r> {
        Run {
            engine,
            account: self.account,
            findings: Some(builder),
            stale_before,
            foreign_items: ForeignItems::Refuse,
            changed_by: self.lookups_allowed(changed_by),
        }
    }

    /// `changed_by`, unless it asks for CloudTrail lookups the settings turn off:
    /// `SIDEWATCH_LOOKUP_CHANGES` for every item, `SIDEWATCH_SWEEP_LOOKUP_CHANGES` for FAILED
    /// ones (the sweep). The caller of an API call in hand costs nothing and is always named.
    pub fn lookups_allowed<'r>(&self, changed_by: ChangedBy<'r>) -> ChangedBy<'r> {
        let allowed = match changed_by {
            ChangedBy::Related { failed_only: false } => self.settings.lookup_changes,
            ChangedBy::Related { failed_only: true } => self.settings.sweep_lookup_changes,
            ChangedBy::Unknown | ChangedBy::Call(_) => true,
        };
        if allowed {
            changed_by
        } else {
            ChangedBy::Unknown
        }
    }

    /// The core's account rule over an input's `claims`: `Err` with the refusal, already logged
    /// as an ERROR naming the field and both accounts, when one is of another account.
    pub fn check_accounts<'c>(
        &self,
        input: &str,
        claims: impl IntoIterator<Item = Claim<'c>>,
    ) -> Result<(), ForeignAccount> {
        self.account.check(claims).inspect_err(|refused| {
            tracing::error!(
                input,
                field = %refused.field,
                account = %refused.found,
                own_account = %refused.own,
                "refused: {refused}"
            );
        })
    }
}

/// The outbound ports. A function fills in the ones its handler uses and leaves the others `()`;
/// the bundle implements the port traits of `sidewatch_core::ports` (`RulePorts`, `PublishPorts`,
/// `SweepPorts`) when its parts do, so each handler is generic over one bundle.
#[derive(Debug, Clone, Default)]
pub struct Ports<
    Sink,
    Stored,
    Evals,
    Items,
    Evidence,
    Queue,
    Recorders = (),
    Inventory = (),
    Changes = (),
    Workflow = (),
> {
    /// Security Hub `BatchImportFindings`.
    pub findings: Sink,
    /// Security Hub `GetFindings` (the sweep's reconciliation).
    pub stored: Stored,
    /// Config `PutEvaluations` (the config-rule function).
    pub evaluations: Evals,
    /// Config reads.
    pub items: Items,
    /// Evidence collection.
    pub evidence: Evidence,
    /// The sweep queue (the sweep function).
    pub queue: Queue,
    /// The AWS Config recorder (the sweep function).
    pub recorders: Recorders,
    /// The inventory, for types the recorder does not record (the sweep function).
    pub inventory: Inventory,
    /// CloudTrail's event history: who made a change.
    pub changes: Changes,
    /// Security Hub `BatchUpdateFindings`: excepted findings suppressed, expired ones reopened.
    pub workflow: Workflow,
}

/// The port that updates findings' workflow: the exceptions' suppressions and reopenings.
pub trait WorkflowPorts {
    type Workflow: FindingsWorkflow + Sync;
    fn workflow(&self) -> &Self::Workflow;
}

impl<F, Q, V, I, E, U, R, N, C, W: FindingsWorkflow + Sync> WorkflowPorts
    for Ports<F, Q, V, I, E, U, R, N, C, W>
{
    type Workflow = W;
    fn workflow(&self) -> &W {
        &self.workflow
    }
}

impl<F, Q, V, I: ItemSource + Sync, E: EvidenceSource + Sync, U, R, N, C: ChangeSource + Sync, W>
    PipelinePorts for Ports<F, Q, V, I, E, U, R, N, C, W>
{
    type Items = I;
    type Evidence = E;
    type Changes = C;
    fn items(&self) -> &I {
        &self.items
    }
    fn evidence(&self) -> &E {
        &self.evidence
    }
    fn changes(&self) -> &C {
        &self.changes
    }
}

impl<
    F: FindingsSink + Sync,
    Q,
    V,
    I: ItemSource + Sync,
    E: EvidenceSource + Sync,
    U,
    R,
    N,
    C: ChangeSource + Sync,
    W,
> PublishPorts for Ports<F, Q, V, I, E, U, R, N, C, W>
{
    type Findings = F;
    fn findings(&self) -> &F {
        &self.findings
    }
}

impl<
    F: FindingsSink + Sync,
    Q,
    V: EvaluationsSink + Sync,
    I: ItemSource + Sync,
    E: EvidenceSource + Sync,
    U,
    R,
    N,
    C: ChangeSource + Sync,
    W,
> RulePorts for Ports<F, Q, V, I, E, U, R, N, C, W>
{
    type Evaluations = V;
    fn evaluations(&self) -> &V {
        &self.evaluations
    }
}

impl<
    F: FindingsSink + Sync,
    Q: FindingsSource + Sync,
    V,
    I: ItemSource + Sync,
    E: EvidenceSource + Sync,
    U: SweepQueue + Sync,
    R: RecorderSource + Sync,
    N: InventorySource + Sync,
    C: ChangeSource + Sync,
    W,
> SweepPorts for Ports<F, Q, V, I, E, U, R, N, C, W>
{
    type Stored = Q;
    type Queue = U;
    type Recorders = R;
    type Inventory = N;
    fn stored(&self) -> &Q {
        &self.stored
    }
    fn queue(&self) -> &U {
        &self.queue
    }
    fn recorders(&self) -> &R {
        &self.recorders
    }
    fn inventory(&self) -> &N {
        &self.inventory
    }
}

/// Why an invocation did not complete. Lambda retries a failed invocation and finally keeps the
/// event in the dead-letter queue; everything that could be delivered was delivered first.
///
/// Each variant is one failure class with a short, stable name ([`HandlerError::error_type`]):
/// the `errorType` Lambda reports and the logs carry, for alarms and log queries.
#[derive(Debug, thiserror::Error)]
pub enum HandlerError {
    /// The event is not one the function can use (the message names the field).
    #[error(
        "unusable event: {0}. Nothing was read or written; check what sends this event to the \
         function (the EventBridge rule or Config rule of the sidewatch stack)"
    )]
    Event(#[from] DoorError),
    /// The event is of another account: refused before any read or write.
    #[error("{0}")]
    ForeignAccount(#[from] ForeignAccount),
    /// A setting of the function is wrong (the message names the variable).
    #[error("{0}; fix the function's environment in the stack")]
    Settings(String),
    /// Some findings, evaluations or calls failed; the rest were delivered.
    #[error(
        "{} problem(s) after delivering the rest: {}. {}",
        problems.len(),
        problems.join("; "),
        class.advice()
    )]
    Incomplete {
        problems: Vec<String>,
        class: ProblemClass,
        metrics: Metrics,
    },
}

impl HandlerError {
    /// The counts of the failed invocation (for the EMF line).
    pub fn metrics(&self) -> Metrics {
        match self {
            HandlerError::Event(_) => Metrics {
                failures: 1,
                ..Metrics::default()
            },
            HandlerError::ForeignAccount(_) => Metrics {
                foreign_account_refusals: 1,
                ..Metrics::default()
            },
            HandlerError::Settings(_) => Metrics {
                failures: 1,
                ..Metrics::default()
            },
            HandlerError::Incomplete { metrics, .. } => *metrics,
        }
    }

    /// The failure class: `InvalidEvent`, `ForeignAccount`, `EvidenceUnavailable`,
    /// `FindingInvalid` or `DeliveryFailed`.
    pub fn error_type(&self) -> &'static str {
        match self {
            HandlerError::Event(_) => "InvalidEvent",
            HandlerError::ForeignAccount(_) => "ForeignAccount",
            HandlerError::Settings(_) => "InvalidSettings",
            HandlerError::Incomplete { class, .. } => class.error_type(),
        }
    }
}

/// What kind of step failed; an invocation with several reports the most serious.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default)]
pub enum ProblemClass {
    /// A verdict could not be written as a valid finding.
    #[default]
    FindingInvalid,
    /// AWS Config or the evidence could not be read: nothing was reported for that resource
    /// (a guess could be a false pass).
    EvidenceUnavailable,
    /// Security Hub or AWS Config refused or did not answer a delivery.
    DeliveryFailed,
    /// A remediation (its change, its record or its re-check) failed after the others acted.
    RemediationIncomplete,
}

impl ProblemClass {
    /// The stable `errorType`.
    pub fn error_type(self) -> &'static str {
        match self {
            ProblemClass::FindingInvalid => "FindingInvalid",
            ProblemClass::EvidenceUnavailable => "EvidenceUnavailable",
            ProblemClass::DeliveryFailed => "DeliveryFailed",
            ProblemClass::RemediationIncomplete => "RemediationIncomplete",
        }
    }

    /// What a person can do about it.
    pub fn advice(self) -> &'static str {
        match self {
            ProblemClass::FindingInvalid => {
                "Lambda retries the event and the dead-letter queue keeps it; report the resource \
                 and control named above as a sidewatch bug"
            }
            ProblemClass::EvidenceUnavailable => {
                "Lambda retries the event and the dead-letter queue keeps it; if it persists, check \
                 the function role's read permissions and the service's quotas"
            }
            ProblemClass::DeliveryFailed => {
                "Lambda retries the event and the dead-letter queue keeps it; if it persists, check \
                 that Security Hub is enabled and the function role may call \
                 securityhub:BatchImportFindings (and config:PutEvaluations)"
            }
            ProblemClass::RemediationIncomplete => {
                "Lambda retries the event (every action is idempotent) and the dead-letter queue \
                 keeps it; if it persists, check the remediation role's permissions"
            }
        }
    }
}

/// What an invocation did so far: counts, and the problems that make it fail.
#[derive(Debug, Default)]
pub struct Report {
    pub metrics: Metrics,
    pub problems: Vec<String>,
    /// The most serious class of the problems.
    pub class: ProblemClass,
}

impl Report {
    /// Records a failed call or item of `class`.
    pub fn problem_of(&mut self, class: ProblemClass, problem: impl Into<String>) {
        self.metrics.failures += 1;
        self.class = self.class.max(class);
        self.problems.push(problem.into());
    }

    /// Records a failed finding build (the least serious class).
    pub fn problem(&mut self, problem: impl Into<String>) {
        self.problem_of(ProblemClass::FindingInvalid, problem);
    }

    /// Records a failed read (AWS Config, evidence, listings).
    pub fn port_error(&mut self, context: &str, error: &PortError) {
        self.port_error_of(ProblemClass::EvidenceUnavailable, context, error);
    }

    /// Records a failed port call of `class`.
    pub fn port_error_of(&mut self, class: ProblemClass, context: &str, error: &PortError) {
        tracing::error!(
            error_type = class.error_type(),
            error = %error,
            retryable = error.is_retryable(),
            "{context}"
        );
        self.problem_of(class, format!("{context}: {error}"));
    }

    /// `Ok` with the counts when nothing failed, else [`HandlerError::Incomplete`].
    pub fn finish(self) -> Result<Metrics, HandlerError> {
        if self.problems.is_empty() {
            Ok(self.metrics)
        } else {
            Err(HandlerError::Incomplete {
                problems: self.problems,
                class: self.class,
                metrics: self.metrics,
            })
        }
    }
}

/// The finding builder of one invocation: findings in the function's Region (global resources
/// such as IAM users have none of their own), account from the item.
pub fn builder(source: Source, region: &str, now: OffsetDateTime) -> FindingBuilder {
    FindingBuilder::new(FindingContext {
        account_override: None,
        region_override: Some(region.to_owned()),
        source,
        now,
    })
}

/// `Type id` of an item, for logs.
pub fn label(item: &ConfigurationItem) -> String {
    format!("{} {}", item.resource_type, item.resource_id)
}

/// Logs and counts what the pipeline did: each verdict, each item of another account it refused
/// (an ERROR naming both accounts), each read or finding that failed (a problem of the
/// invocation, never dropped silently).
pub fn record_outcome(outcome: &Outcome, report: &mut Report) {
    for evaluated in &outcome.evaluated {
        let resource = label(&evaluated.item);
        if let Some(actor) = &evaluated.changed_by {
            tracing::info!(
                resource = %resource,
                changed_by = %actor.who(),
                event = %actor.event_name,
                event_id = actor.event_id.as_deref().unwrap_or(""),
                "changed by"
            );
        }
        for evaluation in &evaluated.evaluations {
            report.metrics.evaluations += 1;
            tracing::info!(
                resource = %resource,
                control = evaluation.control.id,
                verdict = evaluation.verdict.compliance_type().as_str(),
                reason = evaluation.verdict.reason(),
                "evaluated"
            );
        }
    }
    for note in &outcome.unattributed {
        tracing::warn!("no actor: {note}");
    }
    for refused in &outcome.refused {
        report.metrics.foreign_account_refusals += 1;
        tracing::error!(
            field = %refused.field,
            account = %refused.found,
            own_account = %refused.own,
            "refused: {refused}"
        );
    }
    for problem in &outcome.problems {
        match problem {
            Problem::Read { context, error } => report.port_error(context, error),
            Problem::FindingNotBuilt { .. } => {
                tracing::error!(problem = %problem, "finding not built");
                report.problem(problem.to_string());
            }
        }
    }
}

/// Sends `findings` to Security Hub (unless the settings turn publishing off), counts what was
/// imported and archived, and logs every finding that was refused by id.
pub async fn deliver_findings<S: FindingsSink + Sync>(
    sink: &S,
    settings: &Settings,
    findings: Vec<Finding>,
    report: &mut Report,
) {
    if findings.is_empty() {
        return;
    }
    if !settings.publish_findings {
        tracing::info!(
            count = findings.len(),
            "SIDEWATCH_PUBLISH_FINDINGS is false: findings not sent"
        );
        return;
    }
    let archived: Vec<String> = findings
        .iter()
        .filter(|f| f.record_state == RecordState::Archived)
        .map(|f| f.id.clone())
        .collect();
    let count = findings.len();
    match sink.import(findings).await {
        Ok(delivery) => {
            let failed: HashSet<&str> = delivery.failed.iter().map(|f| f.id.as_str()).collect();
            report.metrics.findings_imported += delivery.delivered as u64;
            report.metrics.findings_archived += archived
                .iter()
                .filter(|id| !failed.contains(id.as_str()))
                .count() as u64;
            record_refused("finding", &delivery, report);
        }
        Err(error) => {
            report.metrics.failures += count.saturating_sub(1) as u64;
            report.port_error_of(
                ProblemClass::DeliveryFailed,
                &format!("{count} finding(s) not imported"),
                &error,
            );
        }
    }
}

/// `Note.UpdatedBy` of the exceptions' workflow updates.
pub const EXCEPTIONS_UPDATED_BY: &str = "sidewatch";

/// Marks the findings the exceptions file speaks of (on the invocation's day) and returns the
/// workflow updates they need once imported. `BatchImportFindings` may not set `Workflow` or
/// `Note` of a finding it already holds (they are the customer's side of the finding), so an
/// excepted failure is imported as any other and then suppressed with `BatchUpdateFindings`
/// (`SUPPRESSED`, the reason, expiry and ticket in the note); a failure whose exception expired
/// is set back to `NEW` with a note saying so. `workflow_of` gives the status Security Hub holds
/// when the door knows it (the sweep), so an update that changes nothing is not sent.
pub fn exception_updates<'s>(
    inv: &Invocation<'_>,
    findings: &mut [Finding],
    workflow_of: impl Fn(&str) -> Option<&'s str>,
) -> Vec<FindingUpdate> {
    if inv.custom.exceptions.is_none() {
        return Vec::new();
    }
    let today = sidewatch_core::exceptions::today(inv.clock.now());
    let mut updates: Vec<FindingUpdate> = Vec::new();
    for finding in findings.iter_mut() {
        let Some(standing) = inv.custom.standing(finding, today) else {
            continue;
        };
        let held = workflow_of(&finding.id);
        let (field, status, needed) = match &standing {
            Standing::Excepted(e) => {
                tracing::info!(finding = %finding.id, entry = e.entry, "excepted: {}", e.note());
                (EXCEPTION_FIELD, "SUPPRESSED", held != Some("SUPPRESSED"))
            }
            Standing::Expired(e) => {
                tracing::warn!(finding = %finding.id, entry = e.entry, "the exception expired: the failure counts again");
                (
                    EXCEPTION_EXPIRED_FIELD,
                    "NEW",
                    held.is_none_or(|s| s == "SUPPRESSED"),
                )
            }
        };
        let note = standing.note();
        finding
            .product_fields
            .insert(field.to_owned(), note.clone());
        if !needed {
            continue;
        }
        let reference = FindingRef {
            id: finding.id.clone(),
            product_arn: finding.product_arn.clone(),
        };
        match updates
            .iter_mut()
            .find(|u| u.note == note && u.workflow_status.as_deref() == Some(status))
        {
            Some(update) => update.findings.push(reference),
            None => updates.push(FindingUpdate {
                findings: vec![reference],
                note,
                updated_by: EXCEPTIONS_UPDATED_BY.to_owned(),
                workflow_status: Some(status.to_owned()),
            }),
        }
    }
    updates
}

/// Sends the exceptions' workflow updates (after the findings were imported: Security Hub
/// updates only findings it holds), unless publishing is off; a refused update is a problem of
/// the invocation.
pub async fn deliver_updates<W: FindingsWorkflow + Sync>(
    workflow: &W,
    settings: &Settings,
    updates: Vec<FindingUpdate>,
    report: &mut Report,
) {
    if !settings.publish_findings {
        return;
    }
    for update in updates {
        match workflow.update(&update).await {
            Ok(delivery) => record_refused("workflow update", &delivery, report),
            Err(error) => report.port_error_of(
                ProblemClass::DeliveryFailed,
                &format!("{} finding workflow(s) not updated", update.findings.len()),
                &error,
            ),
        }
    }
}

/// Sends the evaluations to AWS Config under `token`.
pub async fn deliver_evaluations<V: EvaluationsSink + Sync>(
    sink: &V,
    token: &str,
    evaluations: Vec<ConfigEvaluation>,
    test_mode: bool,
    report: &mut Report,
) {
    if evaluations.is_empty() {
        return;
    }
    for evaluation in &evaluations {
        tracing::info!(
            resource = %format!("{} {}", evaluation.compliance_resource_type, evaluation.compliance_resource_id),
            verdict = evaluation.compliance_type.as_str(),
            annotation = %evaluation.annotation,
            test_mode,
            "config evaluation"
        );
    }
    let count = evaluations.len();
    match sink.put_evaluations(token, evaluations, test_mode).await {
        Ok(delivery) => record_refused("evaluation", &delivery, report),
        Err(error) => {
            report.metrics.failures += count.saturating_sub(1) as u64;
            report.port_error_of(
                ProblemClass::DeliveryFailed,
                &format!("{count} evaluation(s) not put"),
                &error,
            );
        }
    }
}

/// Logs and records every item a batch call refused.
fn record_refused(what: &str, delivery: &Delivery, report: &mut Report) {
    for failure in &delivery.failed {
        tracing::error!(
            id = %failure.id,
            code = %failure.code,
            message = %failure.message,
            "{what} refused"
        );
        report.problem_of(
            ProblemClass::DeliveryFailed,
            format!(
                "{what} {} refused ({}): {}",
                failure.id, failure.code, failure.message
            ),
        );
    }
}

/// Ends an invocation: logs its outcome and writes its EMF line (duration since `started`,
/// timestamp `now`). The function then returns the result to Lambda.
pub fn conclude(
    function: &str,
    started: std::time::Instant,
    now: OffsetDateTime,
    metrics: Metrics,
    error: Option<&HandlerError>,
) {
    match error {
        Some(error) => tracing::error!(
            error_type = error.error_type(),
            error = %error,
            "invocation failed after delivering what it could; Lambda retries it, then the dead-letter queue keeps the event"
        ),
        None => tracing::info!(
            evaluations = metrics.evaluations,
            findings_imported = metrics.findings_imported,
            findings_archived = metrics.findings_archived,
            "invocation done"
        ),
    }
    let millis = i64::try_from(now.unix_timestamp_nanos() / 1_000_000).unwrap_or(i64::MAX);
    metrics.emit(function, started.elapsed(), millis);
}
