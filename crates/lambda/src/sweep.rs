//! The sweep: a scheduled reconciliation of Security Hub with what AWS Config knows, fanned out
//! through an SQS queue so no invocation nears Lambda's 15-minute limit.
//!
//! **Scheduled invocation** ([`schedule`]): lists the resources of every resource type the engine
//! covers ([`ItemSource::list_resources`]), adds the resources that still have ACTIVE sidewatch
//! findings but are no longer listed (so their findings get archived), and sends them to the
//! sweep queue in messages of at most [`MAX_KEYS_PER_MESSAGE`] keys, at most
//! [`MAX_ENTRIES_PER_BATCH`] messages and [`MAX_BATCH_BYTES`] per `SendMessageBatch` call
//! ([`SweepQueue`]). Entries still refused after the adapter's retries fail the invocation (the
//! whole sweep is sent again on Lambda's retry: reconciling twice changes nothing).
//!
//! **SQS invocation** ([`consume`]): for each message, reads the items (`batch_items`), evaluates
//! them with their evidence, and reconciles with the findings sidewatch already owns:
//! [`needs_import`] keeps only findings whose `Compliance.Status`, `Description` or `RecordState`
//! changed, so a sweep over an unchanged estate imports nothing; a key that `batch_items` does not
//! return and `list_resources` no longer lists is gone, and its ACTIVE findings are archived. The
//! owned findings are read **once per invocation** (not per message): `GetFindings` cannot filter
//! by resource through the port, Security Hub rate-limits it, and an invocation carries up to 10
//! messages of one account and Region. A message that fails in any way is returned in
//! `batchItemFailures` (partial batch response) so SQS delivers it again and finally moves it to
//! the dead-letter queue: no message is lost, the others are deleted.
//!
//! **Types the Config recorder does not record** ([`unrecorded`]): the scheduled run reads the
//! recorder's recording group and lists only the recorded types through Config; for each covered
//! type that is not recorded and that the inventory can build it queues one message "collect type
//! T in Region R" ([`SweepMessage::collect_type`]). Its consumer collects the type with the
//! inventory, evaluates the items with their evidence and reconciles them exactly as Config's
//! (only changed findings imported; ACTIVE findings of resources of that type no longer collected
//! archived). A failed listing is not "gone": the message fails (SQS delivers it again) and
//! nothing is archived. A failed detail read of one resource keeps that resource's findings (it
//! exists) and fails the message only when retrying can help. One message per type keeps the
//! schedule small; its consumer holds one type's items of one Region at a time.

use crate::common::{
    HandlerError, Invocation, Report, WorkflowPorts, builder, deliver_findings, deliver_updates,
    exception_updates, record_outcome,
};
use crate::metrics::Metrics;
use aws_lambda_events::event::sqs::{SqsBatchResponse, SqsEvent};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use sidewatch_core::doors::eventbridge::{Detail, EventBridgeEvent};
use sidewatch_core::finding::RecordState;
use sidewatch_core::pipeline::{self, ChangedBy, Trigger};
use sidewatch_core::ports::{
    FindingsQuery, FindingsSource, InventorySource, ItemSource, PortError, QueueEntry,
    RecorderSource, ResourceKey, StoredFinding, SweepPorts, SweepQueue,
};
use sidewatch_core::{
    ACCOUNT_RESOURCE_TYPE, ConfigurationItem, Engine, Finding, ItemStatus, Source,
};
use std::collections::{BTreeSet, HashMap};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

/// The sweep names who changed a resource only for FAILED findings, and only when
/// `SIDEWATCH_SWEEP_LOOKUP_CHANGES` says so (each lookup costs CloudTrail calls).
const SWEEP_CHANGED_BY: ChangedBy<'static> = ChangedBy::Related { failed_only: true };

pub mod unrecorded;

/// Keys per queue message: what one `BatchGetResourceConfig` call reads.
pub const MAX_KEYS_PER_MESSAGE: usize = 100;
/// Entries per `SendMessageBatch` call.
pub const MAX_ENTRIES_PER_BATCH: usize = 10;
/// Bytes of all message bodies of one `SendMessageBatch` call (and of one message).
pub const MAX_BATCH_BYTES: usize = 256 * 1024;

