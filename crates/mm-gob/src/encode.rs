//! Encoding: the [`Encoder`] of one stream direction, the [`Encode`] trait, and the writers an
//! `Encode` implementation writes a value with.
//!
//! [`Encoder::encode`] writes a value into a scratch buffer while giving every type it meets
//! for the first time on this stream an id (the concrete types behind interface values
//! included), then appends the definitions of those types, one message each, and the value
//! message. Go's decoder accepts definitions in any order as long as they precede the value
//! that uses them; this encoder therefore never produces Go's nested-interface split layout.

use std::collections::HashMap;
use std::sync::Arc;

use crate::error::{Error, ErrorKind, PathSegment, Result};
use crate::types::{GoType, Kind, OpaqueKind, TypeGraph, TypeKind, TypeRef};
use crate::wire;

/// Go's decoder refuses messages of this size or more (`tooBig` on 64-bit platforms).
const TOO_BIG: usize = 1 << 30;
/// The first id Go accepts for a user type.
const FIRST_USER_ID: i64 = 64;
/// Go's decoder refuses longer interface names.
const MAX_INTERFACE_NAME: usize = 1024;

/// Types that can be encoded as a gob value. Object safe: writers take `&dyn Encode`.
pub trait Encode {
    /// The Go type this value is encoded as: static for typed values, derived from the value
    /// for a dynamic [`Value`](crate::Value).
    fn go_type(&self) -> TypeRef;

    /// Writes the value. Struct types write their fields with [`ValueWriter::struct_fields`].
    fn encode(&self, w: &mut ValueWriter<'_>) -> Result<()>;

    /// Whether Go considers the value zero, in which case a struct field holding it is
    /// omitted: `0`, `false`, `""`, an empty slice or map, a nil pointer or interface. Structs
    /// are never zero (Go always sends struct-typed fields).
    fn is_zero(&self) -> bool;

    /// How a `None` of `Option<Self>` (a nil `*T`) is written where Go must write something:
    /// as a slice element, a map entry, a top-level value or inside an interface. Go refuses
    /// nil pointers there, so the default is an error; nil-able wire forms (interfaces)
    /// override it.
    fn encode_nil(w: &mut ValueWriter<'_>) -> Result<()>
    where
        Self: Sized,
    {
        Err(Error::invalid(format!(
            "gob cannot encode a nil pointer of type {} here",
            w.expected().describe()
        )))
    }
}

/// Identifies a type already defined on a stream.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum TypeKey {
    /// A named static type, or a static struct: by address.
    Address(usize),
    /// A node of a dynamic type graph: by graph address and index.
    Node(usize, u32),
    /// Unnamed slices, arrays and maps: by structure, as Go identifies `[]string`.
    Slice(Box<TypeKey>),
    Array(usize, Box<TypeKey>),
    Map(Box<TypeKey>, Box<TypeKey>),
    /// A predefined type (only inside structural keys).
    Builtin(i64),
}

#[derive(Debug)]
struct Defined {
    id: i64,
    /// Keeps a dynamic graph alive so its address is not reused while it is a key.
    _graph: Option<Arc<TypeGraph>>,
}

/// Kind, field count and name: where to look for a structurally equal type already defined.
type ShapeKey = (TypeKind, usize, String);

/// The encoding state of one stream direction: the types already defined on it.
#[derive(Debug)]
pub struct Encoder {
    defined: HashMap<TypeKey, Defined>,
    /// Every type defined, by shape, so an equal type met under another identity (the same Go
    /// type reached through two decoded type graphs) reuses the definition.
    shapes: HashMap<ShapeKey, Vec<(TypeRef, i64)>>,
    next_id: i64,
    max_depth: usize,
}

impl Default for Encoder {
    fn default() -> Self {
        Encoder::new()
    }
}

impl Encoder {
    /// An encoder for a new stream (type ids from 64, values nested at most 100 deep, the
    /// decoder's default).
    pub fn new() -> Self {
        Encoder { defined: HashMap::new(), shapes: HashMap::new(), next_id: FIRST_USER_ID, max_depth: 100 }
    }

    /// Sets the deepest value nesting this encoder accepts.
    pub fn with_max_depth(mut self, max_depth: usize) -> Self {
        self.max_depth = max_depth;
        self
    }

    /// The number of types defined on this stream so far.
    pub fn defined_types(&self) -> usize {
        usize::try_from(self.next_id - FIRST_USER_ID).unwrap_or_default()
    }

