//! The event AWS Config sends a custom Lambda rule.
//!
//! AWS Config invokes the rule's function with an envelope (`invokingEvent`, `ruleParameters`,
//! `resultToken`, `eventLeftScope`, `configRuleName`, `configRuleArn`, `accountId`, …) whose
//! `invokingEvent` and `ruleParameters` are JSON embedded as strings. The invoking event is one of
//! three message types:
//!
//! * `ConfigurationItemChangeNotification`: the full configuration item, evaluated as is;
//! * `OversizedConfigurationItemChangeNotification`: only a summary; the function fetches the
//!   item with `GetResourceConfigHistory` (resource type, resource id, `limit 1`) unless the
//!   summary says the resource is gone;
//! * `ScheduledNotification`: a periodic run, evaluated on the account-level item.
//!
//! Rule parameters choose the controls, so one function serves any number of rules:
//! `{"controls": "S3,EC2.19", "exclude": "S3.20", "EC2.19.blockedPorts": "22,3389"}`.
//!
//! A change event with `eventLeftScope: true` reports NOT_APPLICABLE from every selected control
//! that evaluates the resource type ([`ConfigRuleEvent::evaluate`]); a deleted resource gets the
//! same from the engine. When `resultToken` is `TESTMODE` ([`ConfigRuleEvent::test_mode`]),
//! `PutEvaluations` must be called with `TestMode=true`.

use super::evaluations::ConfigEvaluation;
use super::{
    DoorError, ResourceSummary, decode, embedded, flag, missing, not_applicable, object,
    parse_time, path, text,
};
use crate::boundary::Claim;
use crate::engine::{Engine, EngineConfig, EngineError, Evaluation};
use crate::evidence::EvidenceKind;
use crate::item::ACCOUNT_RESOURCE_TYPE;
use crate::item::{ConfigurationItem, json_type};
use crate::params::ParamError;
use crate::pipeline::Trigger;
use crate::ports::ResourceKey;
use serde::Deserialize;
use serde_json::{Map, Value};
use std::collections::BTreeMap;
use time::OffsetDateTime;

/// How errors name this event.
const EVENT: &str = "AWS Config rule event";

/// The `resultToken` of a test invocation; `PutEvaluations` then takes `TestMode=true`.
pub const TEST_MODE_TOKEN: &str = "TESTMODE";

/// `messageType` of a configuration change.
pub const CONFIGURATION_ITEM_CHANGE: &str = "ConfigurationItemChangeNotification";
/// `messageType` of a configuration change too large for the event.
pub const OVERSIZED_CONFIGURATION_ITEM_CHANGE: &str =
    "OversizedConfigurationItemChangeNotification";
/// `messageType` of a periodic run.
pub const SCHEDULED: &str = "ScheduledNotification";

/// The reason every control gives a resource that left the rule's scope.
pub const LEFT_SCOPE_REASON: &str =
    "the resource left the rule's scope (eventLeftScope); Config expects NOT_APPLICABLE";

/// One invocation of a custom Lambda rule.
#[derive(Debug, Clone, PartialEq)]
pub struct ConfigRuleEvent {
    /// `invokingEvent`, decoded.
    pub invoking_event: InvokingEvent,
    /// `ruleParameters`, decoded; empty when absent.
    pub parameters: RuleParameters,
    /// `resultToken`, passed back to `PutEvaluations`.
    pub result_token: String,
    /// `eventLeftScope`: the resource was removed from the rule's scope.
    pub event_left_scope: bool,
    pub config_rule_name: Option<String>,
    pub config_rule_arn: Option<String>,
    pub config_rule_id: Option<String>,
    /// `accountId`: the account that owns the rule.
    pub account_id: Option<String>,
    pub execution_role_arn: Option<String>,
    /// `version` of the event format (`1.0`).
    pub version: Option<String>,
}

