//! Why the runtime could not start or keep serving.

use std::io;

/// Why the plugin runtime could not start or had to stop.
///
/// Hook failures are [`HookError`](crate::HookError)s and never stop the runtime; these are
/// failures of the process around the hooks: the launch environment, binding, serving.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum RuntimeError {
    /// The magic cookie is missing: the binary was not started by a Mattermost server.
    #[error(
        "this is a Mattermost plugin: it must be started by a Mattermost server, not run by hand \
         (the MATTERMOST_PLUGIN environment variable is not set to the server's value)"
    )]
    NotLaunchedByServer,
    /// An environment variable the server sets is missing or invalid.
    #[error("environment variable {variable}: {reason}")]
    Environment {
        /// The variable.
        variable: &'static str,
        /// What is wrong with it.
        reason: String,
    },
    /// The PluginAPI server could not be reached.
    #[error("cannot connect to the Mattermost PluginAPI at {target}: {reason}")]
    ApiConnection {
        /// The address from `MATTERMOST_PLUGIN_API_TARGET`.
        target: String,
        /// Why.
        reason: String,
    },
    /// No address to serve hooks on could be bound.
    #[error("cannot listen for hook calls: {0}")]
    Bind(String),
    /// The builder is missing a required setting.
    #[error("runtime configuration: {0}")]
    Config(&'static str),
    /// The gRPC server failed.
    #[error("hook server failed: {0}")]
    Serve(#[source] tonic::transport::Error),
    /// The stock servers' protocol (go-plugin net/rpc) failed while starting.
    #[error("{what}: {source}")]
    NetRpc {
        /// What the runtime was doing.
        what: &'static str,
        /// The transport's error.
        #[source]
        source: mm_netrpc::Error,
    },
    /// Writing the handshake or another I/O operation failed.
    #[error("{what}: {source}")]
    Io {
        /// What the runtime was doing.
        what: &'static str,
        /// The I/O error.
        #[source]
        source: io::Error,
    },
}
