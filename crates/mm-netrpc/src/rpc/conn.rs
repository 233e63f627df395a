//! The two directions of a net/rpc connection: gob messages framed off the byte stream into the
//! connection's decoder, and encoded messages written in order by one writer task.

use std::io;
use std::sync::Mutex;

use bytes::{Bytes, BytesMut};
use mm_gob::{Decoder, Encode, Encoder, Limits, MessageQueue, split_message};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::sync::{mpsc, oneshot};

use crate::yamux::lock;

/// Reads beyond this are not reserved up front, however long a message claims to be.
const MAX_RESERVE: usize = 1024 * 1024;
/// Messages are batched into one write up to this size.
const BATCH: usize = 64 * 1024;

/// Why reading the connection stopped.
#[derive(Debug)]
pub(crate) enum ReadError {
    /// The peer closed the stream at a message boundary.
    Eof,
    /// The peer closed the stream in the middle of a message.
    Truncated,
    /// Reading failed.
    Io(io::Error),
    /// A message length that is corrupt or beyond the limits.
    Framing(mm_gob::Error),
}

impl std::fmt::Display for ReadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ReadError::Eof => f.write_str("the peer closed the connection"),
            ReadError::Truncated => f.write_str("the peer closed the connection in the middle of a message"),
            ReadError::Io(e) => write!(f, "reading the connection failed: {e}"),
            ReadError::Framing(e) => write!(f, "bad message framing: {e}"),
        }
    }
}

/// The receiving direction: bytes off the stream, complete messages in the queue, and the
/// decoder holding the types the peer defined.
pub(crate) struct Inbound<R> {
    io: R,
    buf: BytesMut,
    pub(crate) queue: MessageQueue,
    pub(crate) decoder: Decoder,
    limits: Limits,
}

impl<R: AsyncRead + Unpin> Inbound<R> {
    pub(crate) fn new(io: R, limits: Limits) -> Self {
        Inbound {
            io,
            buf: BytesMut::with_capacity(16 * 1024),
            queue: MessageQueue::new(),
            decoder: Decoder::new(limits.clone()),
            limits,
        }
    }

    /// Reads until at least one more complete message is queued.
    pub(crate) async fn read_message(&mut self) -> Result<(), ReadError> {
        loop {
            if self.queue.fill_from(&mut self.buf, &self.limits).map_err(ReadError::Framing)? > 0 {
                return Ok(());
            }
            let wanted = match split_message(&self.buf, &self.limits).map_err(ReadError::Framing)? {
                Some((header, len)) => (header + len).saturating_sub(self.buf.len()),
                None => 16,
            };
            self.buf.reserve(wanted.clamp(16 * 1024, MAX_RESERVE));
            let n = self.io.read_buf(&mut self.buf).await.map_err(ReadError::Io)?;
            if n == 0 {
                return Err(if self.buf.is_empty() { ReadError::Eof } else { ReadError::Truncated });
            }
        }
    }

    /// Runs a decoding step, reading one more message each time it needs one.
    pub(crate) async fn decode<T>(
        &mut self,
        mut step: impl FnMut(&mut Decoder, &mut MessageQueue) -> mm_gob::Result<T>,
    ) -> Result<mm_gob::Result<T>, ReadError> {
        loop {
            if !self.queue.is_empty() {
                match step(&mut self.decoder, &mut self.queue) {
                    Err(e) if e.is_incomplete() => {}
                    other => return Ok(other),
                }
            }
            self.read_message().await?;
        }
    }

    /// Reads a value that must follow (a body after its header): EOF here is truncation.
    pub(crate) async fn decode_following<T>(
        &mut self,
        step: impl FnMut(&mut Decoder, &mut MessageQueue) -> mm_gob::Result<T>,
    ) -> Result<mm_gob::Result<T>, ReadError> {
        self.decode(step).await.map_err(|e| match e {
            ReadError::Eof => ReadError::Truncated,
            other => other,
        })
    }
}

/// Whether the decoder can go on after this error: Go-compatible streams stay aligned when a
/// value merely does not fit its Rust type; corrupt data or exceeded limits leave it unknown.
pub(crate) fn stream_usable(error: &mm_gob::Error) -> bool {
    use mm_gob::ErrorKind as K;
    matches!(error.kind(), K::TypeMismatch | K::OutOfRange | K::InvalidUtf8)
}