    /// Appends to `out` the definitions of the types `value` needs that were not sent on this
    /// stream yet, then one value message. On error nothing is appended and the encoder is
    /// unchanged.
    pub fn encode(&mut self, value: &dyn Encode, out: &mut Vec<u8>) -> Result<()> {
        let mut st = EncState {
            buf: Vec::new(),
            defined: std::mem::take(&mut self.defined),
            shapes: std::mem::take(&mut self.shapes),
            next_id: self.next_id,
            new_types: Vec::new(),
            added_keys: Vec::new(),
            added_shapes: Vec::new(),
            max_depth: self.max_depth,
        };
        // An `Encode` impl that panics fails this value only: the stream's type table is
        // restored below as for an error, so the next value still encodes.
        let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| st.top_level(value)))
            .unwrap_or_else(|panic| {
                let text = panic
                    .downcast_ref::<&str>()
                    .map(|s| (*s).to_owned())
                    .or_else(|| panic.downcast_ref::<String>().cloned())
                    .unwrap_or_else(|| "a non-text panic".into());
                Err(Error::new(ErrorKind::InvalidValue, format!("encoding the value panicked: {text}")))
            })
            .and_then(|()| st.finish(out));
        match result {
            Ok(()) => self.next_id = st.next_id,
            Err(_) => {
                for key in &st.added_keys {
                    st.defined.remove(key);
                }
                for shape in &st.added_shapes {
                    if let Some(list) = st.shapes.get_mut(shape) {
                        list.pop();
                    }
                }
            }
        }
        self.defined = st.defined;
        self.shapes = st.shapes;
        result
    }
}

/// The state of one `Encoder::encode` call.
#[derive(Debug)]
pub(crate) struct EncState {
    buf: Vec<u8>,
    defined: HashMap<TypeKey, Defined>,
    next_id: i64,
    shapes: HashMap<ShapeKey, Vec<(TypeRef, i64)>>,
    /// Types given an id during this call, in order; they need definitions.
    new_types: Vec<(i64, TypeRef)>,
    /// Keys and shapes recorded during this call, to forget if it fails.
    added_keys: Vec<TypeKey>,
    added_shapes: Vec<ShapeKey>,
    max_depth: usize,
}

fn builtin_id(kind: TypeKind) -> Option<i64> {
    Some(match kind {
        TypeKind::Bool => 1,
        TypeKind::Int => 2,
        TypeKind::Uint => 3,
        TypeKind::Float => 4,
        TypeKind::Bytes => 5,
        TypeKind::String => 6,
        TypeKind::Complex => 7,
        TypeKind::Interface => 8,
        _ => return None,
    })
}

fn static_key(ty: &'static GoType) -> TypeKey {
    let address = || TypeKey::Address(std::ptr::from_ref(ty) as usize);
    if !ty.name.is_empty() {
        return address();
    }
    let child = |t: &'static GoType| -> TypeKey {
        match builtin_id(TypeRef::Static(t).kind()) {
            Some(id) => TypeKey::Builtin(id),
            None => static_key(t),
        }
    };
    match ty.kind {
        Kind::Slice(elem) => TypeKey::Slice(Box::new(child(elem()))),
        Kind::Array(len, elem) => TypeKey::Array(len, Box::new(child(elem()))),
        Kind::Map(key, elem) => TypeKey::Map(Box::new(child(key())), Box::new(child(elem()))),
        _ => address(),
    }
}

fn type_key(ty: &TypeRef) -> TypeKey {
    match ty {
        TypeRef::Static(g) => static_key(g),
        TypeRef::Dynamic(d) => {
            let (graph, index) = d.identity();
            TypeKey::Node(graph, index)
        }
    }
}

/// The types a definition refers to.
fn children(ty: &TypeRef) -> Vec<TypeRef> {
    match ty.kind() {
        TypeKind::Slice | TypeKind::Array(_) => ty.elem().into_iter().collect(),
        TypeKind::Map => ty.key().into_iter().chain(ty.elem()).collect(),
        TypeKind::Struct => (0..ty.field_count()).filter_map(|i| ty.field(i).map(|(_, t)| t)).collect(),
        _ => Vec::new(),
    }
}

impl EncState {
    /// The wire id of `ty`, giving it and every type it refers to an id if needed.
    fn type_id(&mut self, ty: &TypeRef) -> Result<i64> {
        if let Some(id) = builtin_id(ty.kind()) {
            return Ok(id);
        }
        let key = type_key(ty);
        if let Some(defined) = self.defined.get(&key) {
            return Ok(defined.id);
        }
        let (id, new) = self.assign(key, ty)?;
        if !new {
            return Ok(id);
        }
        // Children iteratively: recursive and deep types must not recurse here.
        let mut work = vec![ty.clone()];
        while let Some(t) = work.pop() {
            for child in children(&t) {
                if builtin_id(child.kind()).is_some() {
                    continue;
                }
                let key = type_key(&child);
                if !self.defined.contains_key(&key) && self.assign(key, &child)?.1 {
                    work.push(child);
                }
            }
        }
        Ok(id)
    }

