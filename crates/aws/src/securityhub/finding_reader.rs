//! [`SecurityHubFindings`]: the [`FindingsSource`] that reads sidewatch's findings back with
//! `securityhub:GetFindings`.
//!
//! The query becomes `GetFindings` filters (`ProductArn` EQUALS, `GeneratorId` PREFIX,
//! `RecordState` EQUALS `ACTIVE` when asked), pages of 100 are followed through `NextToken`, and
//! the same conditions are checked again on every finding returned: a stand-in that ignores
//! filters (moto does) cannot make the sweep act on another product's findings.

use super::asff;
use crate::error::PortResultExt;
use crate::retry::{RateLimiter, RetryPolicy, adapter_basics, with_retries, without_sdk_retries};
use aws_sdk_securityhub::types::{AwsSecurityFindingFilters, StringFilter, StringFilterComparison};
use sidewatch_core::ports::{FindingsQuery, FindingsSource, PortError, StoredFinding};
use std::sync::Arc;

/// The operation name in errors and logs.
pub const GET_OPERATION: &str = "securityhub:GetFindings";

/// GetFindings' documented rate: 3 requests per second, bursts of 6.
const GET_RATE_PER_SECOND: u32 = 3;
const GET_BURST: u32 = 6;

/// The largest page `GetFindings` returns.
const PAGE_SIZE: i32 = 100;

/// Reads sidewatch's findings back from Security Hub. Cheap to clone.
#[derive(Debug, Clone)]
pub struct SecurityHubFindings {
    client: aws_sdk_securityhub::Client,
    policy: RetryPolicy,
    limiter: Arc<RateLimiter>,
}

adapter_basics!(SecurityHubFindings, aws_sdk_securityhub);

impl SecurityHubFindings {
    /// A reader calling through `client` (SDK retries off: the [`RetryPolicy`] decides).
    pub fn new(client: &aws_sdk_securityhub::Client) -> Self {
        SecurityHubFindings {
            client: without_sdk_retries!(aws_sdk_securityhub, client),
            policy: RetryPolicy::default(),
            limiter: Arc::new(RateLimiter::new(GET_RATE_PER_SECOND, GET_BURST)),
        }
    }

    /// The same reader paced at `per_second` calls with bursts of `burst`.
    pub fn with_rate(mut self, per_second: u32, burst: u32) -> Self {
        self.limiter = Arc::new(RateLimiter::new(per_second, burst));
        self
    }
}

/// The `GetFindings` filters for `query`.
pub fn filters(query: &FindingsQuery) -> AwsSecurityFindingFilters {
    let filter = |value: &str, comparison| {
        StringFilter::builder()
            .value(value)
            .comparison(comparison)
            .build()
    };
    let mut filters = AwsSecurityFindingFilters::builder()
        .product_arn(filter(&query.product_arn, StringFilterComparison::Equals))
        .generator_id(filter(
            &query.generator_prefix,
            StringFilterComparison::Prefix,
        ));
    if query.active_only {
        filters = filters.record_state(filter("ACTIVE", StringFilterComparison::Equals));
    }
    filters.build()
}

/// True when `finding` meets `query` (the client-side copy of [`filters`]).
pub fn matches(query: &FindingsQuery, finding: &StoredFinding) -> bool {
    finding.product_arn == query.product_arn
        && finding.generator_id.starts_with(&query.generator_prefix)
        && (!query.active_only || finding.record_state == "ACTIVE")
}

impl FindingsSource for SecurityHubFindings {
    async fn findings(&self, query: &FindingsQuery) -> Result<Vec<StoredFinding>, PortError> {
        let filters = filters(query);
        let (client, limiter, filters) = (&self.client, &self.limiter, &filters);
        let mut found = Vec::new();
        let (mut pages, mut foreign, mut unnamed) = (0usize, 0usize, 0usize);
        let mut next_token: Option<String> = None;
        loop {
            let token = next_token.as_deref();
            let page = with_retries(&self.policy, || async move {
                limiter.acquire().await;
                client
                    .get_findings()
                    .filters(filters.clone())
                    .max_results(PAGE_SIZE)
                    .set_next_token(token.map(str::to_owned))
                    .send()
                    .await
                    .or_port_error(GET_OPERATION)
            })
            .await?;
            pages += 1;
            for finding in page.findings() {
                match asff::stored(finding) {
                    Some(stored) if matches(query, &stored) => found.push(stored),
                    Some(_) => foreign += 1,
                    None => unnamed += 1,
                }
            }
            let next = page.next_token().filter(|t| !t.is_empty());
            // A token that repeats would loop forever: stop there.
            if next.is_none() || next == token {
                break;
            }
            next_token = next.map(str::to_owned);
        }
        tracing::info!(
            operation = GET_OPERATION,
            pages,
            findings = found.len(),
            filtered_out = foreign,
            without_id = unnamed,
            "findings read back"
        );
        Ok(found)
    }
}
