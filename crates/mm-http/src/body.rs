//! The request body a handler reads: the ServeHTTP request stream's chunks, as they arrive.

use std::fmt;
use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::Bytes;
use futures_util::Stream;
use http_body::{Frame, SizeHint};
use mm_hooks::http::HttpRequestStream;

use crate::error::{Error, ErrorKind};

/// How many empty messages in a row the body consumes before yielding to other tasks, so a
/// stream of empty chunks cannot hog a worker thread.
const EMPTY_MESSAGE_BUDGET: usize = 64;

/// The body of a request a plugin receives, as an [`http_body::Body`] of [`Bytes`].
///
/// It reads the ServeHTTP request stream only when the handler polls it, one message at a
/// time, so nothing is buffered ahead of the handler beyond the transport's flow-control
/// window: memory stays flat whatever the body size. A read fails with an [`Error`] when the
/// stream ends before `body_complete` ([`ErrorKind::IncompleteBody`]), when a message follows
/// `body_complete` ([`ErrorKind::ChunkAfterComplete`]), when the body does not match its
/// declared `Content-Length` ([`ErrorKind::LengthMismatch`]) or when the server cancels the
/// call ([`ErrorKind::Stream`]). The body ends once `body_complete` was seen *and* the server
/// closed its side of the stream (it does so right after the last message), which is what
/// lets a message after `body_complete` be reported.
///
/// Handlers may also build one from bytes, for tests:
///
/// ```
/// use http_body::Body as _;
/// let body = mm_http::Body::from("hello");
/// assert_eq!(body.size_hint().exact(), Some(5));
/// ```
pub struct Body {
    inner: Inner,
}

enum Inner {
    Full(Option<Bytes>),
    Stream(Box<StreamBody>),
}

struct StreamBody {
    parts: HttpRequestStream,
    /// Bytes received and not yet handed to the handler.
    pending: Bytes,
    complete_seen: bool,
    finished: bool,
    /// Declared length not yet handed to the handler, when the client declared one.
    remaining: Option<u64>,
}

impl Body {
    /// A body with no bytes.
    pub fn empty() -> Self {
        Body { inner: Inner::Full(None) }
    }

    /// The body of a ServeHTTP request: `first_chunk` and `complete` come from the message that
    /// carried the head, the rest from `parts`.
    pub(crate) fn from_request_stream(
        parts: HttpRequestStream,
        first_chunk: Bytes,
        complete: bool,
        content_length: Option<u64>,
    ) -> Self {
        let stream = StreamBody {
            parts,
            pending: first_chunk,
            complete_seen: complete,
            finished: false,
            remaining: content_length,
        };
        Body { inner: Inner::Stream(Box::new(stream)) }
    }
}

impl StreamBody {
    fn fail(&mut self, error: Error) -> Poll<Option<Result<Frame<Bytes>, Error>>> {
        self.finished = true;
        self.pending = Bytes::new();
        tracing::debug!(%error, "ServeHTTP request body failed");
        Poll::Ready(Some(Err(error)))
    }

    fn poll_frame(&mut self, cx: &mut Context<'_>) -> Poll<Option<Result<Frame<Bytes>, Error>>> {
        let mut empty_messages = 0;
        loop {
            if self.finished {
                return Poll::Ready(None);
            }
            if !self.pending.is_empty() {
                let chunk = std::mem::take(&mut self.pending);
                if let Some(remaining) = &mut self.remaining {
                    match remaining.checked_sub(chunk.len() as u64) {
                        Some(left) => *remaining = left,
                        None => {
                            return self.fail(Error::with_source(ErrorKind::LengthMismatch, "body too long"));
                        }
                    }
                }
                return Poll::Ready(Some(Ok(Frame::data(chunk))));
            }
            match Pin::new(&mut self.parts).poll_next(cx) {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(None) => {
                    if !self.complete_seen {
                        return self.fail(Error::new(ErrorKind::IncompleteBody));
                    }
                    if self.remaining.is_some_and(|left| left > 0) {
                        return self.fail(Error::with_source(ErrorKind::LengthMismatch, "body too short"));
                    }
                    self.finished = true;
                    return Poll::Ready(None);
                }
                Poll::Ready(Some(Err(e))) => {
                    return self.fail(Error::with_source(ErrorKind::Stream, e.to_string()));
                }
                Poll::Ready(Some(Ok(part))) => {
                    if self.complete_seen {
                        return self.fail(Error::new(ErrorKind::ChunkAfterComplete));
                    }
                    if part.init.is_some() {
                        return self.fail(Error::new(ErrorKind::RepeatedInit));
                    }
                    self.complete_seen = part.body_complete;
                    self.pending = part.body_chunk;
                    if self.pending.is_empty() {
                        empty_messages += 1;
                        if empty_messages >= EMPTY_MESSAGE_BUDGET {
                            cx.waker().wake_by_ref();
                            return Poll::Pending;
                        }
                    }
                }
            }
        }
    }
}

impl http_body::Body for Body {
    type Data = Bytes;
    type Error = Error;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Self::Data>, Self::Error>>> {
        match &mut self.get_mut().inner {
            Inner::Full(data) => Poll::Ready(data.take().map(|d| Ok(Frame::data(d)))),
            Inner::Stream(stream) => stream.poll_frame(cx),
        }
    }

    fn is_end_stream(&self) -> bool {
        match &self.inner {
            Inner::Full(data) => data.is_none(),
            Inner::Stream(stream) => stream.finished,
        }
    }

