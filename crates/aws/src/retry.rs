//! Retries and pacing for the outbound adapters (Security Hub, Config).
//!
//! The adapters rebuild their clients with the SDK's own retries turned off and retry here instead, so
//! one policy decides both whole-call retries (throttling, 5xx, timeouts) and the re-sending of the
//! retryable items of a partial answer (`FailedFindings`, `FailedEvaluations`,
//! `UnprocessedFindings`), and the total time spent is capped.

use sidewatch_core::ports::{Delivery, ItemFailure, PortError};
use std::collections::HashMap;
use std::collections::hash_map::RandomState;
use std::future::Future;
use std::hash::BuildHasher;
use std::sync::Mutex;
use std::time::Duration;
use tokio::time::Instant;

/// `$client` (of SDK crate `$krate`) rebuilt with the SDK's own retries turned off; everything
/// else (endpoint, credentials, timeouts, interceptors, HTTP client) is kept. The adapters retry
/// with their [`RetryPolicy`] instead, so one budget bounds the total time.
macro_rules! without_sdk_retries {
    ($krate:ident, $client:expr) => {
        $krate::Client::from_conf(
            $client
                .config()
                .to_builder()
                .retry_config($krate::config::retry::RetryConfig::disabled())
                .build(),
        )
    };
}
pub(crate) use without_sdk_retries;

/// What every outbound adapter `$ty` (with fields `policy: RetryPolicy` and a `new(&$krate::Client)`)
/// offers: `from_sdk_config` and `with_retry_policy`.
macro_rules! adapter_basics {
    ($ty:ident, $krate:ident) => {
        impl $ty {
            /// Built from `sdk` (the one [`SdkConfig`](aws_config::SdkConfig) of the process:
            /// [`ClientOptions::load`](crate::ClientOptions::load)).
            pub fn from_sdk_config(sdk: &aws_config::SdkConfig) -> Self {
                Self::new(&$krate::Client::new(sdk))
            }

            /// The same adapter with another retry policy (tests use
            /// [`RetryPolicy::fast`](crate::RetryPolicy::fast)).
            pub fn with_retry_policy(mut self, policy: crate::RetryPolicy) -> Self {
                self.policy = policy;
                self
            }
        }
    };
}
pub(crate) use adapter_basics;

/// How an adapter retries: exponential backoff with jitter, a number of attempts and a total time
/// budget (whichever ends first).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Attempts per call, the first included (at least 1).
    pub max_attempts: u32,
    /// The first backoff; each later one doubles, up to `max_backoff`.
    pub initial_backoff: Duration,
    /// The longest single backoff.
    pub max_backoff: Duration,
    /// No retry starts when it would sleep past this much time since the first attempt.
    pub max_total: Duration,
}

impl Default for RetryPolicy {
    /// 6 attempts, 200 ms doubling up to 5 s, at most 30 s in all: fits a Lambda timeout of a
    /// minute or more.
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 6,
            initial_backoff: Duration::from_millis(200),
            max_backoff: Duration::from_secs(5),
            max_total: Duration::from_secs(30),
        }
    }
}

impl RetryPolicy {
    /// A policy for tests: `attempts` attempts, 1 ms backoffs, 2 s in all.
    pub fn fast(attempts: u32) -> Self {
        RetryPolicy {
            max_attempts: attempts,
            initial_backoff: Duration::from_millis(1),
            max_backoff: Duration::from_millis(4),
            max_total: Duration::from_secs(2),
        }
    }

    /// The backoff before retry number `retry` (1 for the first retry): `initial · 2^(retry-1)`
    /// capped at `max_backoff`, then a random point in its upper half ("equal jitter").
    pub fn backoff(&self, retry: u32) -> Duration {
        let exp = self
            .initial_backoff
            .saturating_mul(1u32 << retry.saturating_sub(1).min(20));
        let base = exp.min(self.max_backoff);
        let half = base / 2;
        let spread = u64::try_from(half.as_nanos()).unwrap_or(u64::MAX);
        let jitter = if spread == 0 {
            0
        } else {
            random_u64() % spread
        };
        half + Duration::from_nanos(jitter)
    }

    /// The backoff before retry `retry` if the policy allows one more attempt after `attempts`
    /// attempts started at `started`.
    fn next_delay(&self, attempts: u32, started: Instant) -> Option<Duration> {
        if attempts >= self.max_attempts.max(1) {
            return None;
        }
        let delay = self.backoff(attempts);
        (started.elapsed() + delay <= self.max_total).then_some(delay)
    }
}

fn random_u64() -> u64 {
    RandomState::new().hash_one(std::time::SystemTime::now())
}