    /// Gives `ty` (not known under `key`) an id: an equal type's if one is defined, else a new
    /// one. Returns the id and whether it is new (then `ty` needs a definition).
    fn assign(&mut self, key: TypeKey, ty: &TypeRef) -> Result<(i64, bool)> {
        let graph = match ty {
            TypeRef::Dynamic(d) => Some(d.graph().clone()),
            TypeRef::Static(_) => None,
        };
        let shape: ShapeKey = (ty.kind(), ty.field_count(), ty.name().to_string());
        let equal =
            self.shapes.get(&shape).and_then(|list| list.iter().find(|(t, _)| t == ty)).map(|(_, id)| *id);
        if let Some(id) = equal {
            self.defined.insert(key.clone(), Defined { id, _graph: graph });
            self.added_keys.push(key);
            return Ok((id, false));
        }
        let id = self.next_id;
        if id > i64::from(i32::MAX) {
            return Err(Error::new(ErrorKind::LimitExceeded, "type ids exhausted on this stream"));
        }
        self.next_id += 1;
        self.defined.insert(key.clone(), Defined { id, _graph: graph });
        self.added_keys.push(key);
        self.shapes.entry(shape.clone()).or_default().push((ty.clone(), id));
        self.added_shapes.push(shape);
        self.new_types.push((id, ty.clone()));
        Ok((id, true))
    }

    fn top_level(&mut self, value: &dyn Encode) -> Result<()> {
        let ty = value.go_type();
        let id = self.type_id(&ty)?;
        wire::put_int(&mut self.buf, id);
        let root = ty.name().to_string();
        let singleton = ty.kind() != TypeKind::Struct;
        if singleton {
            wire::put_uint(&mut self.buf, 0);
        }
        let mut w = ValueWriter { st: self, expected: ty, depth: 0 };
        value.encode(&mut w).map_err(|e| e.at(PathSegment::Root(root)))
    }

    /// Appends the new definitions and the value message to `out`.
    fn finish(&mut self, out: &mut Vec<u8>) -> Result<()> {
        if self.buf.len() >= TOO_BIG {
            return Err(Error::new(
                ErrorKind::LimitExceeded,
                format!("encoded value of {} bytes exceeds Go's limit of 1 GiB", self.buf.len()),
            ));
        }
        let start = out.len();
        let mut definition = Vec::new();
        let mut i = 0;
        while let Some((id, ty)) = self.new_types.get(i) {
            let (id, ty) = (*id, ty.clone());
            i += 1;
            definition.clear();
            wire::put_int(&mut definition, -id);
            if let Err(err) = self.write_definition(&mut definition, id, &ty) {
                out.truncate(start);
                return Err(err);
            }
            wire::put_uint(out, definition.len() as u64);
            out.extend_from_slice(&definition);
        }
        wire::put_uint(out, self.buf.len() as u64);
        out.extend_from_slice(&self.buf);
        Ok(())
    }

    /// The id of a type referred to by a definition (assigned already).
    fn known_id(&mut self, ty: &TypeRef) -> Result<i64> {
        self.type_id(ty)
    }

    /// Writes a `wireType` value (PROTOCOL.md §2.3).
    fn write_definition(&mut self, out: &mut Vec<u8>, id: i64, ty: &TypeRef) -> Result<()> {
        let name = ty.name().to_string();
        let mut outer = RawStruct::new();
        match ty.kind() {
            TypeKind::Array(len) => {
                let elem = ty.elem().ok_or_else(|| Error::invalid("array type without element"))?;
                let elem = self.known_id(&elem)?;
                outer.field(out, 0);
                let mut s = RawStruct::new();
                s.field(out, 0);
                write_common(out, &name, id);
                s.field(out, 1);
                wire::put_int(out, elem);
                if len != 0 {
                    s.field(out, 2);
                    wire::put_int(out, len as i64);
                }
                s.end(out);
            }
            TypeKind::Slice => {
                let elem = ty.elem().ok_or_else(|| Error::invalid("slice type without element"))?;
                let elem = self.known_id(&elem)?;
                outer.field(out, 1);
                let mut s = RawStruct::new();
                s.field(out, 0);
                write_common(out, &name, id);
                s.field(out, 1);
                wire::put_int(out, elem);
                s.end(out);
            }
            TypeKind::Struct => {
                let mut fields = Vec::with_capacity(ty.field_count());
                for i in 0..ty.field_count() {
                    if let Some((fname, fty)) = ty.field(i) {
                        let fname = fname.to_string();
                        fields.push((fname, self.known_id(&fty)?));
                    }
                }
                outer.field(out, 2);
                let mut s = RawStruct::new();
                s.field(out, 0);
                write_common(out, &name, id);
                if !fields.is_empty() {
                    s.field(out, 1);
                    wire::put_uint(out, fields.len() as u64);
                    for (fname, fid) in &fields {
                        let mut f = RawStruct::new();
                        if !fname.is_empty() {
                            f.field(out, 0);
                            wire::put_bytes(out, fname.as_bytes());
                        }
                        f.field(out, 1);
                        wire::put_int(out, *fid);
                        f.end(out);
                    }
                }
                s.end(out);
            }
            TypeKind::Map => {
                let (Some(key), Some(elem)) = (ty.key(), ty.elem()) else {
                    return Err(Error::invalid("map type without key or element"));
                };
                let (key, elem) = (self.known_id(&key)?, self.known_id(&elem)?);
                outer.field(out, 3);
                let mut s = RawStruct::new();
                s.field(out, 0);
                write_common(out, &name, id);
                s.field(out, 1);
                wire::put_int(out, key);
                s.field(out, 2);
                wire::put_int(out, elem);
                s.end(out);
            }
            TypeKind::Opaque(kind) => {
                outer.field(
                    out,
                    match kind {
                        OpaqueKind::GobEncoder => 4,
                        OpaqueKind::BinaryMarshaler => 5,
                        OpaqueKind::TextMarshaler => 6,
                    },
                );
                let mut s = RawStruct::new();
                s.field(out, 0);
                write_common(out, &name, id);
                s.end(out);
            }
            other => return Err(Error::invalid(format!("predefined type {other} needs no definition"))),
        }
        outer.end(out);
        Ok(())
    }
}

