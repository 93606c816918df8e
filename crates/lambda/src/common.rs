//! What every handler shares: the invocation context, the ports, the error, and the steps
//! evaluate → build findings → deliver, each logging and counting what it did.

use crate::metrics::Metrics;
use crate::settings::Settings;
use sidewatch_core::boundary::{AccountBoundary, Claim, ForeignAccount};
use sidewatch_core::doors::DoorError;
use sidewatch_core::doors::evaluations::ConfigEvaluation;
use sidewatch_core::finding::RecordState;
use sidewatch_core::ports::{Delivery, EvaluationsSink, EvidenceSource, FindingsSink, PortError};
use sidewatch_core::{
    ConfigurationItem, Engine, Evaluation, EvidenceKind, Finding, FindingBuilder, FindingContext,
    Source,
};
use std::collections::HashSet;
use time::OffsetDateTime;

/// Reads the time. The functions use [`SystemClock`]; tests use [`FixedClock`].
pub trait Clock: Send + Sync {
    /// Now, in UTC.
    fn now(&self) -> OffsetDateTime;
}

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
#[derive(Debug)]
pub struct Invocation<'a, C> {
    pub settings: &'a Settings,
    pub engine: &'a Engine,
    pub clock: &'a C,
    pub account: &'a AccountBoundary,
}

impl<'a, C> Invocation<'a, C> {
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

// Manual impls: only references are copied, whatever the clock type.
impl<C> Clone for Invocation<'_, C> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<C> Copy for Invocation<'_, C> {}

/// The outbound ports. A function fills in the ones its handler uses and leaves the others `()`:
/// the handlers put trait bounds only on the ports they call.
#[derive(Debug, Clone, Default)]
pub struct Ports<Sink, Stored, Evals, Items, Evidence, Queue> {
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
            HandlerError::Incomplete { metrics, .. } => *metrics,
        }
    }

    /// The failure class: `InvalidEvent`, `ForeignAccount`, `EvidenceUnavailable`,
    /// `FindingInvalid` or `DeliveryFailed`.
    pub fn error_type(&self) -> &'static str {
        match self {
            HandlerError::Event(_) => "InvalidEvent",
            HandlerError::ForeignAccount(_) => "ForeignAccount",
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
}

impl ProblemClass {
    /// The stable `errorType`.
    pub fn error_type(self) -> &'static str {
        match self {
            ProblemClass::FindingInvalid => "FindingInvalid",
            ProblemClass::EvidenceUnavailable => "EvidenceUnavailable",
            ProblemClass::DeliveryFailed => "DeliveryFailed",
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

/// Collects the evidence `engine` needs for `item` (nothing when it needs none).
pub async fn collect_evidence<E: EvidenceSource + Sync>(
    account: &AccountBoundary,
    evidence: &E,
    engine: &Engine,
    item: &mut ConfigurationItem,
) {
    let kinds = engine.evidence_needed(item);
    gather(account, evidence, item, &kinds).await;
}

/// Reads `kinds` of evidence into `item` — only for an item of this account: evidence is read
/// with this account's credentials, so another account's item gets the refusal stored instead
/// (its evidence-based controls are INSUFFICIENT_DATA naming both accounts), never this
/// account's same-named resource.
pub async fn gather<E: EvidenceSource + Sync>(
    account: &AccountBoundary,
    evidence: &E,
    item: &mut ConfigurationItem,
    kinds: &[EvidenceKind],
) {
    if kinds.is_empty() {
        return;
    }
    match account.evidence_refusal(item) {
        Some(refusal) => {
            tracing::error!(
                resource = %label(item),
                account = item.account_id.as_deref().unwrap_or_default(),
                own_account = account.account(),
                "refused: evidence of another account's item is not read"
            );
            for kind in kinds {
                item.insert_evidence(*kind, refusal.to_value());
            }
        }
        None => evidence.collect(item, kinds).await,
    }
}

/// `Type id` of an item, for logs.
pub fn label(item: &ConfigurationItem) -> String {
    format!("{} {}", item.resource_type, item.resource_id)
}

/// Logs each verdict, counts it, and builds its finding into `out`; a finding that cannot be
/// built is a problem (named by control and resource), never a panic.
pub fn build_findings(
    builder: &FindingBuilder,
    item: &ConfigurationItem,
    evaluations: &[Evaluation],
    out: &mut Vec<Finding>,
    report: &mut Report,
) {
    let resource = label(item);
    for evaluation in evaluations {
        report.metrics.evaluations += 1;
        tracing::info!(
            resource = %resource,
            control = evaluation.control.id,
            verdict = evaluation.verdict.compliance_type().as_str(),
            reason = evaluation.verdict.reason(),
            "evaluated"
        );
        match builder.build(item, evaluation) {
            Ok(finding) => out.push(finding),
            Err(error) => {
                tracing::error!(resource = %resource, control = evaluation.control.id, error = %error, "finding not built");
                report.problem(format!(
                    "finding of {} on {resource} not built: {error}",
                    evaluation.control.id
                ));
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