/// The body of a sweep message: which resources of which account and Region to reconcile.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SweepMessage {
    /// The scheduled event's id, to follow one sweep through the logs.
    pub sweep: String,
    pub account: String,
    pub region: String,
    /// Resources to read from AWS Config (empty in a collect message).
    #[serde(default)]
    pub keys: Vec<MessageKey>,
    /// A resource type the recorder does not record: collect every resource of it in the Region
    /// with the inventory and reconcile them all (`keys` is then empty).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub collect_type: Option<String>,
}

/// One resource in a [`SweepMessage`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MessageKey {
    pub resource_type: String,
    pub resource_id: String,
}

impl From<&ResourceKey> for MessageKey {
    fn from(key: &ResourceKey) -> Self {
        MessageKey {
            resource_type: key.resource_type.clone(),
            resource_id: key.resource_id.clone(),
        }
    }
}

impl From<&MessageKey> for ResourceKey {
    fn from(key: &MessageKey) -> Self {
        ResourceKey {
            resource_type: key.resource_type.clone(),
            resource_id: key.resource_id.clone(),
        }
    }
}

/// What the sweep function returns to Lambda.
#[derive(Debug)]
pub enum SweepOutcome {
    /// The scheduled run: how many messages were queued.
    Scheduled { messages: usize, metrics: Metrics },
    /// The SQS run: the partial batch response.
    Consumed {
        response: SqsBatchResponse,
        metrics: Metrics,
    },
}

impl SweepOutcome {
    /// The counts, for the EMF line.
    pub fn metrics(&self) -> Metrics {
        match self {
            SweepOutcome::Scheduled { metrics, .. } | SweepOutcome::Consumed { metrics, .. } => {
                *metrics
            }
        }
    }

    /// The JSON returned to Lambda (`{"batchItemFailures": [...]}` for SQS).
    pub fn to_value(&self) -> Value {
        match self {
            SweepOutcome::Scheduled { messages, .. } => serde_json::json!({"messages": messages}),
            SweepOutcome::Consumed { response, .. } => {
                serde_json::to_value(response).unwrap_or(Value::Null)
            }
        }
    }
}

/// The sweep function's entry point: an SQS event (it has `Records`) is consumed, anything else
/// is read as the scheduled EventBridge event. `unrecorded` reads the Config recorder and builds
/// the items of the types it does not record.
pub async fn handle<P: SweepPorts + WorkflowPorts>(
    inv: Invocation<'_>,
    ports: &P,
    event: Value,
) -> Result<SweepOutcome, HandlerError> {
    if event.get("Records").is_some() {
        let sqs: SqsEvent =
            serde_json::from_value(event).map_err(|e| sidewatch_core::doors::DoorError::Json {
                event: "SQS event",
                reason: e.to_string(),
            })?;
        let (response, metrics) = consume(inv, ports, sqs).await;
        Ok(SweepOutcome::Consumed { response, metrics })
    } else {
        schedule(inv, ports, event).await
    }
}

/// The query for sidewatch's ACTIVE findings in `account` and `region`.
pub fn owned_findings(account: &str, region: &str) -> FindingsQuery {
    FindingsQuery {
        product_arn: sidewatch_core::arn::DefaultProduct::in_region(region, account).to_string(),
        generator_prefix: "sidewatch/".to_owned(),
        active_only: true,
    }
}

/// The resource a stored finding is about (`sidewatch/ResourceType`, `sidewatch/ResourceId`).
pub fn stored_key(finding: &StoredFinding) -> Option<ResourceKey> {
    let field = |name: &str| {
        finding
            .product_fields
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
    };
    Some(ResourceKey {
        resource_type: field("sidewatch/ResourceType")?,
        resource_id: field("sidewatch/ResourceId")?,
    })
}

/// Whether `new` must be imported given what Security Hub holds for its Id: always when
/// `Compliance.Status`, `Description` or `RecordState` differ, or when Security Hub's copy is
/// old enough to expire soon ([`Finding::renews`]); never for an ARCHIVED finding Security Hub
/// does not hold ACTIVE (there is nothing to archive). `stored` comes from a read of ACTIVE
/// findings only.
pub fn needs_import(new: &Finding, stored: Option<&StoredFinding>) -> bool {
    match stored {
        None => new.record_state != RecordState::Archived,
        Some(old) => {
            old.compliance_status.as_deref() != Some(new.compliance_status())
                || old.description != new.description
                || old.record_state != new.record_state.as_str()
                || new.renews(&old.updated_at)
        }
    }
}