    fn size_hint(&self) -> SizeHint {
        match &self.inner {
            Inner::Full(data) => SizeHint::with_exact(data.as_ref().map_or(0, |d| d.len() as u64)),
            Inner::Stream(stream) if stream.finished => SizeHint::with_exact(0),
            Inner::Stream(stream) => match stream.remaining {
                Some(left) => SizeHint::with_exact(left),
                None => {
                    let mut hint = SizeHint::new();
                    hint.set_lower(stream.pending.len() as u64);
                    hint
                }
            },
        }
    }
}

impl Default for Body {
    fn default() -> Self {
        Body::empty()
    }
}

impl From<Bytes> for Body {
    fn from(bytes: Bytes) -> Self {
        Body { inner: Inner::Full((!bytes.is_empty()).then_some(bytes)) }
    }
}

impl From<Vec<u8>> for Body {
    fn from(bytes: Vec<u8>) -> Self {
        Body::from(Bytes::from(bytes))
    }
}

impl From<String> for Body {
    fn from(text: String) -> Self {
        Body::from(Bytes::from(text))
    }
}

impl From<&'static str> for Body {
    fn from(text: &'static str) -> Self {
        Body::from(Bytes::from_static(text.as_bytes()))
    }
}

impl From<&'static [u8]> for Body {
    fn from(bytes: &'static [u8]) -> Self {
        Body::from(Bytes::from_static(bytes))
    }
}

impl fmt::Debug for Body {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.inner {
            Inner::Full(data) => {
                f.debug_struct("Body").field("len", &data.as_ref().map_or(0, Bytes::len)).finish()
            }
            Inner::Stream(stream) => f
                .debug_struct("Body")
                .field("streaming", &true)
                .field("complete_seen", &stream.complete_seen)
                .field("finished", &stream.finished)
                .finish(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use futures_util::stream;
    use http_body::Body as _;
    use mm_hooks::HookError;
    use mm_hooks::http::HttpRequestPart;
    use mm_types::HttpRequestInit;

    fn part(chunk: &'static str, complete: bool) -> Result<HttpRequestPart, HookError> {
        Ok(HttpRequestPart {
            init: None,
            body_chunk: Bytes::from_static(chunk.as_bytes()),
            body_complete: complete,
        })
    }

    fn body(first: &'static str, complete: bool, rest: Vec<Result<HttpRequestPart, HookError>>) -> Body {
        let parts = HttpRequestStream::from_parts(stream::iter(rest));
        Body::from_request_stream(parts, Bytes::from_static(first.as_bytes()), complete, None)
    }

    /// Reads the whole body: its bytes, or the error that ended it.
    async fn read(mut body: Body) -> Result<Vec<u8>, Error> {
        let mut out = Vec::new();
        while let Some(frame) = std::future::poll_fn(|cx| Pin::new(&mut body).poll_frame(cx)).await {
            out.extend_from_slice(&frame?.into_data().expect("data frame"));
        }
        Ok(out)
    }

    fn block_on<F: std::future::Future>(future: F) -> F::Output {
        futures_util::FutureExt::now_or_never(future).expect("the test streams never wait")
    }

    #[test]
    fn chunks_reassemble_with_empty_ones_skipped() {
        let rest = vec![part("", false), part("b", false), part("", false), part("c", true)];
        assert_eq!(block_on(read(body("a", false, rest))).expect("ok"), b"abc");
        assert_eq!(block_on(read(body("only", true, vec![]))).expect("ok"), b"only");
    }

    #[test]
    fn the_stream_ending_before_body_complete_fails_the_read() {
        let err = block_on(read(body("a", false, vec![part("b", false)]))).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::IncompleteBody);
    }

    #[test]
    fn a_message_after_body_complete_fails_the_read() {
        let err = block_on(read(body("a", true, vec![part("b", false)]))).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::ChunkAfterComplete);
    }

    #[test]
    fn a_second_head_fails_the_read() {
        let again = Ok(HttpRequestPart { init: Some(HttpRequestInit::default()), ..Default::default() });
        let err = block_on(read(body("", false, vec![again]))).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::RepeatedInit);
    }

    #[test]
    fn a_transport_failure_fails_the_read_with_its_message() {
        let err = block_on(read(body("", false, vec![Err(HookError::msg("cancelled"))]))).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Stream);
        assert!(err.to_string().contains("cancelled"), "{err}");
    }

    #[test]
    fn the_declared_length_is_enforced_both_ways() {
        let parts = || HttpRequestStream::from_parts(stream::iter(vec![part("bc", true)]));
        let exact = Body::from_request_stream(parts(), Bytes::from_static(b"a"), false, Some(3));
        assert_eq!(http_body::Body::size_hint(&exact).exact(), Some(3));
        assert_eq!(block_on(read(exact)).expect("ok"), b"abc");
        let long = Body::from_request_stream(parts(), Bytes::from_static(b"a"), false, Some(2));
        assert_eq!(block_on(read(long)).unwrap_err().kind(), ErrorKind::LengthMismatch);
        let short = Body::from_request_stream(parts(), Bytes::from_static(b"a"), false, Some(4));
        assert_eq!(block_on(read(short)).unwrap_err().kind(), ErrorKind::LengthMismatch);
    }

    #[test]
    fn many_empty_messages_yield_instead_of_spinning() {
        let rest: Vec<_> = (0..200).map(|_| part("", false)).chain([part("z", true)]).collect();
        let mut body = body("", false, rest);
        let mut cx = Context::from_waker(std::task::Waker::noop());
        assert!(Pin::new(&mut body).poll_frame(&mut cx).is_pending());
        let mut polls = 0;
        let data = loop {
            polls += 1;
            if let Poll::Ready(Some(frame)) = Pin::new(&mut body).poll_frame(&mut cx) {
                break frame.expect("ok").into_data().expect("data");
            }
        };
        assert_eq!((data.as_ref(), polls), (&b"z"[..], 3));
    }
}
