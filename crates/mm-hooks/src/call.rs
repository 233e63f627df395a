//! One hook call as the runtime runs it: its context, deadline, panic isolation and the
//! bookkeeping that lets shutdown wait for it.

use std::fmt;
use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::time::{Duration, Instant};

use futures_util::FutureExt;
use tokio_util::task::task_tracker::TaskTrackerToken;
use tonic::metadata::MetadataMap;
use tracing::Instrument;

use crate::context::{Context, panic_message};
use crate::failure::{HookFailure, HookFailureKind};

/// Why a hook produced no value.
#[derive(Debug)]
pub(crate) enum Interrupted {
    /// The hook panicked; the payload's text.
    Panicked(String),
    /// The server's deadline passed first.
    DeadlineExceeded(Duration),
}

impl Interrupted {
    pub(crate) fn into_failure(self, hook: crate::Hook) -> HookFailure {
        let kind = match self {
            Interrupted::Panicked(message) => HookFailureKind::Panicked(message),
            Interrupted::DeadlineExceeded(after) => HookFailureKind::DeadlineExceeded(after),
        };
        HookFailure::new(hook, kind)
    }
}

/// A hook call in progress. Dropping it (the call finished, or the server cancelled it and the
/// transport dropped the handler) cancels the call's [`Cancellation`](crate::Cancellation) and
/// tells shutdown the call is over.
pub(crate) struct Call {
    pub(crate) cx: Context,
    started: Instant,
    _in_flight: TaskTrackerToken,
}

impl Call {
    pub(crate) fn new(cx: Context, in_flight: TaskTrackerToken) -> Self {
        Call { cx, started: Instant::now(), _in_flight: in_flight }
    }

    /// Runs a hook's future inside the call's span, bounded by its deadline, with panics
    /// caught: a panicking hook fails this call only.
    pub(crate) async fn run<T>(&self, hook: impl Future<Output = T>) -> Result<T, Interrupted> {
        let hook_name = self.cx.hook();
        let span = tracing::debug_span!("hook", hook = hook_name.rpc_name());
        let guarded = AssertUnwindSafe(hook).catch_unwind().instrument(span);
        let outcome = match self.cx.deadline() {
            Some(deadline) => match tokio::time::timeout_at(deadline.into(), guarded).await {
                Ok(outcome) => outcome,
                Err(_) => {
                    let after = deadline.saturating_duration_since(self.started);
                    tracing::warn!(hook = hook_name.rpc_name(), "hook exceeded the server's deadline");
                    return Err(Interrupted::DeadlineExceeded(after));
                }
            },
            None => guarded.await,
        };
        outcome.map_err(|payload| {
            let message = panic_message(&*payload);
            tracing::error!(hook = hook_name.rpc_name(), panic = %message, "hook panicked");
            Interrupted::Panicked(message)
        })
    }
}

impl fmt::Debug for Call {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Call").field("cx", &self.cx).finish()
    }
}

impl Drop for Call {
    fn drop(&mut self) {
        // Anything the hook handed its cancellation to learns that nobody waits any more.
        self.cx.cancellation().cancel();
    }
}

/// The deadline a call's `grpc-timeout` header sets (`<digits><unit>`, unit one of
/// `H M S m u n`), if it has a valid one.
pub(crate) fn deadline_from(metadata: &MetadataMap, now: Instant) -> Option<Instant> {
    let value = metadata.get("grpc-timeout")?.to_str().ok()?;
    let (digits, unit) = value.split_at(value.len().checked_sub(1)?);
    // The gRPC spec allows at most 8 digits.
    if digits.is_empty() || digits.len() > 8 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let amount: u64 = digits.parse().ok()?;
    let timeout = match unit {
        "H" => Duration::from_secs(amount * 3600),
        "M" => Duration::from_secs(amount * 60),
        "S" => Duration::from_secs(amount),
        "m" => Duration::from_millis(amount),
        "u" => Duration::from_micros(amount),
        "n" => Duration::from_nanos(amount),
        _ => return None,
    };
    now.checked_add(timeout)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn metadata(timeout: &str) -> MetadataMap {
        let mut m = MetadataMap::new();
        m.insert("grpc-timeout", timeout.parse().unwrap());
        m
    }

    #[test]
    fn grpc_timeouts_parse_in_every_unit() {
        let now = Instant::now();
        let cases = [
            ("30S", Duration::from_secs(30)),
            ("29999m", Duration::from_millis(29_999)),
            ("2H", Duration::from_secs(7200)),
            ("1M", Duration::from_secs(60)),
            ("5u", Duration::from_micros(5)),
            ("7n", Duration::from_nanos(7)),
        ];
        for (header, expected) in cases {
            assert_eq!(deadline_from(&metadata(header), now), Some(now + expected), "{header}");
        }
        for bad in ["", "S", "10", "123456789S", "1x", "-1S"] {
            let mut m = MetadataMap::new();
            if let Ok(v) = bad.parse() {
                m.insert("grpc-timeout", v);
            }
            assert_eq!(deadline_from(&m, now), None, "{bad:?}");
        }
    }
}
