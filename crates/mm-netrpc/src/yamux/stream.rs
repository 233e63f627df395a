//! One multiplexed stream: its flow-control windows, receive buffer and half-close state.

use std::collections::VecDeque;
use std::fmt;
use std::io;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, Waker};

use bytes::{Buf, Bytes};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::sync::OwnedSemaphorePermit;

use super::frame::{Flags, Frame, FrameType, WINDOW};
use super::session::{Handle, Shared};
use super::{CloseReason, lock};
use crate::error::{Error, ErrorKind};

/// Largest DATA frame we send: one full window (smaller frames measured slower).
const MAX_FRAME: usize = WINDOW as usize;

/// Where the SYN/ACK exchange of a stream stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Phase {
    /// We opened it and wait for the peer's ACK.
    SynSent,
    /// The peer opened it; it waits in the accept backlog.
    SynReceived,
    /// Both sides agree it exists.
    Established,
}

/// The state of a stream shared between its handle, the session's reader and its timers.
pub(crate) struct StreamShared {
    pub(crate) id: u32,
    state: Mutex<StreamState>,
}

struct StreamState {
    phase: Phase,
    /// Held while a stream we opened waits for its ACK (bounds unacknowledged opens).
    open_permit: Option<OwnedSemaphorePermit>,
    recv: VecDeque<Bytes>,
    buffered: usize,
    /// Bytes the peer may still send before our next window update.
    recv_window: u32,
    /// Bytes we may still send before the peer's next window update.
    send_window: u32,
    local_fin: bool,
    remote_fin: bool,
    reset: bool,
    /// The session ended; the reason is reported to readers and writers.
    aborted: Option<CloseReason>,
    /// The handle was dropped: incoming data is discarded and its credit returned at once.
    detached: bool,
    read_waker: Option<Waker>,
    write_waker: Option<Waker>,
}

/// What the reader must do after a frame was applied to a stream (done outside its lock).
#[derive(Debug, Default)]
pub(crate) struct Effects {
    pub(crate) send: Option<Frame>,
    pub(crate) remove: bool,
}

impl StreamShared {
    pub(crate) fn new(id: u32, phase: Phase, open_permit: Option<OwnedSemaphorePermit>) -> Self {
        StreamShared {
            id,
            state: Mutex::new(StreamState {
                phase,
                open_permit,
                recv: VecDeque::new(),
                buffered: 0,
                recv_window: WINDOW,
                send_window: WINDOW,
                local_fin: false,
                remote_fin: false,
                reset: false,
                aborted: None,
                detached: false,
                read_waker: None,
                write_waker: None,
            }),
        }
    }

    /// Whether a DATA frame of `len` bytes fits the receive window.
    pub(crate) fn window_allows(&self, len: u32) -> Result<(), String> {
        let st = lock(&self.state);
        if len > st.recv_window {
            return Err(format!(
                "receive window exceeded (stream {}: window {}, received {len})",
                self.id, st.recv_window
            ));
        }
        Ok(())
    }

    /// Applies a DATA or WINDOW_UPDATE frame from the peer, in Go's order: ACK, data,
    /// window, then FIN/RST (so a reader never sees EOF before the data of the same frame).
    pub(crate) fn on_frame(
        &self,
        flags: Flags,
        data: Option<Bytes>,
        window_delta: u32,
    ) -> Result<Effects, String> {
        let mut st = lock(&self.state);
        let mut effects = Effects::default();
        if flags.contains(Flags::ACK) && st.phase == Phase::SynSent {
            st.phase = Phase::Established;
            st.open_permit = None;
        }
        if let Some(data) = data.filter(|d| !d.is_empty()) {
            let len = u32::try_from(data.len()).unwrap_or(u32::MAX);
            st.recv_window = st.recv_window.saturating_sub(len);
            if st.detached {
                effects.send = st.window_update(self.id, Flags::NONE, false);
            } else if !st.reset && st.aborted.is_none() {
                st.buffered += data.len();
                st.recv.push_back(data);
                wake(&mut st.read_waker);
            }
        }
        if window_delta > 0 {
            st.send_window = st.send_window.saturating_add(window_delta);
            wake(&mut st.write_waker);
        }
        if flags.contains(Flags::FIN) {
            if st.remote_fin {
                return Err(format!("unexpected FIN flag on stream {}", self.id));
            }
            st.remote_fin = true;
            wake(&mut st.read_waker);
            if st.local_fin {
                st.open_permit = None;
                effects.remove = true;
            }
        }
        if flags.contains(Flags::RST) {
            st.reset = true;
            st.open_permit = None;
            st.recv.clear();
            st.buffered = 0;
            wake(&mut st.read_waker);
            wake(&mut st.write_waker);
            effects.remove = true;
        }
        Ok(effects)
    }

