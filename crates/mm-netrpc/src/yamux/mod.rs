//! A stream multiplexer compatible with hashicorp/yamux v0.1.2, the one go-plugin runs over
//! the plugin connection.
//!
//! A [`Session`] runs over any `AsyncRead + AsyncWrite` connection, as the client (the host,
//! odd stream ids) or the server (the plugin, even ids). [`Session::open`] and
//! [`Session::accept`] give [`Stream`]s, which are `AsyncRead + AsyncWrite` with half-close.
//!
//! What Go enforces and this implementation honours: 256 KiB stream windows that never grow (a
//! DATA frame beyond the window is a protocol error answered with GO_AWAY), every accepted
//! stream acknowledged at once (Go closes the session when an ACK takes longer than 75 s),
//! pings answered at once (Go closes the session after 10 s without an answer) and our own
//! pings every 30 s, an accept backlog of 256 (streams beyond it are reset), GO_AWAY.

mod config;
pub(crate) mod frame;
mod reader;
mod session;
mod stream;
mod timers;
mod writer;

use std::fmt;
use std::sync::{Mutex, MutexGuard, PoisonError};

pub use config::Config;
pub use session::Session;
pub use stream::Stream;

/// Which side of a session this is. It decides the parity of the stream ids we open.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// The dialling side (go-plugin's host): opens streams 1, 3, 5, ...
    Client,
    /// The accepting side (the plugin): opens streams 2, 4, 6, ...
    Server,
}

/// Why a [`Session`] closed.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum CloseReason {
    /// This side closed it ([`Session::close`], or every handle was dropped).
    Local,
    /// The peer closed the connection between two frames.
    RemoteClosed,
    /// The peer sent GO_AWAY with this error code (1: protocol error, 2: internal error).
    RemoteGoAway(u32),
    /// Reading or writing the connection failed, or it ended in the middle of a frame.
    Io {
        /// The kind of the I/O error.
        kind: std::io::ErrorKind,
        /// Its message.
        message: String,
    },
    /// The peer broke the protocol; we sent GO_AWAY (protocol error).
    Protocol(String),
    /// The peer did not answer a keepalive ping in time.
    KeepAliveTimeout,
    /// Writing to the connection made no progress within the write timeout.
    WriteTimeout,
    /// The peer did not acknowledge a stream we opened within the open timeout.
    OpenTimeout,
}

impl CloseReason {
    pub(crate) fn from_io(error: &std::io::Error) -> Self {
        CloseReason::Io { kind: error.kind(), message: error.to_string() }
    }

    /// Whether the connection simply went away (EOF or an I/O error) rather than being closed
    /// on purpose or for a protocol reason.
    pub fn is_connection_lost(&self) -> bool {
        matches!(self, CloseReason::RemoteClosed | CloseReason::Io { .. })
    }
}

impl fmt::Display for CloseReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CloseReason::Local => f.write_str("closed by this side"),
            CloseReason::RemoteClosed => f.write_str("the peer closed the connection"),
            CloseReason::RemoteGoAway(1) => f.write_str("the peer sent GO_AWAY (protocol error)"),
            CloseReason::RemoteGoAway(2) => f.write_str("the peer sent GO_AWAY (internal error)"),
            CloseReason::RemoteGoAway(code) => write!(f, "the peer sent GO_AWAY (code {code})"),
            CloseReason::Io { message, .. } => write!(f, "connection error: {message}"),
            CloseReason::Protocol(message) => write!(f, "protocol error: {message}"),
            CloseReason::KeepAliveTimeout => f.write_str("keepalive timeout"),
            CloseReason::WriteTimeout => f.write_str("connection write timeout"),
            CloseReason::OpenTimeout => f.write_str("the peer did not acknowledge a stream in time"),
        }
    }
}

/// Locks a mutex, ignoring poisoning: the protected state stays consistent because no code
/// holding these locks can panic halfway through an update.
pub(crate) fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}
