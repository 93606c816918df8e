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
//! Each event is decoded with derived serde structs (`serde_path_to_error` keeps the path of the
//! field at fault, `detail.configurationItemDiff.changeType`, in every [`DoorError`]). They are
//! sidewatch's own rather than `aws_lambda_events`' `ConfigEvent`, `EventBridgeEvent` and
//! `AWSAPICall`, which are stricter than these doors (see `config_rule::Wire`, `eventbridge::Wire`,
//! `cloudtrail::Record`).
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

#[cfg(test)]
mod tests;

use crate::engine::{Engine, Evaluation};
use crate::item::{ConfigurationItem, ItemError, json_type};
use crate::verdict::Verdict;
use serde::de::{self, DeserializeOwned, MapAccess, Visitor};
use serde::{Deserialize, Deserializer};
use serde_json::Value;
use std::fmt;
use std::marker::PhantomData;
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
    /// A field of a type or shape AWS never sends; `reason` says what was expected.
    #[error("`{field}` of the {event} is not valid: {reason}")]
    Invalid {
        event: &'static str,
        field: String,
        reason: String,
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

/// Decodes `T` from `value`, an object found at `at` in the event (`""` for the event itself,
/// `detail`, `invokingEvent`). Errors name the event and the full path of the field at fault
/// (`detail.configurationItemDiff.changeType`), from `serde_path_to_error`.
///
/// `T` is a wire struct of the door: every field optional (`#[serde(default)]`), so that what is
/// required, and the [`DoorError::MissingField`] saying so, is decided where the struct is turned
/// into the door's type, with the field's path.
pub(crate) fn decode<T: DeserializeOwned>(
    event: &'static str,
    at: &str,
    value: Value,
) -> Result<T, DoorError> {
    if !value.is_object() {
        // Checked here: a derived struct would also accept a JSON array, field by position.
        return Err(if at.is_empty() {
            DoorError::NotAnObject {
                event,
                found: json_type(&value),
            }
        } else {
            DoorError::Invalid {
                event,
                field: at.to_owned(),
                reason: format!("expected a JSON object, found {}", json_type(&value)),
            }
        });
    }
    serde_path_to_error::deserialize(value).map_err(|error| {
        let path = error.path().to_string();
        let field = match (at, path.as_str()) {
            (_, ".") => at.to_owned(),
            ("", path) => path.to_owned(),
            (at, path) => format!("{at}.{path}"),
        };
        DoorError::Invalid {
            event,
            field,
            reason: error.into_inner().to_string(),
        }
    })
}

/// `field` of `event` is absent (or null).
pub(crate) fn missing(event: &'static str, field: impl Into<String>) -> DoorError {
    DoorError::MissingField {
        event,
        field: field.into(),
    }
}

/// The full path of `key` inside the object at `at` (`detail` + `eventSource`).
pub(crate) fn path(at: &str, key: &str) -> String {
    if at.is_empty() {
        key.to_owned()
    } else {
        format!("{at}.{key}")
    }
}

/// A JSON object AWS embeds as a string (`invokingEvent`, `ruleParameters`), decoded into `T`
/// ([`decode`]); an already decoded object is accepted too. `None` when absent, null or blank.
pub(crate) fn embedded<T: DeserializeOwned>(
    event: &'static str,
    field: &str,
    value: Option<Value>,
) -> Result<Option<T>, DoorError> {
    let value = match value {
        None => return Ok(None),
        Some(Value::String(text)) if text.trim().is_empty() => return Ok(None),
        Some(Value::String(text)) => {
            serde_json::from_str::<Value>(&text).map_err(|e| DoorError::EmbeddedJson {
                event,
                field: field.to_owned(),
                reason: e.to_string(),
            })?
        }
        Some(other) => other,
    };
    match value {
        Value::Null => Ok(None),
        value => decode(event, field, value).map(Some),
    }
}

/// An optional string field (`#[serde(default, deserialize_with = "text")]`); a number counts,
/// written out (account ids are sometimes numbers).
pub(crate) fn text<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<String>, D::Error> {
    match Option::<Value>::deserialize(deserializer)? {
        None => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(Value::Number(n)) => Ok(Some(n.to_string())),
        Some(other) => Err(de::Error::custom(format!(
            "expected a string, found {}",
            json_type(&other)
        ))),
    }
}

/// An optional boolean field (`#[serde(default, deserialize_with = "flag")]`); `"true"` and
/// `"false"` strings count, as in configuration items.
pub(crate) fn flag<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<bool>, D::Error> {
    match Option::<Value>::deserialize(deserializer)? {
        None => Ok(None),
        Some(value) => crate::item::value_as_bool(&value).map(Some).ok_or_else(|| {
            de::Error::custom(format!("expected a boolean, found {}", json_type(&value)))
        }),
    }
}

/// An optional nested object (`#[serde(default, deserialize_with = "object")]`): a JSON object
/// decoded into `T`, null as `None`, anything else refused (a derived struct alone would also
/// take a JSON array, field by position).
pub(crate) fn object<'de, D, T>(deserializer: D) -> Result<Option<T>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    struct ObjectVisitor<T>(PhantomData<T>);

    impl<'de, T: Deserialize<'de>> Visitor<'de> for ObjectVisitor<T> {
        type Value = Option<T>;

        fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
            formatter.write_str("a JSON object")
        }

        fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }

        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }

        fn visit_some<D: Deserializer<'de>>(
            self,
            deserializer: D,
        ) -> Result<Self::Value, D::Error> {
            deserializer.deserialize_map(self)
        }

        fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
            T::deserialize(de::value::MapAccessDeserializer::new(map)).map(Some)
        }
    }

    deserializer.deserialize_option(ObjectVisitor(PhantomData))
}
