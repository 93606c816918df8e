//! [`CloudTrailChanges`]: the [`ChangeSource`] that reads who made a change from CloudTrail's
//! event history (`LookupEvents` with the `EventId` lookup attribute, one event per call).
//!
//! The record comes back as JSON text (`Events[].CloudTrailEvent`), the same record EventBridge
//! delivers as an API call's `detail`; the core parses both ([`Actor::from_cloudtrail_event`]).
//! `LookupEvents` is read-only and throttled at 2 calls a second per account and Region: the
//! pipeline makes at most [`MAX_CHANGE_LOOKUPS`](sidewatch_core::pipeline::MAX_CHANGE_LOOKUPS)
//! per run, and throttling is retried by the [`RetryPolicy`].

use crate::error::PortResultExt;
use crate::retry::{RetryPolicy, adapter_basics, with_retries, without_sdk_retries};
use aws_sdk_cloudtrail::types::{LookupAttribute, LookupAttributeKey};
use sidewatch_core::actor::Actor;
use sidewatch_core::ports::{ChangeSource, FailureKind, PortError};

/// The operation name in errors and logs.
pub const LOOKUP_OPERATION: &str = "cloudtrail:LookupEvents";

/// Reads CloudTrail's event history. Cheap to clone.
#[derive(Debug, Clone)]
pub struct CloudTrailChanges {
    client: aws_sdk_cloudtrail::Client,
    policy: RetryPolicy,
}

adapter_basics!(CloudTrailChanges, aws_sdk_cloudtrail);

impl CloudTrailChanges {
    /// A reader calling through `client` (SDK retries off: the [`RetryPolicy`] decides).
    pub fn new(client: &aws_sdk_cloudtrail::Client) -> Self {
        CloudTrailChanges {
            client: without_sdk_retries!(aws_sdk_cloudtrail, client),
            policy: RetryPolicy::default(),
        }
    }
}

impl ChangeSource for CloudTrailChanges {
    async fn change(&self, event_id: &str) -> Result<Option<Actor>, PortError> {
        let client = &self.client;
        let attribute = LookupAttribute::builder()
            .attribute_key(LookupAttributeKey::EventId)
            .attribute_value(event_id)
            .build()
            .map_err(|e| {
                PortError::new(LOOKUP_OPERATION, FailureKind::Invalid, None, e.to_string())
            })?;
        let output = with_retries(&self.policy, || {
            let attribute = attribute.clone();
            async move {
                client
                    .lookup_events()
                    .lookup_attributes(attribute)
                    .max_results(1)
                    .send()
                    .await
                    .or_port_error(LOOKUP_OPERATION)
            }
        })
        .await?;
        let Some(record) = output
            .events()
            .iter()
            .find(|e| e.event_id() == Some(event_id))
            .and_then(|e| e.cloud_trail_event())
        else {
            return Ok(None);
        };
        Actor::from_cloudtrail_event(record).map_err(|e| {
            PortError::new(
                LOOKUP_OPERATION,
                FailureKind::Invalid,
                None,
                format!("event {event_id}: {e}"),
            )
        })
    }
}
