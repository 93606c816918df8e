//! The EventBridge door: findings within seconds of a change, without a Config rule evaluation.
//!
//! * "Config Configuration Item Change": the item in the event (an oversized one is re-read with
//!   [`ItemSource::latest_item`]);
//! * "AWS API Call via CloudTrail": the core's CloudTrail table says what to re-evaluate — the
//!   account-level item (its evidence collected afresh, only the controls the call can affect), or
//!   one resource, read from Config. Config records a change minutes after the call, so an item
//!   captured before the call may predate it: its PASSED verdicts become INSUFFICIENT_DATA
//!   ([`guard_stale`]) — a verdict on the old configuration is no proof about the new one. When
//!   Config has no item yet, the resource is evaluated on what the event names plus its evidence
//!   (INSUFFICIENT_DATA where that is not enough), never PASSED from missing data;
//! * "Scheduled Event": the account-level controls.
//!
//! Findings only: there is no result token for Config evaluations here.
//!
//! An event of another account (the envelope's `account`, the item's `awsAccountId`, the API
//! call's `recipientAccountId`) is refused before any read or write: the invocation fails with
//! `errorType` `ForeignAccount`, so the dead-letter queue keeps the event for whoever routed
//! another account's events here.

use crate::common::{
    Clock, HandlerError, Invocation, Ports, Report, build_findings, builder, deliver_findings,
    gather,
};
use crate::metrics::Metrics;
use serde_json::Value;
use sidewatch_core::doors::cloudtrail::Target;
use sidewatch_core::doors::eventbridge::{Detail, EventBridgeEvent};
use sidewatch_core::ports::{EvidenceSource, FindingsSink, ItemSource, ResourceKey};
use sidewatch_core::{ConfigurationItem, Engine, Evaluation, Source, Verdict};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

/// The most resources of one type scanned to find a resource CloudTrail names only by name.
pub const MAX_NAME_SCAN: usize = 2000;

/// Handles one EventBridge event.
pub async fn handle<C, F, Q, V, I, E, U>(
    inv: Invocation<'_, C>,
    ports: &Ports<F, Q, V, I, E, U>,
    event: Value,
) -> Result<Metrics, HandlerError>
where
    C: Clock,
    F: FindingsSink + Sync,
    I: ItemSource + Sync,
    E: EvidenceSource + Sync,
{
    let event = EventBridgeEvent::from_value(event)?;
    inv.check_accounts("EventBridge event", event.account_claims())?;
    let mut report = Report::default();
    let engine = inv.engine;
    let env = &event.envelope;
    let mut work: Vec<Work> = Vec::new();
    match &event.detail {
        Detail::Ignored { reason } => {
            tracing::info!(detail_type = %env.detail_type, source = %env.source, "ignored: {reason}");
        }
        Detail::ConfigurationItemChange { item, .. } => work.push(Work::fresh(item.clone())),
        Detail::OversizedConfigurationItemChange { summary } => {
            if summary.is_gone() {
                work.push(Work::fresh(summary.placeholder_item().clone()));
            } else {
                let key = ResourceKey {
                    resource_type: summary.resource_type().to_owned(),
                    resource_id: summary.resource_id().to_owned(),
                };
                match ports.items.latest_item(&key).await {
                    Ok(Some(item)) => work.push(Work::fresh(item)),
                    Ok(None) => work.push(Work::fresh(summary.placeholder_item().clone())),
                    Err(error) => report.port_error(&format!("reading the item of {key}"), &error),
                }
            }
        }
        Detail::Scheduled => work.push(Work::fresh(
            event.account_item(inv.settings.evaluate_global_resources),
        )),
        Detail::ApiCall(call) => {
            tracing::info!(event_source = %call.event_source, event_name = %call.event_name, target = ?call.target, "API call");
            let stale_before = Some((env.time, call.event_name.clone()));
            match &call.target {
                Target::Ignored { reason } => tracing::info!("nothing to re-evaluate: {reason}"),
                Target::Account { .. } => {
                    let mut w =
                        Work::fresh(event.account_item(inv.settings.evaluate_global_resources));
                    w.only = Some(account_controls(engine, &call.target));
                    work.push(w);
                }
                Target::Resource {
                    resource_type,
                    resource_id,
                } => {
                    let key = ResourceKey {
                        resource_type: (*resource_type).to_owned(),
                        resource_id: resource_id.clone(),
                    };
                    match ports.items.latest_item(&key).await {
                        Ok(Some(item)) => work.push(Work {
                            item,
                            only: None,
                            stale_before: stale_before.clone(),
                        }),
                        Ok(None) => {
                            tracing::info!(resource = %key, "AWS Config has no item yet: evaluating what the event names");
                            let mut item =
                                ConfigurationItem::new(&key.resource_type, &key.resource_id);
                            item.account_id = Some(env.account.clone());
                            item.region = Some(env.region.clone());
                            work.push(Work {
                                item,
                                only: None,
                                stale_before,
                            });
                        }
                        Err(error) => {
                            report.port_error(&format!("reading the item of {key}"), &error)
                        }
                    }
                }
                Target::ResourceNamed {
                    resource_type,
                    resource_name,
                } => match find_named(&ports.items, resource_type, resource_name).await {
                    Ok(items) if items.is_empty() => tracing::warn!(
                        resource_type = *resource_type,
                        resource_name = %resource_name,
                        "AWS Config has no resource of this name yet; its change event or the sweep will evaluate it"
                    ),
                    Ok(items) => work.extend(items.into_iter().map(|item| Work {
                        item,
                        only: None,
                        stale_before: stale_before.clone(),
                    })),
                    Err(error) => report.port_error(
                        &format!("finding the {resource_type} named {resource_name}"),
                        &error,
                    ),
                },
            }
        }
    }

    let builder = builder(Source::Event, &inv.settings.region, inv.clock.now());
    let mut findings = Vec::new();
    for mut w in work {
        let mut kinds = engine.evidence_needed(&w.item);
        if let Some(only) = &w.only {
            // Only what the affected controls read: an account call changes one kind of evidence.
            kinds.retain(|k| {
                engine
                    .controls()
                    .any(|c| only.contains(&c.id) && c.evidence.contains(k))
            });
        }
        gather(inv.account, &ports.evidence, &mut w.item, &kinds).await;
        let mut evaluations = engine.evaluate(&w.item);
        if let Some(only) = &w.only {
            evaluations.retain(|e| only.contains(&e.control.id));
        }
        if let Some((time, call)) = &w.stale_before {
            guard_stale(&mut evaluations, &w.item, *time, call);
        }
        build_findings(&builder, &w.item, &evaluations, &mut findings, &mut report);
    }
    deliver_findings(&ports.findings, inv.settings, findings, &mut report).await;
    report.finish()
}

