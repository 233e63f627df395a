//! Retries where they are safe, with exponential backoff, full jitter and a retry budget.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use tower::retry::budget::{Budget, TpsBudget};
use tower::{Service, ServiceExt};

use crate::error::{Code, Error, ErrorKind, Result};
use crate::rpc::{RpcRequest, RpcResponse, RpcService};

/// When and how failed calls are sent again.
///
/// The defaults follow the gRPC retry guidance Mattermost documents: up to 5 attempts, the
/// first backoff up to 0.1 s, doubling each time, at most 10 s, each backoff drawn uniformly
/// between zero and its cap ("full jitter", which spreads out clients that failed together).
///
/// What is retried:
/// - any RPC whose request provably never left the client (the connection was refused);
/// - [read-only and idempotent](crate::methods::Safety) RPCs that failed with `UNAVAILABLE`
///   or a broken connection.
///
/// Nothing else: a `CreatePost` that may have reached the server is never sent twice. A
/// budget (10 retries per second, plus 20% of recent calls) stops retry storms when the
/// server is down for everyone.
///
/// ```
/// use std::time::Duration;
/// use mm_client::RetryPolicy;
/// let policy = RetryPolicy::default().max_attempts(3).initial_backoff(Duration::from_millis(50));
/// assert_eq!(policy.get_max_attempts(), 3);
/// let off = RetryPolicy::disabled();
/// assert_eq!(off.get_max_attempts(), 1);
/// ```
#[derive(Debug, Clone)]
pub struct RetryPolicy {
    max_attempts: u32,
    initial_backoff: Duration,
    max_backoff: Duration,
    multiplier: f64,
    budget_ttl: Duration,
    budget_min_per_sec: u32,
    budget_percent: f32,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 5,
            initial_backoff: Duration::from_millis(100),
            max_backoff: Duration::from_secs(10),
            multiplier: 2.0,
            budget_ttl: Duration::from_secs(10),
            budget_min_per_sec: 10,
            budget_percent: 0.2,
        }
    }
}

impl RetryPolicy {
    /// No retries: every call is sent once.
    pub fn disabled() -> Self {
        RetryPolicy { max_attempts: 1, ..RetryPolicy::default() }
    }

    /// Attempts per call, the first included (at least 1).
    pub fn max_attempts(mut self, attempts: u32) -> Self {
        self.max_attempts = attempts.max(1);
        self
    }

    /// The cap of the first backoff.
    pub fn initial_backoff(mut self, backoff: Duration) -> Self {
        self.initial_backoff = backoff;
        self
    }

    /// The largest backoff.
    pub fn max_backoff(mut self, backoff: Duration) -> Self {
        self.max_backoff = backoff;
        self
    }

    /// How much the backoff cap grows per attempt (at least 1).
    pub fn multiplier(mut self, multiplier: f64) -> Self {
        self.multiplier = if multiplier.is_finite() { multiplier.max(1.0) } else { 2.0 };
        self
    }

    /// The retry budget: retries allowed per second regardless of traffic, plus a share of
    /// the calls made in the last `ttl` (`percent` between 0 and 10).
    pub fn budget(mut self, ttl: Duration, min_per_sec: u32, percent: f32) -> Self {
        self.budget_ttl = ttl.clamp(Duration::from_secs(1), Duration::from_secs(60));
        self.budget_min_per_sec = min_per_sec;
        self.budget_percent = if percent.is_finite() { percent.clamp(0.0, 10.0) } else { 0.2 };
        self
    }

    /// Attempts per call, the first included.
    pub fn get_max_attempts(&self) -> u32 {
        self.max_attempts
    }

    /// The cap of the backoff before attempt `attempt + 1`.
    fn backoff_cap(&self, attempt: u32) -> Duration {
        let exponent = i32::try_from(attempt.saturating_sub(1)).unwrap_or(i32::MAX);
        let secs = self.initial_backoff.as_secs_f64() * self.multiplier.powi(exponent);
        let cap = self.max_backoff.as_secs_f64();
        Duration::from_secs_f64(if secs.is_finite() { secs.min(cap) } else { cap })
    }

