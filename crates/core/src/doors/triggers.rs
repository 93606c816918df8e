//! What each door's event asks the pipeline to do: the [`Trigger`]s of a parsed event.
//!
//! The doors parse; [`crate::pipeline::run`] evaluates. This is the only place where an event
//! shape becomes work, so a reader sees in one file what every message type leads to.

use super::ResourceSummary;
use super::cloudtrail::Target;
use super::config_rule::{ConfigRuleEvent, InvokingEvent};
use super::eventbridge::{Detail, EventBridgeEvent};
use crate::engine::Engine;
use crate::item::{ACCOUNT_RESOURCE_TYPE, ConfigurationItem};
use crate::pipeline::{Staleness, Trigger};
use crate::ports::ResourceKey;

/// The fetch of an oversized change's full item; when the summary says the resource is gone
/// there is nothing to fetch and the summary is evaluated (NOT_APPLICABLE).
fn oversized(summary: &ResourceSummary) -> Trigger {
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
            InvokingEvent::OversizedConfigurationItemChange { summary, .. } => oversized(summary),
            InvokingEvent::Scheduled { .. } => Trigger::Account {
                item: self
                    .account_item(region, evaluates_global_resources)
                    .unwrap_or_else(|| ConfigurationItem::new(ACCOUNT_RESOURCE_TYPE, "")),
                only: None,
            },
        }
    }
}

impl EventBridgeEvent {
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
                (vec![oversized(summary)], None)
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
