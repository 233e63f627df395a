//! The readers a [`Decode`] implementation walks a value with.
//!
//! Every reader that is dropped before its value was read skips that value, so a `Decode`
//! implementation that ignores part of a value never desynchronises the stream.

use std::sync::Arc;

use bytes::Bytes;

use super::Decode;
use super::state::{Shape, State, UNKNOWN_FIELD, Wire, WireType, next_field};
use crate::error::{Error, ErrorKind, PathSegment, Result};
use crate::types::{OpaqueKind, TypeKind, TypeRef};
use crate::wire;

/// The most elements a `size_hint` suggests reserving up front.
pub const MAX_RESERVE: u64 = 4096;

/// A reader positioned on one value; it knows the value's wire type.
///
/// Read the value with exactly one of the methods below. A method that does not match the
/// wire type returns [`ErrorKind::TypeMismatch`] and leaves the value unread (another method
/// may be tried). A reader dropped unread skips its value.
pub struct ValueReader<'a> {
    st: &'a mut State,
    wire: Wire,
    depth: usize,
    read: bool,
}

impl std::fmt::Debug for ValueReader<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ValueReader").field("kind", &self.kind()).field("depth", &self.depth).finish()
    }
}

impl Drop for ValueReader<'_> {
    fn drop(&mut self) {
        if !self.read && !self.st.poisoned {
            self.read = true;
            if let Err(err) = self.st.skip_value(&self.wire, self.depth) {
                self.st.deferred.get_or_insert(err);
            }
        }
    }
}

fn wire_kind(wire: &Wire) -> TypeKind {
    match wire {
        Wire::Bool => TypeKind::Bool,
        Wire::Int => TypeKind::Int,
        Wire::Uint => TypeKind::Uint,
        Wire::Float => TypeKind::Float,
        Wire::Bytes => TypeKind::Bytes,
        Wire::String => TypeKind::String,
        Wire::Complex => TypeKind::Complex,
        Wire::Interface => TypeKind::Interface,
        Wire::Defined(_, t) => match &t.shape {
            Shape::Array { len, .. } => TypeKind::Array(*len),
            Shape::Slice { .. } => TypeKind::Slice,
            Shape::Struct { .. } => TypeKind::Struct,
            Shape::Map { .. } => TypeKind::Map,
            Shape::Opaque(k) => TypeKind::Opaque(*k),
        },
    }
}

fn describe(wire: &Wire) -> String {
    match wire {
        Wire::Defined(_, t) if !t.name.is_empty() => format!("{} ({})", wire_kind(wire), t.name),
        _ => wire_kind(wire).to_string(),
    }
}

impl<'a> ValueReader<'a> {
    pub(crate) fn new(st: &'a mut State, wire: Wire, depth: usize) -> Self {
        ValueReader { st, wire, depth, read: false }
    }

    /// The kind of the value on the wire.
    pub fn kind(&self) -> TypeKind {
        wire_kind(&self.wire)
    }

    /// The informational Go name of the value's wire type (empty for predefined types and
    /// often for others).
    pub fn type_name(&self) -> &str {
        match &self.wire {
            Wire::Defined(_, t) => &t.name,
            _ => "",
        }
    }

    /// An error of `kind` about this value, for `Decode` implementations that reject a value.
    pub fn error(&self, kind: ErrorKind, message: impl Into<String>) -> Error {
        Error::new(kind, message)
    }

    fn mismatch(&self, target: &str) -> Error {
        Error::new(
            ErrorKind::TypeMismatch,
            format!("wire type {} does not decode into {target}", describe(&self.wire)),
        )
    }

    /// Marks the value read if `ok`, else reports a mismatch and leaves it unread.
    fn begin(&mut self, ok: bool, target: &str) -> Result<()> {
        if self.read {
            return Err(Error::invalid("the value was already read"));
        }
        if !ok {
            return Err(self.mismatch(target));
        }
        self.read = true;
        Ok(())
    }