/// Writes the fields of a struct inside a type definition (deltas from field -1).
struct RawStruct {
    last: i64,
}

impl RawStruct {
    fn new() -> Self {
        RawStruct { last: -1 }
    }

    fn field(&mut self, out: &mut Vec<u8>, index: i64) {
        wire::put_uint(out, (index - self.last) as u64);
        self.last = index;
    }

    fn end(self, out: &mut Vec<u8>) {
        out.push(0);
    }
}

/// `CommonType{Name, Id}`; an empty name is omitted like any zero field.
fn write_common(out: &mut Vec<u8>, name: &str, id: i64) {
    let mut s = RawStruct::new();
    if !name.is_empty() {
        s.field(out, 0);
        wire::put_bytes(out, name.as_bytes());
    }
    s.field(out, 1);
    wire::put_int(out, id);
    s.end(out);
}

/// Writes one value. Knows the Go type the value is encoded as ([`ValueWriter::expected`]).
pub struct ValueWriter<'a> {
    st: &'a mut EncState,
    expected: TypeRef,
    depth: usize,
}

impl std::fmt::Debug for ValueWriter<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ValueWriter").field("expected", &self.expected).field("depth", &self.depth).finish()
    }
}

impl<'a> ValueWriter<'a> {
    /// The Go type this value is encoded as (from the enclosing struct, slice, map or
    /// interface, or the value's own [`Encode::go_type`] at top level).
    pub fn expected(&self) -> &TypeRef {
        &self.expected
    }

