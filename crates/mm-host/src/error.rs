//! The error of the host's own operations (starting, listening); API answers use `AppError`.

use std::net::SocketAddr;

/// Why the host could not do something.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum HostError {
    /// A listener could not be bound.
    #[error("cannot listen for {what} on {addr}: {source}")]
    Bind {
        /// What the listener was for.
        what: String,
        /// The address.
        addr: SocketAddr,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
    /// Another I/O failure.
    #[error("I/O error while {what}: {source}")]
    Io {
        /// What the host was doing.
        what: String,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
    /// Seeding the store failed (a bug in the host).
    #[error("cannot seed the store: {0}")]
    Seed(#[source] mm_types::AppError),
    /// An HTTP call to the front failed (the test kit's client).
    #[error("HTTP call failed: {message}")]
    Http {
        /// What went wrong.
        message: String,
    },
    /// A plugin could not be started in-process.
    #[error("cannot start plugin {plugin_id}: {message}")]
    Plugin {
        /// The plugin.
        plugin_id: String,
        /// What went wrong.
        message: String,
    },
}

impl HostError {
    pub(crate) fn bind(what: &str, addr: SocketAddr, source: std::io::Error) -> Self {
        HostError::Bind { what: what.to_string(), addr, source }
    }

    pub(crate) fn io(what: &str, source: std::io::Error) -> Self {
        HostError::Io { what: what.to_string(), source }
    }
}