    fn child_depth(&mut self) -> Result<usize> {
        let depth = self.depth + 1;
        self.st.check_depth(depth)?;
        Ok(depth)
    }

    /// An unsigned integer (`uint` on the wire).
    pub fn uint(&mut self) -> Result<u64> {
        self.begin(matches!(self.wire, Wire::Uint), "an unsigned integer")?;
        self.st.uint()
    }

    /// A signed integer (`int` on the wire).
    pub fn int(&mut self) -> Result<i64> {
        self.begin(matches!(self.wire, Wire::Int), "a signed integer")?;
        self.st.int()
    }

    /// A boolean (any non-zero value is `true`, as in Go).
    pub fn bool(&mut self) -> Result<bool> {
        self.begin(matches!(self.wire, Wire::Bool), "a bool")?;
        Ok(self.st.uint()? != 0)
    }

    /// A float (`float32` values arrive widened).
    pub fn float(&mut self) -> Result<f64> {
        self.begin(matches!(self.wire, Wire::Float), "a float")?;
        Ok(wire::uint_to_float(self.st.uint()?))
    }

    /// A complex number as (real, imaginary).
    pub fn complex(&mut self) -> Result<(f64, f64)> {
        self.begin(matches!(self.wire, Wire::Complex), "a complex number")?;
        let re = wire::uint_to_float(self.st.uint()?);
        let im = wire::uint_to_float(self.st.uint()?);
        Ok((re, im))
    }

    /// A string; [`ErrorKind::InvalidUtf8`] if it is not UTF-8 (read it with
    /// [`ValueReader::bytes`] to keep arbitrary bytes).
    pub fn string(&mut self) -> Result<String> {
        self.begin(matches!(self.wire, Wire::String), "a string")?;
        let bytes = self.st.byte_string("string")?;
        String::from_utf8(bytes.to_vec())
            .map_err(|e| Error::new(ErrorKind::InvalidUtf8, format!("string is not UTF-8: {e}")))
    }

    /// A `[]byte`, or the bytes of a string.
    pub fn bytes(&mut self) -> Result<Vec<u8>> {
        self.bytes_shared().map(|b| b.to_vec())
    }

    /// Like [`ValueReader::bytes`], without copying out of the message.
    pub fn bytes_shared(&mut self) -> Result<Bytes> {
        self.begin(matches!(self.wire, Wire::Bytes | Wire::String), "bytes")?;
        self.st.byte_string("byte slice")
    }

    /// The bytes of a value that marshals itself (`GobEncoder`, `BinaryMarshaler`), e.g. a
    /// `*url.URL` (its string form) or a `time.Time`.
    pub fn opaque(&mut self) -> Result<Bytes> {
        let ok = matches!(&self.wire, Wire::Defined(_, t) if matches!(t.shape, Shape::Opaque(_)));
        self.begin(ok, "opaque marshalled bytes")?;
        self.st.byte_string("marshalled value")
    }

    /// Which marshaller produced an opaque value, if the value is opaque.
    pub fn opaque_kind(&self) -> Option<OpaqueKind> {
        match &self.wire {
            Wire::Defined(_, t) => match t.shape {
                Shape::Opaque(k) => Some(k),
                _ => None,
            },
            _ => None,
        }
    }