/// Runs `call` until it succeeds, fails in a way retrying cannot fix, or `policy` is used up; the
/// last error is returned (its kind still says whether a later retry can help).
pub async fn with_retries<T, F, Fut>(policy: &RetryPolicy, mut call: F) -> Result<T, PortError>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, PortError>>,
{
    let started = Instant::now();
    let mut attempts = 0;
    loop {
        attempts += 1;
        match call().await {
            Ok(value) => return Ok(value),
            Err(error) => {
                let delay = error
                    .is_retryable()
                    .then(|| policy.next_delay(attempts, started))
                    .flatten();
                let Some(delay) = delay else {
                    return Err(error);
                };
                tracing::warn!(
                    operation = %error.operation,
                    kind = ?error.kind,
                    code = error.code.as_deref().unwrap_or(""),
                    attempt = attempts,
                    backoff_ms = u64::try_from(delay.as_millis()).unwrap_or(u64::MAX),
                    "retrying a failed call"
                );
                tokio::time::sleep(delay).await;
            }
        }
    }
}

/// One item the service refused in a batch answer, named by the adapter's item id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    /// The item id (finding `Id`, `<type>/<id>` of an evaluation).
    pub id: String,
    /// AWS's code for the item.
    pub code: String,
    /// AWS's message for the item.
    pub message: String,
    /// Whether sending the item again can succeed.
    pub retryable: bool,
}

/// Sends `items` with `send` (one batch call, already retried as a whole), re-sends the items
/// refused with a retryable code while `policy` allows, and returns what was accepted and what was
/// still refused. Every item ends up either delivered or in `failed`: refusals naming an item that
/// was not sent are logged and ignored.
pub async fn deliver<T, F, Fut>(
    policy: &RetryPolicy,
    operation: &str,
    items: Vec<T>,
    id_of: impl Fn(&T) -> String,
    mut send: F,
) -> Result<Delivery, PortError>
where
    T: Clone,
    F: FnMut(Vec<T>) -> Fut,
    Fut: Future<Output = Result<Vec<Refusal>, PortError>>,
{
    let started = Instant::now();
    let mut delivery = Delivery::default();
    let mut pending = items;
    let mut attempts = 0;
    while !pending.is_empty() {
        attempts += 1;
        let sent_ids: Vec<String> = pending.iter().map(&id_of).collect();
        let refusals = send(pending.clone()).await?;
        let mut refused: HashMap<&str, Refusal> = HashMap::new();
        for refusal in refusals {
            if let Some(known) = sent_ids.iter().find(|id| **id == refusal.id) {
                refused.insert(known.as_str(), refusal);
            } else {
                tracing::warn!(operation, id = %refusal.id, code = %refusal.code,
                    "the service refused an item that was not sent; ignored");
            }
        }
        let delay = policy.next_delay(attempts, started);
        let mut retry = Vec::new();
        for (item, id) in pending.into_iter().zip(&sent_ids) {
            match refused.get(id.as_str()) {
                None => delivery.delivered += 1,
                Some(r) if r.retryable && delay.is_some() => retry.push(item),
                Some(r) => delivery.failed.push(ItemFailure {
                    id: r.id.clone(),
                    code: r.code.clone(),
                    message: r.message.clone(),
                }),
            }
        }
        if !retry.is_empty() {
            tracing::warn!(
                operation,
                retrying = retry.len(),
                attempt = attempts,
                "re-sending the items refused with a retryable code"
            );
        }
        if let (false, Some(delay)) = (retry.is_empty(), delay) {
            tokio::time::sleep(delay).await;
        }
        pending = retry;
    }
    Ok(delivery)
}

/// A token bucket: at most `burst` calls at once, refilled at `per_second`. Keeps an adapter under
/// an API's documented rate (BatchImportFindings: 10 per second, bursts of 30). The limit holds
/// per adapter instance (per Lambda execution environment).
#[derive(Debug)]
pub struct RateLimiter {
    per_second: f64,
    burst: f64,
    state: Mutex<Bucket>,
}

#[derive(Debug)]
struct Bucket {
    tokens: f64,
    last: Instant,
}

impl RateLimiter {
    /// A full bucket of `burst` tokens refilled at `per_second` (both at least 1).
    pub fn new(per_second: u32, burst: u32) -> Self {
        let burst = f64::from(burst.max(1));
        RateLimiter {
            per_second: f64::from(per_second.max(1)),
            burst,
            state: Mutex::new(Bucket {
                tokens: burst,
                last: Instant::now(),
            }),
        }
    }

