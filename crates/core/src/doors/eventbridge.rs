//! EventBridge events: what changed, or that it is time for a periodic run.
//!
//! Every EventBridge event has the same envelope (`version`, `id`, `detail-type`, `source`,
//! `account`, `time`, `region`, `resources`, `detail`); the account and Region of the evaluation
//! come from it. Three kinds matter:
//!
//! * **Config Configuration Item Change** (`source` `aws.config`): `detail` is Config's change
//!   notification — the `configurationItem`, or for an oversized one only a
//!   `configurationItemSummary` (refetch with `GetResourceConfigHistory`);
//! * **AWS API Call via CloudTrail**: `detail` is the CloudTrail record, mapped by
//!   [`cloudtrail`] to what must be re-evaluated. Calls to global services
//!   (IAM, account) arrive in `us-east-1`;
//! * **Scheduled Event** (`source` `aws.events`, or `aws.scheduler` for EventBridge Scheduler): a
//!   periodic account-level evaluation.
//!
//! Any other event is [`Detail::Ignored`] with the reason, never an error: an EventBridge rule that
//! routes more than sidewatch needs must not make the function fail and retry.

use super::cloudtrail::{self, Target};
use super::config_rule::InvokingEvent;
use super::{DoorError, Fields, ResourceSummary};
use crate::boundary::Claim;
use crate::item::ConfigurationItem;
use serde_json::Value;
use time::OffsetDateTime;

/// How errors name this event.
const EVENT: &str = "EventBridge event";

/// `detail-type` of a Config configuration item change.
pub const CONFIG_ITEM_CHANGE: &str = "Config Configuration Item Change";
/// `detail-type` of an API call recorded by CloudTrail.
pub const API_CALL: &str = "AWS API Call via CloudTrail";
/// `detail-type` of a scheduled event.
pub const SCHEDULED_EVENT: &str = "Scheduled Event";

/// One EventBridge event.
#[derive(Debug, Clone, PartialEq)]
pub struct EventBridgeEvent {
    pub envelope: Envelope,
    pub detail: Detail,
}

/// The fields every EventBridge event carries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Envelope {
    pub id: Option<String>,
    /// `detail-type`.
    pub detail_type: String,
    /// `source` (`aws.config`, `aws.s3`, `aws.events`).
    pub source: String,
    /// `account`: the account the evaluation is for.
    pub account: String,
    /// `region`: the Region the evaluation is for.
    pub region: String,
    /// `time`: when the event happened; orders account-level evaluations.
    pub time: OffsetDateTime,
    /// `resources`: ARNs the event concerns.
    pub resources: Vec<String>,
}

/// What the event asks for.
#[derive(Debug, Clone, PartialEq)]
pub enum Detail {
    /// Evaluate this configuration item.
    ConfigurationItemChange {
        item: ConfigurationItem,
        /// `configurationItemDiff.changeType`: `CREATE`, `UPDATE` or `DELETE`.
        change_type: Option<String>,
    },
    /// Fetch the full item with `GetResourceConfigHistory` unless [`ResourceSummary::is_gone`],
    /// then evaluate it.
    OversizedConfigurationItemChange { summary: ResourceSummary },
    /// An API call; its [`Target`] says what to re-evaluate.
    ApiCall(ApiCall),
    /// Evaluate the account-level item ([`EventBridgeEvent::account_item`]).
    Scheduled,
    /// Nothing to do, and why.
    Ignored { reason: String },
}

/// An API call recorded by CloudTrail.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiCall {
    /// `eventSource` (`s3.amazonaws.com`).
    pub event_source: String,
    /// `eventName` (`PutBucketPolicy`).
    pub event_name: String,
    /// `userIdentity.type` (`Root`, `IAMUser`, `AssumedRole`, …).
    pub user_identity_type: Option<String>,
    /// `errorCode`, when the call failed (it then changed nothing).
    pub error_code: Option<String>,
    /// `recipientAccountId`: the account whose resource the call acted on (the caller may be of
    /// another account, which is legitimate; the recipient must be this one).
    pub recipient_account_id: Option<String>,
    /// What to re-evaluate.
    pub target: Target,
}

impl EventBridgeEvent {
    /// Parses the event from JSON text.
    pub fn from_json_str(text: &str) -> Result<Self, DoorError> {
        Self::from_value(super::parse_json(EVENT, text)?)
    }