    /// A slice or an array: its length, then a reader per element.
    pub fn slice(&mut self) -> Result<SliceReader<'_>> {
        let (elem, fixed) = match &self.wire {
            Wire::Defined(_, t) => match t.shape {
                Shape::Slice { elem } => (elem, None),
                Shape::Array { elem, len } => (elem, Some(len)),
                _ => (0, None),
            },
            _ => (0, None),
        };
        self.begin(elem != 0, "a slice")?;
        let len = self.st.uint()?;
        if let Some(fixed) = fixed
            && len != fixed as u64
        {
            self.st.poisoned = true;
            return Err(Error::corrupt(format!("array of {len} elements where the type says {fixed}")));
        }
        let elem = self.st.resolve(elem)?;
        let depth = self.child_depth()?;
        Ok(SliceReader { st: &mut *self.st, elem, len, next: 0, depth })
    }

    /// A map: its length, then a key and a value reader per entry.
    pub fn map(&mut self) -> Result<MapReader<'_>> {
        let (key, elem) = match &self.wire {
            Wire::Defined(_, t) => match t.shape {
                Shape::Map { key, elem } => (key, elem),
                _ => (0, 0),
            },
            _ => (0, 0),
        };
        self.begin(key != 0, "a map")?;
        let len = self.st.uint()?;
        let key = self.st.resolve(key)?;
        let elem = self.st.resolve(elem)?;
        let depth = self.child_depth()?;
        Ok(MapReader {
            st: &mut *self.st,
            key,
            elem,
            len,
            next: 0,
            depth,
            value_pending: false,
            key_at: (0, 0),
        })
    }

    /// A struct, read field by field; `names` are the Go field names the Rust side knows, and
    /// [`StructReader::next`] yields indices into it. Wire fields with other names are skipped.
    /// Pass a `static` slice: the field matching is cached per wire type and list.
    pub fn struct_fields(&mut self, names: &'static [&'static str]) -> Result<StructReader<'_>> {
        let plan = match &self.wire {
            Wire::Defined(id, t) if matches!(t.shape, Shape::Struct { .. }) => {
                let (id, t) = (*id, t.clone());
                Some(self.st.plan(id, &t, names))
            }
            _ => None,
        };
        self.begin(plan.is_some(), "a struct")?;
        self.open_struct(plan)
    }

    /// A struct read by wire field index, without a plan (schema-less decoding).
    pub(crate) fn struct_fields_raw(&mut self) -> Result<StructReader<'_>> {
        self.begin(self.wire.is_struct(), "a struct")?;
        self.open_struct(None)
    }

    fn open_struct(&mut self, plan: Option<Arc<[u16]>>) -> Result<StructReader<'_>> {
        let Wire::Defined(_, wire) = &self.wire else {
            return Err(self.mismatch("a struct"));
        };
        let wire = wire.clone();
        let depth = self.child_depth()?;
        Ok(StructReader { st: &mut *self.st, wire, plan, field: -1, pending: false, done: false, depth })
    }

    /// An interface value: `None` if nil, else the registered name of the concrete type and a
    /// reader on the concrete value.
    pub fn interface(&mut self) -> Result<Option<(String, ValueReader<'_>)>> {
        Ok(self.interface_raw()?.map(|(name, _, r)| (name, r)))
    }

    /// Like [`ValueReader::interface`], also giving the concrete wire type id.
    pub(crate) fn interface_raw(&mut self) -> Result<Option<(String, i64, ValueReader<'_>)>> {
        self.begin(matches!(self.wire, Wire::Interface), "an interface")?;
        let Some((name, id, wire)) = self.st.interface_header()? else {
            return Ok(None);
        };
        let name = String::from_utf8(name.to_vec())
            .map_err(|_| Error::new(ErrorKind::InvalidUtf8, "interface type name is not UTF-8"))?;
        let depth = self.child_depth()?;
        Ok(Some((name, id, ValueReader::new(&mut *self.st, wire, depth))))
    }

    /// Discards the value.
    pub fn skip(&mut self) -> Result<()> {
        self.begin(true, "")?;
        self.st.skip_value(&self.wire, self.depth)
    }

    /// The type a schema-less [`Value`](crate::Value) of this wire type carries.
    pub(crate) fn dyn_type(&mut self) -> Result<TypeRef> {
        let id = match &self.wire {
            Wire::Bool => 1,
            Wire::Int => 2,
            Wire::Uint => 3,
            Wire::Float => 4,
            Wire::Bytes => 5,
            Wire::String => 6,
            Wire::Complex => 7,
            Wire::Interface => 8,
            Wire::Defined(id, _) => *id,
        };
        self.st.dyn_type(id)
    }
}

