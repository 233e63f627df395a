//! Mattermost's remote `io.Reader` over a broker stream (`plugin/io_rpc.go`): how request
//! bodies, uploads and plugin bundles cross between server and plugin.
//!
//! The reading side sends how many bytes it wants as a signed varint (Go's
//! `binary.PutVarint`: 65536 is `80 80 08`) and reads whatever arrives; the serving side reads
//! varints in a loop, copies up to that many bytes of its source into the stream for each, and
//! closes the stream when the source runs dry. There is no other framing: the end of the data
//! is the end of the stream.

use std::io;
use std::pin::Pin;
use std::task::{Context, Poll, ready};

use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, ReadBuf};

/// How many bytes [`RemoteReader`] asks for at a time by default. The peer's copying is bounded
/// by the 256 KiB stream window, so a large request costs no memory; it only saves round trips.
pub const DEFAULT_REQUEST: usize = 1024 * 1024;

/// Copy buffer of [`serve_reader`].
const COPY_BUF: usize = 64 * 1024;

/// The longest varint Go writes (`binary.MaxVarintLen64`).
const MAX_VARINT_LEN: usize = 10;

/// Appends `value` as Go's `binary.PutVarint` (zig-zag, then 7 bits per byte).
pub fn put_varint(value: i64, out: &mut Vec<u8>) {
    let mut zigzag = ((value << 1) ^ (value >> 63)) as u64;
    while zigzag >= 0x80 {
        out.push(zigzag as u8 | 0x80);
        zigzag >>= 7;
    }
    out.push(zigzag as u8);
}

/// Decodes Go's varint from the start of `buf`: `Ok(Some((value, length)))`, `Ok(None)` if
/// more bytes are needed, an error if it overflows 64 bits.
pub fn parse_varint(buf: &[u8]) -> io::Result<Option<(i64, usize)>> {
    let mut value: u64 = 0;
    for (i, &byte) in buf.iter().enumerate().take(MAX_VARINT_LEN) {
        if i == MAX_VARINT_LEN - 1 && byte > 1 {
            return Err(overflow());
        }
        value |= u64::from(byte & 0x7f) << (7 * i);
        if byte < 0x80 {
            let signed = (value >> 1) as i64 ^ -((value & 1) as i64);
            return Ok(Some((signed, i + 1)));
        }
    }
    if buf.len() >= MAX_VARINT_LEN {
        return Err(overflow());
    }
    Ok(None)
}

fn overflow() -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, "varint overflows a 64-bit integer")
}

