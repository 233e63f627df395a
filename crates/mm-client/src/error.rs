//! The one error type of this crate, and how server failures map onto it.
//!
//! The Mattermost server reports a failed API call in one of two ways (see the wire contract):
//!
//! 1. post, KV and file calls answer gRPC OK with an `AppError` in the response's field 1;
//! 2. most other calls answer a gRPC status whose message is `"<AppError.id>: <message>"` and
//!    whose code is derived from the HTTP status (404 -> `NOT_FOUND`, 403 ->
//!    `PERMISSION_DENIED`, ...).
//!
//! Both become an [`Error`] of kind [`ErrorKind::Server`] holding an [`AppError`] with every
//! field the server sent (for the second convention the id and message are parsed back out of
//! the status message and the HTTP status is mapped back from the gRPC code).

use std::error::Error as StdError;
use std::fmt;

use mm_types::AppError;

/// The result type of this crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// What went wrong, in categories callers can match on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The server received the call and reported an error (an `AppError` or a gRPC status).
    Server,
    /// The call could not be carried to the server or its answer could not be read: connection
    /// refused or reset, HTTP/2 failure.
    Transport,
    /// The call did not finish within its timeout.
    Timeout,
    /// The encoded request is larger than the server accepts (4 MiB).
    PayloadTooLarge {
        /// The size of the encoded request, in bytes.
        size: usize,
        /// The largest request the server accepts, in bytes.
        limit: usize,
    },
    /// The server's answer is not what the protocol promises (a required payload is missing,
    /// the bytes do not decode, a value cannot be represented).
    MalformedResponse,
    /// The client was configured wrongly (missing or malformed target, bad option).
    Configuration,
    /// A blocking client was used on a thread that runs an async runtime, where blocking
    /// would stall or deadlock the runtime.
    BlockingInAsync,
    /// An argument given to a method cannot be sent (a value that does not serialize to
    /// JSON, a key that is too long...).
    InvalidInput,
    /// A helper gave up because other writers kept changing the same data
    /// (compare-and-set retries exhausted).
    Contention,
    /// The caller cancelled the operation (such as waiting for a cluster mutex).
    Cancelled,
    /// The RPC is not available on the protocol this client speaks (a method of the stock
    /// servers' net/rpc protocol called over gRPC); nothing was sent.
    Unsupported,
}

/// A gRPC status code, as this crate reports it.
///
/// The numbering follows the gRPC specification.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Code {
    /// Not an error.
    Ok,
    /// The operation was cancelled.
    Cancelled,
    /// Unknown error.
    Unknown,
    /// The client specified an invalid argument (HTTP 400).
    InvalidArgument,
    /// The deadline expired before the operation could complete.
    DeadlineExceeded,
    /// Some requested entity was not found (HTTP 404).
    NotFound,
    /// The entity already exists (HTTP 409).
    AlreadyExists,
    /// The caller does not have permission (HTTP 403).
    PermissionDenied,
    /// Some resource has been exhausted (HTTP 413 and 429).
    ResourceExhausted,
    /// The system is not in a state required for the operation.
    FailedPrecondition,
    /// The operation was aborted.
    Aborted,
    /// The operation was attempted past the valid range.
    OutOfRange,
    /// The operation is not implemented (HTTP 501).
    Unimplemented,
    /// Internal error (HTTP 500).
    Internal,
    /// The service is currently unavailable (HTTP 503).
    Unavailable,
    /// Unrecoverable data loss or corruption.
    DataLoss,
    /// The request does not have valid authentication credentials (HTTP 401).
    Unauthenticated,
}

impl Code {
    /// The HTTP status Mattermost maps to this code (the inverse of the server's mapping;
    /// `ResourceExhausted` stands for both 413 and 429 and maps back to 429).
    pub fn http_status(self) -> i32 {
        match self {
            Code::Ok => 200,
            Code::InvalidArgument | Code::OutOfRange | Code::FailedPrecondition => 400,
            Code::Unauthenticated => 401,
            Code::PermissionDenied => 403,
            Code::NotFound => 404,
            Code::AlreadyExists | Code::Aborted => 409,
            Code::ResourceExhausted => 429,
            Code::Unimplemented => 501,
            Code::Unavailable => 503,
            Code::DeadlineExceeded => 504,
            Code::Cancelled => 499,
            Code::Unknown | Code::Internal | Code::DataLoss => 500,
        }
    }

