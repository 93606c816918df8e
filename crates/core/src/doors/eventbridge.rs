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

use super::cloudtrail::{self, Record, Target};
use super::config_rule::InvokingEvent;
use super::{DoorError, ResourceSummary, decode, missing, parse_time, text};
use crate::actor::Actor;
use crate::boundary::Claim;
use crate::engine::Engine;
use crate::item::ACCOUNT_RESOURCE_TYPE;
use crate::item::ConfigurationItem;
use crate::pipeline::{ChangedBy, Staleness, Trigger};
use crate::ports::ResourceKey;
use serde::Deserialize;
use serde_json::Value;
use time::OffsetDateTime;

/// How errors name this event.
const EVENT: &str = "EventBridge event";

/// `detail-type` of a Config configuration item change.
pub const CONFIG_ITEM_CHANGE: &str = "Config Configuration Item Change";
/// `detail-type` of an API call recorded by CloudTrail.
pub use super::cloudtrail::API_CALL;
/// `detail-type` of a scheduled event.
pub const SCHEDULED_EVENT: &str = "Scheduled Event";

/// The envelope as EventBridge sends it, `detail` decoded by `detail-type`.
/// `aws_lambda_events::event::eventbridge::EventBridgeEvent` has these fields but does not fit:
/// it takes `time` as a `chrono` timestamp (the core uses `time`, and a bad timestamp must be
/// reported with its value), requires `detail` even for the events sidewatch ignores, and takes
/// `account` only as a string.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "kebab-case")]
struct Wire {
    #[serde(default, deserialize_with = "text")]
    id: Option<String>,
    #[serde(default, deserialize_with = "text")]
    detail_type: Option<String>,
    #[serde(default, deserialize_with = "text")]
    source: Option<String>,
    #[serde(default, deserialize_with = "text")]
    account: Option<String>,
    #[serde(default, deserialize_with = "text")]
    region: Option<String>,
    #[serde(default)]
    time: Option<String>,
    #[serde(default)]
    resources: Option<Vec<String>>,
    /// Decoded once the `detail-type` is known.
    #[serde(default)]
    detail: Option<Value>,
}

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
    /// Who made the call (`userIdentity`, `sourceIPAddress`, `userAgent`, `eventID`, …), when the
    /// record names an identity.
    pub actor: Option<Actor>,
}

impl EventBridgeEvent {
    /// Parses the event from JSON text.
    pub fn from_json_str(text: &str) -> Result<Self, DoorError> {
        Self::from_value(super::parse_json(EVENT, text)?)
    }