/// The event as AWS Config sends it. `aws_lambda_events::event::config::ConfigEvent` has these
/// fields but is stricter than sidewatch has always been: `eventLeftScope` required and a JSON
/// boolean, account ids only strings, `invokingEvent` / `ruleParameters` only embedded strings.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Wire {
    #[serde(default, deserialize_with = "text")]
    account_id: Option<String>,
    /// JSON embedded as a string (or already decoded); see [`embedded`].
    #[serde(default)]
    invoking_event: Option<Value>,
    /// JSON embedded as a string (or already decoded); see [`embedded`].
    #[serde(default)]
    rule_parameters: Option<Value>,
    #[serde(default, deserialize_with = "text")]
    result_token: Option<String>,
    #[serde(default, deserialize_with = "flag")]
    event_left_scope: Option<bool>,
    #[serde(default, deserialize_with = "text")]
    config_rule_name: Option<String>,
    #[serde(default, deserialize_with = "text")]
    config_rule_arn: Option<String>,
    #[serde(default, deserialize_with = "text")]
    config_rule_id: Option<String>,
    #[serde(default, deserialize_with = "text")]
    execution_role_arn: Option<String>,
    #[serde(default, deserialize_with = "text")]
    version: Option<String>,
}

/// What triggered the rule (`invokingEvent`), by `messageType`.
#[derive(Debug, Clone, PartialEq)]
pub enum InvokingEvent {
    /// A configuration item, complete: evaluate it.
    ConfigurationItemChange {
        item: ConfigurationItem,
        /// `configurationItemDiff.changeType`: `CREATE`, `UPDATE` or `DELETE`.
        change_type: Option<String>,
        notification_time: Option<OffsetDateTime>,
    },
    /// Only a summary: fetch the full item with `GetResourceConfigHistory` unless
    /// [`ResourceSummary::is_gone`].
    OversizedConfigurationItemChange {
        summary: ResourceSummary,
        notification_time: Option<OffsetDateTime>,
    },
    /// A periodic run: evaluate the account-level item ([`ConfigRuleEvent::account_item`]).
    Scheduled {
        account_id: String,
        notification_time: OffsetDateTime,
    },
}

/// The fields every invoking event has (and the `detail` of an EventBridge Config event).
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Header {
    #[serde(default, deserialize_with = "text")]
    message_type: Option<String>,
    #[serde(default)]
    notification_creation_time: Option<String>,
}

/// `ConfigurationItemChangeNotification`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Change {
    #[serde(default, deserialize_with = "object")]
    configuration_item_diff: Option<Diff>,
    /// Either item shape; read by [`ConfigurationItem::from_value`].
    #[serde(default)]
    configuration_item: Option<Value>,
}

/// `configurationItemDiff`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Diff {
    #[serde(default, deserialize_with = "text")]
    change_type: Option<String>,
}

/// `OversizedConfigurationItemChangeNotification`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Oversized {
    /// Read by [`ResourceSummary::from_value`].
    #[serde(default)]
    configuration_item_summary: Option<Value>,
}

/// `ScheduledNotification`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Scheduled {
    #[serde(default, deserialize_with = "text")]
    aws_account_id: Option<String>,
}