    /// The code for an HTTP status, as the Mattermost server maps it.
    pub fn from_http_status(status: i32) -> Code {
        Code::from(mm_proto::code_for_http_status(status))
    }
}

impl From<tonic::Code> for Code {
    fn from(code: tonic::Code) -> Self {
        match code {
            tonic::Code::Ok => Code::Ok,
            tonic::Code::Cancelled => Code::Cancelled,
            tonic::Code::Unknown => Code::Unknown,
            tonic::Code::InvalidArgument => Code::InvalidArgument,
            tonic::Code::DeadlineExceeded => Code::DeadlineExceeded,
            tonic::Code::NotFound => Code::NotFound,
            tonic::Code::AlreadyExists => Code::AlreadyExists,
            tonic::Code::PermissionDenied => Code::PermissionDenied,
            tonic::Code::ResourceExhausted => Code::ResourceExhausted,
            tonic::Code::FailedPrecondition => Code::FailedPrecondition,
            tonic::Code::Aborted => Code::Aborted,
            tonic::Code::OutOfRange => Code::OutOfRange,
            tonic::Code::Unimplemented => Code::Unimplemented,
            tonic::Code::Internal => Code::Internal,
            tonic::Code::Unavailable => Code::Unavailable,
            tonic::Code::DataLoss => Code::DataLoss,
            tonic::Code::Unauthenticated => Code::Unauthenticated,
        }
    }
}

impl From<Code> for tonic::Code {
    fn from(code: Code) -> Self {
        match code {
            Code::Ok => tonic::Code::Ok,
            Code::Cancelled => tonic::Code::Cancelled,
            Code::Unknown => tonic::Code::Unknown,
            Code::InvalidArgument => tonic::Code::InvalidArgument,
            Code::DeadlineExceeded => tonic::Code::DeadlineExceeded,
            Code::NotFound => tonic::Code::NotFound,
            Code::AlreadyExists => tonic::Code::AlreadyExists,
            Code::PermissionDenied => tonic::Code::PermissionDenied,
            Code::ResourceExhausted => tonic::Code::ResourceExhausted,
            Code::FailedPrecondition => tonic::Code::FailedPrecondition,
            Code::Aborted => tonic::Code::Aborted,
            Code::OutOfRange => tonic::Code::OutOfRange,
            Code::Unimplemented => tonic::Code::Unimplemented,
            Code::Internal => tonic::Code::Internal,
            Code::Unavailable => tonic::Code::Unavailable,
            Code::DataLoss => tonic::Code::DataLoss,
            Code::Unauthenticated => tonic::Code::Unauthenticated,
        }
    }
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let name = match self {
            Code::Ok => "OK",
            Code::Cancelled => "CANCELLED",
            Code::Unknown => "UNKNOWN",
            Code::InvalidArgument => "INVALID_ARGUMENT",
            Code::DeadlineExceeded => "DEADLINE_EXCEEDED",
            Code::NotFound => "NOT_FOUND",
            Code::AlreadyExists => "ALREADY_EXISTS",
            Code::PermissionDenied => "PERMISSION_DENIED",
            Code::ResourceExhausted => "RESOURCE_EXHAUSTED",
            Code::FailedPrecondition => "FAILED_PRECONDITION",
            Code::Aborted => "ABORTED",
            Code::OutOfRange => "OUT_OF_RANGE",
            Code::Unimplemented => "UNIMPLEMENTED",
            Code::Internal => "INTERNAL",
            Code::Unavailable => "UNAVAILABLE",
            Code::DataLoss => "DATA_LOSS",
            Code::Unauthenticated => "UNAUTHENTICATED",
        };
        f.write_str(name)
    }
}

type BoxError = Box<dyn StdError + Send + Sync + 'static>;