    /// Parses the event from a JSON value (what the Lambda runtime hands over).
    pub fn from_value(value: Value) -> Result<Self, DoorError> {
        let wire: Wire = decode(EVENT, "", value)?;
        let required =
            |value: Option<String>, field: &str| value.ok_or_else(|| missing(EVENT, field));
        let envelope = Envelope {
            id: wire.id,
            detail_type: required(wire.detail_type, "detail-type")?,
            source: required(wire.source, "source")?,
            account: required(wire.account, "account")?,
            region: required(wire.region, "region")?,
            time: parse_time(EVENT, "time", &required(wire.time, "time")?)?,
            resources: wire.resources.unwrap_or_default(),
        };
        let detail = || wire.detail.ok_or_else(|| missing(EVENT, "detail"));
        let detail = match (envelope.detail_type.as_str(), envelope.source.as_str()) {
            (CONFIG_ITEM_CHANGE, "aws.config") => {
                match InvokingEvent::from_value(
                    detail()?,
                    EVENT,
                    "detail",
                    Some(&envelope.account),
                )? {
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
                Detail::ApiCall(ApiCall::from_record(decode(EVENT, "detail", detail()?)?)?)
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

impl ApiCall {
    /// The call a CloudTrail record (`detail`) describes, and what it asks to re-evaluate.
    fn from_record(mut record: Record) -> Result<Self, DoorError> {
        let required = |value: Option<String>, key: &str| {
            value.ok_or_else(|| missing(EVENT, format!("detail.{key}")))
        };
        let actor = Actor::from_record(&record);
        let event_source = required(record.event_source.take(), "eventSource")?;
        let event_name = required(record.event_name.take(), "eventName")?;
        let target = cloudtrail::target(&event_source, &event_name, &record)
            .map_err(|e| missing(EVENT, format!("detail.requestParameters.{}", e.parameter)))?;
        Ok(ApiCall {
            actor,
            user_identity_type: record.user_identity_type().map(str::to_owned),
            error_code: record.error_code().map(str::to_owned),
            recipient_account_id: record.recipient_account_id,
            event_source,
            event_name,
            target,
        })
    }
}
impl EventBridgeEvent {
    /// Who made the change the event reports: the caller of an API call; for a Config change,
    /// the item's related CloudTrail events, looked up; nobody for a schedule.
    pub fn changed_by(&self) -> ChangedBy<'_> {
        match &self.detail {
            Detail::ApiCall(ApiCall {
                actor: Some(actor), ..
            }) => ChangedBy::Call(actor),
            Detail::ConfigurationItemChange { .. }
            | Detail::OversizedConfigurationItemChange { .. } => {
                ChangedBy::Related { failed_only: false }
            }
            Detail::ApiCall(_) | Detail::Scheduled | Detail::Ignored { .. } => ChangedBy::Unknown,
        }
    }

    /// The triggers of an EventBridge event, and the API call its items may predate:
    /// * a Config change: its item (an oversized one fetched from Config);
    /// * a schedule: the account-level item;
    /// * an API call on the account: the account-level item, only the controls the call affects
    ///   (their evidence read afresh);
    /// * an API call on a resource: the resource read from Config — or, when Config has no item
    ///   yet, what the event names (INSUFFICIENT_DATA where that is not enough) — never PASSED
    ///   from an item captured before the call;
    /// * anything else: nothing.
    pub fn triggers(
        &self,
        engine: &Engine,
        evaluates_global_resources: bool,
    ) -> (Vec<Trigger>, Option<Staleness>) {
        let account = || self.account_item(evaluates_global_resources);
        match &self.detail {
            Detail::Ignored { .. } => (Vec::new(), None),
            Detail::ConfigurationItemChange { item, .. } => {
                (vec![Trigger::Item(item.clone())], None)
            }
            Detail::OversizedConfigurationItemChange { summary } => {
                (vec![super::config_rule::oversized_trigger(summary)], None)
            }
            Detail::Scheduled => (
                vec![Trigger::Account {
                    item: account(),
                    only: None,
                }],
                None,
            ),
            Detail::ApiCall(call) => {
                let stale = Staleness {
                    call_time: self.envelope.time,
                    call: call.event_name.clone(),
                };
                match &call.target {
                    Target::Ignored { .. } => (Vec::new(), None),
                    Target::Account { .. } => (
                        vec![Trigger::Account {
                            item: account(),
                            only: Some(
                                call.target
                                    .affected_controls(engine)
                                    .into_iter()
                                    .filter(|c| c.applies_to(ACCOUNT_RESOURCE_TYPE))
                                    .map(|c| c.id)
                                    .collect(),
                            ),
                        }],
                        None,
                    ),
                    Target::Resource {
                        resource_type,
                        resource_id,
                    } => {
                        let mut named = ConfigurationItem::new(*resource_type, resource_id);
                        named.account_id = Some(self.envelope.account.clone());
                        named.region = Some(self.envelope.region.clone());
                        let trigger = Trigger::Fetch {
                            key: ResourceKey {
                                resource_type: (*resource_type).to_owned(),
                                resource_id: resource_id.clone(),
                            },
                            summary: Some(named),
                        };
                        (vec![trigger], Some(stale))
                    }
                    Target::ResourceNamed {
                        resource_type,
                        resource_name,
                    } => (
                        vec![Trigger::FindByName {
                            resource_type: (*resource_type).to_owned(),
                            name: resource_name.clone(),
                        }],
                        Some(stale),
                    ),
                }
            }
        }
    }
}