/// The sweep's findings that [`needs_import`] keeps, each ordered after Security Hub's copy
/// ([`Finding::order_after`]): the sweep reads the latest item, so what it imports is the newest
/// state known, even when its item is the one Security Hub's copy was built from (a verdict that
/// changed with the evidence, or a renewal) — Security Hub would ignore an `UpdatedAt` before
/// the stored one. An evaluation of a newer item imported since the read still wins.
pub fn to_import(findings: Vec<Finding>, owned: &HashMap<String, StoredFinding>) -> Vec<Finding> {
    findings
        .into_iter()
        .filter(|f| needs_import(f, owned.get(&f.id)))
        .map(|mut f| {
            let stored = owned
                .get(&f.id)
                .and_then(|s| OffsetDateTime::parse(s.updated_at.trim(), &Rfc3339).ok());
            if let Some(stored) = stored {
                f.order_after(stored);
            }
            f
        })
        .collect()
}

/// The scheduled run: read the recorder, list the recorded types, add what only findings
/// remember, queue their keys and one collect message per unrecorded type.
pub async fn schedule<P: SweepPorts + WorkflowPorts>(
    inv: Invocation<'_>,
    ports: &P,
    event: Value,
) -> Result<SweepOutcome, HandlerError> {
    let event = EventBridgeEvent::from_value(event)?;
    inv.check_accounts("scheduled sweep event", event.account_claims())?;
    if let Detail::Ignored { reason } = &event.detail {
        tracing::info!("sweep ignored the event: {reason}");
        return Ok(SweepOutcome::Scheduled {
            messages: 0,
            metrics: Metrics::default(),
        });
    }
    let env = &event.envelope;
    let mut report = Report::default();
    let covered = covered_types(inv.engine);
    let plan = sweep_plan(inv, ports, &covered, &env.region, &mut report).await;
    let types = &plan.from_config;
    let mut keys: BTreeSet<ResourceKey> = BTreeSet::new();
    for resource_type in types {
        match ports.items().list_resources(resource_type).await {
            Ok(listed) => keys.extend(listed),
            Err(error) => report.port_error(&format!("listing {resource_type}"), &error),
        }
    }
    let listed = keys.len();
    match ports
        .stored()
        .findings(&owned_findings(&env.account, &env.region))
        .await
    {
        Ok(stored) => keys.extend(
            stored
                .iter()
                .filter_map(stored_key)
                .filter(|k| types.contains(&k.resource_type)),
        ),
        Err(error) => report.port_error("reading sidewatch's findings", &error),
    }
    tracing::info!(
        listed,
        only_in_findings = keys.len() - listed,
        "sweep resources"
    );
    let sweep_id = env.id.clone().unwrap_or_default();
    let keys: Vec<ResourceKey> = keys.into_iter().collect();
    let mut entries = Vec::new();
    for (n, chunk) in keys.chunks(MAX_KEYS_PER_MESSAGE).enumerate() {
        let message = SweepMessage {
            sweep: sweep_id.clone(),
            account: env.account.clone(),
            region: env.region.clone(),
            keys: chunk.iter().map(MessageKey::from).collect(),
            collect_type: None,
        };
        match serde_json::to_string(&message) {
            Ok(body) if body.len() <= MAX_BATCH_BYTES => entries.push(QueueEntry {
                id: format!("m{n}"),
                body,
            }),
            Ok(body) => report.problem(format!(
                "sweep message m{n} is {} bytes, over the queue's limit",
                body.len()
            )),
            Err(e) => report.problem(format!("sweep message m{n} not written: {e}")),
        }
    }
    for (n, resource_type) in plan.from_inventory.iter().enumerate() {
        let message = SweepMessage {
            sweep: sweep_id.clone(),
            account: env.account.clone(),
            region: env.region.clone(),
            keys: Vec::new(),
            collect_type: Some(resource_type.clone()),
        };
        match serde_json::to_string(&message) {
            Ok(body) => entries.push(QueueEntry {
                id: format!("c{n}"),
                body,
            }),
            Err(e) => report.problem(format!("sweep message c{n} not written: {e}")),
        }
    }
    let messages = entries.len();
    for batch in send_batches(entries) {
        let ids: Vec<String> = batch.iter().map(|e| e.id.clone()).collect();
        match ports.queue().send_batch(batch).await {
            Ok(delivery) => {
                for failure in &delivery.failed {
                    tracing::error!(entry = %failure.id, code = %failure.code, message = %failure.message, "sweep message refused");
                    report.problem(format!(
                        "sweep message {} refused ({}): {}",
                        failure.id, failure.code, failure.message
                    ));
                }
            }
            Err(error) => {
                report.metrics.failures += ids.len().saturating_sub(1) as u64;
                report.port_error_of(
                    crate::common::ProblemClass::DeliveryFailed,
                    &format!("sending sweep messages {}", ids.join(",")),
                    &error,
                );
            }
        }
    }
    let metrics = report.finish()?;
    Ok(SweepOutcome::Scheduled { messages, metrics })
}

