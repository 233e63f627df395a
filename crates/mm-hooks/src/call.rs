//! One hook call as the runtime runs it: its context, deadline, panic isolation and the
//! bookkeeping that lets shutdown wait for it.

use std::fmt;
use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::time::{Duration, Instant};

use futures_util::FutureExt;
use tokio_util::task::task_tracker::TaskTrackerToken;
use tonic::Status;
use tonic::metadata::MetadataMap;
use tracing::Instrument;

use crate::context::{Context, panic_message};
use crate::error::{HookError, HookErrorKind};
use crate::hook::Hook;

/// Why a hook produced no value.
#[derive(Debug)]
pub(crate) enum Interrupted {
    /// The hook panicked; the payload's text.
    Panicked(String),
    /// The server's deadline passed first.
    DeadlineExceeded(Duration),
}

impl Interrupted {
    pub(crate) fn into_status(self, hook: Hook) -> Status {
        match self {
            Interrupted::Panicked(message) => Status::internal(format!("hook {hook} panicked: {message}")),
            Interrupted::DeadlineExceeded(after) => Status::deadline_exceeded(format!(
                "hook {hook} did not finish within the server's deadline of {:.3} s",
                after.as_secs_f64()
            )),
        }
    }
}

/// A hook call in progress. Dropping it (the call finished, or the server cancelled it and
/// tonic dropped the handler) cancels the call's [`Cancellation`](crate::Cancellation) and
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

    /// Like [`run`](Self::run) for hooks that return `Result<T, HookError>` and answer errors
    /// in their response: a panic becomes a `HookError`; a missed deadline stays a status.
    pub(crate) async fn run_fallible<T>(
        &self,
        hook: impl Future<Output = Result<T, HookError>>,
    ) -> Result<Result<T, HookError>, Status> {
        match self.run(hook).await {
            Ok(result) => {
                if let Err(e) = &result {
                    tracing::warn!(hook = self.cx.hook().rpc_name(), error = %e, "hook failed");
                }
                Ok(result)
            }
            Err(Interrupted::Panicked(message)) => {
                Ok(Err(HookError::msg(format!("hook panicked: {message}"))))
            }
            Err(interrupted) => Err(interrupted.into_status(self.cx.hook())),
        }
    }

    /// Like [`run`](Self::run) for hooks whose response has no error field: an error or a
    /// panic is answered with an error status, which the server logs.
    pub(crate) async fn run_void(
        &self,
        hook: impl Future<Output = Result<(), HookError>>,
    ) -> Result<(), Status> {
        match self.run(hook).await {
            Ok(Ok(())) => Ok(()),
            Ok(Err(e)) => {
                tracing::warn!(hook = self.cx.hook().rpc_name(), error = %e, "hook failed");
                Err(status_from_error(self.cx.hook(), e))
            }
            Err(interrupted) => Err(interrupted.into_status(self.cx.hook())),
        }
    }

    /// Like [`run`](Self::run) for hooks that cannot fail (decisions): a panic is answered
    /// with an error status, and the server falls back to its default.
    pub(crate) async fn run_infallible<T>(&self, hook: impl Future<Output = T>) -> Result<T, Status> {
        self.run(hook).await.map_err(|i| i.into_status(self.cx.hook()))
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

/// The status for a hook error sent without a response body: an `AppError` keeps its id and
/// message (`"<id>: <message>"`) and its HTTP status picks the code, as the server does.
pub(crate) fn status_from_error(hook: Hook, error: HookError) -> Status {
    match error.kind() {
        HookErrorKind::InvalidArgument(message) => Status::invalid_argument(message.clone()),
        HookErrorKind::App(app) => mm_proto::app_error_status(&app.id, &app.message, app.status_code),
        _ => Status::internal(format!("hook {hook} failed: {error}")),
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
    use mm_types::AppError;
    use tonic::Code;

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

    #[test]
    fn app_errors_pick_the_code_from_their_http_status() {
        let status = status_from_error(
            Hook::MessageHasBeenPosted,
            HookError::app(AppError::new("plugin.x.forbidden", "No.").with_status(403)),
        );
        assert_eq!((status.code(), status.message()), (Code::PermissionDenied, "plugin.x.forbidden: No."));
        let status = status_from_error(Hook::MessageHasBeenPosted, HookError::msg("db down"));
        assert_eq!(status.code(), Code::Internal);
        assert_eq!(status.message(), "hook MessageHasBeenPosted failed: db down");
    }
}
