//! The one error type of this crate.

use std::fmt;

/// A boxed error, as tower and `http-body` pass them around.
pub type BoxError = Box<dyn std::error::Error + Send + Sync + 'static>;

/// Why a ServeHTTP body could not be read or relayed.
///
/// A handler sees it when reading the request [`Body`](crate::Body) fails; the host side
/// (`mm_host::plugin_http`) sees it when the plugin's response stream fails part-way. Match on
/// [`Error::kind`] to tell the cases apart.
///
/// ```
/// use mm_http::{Error, ErrorKind};
/// let err = Error::new(ErrorKind::IncompleteBody);
/// assert!(matches!(err.kind(), ErrorKind::IncompleteBody));
/// assert!(err.to_string().contains("before body_complete"));
/// ```
#[derive(Debug)]
pub struct Error {
    kind: ErrorKind,
    source: Option<BoxError>,
}

/// What went wrong, for callers that react differently to each case.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The request stream ended before a message with `body_complete`.
    IncompleteBody,
    /// A message arrived after the one with `body_complete`.
    ChunkAfterComplete,
    /// A later message carried a request head (`init`) again.
    RepeatedInit,
    /// The body is longer or shorter than its declared `Content-Length`.
    LengthMismatch,
    /// The stream failed: the transport broke or the other side cancelled the call.
    Stream,
}

impl Error {
    /// An error of this kind.
    pub fn new(kind: ErrorKind) -> Self {
        Error { kind, source: None }
    }

    /// An error of this kind caused by `source`.
    pub fn with_source(kind: ErrorKind, source: impl Into<BoxError>) -> Self {
        Error { kind, source: Some(source.into()) }
    }

    /// What went wrong.
    pub fn kind(&self) -> ErrorKind {
        self.kind
    }

    /// The underlying error, when there is one (its text is already part of this error's
    /// message).
    pub fn cause(&self) -> Option<&(dyn std::error::Error + Send + Sync + 'static)> {
        self.source.as_deref()
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let what = match self.kind {
            ErrorKind::IncompleteBody => "the ServeHTTP stream ended before body_complete",
            ErrorKind::ChunkAfterComplete => "the ServeHTTP stream sent a message after body_complete",
            ErrorKind::RepeatedInit => "the ServeHTTP stream sent a second request head",
            ErrorKind::LengthMismatch => "the body does not match its Content-Length",
            ErrorKind::Stream => "the ServeHTTP stream failed",
        };
        f.write_str(what)?;
        if let Some(source) = &self.source {
            write!(f, ": {source}")?;
        }
        Ok(())
    }
}

// The cause is part of the message (handlers usually show `to_string()`), so it is not also
// returned from `source()`, where error reporters would print it twice; see `Error::cause`.
impl std::error::Error for Error {}
