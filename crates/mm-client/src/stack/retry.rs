//! Retries where they are safe: a [`tower::retry::Policy`] that knows each RPC's safety, the
//! call's deadline and a retry budget (tower's), with tower's exponential backoff, driven by
//! [`with_retries`] as tower's `Retry` service would.

use std::sync::Arc;
use std::time::Duration;

use tower::ServiceExt as _;
use tower::retry::Policy as _;
use tower::retry::backoff::{Backoff, ExponentialBackoff, ExponentialBackoffMaker, MakeBackoff};
use tower::retry::budget::{Budget, TpsBudget};

use crate::backoff;
use crate::error::{Code, Error, ErrorKind, Result};
use crate::rpc::{RpcRequest, RpcResponse};

/// When and how failed calls are sent again.
///
/// The defaults follow the gRPC retry guidance Mattermost documents: up to 5 attempts; the
/// first backoff 0.1 s, doubling each time up to 10 s, each lengthened by up to 100% at
/// random (tower's exponential backoff with jitter, which spreads out clients that failed
/// together).
///
/// What is retried:
/// - any RPC the server provably did not act on: the connection was refused, or the server
///   refused the HTTP/2 stream unprocessed (`REFUSED_STREAM`);
/// - [read-only and idempotent](crate::Safety) RPCs that failed with `UNAVAILABLE` or a
///   broken connection (reset or closed under the call, an HTTP/2 GOAWAY).
///
/// Nothing else: a `CreatePost` that may have reached the server is never sent twice. No
/// retry starts that would end after the call's deadline. A budget (10 retries per second,
/// plus 20% of recent calls) stops retry storms when the server is down for everyone.
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

    /// The first backoff (before its jitter).
    pub fn initial_backoff(mut self, backoff: Duration) -> Self {
        self.initial_backoff = backoff;
        self
    }

    /// The largest backoff, jitter included.
    pub fn max_backoff(mut self, backoff: Duration) -> Self {
        self.max_backoff = backoff;
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

    /// The policy of a client: one budget shared by all its calls.
    pub(crate) fn policy(&self) -> SafeRetry {
        let budget = TpsBudget::new(self.budget_ttl, self.budget_min_per_sec, self.budget_percent);
        SafeRetry {
            max_attempts: self.max_attempts,
            budget: Arc::new(budget),
            backoff: backoff::maker(self.initial_backoff, self.max_backoff),
            session: None,
        }
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

/// The [`tower::retry::Policy`] of the client. Every call starts from a clone, so `session`
/// (the backoff of one call) starts empty for each.
#[derive(Clone)]
pub(crate) struct SafeRetry {
    max_attempts: u32,
    budget: Arc<TpsBudget>,
    backoff: ExponentialBackoffMaker,
    session: Option<ExponentialBackoff>,
}

impl tower::retry::Policy<RpcRequest, RpcResponse, Error> for SafeRetry {
    type Future = tokio::time::Sleep;

    fn retry(&mut self, request: &mut RpcRequest, result: &mut Result<RpcResponse>) -> Option<Self::Future> {
        let error = result.as_ref().err()?;
        if request.attempt >= self.max_attempts || !RetryPolicy::is_retryable(request, error) {
            return None;
        }
        let backoff = self.session.get_or_insert_with(|| self.backoff.make_backoff()).next_backoff();
        // A retry that would start after the deadline cannot finish: answer this error now.
        if request.deadline.is_some_and(|deadline| backoff.deadline().into_std() >= deadline) {
            return None;
        }
        if !self.budget.withdraw() {
            tracing::warn!(rpc = request.method.name, %error, "retry budget exhausted; not retrying");
            return None;
        }
        tracing::debug!(rpc = request.method.name, attempt = request.attempt, %error, "retrying");
        request.attempt += 1;
        tracing::Span::current().record("attempts", request.attempt);
        Some(backoff)
    }

    fn clone_request(&mut self, request: &RpcRequest) -> Option<RpcRequest> {
        // Called once per call with its first attempt, then once per retry.
        if request.attempt == 1 {
            self.budget.deposit();
        }
        Some(request.clone())
    }
}

/// Sends `request` through `service`, and again after each failure the policy retries, after
/// its backoff; the semantics of tower's `Retry` service (a failure to get the service ready
/// is answered at once). A loop instead of that service saves a clone of the whole stack and
/// a boxed future per call.
pub(crate) async fn with_retries<S>(
    mut policy: SafeRetry,
    mut service: S,
    mut request: RpcRequest,
) -> Result<RpcResponse>
where
    S: tower::Service<RpcRequest, Response = RpcResponse, Error = Error>,
{
    loop {
        // The policy counts the call in its budget when it clones the first attempt.
        let attempt = policy.clone_request(&request).unwrap_or_else(|| request.clone());
        let mut result = service.ready().await?.call(attempt).await;
        match policy.retry(&mut request, &mut result) {
            Some(backoff) => backoff.await,
            None => return result,
        }
    }
}

#[cfg(test)]
mod tests {
    use tower::retry::Policy;

    use super::*;
    use crate::rpc::{RpcService, wire};

    fn unavailable() -> Error {
        Error::from_status(tonic::Status::unavailable("app.x.y: down"))
    }

    #[test]
    fn only_safe_methods_retry_on_unavailable() {
        let create = RpcRequest::new(wire::CreatePostRequest::default());
        let get = RpcRequest::new(wire::GetUserRequest::default());
        assert!(!RetryPolicy::is_retryable(&create, &unavailable()));
        assert!(RetryPolicy::is_retryable(&get, &unavailable()));
        let not_found = Error::from_status(tonic::Status::not_found("app.x.y: gone"));
        assert!(!RetryPolicy::is_retryable(&get, &not_found));
    }

    #[tokio::test(start_paused = true)]
    async fn the_loop_retries_a_safe_call_until_it_succeeds() {
        let calls = Arc::new(std::sync::atomic::AtomicU32::new(0));
        let counted = calls.clone();
        let service = RpcService::new(tower::service_fn(move |request: RpcRequest| {
            let n = counted.fetch_add(1, std::sync::atomic::Ordering::SeqCst) + 1;
            async move {
                assert_eq!(request.attempt, n, "each attempt carries its number");
                if n < 3 {
                    Err(unavailable())
                } else {
                    Ok(RpcResponse::message(wire::GetUserResponse::default()))
                }
            }
        }));
        let policy = RetryPolicy::default().policy();
        let result = with_retries(policy, service, RpcRequest::new(wire::GetUserRequest::default())).await;
        assert!(result.is_ok(), "{result:?}");
        assert_eq!(calls.load(std::sync::atomic::Ordering::SeqCst), 3);
    }

    #[tokio::test(start_paused = true)]
    async fn the_loop_answers_an_unsafe_failure_at_once() {
        let calls = Arc::new(std::sync::atomic::AtomicU32::new(0));
        let counted = calls.clone();
        let service = RpcService::new(tower::service_fn(move |_: RpcRequest| {
            counted.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            async { Err::<RpcResponse, _>(unavailable()) }
        }));
        let policy = RetryPolicy::default().policy();
        let result = with_retries(policy, service, RpcRequest::new(wire::CreatePostRequest::default())).await;
        assert_eq!(result.unwrap_err().code(), Some(Code::Unavailable));
        assert_eq!(calls.load(std::sync::atomic::Ordering::SeqCst), 1);
    }

    #[tokio::test(start_paused = true)]
    async fn attempts_are_numbered_up_to_the_limit() {
        let mut policy = RetryPolicy::default().max_attempts(3).policy();
        let mut request = policy.clone_request(&RpcRequest::new(wire::GetUserRequest::default())).unwrap();
        let mut failed: Result<RpcResponse> = Err(unavailable());
        assert!(policy.retry(&mut request, &mut failed).is_some());
        assert_eq!(request.attempt, 2);
        assert!(policy.retry(&mut request, &mut failed).is_some());
        assert_eq!(request.attempt, 3);
        assert!(policy.retry(&mut request, &mut failed).is_none(), "three attempts at most");
        let mut ok = Ok(RpcResponse::message(wire::GetUserResponse::default()));
        assert!(policy.retry(&mut request, &mut ok).is_none());
    }

    #[tokio::test(start_paused = true)]
    async fn no_retry_starts_after_the_deadline() {
        let mut policy = RetryPolicy::default().initial_backoff(Duration::from_secs(1)).policy();
        let mut request = RpcRequest::new(wire::GetUserRequest::default());
        request.deadline = Some(std::time::Instant::now() + Duration::from_millis(500));
        assert!(policy.retry(&mut request, &mut Err(unavailable())).is_none());
        assert_eq!(request.attempt, 1);
    }

    #[tokio::test(start_paused = true)]
    async fn the_longest_backoff_does_not_overflow() {
        let policy = RetryPolicy::default().initial_backoff(Duration::MAX).max_backoff(Duration::MAX);
        let mut policy = policy.policy();
        let mut request = RpcRequest::new(wire::GetUserRequest::default());
        for _ in 0..3 {
            assert!(policy.retry(&mut request, &mut Err(unavailable())).is_some());
        }
    }
}
