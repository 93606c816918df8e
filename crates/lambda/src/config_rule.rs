//! The AWS Config custom rule: one combined `PutEvaluations` entry per resource, and one finding
//! per control.
//!
//! * `ConfigurationItemChangeNotification`: the item in the event, evaluated with its evidence;
//! * `OversizedConfigurationItemChangeNotification`: the full item from
//!   `ItemSource::latest_item`; when Config has none, the summary (INSUFFICIENT_DATA, never a
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
    HandlerError, Invocation, Report, WorkflowPorts, builder, deliver_evaluations,
    deliver_findings, deliver_updates, exception_updates, label, record_outcome,
};
use crate::metrics::Metrics;
use serde_json::Value;
use sidewatch_core::doors::DoorError;
use sidewatch_core::doors::config_rule::{
    CONTROLS_KEY, ConfigRuleEvent, EXCLUDE_KEY, RuleParameters,
};
use sidewatch_core::doors::evaluations::ConfigEvaluation;
use sidewatch_core::pipeline::{self, ChangedBy};
use sidewatch_core::ports::RulePorts;
use sidewatch_core::{Engine, EngineError, RuleSet, Source};
use std::sync::Arc;

/// Handles one Config rule invocation: parse, refuse another account's event, run the pipeline
/// on the event's trigger, deliver the combined evaluation and the findings.
pub async fn handle<P: RulePorts + WorkflowPorts>(
    inv: Invocation<'_>,
    ports: &P,
    event: Value,
) -> Result<Metrics, HandlerError> {
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
    let rule_engine = engine_for(inv.settings, &inv.custom.rule_sets, &event.parameters)?;
    let engine = match &rule_engine {
        RuleEngine::Function => inv.engine,
        RuleEngine::Own(engine) => engine,
        RuleEngine::Nothing => {
            tracing::info!(
                rule = event.config_rule_name.as_deref().unwrap_or(""),
                "this Config rule selects only custom rules and the rules location has none: \
                 nothing to evaluate"
            );
            return Ok(Metrics::default());
        }
    };
    let region = event.region().unwrap_or(&inv.settings.region).to_owned();
    let trigger = event.trigger(&region, inv.settings.evaluate_global_resources);
    let builder = builder(Source::ConfigRule, &region, inv.clock.now());
    let changed_by = ChangedBy::Related { failed_only: false };
    let outcome = pipeline::run(
        vec![trigger],
        inv.run(engine, &builder, None, changed_by),
        ports,
    )
    .await;

    let mut report = Report::default();
    record_outcome(&outcome, &mut report);
    // One resource per invocation; none when its item could not be read (nothing is reported:
    // a retry can read it, a guess could be a false pass).
    if let Some(evaluated) = outcome.evaluated.first() {
        tracing::info!(
            resource = %label(&evaluated.item),
            rule = event.config_rule_name.as_deref().unwrap_or(""),
            controls = evaluated.evaluations.len(),
            left_scope = event.event_left_scope,
            "config rule invocation"
        );
        let combined = ConfigEvaluation::for_item(
            &evaluated.item,
            &evaluated.evaluations,
            event.invoking_event.notification_time(),
        )?
        .changed_by(evaluated.changed_by.as_ref());
        deliver_evaluations(
            ports.evaluations(),
            &event.result_token,
            vec![combined],
            event.test_mode(),
            &mut report,
        )
        .await;
    }
    let mut findings = outcome.findings;
    let updates = exception_updates(&inv, &mut findings, |_| None);
    deliver_findings(ports.findings(), inv.settings, findings, &mut report).await;
    deliver_updates(ports.workflow(), inv.settings, updates, &mut report).await;
    report.finish()
}

/// The engine a Config rule's invocation runs.
#[derive(Debug)]
pub enum RuleEngine {
    /// The rule has no parameters: the function's engine, built once per container.
    Function,
    /// The rule's own selection and parameters over the environment's.
    Own(Engine),
    /// The rule and the environment together select no control — the custom rules' Config rule
    /// (every built-in service excluded) of a rules location without `.guard` files, or of a
    /// `SIDEWATCH_CONTROLS` that selects none of them: nothing to evaluate, nothing reported.
    Nothing,
}

/// The engine of a rule with parameters: the environment's configuration with the rule's
/// selection and parameters applied over it, with the custom controls of `rule_sets` (a rule may
/// select or exclude them too). Building one costs microseconds.
pub fn engine_for(
    settings: &crate::Settings,
    rule_sets: &[Arc<dyn RuleSet>],
    params: &RuleParameters,
) -> Result<RuleEngine, DoorError> {
    if params.is_empty() {
        return Ok(RuleEngine::Function);
    }
    let rule = params.engine_config_for(rule_sets)?;
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
    match Engine::with_rules(&config, rule_sets.to_vec()) {
        Ok(engine) => Ok(RuleEngine::Own(engine)),
        Err(EngineError::NothingSelected) => Ok(RuleEngine::Nothing),
        Err(error) => Err(DoorError::Parameter {
            key: "ruleParameters".to_owned(),
            reason: format!("together with the function's environment: {error}"),
        }),
    }
}