    fn child(&mut self, expected: TypeRef) -> Result<ValueWriter<'_>> {
        let depth = self.depth + 1;
        if depth > self.st.max_depth {
            return Err(Error::new(
                ErrorKind::LimitExceeded,
                format!("values nested deeper than the limit of {}", self.st.max_depth),
            ));
        }
        Ok(ValueWriter { st: &mut *self.st, expected, depth })
    }

    fn require(&self, ok: bool, what: &str) -> Result<()> {
        if ok {
            Ok(())
        } else {
            Err(Error::invalid(format!("cannot write {what} where the type is {}", self.expected.describe())))
        }
    }

    /// An unsigned integer.
    pub fn uint(&mut self, v: u64) {
        wire::put_uint(&mut self.st.buf, v);
    }

    /// A signed integer.
    pub fn int(&mut self, v: i64) {
        wire::put_int(&mut self.st.buf, v);
    }

    /// A boolean.
    pub fn bool(&mut self, v: bool) {
        wire::put_uint(&mut self.st.buf, u64::from(v));
    }

    /// A float (`f32` values are widened first, as Go does).
    pub fn float(&mut self, v: f64) {
        wire::put_float(&mut self.st.buf, v);
    }

    /// A complex number.
    pub fn complex(&mut self, re: f64, im: f64) {
        wire::put_float(&mut self.st.buf, re);
        wire::put_float(&mut self.st.buf, im);
    }

    /// A `[]byte`.
    pub fn bytes(&mut self, v: &[u8]) {
        wire::put_bytes(&mut self.st.buf, v);
    }

    /// A string.
    pub fn string(&mut self, v: &str) {
        wire::put_bytes(&mut self.st.buf, v.as_bytes());
    }

    /// The bytes of a self-marshalling value (`GobEncoder`, `BinaryMarshaler`).
    pub fn opaque(&mut self, v: &[u8]) {
        wire::put_bytes(&mut self.st.buf, v);
    }

    /// A slice (or array) of `len` elements; write them with the returned writer and finish
    /// with [`SliceWriter::end`].
    pub fn slice(&mut self, len: usize) -> Result<SliceWriter<'_>> {
        let kind = self.expected.kind();
        self.require(matches!(kind, TypeKind::Slice | TypeKind::Array(_)), "a slice")?;
        if let TypeKind::Array(n) = kind
            && n != len
        {
            return Err(Error::invalid(format!("array of {len} elements where the type says {n}")));
        }
        let elem = self.expected.elem().ok_or_else(|| Error::invalid("slice type without element"))?;
        wire::put_uint(&mut self.st.buf, len as u64);
        Ok(SliceWriter { w: self.reborrow(), elem, len, written: 0 })
    }

    /// Writes every item of `items` as a slice.
    pub fn slice_of<'v, T, I>(&mut self, items: I) -> Result<()>
    where
        T: Encode + 'v,
        I: IntoIterator<Item = &'v T>,
        I::IntoIter: ExactSizeIterator,
    {
        let items = items.into_iter();
        let mut s = self.slice(items.len())?;
        for item in items {
            s.element(item)?;
        }
        s.end()
    }

    /// A map of `len` entries; write them with the returned writer and finish with
    /// [`MapWriter::end`].
    pub fn map(&mut self, len: usize) -> Result<MapWriter<'_>> {
        self.require(self.expected.kind() == TypeKind::Map, "a map")?;
        let (Some(key), Some(elem)) = (self.expected.key(), self.expected.elem()) else {
            return Err(Error::invalid("map type without key or element"));
        };
        wire::put_uint(&mut self.st.buf, len as u64);
        Ok(MapWriter { w: self.reborrow(), key, elem, len, written: 0 })
    }

    /// Writes every entry of `entries` as a map.
    pub fn map_of<'v, K, V, I>(&mut self, entries: I) -> Result<()>
    where
        K: Encode + 'v,
        V: Encode + 'v,
        I: IntoIterator<Item = (&'v K, &'v V)>,
        I::IntoIter: ExactSizeIterator,
    {
        let entries = entries.into_iter();
        let mut m = self.map(entries.len())?;
        for (k, v) in entries {
            m.entry(k, v)?;
        }
        m.end()
    }

    /// A struct: write its fields with the returned writer, then [`StructWriter::end`].
    pub fn struct_fields(&mut self) -> StructWriter<'_> {
        let error = (self.expected.kind() != TypeKind::Struct).then(|| {
            Error::invalid(format!("cannot write a struct where the type is {}", self.expected.describe()))
        });
        let ty = self.expected.clone();
        StructWriter { w: self.reborrow(), ty, last: -1, error }
    }

    /// An interface value: `None` is the nil interface; otherwise `name` is the name the
    /// concrete type is registered under in Go (`"int"`, `"map[string]interface {}"`,
    /// `"*model.AppError"`) and the concrete type is defined on this stream if needed.
    pub fn interface(&mut self, name: &str, value: Option<&dyn Encode>) -> Result<()> {
        self.require(self.expected.kind() == TypeKind::Interface, "an interface")?;
        let Some(value) = value else {
            wire::put_uint(&mut self.st.buf, 0);
            return Ok(());
        };
        if name.is_empty() {
            return Err(Error::invalid("an interface value needs the Go name its type is registered under"));
        }
        if name.len() > MAX_INTERFACE_NAME {
            return Err(Error::invalid(format!("interface type name of {} bytes", name.len())));
        }
        let ty = value.go_type();
        if ty.kind() == TypeKind::Interface {
            return Err(Error::invalid("an interface cannot hold an interface value"));
        }
        wire::put_bytes(&mut self.st.buf, name.as_bytes());
        let id = self.st.type_id(&ty)?;
        wire::put_int(&mut self.st.buf, id);
        let start = self.st.buf.len();
        let singleton = ty.kind() != TypeKind::Struct;
        {
            let mut inner = self.child(ty)?;
            if singleton {
                wire::put_uint(&mut inner.st.buf, 0);
            }
            value.encode(&mut inner).map_err(|e| e.at(PathSegment::Concrete(name.to_string())))?;
        }
        // The payload's byte count goes in front of it.
        let count = self.st.buf.len() - start;
        let mut tmp = [0u8; wire::MAX_UINT_LEN];
        let n = wire::encode_uint(&mut tmp, count as u64);
        self.st.buf.splice(start..start, tmp.iter().take(n).copied());
        Ok(())
    }

    /// Encodes `value` (its own `encode`) as this value.
    pub fn value(&mut self, value: &dyn Encode) -> Result<()> {
        value.encode(self)
    }

    fn reborrow(&mut self) -> ValueWriter<'_> {
        ValueWriter { st: &mut *self.st, expected: self.expected.clone(), depth: self.depth }
    }
}