/// Reads the elements of a slice or array. Unread elements are skipped when it is dropped.
pub struct SliceReader<'a> {
    st: &'a mut State,
    elem: Wire,
    len: u64,
    next: u64,
    depth: usize,
}

impl std::fmt::Debug for SliceReader<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SliceReader").field("len", &self.len).field("next", &self.next).finish()
    }
}

impl SliceReader<'_> {
    /// The number of elements announced on the wire.
    pub fn len(&self) -> usize {
        usize::try_from(self.len).unwrap_or(usize::MAX)
    }

    /// Whether the slice is empty.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// A capacity to reserve for the elements: the announced length, bounded by what the
    /// message can hold (each element takes at least one byte) and by [`MAX_RESERVE`]; larger
    /// collections grow as their elements actually arrive.
    pub fn size_hint(&self) -> usize {
        self.len.saturating_sub(self.next).min(self.st.remaining() as u64).min(MAX_RESERVE) as usize
    }

    /// A reader on the next element, or `None` after the last.
    // Not an `Iterator`: the reader borrows the slice reader, and reading can fail.
    #[allow(clippy::should_implement_trait)]
    pub fn next(&mut self) -> Result<Option<ValueReader<'_>>> {
        if self.next >= self.len {
            return Ok(None);
        }
        self.st.expect_more("slice")?;
        self.next += 1;
        Ok(Some(ValueReader::new(&mut *self.st, self.elem.clone(), self.depth)))
    }

    /// Decodes the next element as `T`, or `None` after the last.
    pub fn decode_next<T: Decode>(&mut self) -> Result<Option<T>> {
        let index = self.next as usize;
        let result = match self.next()? {
            None => return Ok(None),
            Some(mut r) => T::decode(&mut r),
        };
        result.map(Some).map_err(|e| e.at(PathSegment::Index(index)))
    }
}

impl Drop for SliceReader<'_> {
    fn drop(&mut self) {
        while self.next < self.len && !self.st.poisoned && self.st.deferred.is_none() {
            self.next += 1;
            let skipped =
                self.st.expect_more("slice").and_then(|()| self.st.skip_value(&self.elem, self.depth));
            if let Err(err) = skipped {
                self.st.deferred.get_or_insert(err);
            }
        }
    }
}

/// Reads the entries of a map: [`MapReader::next_key`] then [`MapReader::value`], or
/// [`MapReader::next_entry`]. Unread entries are skipped when it is dropped.
pub struct MapReader<'a> {
    st: &'a mut State,
    key: Wire,
    elem: Wire,
    len: u64,
    next: u64,
    depth: usize,
    value_pending: bool,
    /// Where the current key starts, to name it in errors.
    key_at: (usize, usize),
}

impl std::fmt::Debug for MapReader<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MapReader").field("len", &self.len).field("next", &self.next).finish()
    }
}

