//! The one task that reads frames from the connection and dispatches them to streams.

use std::io;
use std::sync::Arc;

use bytes::{Buf, Bytes, BytesMut};
use tokio::io::{AsyncRead, AsyncReadExt};

use super::CloseReason;
use super::frame::{
    Flags, Frame, FrameType, GO_AWAY_INTERNAL_ERROR, GO_AWAY_NORMAL, GO_AWAY_PROTOCOL_ERROR, HEADER_LEN,
    Header,
};
use super::session::Shared;

/// Payloads up to this size are copied out of the read buffer, so the buffer can be reused;
/// larger ones are split off without copying.
const COPY_MAX: usize = 4 * 1024;
/// Free space we keep in the read buffer before each read: a full window plus headers.
const READ_RESERVE: usize = 320 * 1024;
/// Below this much free space the buffer is grown before reading.
const MIN_SPARE: usize = 16 * 1024;

/// Reads frames until the connection ends, the peer breaks the protocol, or the session is
/// closed by someone else.
pub(crate) async fn run<R: AsyncRead + Unpin>(shared: Arc<Shared>, io: R) {
    let mut frames = FrameReader { io, buf: BytesMut::with_capacity(READ_RESERVE) };
    tokio::select! {
        outcome = read_loop(&shared, &mut frames) => match outcome {
            End::Closed(reason) => shared.close(reason),
            End::Protocol(message) => shared.protocol_error(message),
        },
        _ = shared.wait_closed() => {}
    }
}

enum End {
    Closed(CloseReason),
    Protocol(String),
}

impl From<io::Error> for End {
    fn from(error: io::Error) -> Self {
        End::Closed(CloseReason::from_io(&error))
    }
}

async fn read_loop<R: AsyncRead + Unpin>(shared: &Shared, frames: &mut FrameReader<R>) -> End {
    loop {
        match read_frame(shared, frames).await {
            Ok(true) => {}
            Ok(false) => return End::Closed(CloseReason::RemoteClosed),
            Err(end) => return end,
        }
    }
}

/// Reads and handles one frame; `Ok(false)` at a clean end of the connection.
async fn read_frame<R: AsyncRead + Unpin>(shared: &Shared, frames: &mut FrameReader<R>) -> Result<bool, End> {
    let Some(raw) = frames.header().await? else { return Ok(false) };
    let header = Header::decode(&raw).map_err(|e| End::Protocol(e.to_string()))?;
    match header.ty {
        FrameType::Data | FrameType::WindowUpdate => stream_frame(shared, frames, header).await?,
        FrameType::Ping => {
            if header.flags.contains(Flags::SYN) {
                shared.send(Frame::control(FrameType::Ping, Flags::ACK, 0, header.length));
            } else {
                shared.ping_answered(header.length);
            }
        }
        FrameType::GoAway => match header.length {
            GO_AWAY_NORMAL => shared.remote_go_away(),
            code => {
                let what = match code {
                    GO_AWAY_PROTOCOL_ERROR => "protocol error",
                    GO_AWAY_INTERNAL_ERROR => "internal error",
                    _ => "unknown reason",
                };
                tracing::error!(code, "yamux: the peer sent GO_AWAY ({what})");
                return Err(End::Closed(CloseReason::RemoteGoAway(code)));
            }
        },
    }
    Ok(true)
}

async fn stream_frame<R: AsyncRead + Unpin>(
    shared: &Shared,
    frames: &mut FrameReader<R>,
    header: Header,
) -> Result<(), End> {
    let id = header.stream_id;
    if header.flags.contains(Flags::SYN) {
        shared.incoming(id).map_err(End::Protocol)?;
    }
    let Some(stream) = shared.lookup(id) else {
        // A stream we reset or never had: drop its data, as Go does.
        if header.ty == FrameType::Data && header.length > 0 {
            tracing::trace!(stream = id, len = header.length, "yamux: discarding data for a missing stream");
            frames.discard(header.length as usize).await?;
        }
        return Ok(());
    };
    let effects = if header.ty == FrameType::Data {
        let data = if header.length > 0 {
            stream.window_allows(header.length).map_err(End::Protocol)?;
            Some(frames.payload(header.length as usize).await?)
        } else {
            None
        };
        stream.on_frame(header.flags, data, 0)
    } else {
        stream.on_frame(header.flags, None, header.length)
    }
    .map_err(End::Protocol)?;
    if let Some(frame) = effects.send {
        shared.send(frame);
    }
    if effects.remove {
        shared.remove_stream(id);
    }
    Ok(())
}

/// Buffered frame reading over the connection's read half.
struct FrameReader<R> {
    io: R,
    buf: BytesMut,
}

impl<R: AsyncRead + Unpin> FrameReader<R> {
    async fn read_more(&mut self) -> io::Result<usize> {
        if self.buf.capacity() - self.buf.len() < MIN_SPARE {
            self.buf.reserve(READ_RESERVE);
        }
        self.io.read_buf(&mut self.buf).await
    }

    /// The next 12 header bytes; `None` at EOF between frames.
    async fn header(&mut self) -> io::Result<Option<[u8; HEADER_LEN]>> {
        while self.buf.len() < HEADER_LEN {
            if self.read_more().await? == 0 {
                if self.buf.is_empty() {
                    return Ok(None);
                }
                return Err(truncated());
            }
        }
        let mut raw = [0u8; HEADER_LEN];
        self.buf.copy_to_slice(&mut raw);
        Ok(Some(raw))
    }

    /// A DATA payload of `len` bytes (at most a window, checked by the caller).
    async fn payload(&mut self, len: usize) -> io::Result<Bytes> {
        if self.buf.len() < len {
            self.buf.reserve(len - self.buf.len());
            while self.buf.len() < len {
                if self.read_more().await? == 0 {
                    return Err(truncated());
                }
            }
        }
        if len <= COPY_MAX {
            let data = Bytes::copy_from_slice(&self.buf[..len]);
            self.buf.advance(len);
            Ok(data)
        } else {
            Ok(self.buf.split_to(len).freeze())
        }
    }

    /// Skips `len` payload bytes without keeping them.
    async fn discard(&mut self, mut len: usize) -> io::Result<()> {
        loop {
            let n = len.min(self.buf.len());
            self.buf.advance(n);
            len -= n;
            if len == 0 {
                return Ok(());
            }
            if self.read_more().await? == 0 {
                return Err(truncated());
            }
        }
    }
}

fn truncated() -> io::Error {
    io::Error::new(io::ErrorKind::UnexpectedEof, "the connection ended in the middle of a yamux frame")
}
