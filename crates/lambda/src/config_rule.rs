//! The AWS Config custom rule: one combined `PutEvaluations` entry per resource, and one finding
//! per control.
//!
//! * `ConfigurationItemChangeNotification`: the item in the event, evaluated with its evidence;
//! * `OversizedConfigurationItemChangeNotification`: the full item from
//!   [`ItemSource::latest_item`]; when Config has none, the summary (INSUFFICIENT_DATA, never a
//!   pass); when the summary says the resource is gone, NOT_APPLICABLE without a read;
//! * `ScheduledNotification`: the account-level item and the account controls (periodic rules);
//! * a deleted resource or `eventLeftScope`: NOT_APPLICABLE, and the findings ARCHIVED (same Ids);
//! * an event of another account (`accountId`, the item's `awsAccountId`): refused before any
//!   read or write, logged as an ERROR and counted (`ForeignAccountRefusals`), and *answered*:
//!   Config would otherwise invoke the rule again and again for an event no retry can change.
//!
//! The rule's parameters select controls: when the rule has any, they replace the environment's
//! selection (`controls`, `exclude`) and add to its parameters; a rule without parameters runs the
//! environment's engine. `resultToken` `TESTMODE` sends `PutEvaluations` with `TestMode=true`.

use crate::common::{
    Clock, HandlerError, Invocation, Ports, Report, build_findings, builder, deliver_evaluations,
    deliver_findings, gather, label,
};
use crate::metrics::Metrics;
use serde_json::Value;
use sidewatch_core::doors::DoorError;
use sidewatch_core::doors::config_rule::{
    CONTROLS_KEY, ConfigRuleEvent, EXCLUDE_KEY, InvokingEvent, RuleParameters,
};
use sidewatch_core::doors::evaluations::ConfigEvaluation;
use sidewatch_core::ports::{
    EvaluationsSink, EvidenceSource, FindingsSink, ItemSource, ResourceKey,
};
use sidewatch_core::{ConfigurationItem, Engine, Source};

/// Handles one Config rule invocation.
pub async fn handle<C, F, Q, V, I, E, U>(
    inv: Invocation<'_, C>,
    ports: &Ports<F, Q, V, I, E, U>,
    event: Value,
) -> Result<Metrics, HandlerError>
where
    C: Clock,
    F: FindingsSink + Sync,
    V: EvaluationsSink + Sync,
    I: ItemSource + Sync,
    E: EvidenceSource + Sync,
{
    let event = ConfigRuleEvent::from_value(event)?;
    if inv
        .check_accounts("Config rule event", event.account_claims())
        .is_err()
    {
        return Ok(Metrics {
            foreign_account_refusals: 1,
            ..Metrics::default()
        });
    }
    let rule_engine = engine_for(inv.settings, &event.parameters)?;
    let engine = rule_engine.as_ref().unwrap_or(inv.engine);
    let region = event.region().unwrap_or(&inv.settings.region).to_owned();
    let mut report = Report::default();

    let mut item = match &event.invoking_event {
        InvokingEvent::ConfigurationItemChange { item, .. } => item.clone(),
        InvokingEvent::OversizedConfigurationItemChange { summary, .. } => {
            if summary.is_gone() || event.event_left_scope {
                summary.placeholder_item().clone()
            } else {
                let key = ResourceKey {
                    resource_type: summary.resource_type().to_owned(),
                    resource_id: summary.resource_id().to_owned(),
                };
                match ports.items.latest_item(&key).await {
                    Ok(Some(item)) => item,
                    Ok(None) => {
                        tracing::warn!(resource = %key, "AWS Config has no item for the oversized change; reporting what the summary allows");
                        summary.placeholder_item().clone()
                    }
                    Err(error) => {
                        // Nothing is reported: a retry can read the item; a guess could be a false pass.
                        report.port_error(&format!("reading the item of {key}"), &error);
                        return report.finish();
                    }
                }
            }
        }
        InvokingEvent::Scheduled { .. } => event
            .account_item(&region, inv.settings.evaluate_global_resources)
            .unwrap_or_else(|| ConfigurationItem::new("AWS::::Account", "")),
    };

    let kinds = event.evidence_needed(engine, &item);
    gather(inv.account, &ports.evidence, &mut item, &kinds).await;
    let evaluations = event.evaluate(engine, &item);
    tracing::info!(
        resource = %label(&item),
        rule = event.config_rule_name.as_deref().unwrap_or(""),
        controls = evaluations.len(),
        left_scope = event.event_left_scope,
        "config rule invocation"
    );
    let combined = ConfigEvaluation::for_item(
        &item,
        &evaluations,
        event.invoking_event.notification_time(),
    )?;

    let mut findings = Vec::new();
    let builder = builder(Source::ConfigRule, &region, inv.clock.now());
    build_findings(&builder, &item, &evaluations, &mut findings, &mut report);

    deliver_evaluations(
        &ports.evaluations,
        &event.result_token,
        vec![combined],
        event.test_mode(),
        &mut report,
    )
    .await;
    deliver_findings(&ports.findings, inv.settings, findings, &mut report).await;
    report.finish()
}

/// The engine of a rule with parameters: the environment's configuration with the rule's
/// selection and parameters applied over it; `None` when the rule has no parameters (the
/// function's engine, built once per container, applies). Building one costs microseconds.
pub fn engine_for(
    settings: &crate::Settings,
    params: &RuleParameters,
) -> Result<Option<Engine>, DoorError> {
    if params.is_empty() {
        return Ok(None);
    }
    let rule = params.engine_config()?;
    let mut config = settings.engine.clone();
    if params.get(CONTROLS_KEY).is_some() {
        config.select = rule.select;
    }
    if params.get(EXCLUDE_KEY).is_some() {
        config.exclude = rule.exclude;
    }
    for control in rule.overrides.controls() {
        for (name, value) in rule.overrides.for_control(control) {
            config.overrides.set(control, name, value);
        }
    }
    Engine::new(&config)
        .map(Some)
        .map_err(|error| DoorError::Parameter {
            key: "ruleParameters".to_owned(),
            reason: format!("together with the function's environment: {error}"),
        })
}