/// Which covered types go through Config and which through the inventory. When the recorder
/// cannot be read, everything goes through Config (what the sweep did before) and the problem
/// fails the invocation, so Lambda runs the schedule again.
async fn sweep_plan<P: SweepPorts + WorkflowPorts>(
    inv: Invocation<'_>,
    ports: &P,
    covered: &BTreeSet<String>,
    region: &str,
    report: &mut Report,
) -> unrecorded::SweepPlan {
    let recorded = match ports.recorders().recorders().await {
        Ok(recorders) => {
            if recorders.is_empty() {
                tracing::warn!(
                    "no AWS Config recorder in this Region: every type the inventory can build is swept through it"
                );
            }
            unrecorded::recorded_types(&recorders, region, covered)
        }
        Err(error) => {
            report.port_error(
                "reading the AWS Config recorder (sweeping every type through Config)",
                &error,
            );
            covered.clone()
        }
    };
    let plan = unrecorded::plan(
        covered,
        &recorded,
        &ports.inventory().resource_types(),
        inv.settings.evaluate_global_resources,
    );
    tracing::info!(
        from_config = ?plan.from_config,
        from_inventory = ?plan.from_inventory,
        "sweep plan"
    );
    if !plan.unrecorded_on_config.is_empty() {
        tracing::warn!(
            types = ?plan.unrecorded_on_config,
            "not recorded by AWS Config and not collected in this Region: only Config's last items of these types are swept"
        );
    }
    plan
}

/// Every resource type the engine's controls evaluate, the account-level one excepted (the
/// scheduled EventBridge rule of the events function evaluates it).
pub fn covered_types(engine: &Engine) -> BTreeSet<String> {
    engine
        .controls()
        .flat_map(|c| c.resource_types.iter())
        .filter(|t| **t != ACCOUNT_RESOURCE_TYPE)
        .map(|t| (*t).to_owned())
        .collect()
}

/// Groups entries into `SendMessageBatch` calls: at most [`MAX_ENTRIES_PER_BATCH`] entries and
/// [`MAX_BATCH_BYTES`] of bodies each, in order.
pub fn send_batches(entries: Vec<QueueEntry>) -> Vec<Vec<QueueEntry>> {
    let mut batches: Vec<Vec<QueueEntry>> = Vec::new();
    let mut bytes = 0;
    for entry in entries {
        let fits = batches.last().is_some_and(|b| {
            b.len() < MAX_ENTRIES_PER_BATCH && bytes + entry.body.len() <= MAX_BATCH_BYTES
        });
        if !fits {
            batches.push(Vec::new());
            bytes = 0;
        }
        bytes += entry.body.len();
        if let Some(last) = batches.last_mut() {
            last.push(entry);
        }
    }
    batches
}