/// An error from a PluginAPI call or from the client itself.
///
/// Ask [`kind`](Error::kind) for the category, [`app_error`](Error::app_error) for the
/// server's `AppError`, or use the predicates:
///
/// ```no_run
/// # async fn demo(client: mm_client::Client, id: mm_types::UserId) -> mm_client::Result<()> {
/// match client.users().get(&id).await {
///     Ok(user) => println!("{}", user.username),
///     Err(e) if e.is_not_found() => println!("no such user"),
///     Err(e) => return Err(e),
/// }
/// # Ok(()) }
/// ```
#[derive(thiserror::Error)]
#[error("{}{}", RpcPrefix(*.rpc), .message)]
pub struct Error {
    kind: ErrorKind,
    rpc: Option<&'static str>,
    code: Option<Code>,
    app_error: Option<Box<AppError>>,
    message: String,
    /// Whether the server provably did not act on the request (connection or stream refused).
    never_sent: bool,
    /// The code of a stock server's plain error (`*plugin.ErrorString`), when it has one.
    plain_code: Option<i64>,
    #[source]
    source: Option<BoxError>,
}

impl Error {
    pub(crate) fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        Error {
            kind,
            rpc: None,
            code: None,
            app_error: None,
            message: message.into(),
            never_sent: false,
            plain_code: None,
            source: None,
        }
    }

    pub(crate) fn with_source(mut self, source: impl Into<BoxError>) -> Self {
        self.source = Some(source.into());
        self
    }

    pub(crate) fn with_code(mut self, code: Code) -> Self {
        self.code = Some(code);
        self
    }

    /// Names the RPC the error belongs to, unless it already names one.
    pub(crate) fn in_rpc(mut self, rpc: &'static str) -> Self {
        self.rpc.get_or_insert(rpc);
        self
    }

    /// A status the server answered, read as any status from the server is: a message of
    /// the form `"<id>: <message>"` becomes an [`AppError`] with the HTTP status of `code`.
    /// For test doubles built with [`Client::from_service`](crate::Client::from_service).
    ///
    /// ```
    /// use mm_client::{Code, Error};
    /// let err = Error::status(Code::NotFound, "app.user.missing_account.const: Unable to find the user.");
    /// assert!(err.is_not_found());
    /// assert_eq!(err.app_error().unwrap().status_code, 404);
    /// ```
    pub fn status(code: Code, message: impl Into<String>) -> Self {
        Error::from_status(tonic::Status::new(code.into(), message.into()))
    }

    /// An error the server reported as this [`AppError`] (in either convention), its code
    /// derived from the HTTP status. For test doubles, as [`status`](Self::status).
    pub fn from_app_error(app_error: AppError) -> Self {
        // A stock server's plain Go `error` travels as an AppError with this id: it is not
        // the server's AppError, so it is reported as a plain server error.
        if let Some(rest) = app_error.id.strip_prefix(mm_proto::protocol::PLAIN_ERROR_ID)
            && (rest.is_empty() || rest.starts_with('.'))
        {
            let code = rest.trim_start_matches('.').parse::<i64>().ok();
            return Error { plain_code: code, ..Error::new(ErrorKind::Server, app_error.message) };
        }
        let message = app_error.to_string();
        let code = (app_error.status_code != 0).then(|| Code::from_http_status(app_error.status_code));
        Error { code, app_error: Some(Box::new(app_error)), ..Error::new(ErrorKind::Server, message) }
    }

    /// A configuration error.
    pub(crate) fn config(message: impl Into<String>) -> Self {
        Error::new(ErrorKind::Configuration, message)
    }

    /// A response that breaks the protocol's promises.
    pub(crate) fn malformed(message: impl Into<String>) -> Self {
        Error::new(ErrorKind::MalformedResponse, message)
    }

    /// An argument that cannot be sent.
    pub(crate) fn invalid_input(message: impl Into<String>) -> Self {
        Error::new(ErrorKind::InvalidInput, message)
    }

    /// An RPC that the client's protocol does not have; names the method and the protocol.
    pub(crate) fn unsupported(method: &crate::rpc::RpcMethod, protocol: &str) -> Self {
        Error::new(
            ErrorKind::Unsupported,
            format!("{protocol} has no RPC {}; only the stock servers' net/rpc protocol has it", method.name),
        )
        .in_rpc(method.name)
    }

    /// Marks the error as a request that never left the client (so any call may be retried).
    pub(crate) fn never_sent(mut self) -> Self {
        self.never_sent = true;
        self
    }

    /// `method` cannot be called on `protocol`, for the reason given; nothing was sent.
    pub(crate) fn unsupported_on(method: &crate::rpc::RpcMethod, protocol: &str, why: &str) -> Self {
        Error::new(ErrorKind::Unsupported, format!("not available on {protocol}: {why}")).in_rpc(method.name)
    }

    /// A timeout after `after`.
    pub(crate) fn timeout(after: std::time::Duration) -> Self {
        Error::new(ErrorKind::Timeout, format!("no answer within {after:?}"))
            .with_code(Code::DeadlineExceeded)
    }

    /// Maps a gRPC status from the server or from the transport (convention 2). The status
    /// stays the error's source.
    ///
    /// A failure on the client's side of the connection carries a [`LocalFailure`] in its
    /// source chain (the transport marks them): that, not the status text, tells it from a
    /// status the server sent.
    pub(crate) fn from_status(status: tonic::Status) -> Self {
        let code = Code::from(status.code());
        match local_failure(&status) {
            Some(LocalFailure::TooLarge { limit }) => {
                let message = format!(
                    "the response is larger than the {limit} bytes the client accepts \
                     (see ClientBuilder::max_response_size)"
                );
                return Error::malformed(message).with_code(code).with_source(status);
            }
            Some(LocalFailure::Connection(_)) => {
                let never_sent = never_sent(&status);
                let message = if never_sent {
                    format!(
                        "the server did not receive or process the request (connection or stream refused): {}",
                        status.message()
                    )
                } else {
                    format!("transport failure ({code}): {}", status.message())
                };
                let error = Error::new(ErrorKind::Transport, message).with_code(code).with_source(status);
                return Error { never_sent, ..error };
            }
            None => {}
        }
        match code {
            Code::DeadlineExceeded => {
                let message = format!("server reported: {}", status.message());
                return Error::new(ErrorKind::Timeout, message).with_code(code).with_source(status);
            }
            Code::Cancelled => {
                let message = format!("call cancelled: {}", status.message());
                return Error::new(ErrorKind::Transport, message).with_code(code).with_source(status);
            }
            _ => {}
        }
        let app_error = parse_status_message(status.message()).map(|(id, message)| {
            let mut app_error = AppError::new(id, message);
            app_error.status_code = code.http_status();
            app_error
        });
        let message = match &app_error {
            Some(app_error) => app_error.to_string(),
            None => format!("server answered {code}: {}", status.message()),
        };
        Error {
            code: Some(code),
            app_error: app_error.map(Box::new),
            ..Error::new(ErrorKind::Server, message)
        }
    }

    /// The category of the error.
    pub fn kind(&self) -> ErrorKind {
        self.kind
    }

    /// The RPC that failed (`"GetUser"`), when the error comes from a call.
    pub fn rpc(&self) -> Option<&'static str> {
        self.rpc
    }

    /// The gRPC status code, when there was one (for `AppError`s in OK responses, the code
    /// that matches their HTTP status).
    pub fn code(&self) -> Option<Code> {
        self.code
    }

    /// The server's `AppError`, with every field it sent.
    pub fn app_error(&self) -> Option<&AppError> {
        self.app_error.as_deref()
    }

    /// The HTTP status the server gave (`AppError.status_code`), when known.
    pub fn http_status(&self) -> Option<i32> {
        match &self.app_error {
            Some(e) if e.status_code != 0 => Some(e.status_code),
            _ => self.code.filter(|_| self.kind == ErrorKind::Server).map(Code::http_status),
        }
    }

    fn is(&self, code: Code, http: i32) -> bool {
        self.kind == ErrorKind::Server && (self.code == Some(code) || self.http_status() == Some(http))
    }

    /// Whether the server said the entity does not exist (404 / `NOT_FOUND`).
    pub fn is_not_found(&self) -> bool {
        self.is(Code::NotFound, 404)
    }

    /// Whether the server refused for lack of permission (403 / `PERMISSION_DENIED`).
    pub fn is_permission_denied(&self) -> bool {
        self.is(Code::PermissionDenied, 403)
    }

    /// Whether the server rejected the arguments (400 / `INVALID_ARGUMENT`), or the client
    /// could not send them ([`ErrorKind::InvalidInput`]).
    pub fn is_invalid(&self) -> bool {
        self.kind == ErrorKind::InvalidInput || self.is(Code::InvalidArgument, 400)
    }

    /// Whether the call conflicts with the current state (409 / `ALREADY_EXISTS`), or a
    /// helper gave up under contention.
    pub fn is_conflict(&self) -> bool {
        self.kind == ErrorKind::Contention || self.is(Code::AlreadyExists, 409)
    }

    /// Whether the server could not be reached or said it is unavailable (503 /
    /// `UNAVAILABLE`): worth trying again later.
    pub fn is_unavailable(&self) -> bool {
        self.kind == ErrorKind::Transport || self.is(Code::Unavailable, 503)
    }

    /// Whether the call timed out.
    pub fn is_timeout(&self) -> bool {
        self.kind == ErrorKind::Timeout
    }

    /// For a plain error from a stock server (a Go `error` that is not an `AppError`), its
    /// `*plugin.ErrorString` code when it had one: 1 `io.EOF`, 2 `sql.ErrNoRows`,
    /// 3 `sql.ErrConnDone`, 4 `sql.ErrTxDone`, 5 `driver.ErrSkip`, 6 `driver.ErrBadConn`,
    /// 7 `driver.ErrRemoveArgument`.
    pub fn plain_error_code(&self) -> Option<i64> {
        self.plain_code
    }

    /// The message without the RPC name [`Display`](std::fmt::Display) puts in front.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// Whether the server provably did not act on the request: the connection was refused,
    /// or the server refused the HTTP/2 stream unprocessed (`REFUSED_STREAM`). Sending it again
    /// cannot duplicate its effect.
    pub fn is_never_sent(&self) -> bool {
        self.never_sent
    }

    /// Whether the RPC is not available on the client's protocol ([`ErrorKind::Unsupported`]).
    pub fn is_unsupported(&self) -> bool {
        self.kind == ErrorKind::Unsupported
    }
}