/// The reading side: an `AsyncRead` over a stream served by the peer's remote reader.
///
/// It asks for [`DEFAULT_REQUEST`] bytes at a time and asks for the next chunk while half of
/// the current one is still in flight, so the serving side never waits for a request; memory
/// stays bounded by the stream window. Reads return EOF when the peer closes the stream.
///
/// ```
/// use mm_netrpc::stream_io::{RemoteReader, serve_reader};
/// use tokio::io::AsyncReadExt;
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> std::io::Result<()> {
/// let (reading, serving) = tokio::io::duplex(64 * 1024);
/// tokio::spawn(serve_reader(serving, &b"request body"[..]));
/// let mut body = String::new();
/// RemoteReader::new(reading).read_to_string(&mut body).await?;
/// assert_eq!(body, "request body");
/// # Ok(())
/// # }
/// ```
#[derive(Debug)]
pub struct RemoteReader<S> {
    stream: S,
    request: usize,
    /// Bytes requested and not received yet.
    outstanding: u64,
    /// A request being written: its bytes and how many are written.
    sending: Vec<u8>,
    sent: usize,
    /// The peer no longer takes requests (it closed or reset the stream).
    requests_closed: bool,
}

impl<S> RemoteReader<S> {
    /// Reads `stream` with the default request size.
    pub fn new(stream: S) -> Self {
        RemoteReader::with_request_size(stream, DEFAULT_REQUEST)
    }

    /// Reads `stream`, asking for `request` bytes at a time (at least 1).
    pub fn with_request_size(stream: S, request: usize) -> Self {
        RemoteReader {
            stream,
            request: request.clamp(1, i64::MAX as usize),
            outstanding: 0,
            sending: Vec::with_capacity(MAX_VARINT_LEN),
            sent: 0,
            requests_closed: false,
        }
    }

    /// The underlying stream.
    pub fn into_inner(self) -> S {
        self.stream
    }
}

impl<S: AsyncRead + AsyncWrite + Unpin> RemoteReader<S> {
    /// Writes the pending request, if any; `Pending` only while the stream cannot take it.
    fn poll_send_request(&mut self, cx: &mut Context<'_>) -> Poll<()> {
        while self.sent < self.sending.len() {
            match Pin::new(&mut self.stream).poll_write(cx, &self.sending[self.sent..]) {
                Poll::Ready(Ok(n)) if n > 0 => self.sent += n,
                Poll::Ready(_) => {
                    // The peer is gone for requests; what it already sent can still be read.
                    self.requests_closed = true;
                    self.sending.clear();
                    self.sent = 0;
                    return Poll::Ready(());
                }
                Poll::Pending => return Poll::Pending,
            }
        }
        self.sending.clear();
        self.sent = 0;
        Poll::Ready(())
    }
}

impl<S: AsyncRead + AsyncWrite + Unpin> AsyncRead for RemoteReader<S> {
    fn poll_read(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        let low_water = (this.request / 2) as u64;
        if !this.requests_closed && this.sending.is_empty() && this.outstanding <= low_water {
            put_varint(this.request as i64, &mut this.sending);
            this.outstanding += this.request as u64;
        }
        if !this.sending.is_empty() {
            // A request that cannot be written yet must not block reading what arrived.
            let _ = this.poll_send_request(cx);
        }
        let before = buf.filled().len();
        ready!(Pin::new(&mut this.stream).poll_read(cx, buf))?;
        let n = (buf.filled().len() - before) as u64;
        this.outstanding = this.outstanding.saturating_sub(n);
        Poll::Ready(Ok(()))
    }
}

/// The serving side: answers the peer's requests from `source` until it runs dry, then closes
/// the stream (the reader sees EOF). Returns the number of bytes served.
///
/// A request for `n` bytes gets `n` bytes, or fewer only at the end of the source (then the
/// stream is closed, as Go's `serveIOReader` does). Requests of 0 or less are ignored. Memory
/// stays at one 64 KiB buffer whatever the requests ask for.
pub async fn serve_reader<S, R>(mut stream: S, mut source: R) -> io::Result<u64>
where
    S: AsyncRead + AsyncWrite + Unpin,
    R: AsyncRead + Unpin,
{
    let mut buf = vec![0u8; COPY_BUF];
    let mut varint = Vec::with_capacity(MAX_VARINT_LEN);
    let mut total = 0u64;
    let result = loop {
        // One request: read varint bytes one at a time (requests are rare and tiny).
        varint.clear();
        let request = loop {
            let byte = match stream.read_u8().await {
                Ok(byte) => byte,
                Err(_) => break None,
            };
            varint.push(byte);
            match parse_varint(&varint) {
                Ok(Some((value, _))) => break Some(value),
                Ok(None) => {}
                Err(_) => break None,
            }
        };
        // The peer closed, reset or sent garbage: it wants nothing more.
        let Some(request) = request else { break Ok(total) };
        if request <= 0 {
            continue;
        }
        let mut left = request as u64;
        while left > 0 {
            let want = left.min(buf.len() as u64) as usize;
            let n = match source.read(&mut buf[..want]).await {
                Ok(n) => n,
                Err(error) => {
                    let _ = stream.shutdown().await;
                    return Err(error);
                }
            };
            if n == 0 {
                break;
            }
            if let Err(error) = stream.write_all(&buf[..n]).await {
                // The reader went away; nothing more to serve.
                tracing::debug!(%error, "remote reader: the reading side closed");
                return Ok(total);
            }
            left -= n as u64;
            total += n as u64;
        }
        if left > 0 {
            break Ok(total);
        }
    };
    let _ = stream.shutdown().await;
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn varints_match_go() {
        let cases: [(i64, &[u8]); 6] = [
            (65536, &[0x80, 0x80, 0x08]),
            (0, &[0x00]),
            (-1, &[0x01]),
            (1, &[0x02]),
            (32 * 1024, &[0x80, 0x80, 0x04]),
            (i64::MIN, &[0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]),
        ];
        for (value, bytes) in cases {
            let mut out = Vec::new();
            put_varint(value, &mut out);
            assert_eq!(out, bytes, "{value}");
            assert_eq!(parse_varint(bytes).unwrap(), Some((value, bytes.len())));
            assert_eq!(parse_varint(&bytes[..bytes.len() - 1]).unwrap(), None);
        }
    }

    #[test]
    fn overlong_varints_are_errors() {
        assert!(parse_varint(&[0xff; 10]).is_err());
        assert!(parse_varint(&[0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02]).is_err());
    }

    #[test]
    fn every_value_round_trips() {
        for value in [i64::MAX, i64::MIN + 1, 127, 128, -64, -65, 1 << 40] {
            let mut out = Vec::new();
            put_varint(value, &mut out);
            assert_eq!(parse_varint(&out).unwrap(), Some((value, out.len())));
        }
    }
}
