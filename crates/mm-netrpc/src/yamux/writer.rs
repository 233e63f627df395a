//! The outbox and the one task that writes frames to the connection.
//!
//! Streams and the reader queue frames without blocking (data is bounded by the send windows);
//! the writer takes everything queued at once and writes it with vectored writes: one syscall
//! for many frames, small frames coalesced into one buffer, large payloads written in place.

use std::collections::VecDeque;
use std::io::IoSlice;
use std::sync::{Arc, Mutex};

use bytes::Bytes;
use tokio::io::{AsyncWrite, AsyncWriteExt};
use tokio::sync::Notify;

use super::frame::{Frame, FrameType};
use super::session::Shared;
use super::{CloseReason, lock};

/// Payloads up to this size are copied next to their header instead of getting their own iovec.
const COALESCE_MAX: usize = 8 * 1024;
/// iovecs per write call (Linux allows 1024).
const MAX_IOVECS: usize = 256;
/// Control frames the peer may make us queue while it does not read (e.g. ping answers).
const MAX_QUEUED_CONTROL: usize = 64 * 1024;

/// Frames waiting to be written.
#[derive(Debug, Default)]
pub(crate) struct Outbox {
    inner: Mutex<OutboxInner>,
    notify: Notify,
}

#[derive(Debug, Default)]
struct OutboxInner {
    frames: VecDeque<Frame>,
    control: usize,
    closing: bool,
}

/// Why a frame was not queued.
#[derive(Debug)]
pub(crate) enum PushError {
    /// The session is closing or closed.
    Closed,
    /// The peer made us queue too many control frames without reading them.
    Overflow,
}

impl Outbox {
    /// Queues a frame. Control frames fail with `Overflow` past a generous bound.
    pub(crate) fn push(&self, frame: Frame) -> Result<(), PushError> {
        let mut inner = lock(&self.inner);
        if inner.closing {
            return Err(PushError::Closed);
        }
        if frame.header.ty != FrameType::Data {
            if inner.control >= MAX_QUEUED_CONTROL {
                return Err(PushError::Overflow);
            }
            inner.control += 1;
        }
        let was_empty = inner.frames.is_empty();
        inner.frames.push_back(frame);
        drop(inner);
        if was_empty {
            self.notify.notify_one();
        }
        Ok(())
    }

    /// Stops taking frames; the writer writes what is queued and then finishes.
    pub(crate) fn close(&self) {
        lock(&self.inner).closing = true;
        self.notify.notify_one();
    }

    /// Waits for frames and swaps them into `batch` (which must be empty). `false` when the
    /// outbox is closed and drained.
    async fn next_batch(&self, batch: &mut VecDeque<Frame>) -> bool {
        loop {
            let notified = self.notify.notified();
            {
                let mut inner = lock(&self.inner);
                if !inner.frames.is_empty() {
                    std::mem::swap(&mut inner.frames, batch);
                    inner.control = 0;
                    return true;
                }
                if inner.closing {
                    return false;
                }
            }
            notified.await;
        }
    }
}

/// One piece of a batch: a range of the coalescing buffer or a payload written in place.
enum Segment {
    Scratch(usize, usize),
    Body(Bytes),
}

/// Writes queued frames until the outbox is closed and drained, then shuts the connection
/// down for writing. A failed or stalled write closes the session.
pub(crate) async fn run<W: AsyncWrite + Unpin>(shared: Arc<Shared>, mut io: W) {
    let write_timeout = shared.config.write_timeout();
    let mut batch = VecDeque::new();
    let mut scratch: Vec<u8> = Vec::with_capacity(64 * 1024);
    let mut segments: Vec<Segment> = Vec::new();
    while shared.outbox.next_batch(&mut batch).await {
        scratch.clear();
        segments.clear();
        let mut start = 0;
        for frame in batch.drain(..) {
            scratch.extend_from_slice(&frame.header.encode());
            if frame.body.len() <= COALESCE_MAX {
                scratch.extend_from_slice(&frame.body);
            } else {
                segments.push(Segment::Scratch(start, scratch.len()));
                start = scratch.len();
                segments.push(Segment::Body(frame.body));
            }
        }
        if start < scratch.len() {
            segments.push(Segment::Scratch(start, scratch.len()));
        }
        let written = tokio::time::timeout(write_timeout, write_segments(&mut io, &scratch, &segments)).await;
        match written {
            Ok(Ok(())) => {}
            Ok(Err(error)) => {
                tracing::debug!(%error, "yamux: writing to the connection failed");
                shared.close(CloseReason::from_io(&error));
                break;
            }
            Err(_) => {
                tracing::warn!(timeout = ?write_timeout, "yamux: connection write made no progress; closing the session");
                shared.close(CloseReason::WriteTimeout);
                break;
            }
        }
    }
    // Graceful end: the peer sees EOF after everything we queued.
    let _ = tokio::time::timeout(write_timeout, io.shutdown()).await;
    shared.writer_finished();
}

async fn write_segments<W: AsyncWrite + Unpin>(
    io: &mut W,
    scratch: &[u8],
    segments: &[Segment],
) -> std::io::Result<()> {
    fn slice_of<'a>(scratch: &'a [u8], segment: &'a Segment) -> &'a [u8] {
        match segment {
            Segment::Scratch(from, to) => scratch.get(*from..*to).unwrap_or_default(),
            Segment::Body(body) => body,
        }
    }
    let mut index = 0;
    let mut offset = 0;
    let mut iovecs: Vec<IoSlice<'_>> = Vec::with_capacity(MAX_IOVECS.min(segments.len()));
    while index < segments.len() {
        iovecs.clear();
        for (i, segment) in segments[index..].iter().enumerate().take(MAX_IOVECS) {
            let bytes = slice_of(scratch, segment);
            let bytes = if i == 0 { bytes.get(offset..).unwrap_or_default() } else { bytes };
            if !bytes.is_empty() {
                iovecs.push(IoSlice::new(bytes));
            }
        }
        if iovecs.is_empty() {
            break;
        }
        let mut n = io.write_vectored(&iovecs).await?;
        if n == 0 {
            return Err(std::io::ErrorKind::WriteZero.into());
        }
        while n > 0 && index < segments.len() {
            let remaining = slice_of(scratch, &segments[index]).len() - offset;
            if n >= remaining {
                n -= remaining;
                index += 1;
                offset = 0;
            } else {
                offset += n;
                n = 0;
            }
        }
        // Skip empty segments so the loop ends.
        while index < segments.len() && slice_of(scratch, &segments[index]).len() == offset {
            index += 1;
            offset = 0;
        }
    }
    io.flush().await
}