impl InvokingEvent {
    /// Reads an invoking event, the object at `at` in `event` (or the `detail` of an EventBridge
    /// Config event, which has the same fields). The `messageType` decides which fields are
    /// read. `fallback_account` stands in for a missing `awsAccountId` of a scheduled run.
    pub(crate) fn from_value(
        value: Value,
        event: &'static str,
        at: &str,
        fallback_account: Option<&str>,
    ) -> Result<Self, DoorError> {
        let header: Header = decode(event, at, value.clone())?;
        let message_type = header
            .message_type
            .ok_or_else(|| missing(event, path(at, "messageType")))?;
        let time_field = path(at, "notificationCreationTime");
        let notification_time = header
            .notification_creation_time
            .map(|t| parse_time(event, &time_field, &t))
            .transpose()?;
        match message_type.as_str() {
            CONFIGURATION_ITEM_CHANGE => {
                let change: Change = decode(event, at, value)?;
                let item_field = path(at, "configurationItem");
                let item = change
                    .configuration_item
                    .ok_or_else(|| missing(event, item_field.clone()))?;
                let item =
                    ConfigurationItem::from_value(item).map_err(|error| DoorError::Item {
                        event,
                        field: item_field,
                        error,
                    })?;
                Ok(InvokingEvent::ConfigurationItemChange {
                    item,
                    change_type: change.configuration_item_diff.and_then(|d| d.change_type),
                    notification_time,
                })
            }
            OVERSIZED_CONFIGURATION_ITEM_CHANGE => {
                let oversized: Oversized = decode(event, at, value)?;
                let field = path(at, "configurationItemSummary");
                let summary = oversized
                    .configuration_item_summary
                    .ok_or_else(|| missing(event, field.clone()))?;
                Ok(InvokingEvent::OversizedConfigurationItemChange {
                    summary: ResourceSummary::from_value(summary, event, &field)?,
                    notification_time,
                })
            }
            SCHEDULED => {
                let scheduled: Scheduled = decode(event, at, value)?;
                let account_id = match scheduled.aws_account_id {
                    Some(id) => id,
                    None => fallback_account
                        .map(str::to_owned)
                        .ok_or_else(|| missing(event, path(at, "awsAccountId")))?,
                };
                let notification_time =
                    notification_time.ok_or_else(|| missing(event, time_field))?;
                Ok(InvokingEvent::Scheduled {
                    account_id,
                    notification_time,
                })
            }
            _ => Err(DoorError::UnknownMessageType {
                event,
                message_type,
                expected: "ConfigurationItemChangeNotification, \
                           OversizedConfigurationItemChangeNotification, ScheduledNotification",
            }),
        }
    }

    /// `notificationCreationTime`, when the event carries one.
    pub fn notification_time(&self) -> Option<OffsetDateTime> {
        match self {
            InvokingEvent::ConfigurationItemChange {
                notification_time, ..
            }
            | InvokingEvent::OversizedConfigurationItemChange {
                notification_time, ..
            } => *notification_time,
            InvokingEvent::Scheduled {
                notification_time, ..
            } => Some(*notification_time),
        }
    }
}

impl ConfigRuleEvent {
    /// Parses the event from JSON text.
    pub fn from_json_str(text: &str) -> Result<Self, DoorError> {
        Self::from_value(super::parse_json(EVENT, text)?)
    }

    /// Parses the event from a JSON value (what the Lambda runtime hands over).
    pub fn from_value(value: Value) -> Result<Self, DoorError> {
        let wire: Wire = decode(EVENT, "", value)?;
        let invoking = embedded::<Value>(EVENT, "invokingEvent", wire.invoking_event)?
            .ok_or_else(|| missing(EVENT, "invokingEvent"))?;
        let invoking_event = InvokingEvent::from_value(
            invoking,
            EVENT,
            "invokingEvent",
            wire.account_id.as_deref(),
        )?;
        let parameters = match embedded(EVENT, "ruleParameters", wire.rule_parameters)? {
            Some(map) => RuleParameters::from_map(map)?,
            None => RuleParameters::default(),
        };
        Ok(ConfigRuleEvent {
            invoking_event,
            parameters,
            result_token: wire
                .result_token
                .ok_or_else(|| missing(EVENT, "resultToken"))?,
            event_left_scope: wire.event_left_scope.unwrap_or(false),
            config_rule_name: wire.config_rule_name,
            config_rule_arn: wire.config_rule_arn,
            config_rule_id: wire.config_rule_id,
            account_id: wire.account_id,
            execution_role_arn: wire.execution_role_arn,
            version: wire.version,
        })
    }