/// Displays `"<rpc>: "` when the error names an RPC.
struct RpcPrefix(Option<&'static str>);

impl fmt::Display for RpcPrefix {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Some(rpc) => write!(f, "{rpc}: "),
            None => Ok(()),
        }
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut d = f.debug_struct("Error");
        d.field("kind", &self.kind);
        if let Some(rpc) = self.rpc {
            d.field("rpc", &rpc);
        }
        if let Some(code) = self.code {
            d.field("code", &code);
        }
        if let Some(app_error) = &self.app_error {
            d.field("app_error", app_error);
        }
        d.field("message", &self.message);
        if let Some(source) = &self.source {
            d.field("source", source);
        }
        d.finish()
    }
}

impl From<mm_types::Error> for Error {
    /// A wire value that does not convert into a domain type: the server's answer is malformed.
    fn from(err: mm_types::Error) -> Self {
        Error::malformed(format!("the response cannot be read: {err}")).with_source(err)
    }
}

/// A failure on the client's side of the connection, marked by the transport: tonic keeps it
/// in the source chain of the status it makes, where [`Error::from_status`] finds it by type.
#[derive(Debug)]
pub(crate) enum LocalFailure {
    /// Connecting, sending or reading the answer failed.
    Connection(BoxError),
    /// The answer is larger than the client accepts (its own limit, counted on the body).
    TooLarge {
        /// The limit, in bytes.
        limit: usize,
    },
}

