//! A handler's `http::Response` as the stream of ServeHTTP response parts.
//!
//! # When `flush` is set
//!
//! The server writes each part to the HTTP client's connection through a buffered writer and
//! flushes it only when asked (or when the response ends). A part is sent with `flush` when it
//! is the last thing the handler has produced *for now*: the body has more to come but has
//! nothing ready at the moment the part is sent. That covers the head of a response whose body
//! is not ready yet (so the client sees the status and headers of a stream at once), every
//! event of a server-sent event stream and the answer of a long poll. Parts followed by data
//! that is already available (a large download, a frame split in 64 KiB pieces) are not
//! flushed, so bulk transfers are not slowed by a flush per chunk, and the last part
//! (`body_complete`) needs none because the server finishes the response with it.

use std::any::Any;
use std::panic::AssertUnwindSafe;
use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::{Buf, Bytes};
use futures_util::Stream;
use http::header::{CONTENT_TYPE, HeaderValue, X_CONTENT_TYPE_OPTIONS};
use http::{HeaderMap, StatusCode};
use http_body::Body as HttpBody;
use mm_hooks::HookError;
use mm_hooks::http::{HttpResponsePart, HttpResponseStream};
use mm_proto::SERVE_HTTP_CHUNK_SIZE;
use mm_types::HttpResponseInit;

use crate::error::BoxError;
use crate::headers;

/// How many empty or trailer frames in a row are skipped before yielding to other tasks.
const SKIPPED_FRAME_BUDGET: usize = 64;

/// The head of a response, as it goes on the wire.
pub(crate) fn head(status: StatusCode, headers: &HeaderMap) -> HttpResponseInit {
    HttpResponseInit { status_code: i32::from(status.as_u16()), headers: headers::to_wire(headers) }
}

