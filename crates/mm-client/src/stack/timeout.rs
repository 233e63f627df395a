//! The per-call time budget: the call fails with a timeout error when it runs out.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use pin_project_lite::pin_project;
use tokio::time::Sleep;

use crate::error::{Code, Error, ErrorKind, Result};
use crate::rpc::{RpcRequest, RpcResponse};

/// A call's budget and the deadline it sets.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Budget {
    budget: Duration,
    deadline: Instant,
}

/// Starts the clock of [`RpcRequest::timeout`]: sets [`RpcRequest::deadline`] (the earlier of
/// the one already set and now + the budget), which the transport sends as the gRPC
/// deadline. `None`: no budget, or one too long for an `Instant` (`Duration::MAX`).
pub(crate) fn start(request: &mut RpcRequest) -> Option<Budget> {
    let budget = request.timeout?;
    let deadline = Instant::now().checked_add(budget)?;
    let deadline = request.deadline.map_or(deadline, |d| d.min(deadline));
    request.deadline = Some(deadline);
    Some(Budget { budget, deadline })
}

pin_project! {
    /// A call held to its budget over the whole call (every attempt and backoff): its result,
    /// or a timeout error once the deadline passes.
    pub(crate) struct Bounded<F> {
        #[pin]
        call: F,
        // Made at the first poll, inside the runtime.
        #[pin]
        timer: Option<Sleep>,
        budget: Option<Budget>,
    }
}

impl<F> Bounded<F> {
    pub(crate) fn new(budget: Option<Budget>, call: F) -> Self {
        Bounded { call, timer: None, budget }
    }
}

impl<F: Future<Output = Result<RpcResponse>>> Future for Bounded<F> {
    type Output = Result<RpcResponse>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let mut this = self.project();
        let Some(Budget { budget, deadline }) = *this.budget else {
            return this.call.poll(cx);
        };
        if let Poll::Ready(result) = this.call.poll(cx) {
            return Poll::Ready(match result {
                // The server enforces the deadline it was sent too, and may answer first
                // (grpc-go with DEADLINE_EXCEEDED, tonic with CANCELLED): still our timeout.
                Err(error) if Instant::now() >= deadline && is_deadline_failure(&error) => {
                    Err(Error::timeout(budget).with_source(error))
                }
                result => result,
            });
        }
        if this.timer.as_mut().as_pin_mut().is_none() {
            this.timer.set(Some(tokio::time::sleep_until(deadline.into())));
        }
        match this.timer.as_pin_mut().map(|timer| timer.poll(cx)) {
            Some(Poll::Ready(())) => Poll::Ready(Err(Error::timeout(budget))),
            _ => Poll::Pending,
        }
    }
}

/// Whether a failure after the deadline is the deadline's doing: anything but an answer of
/// the server, or the server's own DEADLINE_EXCEEDED.
fn is_deadline_failure(error: &Error) -> bool {
    error.kind() != ErrorKind::Server || error.code() == Some(Code::DeadlineExceeded)
}
