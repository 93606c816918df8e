//! The doors: what the Lambda functions receive, turned into what the engine evaluates and how
//! the result is reported.
//!
//! The functions stay thin. Each deserializes its event, asks these pure helpers *what* to
//! evaluate and *how* to report it, fetches what is missing with the AWS SDK, runs the
//! [`Engine`] and sends the results:
//!
//! * [`config_rule`]: the event AWS Config sends a custom Lambda rule (configuration change,
//!   oversized change, periodic run), with rule parameters that select controls;
//! * [`eventbridge`]: EventBridge events (Config configuration item change, AWS API calls recorded
//!   by CloudTrail, scheduled events), with [`cloudtrail`] mapping API calls to what must be
//!   re-evaluated;
//! * [`evaluations`]: what `config:PutEvaluations` takes, one compliance per resource, in batches.
//!
//! Nothing here calls AWS or reads a clock: every time comes from the event.
//!
//! ```
//! use sidewatch_core::doors::config_rule::{ConfigRuleEvent, InvokingEvent};
//!
//! let event = ConfigRuleEvent::from_json_str(r#"{
//!     "invokingEvent": "{\"awsAccountId\":\"123456789012\",\"notificationCreationTime\":\"2024-06-01T10:00:00.000Z\",\"messageType\":\"ScheduledNotification\",\"recordVersion\":\"1.0\"}",
//!     "ruleParameters": "{\"controls\":\"S3,EC2.19\",\"EC2.19.blockedPorts\":\"22,3389\"}",
//!     "resultToken": "TESTMODE",
//!     "eventLeftScope": false,
//!     "configRuleArn": "arn:aws:config:eu-west-1:123456789012:config-rule/config-rule-0123456",
//!     "configRuleName": "sidewatch",
//!     "accountId": "123456789012",
//!     "version": "1.0"
//! }"#).unwrap();
//! assert!(event.test_mode());
//! assert!(matches!(event.invoking_event, InvokingEvent::Scheduled { .. }));
//! let engine = event.parameters.engine().unwrap();
//! assert!(engine.controls().any(|c| c.id == "EC2.19"));
//! assert!(engine.controls().all(|c| c.id.starts_with("S3.") || c.id == "EC2.19"));
//! ```

pub mod cloudtrail;
pub mod config_rule;
pub mod evaluations;
pub mod eventbridge;
pub mod triggers;

#[cfg(test)]
mod tests;

use crate::engine::{Engine, Evaluation};
use crate::item::{ConfigurationItem, ItemError, json_type};
use crate::verdict::Verdict;
use serde_json::{Map, Value};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

/// Why an event cannot be used. The message names the event, the field and what was expected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DoorError {
    #[error("the {event} is not valid JSON: {reason}")]
    Json { event: &'static str, reason: String },
    #[error("the {event} must be a JSON object, found {found}")]
    NotAnObject {
        event: &'static str,
        found: &'static str,
    },
    #[error("the {event} has no `{field}`; AWS always sends it")]
    MissingField { event: &'static str, field: String },
    #[error("`{field}` of the {event} must be {expected}, found {found}")]
    WrongType {
        event: &'static str,
        field: String,
        expected: &'static str,
        found: &'static str,
    },
    #[error("`{field}` of the {event} must hold JSON (AWS embeds it as a string): {reason}")]
    EmbeddedJson {
        event: &'static str,
        field: String,
        reason: String,
    },
    #[error(
        "the {event} has messageType '{message_type}', which sidewatch does not handle; \
         expected one of {expected}"
    )]
    UnknownMessageType {
        event: &'static str,
        message_type: String,
        expected: &'static str,
    },
    #[error("`{field}` of the {event} is not a configuration item: {error}")]
    Item {
        event: &'static str,
        field: String,
        error: ItemError,
    },
    #[error("`{field}` of the {event} is not an RFC 3339 timestamp: '{value}'")]
    Timestamp {
        event: &'static str,
        field: String,
        value: String,
    },
    #[error("rule parameter '{key}': {reason}")]
    Parameter { key: String, reason: String },
}

/// What a resource-level summary says about a resource whose full configuration item did not fit
/// in the event (`configurationItemSummary` of an oversized change notification). The function
/// fetches the full item with `GetResourceConfigHistory` ([`ResourceSummary::resource_type`],
/// [`ResourceSummary::resource_id`], `limit 1`) and evaluates that.
#[derive(Debug, Clone, PartialEq)]
pub struct ResourceSummary {
    /// The summary read as an item: its fields are named as in one (`resourceType`,
    /// `resourceId`, `configurationItemStatus`, `configurationItemCaptureTime`, `ARN`, …), and it
    /// has no configuration.
    pub item: ConfigurationItem,
    /// `changeType`: `CREATE`, `UPDATE` or `DELETE`.
    pub change_type: Option<String>,
}

