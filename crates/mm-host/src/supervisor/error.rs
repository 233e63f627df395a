//! The supervisor's error: what went wrong while starting, checking or stopping a plugin.

use std::fmt;

use mm_types::AppError;

use crate::manifest::ManifestError;

/// What kind of failure a [`SupervisorError`] is; match on it to react.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum SupervisorErrorKind {
    /// The plugin could not be located: no such file, an unreadable or invalid manifest, no
    /// executable for this platform.
    Spec,
    /// The plugin process could not be started.
    Spawn,
    /// The plugin wrote no handshake line within the handshake limit (10 s like the server).
    HandshakeTimeout,
    /// The plugin's first stdout line is not a handshake this host accepts.
    HandshakeInvalid,
    /// The plugin process exited before it finished starting.
    ExitedEarly,
    /// The plugin's gRPC address could not be reached.
    Connect,
    /// The plugin's gRPC health service did not report `plugin` as SERVING.
    Health,
    /// `Implemented` failed or timed out.
    Implemented,
    /// `OnActivate` answered an error (see [`SupervisorError::app_error`]) or failed.
    ActivationFailed,
    /// The host could not provide a PluginAPI address for the plugin.
    ApiTarget,
    /// A plugin with this id is already running under this supervisor.
    AlreadyRunning,
    /// No plugin with this id is running under this supervisor.
    NotRunning,
}

/// An error of the plugin supervisor, naming the plugin and the step that failed.
#[derive(Debug)]
pub struct SupervisorError {
    // Boxed: the error travels through many `Result`s and should stay one pointer wide.
    inner: Box<Inner>,
}

#[derive(Debug)]
struct Inner {
    kind: SupervisorErrorKind,
    plugin_id: String,
    message: String,
    app_error: Option<AppError>,
    source: Option<Box<dyn std::error::Error + Send + Sync + 'static>>,
}

impl SupervisorError {
    pub(crate) fn new(kind: SupervisorErrorKind, plugin_id: &str, message: impl Into<String>) -> Self {
        SupervisorError {
            inner: Box::new(Inner {
                kind,
                plugin_id: plugin_id.to_owned(),
                message: message.into(),
                app_error: None,
                source: None,
            }),
        }
    }

    pub(crate) fn with_source(mut self, source: impl std::error::Error + Send + Sync + 'static) -> Self {
        self.inner.source = Some(Box::new(source));
        self
    }

    pub(crate) fn with_app_error(mut self, app_error: AppError) -> Self {
        self.inner.app_error = Some(app_error);
        self
    }

    pub(crate) fn manifest(plugin_id: &str, error: ManifestError) -> Self {
        SupervisorError::new(SupervisorErrorKind::Spec, plugin_id, error.to_string()).with_source(error)
    }

    /// What kind of failure this is.
    pub fn kind(&self) -> SupervisorErrorKind {
        self.inner.kind
    }

    /// The plugin the error is about (may be a path when the id was not known yet).
    pub fn plugin_id(&self) -> &str {
        &self.inner.plugin_id
    }

    /// The plugin's own error, when a hook (`OnActivate`, `Implemented`) answered one.
    pub fn app_error(&self) -> Option<&AppError> {
        self.inner.app_error.as_ref()
    }

    /// The message without the plugin id.
    pub fn message(&self) -> &str {
        &self.inner.message
    }
}

impl fmt::Display for SupervisorError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "plugin {}: {}", self.inner.plugin_id, self.inner.message)?;
        if let Some(source) = &self.inner.source {
            // Avoid repeating a source whose text is already the message.
            let text = source.to_string();
            if !self.inner.message.contains(&text) {
                write!(f, ": {text}")?;
            }
        }
        Ok(())
    }
}

impl std::error::Error for SupervisorError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.inner.source.as_deref().map(|s| s as &(dyn std::error::Error + 'static))
    }
}
