//! gob's framing: a stream is a sequence of messages, each `uint(byteCount)` then the bytes.
//!
//! This crate does no I/O. A reader finds message boundaries with [`split_message`] (or
//! [`MessageQueue::fill_from`]), pushes each complete message into a [`MessageQueue`], and
//! hands the queue to a [`Decoder`](crate::Decoder).

use std::collections::VecDeque;

use bytes::{Buf, Bytes, BytesMut};

use crate::decode::Limits;
use crate::error::{Error, ErrorKind, Result};
use crate::wire;

/// Finds the first message in `buf`, the start of a gob byte stream.
///
/// Returns `Ok(None)` while the length prefix itself is incomplete, otherwise the length of the
/// prefix and the length of the message that follows it (which may not be in `buf` yet). A
/// length above [`Limits::max_message_len`] or an empty message is an error, reported before
/// anything is allocated.
pub fn split_message(buf: &[u8], limits: &Limits) -> Result<Option<(usize, usize)>> {
    let Some((len, header)) = wire::peek_uint(buf)? else {
        return Ok(None);
    };
    if len == 0 {
        return Err(Error::corrupt("empty gob message"));
    }
    let len = usize::try_from(len).unwrap_or(usize::MAX);
    if len > limits.max_message_len {
        return Err(Error::new(
            ErrorKind::LimitExceeded,
            format!("message of {len} bytes exceeds the limit of {} bytes", limits.max_message_len),
        ));
    }
    Ok(Some((header, len)))
}

/// Complete gob messages received so far (each: the bytes after its length prefix), consumed
/// in order by a [`Decoder`](crate::Decoder).
///
/// A decode that needs a message that has not arrived yet fails with
/// [`ErrorKind::Incomplete`] and leaves the queue as it was.
#[derive(Debug, Default, Clone)]
pub struct MessageQueue {
    messages: VecDeque<Bytes>,
}

impl MessageQueue {
    /// An empty queue.
    pub fn new() -> Self {
        MessageQueue::default()
    }

    /// Appends one message (without its length prefix).
    pub fn push(&mut self, message: Bytes) {
        self.messages.push_back(message);
    }

    /// Whether no message is queued.
    pub fn is_empty(&self) -> bool {
        self.messages.is_empty()
    }

    /// The number of queued messages.
    pub fn len(&self) -> usize {
        self.messages.len()
    }

    /// The total size of the queued messages in bytes.
    pub fn byte_len(&self) -> usize {
        self.messages.iter().map(Bytes::len).sum()
    }

    /// Drops every queued message.
    pub fn clear(&mut self) {
        self.messages.clear();
    }

    /// Moves every complete message at the start of `buf` into the queue and returns how many
    /// were moved; an incomplete message stays in `buf`.
    pub fn fill_from(&mut self, buf: &mut BytesMut, limits: &Limits) -> Result<usize> {
        let mut moved = 0;
        while let Some((header, len)) = split_message(buf, limits)? {
            if buf.len() - header < len {
                break;
            }
            buf.advance(header);
            self.push(buf.split_to(len).freeze());
            moved += 1;
        }
        Ok(moved)
    }

    pub(crate) fn take(&mut self) -> VecDeque<Bytes> {
        std::mem::take(&mut self.messages)
    }

    pub(crate) fn restore(&mut self, messages: VecDeque<Bytes>) {
        self.messages = messages;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn split_reports_incomplete_headers_and_limits() {
        let limits = Limits { max_message_len: 1000, ..Limits::default() };
        assert_eq!(split_message(&[], &limits).unwrap(), None);
        assert_eq!(split_message(&[0x2e, 0x7f], &limits).unwrap(), Some((1, 46)));
        assert_eq!(split_message(&[0xfe, 0x01], &limits).unwrap(), None);
        assert_eq!(split_message(&[0xfe, 0x01, 0x65], &limits).unwrap(), Some((3, 357)));
        let err = split_message(&[0xfe, 0x10, 0x00], &limits).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::LimitExceeded);
        let err =
            split_message(&[0xf8, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff], &limits).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::LimitExceeded);
        assert_eq!(split_message(&[0x00], &limits).unwrap_err().kind(), ErrorKind::Corrupt);
        assert_eq!(split_message(&[0xf0], &limits).unwrap_err().kind(), ErrorKind::Corrupt);
    }

    #[test]
    fn fill_from_moves_complete_messages_only() {
        let mut buf = BytesMut::from(&[0x02, 0xaa, 0xbb, 0x01, 0xcc, 0x03, 0xdd][..]);
        let mut q = MessageQueue::new();
        assert_eq!(q.fill_from(&mut buf, &Limits::default()).unwrap(), 2);
        assert_eq!(q.len(), 2);
        assert_eq!(q.byte_len(), 3);
        assert_eq!(&buf[..], &[0x03, 0xdd]);
        buf.extend_from_slice(&[0xee, 0xff]);
        assert_eq!(q.fill_from(&mut buf, &Limits::default()).unwrap(), 1);
        assert!(buf.is_empty());
    }
}