    /// Whether an error may be retried for this request.
    pub(crate) fn is_retryable(request: &RpcRequest, error: &Error) -> bool {
        if error.is_never_sent() {
            return true;
        }
        request.method.safety.is_retry_safe()
            && (error.kind() == ErrorKind::Transport || error.code() == Some(Code::Unavailable))
    }
}

/// The retry layer's service.
#[derive(Clone)]
pub(crate) struct Retry {
    inner: RpcService,
    policy: Arc<RetryPolicy>,
    budget: Arc<TpsBudget>,
}

impl Retry {
    pub(crate) fn new(inner: RpcService, policy: RetryPolicy) -> Self {
        let budget = TpsBudget::new(policy.budget_ttl, policy.budget_min_per_sec, policy.budget_percent);
        Retry { inner, policy: Arc::new(policy), budget: Arc::new(budget) }
    }
}

impl Service<RpcRequest> for Retry {
    type Response = RpcResponse;
    type Error = Error;
    type Future = Pin<Box<dyn Future<Output = Result<RpcResponse>> + Send>>;

    fn poll_ready(&mut self, _cx: &mut Context<'_>) -> Poll<Result<()>> {
        // Every attempt waits for readiness of its own clone of the inner service.
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, request: RpcRequest) -> Self::Future {
        let inner = self.inner.clone();
        let policy = Arc::clone(&self.policy);
        let budget = Arc::clone(&self.budget);
        Box::pin(async move {
            budget.deposit();
            let mut attempt = 1;
            loop {
                let mut this_attempt = request.clone();
                this_attempt.attempt = attempt;
                tracing::Span::current().record("attempts", attempt);
                let error = match inner.clone().oneshot(this_attempt).await {
                    Ok(response) => return Ok(response),
                    Err(error) => error,
                };
                if attempt >= policy.max_attempts || !RetryPolicy::is_retryable(&request, &error) {
                    return Err(error);
                }
                let cap = policy.backoff_cap(attempt);
                let backoff = cap.mul_f64(rand::random::<f64>());
                if request.deadline.is_some_and(|deadline| Instant::now() + backoff >= deadline) {
                    return Err(error);
                }
                if !budget.withdraw() {
                    tracing::warn!(rpc = request.method.name, %error, "retry budget exhausted; not retrying");
                    return Err(error);
                }
                tracing::debug!(rpc = request.method.name, attempt, ?backoff, %error, "retrying");
                tokio::time::sleep(backoff).await;
                attempt += 1;
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_caps_double_up_to_the_maximum() {
        let policy = RetryPolicy::default();
        assert_eq!(policy.backoff_cap(1), Duration::from_millis(100));
        assert_eq!(policy.backoff_cap(2), Duration::from_millis(200));
        assert_eq!(policy.backoff_cap(4), Duration::from_millis(800));
        assert_eq!(policy.backoff_cap(20), Duration::from_secs(10));
        assert_eq!(policy.backoff_cap(u32::MAX), Duration::from_secs(10));
    }

    #[test]
    fn only_safe_methods_retry_on_unavailable_but_refused_connections_always_retry() {
        use crate::methods::{CREATE_POST, GET_USER};
        let unavailable = Error::from_status(tonic::Status::unavailable("app.x.y: down"));
        let create = RpcRequest::new(&CREATE_POST, bytes::Bytes::new());
        let get = RpcRequest::new(&GET_USER, bytes::Bytes::new());
        assert!(!RetryPolicy::is_retryable(&create, &unavailable));
        assert!(RetryPolicy::is_retryable(&get, &unavailable));
        let not_found = Error::from_status(tonic::Status::not_found("app.x.y: gone"));
        assert!(!RetryPolicy::is_retryable(&get, &not_found));
    }
}