/// One item to evaluate.
struct Work {
    item: ConfigurationItem,
    /// Only these controls (an account-level API call affects a few).
    only: Option<Vec<&'static str>>,
    /// The API call the item may predate: its time and name.
    stale_before: Option<(OffsetDateTime, String)>,
}

impl Work {
    fn fresh(item: ConfigurationItem) -> Self {
        Work {
            item,
            only: None,
            stale_before: None,
        }
    }
}

/// The account-level controls an account API call can affect.
fn account_controls(engine: &Engine, target: &Target) -> Vec<&'static str> {
    target
        .affected_controls(engine)
        .into_iter()
        .filter(|c| c.applies_to(sidewatch_core::ACCOUNT_RESOURCE_TYPE))
        .map(|c| c.id)
        .collect()
}

/// Turns the PASSED verdicts of `item` into INSUFFICIENT_DATA when the item was captured before
/// the API call at `call_time` (or has no capture time): Config has not recorded the call's change
/// yet, so a pass on the old configuration proves nothing. Failures stay: they name a setting the
/// resource had, and the change event that follows corrects them.
pub fn guard_stale(
    evaluations: &mut [Evaluation],
    item: &ConfigurationItem,
    call_time: OffsetDateTime,
    call: &str,
) {
    let captured = item
        .capture_time
        .as_deref()
        .and_then(|t| OffsetDateTime::parse(t, &Rfc3339).ok());
    if captured.is_some_and(|c| c >= call_time) {
        return;
    }
    let when = call_time.format(&Rfc3339).unwrap_or_default();
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
}

/// The items of `resource_type` whose name is `name` (security groups of the default VPC named
/// by `groupName`, IAM users named by `userName`): Config lists ids, so this reads the items in
/// batches of 100 and compares names, scanning at most [`MAX_NAME_SCAN`] resources.
async fn find_named<I: ItemSource + Sync>(
    items: &I,
    resource_type: &str,
    name: &str,
) -> Result<Vec<ConfigurationItem>, sidewatch_core::ports::PortError> {
    let keys = items.list_resources(resource_type).await?;
    if keys.len() > MAX_NAME_SCAN {
        tracing::warn!(
            resource_type,
            count = keys.len(),
            "too many resources to find one by name; scanning the first {MAX_NAME_SCAN}"
        );
    }
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
