//! Decoding: the [`Decoder`] of one stream direction, the [`Decode`] trait, and the readers a
//! `Decode` implementation walks a value with.
//!
//! A decode call reads the type definitions that precede a value, then the value. When the
//! value continues in a message that is not in the [`MessageQueue`] yet (Go defines types
//! inside interface values and splits the value there), the call fails with
//! [`ErrorKind::Incomplete`] and leaves the decoder and the queue exactly as before: push the
//! next message and call again.
//!
//! When a value does not decode into the requested type (a type mismatch, a number out of
//! range), the decoder still consumes that value so the stream stays usable, and returns the
//! error. Corrupt data leaves the stream in an unknown state: close it.

mod reader;
mod state;

pub use reader::{MAX_RESERVE, MapReader, SliceReader, StructReader, ValueReader};

use crate::error::{Error, ErrorKind, PathSegment, Result};
use crate::message::MessageQueue;
use crate::value::Value;
use state::{State, Tables};

/// Bounds the decoder enforces on input from the peer.
///
/// Each element of a collection takes at least one byte on the wire, so collection sizes are
/// bounded by the message length; memory is bounded by the received bytes times a small factor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Limits {
    /// The longest message accepted, in bytes. Default: 1 GiB, Go's own limit (`tooBig`) on
    /// 64-bit platforms.
    pub max_message_len: usize,
    /// The deepest nesting of values (struct in slice in map in interface...). Default: 100.
    /// Decoding recurses once per level.
    pub max_depth: usize,
    /// The most type definitions one stream may carry. Default: 10 000 (a Mattermost `Post`
    /// drags in about 25).
    pub max_types: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits { max_message_len: 1 << 30, max_depth: 100, max_types: 10_000 }
    }
}

/// Types that can be decoded from a gob value.
///
/// Implementations read the value through the [`ValueReader`] they are given, which knows the
/// value's wire type. Struct types use [`ValueReader::struct_fields`] with their Go field names;
/// [`gob_struct!`](crate::gob_struct) and [`gob_impl!`](crate::gob_impl) write the
/// implementation for you.
pub trait Decode: Sized {
    /// Decodes a new value.
    fn decode(r: &mut ValueReader<'_>) -> Result<Self>;

    /// Decodes into an existing value with Go's merge semantics: struct fields absent on the
    /// wire keep their values, maps gain or replace entries but lose none. The default replaces
    /// the whole value, which is what Go does for scalars, strings and slices.
    fn decode_into(&mut self, r: &mut ValueReader<'_>) -> Result<()> {
        *self = Self::decode(r)?;
        Ok(())
    }

    /// How an `Option<Self>` (Go's `*T`) decodes: a value on the wire is always `Some`. Only
    /// types with a nil form on the wire (interfaces) override this.
    fn decode_option(r: &mut ValueReader<'_>) -> Result<Option<Self>> {
        Self::decode(r).map(Some)
    }

    /// How an `Option<Self>` decodes into an existing one: Go reuses an existing pointee and
    /// merges into it. Interfaces override this (Go replaces interface values).
    fn decode_option_into(target: &mut Option<Self>, r: &mut ValueReader<'_>) -> Result<()> {
        match target {
            Some(existing) => existing.decode_into(r),
            None => {
                *target = Self::decode_option(r)?;
                Ok(())
            }
        }
    }
}

/// The decoding state of one stream direction: the types the peer defined, and caches.
#[derive(Debug, Default)]
pub struct Decoder {
    limits: Limits,
    tables: Tables,
}

impl Decoder {
    /// A decoder for a new stream.
    pub fn new(limits: Limits) -> Self {
        Decoder { limits, tables: Tables::default() }
    }

    /// The limits this decoder enforces.
    pub fn limits(&self) -> &Limits {
        &self.limits
    }

    /// The number of types the peer has defined on this stream.
    pub fn defined_types(&self) -> usize {
        self.tables.types.len()
    }

    /// Absorbs the type definitions in front of the next value, then decodes the value as `T`.
    pub fn decode<T: Decode>(&mut self, q: &mut MessageQueue) -> Result<T> {
        self.run(q, |r| T::decode(r))
    }