    /// Every account id the event carries, with its field: `accountId`, and the invoking event's
    /// `awsAccountId` (periodic run), `configurationItem.awsAccountId` or
    /// `configurationItemSummary.awsAccountId`. The function checks them against its own account
    /// ([`crate::boundary::AccountBoundary::check`]) before anything else.
    pub fn account_claims(&self) -> Vec<Claim<'_>> {
        let mut claims: Vec<Claim<'_>> = self
            .account_id
            .as_deref()
            .map(|a| Claim::new("accountId", a))
            .into_iter()
            .collect();
        match &self.invoking_event {
            InvokingEvent::ConfigurationItemChange { item, .. } => claims.extend(
                item.account_id
                    .as_deref()
                    .map(|a| Claim::new("invokingEvent.configurationItem.awsAccountId", a)),
            ),
            InvokingEvent::OversizedConfigurationItemChange { summary, .. } => {
                claims.extend(
                    summary.item.account_id.as_deref().map(|a| {
                        Claim::new("invokingEvent.configurationItemSummary.awsAccountId", a)
                    }),
                )
            }
            InvokingEvent::Scheduled { account_id, .. } => {
                claims.push(Claim::new("invokingEvent.awsAccountId", account_id))
            }
        }
        claims
    }

    /// Whether this is a test invocation (`resultToken` `TESTMODE`): `PutEvaluations` must then be
    /// called with `TestMode=true`, which checks the request and records nothing.
    pub fn test_mode(&self) -> bool {
        self.result_token == TEST_MODE_TOKEN
    }

    /// The Region of the rule, from `configRuleArn` (`arn:aws:config:eu-west-1:…`).
    pub fn region(&self) -> Option<&str> {
        self.config_rule_arn
            .as_deref()
            .and_then(crate::arn::Arn::parse)
            .map(|arn| arn.region)
            .filter(|r| !r.is_empty())
    }

    /// The account-level item of a periodic run, in `region`, captured at the notification time;
    /// `None` for change events. `evaluates_global_resources` says whether this Region evaluates
    /// IAM and other global controls (exactly one Region per account should).
    pub fn account_item(
        &self,
        region: &str,
        evaluates_global_resources: bool,
    ) -> Option<ConfigurationItem> {
        match &self.invoking_event {
            InvokingEvent::Scheduled {
                account_id,
                notification_time,
            } => Some(super::account_item(
                account_id,
                region,
                evaluates_global_resources,
                *notification_time,
            )),
            _ => None,
        }
    }

    /// The evidence to fetch before [`ConfigRuleEvent::evaluate`]: none when the resource left
    /// the rule's scope (every control is NOT_APPLICABLE then).
    pub fn evidence_needed(&self, engine: &Engine, item: &ConfigurationItem) -> Vec<EvidenceKind> {
        if self.event_left_scope {
            Vec::new()
        } else {
            engine.evidence_needed(item)
        }
    }

    /// The verdicts to report for `item` (the event's item, the fetched full item of an oversized
    /// change, or the account item): NOT_APPLICABLE from every selected control for the type when
    /// the resource left the rule's scope, otherwise the engine's (which makes deleted resources
    /// NOT_APPLICABLE too).
    pub fn evaluate(&self, engine: &Engine, item: &ConfigurationItem) -> Vec<Evaluation> {
        if self.event_left_scope {
            not_applicable(engine, &item.resource_type, LEFT_SCOPE_REASON)
        } else {
            engine.evaluate(item)
        }
    }

    /// The one evaluation this rule reports for `item`: [`ConfigRuleEvent::evaluate`] combined
    /// ([`ConfigEvaluation::combine`]), ordered by the item's capture time (the notification time
    /// when the item has none).
    pub fn config_evaluation(
        &self,
        engine: &Engine,
        item: &ConfigurationItem,
    ) -> Result<ConfigEvaluation, DoorError> {
        let evaluations = self.evaluate(engine, item);
        ConfigEvaluation::for_item(item, &evaluations, self.invoking_event.notification_time())
    }
}

