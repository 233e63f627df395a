//! An `http::Request`'s body as the stream of ServeHTTP request messages.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::{Buf, Bytes};
use futures_util::Stream;
use http_body::Body as HttpBody;
use mm_proto::SERVE_HTTP_CHUNK_SIZE;
use mm_proto::v1 as wire;
use tokio::sync::oneshot;

use mm_http::BoxError;

/// How many empty or trailer frames in a row are skipped before yielding to other tasks.
const SKIPPED_FRAME_BUDGET: usize = 64;

/// What the body had to give.
enum Next {
    Chunk(Bytes),
    End,
    Pending,
    Failed,
}

/// The request messages of one ServeHTTP call: the head with whatever body is ready at once,
/// then body chunks of at most 64 KiB as the client sends them, the last with `body_complete`.
///
/// gRPC pulls the next message only when the transport can take it, so the body is read no
/// faster than the plugin accepts it. The stream stops early (without `body_complete`) when
/// `stop` fires or its sender is dropped: the response side is gone, and ending the request
/// side lets the transport cancel the call.
pub(super) struct RequestMessages<B> {
    init: Option<wire::ServeHttpRequestInit>,
    body: Pin<Box<B>>,
    /// Data read from the body and not yet sent.
    pending: Bytes,
    stop: oneshot::Receiver<()>,
    finished: bool,
}

impl<B> RequestMessages<B>
where
    B: HttpBody + Send + 'static,
    B::Error: Into<BoxError>,
{
    pub(super) fn new(init: wire::ServeHttpRequestInit, body: B, stop: oneshot::Receiver<()>) -> Self {
        RequestMessages {
            init: Some(init),
            body: Box::pin(body),
            pending: Bytes::new(),
            stop,
            finished: false,
        }
    }

    fn take_chunk(&mut self) -> Bytes {
        if self.pending.len() > SERVE_HTTP_CHUNK_SIZE {
            self.pending.split_to(SERVE_HTTP_CHUNK_SIZE)
        } else {
            std::mem::take(&mut self.pending)
        }
    }

    fn poll_chunk(&mut self, cx: &mut Context<'_>) -> Next {
        if !self.pending.is_empty() {
            return Next::Chunk(self.take_chunk());
        }
        let mut skipped = 0;
        loop {
            match self.body.as_mut().poll_frame(cx) {
                Poll::Pending => return Next::Pending,
                Poll::Ready(None) => return Next::End,
                Poll::Ready(Some(Err(error))) => {
                    let error: BoxError = error.into();
                    tracing::debug!(%error, "the HTTP client's request body failed; ServeHTTP request ends early");
                    return Next::Failed;
                }
                Poll::Ready(Some(Ok(frame))) => match frame.into_data() {
                    Ok(mut data) if data.has_remaining() => {
                        self.pending = data.copy_to_bytes(data.remaining());
                        return Next::Chunk(self.take_chunk());
                    }
                    _ => {
                        skipped += 1;
                        if skipped >= SKIPPED_FRAME_BUDGET {
                            cx.waker().wake_by_ref();
                            return Next::Pending;
                        }
                    }
                },
            }
        }
    }

    /// Whether the body has nothing more after what was taken.
    fn body_done(&self) -> bool {
        self.pending.is_empty() && self.body.is_end_stream()
    }
}

