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

pub use reader::{MapReader, SliceReader, StructReader, ValueReader};

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