impl ResourceSummary {
    /// Reads a `configurationItemSummary` object.
    pub(crate) fn from_value(
        value: Value,
        event: &'static str,
        field: &str,
    ) -> Result<Self, DoorError> {
        let change_type = value
            .get("changeType")
            .and_then(Value::as_str)
            .map(str::to_owned);
        let mut item = ConfigurationItem::from_value(value).map_err(|error| DoorError::Item {
            event,
            field: field.to_owned(),
            error,
        })?;
        // A summary never carries the configuration; make sure nothing is mistaken for one.
        item.configuration = Value::Null;
        item.supplementary.clear();
        Ok(ResourceSummary { item, change_type })
    }

    /// `resourceType`, e.g. `AWS::EC2::Instance`.
    pub fn resource_type(&self) -> &str {
        &self.item.resource_type
    }

    /// `resourceId`.
    pub fn resource_id(&self) -> &str {
        &self.item.resource_id
    }

    /// `configurationItemCaptureTime` (RFC 3339): the ordering timestamp of the evaluation.
    pub fn capture_time(&self) -> Option<&str> {
        self.item.capture_time.as_deref()
    }

    /// True when the summary reports a deleted or no longer recorded resource: there is nothing
    /// to fetch, every control is NOT_APPLICABLE.
    pub fn is_gone(&self) -> bool {
        self.item.status.is_gone()
    }

    /// The summary as an item without configuration. The engine gives it NOT_APPLICABLE when the
    /// resource is gone and INSUFFICIENT_DATA otherwise — what to report when the full item
    /// cannot be fetched, never a pass.
    pub fn placeholder_item(&self) -> &ConfigurationItem {
        &self.item
    }
}

/// NOT_APPLICABLE from every control of `engine` that evaluates `resource_type`, with `reason`.
/// For a resource that left a Config rule's scope: Config then expects NOT_APPLICABLE, and the
/// resource's findings are archived.
pub fn not_applicable(engine: &Engine, resource_type: &str, reason: &str) -> Vec<Evaluation> {
    engine
        .controls()
        .filter(|c| c.applies_to(resource_type))
        .map(|control| Evaluation {
            control,
            verdict: Verdict::not_applicable(reason),
        })
        .collect()
}

/// The account-level item for a periodic run: [`ConfigurationItem::account`] captured at `time`,
/// so evidence without its own collection time is aged against the run, not a clock.
pub fn account_item(
    account_id: &str,
    region: &str,
    evaluates_global_resources: bool,
    time: OffsetDateTime,
) -> ConfigurationItem {
    let mut item = ConfigurationItem::account(account_id, region, evaluates_global_resources);
    item.capture_time = time.format(&Rfc3339).ok();
    item
}

/// Parses an event's JSON text.
pub(crate) fn parse_json(event: &'static str, text: &str) -> Result<Value, DoorError> {
    serde_json::from_str(text).map_err(|e| DoorError::Json {
        event,
        reason: e.to_string(),
    })
}

/// Parses an RFC 3339 timestamp from an event field.
pub(crate) fn parse_time(
    event: &'static str,
    field: &str,
    value: &str,
) -> Result<OffsetDateTime, DoorError> {
    OffsetDateTime::parse(value.trim(), &Rfc3339).map_err(|_| DoorError::Timestamp {
        event,
        field: field.to_owned(),
        value: value.to_owned(),
    })
}

/// A JSON object taken apart field by field, naming the event and the path in every error.
#[derive(Debug)]
pub(crate) struct Fields {
    map: Map<String, Value>,
    event: &'static str,
    /// The path of this object inside the event (`detail`), empty at the top.
    path: String,
}

impl Fields {
    /// The top level of an event.
    pub(crate) fn top(value: Value, event: &'static str) -> Result<Self, DoorError> {
        match value {
            Value::Object(map) => Ok(Fields {
                map,
                event,
                path: String::new(),
            }),
            other => Err(DoorError::NotAnObject {
                event,
                found: json_type(&other),
            }),
        }
    }

    /// The full path of `key` for messages (`detail.requestParameters`).
    pub(crate) fn path_of(&self, key: &str) -> String {
        if self.path.is_empty() {
            key.to_owned()
        } else {
            format!("{}.{key}", self.path)
        }
    }

