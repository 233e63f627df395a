//! Why a hook call produced no response, in terms any transport can report: gRPC answers a
//! status, net/rpc an error text or an `AppError`.

use std::fmt;
use std::time::Duration;

use mm_types::AppError;
use tonic::Status;

use crate::error::{HookError, HookErrorKind};
use crate::hook::Hook;

/// A hook call that failed as a whole: the server gets an error instead of the hook's response.
///
/// Failures the hook's response can carry (an `AppError` field) are not failures: they are in
/// the response. The text ([`Display`](fmt::Display)) is what the server should see.
#[derive(Debug)]
pub struct HookFailure {
    hook: Hook,
    kind: HookFailureKind,
}

/// What kind of failure a [`HookFailure`] is.
#[derive(Debug)]
#[non_exhaustive]
pub enum HookFailureKind {
    /// The plugin is shutting down and refused the call.
    ShuttingDown,
    /// The request could not be turned into the hook's arguments (a missing or malformed
    /// field); the message names the field.
    InvalidArgument(String),
    /// The hook returned an error its response has no place for ("has been" hooks, ServeHTTP).
    Failed(HookError),
    /// The hook panicked, with this message.
    Panicked(String),
    /// The server's deadline passed first, this long after the call started.
    DeadlineExceeded(Duration),
    /// The caller cancelled the call.
    Cancelled,
}

impl HookFailure {
    pub(crate) fn new(hook: Hook, kind: HookFailureKind) -> Self {
        HookFailure { hook, kind }
    }

    /// The hook that failed.
    pub fn hook(&self) -> Hook {
        self.hook
    }

    /// What kind of failure this is.
    pub fn kind(&self) -> &HookFailureKind {
        &self.kind
    }

    /// The application error the hook failed with, when it returned one: report it as such
    /// (its id and status) rather than as text.
    pub fn app_error(&self) -> Option<&AppError> {
        match &self.kind {
            HookFailureKind::Failed(error) => error.app_error(),
            _ => None,
        }
    }

    /// The gRPC status for the failure; an `AppError`'s HTTP status picks the code, as the
    /// server does.
    pub(crate) fn into_status(self) -> Status {
        let message = self.to_string();
        match self.kind {
            HookFailureKind::ShuttingDown => Status::unavailable(message),
            HookFailureKind::InvalidArgument(_) => Status::invalid_argument(message),
            HookFailureKind::Failed(error) => match error.kind() {
                HookErrorKind::InvalidArgument(_) => Status::invalid_argument(message),
                HookErrorKind::App(app) => mm_proto::app_error_status(&app.id, &app.message, app.status_code),
                _ => Status::internal(message),
            },
            HookFailureKind::Panicked(_) => Status::internal(message),
            HookFailureKind::DeadlineExceeded(_) => Status::deadline_exceeded(message),
            HookFailureKind::Cancelled => Status::cancelled(message),
        }
    }
}

impl fmt::Display for HookFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let hook = self.hook;
        match &self.kind {
            HookFailureKind::ShuttingDown => write!(f, "plugin is shutting down; {hook} not run"),
            HookFailureKind::InvalidArgument(message) => f.write_str(message),
            HookFailureKind::Failed(error) => match error.kind() {
                HookErrorKind::InvalidArgument(message) => f.write_str(message),
                HookErrorKind::App(app) => write!(f, "{}: {}", app.id, app.message),
                _ => write!(f, "hook {hook} failed: {error}"),
            },
            HookFailureKind::Panicked(message) => write!(f, "hook {hook} panicked: {message}"),
            HookFailureKind::DeadlineExceeded(after) => write!(
                f,
                "hook {hook} did not finish within the server's deadline of {:.3} s",
                after.as_secs_f64()
            ),
            HookFailureKind::Cancelled => write!(f, "hook {hook} was cancelled by the server"),
        }
    }
}

impl std::error::Error for HookFailure {}

#[cfg(test)]
mod tests {
    use tonic::Code;

    use super::*;

    fn status(kind: HookFailureKind) -> (Code, String) {
        let status = HookFailure::new(Hook::MessageHasBeenPosted, kind).into_status();
        (status.code(), status.message().to_owned())
    }

    #[test]
    fn app_errors_pick_the_code_from_their_http_status() {
        let failed = HookFailureKind::Failed(HookError::app(
            AppError::new("plugin.x.forbidden", "No.").with_status(403),
        ));
        assert_eq!(status(failed), (Code::PermissionDenied, "plugin.x.forbidden: No.".into()));
        assert_eq!(
            status(HookFailureKind::Failed(HookError::msg("db down"))),
            (Code::Internal, "hook MessageHasBeenPosted failed: db down".into())
        );
    }

    #[test]
    fn every_kind_has_its_code_and_the_text_names_the_hook() {
        assert_eq!(
            status(HookFailureKind::ShuttingDown),
            (Code::Unavailable, "plugin is shutting down; MessageHasBeenPosted not run".into())
        );
        assert_eq!(
            status(HookFailureKind::InvalidArgument("post is required".into())).0,
            Code::InvalidArgument
        );
        assert_eq!(
            status(HookFailureKind::Panicked("boom".into())),
            (Code::Internal, "hook MessageHasBeenPosted panicked: boom".into())
        );
        let (code, message) = status(HookFailureKind::DeadlineExceeded(Duration::from_millis(1500)));
        assert_eq!(
            (code, message.as_str()),
            (
                Code::DeadlineExceeded,
                "hook MessageHasBeenPosted did not finish within the server's deadline of 1.500 s"
            )
        );
        assert_eq!(status(HookFailureKind::Cancelled).0, Code::Cancelled);
    }

    #[test]
    fn the_app_error_is_kept_for_transports_that_report_it() {
        let app = AppError::new("plugin.x.nope", "Nope.").with_status(409);
        let failure =
            HookFailure::new(Hook::OnActivate, HookFailureKind::Failed(HookError::app(app.clone())));
        assert_eq!(failure.app_error(), Some(&app));
        assert_eq!(HookFailure::new(Hook::OnActivate, HookFailureKind::Cancelled).app_error(), None);
    }
}
