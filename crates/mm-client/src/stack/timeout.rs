//! The per-call time budget: the call fails with a timeout error when it runs out.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Instant;

use tower::Service;

use crate::error::{Code, Error, ErrorKind, Result};
use crate::rpc::{RpcRequest, RpcResponse, RpcService};

/// Enforces [`RpcRequest::timeout`] over the whole call (every attempt and backoff), and sets
/// [`RpcRequest::deadline`] so that the transport sends it as the gRPC deadline.
#[derive(Clone)]
pub(crate) struct Timeout {
    inner: RpcService,
}

impl Timeout {
    pub(crate) fn new(inner: RpcService) -> Self {
        Timeout { inner }
    }
}

impl Service<RpcRequest> for Timeout {
    type Response = RpcResponse;
    type Error = Error;
    type Future = Pin<Box<dyn Future<Output = Result<RpcResponse>> + Send>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<()>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, mut request: RpcRequest) -> Self::Future {
        let Some(budget) = request.timeout else {
            return Box::pin(self.inner.call(request));
        };
        // A budget too long for an `Instant` (`Duration::MAX`) is no deadline at all.
        let Some(deadline) = Instant::now().checked_add(budget) else {
            return Box::pin(self.inner.call(request));
        };
        let deadline = request.deadline.map_or(deadline, |d| d.min(deadline));
        request.deadline = Some(deadline);
        let call = self.inner.call(request);
        Box::pin(async move {
            match tokio::time::timeout(budget, call).await {
                // The server enforces the deadline it was sent too, and may answer first
                // (grpc-go with DEADLINE_EXCEEDED, tonic with CANCELLED): still our timeout.
                Ok(Err(error)) if Instant::now() >= deadline && error.kind() != ErrorKind::Server => {
                    Err(Error::timeout(budget).with_source(error))
                }
                Ok(Err(error))
                    if Instant::now() >= deadline && error.code() == Some(Code::DeadlineExceeded) =>
                {
                    Err(Error::timeout(budget).with_source(error))
                }
                Ok(result) => result,
                Err(_) => Err(Error::timeout(budget)),
            }
        })
    }
}
