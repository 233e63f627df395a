//! Helpers shared by the integration tests.

use bytes::{Bytes, BytesMut};
use mm_gob::{Decode, Decoder, Limits, MessageQueue, Result, Value};

/// Splits a gob byte stream into its messages (without length prefixes).
pub(crate) fn messages(stream: &[u8]) -> Vec<Bytes> {
    let mut buf = BytesMut::from(stream);
    let mut q = MessageQueue::new();
    q.fill_from(&mut buf, &Limits::default()).expect("framing");
    assert!(buf.is_empty(), "stream ends inside a message");
    let mut out = Vec::new();
    let mut rest = stream;
    while !rest.is_empty() {
        let (header, len) = mm_gob::split_message(rest, &Limits::default()).unwrap().unwrap();
        out.push(Bytes::copy_from_slice(&rest[header..header + len]));
        rest = &rest[header + len..];
    }
    assert_eq!(out.len(), q.len());
    out
}

/// A queue holding every message of `stream`.
pub(crate) fn queue(stream: &[u8]) -> MessageQueue {
    let mut q = MessageQueue::new();
    for m in messages(stream) {
        q.push(m);
    }
    q
}

/// Decodes every value of a stream as [`Value`], all messages queued at once.
pub(crate) fn decode_all_values(stream: &[u8]) -> Result<Vec<Value>> {
    let mut q = queue(stream);
    let mut dec = Decoder::new(Limits::default());
    let mut out = Vec::new();
    while !q.is_empty() {
        out.push(dec.decode_value(&mut q)?);
    }
    Ok(out)
}

/// Decodes every value of a stream as `T` where it decodes, skipping others.
pub(crate) fn decode_stream<T: Decode>(stream: &[u8]) -> Vec<T> {
    let mut q = queue(stream);
    let mut dec = Decoder::new(Limits::default());
    let mut out = Vec::new();
    while !q.is_empty() {
        if let Ok(v) = dec.decode::<T>(&mut q) {
            out.push(v);
        }
    }
    out
}

/// Decodes every value of a stream as [`Value`], pushing one message at a time and retrying
/// after each `Incomplete`; returns the values and the number of `Incomplete` answers.
pub(crate) fn decode_incrementally(stream: &[u8]) -> Result<(Vec<Value>, usize)> {
    let mut dec = Decoder::new(Limits::default());
    let mut q = MessageQueue::new();
    let mut values = Vec::new();
    let mut incomplete = 0;
    let mut pending = messages(stream).into_iter();
    loop {
        match dec.decode_value(&mut q) {
            Ok(v) => values.push(v),
            Err(e) if e.is_incomplete() => {
                incomplete += 1;
                match pending.next() {
                    Some(m) => q.push(m),
                    None => {
                        assert!(q.is_empty(), "messages left over at the end of the stream");
                        return Ok((values, incomplete));
                    }
                }
            }
            Err(e) => return Err(e),
        }
    }
}

/// The number of values in `stream` that continue past the message they start in.
pub(crate) fn split_values(stream: &[u8]) -> usize {
    let msgs = messages(stream);
    let mut dec = Decoder::new(Limits::default());
    let mut q = MessageQueue::new();
    let mut splits = 0;
    let mut attempts_since_value = 0;
    for m in msgs {
        // A value message starts with a non-negative type id: an int whose uint is even.
        let starts_value = leading_uint(&m).is_some_and(|u| u & 1 == 0);
        q.push(m);
        match dec.decode_value(&mut q) {
            Ok(_) => {
                if attempts_since_value > 0 {
                    splits += 1;
                }
                attempts_since_value = 0;
            }
            Err(e) if e.is_incomplete() => {
                if starts_value || attempts_since_value > 0 {
                    attempts_since_value += 1;
                }
            }
            Err(e) => panic!("{e}"),
        }
    }
    splits
}

/// The uint at the start of a message.
fn leading_uint(m: &[u8]) -> Option<u64> {
    let first = *m.first()?;
    if first < 0x80 {
        return Some(u64::from(first));
    }
    let len = usize::from(first.wrapping_neg());
    let bytes = m.get(1..1 + len)?;
    Some(bytes.iter().fold(0, |acc, b| (acc << 8) | u64::from(*b)))
}