impl MapReader<'_> {
    /// The number of entries announced on the wire.
    pub fn len(&self) -> usize {
        usize::try_from(self.len).unwrap_or(usize::MAX)
    }

    /// Whether the map is empty.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// A capacity to reserve: the announced length bounded by what the message can hold and
    /// by [`MAX_RESERVE`].
    pub fn size_hint(&self) -> usize {
        self.len.saturating_sub(self.next).min(self.st.remaining() as u64 / 2).min(MAX_RESERVE) as usize
    }

    /// A reader on the next key, or `None` after the last entry. Read its value with
    /// [`MapReader::value`] (an unread value is skipped).
    pub fn next_key(&mut self) -> Result<Option<ValueReader<'_>>> {
        if self.value_pending {
            self.value_pending = false;
            self.st.skip_value(&self.elem, self.depth)?;
        }
        if self.next >= self.len {
            return Ok(None);
        }
        self.st.expect_more("map")?;
        self.next += 1;
        self.value_pending = true;
        self.key_at = self.st.position();
        Ok(Some(ValueReader::new(&mut *self.st, self.key.clone(), self.depth)))
    }

    /// A reader on the value of the key just read.
    pub fn value(&mut self) -> Result<ValueReader<'_>> {
        if !self.value_pending {
            return Err(Error::invalid("MapReader::value called without a key"));
        }
        self.value_pending = false;
        Ok(ValueReader::new(&mut *self.st, self.elem.clone(), self.depth))
    }

    /// Decodes the next entry, or `None` after the last.
    pub fn next_entry<K: Decode, V: Decode>(&mut self) -> Result<Option<(K, V)>> {
        let index = self.next as usize;
        let key = match self.next_key()? {
            None => return Ok(None),
            Some(mut r) => K::decode(&mut r),
        };
        let key = key.map_err(|e| e.at(PathSegment::Key(format!("<key #{index}>"))))?;
        let value = {
            let mut r = self.value()?;
            V::decode(&mut r)
        };
        let value = value.map_err(|e| e.at(PathSegment::Key(self.key_text(index))))?;
        Ok(Some((key, value)))
    }

    /// The current key as text for an error path: strings quoted, numbers as they are.
    fn key_text(&self, index: usize) -> String {
        let bytes = self.st.bytes_at(self.key_at);
        let mut pos = 0;
        let text = match self.key {
            Wire::String => wire::read_uint(bytes, &mut pos).ok().and_then(|n| {
                let end = pos.checked_add(usize::try_from(n).ok()?)?;
                bytes.get(pos..end).map(|s| format!("{:?}", String::from_utf8_lossy(s)))
            }),
            Wire::Int => wire::read_uint(bytes, &mut pos).ok().map(|u| wire::uint_to_int(u).to_string()),
            Wire::Uint => wire::read_uint(bytes, &mut pos).ok().map(|u| u.to_string()),
            Wire::Bool => wire::read_uint(bytes, &mut pos).ok().map(|u| (u != 0).to_string()),
            _ => None,
        };
        text.unwrap_or_else(|| format!("<key #{index}>"))
    }
}

impl Drop for MapReader<'_> {
    fn drop(&mut self) {
        if self.st.poisoned || self.st.deferred.is_some() {
            return;
        }
        let result = (|| {
            if self.value_pending {
                self.value_pending = false;
                self.st.skip_value(&self.elem, self.depth)?;
            }
            while self.next < self.len {
                self.next += 1;
                self.st.expect_more("map")?;
                self.st.skip_value(&self.key, self.depth)?;
                self.st.skip_value(&self.elem, self.depth)?;
            }
            Ok(())
        })();
        if let Err(err) = result {
            self.st.deferred.get_or_insert(err);
        }
    }
}

/// Reads the fields present in a struct value, in wire order.
///
/// ```
/// # use mm_gob::{Decode, ValueReader, Result};
/// struct Header { service_method: String, seq: u64 }
///
/// impl Decode for Header {
///     fn decode(r: &mut ValueReader<'_>) -> Result<Self> {
///         let mut out = Header { service_method: String::new(), seq: 0 };
///         let mut fields = r.struct_fields(&["ServiceMethod", "Seq"])?;
///         while let Some(index) = fields.next()? {
///             match index {
///                 0 => out.service_method = fields.decode()?,
///                 _ => out.seq = fields.decode()?,
///             }
///         }
///         Ok(out)
///     }
/// }
/// ```
pub struct StructReader<'a> {
    st: &'a mut State,
    wire: Arc<WireType>,
    plan: Option<Arc<[u16]>>,
    field: i64,
    pending: bool,
    done: bool,
    depth: usize,
}

impl std::fmt::Debug for StructReader<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StructReader").field("type", &self.wire.name).field("field", &self.field).finish()
    }
}