/// Why a message was not sent.
#[derive(Debug)]
pub(crate) enum SendError {
    /// The body does not encode; nothing was sent and the connection is fine.
    Body(mm_gob::Error),
    /// The header does not encode after the body did: the encoder state is ahead of the stream.
    Broken(mm_gob::Error),
    /// The writer is gone (the connection failed or closed).
    Closed,
}

/// An encoded message and who wants to know when it was written.
type Outgoing = (Bytes, Option<oneshot::Sender<()>>);

/// The sending direction: the encoder, and a queue to the writer task, so that the order of
/// encoding (which decides where type definitions go) is the order on the wire, and a caller
/// that gives up mid-way cannot leave half a message behind.
pub(crate) struct Outbound {
    state: Mutex<EncodeState>,
}

struct EncodeState {
    encoder: Encoder,
    body: Vec<u8>,
    tx: Option<mpsc::UnboundedSender<Outgoing>>,
}

impl Outbound {
    /// Starts the writer task on `io`; it ends (and shuts `io` down) once this is dropped and
    /// everything queued is written, or when a write fails.
    pub(crate) fn spawn<W>(io: W, on_error: impl FnOnce(io::Error) + Send + 'static) -> Outbound
    where
        W: AsyncWrite + Send + Unpin + 'static,
    {
        let (tx, rx) = mpsc::unbounded_channel();
        tokio::spawn(write_loop(io, rx, on_error));
        Outbound {
            state: Mutex::new(EncodeState { encoder: Encoder::new(), body: Vec::new(), tx: Some(tx) }),
        }
    }

    /// Encodes `header` and `body` as one message pair and queues them. The body is encoded
    /// first, so a body that does not encode leaves the stream and the encoder untouched.
    pub(crate) fn send(
        &self,
        header: &dyn Encode,
        body: &dyn Encode,
        written: Option<oneshot::Sender<()>>,
    ) -> Result<(), SendError> {
        let mut state = lock(&self.state);
        let state = &mut *state;
        if state.tx.as_ref().is_none_or(|tx| tx.is_closed()) {
            return Err(SendError::Closed);
        }
        state.body.clear();
        state.encoder.encode(body, &mut state.body).map_err(SendError::Body)?;
        let mut message = Vec::with_capacity(64 + state.body.len());
        if let Err(error) = state.encoder.encode(header, &mut message) {
            state.tx = None;
            return Err(SendError::Broken(error));
        }
        message.extend_from_slice(&state.body);
        if state.body.capacity() > 1024 * 1024 {
            state.body = Vec::new();
        }
        let sent = state.tx.as_ref().is_some_and(|tx| tx.send((Bytes::from(message), written)).is_ok());
        if sent { Ok(()) } else { Err(SendError::Closed) }
    }

    /// Stops taking messages; the writer finishes what is queued and shuts the stream down.
    pub(crate) fn close(&self) {
        lock(&self.state).tx = None;
    }
}

async fn write_loop<W: AsyncWrite + Unpin>(
    mut io: W,
    mut rx: mpsc::UnboundedReceiver<Outgoing>,
    on_error: impl FnOnce(io::Error),
) {
    let mut batch = BytesMut::new();
    let mut notify = Vec::new();
    while let Some((first, done)) = rx.recv().await {
        notify.extend(done);
        let result = if first.len() >= BATCH {
            io.write_all(&first).await
        } else {
            batch.clear();
            batch.extend_from_slice(&first);
            while batch.len() < BATCH {
                match rx.try_recv() {
                    Ok((next, done)) => {
                        batch.extend_from_slice(&next);
                        notify.extend(done);
                    }
                    Err(_) => break,
                }
            }
            io.write_all(&batch).await
        };
        let result = match result {
            Ok(()) => io.flush().await,
            Err(e) => Err(e),
        };
        if let Err(error) = result {
            on_error(error);
            return;
        }
        for done in notify.drain(..) {
            let _ = done.send(());
        }
    }
    let _ = io.shutdown().await;
}