    pub(crate) fn event(&self) -> &'static str {
        self.event
    }

    fn wrong_type(&self, key: &str, expected: &'static str, found: &Value) -> DoorError {
        DoorError::WrongType {
            event: self.event,
            field: self.path_of(key),
            expected,
            found: json_type(found),
        }
    }

    pub(crate) fn missing(&self, key: &str) -> DoorError {
        DoorError::MissingField {
            event: self.event,
            field: self.path_of(key),
        }
    }

    /// Removes `key`; `None` when absent or null.
    pub(crate) fn take(&mut self, key: &str) -> Option<Value> {
        self.map.remove(key).filter(|v| !v.is_null())
    }

    /// A string field; numbers count (account ids are sometimes written as numbers).
    pub(crate) fn opt_str(&self, key: &str) -> Result<Option<&str>, DoorError> {
        match self.map.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) => Ok(Some(s)),
            Some(other) => Err(self.wrong_type(key, "a string", other)),
        }
    }

    /// Like [`Fields::opt_str`], owned, with numbers turned into their digits.
    pub(crate) fn opt_string(&self, key: &str) -> Result<Option<String>, DoorError> {
        match self.map.get(key) {
            Some(Value::Number(n)) => Ok(Some(n.to_string())),
            _ => Ok(self.opt_str(key)?.map(str::to_owned)),
        }
    }

    pub(crate) fn req_string(&self, key: &str) -> Result<String, DoorError> {
        self.opt_string(key)?.ok_or_else(|| self.missing(key))
    }

    /// A boolean field; `"true"` / `"false"` strings count.
    pub(crate) fn opt_bool(&self, key: &str) -> Result<Option<bool>, DoorError> {
        match self.map.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(value) => crate::item::value_as_bool(value)
                .map(Some)
                .ok_or_else(|| self.wrong_type(key, "a boolean", value)),
        }
    }

    /// A nested object, taken out of this one; `None` when absent or null.
    pub(crate) fn take_object(&mut self, key: &str) -> Result<Option<Fields>, DoorError> {
        match self.take(key) {
            None => Ok(None),
            Some(Value::Object(map)) => Ok(Some(Fields {
                map,
                event: self.event,
                path: self.path_of(key),
            })),
            Some(other) => Err(self.wrong_type(key, "an object", &other)),
        }
    }

    /// A nested object that must be there.
    pub(crate) fn req_object(&mut self, key: &str) -> Result<Fields, DoorError> {
        self.take_object(key)?.ok_or_else(|| self.missing(key))
    }

    /// A field AWS embeds as a JSON string (`invokingEvent`, `ruleParameters`), decoded; an
    /// already decoded object is accepted too.
    pub(crate) fn take_embedded(&mut self, key: &str) -> Result<Option<Fields>, DoorError> {
        let value = match self.take(key) {
            None => return Ok(None),
            Some(Value::String(text)) if text.trim().is_empty() => return Ok(None),
            Some(Value::String(text)) => {
                serde_json::from_str::<Value>(&text).map_err(|e| DoorError::EmbeddedJson {
                    event: self.event,
                    field: self.path_of(key),
                    reason: e.to_string(),
                })?
            }
            Some(other) => other,
        };
        match value {
            Value::Null => Ok(None),
            Value::Object(map) => Ok(Some(Fields {
                map,
                event: self.event,
                path: self.path_of(key),
            })),
            other => Err(self.wrong_type(key, "a JSON object", &other)),
        }
    }

    /// The configuration item in `key`, in either shape.
    pub(crate) fn take_item(&mut self, key: &str) -> Result<ConfigurationItem, DoorError> {
        let value = self.take(key).ok_or_else(|| self.missing(key))?;
        ConfigurationItem::from_value(value).map_err(|error| DoorError::Item {
            event: self.event,
            field: self.path_of(key),
            error,
        })
    }

    /// The resource summary in `key`.
    pub(crate) fn take_summary(&mut self, key: &str) -> Result<ResourceSummary, DoorError> {
        let value = self.take(key).ok_or_else(|| self.missing(key))?;
        ResourceSummary::from_value(value, self.event, &self.path_of(key))
    }

    /// An RFC 3339 timestamp field.
    pub(crate) fn opt_time(&self, key: &str) -> Result<Option<OffsetDateTime>, DoorError> {
        match self.opt_str(key)? {
            None => Ok(None),
            Some(text) => parse_time(self.event, &self.path_of(key), text).map(Some),
        }
    }

    /// A JSON pointer lookup inside this object (`/accessKey/userName`), for deep optional reads;
    /// `None` when absent or null.
    pub(crate) fn pointer(&self, pointer: &str) -> Option<&Value> {
        let rest = pointer.strip_prefix('/')?;
        let (first, tail) = rest
            .split_once('/')
            .map_or((rest, None), |(first, tail)| (first, Some(tail)));
        let value = self.map.get(first)?;
        let found = match tail {
            None => Some(value),
            Some(tail) => value.pointer(&format!("/{tail}")),
        };
        found.filter(|v| !v.is_null())
    }

    /// The raw map, for iterating over parameters.
    pub(crate) fn into_map(self) -> Map<String, Value> {
        self.map
    }
}