impl StructReader<'_> {
    fn fields(&self) -> &[(Box<str>, i64)] {
        match &self.wire.shape {
            Shape::Struct { fields } => fields,
            _ => &[],
        }
    }

    /// The index (into the `names` given to [`ValueReader::struct_fields`]) of the next field
    /// present on the wire, or `None` at the end of the struct. A field announced earlier and
    /// not read is skipped.
    // Not an `Iterator`: reading can fail, and the field's value borrows this reader.
    #[allow(clippy::should_implement_trait)]
    pub fn next(&mut self) -> Result<Option<usize>> {
        loop {
            let Some(wire_index) = self.next_wire()? else {
                return Ok(None);
            };
            let Some(plan) = &self.plan else {
                return Ok(Some(wire_index));
            };
            match plan.get(wire_index).copied().unwrap_or(UNKNOWN_FIELD) {
                UNKNOWN_FIELD => self.skip_pending()?,
                index => return Ok(Some(usize::from(index))),
            }
        }
    }

    /// The next wire field number.
    fn next_wire(&mut self) -> Result<Option<usize>> {
        if self.done {
            return Ok(None);
        }
        if self.pending {
            self.skip_pending()?;
        }
        // Like Go, the end of the message also ends a struct.
        if self.st.remaining() == 0 {
            self.done = true;
            return Ok(None);
        }
        let delta = self.st.uint()?;
        if delta == 0 {
            self.done = true;
            return Ok(None);
        }
        let Some(field) = next_field(self.field, delta, self.fields().len()) else {
            self.st.poisoned = true;
            return Err(Error::corrupt(format!("field number out of range in struct {}", self.wire.name)));
        };
        self.field = field;
        self.pending = true;
        Ok(Some(field as usize))
    }

    fn current_wire(&mut self) -> Result<Wire> {
        let id = self.fields().get(self.field as usize).map_or(0, |f| f.1);
        self.st.resolve(id)
    }

    fn skip_pending(&mut self) -> Result<()> {
        self.pending = false;
        let wire = self.current_wire()?;
        self.st.skip_value(&wire, self.depth)
    }

    /// The Go name of the current wire field.
    pub fn field_name(&self) -> &str {
        self.fields().get(self.field as usize).map_or("", |f| &*f.0)
    }

    /// A reader on the current field's value.
    pub fn value(&mut self) -> Result<ValueReader<'_>> {
        if !self.pending {
            return Err(Error::invalid("StructReader::value called without a current field"));
        }
        self.pending = false;
        let wire = self.current_wire()?;
        Ok(ValueReader::new(&mut *self.st, wire, self.depth))
    }

    /// Decodes the current field's value as `T`.
    pub fn decode<T: Decode>(&mut self) -> Result<T> {
        let result = {
            let mut r = self.value()?;
            T::decode(&mut r)
        };
        result.map_err(|e| e.at(PathSegment::Field(self.field_name().to_string())))
    }

    /// Reads the current field's value with a closure; errors get the field's name in their
    /// path.
    pub fn decode_with<R>(&mut self, f: impl FnOnce(&mut ValueReader<'_>) -> Result<R>) -> Result<R> {
        let result = {
            let mut r = self.value()?;
            f(&mut r)
        };
        result.map_err(|e| e.at(PathSegment::Field(self.field_name().to_string())))
    }

    /// Decodes the current field's value into `target` (Go's merge semantics).
    pub fn decode_into<T: Decode>(&mut self, target: &mut T) -> Result<()> {
        let result = {
            let mut r = self.value()?;
            target.decode_into(&mut r)
        };
        result.map_err(|e| e.at(PathSegment::Field(self.field_name().to_string())))
    }
}

impl Drop for StructReader<'_> {
    fn drop(&mut self) {
        if self.done || self.st.poisoned || self.st.deferred.is_some() {
            return;
        }
        let result = (|| {
            while self.next_wire()?.is_some() {
                self.skip_pending()?;
            }
            Ok(())
        })();
        if let Err(err) = result {
            self.st.deferred.get_or_insert(err);
        }
    }
}