impl fmt::Display for LocalFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LocalFailure::Connection(cause) => write!(f, "connection failure: {cause}"),
            LocalFailure::TooLarge { limit } => write!(f, "the response is larger than {limit} bytes"),
        }
    }
}

impl StdError for LocalFailure {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        match self {
            LocalFailure::Connection(cause) => Some(&**cause),
            LocalFailure::TooLarge { .. } => None,
        }
    }
}

/// The errors below the status, outermost first.
fn source_chain(status: &tonic::Status) -> impl Iterator<Item = &(dyn StdError + 'static)> {
    let mut next = status.source();
    std::iter::from_fn(move || {
        let current = next?;
        next = current.source();
        Some(current)
    })
}

/// The [`LocalFailure`] in the status's source chain, if the status was made on our side.
fn local_failure(status: &tonic::Status) -> Option<&LocalFailure> {
    source_chain(status).find_map(|e| e.downcast_ref::<LocalFailure>())
}

/// Whether the status says the server cannot have acted on the request: the connection was
/// refused (nothing was sent), or the server reset the stream with `REFUSED_STREAM`, which
/// HTTP/2 reserves for streams it did not process (RFC 9113, section 8.7).
fn never_sent(status: &tonic::Status) -> bool {
    source_chain(status).any(|err| {
        err.downcast_ref::<tonic::ConnectError>().is_some()
            || err
                .downcast_ref::<std::io::Error>()
                .is_some_and(|io| io.kind() == std::io::ErrorKind::ConnectionRefused)
            || err.downcast_ref::<h2::Error>().is_some_and(|h2| {
                h2.is_reset() && h2.is_remote() && h2.reason() == Some(h2::Reason::REFUSED_STREAM)
            })
    })
}