/// The rule's parameters (`ruleParameters`), which choose the controls and set their parameters:
///
/// * `controls`: comma-separated control ids or services to run (`S3,EC2.19`); all when absent;
/// * `exclude`: comma-separated control ids or services to leave out (`S3.20`);
/// * `CONTROL.NAME`: a control parameter (`EC2.19.blockedPorts` = `22,3389`), as
///   [`Overrides::parse_assignment`](crate::Overrides::parse_assignment) reads `CONTROL.NAME=VALUE`.
///
/// Values are strings as Config passes them; numbers, booleans and arrays of them (joined with
/// commas) are accepted from hand-written rule definitions.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RuleParameters {
    entries: BTreeMap<String, String>,
}

/// The parameter key that selects controls.
pub const CONTROLS_KEY: &str = "controls";
/// The parameter key that leaves controls out.
pub const EXCLUDE_KEY: &str = "exclude";

impl RuleParameters {
    /// Parses `ruleParameters` text (a JSON object); empty text means no parameters.
    pub fn parse(text: &str) -> Result<Self, DoorError> {
        if text.trim().is_empty() {
            return Ok(RuleParameters::default());
        }
        match embedded(
            EVENT,
            "ruleParameters",
            Some(Value::String(text.to_owned())),
        )? {
            Some(map) => Self::from_map(map),
            // Text that is JSON `null`: parameters are an object, when there is text at all.
            None => Err(DoorError::NotAnObject {
                event: EVENT,
                found: "null",
            }),
        }
    }

    fn from_map(map: Map<String, Value>) -> Result<Self, DoorError> {
        let mut entries = BTreeMap::new();
        for (key, value) in map {
            let text = match value {
                Value::Null => continue,
                Value::Array(items) => {
                    let parts: Result<Vec<String>, DoorError> =
                        items.iter().map(|v| scalar_text(&key, v)).collect();
                    parts?.join(",")
                }
                other => scalar_text(&key, &other)?,
            };
            entries.insert(key.trim().to_owned(), text.trim().to_owned());
        }
        Ok(RuleParameters { entries })
    }

