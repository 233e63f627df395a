//! Arbitrary bytes, split into gob messages, decoded as schema-less `Value`s and as a nested
//! typed struct. The decoder must answer (value or error), never panic, and every value it
//! accepts must re-encode, decode again and re-encode to the same bytes.
#![no_main]

use std::collections::HashMap;

use bytes::{Bytes, BytesMut};
use libfuzzer_sys::fuzz_target;
use mm_gob::{Decoder, Encoder, Interface, Limits, MessageQueue, Value};

mm_gob::gob_struct! {
    #[derive(Debug, Default)]
    struct Leaf = "Leaf" {
        n: i32 = "N",
        s: String = "S",
        b: Vec<u8> = "B",
        f: f32 = "F",
        any: Option<Interface> = "Any",
    }
}

mm_gob::gob_struct! {
    #[derive(Debug, Default)]
    struct Tree = "Tree" {
        name: String = "Name",
        leaves: Vec<Leaf> = "Leaves",
        children: Vec<Tree> = "Children",
        props: HashMap<String, Option<Interface>> = "Props",
        index: HashMap<i64, Vec<u16>> = "Index",
        best: Option<Box<Leaf>> = "Best",
    }
}

fn limits() -> Limits {
    Limits { max_message_len: 1 << 20, max_depth: 48, max_types: 256 }
}

/// The first byte of each chunk is its length; the rest of the input is the last chunk.
fn chunks(mut data: &[u8]) -> Vec<Bytes> {
    let mut out = Vec::new();
    while let Some((&len, rest)) = data.split_first() {
        let len = usize::from(len).min(rest.len());
        out.push(Bytes::copy_from_slice(&rest[..len]));
        data = &rest[len..];
    }
    out
}

fn reencode(value: &Value) -> Vec<u8> {
    let mut out = Vec::new();
    Encoder::new().with_max_depth(limits().max_depth).encode(value, &mut out).expect("a decoded value re-encodes");
    out
}

fn check_round_trip(value: &Value) {
    let first = reencode(value);
    let mut q = MessageQueue::new();
    q.fill_from(&mut BytesMut::from(&first[..]), &limits()).expect("framing our own output");
    let again = Decoder::new(limits()).decode_value(&mut q).expect("our own output decodes");
    assert!(q.is_empty());
    assert_eq!(reencode(&again), first, "re-encoding is not stable");
}

fuzz_target!(|data: &[u8]| {
    let Some((&mode, data)) = data.split_first() else { return };
    let messages = if mode & 1 == 0 {
        chunks(data)
    } else {
        // The input as a byte stream, framed by gob's own length prefixes.
        let mut out = Vec::new();
        let mut rest = data;
        while let Ok(Some((header, len))) = mm_gob::split_message(rest, &limits()) {
            if rest.len() < header + len {
                break;
            }
            out.push(Bytes::copy_from_slice(&rest[header..header + len]));
            rest = &rest[header + len..];
        }
        out
    };

    // Schema-less, messages arriving one at a time.
    let mut dec = Decoder::new(limits());
    let mut q = MessageQueue::new();
    let mut values = Vec::new();
    'messages: for m in messages.iter().cloned() {
        q.push(m);
        loop {
            match dec.decode_value(&mut q) {
                Ok(v) => values.push(v),
                Err(e) if e.is_incomplete() => break,
                Err(_) => break 'messages,
            }
            if q.is_empty() {
                break;
            }
        }
    }
    for v in &values {
        check_round_trip(v);
    }

    // Typed, all messages at once.
    let mut dec = Decoder::new(limits());
    let mut q = MessageQueue::new();
    for m in messages {
        q.push(m);
    }
    while !q.is_empty() {
        if dec.decode::<Tree>(&mut q).is_err() {
            break;
        }
    }
});