/// The SQS run: each message reconciled on its own; the failed ones in `batchItemFailures`.
pub async fn consume<P: SweepPorts + WorkflowPorts>(
    inv: Invocation<'_>,
    ports: &P,
    event: SqsEvent,
) -> (SqsBatchResponse, Metrics) {
    let mut response = SqsBatchResponse::default();
    let mut metrics = Metrics::default();
    let mut stored: HashMap<(String, String), Result<HashMap<String, StoredFinding>, PortError>> =
        HashMap::new();
    let mut listings: HashMap<String, Result<BTreeSet<String>, PortError>> = HashMap::new();
    for record in event.records {
        let message_id = record.message_id.clone().unwrap_or_default();
        let mut report = Report::default();
        match record
            .body
            .as_deref()
            .map(serde_json::from_str::<SweepMessage>)
        {
            None => report.problem("the message has no body"),
            Some(Err(e)) => report.problem(format!("the body is not a sweep message: {e}")),
            Some(Ok(message))
                if inv
                    .check_accounts(
                        "sweep message",
                        [sidewatch_core::boundary::Claim::new(
                            "account",
                            &message.account,
                        )],
                    )
                    .is_err() =>
            {
                // Kept: SQS delivers it again, then moves it to the dead-letter queue.
                report.metrics.foreign_account_refusals += 1;
                report.problem(format!(
                    "the message is for account {}, not this one",
                    message.account
                ));
            }
            Some(Ok(message)) => {
                let scope = (message.account.clone(), message.region.clone());
                if !stored.contains_key(&scope) {
                    let read = ports
                        .stored()
                        .findings(&owned_findings(&scope.0, &scope.1))
                        .await
                        .map(|all| all.into_iter().map(|f| (f.id.clone(), f)).collect());
                    stored.insert(scope.clone(), read);
                }
                match stored.get(&scope) {
                    Some(Ok(owned)) => match &message.collect_type {
                        Some(resource_type) => {
                            reconcile_collected(
                                inv,
                                ports,
                                &message,
                                resource_type,
                                owned,
                                &mut report,
                            )
                            .await
                        }
                        None => {
                            reconcile(inv, ports, &message, owned, &mut listings, &mut report).await
                        }
                    },
                    Some(Err(error)) => report.port_error("reading sidewatch's findings", error),
                    None => report.problem("findings not read"),
                }
            }
        }
        metrics.add(report.metrics);
        if !report.problems.is_empty() {
            tracing::error!(message_id = %message_id, problems = ?report.problems, "sweep message failed; SQS will deliver it again");
            response.add_failure(message_id);
        }
    }
    (response, metrics)
}

/// Reconciles one message's resources.
async fn reconcile<P: SweepPorts + WorkflowPorts>(
    inv: Invocation<'_>,
    ports: &P,
    message: &SweepMessage,
    owned: &HashMap<String, StoredFinding>,
    listings: &mut HashMap<String, Result<BTreeSet<String>, PortError>>,
    report: &mut Report,
) {
    let keys: Vec<ResourceKey> = message.keys.iter().map(ResourceKey::from).collect();
    let batch = match ports.items().batch_items(&keys).await {
        Ok(batch) => batch,
        Err(error) => return report.port_error("reading the items", &error),
    };
    for key in &batch.unprocessed {
        report.problem(format!("AWS Config did not process {key}"));
    }
    let mut triggers = Vec::new();
    let mut returned: BTreeSet<ResourceKey> = BTreeSet::new();
    for item in batch.items {
        returned.insert(ResourceKey {
            resource_type: item.resource_type.clone(),
            resource_id: item.resource_id.clone(),
        });
        triggers.push(Trigger::Item(item));
    }
    for key in &keys {
        if returned.contains(key) || batch.unprocessed.contains(key) {
            continue;
        }
        if !listings.contains_key(&key.resource_type) {
            let listed = ports
                .items()
                .list_resources(&key.resource_type)
                .await
                .map(|keys| keys.into_iter().map(|k| k.resource_id).collect());
            listings.insert(key.resource_type.clone(), listed);
        }
        match listings.get(&key.resource_type) {
            Some(Ok(listed)) if listed.contains(&key.resource_id) => {
                tracing::warn!(resource = %key, "AWS Config lists the resource but returned no item; its findings are left as they are");
            }
            Some(Ok(_)) => {
                tracing::info!(resource = %key, "resource no longer exists: archiving its findings");
                triggers.push(Trigger::Item(gone_item(key, message, owned)));
            }
            Some(Err(error)) => report.port_error(&format!("listing {}", key.resource_type), error),
            None => report.problem(format!("{} not listed", key.resource_type)),
        }
    }
    let builder = builder(Source::Sweep, &message.region, inv.clock.now());
    let outcome = pipeline::run(
        triggers,
        inv.run(inv.engine, &builder, None, SWEEP_CHANGED_BY),
        ports,
    )
    .await;
    record_outcome(&outcome, report);
    let mut findings = outcome.findings;
    let updates = exception_updates(&inv, &mut findings, |id| {
        owned.get(id).and_then(|f| f.workflow_status.as_deref())
    });
    let total = findings.len();
    let findings = to_import(findings, owned);
    tracing::info!(
        evaluated = total,
        changed = findings.len(),
        "reconciled sweep message"
    );
    deliver_findings(ports.findings(), inv.settings, findings, report).await;
    deliver_updates(ports.workflow(), inv.settings, updates, report).await;
}