    /// The raw value of `key`.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.entries.get(key).map(String::as_str)
    }

    /// Every parameter, sorted by key.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.entries.iter().map(|(k, v)| (k.as_str(), v.as_str()))
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The engine configuration the parameters describe, checked against the catalog: an unknown
    /// key, control, service or parameter, or a value that does not fit, is a
    /// [`DoorError::Parameter`] naming the key and what would fit.
    pub fn engine_config(&self) -> Result<EngineConfig, DoorError> {
        let config = self.parse_config()?;
        Engine::new(&config).map_err(|e| self.explain(e))?;
        Ok(config)
    }

    /// [`RuleParameters::engine_config`] checked against the built-in catalog *and* the user's
    /// `rule_sets`, so a rule may select or leave out custom controls (`exclude` listing every
    /// built-in service selects only them). A selection that leaves no control is not an error
    /// here: the caller knows whether custom rules were loaded and answers for a rule that has
    /// nothing to evaluate.
    pub fn engine_config_for(
        &self,
        rule_sets: &[std::sync::Arc<dyn crate::custom::RuleSet>],
    ) -> Result<EngineConfig, DoorError> {
        let config = self.parse_config()?;
        match Engine::with_rules(&config, rule_sets.to_vec()) {
            Ok(_) | Err(EngineError::NothingSelected) => Ok(config),
            Err(error) => Err(self.explain(error)),
        }
    }

    /// The engine the parameters describe (see [`RuleParameters::engine_config`]). Build it once
    /// per distinct parameters and reuse it.
    pub fn engine(&self) -> Result<Engine, DoorError> {
        let config = self.parse_config()?;
        Engine::new(&config).map_err(|e| self.explain(e))
    }

    fn parse_config(&self) -> Result<EngineConfig, DoorError> {
        let mut config = EngineConfig::default();
        for (key, value) in &self.entries {
            match key.as_str() {
                CONTROLS_KEY => config.select = split_list(value),
                EXCLUDE_KEY => config.exclude = split_list(value),
                _ if key.contains('.') => config
                    .overrides
                    .parse_assignment(&format!("{key}={value}"))
                    .map_err(|_| DoorError::Parameter {
                        key: key.clone(),
                        reason: "a control parameter is named CONTROL.NAME, for example \
                                 EC2.19.blockedPorts"
                            .to_owned(),
                    })?,
                _ => {
                    return Err(DoorError::Parameter {
                        key: key.clone(),
                        reason: format!(
                            "unknown rule parameter; use {CONTROLS_KEY} (control ids or \
                             services to run, e.g. S3,EC2.19), {EXCLUDE_KEY} (ids or services \
                             to leave out) or CONTROL.NAME to set a control parameter (e.g. \
                             EC2.19.blockedPorts)"
                        ),
                    });
                }
            }
        }
        Ok(config)
    }

    /// Turns an engine error into one that names the rule parameter at fault.
    fn explain(&self, error: EngineError) -> DoorError {
        let (key, reason) = match error {
            EngineError::UnknownSelector(selector) => {
                let key = [CONTROLS_KEY, EXCLUDE_KEY]
                    .into_iter()
                    .find(|k| {
                        self.get(k)
                            .is_some_and(|v| split_list(v).contains(&selector))
                    })
                    .unwrap_or(CONTROLS_KEY);
                (
                    key.to_owned(),
                    format!(
                        "no control or service is called '{selector}'; control ids look like \
                         S3.8, services like S3"
                    ),
                )
            }
            EngineError::NothingSelected => (
                if self.get(EXCLUDE_KEY).is_some() {
                    EXCLUDE_KEY
                } else {
                    CONTROLS_KEY
                }
                .to_owned(),
                format!("{CONTROLS_KEY} and {EXCLUDE_KEY} together leave no control to run"),
            ),
            EngineError::Param(ParamError::UnknownControl(id)) => (
                self.entries
                    .keys()
                    .find(|k| {
                        k.strip_prefix(id.as_str())
                            .is_some_and(|r| r.starts_with('.'))
                    })
                    .cloned()
                    .unwrap_or_else(|| id.clone()),
                format!("no control is called '{id}'; control ids look like S3.8"),
            ),
            EngineError::Param(ParamError::Unknown {
                control,
                name,
                known,
            }) => (
                format!("{control}.{name}"),
                if known.is_empty() {
                    format!("control {control} takes no parameters")
                } else {
                    format!(
                        "control {control} has no parameter '{name}'; its parameters are: {known}"
                    )
                },
            ),
            EngineError::Param(ParamError::Invalid {
                control,
                name,
                reason,
            }) => {
                let spec = crate::controls::find(&control).and_then(|c| c.parameter(&name));
                let fits = spec.map_or(String::new(), |s| {
                    format!(
                        "; it takes a {} (default '{}')",
                        s.kind.describe(),
                        s.default
                    )
                });
                (format!("{control}.{name}"), format!("{reason}{fits}"))
            }
            EngineError::Param(ParamError::Syntax(text)) => (
                text,
                "a control parameter is named CONTROL.NAME, for example EC2.19.blockedPorts"
                    .to_owned(),
            ),
            // Rule parameters never come from the environment nor load custom rules; kept for
            // completeness.
            EngineError::Environment { variable, reason } => (variable.to_owned(), reason),
            error @ EngineError::DuplicateId(_) => (CONTROLS_KEY.to_owned(), error.to_string()),
        };
        DoorError::Parameter { key, reason }
    }
}

