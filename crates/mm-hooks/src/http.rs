//! The ServeHTTP hook at the message level: the stream of request parts the server sends and
//! the stream of response parts the plugin answers with.
//!
//! Plugin authors normally do not use these types directly: `mm-http` turns them into an
//! `http::Request` with a streaming body and runs any tower service (an `axum::Router`) on it.

use std::fmt;
use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::Bytes;
use futures_util::Stream;
use mm_proto::v1 as wire;
use mm_types::convert::{FromWire, IntoWire};
use mm_types::{HttpRequestInit, HttpResponseInit};

use crate::error::HookError;

/// One message of a ServeHTTP request stream.
///
/// The first part carries `init` (the request head) and the first body chunk; later parts
/// carry body chunks of at most 64 KiB; the last has `body_complete` set.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HttpRequestPart {
    /// The request head, in the first part only.
    pub init: Option<HttpRequestInit>,
    /// A piece of the body (may be empty).
    pub body_chunk: Bytes,
    /// Whether this is the last part.
    pub body_complete: bool,
}

/// One message of a ServeHTTP response stream.
///
/// The first part must carry `init` (the response head); later parts carry body chunks of at
/// most 64 KiB; `flush` asks the server to send what it has to the client now; nothing may
/// follow a part with `body_complete`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HttpResponsePart {
    /// The response head, in the first part only.
    pub init: Option<HttpResponseInit>,
    /// A piece of the body (may be empty).
    pub body_chunk: Bytes,
    /// Whether this is the last part.
    pub body_complete: bool,
    /// Whether the server should flush to the HTTP client after this part.
    pub flush: bool,
}

impl From<HttpResponsePart> for wire::ServeHttpResponse {
    fn from(part: HttpResponsePart) -> Self {
        wire::ServeHttpResponse {
            init: part.init.map(IntoWire::into_wire),
            body_chunk: part.body_chunk,
            body_complete: part.body_complete,
            flush: part.flush,
        }
    }
}

impl TryFrom<wire::ServeHttpRequest> for HttpRequestPart {
    type Error = HookError;

    fn try_from(message: wire::ServeHttpRequest) -> Result<Self, HookError> {
        let init = Option::<HttpRequestInit>::from_wire(message.init)
            .map_err(|e| HookError::invalid_argument(format!("ServeHTTP request head: {e}")))?;
        Ok(HttpRequestPart { init, body_chunk: message.body_chunk, body_complete: message.body_complete })
    }
}

type BoxPartStream = Pin<Box<dyn Stream<Item = Result<HttpRequestPart, HookError>> + Send>>;

/// The request half of a ServeHTTP call: the parts as the server streams them.
///
/// The stream ends when the server closes its side; an error item means the transport
/// failed or the server cancelled the call.
pub struct HttpRequestStream {
    inner: BoxPartStream,
}

impl HttpRequestStream {
    /// Wraps a stream of wire messages (the hook server does this for each call).
    pub fn from_wire<S, E>(messages: S) -> Self
    where
        S: Stream<Item = Result<wire::ServeHttpRequest, E>> + Send + 'static,
        E: fmt::Display,
    {
        use futures_util::StreamExt;
        let parts = messages.map(|item| match item {
            Ok(message) => HttpRequestPart::try_from(message),
            Err(e) => Err(HookError::msg(format!("ServeHTTP request stream failed: {e}"))),
        });
        HttpRequestStream { inner: Box::pin(parts) }
    }

    /// Wraps a stream of parts (for tests and in-process hosts).
    pub fn from_parts<S>(parts: S) -> Self
    where
        S: Stream<Item = Result<HttpRequestPart, HookError>> + Send + 'static,
    {
        HttpRequestStream { inner: Box::pin(parts) }
    }
}

impl Stream for HttpRequestStream {
    type Item = Result<HttpRequestPart, HookError>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.inner.as_mut().poll_next(cx)
    }
}

impl fmt::Debug for HttpRequestStream {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("HttpRequestStream")
    }
}

/// The response half of a ServeHTTP call, as the plugin produces it.
///
/// The runtime sends each part as soon as the stream yields it. An error item ends the call
/// with that error (before the first part: a gRPC error status; after: the stream is cut).
pub type HttpResponseStream = Pin<Box<dyn Stream<Item = Result<HttpResponsePart, HookError>> + Send>>;

/// The response of a plugin without an HTTP handler: `404 Not Found`, as the server answers
/// when ServeHTTP is not implemented.
pub fn not_found() -> HttpResponseStream {
    let part = HttpResponsePart {
        init: Some(HttpResponseInit {
            status_code: 404,
            headers: vec![mm_types::HttpHeader {
                key: "Content-Type".into(),
                values: vec!["text/plain; charset=utf-8".into()],
            }],
        }),
        body_chunk: Bytes::from_static(b"404 page not found\n"),
        body_complete: true,
        flush: false,
    };
    Box::pin(futures_util::stream::once(async move { Ok(part) }))
}