    /// Like [`Decoder::decode`], but into an existing value with Go's merge semantics (what
    /// Mattermost relies on for `MessageWillBePosted` replies). On error the target may be
    /// partly updated; retrying after [`ErrorKind::Incomplete`] gives the same result.
    pub fn decode_into<T: Decode>(&mut self, target: &mut T, q: &mut MessageQueue) -> Result<()> {
        self.run(q, |r| target.decode_into(r))
    }

    /// Decodes the next value without a schema.
    pub fn decode_value(&mut self, q: &mut MessageQueue) -> Result<Value> {
        self.run(q, Value::decode)
    }

    /// Absorbs the type definitions in front of the next value and discards the value (an
    /// error reply's body, a reply nobody waits for).
    pub fn skip(&mut self, q: &mut MessageQueue) -> Result<()> {
        self.run(q, |r| r.skip())
    }

    fn run<R>(
        &mut self,
        q: &mut MessageQueue,
        mut f: impl FnMut(&mut ValueReader<'_>) -> Result<R>,
    ) -> Result<R> {
        let mut st = State::begin(self, q);
        match top_level(&mut st, &mut f) {
            Ok(v) => {
                st.commit(self, q);
                Ok(v)
            }
            Err(err) if err.is_incomplete() => {
                st.rollback(self, q);
                Err(err)
            }
            Err(err) => {
                // Start over and skip the value, so a value that merely did not fit the Rust
                // type leaves the stream usable.
                st.rollback(self, q);
                let mut st = State::begin(self, q);
                match top_level(&mut st, &mut |r: &mut ValueReader<'_>| r.skip()) {
                    Ok(()) => {
                        st.commit(self, q);
                        Err(err)
                    }
                    Err(skip_err) if skip_err.is_incomplete() => {
                        st.rollback(self, q);
                        Err(skip_err)
                    }
                    Err(skip_err) => {
                        st.commit(self, q);
                        let semantic = matches!(
                            err.kind(),
                            ErrorKind::TypeMismatch | ErrorKind::OutOfRange | ErrorKind::InvalidUtf8
                        );
                        Err(if semantic { skip_err } else { err })
                    }
                }
            }
        }
    }
}

fn top_level<R>(st: &mut State, f: &mut impl FnMut(&mut ValueReader<'_>) -> Result<R>) -> Result<R> {
    let id = st.top_level_type()?;
    let wire = st.resolve(id)?;
    st.singleton_prefix(&wire)?;
    let root = match &wire {
        state::Wire::Defined(_, t) => t.name.to_string(),
        _ => String::new(),
    };
    let result = {
        let mut reader = ValueReader::new(st, wire, 0);
        let result = f(&mut reader);
        drop(reader);
        result
    };
    let value = result.map_err(|e| e.at(PathSegment::Root(root)))?;
    if let Some(err) = st.deferred.take() {
        return Err(err);
    }
    if st.remaining() > 0 {
        return Err(Error::corrupt(format!("{} bytes left over after the value", st.remaining())));
    }
    Ok(value)
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use bytes::Bytes;

    use super::*;
    use crate::{Encode, Encoder, Interface};

    fn queue(messages: &[&[u8]]) -> MessageQueue {
        let mut q = MessageQueue::new();
        for m in messages {
            q.push(Bytes::copy_from_slice(m));
        }
        q
    }

    /// The messages of an encoded stream.
    fn encoded(values: &[&dyn Encode]) -> MessageQueue {
        let mut enc = Encoder::new();
        let mut out = Vec::new();
        for v in values {
            enc.encode(*v, &mut out).unwrap();
        }
        let mut q = MessageQueue::new();
        q.fill_from(&mut bytes::BytesMut::from(&out[..]), &Limits::default()).unwrap();
        q
    }

    fn decode_err<T: Decode + std::fmt::Debug>(messages: &[&[u8]]) -> Error {
        let mut q = queue(messages);
        Decoder::new(Limits::default()).decode::<T>(&mut q).unwrap_err()
    }

    crate::gob_struct! {
        #[derive(Debug, Default, PartialEq)]
        struct Inner = "Inner" {
            x: i32 = "X",
            tags: Vec<String> = "Tags",
        }
    }

    crate::gob_struct! {
        #[derive(Debug, Default, PartialEq)]
        struct Outer = "Outer" {
            name: String = "Name",
            inner: Inner = "Inner",
            props: HashMap<String, Option<Interface>> = "Props",
        }
    }

    crate::gob_struct! {
        #[derive(Debug, Default, PartialEq)]
        struct OuterWide = "Outer" {
            name: String = "Name",
            inner: InnerWide = "Inner",
            extra: Vec<u64> = "Extra",
        }
    }

    crate::gob_struct! {
        #[derive(Debug, Default, PartialEq)]
        struct InnerWide = "Inner" {
            x: i64 = "X",
            tags: Vec<String> = "Tags",
        }
    }

    #[test]
    fn scalars_decode_with_range_checks() {
        let mut q = encoded(&[&(1i64 << 40), &(1i64 << 40), &300u64, &-1i64, &1e300f64, &f64::INFINITY]);
        let mut dec = Decoder::new(Limits::default());
        let err = dec.decode::<i32>(&mut q).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::OutOfRange);
        assert_eq!(dec.decode::<i64>(&mut q).unwrap(), 1 << 40, "the failed value was consumed");
        assert_eq!(dec.decode::<u16>(&mut q).unwrap(), 300);
        assert_eq!(dec.decode::<u64>(&mut q).unwrap_err().kind(), ErrorKind::TypeMismatch, "int is not uint");
        assert_eq!(dec.decode::<f32>(&mut q).unwrap_err().kind(), ErrorKind::OutOfRange);
        assert_eq!(dec.decode::<f32>(&mut q).unwrap(), f32::INFINITY);
        assert!(q.is_empty());
        // Any non-zero bool is true, as in Go.
        assert!(Decoder::new(Limits::default()).decode::<bool>(&mut queue(&[&[0x02, 0x00, 0x05]])).unwrap());
    }

    #[test]
    fn a_mismatch_names_the_path_and_leaves_the_stream_usable() {
        let outer = Outer {
            name: "n".into(),
            inner: Inner { x: 5, tags: vec!["a".into()] },
            props: HashMap::from([(
                "nested".into(),
                Some(Interface::slice(vec![Some(Interface::int(1)), Some(Interface::string("two"))])),
            )]),
        };
        let mut q = encoded(&[&outer, &outer, &"after"]);
        let mut dec = Decoder::new(Limits::default());

        crate::gob_struct! {
            #[derive(Debug, Default)]
            struct Strict = "Strict" {
                props: HashMap<String, Vec<i64>> = "Props",
            }
        }
        let err = dec.decode::<Strict>(&mut q).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::TypeMismatch);
        assert_eq!(err.path_string(), "Outer.Props[\"nested\"]");
        // Unknown and differently-sized fields: matched by name, widened where Go allows.
        let wide: OuterWide = dec.decode(&mut q).unwrap();
        assert_eq!(wide.inner, InnerWide { x: 5, tags: vec!["a".into()] });
        assert_eq!(wide.extra, Vec::<u64>::new());
        assert_eq!(dec.decode::<String>(&mut q).unwrap(), "after");
    }

