//! [`SecurityHubPublisher`]: the [`FindingsSink`] that imports findings with
//! `securityhub:BatchImportFindings`.
//!
//! Findings go through the core [`Batcher`] (at most 100 per call, within the 6 MB request and
//! 240 KB finding limits, one `ProductArn` per call); a finding the batcher refuses (invalid, too
//! large) is reported in `Delivery.failed` with code `InvalidFinding`, never sent and never
//! dropped. Calls are paced by a token bucket at the documented rate (10 per second, bursts of
//! 30); throttling, 5xx and timeouts are retried with jittered exponential backoff within a total
//! time budget; the `FailedFindings` of an answer are re-sent when their code is retryable
//! (`InternalException`, throttling) and reported otherwise (`InvalidInput` is final).

use super::asff;
use crate::error::{PortResultExt, failure_kind};
use crate::retry::{
    RateLimiter, Refusal, RetryPolicy, adapter_basics, deliver, with_retries, without_sdk_retries,
};
use aws_sdk_securityhub::operation::RequestId;
use sidewatch_core::finding::MAX_BATCH_BYTES;
use sidewatch_core::ports::{Delivery, FindingsSink, ItemFailure, PortError};
use sidewatch_core::{Batcher, Finding, MAX_FINDINGS_PER_BATCH};
use std::sync::Arc;

/// The operation name in errors and logs.
pub const IMPORT_OPERATION: &str = "securityhub:BatchImportFindings";

/// BatchImportFindings' documented rate: 10 requests per second…
pub const IMPORT_RATE_PER_SECOND: u32 = 10;
/// …with bursts of up to 30.
pub const IMPORT_BURST: u32 = 30;

/// The code reported for a finding the core refused to send (invalid ASFF, too large).
pub const INVALID_FINDING_CODE: &str = "InvalidFinding";

/// Imports findings into Security Hub. Cheap to clone (the client and the rate limiter are
/// shared).
#[derive(Debug, Clone)]
pub struct SecurityHubPublisher {
    client: aws_sdk_securityhub::Client,
    policy: RetryPolicy,
    limiter: Arc<RateLimiter>,
    max_findings: usize,
}

adapter_basics!(SecurityHubPublisher, aws_sdk_securityhub);

impl SecurityHubPublisher {
    /// A publisher calling through `client` (its configuration is kept; the SDK's own retries are
    /// turned off so the publisher's [`RetryPolicy`] alone decides retries and their total time).
    pub fn new(client: &aws_sdk_securityhub::Client) -> Self {
        SecurityHubPublisher {
            client: without_sdk_retries!(aws_sdk_securityhub, client),
            policy: RetryPolicy::default(),
            limiter: Arc::new(RateLimiter::new(IMPORT_RATE_PER_SECOND, IMPORT_BURST)),
            max_findings: MAX_FINDINGS_PER_BATCH,
        }
    }

    /// The same publisher paced at `per_second` calls with bursts of `burst`.
    pub fn with_rate(mut self, per_second: u32, burst: u32) -> Self {
        self.limiter = Arc::new(RateLimiter::new(per_second, burst));
        self
    }

    /// The same publisher sending at most `max` findings per call (1..=100).
    pub fn with_max_findings_per_call(mut self, max: usize) -> Self {
        self.max_findings = max.clamp(1, MAX_FINDINGS_PER_BATCH);
        self
    }

    async fn send(&self, batch: Vec<Finding>, delivery: &mut Delivery) -> Result<(), PortError> {
        let done = deliver(
            &self.policy,
            IMPORT_OPERATION,
            batch,
            |f| f.id.clone(),
            |batch| self.call(batch),
        )
        .await?;
        delivery.delivered += done.delivered;
        delivery.failed.extend(done.failed);
        Ok(())
    }

    /// One `BatchImportFindings` call (retried as a whole); the findings it refused.
    async fn call(&self, batch: Vec<Finding>) -> Result<Vec<Refusal>, PortError> {
        let findings: Vec<_> = batch.iter().map(asff::to_sdk).collect();
        let (client, limiter, findings) = (&self.client, &self.limiter, &findings);
        let output = with_retries(&self.policy, || async move {
            limiter.acquire().await;
            client
                .batch_import_findings()
                .set_findings(Some(findings.clone()))
                .send()
                .await
                .or_port_error(IMPORT_OPERATION)
        })
        .await?;
        tracing::debug!(
            operation = IMPORT_OPERATION,
            request_id = output.request_id().unwrap_or(""),
            sent = findings.len(),
            success_count = output.success_count().unwrap_or_default(),
            failed_count = output.failed_count().unwrap_or_default(),
            "BatchImportFindings answered"
        );
        Ok(output
            .failed_findings()
            .iter()
            .map(|failed| {
                let code = failed.error_code().unwrap_or("Unknown");
                Refusal {
                    id: failed.id().unwrap_or_default().to_owned(),
                    code: code.to_owned(),
                    message: failed.error_message().unwrap_or_default().to_owned(),
                    retryable: failure_kind(Some(code), None).is_retryable(),
                }
            })
            .collect())
    }
}

impl FindingsSink for SecurityHubPublisher {
    async fn import(&self, findings: Vec<Finding>) -> Result<Delivery, PortError> {
        let total = findings.len();
        let mut delivery = Delivery::default();
        let mut batcher = Batcher::with_limits(self.max_findings, MAX_BATCH_BYTES);
        for finding in findings {
            let id = finding.id.clone();
            match batcher.push(finding) {
                Ok(Some(batch)) => self.send(batch, &mut delivery).await?,
                Ok(None) => {}
                Err(error) => {
                    tracing::warn!(operation = IMPORT_OPERATION, id = %id, error = %error,
                        "finding not sent: Security Hub would refuse it");
                    delivery.failed.push(ItemFailure {
                        id,
                        code: INVALID_FINDING_CODE.to_owned(),
                        message: error.to_string(),
                    });
                }
            }
        }
        if let Some(batch) = batcher.finish() {
            self.send(batch, &mut delivery).await?;
        }
        tracing::info!(
            operation = IMPORT_OPERATION,
            findings = total,
            delivered = delivery.delivered,
            failed = delivery.failed.len(),
            "findings imported"
        );
        Ok(delivery)
    }
}