/// Writes the elements of a slice.
#[derive(Debug)]
pub struct SliceWriter<'a> {
    w: ValueWriter<'a>,
    elem: TypeRef,
    len: usize,
    written: usize,
}

impl SliceWriter<'_> {
    /// Writes the next element (zero elements are written too, as in Go).
    pub fn element(&mut self, value: &dyn Encode) -> Result<()> {
        self.element_with(|w| value.encode(w))
    }

    /// Writes the next element with a closure.
    pub fn element_with(&mut self, f: impl FnOnce(&mut ValueWriter<'_>) -> Result<()>) -> Result<()> {
        if self.written >= self.len {
            return Err(Error::invalid(format!("more than the {} announced slice elements", self.len)));
        }
        let index = self.written;
        self.written += 1;
        let mut w = self.w.child(self.elem.clone())?;
        f(&mut w).map_err(|e| e.at(PathSegment::Index(index)))
    }

    /// Checks that every announced element was written.
    pub fn end(self) -> Result<()> {
        if self.written != self.len {
            return Err(Error::invalid(format!(
                "{} slice elements written where {} were announced",
                self.written, self.len
            )));
        }
        Ok(())
    }
}

/// Writes the entries of a map.
#[derive(Debug)]
pub struct MapWriter<'a> {
    w: ValueWriter<'a>,
    key: TypeRef,
    elem: TypeRef,
    len: usize,
    written: usize,
}

impl MapWriter<'_> {
    /// Writes the next entry.
    pub fn entry(&mut self, key: &dyn Encode, value: &dyn Encode) -> Result<()> {
        self.entry_with(|w| key.encode(w), |w| value.encode(w))
    }

    /// Writes the next entry with closures for the key and the value.
    pub fn entry_with(
        &mut self,
        key: impl FnOnce(&mut ValueWriter<'_>) -> Result<()>,
        value: impl FnOnce(&mut ValueWriter<'_>) -> Result<()>,
    ) -> Result<()> {
        if self.written >= self.len {
            return Err(Error::invalid(format!("more than the {} announced map entries", self.len)));
        }
        let index = self.written;
        self.written += 1;
        let at = || PathSegment::Key(format!("<key #{index}>"));
        {
            let mut w = self.w.child(self.key.clone())?;
            key(&mut w).map_err(|e| e.at(at()))?;
        }
        let mut w = self.w.child(self.elem.clone())?;
        value(&mut w).map_err(|e| e.at(at()))
    }

    /// Checks that every announced entry was written.
    pub fn end(self) -> Result<()> {
        if self.written != self.len {
            return Err(Error::invalid(format!(
                "{} map entries written where {} were announced",
                self.written, self.len
            )));
        }
        Ok(())
    }
}

/// Writes the fields of a struct in increasing index order; zero values are omitted.
#[derive(Debug)]
pub struct StructWriter<'a> {
    w: ValueWriter<'a>,
    ty: TypeRef,
    last: isize,
    error: Option<Error>,
}