    /// The session closed: readers and writers get `reason` (after any buffered data).
    pub(crate) fn session_closed(&self, reason: &CloseReason) {
        let mut st = lock(&self.state);
        if st.aborted.is_none() {
            st.aborted = Some(reason.clone());
        }
        st.open_permit = None;
        wake(&mut st.read_waker);
        wake(&mut st.write_waker);
    }

    /// Still waiting for the ACK of a stream we opened.
    pub(crate) fn awaiting_ack(&self) -> bool {
        let st = lock(&self.state);
        st.phase == Phase::SynSent && !st.reset && st.aborted.is_none()
    }

    /// Resets a stream whose peer never answered our FIN; `None` if it finished meanwhile.
    pub(crate) fn close_timed_out(&self) -> Option<Frame> {
        let mut st = lock(&self.state);
        if st.reset || st.aborted.is_some() || st.remote_fin {
            return None;
        }
        st.reset = true;
        st.recv.clear();
        st.buffered = 0;
        wake(&mut st.read_waker);
        wake(&mut st.write_waker);
        Some(Frame::control(FrameType::WindowUpdate, Flags::RST, self.id, 0))
    }

    /// Takes a stream out of the accept backlog: the ACK to send, or `None` if the peer
    /// already reset it.
    pub(crate) fn accept(&self) -> Option<Frame> {
        let mut st = lock(&self.state);
        if st.reset || st.aborted.is_some() {
            return None;
        }
        st.phase = Phase::Established;
        st.window_update(self.id, Flags::ACK, true)
    }
}

impl StreamState {
    /// A WINDOW_UPDATE returning the space the reader freed, once it reaches half a window
    /// (Go's rule), or at once when a flag must be sent.
    fn window_update(&mut self, id: u32, flags: Flags, force: bool) -> Option<Frame> {
        let buffered = u32::try_from(self.buffered).unwrap_or(u32::MAX);
        let delta = WINDOW.saturating_sub(buffered).saturating_sub(self.recv_window);
        if delta < WINDOW / 2 && !force {
            return None;
        }
        self.recv_window = self.recv_window.saturating_add(delta);
        Some(Frame::control(FrameType::WindowUpdate, flags, id, delta))
    }

    fn closed_error(&self, id: u32) -> Option<io::Error> {
        if self.reset {
            return Some(io::Error::new(
                io::ErrorKind::ConnectionReset,
                format!("yamux stream {id} was reset"),
            ));
        }
        self.aborted.as_ref().map(|reason| Error::new(ErrorKind::SessionClosed(reason.clone())).into_io())
    }
}

fn wake(waker: &mut Option<Waker>) {
    if let Some(waker) = waker.take() {
        waker.wake();
    }
}

fn store_waker(slot: &mut Option<Waker>, cx: &Context<'_>) {
    match slot {
        Some(existing) if existing.will_wake(cx.waker()) => {}
        _ => *slot = Some(cx.waker().clone()),
    }
}

/// A bidirectional byte stream of a [`Session`](super::Session).
///
/// Reads return the peer's data, then EOF once the peer half-closed (FIN). `shutdown()`
/// half-closes our direction; the stream is gone once both sides sent FIN. Dropping a stream
/// half-closes it and discards whatever the peer still sends; [`reset`](Stream::reset)
/// aborts it. Writes are limited by the peer's 256 KiB window and never buffer more.
pub struct Stream {
    inner: Arc<StreamShared>,
    session: Arc<Handle>,
}

impl Stream {
    pub(crate) fn new(inner: Arc<StreamShared>, session: Arc<Handle>) -> Self {
        Stream { inner, session }
    }

    /// The yamux stream id (odd: opened by the client side, even: by the server side).
    pub fn id(&self) -> u32 {
        self.inner.id
    }

    /// Aborts the stream (RST): both directions end at once, unread data is dropped.
    pub fn reset(self) {
        self.reset_now();
    }

    fn reset_now(&self) {
        let shared = self.session.shared();
        {
            let mut st = lock(&self.inner.state);
            if st.reset || st.aborted.is_some() {
                return;
            }
            st.reset = true;
            st.open_permit = None;
            st.recv.clear();
            st.buffered = 0;
            wake(&mut st.read_waker);
            wake(&mut st.write_waker);
        }
        shared.send(Frame::control(FrameType::WindowUpdate, Flags::RST, self.inner.id, 0));
        shared.remove_stream(self.inner.id);
    }