    #[test]
    fn interface_paths_and_concrete_values() {
        let outer = Outer {
            props: HashMap::from([(
                "nested".into(),
                Some(Interface::slice(vec![Some(Interface::int(1)), Some(Interface::string("two"))])),
            )]),
            ..Outer::default()
        };
        // Decode Props entries as typed values through the readers.
        struct Ints(Vec<i64>);
        impl Decode for Ints {
            fn decode(r: &mut ValueReader<'_>) -> Result<Self> {
                let (_, mut inner) = r.interface()?.ok_or_else(|| Error::invalid("nil"))?;
                let mut s = inner.slice()?;
                let mut out = Vec::new();
                while let Some(mut e) = s.next()? {
                    let (name, mut v) = e.interface()?.ok_or_else(|| Error::invalid("nil"))?;
                    assert!(name == "int" || name == "string");
                    out.push(v.int().map_err(|e| e.at(PathSegment::Index(out.len())))?);
                }
                Ok(Ints(out))
            }
        }
        crate::gob_struct! {
            #[derive(Default, Debug)]
            struct WithInts = "WithInts" {
                props: HashMap<String, IntsField> = "Props",
            }
        }
        #[derive(Default, Debug)]
        struct IntsField(Vec<i64>);
        impl crate::StaticType for IntsField {
            fn static_type() -> &'static crate::GoType {
                &crate::builtin::INTERFACE
            }
        }
        impl Encode for IntsField {
            fn go_type(&self) -> crate::TypeRef {
                crate::TypeRef::Static(&crate::builtin::INTERFACE)
            }
            fn encode(&self, _: &mut crate::ValueWriter<'_>) -> Result<()> {
                Err(Error::new(ErrorKind::Unsupported, "test type"))
            }
            fn is_zero(&self) -> bool {
                self.0.is_empty()
            }
        }
        impl Decode for IntsField {
            fn decode(r: &mut ValueReader<'_>) -> Result<Self> {
                Ints::decode(r).map(|i| IntsField(i.0))
            }
        }
        let mut q = encoded(&[&outer]);
        let err = Decoder::new(Limits::default()).decode::<WithInts>(&mut q).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::TypeMismatch);
        assert_eq!(err.path_string(), "Outer.Props[\"nested\"][1]");
        assert!(q.is_empty(), "the value was skipped after the mismatch");
    }

    #[test]
    fn corrupt_input_is_an_error() {
        use ErrorKind::*;
        // A uint longer than 8 bytes, a truncated uint.
        assert_eq!(decode_err::<u64>(&[&[0x06, 0x00, 0xf7]]).kind(), Corrupt);
        assert_eq!(decode_err::<u64>(&[&[0x06, 0x00, 0xfe, 0x01]]).kind(), Corrupt);
        // An undefined type id, a negative/reserved one.
        assert_eq!(decode_err::<u64>(&[&[0xff, 0x80, 0x00, 0x01]]).kind(), Corrupt);
        assert_eq!(decode_err::<u64>(&[&[0x13, 0x00, 0x00]]).kind(), Corrupt);
        // A definition for an id below 64.
        assert_eq!(
            decode_err::<u64>(&[&[0x01, 0x02, 0x01, 0x02, 0x0a, 0x01, 0x0c, 0x00, 0x00]]).kind(),
            Corrupt
        );
        // A singleton with a non-zero delta.
        assert_eq!(decode_err::<u64>(&[&[0x06, 0x01, 0x07]]).kind(), Corrupt);
        // Trailing bytes after the value.
        assert_eq!(decode_err::<u64>(&[&[0x06, 0x00, 0x07, 0x07]]).kind(), Corrupt);
        // A string longer than the message.
        assert_eq!(decode_err::<String>(&[&[0x0c, 0x00, 0x05, b'a']]).kind(), Corrupt);
        // An empty message.
        assert_eq!(decode_err::<u64>(&[&[]]).kind(), Corrupt);
        // Invalid UTF-8 in a string.
        assert_eq!(decode_err::<String>(&[&[0x0c, 0x00, 0x01, 0xff]]).kind(), InvalidUtf8);
        // But the same bytes decode as Vec<u8>.
        let mut q = queue(&[&[0x0c, 0x00, 0x01, 0xff]]);
        assert_eq!(Decoder::new(Limits::default()).decode::<Vec<u8>>(&mut q).unwrap(), [0xff]);
    }

    /// `[]string` defined as id 64, then a value message.
    const SLICE_DEF: &[u8] = &[0x7f, 0x02, 0x01, 0x02, 0xff, 0x80, 0x00, 0x01, 0x0c, 0x00, 0x00];

    #[test]
    fn definitions_are_checked() {
        // Duplicate definition.
        let mut q = queue(&[SLICE_DEF, SLICE_DEF, &[0xff, 0x80, 0x00, 0x00]]);
        assert_eq!(
            Decoder::new(Limits::default()).decode::<Vec<String>>(&mut q).unwrap_err().kind(),
            ErrorKind::Corrupt
        );
        // Extra data after a definition at top level.
        let mut extra = SLICE_DEF.to_vec();
        extra.push(0x00);
        assert_eq!(decode_err::<Vec<String>>(&[&extra]).kind(), ErrorKind::Corrupt);
        // More definitions than allowed.
        let mut q = queue(&[SLICE_DEF, &[0xff, 0x80, 0x00, 0x00]]);
        let limits = Limits { max_types: 0, ..Limits::default() };
        assert_eq!(
            Decoder::new(limits).decode::<Vec<String>>(&mut q).unwrap_err().kind(),
            ErrorKind::LimitExceeded
        );
        // A slice claiming more elements than the message holds.
        assert_eq!(
            decode_err::<Vec<String>>(&[SLICE_DEF, &[0xff, 0x80, 0x00, 0x7f]]).kind(),
            ErrorKind::Corrupt
        );
        // And the well-formed value.
        let mut q = queue(&[SLICE_DEF, &[0xff, 0x80, 0x00, 0x01, 0x01, b'a']]);
        assert_eq!(Decoder::new(Limits::default()).decode::<Vec<String>>(&mut q).unwrap(), ["a"]);
    }

    #[test]
    fn struct_field_numbers_are_checked() {
        // struct {A int} as id 64; a value with field delta 2 (field 1 does not exist).
        let def: &[u8] = &[
            0x7f, 0x03, 0x01, 0x02, 0xff, 0x80, 0x00, 0x01, 0x01, 0x01, 0x01, b'A', 0x01, 0x04, 0x00, 0x00,
            0x00,
        ];
        crate::gob_struct! {
            #[derive(Debug, Default)]
            struct A = "A" { a: i64 = "A" }
        }
        assert_eq!(decode_err::<A>(&[def, &[0xff, 0x80, 0x02, 0x02, 0x00]]).kind(), ErrorKind::Corrupt);
        let mut q = queue(&[def, &[0xff, 0x80, 0x01, 0x02, 0x00]]);
        assert_eq!(Decoder::new(Limits::default()).decode::<A>(&mut q).unwrap().a, 1);
        // Like Go, the end of the message also ends a struct.
        let mut q = queue(&[def, &[0xff, 0x80, 0x01, 0x02]]);
        assert_eq!(Decoder::new(Limits::default()).decode::<A>(&mut q).unwrap().a, 1);
    }

    #[test]
    fn nesting_is_limited() {
        let mut v = Interface::int(1);
        for _ in 0..30 {
            v = Interface::slice(vec![Some(v)]);
        }
        let mut q = encoded(&[&Some(v.clone())]);
        let mut dec = Decoder::new(Limits { max_depth: 20, ..Limits::default() });
        assert_eq!(dec.decode_value(&mut q).unwrap_err().kind(), ErrorKind::LimitExceeded);
        let mut q = encoded(&[&Some(v)]);
        let mut dec = Decoder::new(Limits::default());
        assert!(dec.decode_value(&mut q).is_ok());
    }

    #[test]
    fn incomplete_values_roll_back() {
        // An interface whose concrete type is defined inline and continues in the next message,
        // as Go writes it: name, definition ends message 1, message 2 has the id and the value.
        let first: &[u8] = &[
            0x10, 0x00, // interface value at top level: id 8, singleton delta
            0x08, b'[', b']', b's', b't', b'r', b'i', b'n', b'g', // name
            0x7f, 0x02, 0x01, 0x02, 0xff, 0x80, 0x00, 0x01, 0x0c, 0x00, 0x00, // []string is 64
        ];
        let second: &[u8] = &[0xff, 0x80, 0x04, 0x00, 0x01, 0x01, b'x'];
        let mut dec = Decoder::new(Limits::default());
        let mut q = queue(&[first]);
        let err = dec.decode_value(&mut q).unwrap_err();
        assert!(err.is_incomplete(), "{err}");
        assert_eq!((q.len(), dec.defined_types()), (1, 0));
        q.push(Bytes::from_static(second));
        let v = dec.decode_value(&mut q).unwrap();
        let i = v.as_interface().unwrap();
        assert_eq!(i.name(), "[]string");
        assert_eq!(i.value().as_slice().unwrap(), [crate::Value::String("x".into())]);
        assert_eq!(dec.defined_types(), 1);
        assert!(q.is_empty());
    }
}