impl StructWriter<'_> {
    /// Writes field `index` (its position in the Go struct) unless `value` is zero.
    pub fn field(&mut self, index: usize, value: &dyn Encode) -> Result<()> {
        if value.is_zero() {
            return self.check(index).map(drop);
        }
        self.field_with(index, |w| value.encode(w))
    }

    /// Writes field `index` with a closure, even if its value is zero.
    pub fn field_with(
        &mut self,
        index: usize,
        f: impl FnOnce(&mut ValueWriter<'_>) -> Result<()>,
    ) -> Result<()> {
        let field_ty = self.check(index)?;
        let name = self.ty.field_name(index).unwrap_or_default().to_string();
        let delta = (index as isize - self.last) as u64;
        self.last = index as isize;
        wire::put_uint(&mut self.w.st.buf, delta);
        let mut w = self.w.child(field_ty)?;
        f(&mut w).map_err(|e| e.at(PathSegment::Field(name)))
    }

    fn check(&mut self, index: usize) -> Result<TypeRef> {
        if let Some(err) = self.error.take() {
            return Err(err);
        }
        if (index as isize) <= self.last {
            return Err(Error::invalid(format!("struct field {index} written out of order")));
        }
        self.ty
            .field(index)
            .map(|(_, t)| t)
            .ok_or_else(|| Error::invalid(format!("struct {} has no field {index}", self.ty.describe())))
    }

    /// Ends the struct (writes the terminating zero delta).
    pub fn end(mut self) -> Result<()> {
        if let Some(err) = self.error.take() {
            return Err(err);
        }
        wire::put_uint(&mut self.w.st.buf, 0);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;
    use crate::{Interface, Value, builtin};

    fn encode(value: &dyn Encode) -> Vec<u8> {
        let mut out = Vec::new();
        Encoder::new().encode(value, &mut out).unwrap();
        out
    }

    crate::gob_struct! {
        #[derive(Debug, Default)]
        struct Three = "Three" {
            a: i64 = "A",
            b: String = "B",
            c: bool = "C",
        }
    }

    crate::gob_struct! {
        #[derive(Debug, Default)]
        struct Pointers = "Pointers" {
            p: Option<i64> = "P",
            q: Option<Three> = "Q",
        }
    }

    /// Claims `Three`'s type, then panics half-way through its value.
    struct PanicsMidValue;

    impl Encode for PanicsMidValue {
        fn go_type(&self) -> TypeRef {
            Three::default().go_type()
        }

        fn is_zero(&self) -> bool {
            false
        }

        fn encode(&self, w: &mut ValueWriter<'_>) -> Result<()> {
            let _ = w;
            panic!("a broken Encode impl");
        }
    }

    #[test]
    fn a_panicking_value_fails_alone_and_the_stream_goes_on() {
        let mut encoder = Encoder::new();
        let mut out = Vec::new();
        let error = encoder.encode(&PanicsMidValue, &mut out).unwrap_err();
        assert_eq!(error.kind(), ErrorKind::InvalidValue);
        assert!(error.to_string().contains("a broken Encode impl"), "{error}");
        // The type `Three` was not defined on the stream: the next value defines it, as on a
        // fresh stream.
        let three = Three { a: 1, b: "x".into(), c: true };
        let mut next = Vec::new();
        encoder.encode(&three, &mut next).unwrap();
        assert_eq!(next, encode(&three));
    }

    #[test]
    fn top_level_scalars_are_singletons() {
        // Length, type id, delta 0, value.
        assert_eq!(encode(&-65i64), [0x04, 0x04, 0x00, 0xff, 0x81]);
        assert_eq!(encode(&418i32), [0x05, 0x04, 0x00, 0xfe, 0x03, 0x44]);
        assert_eq!(encode(&836u64), [0x05, 0x06, 0x00, 0xfe, 0x03, 0x44]);
        assert_eq!(encode(&7u16), [0x03, 0x06, 0x00, 0x07]);
        assert_eq!(encode(&1.5f64), [0x05, 0x08, 0x00, 0xfe, 0xf8, 0x3f]);
        assert_eq!(encode(&3.25f32), [0x05, 0x08, 0x00, 0xfe, 0x0a, 0x40]);
        assert_eq!(encode(&true), [0x03, 0x02, 0x00, 0x01]);
        assert_eq!(encode(&"hooks"), [0x08, 0x0c, 0x00, 0x05, b'h', b'o', b'o', b'k', b's']);
        assert_eq!(encode(&b"ab".to_vec()), [0x05, 0x0a, 0x00, 0x02, b'a', b'b']);
        // Zero values are sent at top level.
        assert_eq!(encode(&0i64), [0x03, 0x04, 0x00, 0x00]);
    }

    #[test]
    fn struct_fields_are_deltas_and_zero_fields_are_omitted() {
        let out = encode(&Three { a: 0, b: "x".into(), c: true });
        // Definition: struct "Three" {A int; B string; C bool}.
        let def_len = usize::from(out[0]);
        let value = &out[1 + def_len..];
        assert_eq!(value, [0x08, 0xff, 0x80, 0x02, 0x01, b'x', 0x01, 0x01, 0x00]);
    }

    #[test]
    fn pointers_follow_go() {
        // nil and pointers to zero scalars are omitted; a pointer to a struct is sent.
        let out = encode(&Pointers { p: Some(0), q: None });
        assert!(out.ends_with(&[0x03, 0xff, 0x80, 0x00]), "{out:02x?}");
        let out = encode(&Pointers { p: Some(3), q: Some(Three::default()) });
        assert!(out.ends_with(&[0x07, 0xff, 0x80, 0x01, 0x06, 0x01, 0x00, 0x00]), "{out:02x?}");
        // Go refuses a nil pointer at top level.
        let err = Encoder::new().encode(&None::<i64>, &mut Vec::new()).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidValue);
    }

    #[test]
    fn interface_values_match_go() {
        let props: HashMap<String, Option<Interface>> =
            HashMap::from([("count".into(), Some(Interface::int(2)))]);
        let out = encode(&props);
        // map[string]interface {} defined as id 64, then the value; the entry is byte for
        // byte what the stock server sent for Props["count"].
        assert_eq!(
            out,
            [
                0x0d, 0x7f, 0x04, 0x01, 0x02, 0xff, 0x80, 0x00, 0x01, 0x0c, 0x01, 0x10, 0x00, 0x00, //
                0x12, 0xff, 0x80, 0x00, 0x01, 0x05, b'c', b'o', b'u', b'n', b't', 0x03, b'i', b'n', b't',
                0x04, 0x02, 0x00, 0x04,
            ]
        );
    }

    #[test]
    fn nil_interfaces_and_nil_elements() {
        let items: Vec<Option<Interface>> = vec![None, Some(Interface::bool(true))];
        let out = encode(&items);
        let def_len = usize::from(out[0]);
        let value = &out[1 + def_len..];
        // id 64, singleton, 2 elements: nil, then "bool" id 1 count 2 payload `00 01`.
        assert_eq!(
            value,
            [0x0e, 0xff, 0x80, 0x00, 0x02, 0x00, 0x04, b'b', b'o', b'o', b'l', 0x02, 0x02, 0x00, 0x01]
        );
        // A nil pointer element is an error, as in Go.
        let err = Encoder::new().encode(&vec![None::<i64>], &mut Vec::new()).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidValue);
        assert_eq!(err.path_string(), "<value>[0]");
    }

    #[test]
    fn types_are_defined_once_per_stream() {
        let mut enc = Encoder::new();
        let mut first = Vec::new();
        enc.encode(&Three { a: 1, ..Three::default() }, &mut first).unwrap();
        let mut second = Vec::new();
        enc.encode(&Three { a: 1, ..Three::default() }, &mut second).unwrap();
        assert!(first.len() > second.len());
        assert!(first.ends_with(&second));
        assert_eq!(enc.defined_types(), 1);
        // The same shape under another identity reuses the definition.
        let dynamic = TypeRef::new_slice("", TypeRef::Static(&builtin::STRING));
        let mut a = Vec::new();
        enc.encode(&vec!["x".to_string()], &mut a).unwrap();
        let mut b = Vec::new();
        enc.encode(&Value::Slice(dynamic, vec![Value::String("x".into())]), &mut b).unwrap();
        assert!(a.len() > b.len() && a.ends_with(&b), "{a:02x?} {b:02x?}");
        assert_eq!(enc.defined_types(), 2);
    }

    #[test]
    fn a_failed_encode_changes_nothing() {
        let mut enc = Encoder::new();
        let bad = Value::Slice(
            TypeRef::Static(&builtin::SLICE_OF_STRING),
            vec![Value::String("ok".into()), Value::Int(1)],
        );
        let mut out = vec![0xaa];
        let err = enc.encode(&bad, &mut out).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidValue);
        assert_eq!(err.path_string(), "[]string[1]");
        assert_eq!(out, [0xaa]);
        assert_eq!(enc.defined_types(), 0);
        let mut good = Vec::new();
        enc.encode(&vec!["ok".to_string()], &mut good).unwrap();
        assert_eq!(good[1], 0x7f, "the first type still gets id 64");
    }

    #[test]
    fn writers_check_counts_and_kinds() {
        struct Liar;
        impl Encode for Liar {
            fn go_type(&self) -> TypeRef {
                TypeRef::Static(&builtin::SLICE_OF_STRING)
            }
            fn encode(&self, w: &mut ValueWriter<'_>) -> Result<()> {
                let mut s = w.slice(2)?;
                s.element(&"only one")?;
                s.end()
            }
            fn is_zero(&self) -> bool {
                false
            }
        }
        let err = Encoder::new().encode(&Liar, &mut Vec::new()).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidValue);

        struct WrongKind;
        impl Encode for WrongKind {
            fn go_type(&self) -> TypeRef {
                TypeRef::Static(&builtin::STRING)
            }
            fn encode(&self, w: &mut ValueWriter<'_>) -> Result<()> {
                w.struct_fields().end()
            }
            fn is_zero(&self) -> bool {
                false
            }
        }
        assert!(Encoder::new().encode(&WrongKind, &mut Vec::new()).is_err());
        // An interface needs a registered name and cannot hold another interface.
        assert!(Encoder::new().encode(&Interface::new("", Value::Int(1)), &mut Vec::new()).is_err());
        let nested = Interface::new("x", Value::Interface(None));
        assert!(Encoder::new().encode(&Some(nested), &mut Vec::new()).is_err());
    }

    #[test]
    fn depth_is_limited() {
        let mut v = Interface::int(1);
        for _ in 0..60 {
            v = Interface::slice(vec![Some(v)]);
        }
        let mut out = Vec::new();
        assert_eq!(
            Encoder::new().encode(&Some(v.clone()), &mut out).unwrap_err().kind(),
            ErrorKind::LimitExceeded
        );
        Encoder::new().with_max_depth(1000).encode(&Some(v), &mut out).unwrap();
    }
}