    fn shared(&self) -> &Shared {
        self.session.shared()
    }
}

impl fmt::Debug for Stream {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Stream").field("id", &self.inner.id).finish_non_exhaustive()
    }
}

impl AsyncRead for Stream {
    fn poll_read(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
        let update = {
            let mut st = lock(&self.inner.state);
            if st.buffered == 0 {
                if st.reset {
                    return Poll::Ready(Err(st
                        .closed_error(self.inner.id)
                        .unwrap_or_else(|| io::ErrorKind::ConnectionReset.into())));
                }
                if st.remote_fin {
                    return Poll::Ready(Ok(()));
                }
                if let Some(error) = st.closed_error(self.inner.id) {
                    return Poll::Ready(Err(error));
                }
                store_waker(&mut st.read_waker, cx);
                return Poll::Pending;
            }
            while buf.remaining() > 0 {
                let Some(front) = st.recv.front_mut() else { break };
                let n = front.len().min(buf.remaining());
                buf.put_slice(&front[..n]);
                if n == front.len() {
                    st.recv.pop_front();
                } else {
                    front.advance(n);
                }
                st.buffered -= n;
            }
            if st.aborted.is_none() && !st.reset {
                st.window_update(self.inner.id, Flags::NONE, false)
            } else {
                None
            }
        };
        if let Some(frame) = update {
            self.shared().send(frame);
        }
        Poll::Ready(Ok(()))
    }
}

impl AsyncWrite for Stream {
    fn poll_write(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        let n = {
            let mut st = lock(&self.inner.state);
            if let Some(error) = st.closed_error(self.inner.id) {
                return Poll::Ready(Err(error));
            }
            if st.local_fin {
                return Poll::Ready(Err(io::Error::new(
                    io::ErrorKind::BrokenPipe,
                    format!("yamux stream {} is closed for writing", self.inner.id),
                )));
            }
            if buf.is_empty() {
                return Poll::Ready(Ok(0));
            }
            if st.send_window == 0 {
                store_waker(&mut st.write_waker, cx);
                return Poll::Pending;
            }
            let n = buf.len().min(st.send_window as usize).min(MAX_FRAME);
            st.send_window -= n as u32;
            n
        };
        if self.shared().send(Frame::data(self.inner.id, Bytes::copy_from_slice(&buf[..n]))) {
            Poll::Ready(Ok(n))
        } else {
            let reason = self.shared().close_reason().unwrap_or(CloseReason::Local);
            Poll::Ready(Err(Error::new(ErrorKind::SessionClosed(reason)).into_io()))
        }
    }

    fn poll_flush(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        // Written frames are queued in order; the session's writer sends them.
        Poll::Ready(Ok(()))
    }

    fn poll_shutdown(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let gone = {
            let mut st = lock(&self.inner.state);
            if st.local_fin || st.reset || st.aborted.is_some() {
                return Poll::Ready(Ok(()));
            }
            st.local_fin = true;
            if st.remote_fin {
                st.open_permit = None;
            }
            st.remote_fin
        };
        let shared = self.shared();
        shared.send(Frame::control(FrameType::WindowUpdate, Flags::FIN, self.inner.id, 0));
        if gone {
            shared.remove_stream(self.inner.id);
        } else {
            shared.deadlines.add_close(&self.inner, shared.config.stream_close_timeout());
        }
        Poll::Ready(Ok(()))
    }
}

impl Drop for Stream {
    fn drop(&mut self) {
        let (update, send_fin, gone) = {
            let mut st = lock(&self.inner.state);
            if st.reset || st.aborted.is_some() {
                return;
            }
            st.detached = true;
            st.recv.clear();
            st.buffered = 0;
            let update = st.window_update(self.inner.id, Flags::NONE, false);
            let send_fin = !st.local_fin;
            st.local_fin = true;
            (update, send_fin, st.remote_fin)
        };
        let shared = self.session.shared();
        if let Some(frame) = update {
            shared.send(frame);
        }
        if send_fin {
            shared.send(Frame::control(FrameType::WindowUpdate, Flags::FIN, self.inner.id, 0));
        }
        if gone {
            shared.remove_stream(self.inner.id);
        } else if send_fin {
            shared.deadlines.add_close(&self.inner, shared.config.stream_close_timeout());
        }
    }
}