/// Reconciles a collect message: every resource of `resource_type` the inventory builds in the
/// message's Region, and the ACTIVE findings of resources of that type it no longer finds.
async fn reconcile_collected<P: SweepPorts + WorkflowPorts>(
    inv: Invocation<'_>,
    ports: &P,
    message: &SweepMessage,
    resource_type: &str,
    owned: &HashMap<String, StoredFinding>,
    report: &mut Report,
) {
    let collected = ports
        .inventory()
        .collect(resource_type, &message.region)
        .await;
    // Resources known to exist: those built, and those whose detail read failed.
    let mut present: BTreeSet<String> = BTreeSet::new();
    let mut complete = true;
    for failure in &collected.failures {
        match &failure.resource_id {
            None => {
                complete = false;
                report.port_error(&format!("collecting {resource_type}"), &failure.error);
            }
            Some(id) => {
                present.insert(id.clone());
                if failure.error.is_retryable() {
                    report.port_error(&format!("collecting {resource_type} {id}"), &failure.error);
                } else {
                    tracing::warn!(resource = %format!("{resource_type} {id}"), error = %failure.error, "a detail read failed; the resource's findings are kept");
                }
            }
        }
    }
    let mut triggers = Vec::new();
    let collected_count = collected.items.len();
    for item in collected.items {
        if item.resource_type != resource_type {
            continue;
        }
        present.insert(item.resource_id.clone());
        triggers.push(Trigger::Item(item));
    }
    if complete {
        let gone: BTreeSet<ResourceKey> = owned
            .values()
            .filter_map(stored_key)
            .filter(|k| k.resource_type == resource_type && !present.contains(&k.resource_id))
            .collect();
        for key in &gone {
            tracing::info!(resource = %key, "resource no longer exists: archiving its findings");
            triggers.push(Trigger::Item(gone_item(key, message, owned)));
        }
    } else {
        tracing::warn!(
            resource_type,
            "the listing failed: findings of resources not collected are left as they are"
        );
    }
    let builder = builder(Source::Sweep, &message.region, inv.clock.now());
    let outcome = pipeline::run(
        triggers,
        inv.run(inv.engine, &builder, None, SWEEP_CHANGED_BY),
        ports,
    )
    .await;
    record_outcome(&outcome, report);
    let mut findings = outcome.findings;
    let updates = exception_updates(&inv, &mut findings, |id| {
        owned.get(id).and_then(|f| f.workflow_status.as_deref())
    });
    let total = findings.len();
    let findings = to_import(findings, owned);
    tracing::info!(
        resource_type,
        collected = collected_count,
        evaluated = total,
        changed = findings.len(),
        "reconciled collected resources"
    );
    deliver_findings(ports.findings(), inv.settings, findings, report).await;
    deliver_updates(ports.workflow(), inv.settings, updates, report).await;
}

/// The item of a resource that no longer exists: deleted, so every control is NOT_APPLICABLE and
/// its findings ARCHIVED; the ARN as the findings recorded it.
fn gone_item(
    key: &ResourceKey,
    message: &SweepMessage,
    owned: &HashMap<String, StoredFinding>,
) -> ConfigurationItem {
    let mut item = ConfigurationItem::new(&key.resource_type, &key.resource_id);
    item.status = ItemStatus::ResourceDeleted;
    item.account_id = Some(message.account.clone());
    item.region = Some(message.region.clone());
    item.arn = owned
        .values()
        .find(|f| stored_key(f).as_ref() == Some(key))
        .map(|f| f.resource_id.clone())
        .filter(|arn| arn.starts_with("arn:"));
    item
}
