//! The middleware stack between a typed call and the transport.
//!
//! From the outside in: [`trace`] (one span per call), [`timeout`] (the call's time budget,
//! sent as the gRPC deadline), [`retry`] (a tower retry policy for safe retries, backoff and
//! a budget), then the user's layers (once per attempt, like gRPC interceptors), then the
//! transport or the caller's service.
//!
//! The span, the budget and the retries are one future of fixed layout around the user's
//! layers and the transport, not three boxed tower services: a call clones one boxed service
//! instead of four and allocates no future per layer. `mm-bench instructions` counted what
//! that saves (docs/performance.md); nesting `async fn`s instead made the call's future
//! 4.3 KB, copied at every move.

pub(crate) mod retry;
pub(crate) mod timeout;
pub(crate) mod trace;

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use crate::error::{Error, Result};
use crate::rpc::{RpcRequest, RpcResponse, RpcService};
use crate::transport::Transport;
pub use retry::RetryPolicy;

/// The whole stack of a client: what every call goes through.
#[derive(Clone)]
pub(crate) struct Stack {
    policy: retry::SafeRetry,
    inner: Inner,
}

/// What the stack sends each attempt to.
#[derive(Clone)]
pub(crate) enum Inner {
    /// The gRPC transport itself, when there are no user layers: called without a box.
    Grpc(Transport),
    /// The user's layers over a transport, or the caller's own service.
    Service(RpcService),
}

impl Inner {
    /// As a boxed service, for the user's layers to wrap.
    pub(crate) fn into_service(self) -> RpcService {
        match self {
            Inner::Grpc(transport) => RpcService::new(transport),
            Inner::Service(service) => service,
        }
    }
}

impl tower::Service<RpcRequest> for Inner {
    type Response = RpcResponse;
    type Error = Error;
    type Future = Pin<Box<dyn Future<Output = Result<RpcResponse>> + Send>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<()>> {
        match self {
            Inner::Grpc(transport) => transport.poll_ready(cx),
            Inner::Service(service) => service.poll_ready(cx),
        }
    }

    fn call(&mut self, request: RpcRequest) -> Self::Future {
        match self {
            Inner::Grpc(transport) => transport.call(request),
            Inner::Service(service) => service.call(request),
        }
    }
}

impl Stack {
    /// The stack over `inner` (the user's layers over the transport, or the transport).
    pub(crate) fn new(policy: &RetryPolicy, inner: Inner) -> Self {
        Stack { policy: policy.policy(), inner }
    }

    /// Sends one call through the stack; a clone of the stack serves each call.
    pub(crate) fn call(self, mut request: RpcRequest) -> impl Future<Output = Result<RpcResponse>> + Send {
        let rpc = request.method.name;
        let span = trace::span(&request);
        let budget = timeout::start(&mut request);
        let attempts = retry::with_retries(self.policy, self.inner, request);
        trace::Traced::new(rpc, span, timeout::Bounded::new(budget, attempts))
    }
}
