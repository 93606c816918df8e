//! What every handler shares: the invocation context, the ports, the error, and the steps
//! evaluate → build findings → deliver, each logging and counting what it did.

use crate::metrics::Metrics;
use crate::settings::Settings;
use sidewatch_core::doors::DoorError;
use sidewatch_core::doors::evaluations::ConfigEvaluation;
use sidewatch_core::finding::RecordState;
use sidewatch_core::ports::{Delivery, EvaluationsSink, EvidenceSource, FindingsSink, PortError};
use sidewatch_core::{
    ConfigurationItem, Engine, Evaluation, Finding, FindingBuilder, FindingContext, Source,
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
/// container), and a clock for `CreatedAt` / `UpdatedAt`.
#[derive(Debug)]
pub struct Invocation<'a, C> {
    pub settings: &'a Settings,
    pub engine: &'a Engine,
    pub clock: &'a C,
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
#[derive(Debug, thiserror::Error)]
pub enum HandlerError {
    /// The event is not one the function can use (the message names the field).
    #[error("unusable event: {0}")]
    Event(#[from] DoorError),
    /// Some findings, evaluations or calls failed; the rest were delivered.
    #[error("{} problem(s) after delivering the rest: {}", problems.len(), problems.join("; "))]
    Incomplete {
        problems: Vec<String>,
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
            HandlerError::Incomplete { metrics, .. } => *metrics,
        }
    }
}

/// What an invocation did so far: counts, and the problems that make it fail.
#[derive(Debug, Default)]
pub struct Report {
    pub metrics: Metrics,
    pub problems: Vec<String>,
}

impl Report {
    /// Records a failed call or item.
    pub fn problem(&mut self, problem: impl Into<String>) {
        self.metrics.failures += 1;
        self.problems.push(problem.into());
    }

    /// Records a failed port call.
    pub fn port_error(&mut self, context: &str, error: &PortError) {
        tracing::error!(error = %error, retryable = error.is_retryable(), "{context}");
        self.problem(format!("{context}: {error}"));
    }

    /// `Ok` with the counts when nothing failed, else [`HandlerError::Incomplete`].
    pub fn finish(self) -> Result<Metrics, HandlerError> {
        if self.problems.is_empty() {
            Ok(self.metrics)
        } else {
            Err(HandlerError::Incomplete {
                problems: self.problems,
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
    evidence: &E,
    engine: &Engine,
    item: &mut ConfigurationItem,
) {
    let kinds = engine.evidence_needed(item);
    if !kinds.is_empty() {
        evidence.collect(item, &kinds).await;
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
            report.port_error(&format!("{count} finding(s) not imported"), &error);
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
            report.port_error(&format!("{count} evaluation(s) not put"), &error);
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
        report.problem(format!(
            "{what} {} refused ({}): {}",
            failure.id, failure.code, failure.message
        ));
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