/// Splits `"<id>: <message>"` when the prefix looks like a Mattermost error id
/// (`app.user.get.app_error`): no spaces, at least one dot.
fn parse_status_message(text: &str) -> Option<(&str, &str)> {
    let (id, message) = text.split_once(": ")?;
    let looks_like_id = !id.is_empty()
        && id.contains('.')
        && id.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'));
    looks_like_id.then_some((id, message))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_messages_split_into_app_errors_only_for_error_ids() {
        assert_eq!(
            parse_status_message("app.user.missing.app_error: Unable to find the user."),
            Some(("app.user.missing.app_error", "Unable to find the user."))
        );
        assert_eq!(parse_status_message("internal error: boom"), None);
        assert_eq!(parse_status_message("user is required"), None);
    }

    #[test]
    fn http_and_grpc_codes_map_both_ways_for_mattermost_statuses() {
        for http in [400, 401, 403, 404, 409, 429, 501, 503, 500] {
            assert_eq!(Code::from_http_status(http).http_status(), http);
        }
        assert_eq!(Code::from_http_status(413), Code::ResourceExhausted);
        assert_eq!(Code::from_http_status(418), Code::Internal);
    }

    fn local(failure: LocalFailure) -> tonic::Status {
        tonic::Status::from_error(Box::new(failure))
    }

    #[test]
    fn failures_marked_by_the_transport_are_told_by_type_and_kept_as_the_source() {
        let refused = std::io::Error::new(std::io::ErrorKind::ConnectionRefused, "refused");
        let err = Error::from_status(local(LocalFailure::Connection(Box::new(refused))));
        assert_eq!(err.kind(), ErrorKind::Transport);
        assert!(err.is_never_sent());
        let status = StdError::source(&err).and_then(|s| s.downcast_ref::<tonic::Status>());
        assert!(status.is_some(), "the tonic status is the typed source: {err:?}");

        let reset = std::io::Error::new(std::io::ErrorKind::ConnectionReset, "reset");
        let err = Error::from_status(local(LocalFailure::Connection(Box::new(reset))));
        assert_eq!(err.kind(), ErrorKind::Transport);
        assert!(!err.is_never_sent());

        let err = Error::from_status(local(LocalFailure::TooLarge { limit: 1024 }));
        assert_eq!(err.kind(), ErrorKind::MalformedResponse);
        assert!(err.to_string().contains("1024 bytes"), "{err}");
    }

    #[test]
    fn the_same_text_from_the_server_is_a_server_answer() {
        // Only the marker counts, never the message: a server may say anything.
        let err = Error::from_status(tonic::Status::unknown("h2 protocol error: whatever the server says"));
        assert_eq!(err.kind(), ErrorKind::Server);
        let err = Error::from_status(tonic::Status::out_of_range("Error, decoded message length too large"));
        assert_eq!(err.kind(), ErrorKind::Server);
    }

    #[test]
    fn server_status_becomes_an_app_error_with_the_http_status() {
        let status = tonic::Status::not_found("app.channel.get.existing.app_error: Channel not found.");
        let err = Error::from_status(status).in_rpc("GetChannel");
        assert_eq!(err.kind(), ErrorKind::Server);
        assert!(err.is_not_found());
        assert!(!err.is_unavailable());
        let app = err.app_error().expect("app error");
        assert_eq!(app.id, "app.channel.get.existing.app_error");
        assert_eq!(app.message, "Channel not found.");
        assert_eq!(app.status_code, 404);
        assert_eq!(
            err.to_string(),
            "GetChannel: app.channel.get.existing.app_error: Channel not found. (HTTP 404)"
        );
    }
}
