//! The error a hook returns.

use std::fmt;

use mm_types::AppError;

/// Why a hook failed.
///
/// Hooks return `Result<_, HookError>`, and `?` works on any error type: a plain error
/// becomes an internal failure with its message; an [`AppError`], or an error that carries one
/// (an `mm_client::Error` with the server's answer, or any error whose source chain holds an
/// `AppError`), keeps its id and status.
/// The runtime reports it to the server the way Mattermost expects for that hook (an
/// `AppError` in the response for lifecycle hooks, an error status otherwise).
///
/// ```
/// use mm_hooks::HookError;
/// fn parse(input: &str) -> Result<u32, HookError> {
///     Ok(input.parse::<u32>()?)
/// }
/// assert!(parse("x").unwrap_err().to_string().contains("invalid digit"));
/// ```
pub struct HookError {
    kind: HookErrorKind,
}

/// What kind of failure a [`HookError`] is.
#[derive(Debug)]
#[non_exhaustive]
pub enum HookErrorKind {
    /// A Mattermost application error, reported to the server as is.
    App(Box<AppError>),
    /// The server's request was malformed (answered with gRPC `INVALID_ARGUMENT`).
    InvalidArgument(String),
    /// Any other failure (answered as an internal error with this message).
    Internal(Box<dyn std::error::Error + Send + Sync + 'static>),
}

impl HookError {
    /// A failure with a message.
    pub fn msg(message: impl fmt::Display) -> Self {
        HookError { kind: HookErrorKind::Internal(message.to_string().into()) }
    }

    /// A failure reported as this application error.
    pub fn app(error: AppError) -> Self {
        HookError { kind: HookErrorKind::App(Box::new(error)) }
    }

    /// The server sent a request the plugin cannot accept.
    pub fn invalid_argument(message: impl fmt::Display) -> Self {
        HookError { kind: HookErrorKind::InvalidArgument(message.to_string()) }
    }

    /// What kind of failure this is.
    pub fn kind(&self) -> &HookErrorKind {
        &self.kind
    }

    /// The application error, when the failure is one.
    pub fn app_error(&self) -> Option<&AppError> {
        match &self.kind {
            HookErrorKind::App(e) => Some(e),
            _ => None,
        }
    }

    /// Converts the failure into the `AppError` a lifecycle hook answers with, using `id`
    /// (such as `plugin.on_activate.error`) when the failure is not already an `AppError`.
    pub fn into_app_error(self, id: &str) -> AppError {
        match self.kind {
            HookErrorKind::App(e) => *e,
            HookErrorKind::InvalidArgument(message) => {
                AppError::new(id, HookError { kind: HookErrorKind::InvalidArgument(message) }.to_string())
                    .with_status(400)
            }
            other => AppError::new(id, HookError { kind: other }.to_string()).with_status(500),
        }
    }
}

impl<E: std::error::Error + Send + Sync + 'static> From<E> for HookError {
    fn from(error: E) -> Self {
        let boxed: Box<dyn std::error::Error + Send + Sync + 'static> = Box::new(error);
        let other = match boxed.downcast::<AppError>() {
            Ok(app) => return HookError { kind: HookErrorKind::App(app) },
            Err(other) => other,
        };
        match carried_app_error(&*other) {
            Some(app) => HookError { kind: HookErrorKind::App(Box::new(app.clone())) },
            None => HookError { kind: HookErrorKind::Internal(other) },
        }
    }
}

/// The `AppError` an error carries: the server's answer inside an `mm_client::Error`, or an
/// `AppError` in its source chain.
fn carried_app_error<'a>(error: &'a (dyn std::error::Error + 'static)) -> Option<&'a AppError> {
    let mut next = Some(error);
    while let Some(error) = next {
        if let Some(app) = error.downcast_ref::<AppError>() {
            return Some(app);
        }
        if let Some(app) = error.downcast_ref::<mm_client::Error>().and_then(mm_client::Error::app_error) {
            return Some(app);
        }
        next = error.source();
    }
    None
}

impl fmt::Display for HookError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.kind {
            HookErrorKind::App(e) => fmt::Display::fmt(e, f),
            HookErrorKind::InvalidArgument(m) => write!(f, "invalid argument: {m}"),
            HookErrorKind::Internal(e) => {
                fmt::Display::fmt(e, f)?;
                let mut source = e.source();
                while let Some(cause) = source {
                    write!(f, ": {cause}")?;
                    source = cause.source();
                }
                Ok(())
            }
        }
    }
}

impl fmt::Debug for HookError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.kind, f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn app_errors_keep_their_identity_through_question_mark() {
        fn fails() -> Result<(), HookError> {
            Err(AppError::new("plugin.x.denied", "No.").with_status(403))?;
            Ok(())
        }
        let err = fails().unwrap_err();
        assert_eq!(err.app_error().map(|e| e.status_code), Some(403));
        assert_eq!(err.into_app_error("plugin.on_activate.error").id, "plugin.x.denied");
    }

    #[test]
    fn an_app_error_in_the_source_chain_is_kept() {
        #[derive(Debug)]
        struct Wrapped(AppError);
        impl fmt::Display for Wrapped {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("loading the settings failed")
            }
        }
        impl std::error::Error for Wrapped {
            fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
                Some(&self.0)
            }
        }
        let err = HookError::from(Wrapped(AppError::new("plugin.x.gone", "Gone.").with_status(410)));
        assert_eq!(err.app_error().map(|e| (e.id.as_str(), e.status_code)), Some(("plugin.x.gone", 410)));
        assert!(HookError::from(std::fmt::Error).app_error().is_none());
    }

    #[test]
    fn other_errors_become_app_errors_with_the_hook_id() {
        let err = HookError::msg("database is down");
        let app = err.into_app_error("plugin.on_activate.error");
        assert_eq!(
            (app.id.as_str(), app.message.as_str(), app.status_code),
            ("plugin.on_activate.error", "database is down", 500)
        );
    }
}
