//! One `tracing` span per call, with the RPC name, attempts, latency and outcome.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Instant;

use pin_project_lite::pin_project;
use tracing::Span;
use tracing::field::Empty;

use crate::error::{ErrorKind, Result};
use crate::rpc::{RpcRequest, RpcResponse};

/// The `mm_client.rpc` span of a call (level INFO) with the fields `rpc`, `request_bytes`,
/// `attempts` (the retry policy updates it), `latency_ms` and `outcome` (`ok` or the error
/// kind). Its fields are computed only when a subscriber wants the span.
pub(crate) fn span(request: &RpcRequest) -> Span {
    tracing::info_span!(
        "mm_client.rpc",
        rpc = request.method.name,
        request_bytes = request.message.protobuf_len(),
        attempts = 1u32,
        latency_ms = Empty,
        outcome = Empty,
    )
}

pin_project! {
    /// A call run inside its span (entered at every poll); at its end it records the latency
    /// and outcome and logs at DEBUG (WARN for transport failures, timeouts and malformed
    /// answers).
    pub(crate) struct Traced<F> {
        #[pin]
        call: F,
        rpc: &'static str,
        span: Span,
        // `None` when nothing would be recorded or logged: then the clock is not read.
        started: Option<Instant>,
    }
}

impl<F> Traced<F> {
    pub(crate) fn new(rpc: &'static str, span: Span, call: F) -> Self {
        // With the span disabled and no WARN event wanted (the most verbose level would
        // enable it too), the end of the call records and logs nothing.
        let observed = !span.is_disabled() || tracing::enabled!(tracing::Level::WARN);
        Traced { call, rpc, span, started: observed.then(Instant::now) }
    }
}

impl<F: Future<Output = Result<RpcResponse>>> Future for Traced<F> {
    type Output = Result<RpcResponse>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.project();
        let _entered = this.span.enter();
        let Poll::Ready(result) = this.call.poll(cx) else {
            return Poll::Pending;
        };
        let Some(started) = this.started else {
            return Poll::Ready(result);
        };
        let (rpc, span) = (*this.rpc, &*this.span);
        let latency_ms = started.elapsed().as_secs_f64() * 1000.0;
        span.record("latency_ms", latency_ms);
        match &result {
            Ok(response) => {
                span.record("outcome", "ok");
                tracing::debug!(rpc, latency_ms, response_bytes = response.len(), "call succeeded");
            }
            Err(error) => {
                span.record("outcome", outcome_name(error.kind()));
                match error.kind() {
                    ErrorKind::Transport | ErrorKind::Timeout | ErrorKind::MalformedResponse => {
                        tracing::warn!(rpc, latency_ms, %error, "call failed")
                    }
                    _ => tracing::debug!(rpc, latency_ms, %error, "call failed"),
                }
            }
        }
        Poll::Ready(result)
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