impl<B> Stream for RequestMessages<B>
where
    B: HttpBody + Send + 'static,
    B::Error: Into<BoxError>,
{
    type Item = wire::ServeHttpRequest;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        if this.finished {
            return Poll::Ready(None);
        }
        if Pin::new(&mut this.stop).poll(cx).is_ready() {
            this.finished = true;
            return Poll::Ready(None);
        }
        let message = |chunk: Bytes, complete: bool| wire::ServeHttpRequest {
            init: None,
            body_chunk: chunk,
            body_complete: complete,
        };
        let next = this.poll_chunk(cx);
        let mut out = match next {
            Next::Chunk(chunk) => {
                let complete = this.body_done();
                message(chunk, complete)
            }
            Next::End => message(Bytes::new(), true),
            // The head goes out at once, even when no body has arrived yet.
            Next::Pending if this.init.is_some() => message(Bytes::new(), false),
            Next::Pending => return Poll::Pending,
            Next::Failed => {
                // Ending without body_complete tells the plugin the body is incomplete.
                this.finished = true;
                return match this.init.take() {
                    Some(init) => Poll::Ready(Some(wire::ServeHttpRequest {
                        init: Some(init),
                        ..message(Bytes::new(), false)
                    })),
                    None => Poll::Ready(None),
                };
            }
        };
        out.init = this.init.take();
        this.finished = out.body_complete;
        Poll::Ready(Some(out))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use futures_util::StreamExt;
    use http_body::Frame;

    /// A body of the given frames; `None` is "not ready this time".
    struct Frames(std::collections::VecDeque<Option<Bytes>>);

    impl HttpBody for Frames {
        type Data = Bytes;
        type Error = std::convert::Infallible;

        fn poll_frame(
            mut self: Pin<&mut Self>,
            cx: &mut Context<'_>,
        ) -> Poll<Option<Result<Frame<Bytes>, Self::Error>>> {
            match self.0.pop_front() {
                Some(Some(data)) => Poll::Ready(Some(Ok(Frame::data(data)))),
                Some(None) => {
                    cx.waker().wake_by_ref();
                    Poll::Pending
                }
                None => Poll::Ready(None),
            }
        }

        fn is_end_stream(&self) -> bool {
            self.0.is_empty()
        }
    }

    fn messages(frames: Vec<Option<&[u8]>>) -> Vec<(bool, usize, bool)> {
        let body = Frames(frames.into_iter().map(|f| f.map(Bytes::copy_from_slice)).collect());
        let (_keep, stop) = oneshot::channel();
        let stream = RequestMessages::new(wire::ServeHttpRequestInit::default(), body, stop);
        let runtime = tokio::runtime::Builder::new_current_thread().build().expect("runtime");
        let all = runtime.block_on(stream.collect::<Vec<_>>());
        all.iter().map(|m| (m.init.is_some(), m.body_chunk.len(), m.body_complete)).collect()
    }

    #[test]
    fn a_request_without_body_is_one_complete_message() {
        assert_eq!(messages(vec![]), [(true, 0, true)]);
    }

    #[test]
    fn the_head_carries_the_first_ready_chunk_and_the_last_chunk_completes() {
        assert_eq!(messages(vec![Some(b"ab"), Some(b"c")]), [(true, 2, false), (false, 1, true)]);
    }

    #[test]
    fn the_head_does_not_wait_for_the_body() {
        assert_eq!(messages(vec![None, Some(b"late")]), [(true, 0, false), (false, 4, true)]);
    }

    #[test]
    fn large_frames_are_split_and_empty_frames_skipped() {
        let big = vec![1u8; SERVE_HTTP_CHUNK_SIZE + 1];
        assert_eq!(
            messages(vec![Some(b""), Some(&big), Some(b"")]),
            [(true, SERVE_HTTP_CHUNK_SIZE, false), (false, 1, false), (false, 0, true)]
        );
    }

    #[test]
    fn the_stream_stops_without_body_complete_when_told() {
        let body = Frames(vec![Some(Bytes::from_static(b"a")), None, Some(Bytes::from_static(b"b"))].into());
        let (stop_tx, stop) = oneshot::channel();
        let mut stream = RequestMessages::new(wire::ServeHttpRequestInit::default(), body, stop);
        let runtime = tokio::runtime::Builder::new_current_thread().build().expect("runtime");
        let first = runtime.block_on(stream.next()).expect("head");
        assert_eq!((first.body_chunk.as_ref(), first.body_complete), (&b"a"[..], false));
        drop(stop_tx);
        assert!(runtime.block_on(stream.next()).is_none());
    }
}