/// A parameter value as text: strings as they are, numbers and booleans written out.
fn scalar_text(key: &str, value: &Value) -> Result<String, DoorError> {
    match value {
        Value::String(s) => Ok(s.clone()),
        Value::Number(n) => Ok(n.to_string()),
        Value::Bool(b) => Ok(b.to_string()),
        other => Err(DoorError::Parameter {
            key: key.to_owned(),
            reason: format!(
                "the value must be a string (comma-separated for lists), found {}",
                json_type(other)
            ),
        }),
    }
}

fn split_list(value: &str) -> Vec<String> {
    value
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

// ----- what the event asks the pipeline to do -----

/// The fetch of an oversized change's full item; when the summary says the resource is gone
/// there is nothing to fetch and the summary is evaluated (NOT_APPLICABLE).
pub(super) fn oversized_trigger(summary: &ResourceSummary) -> Trigger {
    if summary.is_gone() {
        Trigger::Item(summary.placeholder_item().clone())
    } else {
        Trigger::Fetch {
            key: ResourceKey {
                resource_type: summary.resource_type().to_owned(),
                resource_id: summary.resource_id().to_owned(),
            },
            summary: Some(summary.placeholder_item().clone()),
        }
    }
}

impl ConfigRuleEvent {
    /// The one trigger of a Config rule invocation, reported in `region`:
    /// * a change: its item (NOT_APPLICABLE when it left the rule's scope);
    /// * an oversized change: the full item read from Config (the summary when Config has none),
    ///   the summary itself when the resource is gone or left the scope;
    /// * a periodic run: the account-level item.
    pub fn trigger(&self, region: &str, evaluates_global_resources: bool) -> Trigger {
        match &self.invoking_event {
            InvokingEvent::ConfigurationItemChange { item, .. } if self.event_left_scope => {
                Trigger::LeftScope(item.clone())
            }
            InvokingEvent::ConfigurationItemChange { item, .. } => Trigger::Item(item.clone()),
            InvokingEvent::OversizedConfigurationItemChange { summary, .. }
                if self.event_left_scope =>
            {
                Trigger::LeftScope(summary.placeholder_item().clone())
            }
            InvokingEvent::OversizedConfigurationItemChange { summary, .. } => {
                oversized_trigger(summary)
            }
            InvokingEvent::Scheduled { .. } => Trigger::Account {
                item: self
                    .account_item(region, evaluates_global_resources)
                    .unwrap_or_else(|| ConfigurationItem::new(ACCOUNT_RESOURCE_TYPE, "")),
                only: None,
            },
        }
    }
}

#[cfg(test)]
mod unit {
    use super::*;
    use serde_json::json;

    fn params(value: Value) -> RuleParameters {
        RuleParameters::parse(&value.to_string()).unwrap()
    }

    fn param_error(value: Value) -> (String, String) {
        match params(value).engine() {
            Err(DoorError::Parameter { key, reason }) => (key, reason),
            other => panic!("expected a parameter error, got {other:?}"),
        }
    }

    #[test]
    fn parameters_select_controls_and_set_overrides() {
        let p = params(json!({
            "controls": "S3, EC2.19", "exclude": "S3.20", "EC2.19.blockedPorts": "22,3389"
        }));
        let config = p.engine_config().unwrap();
        assert_eq!(config.select, ["S3", "EC2.19"]);
        assert_eq!(config.exclude, ["S3.20"]);
        let engine = p.engine().unwrap();
        let ids: Vec<_> = engine.controls().map(|c| c.id).collect();
        assert!(ids.contains(&"EC2.19") && ids.contains(&"S3.8"));
        assert!(!ids.contains(&"S3.20") && !ids.contains(&"EC2.13"));
        assert_eq!(
            engine.params("EC2.19").unwrap().get("blockedPorts"),
            Some(&crate::ParamValue::IntList(vec![22, 3389]))
        );
    }

    #[test]
    fn absent_or_empty_parameters_run_every_control() {
        let engine = RuleParameters::parse("").unwrap().engine().unwrap();
        assert_eq!(engine.controls().count(), crate::catalog().len());
        let engine = params(json!({})).engine().unwrap();
        assert_eq!(engine.controls().count(), crate::catalog().len());
    }

    #[test]
    fn non_string_values_are_written_out() {
        let p = params(json!({"RDS.11.backupRetentionMinimum": 14, "controls": ["RDS", "S3.8"]}));
        assert_eq!(p.get("RDS.11.backupRetentionMinimum"), Some("14"));
        assert_eq!(p.get("controls"), Some("RDS,S3.8"));
        p.engine().unwrap();
        let err = RuleParameters::parse(r#"{"controls": {"a": 1}}"#).unwrap_err();
        assert!(matches!(err, DoorError::Parameter { ref key, .. } if key == "controls"));
    }

    #[test]
    fn bad_parameters_name_the_key_and_what_fits() {
        let (key, reason) = param_error(json!({"controls": "S3,EC9"}));
        assert_eq!(key, "controls");
        assert!(
            reason.contains("'EC9'") && reason.contains("S3.8"),
            "{reason}"
        );

        let (key, reason) = param_error(json!({"exclude": "Nope.1"}));
        assert_eq!(key, "exclude");
        assert!(reason.contains("'Nope.1'"), "{reason}");

        let (key, reason) = param_error(json!({"controls": "S3.8", "exclude": "S3"}));
        assert_eq!(key, "exclude");
        assert!(reason.contains("no control to run"), "{reason}");

        let (key, reason) = param_error(json!({"EC2.19.blockedPorts": "22,99999"}));
        assert_eq!(key, "EC2.19.blockedPorts");
        assert!(
            reason.contains("99999") && reason.contains("list of integers 0..=65535"),
            "{reason}"
        );

        let (key, reason) = param_error(json!({"EC2.19.blockedport": "22"}));
        assert_eq!(key, "EC2.19.blockedport");
        assert!(reason.contains("blockedPorts"), "{reason}");

        let (key, reason) = param_error(json!({"S3.99.x": "1"}));
        assert_eq!(key, "S3.99.x");
        assert!(reason.contains("'S3.99'"), "{reason}");

        let (key, reason) = param_error(json!({"S3.5.anything": "1"}));
        assert_eq!(key, "S3.5.anything");
        assert!(reason.contains("takes no parameters"), "{reason}");

        let (key, reason) = param_error(json!({"myParameterKey": "myParameterValue"}));
        assert_eq!(key, "myParameterKey");
        assert!(
            reason.contains("controls") && reason.contains("CONTROL.NAME"),
            "{reason}"
        );

        let (key, reason) = param_error(json!({"S3.8": "x"}));
        assert_eq!(key, "S3.8");
        assert!(reason.contains("CONTROL.NAME"), "{reason}");

        let err = RuleParameters::parse("{not json").unwrap_err();
        assert!(err.to_string().contains("ruleParameters"), "{err}");
    }

    #[test]
    fn region_comes_from_the_rule_arn() {
        let event = ConfigRuleEvent::from_value(json!({
            "invokingEvent": json!({
                "awsAccountId": "123456789012",
                "notificationCreationTime": "2024-06-01T10:00:00.000Z",
                "messageType": "ScheduledNotification"
            }).to_string(),
            "resultToken": "token",
            "configRuleArn": "arn:aws:config:eu-central-1:123456789012:config-rule/config-rule-1"
        }))
        .unwrap();
        assert_eq!(event.region(), Some("eu-central-1"));
        assert!(!event.test_mode());
        assert!(!event.event_left_scope);
        assert!(event.parameters.is_empty());
        let item = event.account_item("eu-central-1", true).unwrap();
        assert_eq!(item.resource_id, "123456789012");
        assert_eq!(item.capture_time.as_deref(), Some("2024-06-01T10:00:00Z"));
    }
}
