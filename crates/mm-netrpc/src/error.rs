//! The crate's error type.

use std::fmt;

use crate::yamux::CloseReason;

/// Boxed source error.
type Source = Box<dyn std::error::Error + Send + Sync + 'static>;

/// An error of the transport: a session or stream failure, a broker timeout, a bad handshake,
/// a plugin process that did not start. Match on [`kind`](Error::kind); the underlying error,
/// if any, is the [`source`](std::error::Error::source).
#[derive(Debug)]
pub struct Error {
    kind: ErrorKind,
    source: Option<Source>,
}

/// What went wrong, for callers that react differently to different failures.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ErrorKind {
    /// Reading or writing a socket, pipe or file failed (the source is the `io::Error`).
    #[error("I/O error: {0}")]
    Io(String),
    /// The yamux session is closed.
    #[error("yamux session closed: {0}")]
    SessionClosed(CloseReason),
    /// The peer sent GO_AWAY: it accepts no new streams.
    #[error("the remote end is not accepting new streams (GO_AWAY)")]
    RemoteGoAway,
    /// The peer did not answer a ping within the ping timeout.
    #[error("ping timeout: the peer did not answer")]
    PingTimeout,
    /// All stream ids of this session are used up.
    #[error("yamux stream ids exhausted")]
    StreamsExhausted,
    /// No stream with this broker id arrived within the accept timeout (5 s).
    #[error("timeout waiting for accept of broker id {id}")]
    BrokerAcceptTimeout {
        /// The broker id that was being accepted.
        id: u32,
    },
    /// `Broker::accept` was already waiting for this id.
    #[error("broker id {id} is already being accepted")]
    BrokerIdInUse {
        /// The broker id.
        id: u32,
    },
    /// The peer answered a broker dial with another id.
    #[error("bad ack: {got} (expected {expected})")]
    BrokerBadAck {
        /// The id that was dialled.
        expected: u32,
        /// The id the peer acknowledged.
        got: u32,
    },
    /// The process was not started by a go-plugin host: the magic cookie is missing or wrong.
    #[error(
        "this binary is a plugin and is not meant to be executed directly \
         (environment variable {key} does not hold the expected magic cookie); \
         the Mattermost server starts it"
    )]
    NotLaunchedByHost {
        /// The cookie's environment variable.
        key: String,
    },
    /// The plugin's handshake line could not be used.
    #[error("bad plugin handshake: {0}")]
    Handshake(String),
    /// The plugin announced a protocol other than `netrpc`.
    #[error("unsupported plugin protocol {protocol:?}. Supported: [netrpc]")]
    UnsupportedProtocol {
        /// The protocol the plugin announced.
        protocol: String,
    },
    /// The plugin did not print its handshake (or could not be connected) in time.
    #[error("timeout while waiting for plugin to start ({0})")]
    StartTimeout(String),
    /// The plugin process exited before its handshake (with this exit status).
    #[error("plugin exited before we could connect ({0})")]
    PluginExited(String),
    /// A net/rpc connection could not be served any longer (corrupt data, an I/O error).
    #[error("net/rpc: {0}")]
    Rpc(String),
    /// A net/rpc call of the go-plugin control protocol failed.
    #[error("go-plugin control call {method} failed: {message}")]
    Control {
        /// The method, such as `Dispenser.Dispense`.
        method: String,
        /// What went wrong.
        message: String,
    },
}

impl Error {
    pub(crate) fn new(kind: ErrorKind) -> Self {
        Error { kind, source: None }
    }

    pub(crate) fn with_source(kind: ErrorKind, source: impl Into<Source>) -> Self {
        Error { kind, source: Some(source.into()) }
    }

    pub(crate) fn io(context: impl fmt::Display, error: std::io::Error) -> Self {
        Error::with_source(ErrorKind::Io(format!("{context}: {error}")), error)
    }

    /// What went wrong.
    pub fn kind(&self) -> &ErrorKind {
        &self.kind
    }

    /// Converts into an `io::Error` of a fitting kind, for `AsyncRead`/`AsyncWrite` users.
    pub(crate) fn into_io(self) -> std::io::Error {
        use std::io::ErrorKind as Io;
        let kind = match &self.kind {
            ErrorKind::SessionClosed(_) => Io::ConnectionAborted,
            ErrorKind::BrokerAcceptTimeout { .. } | ErrorKind::StartTimeout(_) | ErrorKind::PingTimeout => {
                Io::TimedOut
            }
            ErrorKind::BrokerBadAck { .. } | ErrorKind::Handshake(_) => Io::InvalidData,
            _ => Io::Other,
        };
        std::io::Error::new(kind, self)
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.kind, f)
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.source.as_deref().map(|e| e as &(dyn std::error::Error + 'static))
    }
}

impl From<ErrorKind> for Error {
    fn from(kind: ErrorKind) -> Self {
        Error::new(kind)
    }
}