    /// Parses the event from a JSON value (what the Lambda runtime hands over).
    pub fn from_value(value: Value) -> Result<Self, DoorError> {
        let mut fields = Fields::top(value, EVENT)?;
        let envelope = Envelope {
            id: fields.opt_string("id")?,
            detail_type: fields.req_string("detail-type")?,
            source: fields.req_string("source")?,
            account: fields.req_string("account")?,
            region: fields.req_string("region")?,
            time: fields
                .opt_time("time")?
                .ok_or_else(|| fields.missing("time"))?,
            resources: string_list(&mut fields, "resources")?,
        };
        let detail = match (envelope.detail_type.as_str(), envelope.source.as_str()) {
            (CONFIG_ITEM_CHANGE, "aws.config") => {
                let detail = fields.req_object("detail")?;
                match InvokingEvent::from_fields(detail, Some(&envelope.account))? {
                    InvokingEvent::ConfigurationItemChange {
                        item, change_type, ..
                    } => Detail::ConfigurationItemChange { item, change_type },
                    InvokingEvent::OversizedConfigurationItemChange { summary, .. } => {
                        Detail::OversizedConfigurationItemChange { summary }
                    }
                    InvokingEvent::Scheduled { .. } => {
                        return Err(DoorError::UnknownMessageType {
                            event: EVENT,
                            message_type: super::config_rule::SCHEDULED.to_owned(),
                            expected: "ConfigurationItemChangeNotification, \
                                       OversizedConfigurationItemChangeNotification",
                        });
                    }
                }
            }
            (API_CALL, _) => {
                let detail = fields.req_object("detail")?;
                let event_source = detail.req_string("eventSource")?;
                let event_name = detail.req_string("eventName")?;
                let target = cloudtrail::target(&event_source, &event_name, &detail)?;
                Detail::ApiCall(ApiCall {
                    user_identity_type: detail
                        .pointer("/userIdentity/type")
                        .and_then(Value::as_str)
                        .map(str::to_owned),
                    error_code: detail
                        .pointer("/errorCode")
                        .and_then(Value::as_str)
                        .filter(|c| !c.is_empty())
                        .map(str::to_owned),
                    recipient_account_id: detail.opt_string("recipientAccountId")?,
                    event_source,
                    event_name,
                    target,
                })
            }
            (SCHEDULED_EVENT, "aws.events" | "aws.scheduler") => Detail::Scheduled,
            (detail_type, source) => Detail::Ignored {
                reason: format!("sidewatch does not handle '{detail_type}' events from {source}"),
            },
        };
        Ok(EventBridgeEvent { envelope, detail })
    }

    /// Every account id the event carries, with its field: the envelope's `account`, the
    /// configuration item's (or summary's) `awsAccountId`, an API call's `recipientAccountId`.
    /// The function checks them against its own account
    /// ([`crate::boundary::AccountBoundary::check`]) before anything else.
    pub fn account_claims(&self) -> Vec<Claim<'_>> {
        let mut claims = vec![Claim::new("account", self.envelope.account.as_str())];
        match &self.detail {
            Detail::ConfigurationItemChange { item, .. } => claims.extend(
                item.account_id
                    .as_deref()
                    .map(|a| Claim::new("detail.configurationItem.awsAccountId", a)),
            ),
            Detail::OversizedConfigurationItemChange { summary } => claims.extend(
                summary
                    .item
                    .account_id
                    .as_deref()
                    .map(|a| Claim::new("detail.configurationItemSummary.awsAccountId", a)),
            ),
            Detail::ApiCall(call) => claims.extend(
                call.recipient_account_id
                    .as_deref()
                    .map(|a| Claim::new("detail.recipientAccountId", a)),
            ),
            Detail::Scheduled | Detail::Ignored { .. } => {}
        }
        claims
    }

    /// The account-level item for the envelope's account and Region, captured at the event time:
    /// what a scheduled event or an account [`Target`] evaluates. `evaluates_global_resources`
    /// says whether this Region evaluates IAM and other global controls.
    pub fn account_item(&self, evaluates_global_resources: bool) -> ConfigurationItem {
        super::account_item(
            &self.envelope.account,
            &self.envelope.region,
            evaluates_global_resources,
            self.envelope.time,
        )
    }
}

/// A list of strings (`resources`); absent or null is empty.
fn string_list(fields: &mut Fields, key: &str) -> Result<Vec<String>, DoorError> {
    let path = fields.path_of(key);
    let event = fields.event();
    match fields.take(key) {
        None => Ok(Vec::new()),
        Some(Value::Array(items)) => items
            .into_iter()
            .map(|item| match item {
                Value::String(s) => Ok(s),
                other => Err(DoorError::WrongType {
                    event,
                    field: path.clone(),
                    expected: "a list of strings",
                    found: crate::item::json_type(&other),
                }),
            })
            .collect(),
        Some(other) => Err(DoorError::WrongType {
            event,
            field: path,
            expected: "a list of strings",
            found: crate::item::json_type(&other),
        }),
    }
}