    /// Waits until a call may start, and takes its token.
    pub async fn acquire(&self) {
        loop {
            let wait = {
                let Ok(mut bucket) = self.state.lock() else {
                    // A poisoned lock only means another task panicked mid-update: do not pace.
                    return;
                };
                let now = Instant::now();
                let refill = now.duration_since(bucket.last).as_secs_f64() * self.per_second;
                bucket.tokens = (bucket.tokens + refill).min(self.burst);
                bucket.last = now;
                if bucket.tokens >= 1.0 {
                    bucket.tokens -= 1.0;
                    return;
                }
                Duration::from_secs_f64((1.0 - bucket.tokens) / self.per_second)
            };
            tokio::time::sleep(wait).await;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sidewatch_core::ports::FailureKind;
    use std::sync::atomic::{AtomicU32, Ordering};

    #[test]
    fn backoff_doubles_within_jitter_and_is_capped() {
        let policy = RetryPolicy {
            max_attempts: 10,
            initial_backoff: Duration::from_millis(100),
            max_backoff: Duration::from_millis(1000),
            max_total: Duration::from_secs(60),
        };
        for _ in 0..50 {
            let first = policy.backoff(1);
            assert!(first >= Duration::from_millis(50) && first <= Duration::from_millis(100));
            let third = policy.backoff(3);
            assert!(third >= Duration::from_millis(200) && third <= Duration::from_millis(400));
            let late = policy.backoff(30);
            assert!(late >= Duration::from_millis(500) && late <= Duration::from_millis(1000));
        }
    }

    fn throttled() -> PortError {
        PortError::new(
            "x:Y",
            FailureKind::Throttled,
            Some("Throttling".into()),
            "slow down",
        )
    }

    #[tokio::test]
    async fn retries_stop_at_the_attempt_limit_and_keep_the_last_error() {
        let calls = AtomicU32::new(0);
        let result: Result<(), _> = with_retries(&RetryPolicy::fast(4), || {
            calls.fetch_add(1, Ordering::SeqCst);
            async { Err(throttled()) }
        })
        .await;
        assert_eq!(calls.load(Ordering::SeqCst), 4);
        assert_eq!(result.unwrap_err().kind, FailureKind::Throttled);
    }

    #[tokio::test]
    async fn final_errors_are_not_retried() {
        let calls = AtomicU32::new(0);
        let result: Result<(), _> = with_retries(&RetryPolicy::fast(4), || {
            calls.fetch_add(1, Ordering::SeqCst);
            async { Err(PortError::new("x:Y", FailureKind::AccessDenied, None, "no")) }
        })
        .await;
        assert_eq!(calls.load(Ordering::SeqCst), 1);
        assert!(!result.unwrap_err().is_retryable());
    }

    #[tokio::test]
    async fn the_time_budget_stops_retries_before_the_attempts_do() {
        let policy = RetryPolicy {
            max_attempts: 100,
            initial_backoff: Duration::from_millis(20),
            max_backoff: Duration::from_millis(20),
            max_total: Duration::from_millis(50),
        };
        let calls = AtomicU32::new(0);
        let _ = with_retries::<(), _, _>(&policy, || {
            calls.fetch_add(1, Ordering::SeqCst);
            async { Err(throttled()) }
        })
        .await;
        let n = calls.load(Ordering::SeqCst);
        assert!((2..=6).contains(&n), "{n} calls");
    }

    #[tokio::test]
    async fn deliver_resends_only_retryable_refusals_and_accounts_for_every_item() {
        let mut calls = Vec::new();
        let delivery = deliver(
            &RetryPolicy::fast(3),
            "x:Y",
            vec!["a", "b", "c", "d"],
            |s| (*s).to_owned(),
            |batch: Vec<&str>| {
                calls.push(batch.clone());
                let first = calls.len() == 1;
                async move {
                    // The first answer refuses b (retryable), c (final) and an unknown id; the
                    // second accepts everything.
                    let mut refusals = Vec::new();
                    if first {
                        refusals.push(refusal("b", true));
                        refusals.push(refusal("c", false));
                        refusals.push(refusal("zzz", true));
                    }
                    Ok(refusals)
                }
            },
        )
        .await
        .unwrap();
        assert_eq!(calls, vec![vec!["a", "b", "c", "d"], vec!["b"]]);
        assert_eq!(delivery.delivered, 3);
        assert_eq!(delivery.failed.len(), 1);
        assert_eq!(delivery.failed[0].id, "c");
    }

    #[tokio::test]
    async fn retryable_refusals_end_in_failed_when_the_policy_is_used_up() {
        let mut calls = 0;
        let delivery = deliver(
            &RetryPolicy::fast(2),
            "x:Y",
            vec!["a", "b"],
            |s| (*s).to_owned(),
            |_batch: Vec<&str>| {
                calls += 1;
                async { Ok(vec![refusal("a", true)]) }
            },
        )
        .await
        .unwrap();
        assert_eq!(calls, 2);
        assert_eq!(delivery.delivered, 1);
        assert_eq!(delivery.failed.len(), 1);
        assert_eq!(delivery.failed[0].code, "InternalException");
    }

    fn refusal(id: &str, retryable: bool) -> Refusal {
        Refusal {
            id: id.into(),
            code: if retryable {
                "InternalException"
            } else {
                "InvalidInput"
            }
            .into(),
            message: "m".into(),
            retryable,
        }
    }

    #[tokio::test]
    async fn the_bucket_allows_the_burst_then_paces() {
        let limiter = RateLimiter::new(100, 3);
        let start = Instant::now();
        for _ in 0..3 {
            limiter.acquire().await;
        }
        assert!(start.elapsed() < Duration::from_millis(5));
        for _ in 0..5 {
            limiter.acquire().await;
        }
        // 5 more tokens at 100/s take about 50 ms.
        assert!(
            start.elapsed() >= Duration::from_millis(40),
            "{:?}",
            start.elapsed()
        );
    }
}