/// A complete short plain-text response (for 400 and 500 answers made by this crate).
pub(crate) fn plain_part(status: StatusCode, message: &str) -> HttpResponsePart {
    let mut headers = HeaderMap::new();
    headers.insert(CONTENT_TYPE, HeaderValue::from_static("text/plain; charset=utf-8"));
    headers.insert(X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    HttpResponsePart {
        init: Some(head(status, &headers)),
        body_chunk: Bytes::from(format!("{message}\n")),
        body_complete: true,
        flush: false,
    }
}

/// [`plain_part`] as a whole response stream.
pub(crate) fn plain_response(status: StatusCode, message: &str) -> HttpResponseStream {
    let part = plain_part(status, message);
    Box::pin(futures_util::stream::iter([Ok(part)]))
}

/// The text of a panic payload, for the log.
pub(crate) fn panic_message(payload: &(dyn Any + Send)) -> &str {
    payload
        .downcast_ref::<&str>()
        .copied()
        .or_else(|| payload.downcast_ref::<String>().map(String::as_str))
        .unwrap_or("(non-text panic payload)")
}

/// What polling the handler's body gave.
enum Polled {
    Data(Bytes),
    End,
    Idle,
    Failed(FailedBody),
}

/// Why the handler's body stopped: the reason for the log and the stream.
struct FailedBody(String);

/// Streams a handler's response: the head, then the body in parts of at most 64 KiB.
pub(crate) struct ResponseStream<B> {
    /// The head, until it is sent.
    head: Option<HttpResponseInit>,
    /// The handler's body, until it ends or fails.
    body: Option<Pin<Box<B>>>,
    /// Data taken from the body and not yet sent.
    pending: Bytes,
    /// The body failed after `pending` was taken from it.
    failure: Option<FailedBody>,
    done: bool,
}

impl<B> ResponseStream<B>
where
    B: HttpBody + Send + 'static,
    B::Error: Into<BoxError>,
{
    pub(crate) fn new(response: http::Response<B>) -> Self {
        let (parts, body) = response.into_parts();
        ResponseStream {
            head: Some(head(parts.status, &parts.headers)),
            body: Some(Box::pin(body)),
            pending: Bytes::new(),
            failure: None,
            done: false,
        }
    }

    /// Polls the handler's body for its next data, catching a panic in it.
    fn poll_body(&mut self, cx: &mut Context<'_>) -> Polled {
        let Some(body) = self.body.as_mut() else { return Polled::End };
        let mut skipped = 0;
        let polled = loop {
            let poll = std::panic::catch_unwind(AssertUnwindSafe(|| body.as_mut().poll_frame(cx)));
            match poll {
                Err(payload) => {
                    let message = panic_message(payload.as_ref());
                    tracing::error!(panic = message, "ServeHTTP handler panicked while writing the body");
                    break Polled::Failed(FailedBody(format!("the handler panicked: {message}")));
                }
                Ok(Poll::Pending) => break Polled::Idle,
                Ok(Poll::Ready(None)) => break Polled::End,
                Ok(Poll::Ready(Some(Err(error)))) => {
                    let error: BoxError = error.into();
                    tracing::error!(%error, "ServeHTTP response body failed");
                    break Polled::Failed(FailedBody(format!("the response body failed: {error}")));
                }
                Ok(Poll::Ready(Some(Ok(frame)))) => match frame.into_data() {
                    Ok(mut data) if data.has_remaining() => {
                        break Polled::Data(data.copy_to_bytes(data.remaining()));
                    }
                    // Empty data frames carry nothing; trailers have no place on the wire.
                    _ => {
                        skipped += 1;
                        if skipped >= SKIPPED_FRAME_BUDGET {
                            cx.waker().wake_by_ref();
                            break Polled::Idle;
                        }
                    }
                },
            }
        };
        if matches!(polled, Polled::End | Polled::Failed(_)) {
            self.body = None;
        }
        polled
    }

    /// Ends the stream with `failure`: a 500 answer while the head is unsent, else a cut.
    fn fail(&mut self, failure: FailedBody) -> Poll<Option<Result<HttpResponsePart, HookError>>> {
        self.done = true;
        self.body = None;
        if self.head.take().is_some() {
            return Poll::Ready(Some(Ok(plain_part(
                StatusCode::INTERNAL_SERVER_ERROR,
                "Internal Server Error",
            ))));
        }
        Poll::Ready(Some(Err(HookError::msg(format!("ServeHTTP response cut short: {}", failure.0)))))
    }
}

impl<B> Stream for ResponseStream<B>
where
    B: HttpBody + Send + 'static,
    B::Error: Into<BoxError>,
{
    type Item = Result<HttpResponsePart, HookError>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        if this.done {
            return Poll::Ready(None);
        }
        if this.pending.is_empty() && this.failure.is_none() {
            match this.poll_body(cx) {
                Polled::Data(data) => this.pending = data,
                Polled::End => {}
                Polled::Idle => {
                    // Nothing to send but the head, if it is still unsent.
                    return match this.head.take() {
                        Some(init) => {
                            let part =
                                HttpResponsePart { init: Some(init), flush: true, ..Default::default() };
                            Poll::Ready(Some(Ok(part)))
                        }
                        None => Poll::Pending,
                    };
                }
                Polled::Failed(failure) => return this.fail(failure),
            }
        }
        if this.pending.is_empty()
            && let Some(failure) = this.failure.take()
        {
            return this.fail(failure);
        }

        let chunk = if this.pending.len() > SERVE_HTTP_CHUNK_SIZE {
            this.pending.split_to(SERVE_HTTP_CHUNK_SIZE)
        } else {
            std::mem::take(&mut this.pending)
        };
        // Look one frame ahead: it decides between body_complete, flush and neither.
        let mut idle = false;
        if this.pending.is_empty() && this.body.is_some() {
            match this.poll_body(cx) {
                Polled::Data(data) => this.pending = data,
                Polled::End => {}
                Polled::Idle => idle = true,
                Polled::Failed(failure) if this.head.is_some() => return this.fail(failure),
                Polled::Failed(failure) => this.failure = Some(failure),
            }
        }
        let complete = this.pending.is_empty() && this.body.is_none() && this.failure.is_none();
        let part = HttpResponsePart {
            init: this.head.take(),
            body_chunk: chunk,
            body_complete: complete,
            flush: !complete && this.pending.is_empty() && idle,
        };
        this.done = complete;
        Poll::Ready(Some(Ok(part)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use futures_util::StreamExt;
    use http_body::Frame;

    fn block_on<F: std::future::Future>(future: F) -> F::Output {
        tokio::runtime::Builder::new_current_thread().build().expect("runtime").block_on(future)
    }

    /// A body that yields the frames given, `None` meaning "not ready this time".
    struct Scripted(std::collections::VecDeque<Option<Result<Frame<Bytes>, std::io::Error>>>);

    impl HttpBody for Scripted {
        type Data = Bytes;
        type Error = std::io::Error;

        fn poll_frame(
            mut self: Pin<&mut Self>,
            cx: &mut Context<'_>,
        ) -> Poll<Option<Result<Frame<Bytes>, std::io::Error>>> {
            match self.0.pop_front() {
                Some(Some(frame)) => Poll::Ready(Some(frame)),
                Some(None) => {
                    cx.waker().wake_by_ref();
                    Poll::Pending
                }
                None => Poll::Ready(None),
            }
        }
    }

    fn data(bytes: &[u8]) -> Option<Result<Frame<Bytes>, std::io::Error>> {
        Some(Ok(Frame::data(Bytes::copy_from_slice(bytes))))
    }

    fn parts(
        script: Vec<Option<Result<Frame<Bytes>, std::io::Error>>>,
    ) -> Vec<Result<HttpResponsePart, HookError>> {
        let response = http::Response::builder().status(201).header("x-a", "1").body(Scripted(script.into()));
        let stream = ResponseStream::new(response.expect("response"));
        block_on(stream.collect::<Vec<_>>())
    }

    /// (chunk, complete, flush) of each part, and whether the first carries the head.
    fn shape(parts: &[Result<HttpResponsePart, HookError>]) -> Vec<(usize, bool, bool)> {
        parts
            .iter()
            .map(|p| p.as_ref().expect("ok part"))
            .map(|p| (p.body_chunk.len(), p.body_complete, p.flush))
            .collect()
    }

    #[test]
    fn a_ready_body_goes_out_with_the_head_in_one_part() {
        let out = parts(vec![data(b"hello")]);
        assert_eq!(shape(&out), [(5, true, false)]);
        let head = out[0].as_ref().expect("ok").init.clone().expect("head");
        assert_eq!(head.status_code, 201);
        assert_eq!(head.headers[0].key, "X-A");
    }

    #[test]
    fn an_idle_body_flushes_the_head_and_each_burst() {
        let out = parts(vec![None, data(b"event 1"), None, data(b"event 2"), data(b"event 3"), None]);
        assert_eq!(
            shape(&out),
            [(0, false, true), (7, false, true), (7, false, false), (7, false, true), (0, true, false)]
        );
        assert!(out[0].as_ref().expect("ok").init.is_some());
        assert!(out[1..].iter().all(|p| p.as_ref().expect("ok").init.is_none()));
    }

    #[test]
    fn large_frames_are_split_into_64_kib_parts() {
        let big = vec![7u8; SERVE_HTTP_CHUNK_SIZE * 2 + 10];
        let out = parts(vec![data(&big), None, data(b"tail")]);
        assert_eq!(
            shape(&out),
            [
                (SERVE_HTTP_CHUNK_SIZE, false, false),
                (SERVE_HTTP_CHUNK_SIZE, false, false),
                (10, false, true),
                (4, true, false)
            ]
        );
    }

    #[test]
    fn empty_frames_and_trailers_are_skipped() {
        let trailers = Some(Ok(Frame::trailers(HeaderMap::new())));
        let out = parts(vec![data(b""), data(b"x"), trailers, data(b"")]);
        assert_eq!(shape(&out), [(1, true, false)]);
    }

    #[test]
    fn a_body_error_before_the_head_is_sent_answers_500() {
        let out = parts(vec![Some(Err(std::io::Error::other("disk gone")))]);
        let part = out[0].as_ref().expect("ok");
        assert_eq!(part.init.as_ref().map(|h| h.status_code), Some(500));
        assert_eq!(out.len(), 1);
    }

    #[test]
    fn a_body_error_after_the_head_cuts_the_stream() {
        let out = parts(vec![None, data(b"partial"), Some(Err(std::io::Error::other("disk gone")))]);
        assert_eq!(out.len(), 3);
        assert_eq!(shape(&out[..2]), [(0, false, true), (7, false, false)]);
        assert!(out[2].as_ref().unwrap_err().to_string().contains("disk gone"));
    }

    #[test]
    fn a_panicking_body_answers_500_or_cuts_the_stream() {
        struct Panics(bool);
        impl HttpBody for Panics {
            type Data = Bytes;
            type Error = std::io::Error;
            fn poll_frame(
                mut self: Pin<&mut Self>,
                _: &mut Context<'_>,
            ) -> Poll<Option<Result<Frame<Bytes>, std::io::Error>>> {
                if std::mem::replace(&mut self.0, false) {
                    return Poll::Ready(Some(Ok(Frame::data(Bytes::from_static(b"x")))));
                }
                panic!("boom in the body");
            }
        }
        let run = |first_ok| {
            let stream = ResponseStream::new(http::Response::new(Panics(first_ok)));
            block_on(stream.collect::<Vec<_>>())
        };
        let before = run(false);
        assert_eq!(before[0].as_ref().expect("ok").init.as_ref().map(|h| h.status_code), Some(500));
        // The head goes out with "x" only if the look-ahead did not panic; here it did, so the
        // head was still unsent and the answer is a 500 as well.
        let after = run(true);
        assert_eq!(after[0].as_ref().expect("ok").init.as_ref().map(|h| h.status_code), Some(500));
    }
}
