//! The EventBridge door: findings within seconds of a change, without a Config rule evaluation.
//!
//! * "Config Configuration Item Change": the item in the event (an oversized one is re-read with
//!   `ItemSource::latest_item`);
//! * "AWS API Call via CloudTrail": the core's CloudTrail table says what to re-evaluate — the
//!   account-level item (its evidence collected afresh, only the controls the call can affect), or
//!   one resource, read from Config. Config records a change minutes after the call, so an item
//!   captured before the call may predate it: its PASSED verdicts become INSUFFICIENT_DATA
//!   (`sidewatch_core::pipeline::guard_stale`) — a verdict on the old configuration is no proof about the new one —
//!   and its findings are ordered after the call, so Config's record of the change replaces them. When
//!   Config has no item yet, the resource is evaluated on what the event names plus its evidence
//!   (INSUFFICIENT_DATA where that is not enough), never PASSED from missing data;
//! * "Scheduled Event": the account-level controls.
//!
//! What each event becomes is `EventBridgeEvent::triggers` (core); the evaluation is the one
//! pipeline's. Findings only: there is no result token for Config evaluations here.
//!
//! An event of another account (the envelope's `account`, the item's `awsAccountId`, the API
//! call's `recipientAccountId`) is refused before any read or write: the invocation fails with
//! `errorType` `ForeignAccount`, so the dead-letter queue keeps the event for whoever routed
//! another account's events here.

use crate::common::{
    HandlerError, Invocation, Report, WorkflowPorts, builder, deliver_findings, deliver_updates,
    exception_updates, record_outcome,
};
use crate::metrics::Metrics;
use serde_json::Value;
use sidewatch_core::Source;
use sidewatch_core::doors::eventbridge::{Detail, EventBridgeEvent};
use sidewatch_core::pipeline;
use sidewatch_core::ports::PublishPorts;

/// Handles one EventBridge event: parse, refuse another account's event, run the pipeline on the
/// event's triggers, deliver the findings.
pub async fn handle<P: PublishPorts + WorkflowPorts>(
    inv: Invocation<'_>,
    ports: &P,
    event: Value,
) -> Result<Metrics, HandlerError> {
    let event = EventBridgeEvent::from_value(event)?;
    inv.check_accounts("EventBridge event", event.account_claims())?;
    let env = &event.envelope;
    match &event.detail {
        Detail::Ignored { reason } => {
            tracing::info!(detail_type = %env.detail_type, source = %env.source, "ignored: {reason}");
        }
        Detail::ApiCall(call) => {
            tracing::info!(event_source = %call.event_source, event_name = %call.event_name, target = ?call.target, "API call");
        }
        _ => {}
    }
    let (triggers, stale) = event.triggers(inv.engine, inv.settings.evaluate_global_resources);
    let builder = builder(Source::Event, &inv.settings.region, inv.clock.now());
    let outcome = pipeline::run(
        triggers,
        inv.run(inv.engine, &builder, stale.as_ref(), event.changed_by()),
        ports,
    )
    .await;
    let mut report = Report::default();
    record_outcome(&outcome, &mut report);
    let mut findings = outcome.findings;
    let updates = exception_updates(&inv, &mut findings, |_| None);
    deliver_findings(ports.findings(), inv.settings, findings, &mut report).await;
    deliver_updates(ports.workflow(), inv.settings, updates, &mut report).await;
    report.finish()
}
