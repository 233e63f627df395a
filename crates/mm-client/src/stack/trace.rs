//! One `tracing` span per call, with the RPC name, attempts, latency and outcome.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Instant;

use tower::Service;
use tracing::Instrument;
use tracing::field::Empty;

use crate::error::{Error, ErrorKind, Result};
use crate::rpc::{RpcRequest, RpcResponse, RpcService};

/// Wraps every call in an `mm_client.rpc` span (level INFO) with the fields `rpc`, `attempts`,
/// `latency_ms` and `outcome` (`ok` or the error kind), and logs its end at DEBUG (WARN for
/// transport failures, timeouts and malformed answers).
#[derive(Clone)]
pub(crate) struct Trace {
    inner: RpcService,
}

impl Trace {
    pub(crate) fn new(inner: RpcService) -> Self {
        Trace { inner }
    }
}

impl Service<RpcRequest> for Trace {
    type Response = RpcResponse;
    type Error = Error;
    type Future = Pin<Box<dyn Future<Output = Result<RpcResponse>> + Send>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<()>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: RpcRequest) -> Self::Future {
        let rpc = request.method.name;
        let span = tracing::info_span!(
            "mm_client.rpc",
            rpc,
            request_bytes = request.message.protobuf_len(),
            attempts = 1u32,
            latency_ms = Empty,
            outcome = Empty,
        );
        let started = Instant::now();
        let call = self.inner.call(request).instrument(span.clone());
        Box::pin(async move {
            let result = call.await;
            let latency_ms = started.elapsed().as_secs_f64() * 1000.0;
            span.record("latency_ms", latency_ms);
            let _entered = span.enter();
            match &result {
                Ok(response) => {
                    span.record("outcome", "ok");
                    tracing::debug!(rpc, latency_ms, response_bytes = response.len(), "call succeeded");
                }
                Err(error) => {
                    let outcome = outcome_name(error.kind());
                    span.record("outcome", outcome);
                    match error.kind() {
                        ErrorKind::Transport | ErrorKind::Timeout | ErrorKind::MalformedResponse => {
                            tracing::warn!(rpc, latency_ms, %error, "call failed")
                        }
                        _ => tracing::debug!(rpc, latency_ms, %error, "call failed"),
                    }
                }
            }
            result
        })
    }
}

fn outcome_name(kind: ErrorKind) -> &'static str {
    match kind {
        ErrorKind::Server => "server_error",
        ErrorKind::Transport => "transport_error",
        ErrorKind::Timeout => "timeout",
        ErrorKind::PayloadTooLarge { .. } => "payload_too_large",
        ErrorKind::MalformedResponse => "malformed_response",
        ErrorKind::Configuration => "configuration_error",
        ErrorKind::BlockingInAsync => "blocking_in_async",
        ErrorKind::InvalidInput => "invalid_input",
        ErrorKind::Contention => "contention",
        ErrorKind::Cancelled => "cancelled",
        ErrorKind::Unsupported => "unsupported",
    }
}
