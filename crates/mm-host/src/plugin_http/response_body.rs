//! The plugin's ServeHTTP response stream as an HTTP response body.

use std::fmt;
use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::Bytes;
use futures_util::Stream;
use http_body::{Frame, SizeHint};
use mm_proto::v1 as wire;
use tokio::sync::{mpsc, oneshot};
use tonic::codec::Streaming;

use mm_http::{Error, ErrorKind};

/// How long the end of a call may take after the plugin's `body_complete`.
const TRAILERS_WAIT: std::time::Duration = std::time::Duration::from_secs(5);

/// The body of a response a plugin sent through ServeHTTP, as an [`http_body::Body`].
///
/// Each chunk is handed on as soon as it arrives, so the plugin's `flush` requests are met
/// without waiting (an HTTP server writes a body's frames out when the body has nothing more
/// ready). The body ends at the plugin's `body_complete`, or when the plugin closes its stream;
/// a failed stream after the head gives an [`Error`] of kind [`ErrorKind::Stream`], which makes
/// the HTTP server cut the response.
///
/// Dropping the body (the HTTP client went away) cancels the ServeHTTP call: the request
/// stream stops and the transport resets the call, so the plugin drops its handler.
pub struct ResponseBody {
    inner: Inner,
}

enum Inner {
    /// A response made by the bridge itself (404, 500, 502).
    Local(Option<Bytes>),
    Plugin(Box<PluginStream>),
    /// A response written over net/rpc: chunks as the plugin's `Write` calls hand them over;
    /// the channel closes when its ServeHTTP call returns.
    Channel {
        chunks: mpsc::Receiver<Result<Bytes, Error>>,
        done: bool,
    },
}

struct PluginStream {
    /// Data received and not yet handed on.
    pending: Bytes,
    complete: bool,
    messages: Option<Streaming<wire::ServeHttpResponse>>,
    /// Dropping it stops the request stream.
    stop: Option<oneshot::Sender<()>>,
}

impl ResponseBody {
    pub(super) fn local(text: impl Into<Bytes>) -> Self {
        let text = text.into();
        ResponseBody { inner: Inner::Local((!text.is_empty()).then_some(text)) }
    }

    pub(super) fn plugin(
        first: wire::ServeHttpResponse,
        messages: Streaming<wire::ServeHttpResponse>,
        stop: oneshot::Sender<()>,
    ) -> Self {
        let mut stream = PluginStream {
            pending: first.body_chunk,
            complete: false,
            messages: Some(messages),
            stop: Some(stop),
        };
        if first.body_complete {
            stream.complete();
        }
        ResponseBody { inner: Inner::Plugin(Box::new(stream)) }
    }
}

impl ResponseBody {
    pub(super) fn channel(chunks: mpsc::Receiver<Result<Bytes, Error>>) -> Self {
        ResponseBody { inner: Inner::Channel { chunks, done: false } }
    }
}

impl PluginStream {
    /// The response is over: release the call and stop sending the request.
    fn finish(&mut self) {
        self.complete = true;
        self.messages = None;
        self.stop = None;
    }

    /// The plugin sent `body_complete`: the call's trailers may still be on their way. Reading
    /// them in the background lets the HTTP/2 stream close cleanly. Dropping the stream would
    /// reset it, and h2 ends a connection after 1024 resets of its own (its limit on locally
    /// reset streams), which would make every later request to the plugin fail.
    fn complete(&mut self) {
        let messages = self.messages.take();
        self.finish();
        if let (Some(mut messages), Ok(runtime)) = (messages, tokio::runtime::Handle::try_current()) {
            runtime.spawn(async move {
                let drain = async { while let Ok(Some(_)) = messages.message().await {} };
                let _ = tokio::time::timeout(TRAILERS_WAIT, drain).await;
            });
        }
    }

    fn poll_frame(&mut self, cx: &mut Context<'_>) -> Poll<Option<Result<Frame<Bytes>, Error>>> {
        loop {
            if !self.pending.is_empty() {
                return Poll::Ready(Some(Ok(Frame::data(std::mem::take(&mut self.pending)))));
            }
            let Some(messages) = self.messages.as_mut().filter(|_| !self.complete) else {
                return Poll::Ready(None);
            };
            match Pin::new(messages).poll_next(cx) {
                Poll::Pending => return Poll::Pending,
                // Like the server: a stream closed without body_complete ends the body.
                Poll::Ready(None) => {
                    self.finish();
                    return Poll::Ready(None);
                }
                Poll::Ready(Some(Err(status))) => {
                    self.finish();
                    let cause =
                        format!("the plugin's stream failed ({:?}): {}", status.code(), status.message());
                    tracing::warn!(%cause, "ServeHTTP response cut short");
                    return Poll::Ready(Some(Err(Error::with_source(ErrorKind::Stream, cause))));
                }
                Poll::Ready(Some(Ok(message))) => {
                    self.pending = message.body_chunk;
                    if message.body_complete {
                        self.complete();
                    }
                }
            }
        }
    }
}

impl http_body::Body for ResponseBody {
    type Data = Bytes;
    type Error = Error;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Self::Data>, Self::Error>>> {
        match &mut self.get_mut().inner {
            Inner::Local(text) => Poll::Ready(text.take().map(|t| Ok(Frame::data(t)))),
            Inner::Plugin(stream) => stream.poll_frame(cx),
            Inner::Channel { chunks, done } => {
                if *done {
                    return Poll::Ready(None);
                }
                match chunks.poll_recv(cx) {
                    Poll::Pending => Poll::Pending,
                    Poll::Ready(Some(chunk)) => Poll::Ready(Some(chunk.map(Frame::data))),
                    Poll::Ready(None) => {
                        *done = true;
                        Poll::Ready(None)
                    }
                }
            }
        }
    }

    fn is_end_stream(&self) -> bool {
        match &self.inner {
            Inner::Local(text) => text.is_none(),
            Inner::Plugin(stream) => stream.complete && stream.pending.is_empty(),
            Inner::Channel { done, .. } => *done,
        }
    }

    fn size_hint(&self) -> SizeHint {
        match &self.inner {
            Inner::Local(text) => SizeHint::with_exact(text.as_ref().map_or(0, |t| t.len() as u64)),
            Inner::Plugin(stream) if stream.complete => SizeHint::with_exact(stream.pending.len() as u64),
            Inner::Plugin(stream) => {
                let mut hint = SizeHint::new();
                hint.set_lower(stream.pending.len() as u64);
                hint
            }
            Inner::Channel { .. } => SizeHint::new(),
        }
    }
}

impl fmt::Debug for ResponseBody {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.inner {
            Inner::Local(text) => f
                .debug_struct("ResponseBody")
                .field("local_len", &text.as_ref().map_or(0, Bytes::len))
                .finish(),
            Inner::Plugin(stream) => {
                f.debug_struct("ResponseBody").field("complete", &stream.complete).finish()
            }
            Inner::Channel { done, .. } => f.debug_struct("ResponseBody").field("complete", done).finish(),
        }
    }
}
