//! The sweep queue sender: `sqs:SendMessageBatch` for the sweep function's fan-out.
//!
//! [`SqsSweepQueue::send_batch`] sends at most 10 entries per call (more are split), retries the
//! entries SQS failed without the sender's fault (`SenderFault: false`: a service-side problem)
//! with exponential backoff, and reports the entries still refused — by their entry id — in
//! [`Delivery::failed`]; the SDK itself retries throttling and 5xx of the whole call. A whole call
//! that fails becomes a [`PortError`] that says whether retrying can help.

use crate::error::PortResultExt;
use aws_sdk_sqs::types::SendMessageBatchRequestEntry;
use sidewatch_core::ports::{Delivery, FailureKind, ItemFailure, PortError};
use std::time::Duration;

/// Entries per `SendMessageBatch` call (SQS's limit).
pub const MAX_ENTRIES: usize = 10;

const OPERATION: &str = "sqs:SendMessageBatch";

/// Sends sweep messages to one SQS queue.
#[derive(Debug, Clone)]
pub struct SqsSweepQueue {
    client: aws_sdk_sqs::Client,
    queue_url: String,
    /// Attempts per entry SQS failed on its side, the first included.
    pub max_attempts: u32,
    /// The first retry's wait; doubled on each further retry.
    pub initial_backoff: Duration,
}

impl SqsSweepQueue {
    /// A sender to `queue_url`.
    pub fn new(client: aws_sdk_sqs::Client, queue_url: impl Into<String>) -> Self {
        SqsSweepQueue {
            client,
            queue_url: queue_url.into(),
            max_attempts: 3,
            initial_backoff: Duration::from_millis(100),
        }
    }

    /// Sends `(entry id, body)` pairs; see the module documentation.
    pub async fn send_batch(&self, entries: Vec<(String, String)>) -> Result<Delivery, PortError> {
        let mut delivery = Delivery::default();
        for chunk in entries.chunks(MAX_ENTRIES) {
            let mut pending: Vec<(String, String)> = chunk.to_vec();
            let mut attempt = 1;
            loop {
                let (delivered, retry, refused) = self.send_once(&pending).await?;
                delivery.delivered += delivered;
                delivery.failed.extend(refused);
                if retry.is_empty() {
                    break;
                }
                if attempt >= self.max_attempts {
                    delivery
                        .failed
                        .extend(retry.into_iter().map(|(failure, _)| failure));
                    break;
                }
                tokio::time::sleep(self.initial_backoff * 2u32.saturating_pow(attempt - 1)).await;
                attempt += 1;
                pending = retry.into_iter().map(|(_, entry)| entry).collect();
            }
        }
        Ok(delivery)
    }

    /// One call: how many were accepted, the entries to retry (with their last failure), the
    /// entries refused for good.
    #[allow(clippy::type_complexity)]
    async fn send_once(
        &self,
        entries: &[(String, String)],
    ) -> Result<
        (
            usize,
            Vec<(ItemFailure, (String, String))>,
            Vec<ItemFailure>,
        ),
        PortError,
    > {
        let mut request = self.client.send_message_batch().queue_url(&self.queue_url);
        for (id, body) in entries {
            let entry = SendMessageBatchRequestEntry::builder()
                .id(id)
                .message_body(body)
                .build()
                .map_err(|e| {
                    PortError::new(OPERATION, FailureKind::Invalid, None, e.to_string())
                })?;
            request = request.entries(entry);
        }
        let output = request.send().await.or_port_error(OPERATION)?;
        let mut retry = Vec::new();
        let mut refused = Vec::new();
        for failed in output.failed() {
            let failure = ItemFailure {
                id: failed.id().to_owned(),
                code: failed.code().to_owned(),
                message: failed.message().unwrap_or_default().to_owned(),
            };
            let entry = entries.iter().find(|(id, _)| id == failed.id()).cloned();
            match entry {
                Some(entry) if !failed.sender_fault() => retry.push((failure, entry)),
                _ => refused.push(failure),
            }
        }
        Ok((output.successful().len(), retry, refused))
    }
}

/// The SQS adapter as the sweep's queue port.
impl sidewatch_core::ports::SweepQueue for SqsSweepQueue {
    async fn send_batch(
        &self,
        entries: Vec<sidewatch_core::ports::QueueEntry>,
    ) -> Result<Delivery, PortError> {
        SqsSweepQueue::send_batch(self, entries.into_iter().map(|e| (e.id, e.body)).collect()).await
    }
}
