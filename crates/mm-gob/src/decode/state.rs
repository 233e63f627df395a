//! The state of one decode call: the message being read, the peer's type definitions, and
//! what to undo when the value turns out to continue in a message not received yet.

use std::collections::{HashMap, VecDeque};
use std::sync::Arc;

use bytes::Bytes;

use super::{Decoder, Limits};
use crate::builtin;
use crate::error::{Error, ErrorKind, Result};
use crate::types::{Child, DynKind, DynNode, DynType, OpaqueKind, TypeGraph, TypeRef};
use crate::wire;

/// Go's first user type id; lower ids are predefined.
const FIRST_USER_ID: i64 = 64;
/// Go refuses interface names longer than this.
pub(crate) const MAX_INTERFACE_NAME: u64 = 1024;
/// Marks a wire field the Rust side does not know in a decoding plan.
pub(crate) const UNKNOWN_FIELD: u16 = u16::MAX;

/// A type defined by the peer (`wireType`).
#[derive(Debug)]
pub(crate) struct WireType {
    pub(crate) name: Box<str>,
    pub(crate) shape: Shape,
}

#[derive(Debug)]
pub(crate) enum Shape {
    Array { elem: i64, len: usize },
    Slice { elem: i64 },
    Struct { fields: Box<[(Box<str>, i64)]> },
    Map { key: i64, elem: i64 },
    Opaque(OpaqueKind),
}

/// The wire type of a value being read.
#[derive(Debug, Clone)]
pub(crate) enum Wire {
    Bool,
    Int,
    Uint,
    Float,
    Bytes,
    String,
    Complex,
    Interface,
    Defined(i64, Arc<WireType>),
}

impl Wire {
    pub(crate) fn is_struct(&self) -> bool {
        matches!(self, Wire::Defined(_, t) if matches!(t.shape, Shape::Struct { .. }))
    }
}

/// What a decoder keeps between calls.
#[derive(Debug, Default)]
pub(crate) struct Tables {
    pub(crate) types: HashMap<i64, Arc<WireType>>,
    /// (wire struct id, address and length of the Rust field-name list) -> wire field -> index.
    pub(crate) plans: HashMap<(i64, usize, usize), Arc<[u16]>>,
    /// Wire type id -> the type a decoded `Value` of it carries.
    pub(crate) dyn_types: HashMap<i64, TypeRef>,
}

pub(crate) struct State {
    pub(crate) limits: Limits,
    pub(crate) tables: Tables,
    queue: VecDeque<Bytes>,
    msg: Bytes,
    pos: usize,
    /// Every message taken from the queue during this call, in order, to put back on rollback.
    taken: Vec<Bytes>,
    /// Type ids defined during this call, to forget on rollback.
    added: Vec<i64>,
    /// An error met while skipping a value nobody read (reported when the decode ends).
    pub(crate) deferred: Option<Error>,
    /// Set once the read position can no longer be trusted; stops implicit skipping.
    pub(crate) poisoned: bool,
}

impl State {
    pub(crate) fn begin(decoder: &mut Decoder, queue: &mut crate::MessageQueue) -> State {
        State {
            limits: decoder.limits.clone(),
            tables: std::mem::take(&mut decoder.tables),
            queue: queue.take(),
            msg: Bytes::new(),
            pos: 0,
            taken: Vec::new(),
            added: Vec::new(),
            deferred: None,
            poisoned: false,
        }
    }

    /// Keeps everything this call consumed and defined.
    pub(crate) fn commit(self, decoder: &mut Decoder, queue: &mut crate::MessageQueue) {
        decoder.tables = self.tables;
        queue.restore(self.queue);
    }

    /// Puts the decoder and the queue back as they were before this call.
    pub(crate) fn rollback(mut self, decoder: &mut Decoder, queue: &mut crate::MessageQueue) {
        if !self.added.is_empty() {
            for id in &self.added {
                self.tables.types.remove(id);
            }
            let added = &self.added;
            self.tables.plans.retain(|(id, _, _), _| !added.contains(id));
            // A cached graph may reach a forgotten definition; rebuilding is cheap and rare.
            self.tables.dyn_types.clear();
        }
        for message in self.taken.into_iter().rev() {
            self.queue.push_front(message);
        }
        decoder.tables = self.tables;
        queue.restore(self.queue);
    }

    fn fail(&mut self, err: Error) -> Error {
        self.poisoned = true;
        err
    }

    pub(crate) fn remaining(&self) -> usize {
        self.msg.len().saturating_sub(self.pos)
    }

    /// Makes the next queued message current.
    pub(crate) fn next_message(&mut self) -> Result<()> {
        let Some(message) = self.queue.pop_front() else {
            return Err(self.fail(Error::incomplete()));
        };
        self.taken.push(message.clone());
        if message.is_empty() {
            return Err(self.fail(Error::corrupt("empty gob message")));
        }
        if message.len() > self.limits.max_message_len {
            let limit = self.limits.max_message_len;
            return Err(self.fail(Error::new(
                ErrorKind::LimitExceeded,
                format!("message of {} bytes exceeds the limit of {limit} bytes", message.len()),
            )));
        }
        self.msg = message;
        self.pos = 0;
        Ok(())
    }

    /// The index of the current message among those taken, and the read position.
    pub(crate) fn position(&self) -> (usize, usize) {
        (self.taken.len(), self.pos)
    }

    /// The bytes of a message taken during this call, from `position()`.
    pub(crate) fn bytes_at(&self, position: (usize, usize)) -> &[u8] {
        let (message, pos) = position;
        message.checked_sub(1).and_then(|i| self.taken.get(i)).and_then(|m| m.get(pos..)).unwrap_or_default()
    }

    pub(crate) fn uint(&mut self) -> Result<u64> {
        wire::read_uint(&self.msg, &mut self.pos).map_err(|e| self.fail(e))
    }

    pub(crate) fn int(&mut self) -> Result<i64> {
        self.uint().map(wire::uint_to_int)
    }

    /// Reads a length and checks it against the rest of the message.
    pub(crate) fn length(&mut self, what: &str) -> Result<usize> {
        let n = self.uint()?;
        if n > self.remaining() as u64 {
            let remaining = self.remaining();
            return Err(self.fail(Error::corrupt(format!(
                "{what} of {n} bytes exceeds the {remaining} bytes left in the message"
            ))));
        }
        Ok(n as usize)
    }

    /// Takes `n` bytes (already checked by [`State::length`]).
    pub(crate) fn take(&mut self, n: usize) -> Result<Bytes> {
        let end = self.pos.checked_add(n).filter(|end| *end <= self.msg.len());
        let Some(end) = end else {
            return Err(self.fail(Error::corrupt("unexpected end of message")));
        };
        let out = self.msg.slice(self.pos..end);
        self.pos = end;
        Ok(out)
    }

    /// A length-prefixed byte string.
    pub(crate) fn byte_string(&mut self, what: &str) -> Result<Bytes> {
        let n = self.length(what)?;
        self.take(n)
    }

    /// Errors unless the message still holds data (Go's check before every element, which
    /// also guarantees progress on lying element counts).
    pub(crate) fn expect_more(&mut self, what: &str) -> Result<()> {
        if self.remaining() == 0 {
            return Err(self.fail(Error::corrupt(format!("{what}: element count exceeds the message"))));
        }
        Ok(())
    }

    pub(crate) fn check_depth(&mut self, depth: usize) -> Result<()> {
        if depth > self.limits.max_depth {
            let limit = self.limits.max_depth;
            return Err(self.fail(Error::new(
                ErrorKind::LimitExceeded,
                format!("values nested deeper than the limit of {limit}"),
            )));
        }
        Ok(())
    }

    /// Reads the type definitions before a top-level value and returns the value's type id.
    pub(crate) fn top_level_type(&mut self) -> Result<i64> {
        loop {
            self.next_message()?;
            let id = self.int()?;
            if id >= 0 {
                return Ok(id);
            }
            self.define(id)?;
            if self.remaining() > 0 {
                return Err(self.fail(Error::corrupt("extra data after a type definition")));
            }
        }
    }

    /// Reads the type sequence of an interface value, which may define types inline and
    /// continue in the next message (PROTOCOL.md §2.2 and §2.5).
    pub(crate) fn interface_type(&mut self) -> Result<i64> {
        loop {
            if self.remaining() == 0 {
                self.next_message()?;
            }
            let id = self.int()?;
            if id >= 0 {
                return Ok(id);
            }
            self.define(id)?;
            // A definition nested in another interface's payload is followed by the byte
            // count of the payload's next chunk; Go skips it, so do we.
            if self.remaining() > 0 {
                self.uint()?;
            }
        }
    }

    /// Resolves a type id of a value.
    pub(crate) fn resolve(&mut self, id: i64) -> Result<Wire> {
        Ok(match id {
            1 => Wire::Bool,
            2 => Wire::Int,
            3 => Wire::Uint,
            4 => Wire::Float,
            5 => Wire::Bytes,
            6 => Wire::String,
            7 => Wire::Complex,
            8 => Wire::Interface,
            _ => match self.tables.types.get(&id) {
                Some(t) => Wire::Defined(id, t.clone()),
                None => return Err(self.fail(Error::corrupt(format!("undefined type id {id}")))),
            },
        })
    }

    /// Reads a type definition for `-negative_id` (the rest of a `wireType` message).
    fn define(&mut self, negative_id: i64) -> Result<()> {
        let id = negative_id.checked_neg().unwrap_or(i64::MAX);
        if !(FIRST_USER_ID..=i64::from(i32::MAX)).contains(&id) {
            return Err(self.fail(Error::corrupt(format!("type definition for invalid id {id}"))));
        }
        if self.tables.types.contains_key(&id) {
            return Err(self.fail(Error::corrupt(format!("duplicate definition of type id {id}"))));
        }
        if self.tables.types.len() >= self.limits.max_types {
            let limit = self.limits.max_types;
            return Err(self.fail(Error::new(
                ErrorKind::LimitExceeded,
                format!("more than {limit} type definitions on one stream"),
            )));
        }
        let wire_type = self.wire_type()?;
        tracing::trace!(id, name = &*wire_type.name, "gob type defined");
        self.tables.types.insert(id, Arc::new(wire_type));
        self.added.push(id);
        Ok(())
    }

    /// Walks the fields of a struct in a type definition; `f` reads the field's value.
    fn def_struct(&mut self, mut f: impl FnMut(&mut State, u64) -> Result<()>) -> Result<()> {
        let mut field: u64 = 0;
        let mut first = true;
        // Like Go, the end of the message also ends a struct.
        while self.remaining() > 0 {
            let delta = self.uint()?;
            if delta == 0 {
                break;
            }
            field = if first { delta - 1 } else { field.saturating_add(delta) };
            first = false;
            f(self, field)?;
        }
        Ok(())
    }

    fn def_type_id(&mut self) -> Result<i64> {
        let id = self.int()?;
        if id <= 0 || id > i64::from(i32::MAX) {
            return Err(self.fail(Error::corrupt(format!("invalid type id {id} in a type definition"))));
        }
        Ok(id)
    }

    fn def_common(&mut self, name: &mut Box<str>) -> Result<()> {
        self.def_struct(|st, field| match field {
            0 => {
                let bytes = st.byte_string("type name")?;
                *name = String::from_utf8_lossy(&bytes).into();
                Ok(())
            }
            1 => st.int().map(drop),
            _ => Err(st.fail(Error::corrupt("unknown field in CommonType"))),
        })
    }

    fn wire_type(&mut self) -> Result<WireType> {
        let mut name: Box<str> = "".into();
        let mut shape = None;
        self.def_struct(|st, field| {
            if shape.is_some() {
                return Err(st.fail(Error::corrupt("type definition with more than one kind")));
            }
            shape = Some(match field {
                0 => {
                    let (mut elem, mut len) = (0, 0);
                    st.def_struct(|st, f| match f {
                        0 => st.def_common(&mut name),
                        1 => st.def_type_id().map(|id| elem = id),
                        2 => {
                            let n = st.int()?;
                            len = usize::try_from(n).ok().filter(|n| *n <= i32::MAX as usize).ok_or_else(
                                || st.fail(Error::corrupt(format!("invalid array length {n}"))),
                            )?;
                            Ok(())
                        }
                        _ => Err(st.fail(Error::corrupt("unknown field in arrayType"))),
                    })?;
                    Shape::Array { elem, len }
                }
                1 => {
                    let mut elem = 0;
                    st.def_struct(|st, f| match f {
                        0 => st.def_common(&mut name),
                        1 => st.def_type_id().map(|id| elem = id),
                        _ => Err(st.fail(Error::corrupt("unknown field in sliceType"))),
                    })?;
                    Shape::Slice { elem }
                }
                2 => {
                    let mut fields = Vec::new();
                    st.def_struct(|st, f| match f {
                        0 => st.def_common(&mut name),
                        1 => {
                            let count = st.uint()?;
                            // Each field takes at least one byte: bound the allocation by the message.
                            fields.reserve(count.min(st.remaining() as u64).min(256) as usize);
                            for _ in 0..count {
                                st.expect_more("struct fields")?;
                                let (mut fname, mut fid): (Box<str>, i64) = ("".into(), 0);
                                st.def_struct(|st, g| match g {
                                    0 => {
                                        let bytes = st.byte_string("field name")?;
                                        fname = String::from_utf8_lossy(&bytes).into();
                                        Ok(())
                                    }
                                    1 => st.def_type_id().map(|id| fid = id),
                                    _ => Err(st.fail(Error::corrupt("unknown field in fieldType"))),
                                })?;
                                fields.push((fname, fid));
                            }
                            Ok(())
                        }
                        _ => Err(st.fail(Error::corrupt("unknown field in structType"))),
                    })?;
                    Shape::Struct { fields: fields.into() }
                }
                3 => {
                    let (mut key, mut elem) = (0, 0);
                    st.def_struct(|st, f| match f {
                        0 => st.def_common(&mut name),
                        1 => st.def_type_id().map(|id| key = id),
                        2 => st.def_type_id().map(|id| elem = id),
                        _ => Err(st.fail(Error::corrupt("unknown field in mapType"))),
                    })?;
                    Shape::Map { key, elem }
                }
                4..=6 => {
                    st.def_struct(|st, f| match f {
                        0 => st.def_common(&mut name),
                        _ => Err(st.fail(Error::corrupt("unknown field in gobEncoderType"))),
                    })?;
                    Shape::Opaque(match field {
                        4 => OpaqueKind::GobEncoder,
                        5 => OpaqueKind::BinaryMarshaler,
                        _ => OpaqueKind::TextMarshaler,
                    })
                }
                _ => return Err(st.fail(Error::corrupt(format!("unknown wireType field {field}")))),
            });
            Ok(())
        })?;
        let Some(shape) = shape else {
            return Err(self.fail(Error::corrupt("empty type definition")));
        };
        let missing = match &shape {
            Shape::Array { elem, .. } | Shape::Slice { elem } => *elem == 0,
            Shape::Map { key, elem } => *key == 0 || *elem == 0,
            Shape::Struct { fields } => fields.iter().any(|(_, id)| *id == 0),
            Shape::Opaque(_) => false,
        };
        if missing {
            return Err(self.fail(Error::corrupt("type definition without an element type")));
        }
        Ok(WireType { name, shape })
    }

    /// Skips one value of type `wire` at nesting `depth`.
    pub(crate) fn skip_value(&mut self, wire: &Wire, depth: usize) -> Result<()> {
        self.check_depth(depth)?;
        match wire {
            Wire::Bool | Wire::Int | Wire::Uint | Wire::Float => self.uint().map(drop),
            Wire::Complex => {
                self.uint()?;
                self.uint().map(drop)
            }
            Wire::Bytes | Wire::String => self.byte_string("string").map(drop),
            Wire::Interface => self.skip_interface(depth),
            Wire::Defined(_, t) => match &t.shape {
                Shape::Opaque(_) => self.byte_string("marshalled value").map(drop),
                Shape::Array { elem, len } => {
                    let n = self.uint()?;
                    if n != *len as u64 {
                        return Err(self.fail(Error::corrupt(format!(
                            "array of {n} elements where the type says {len}"
                        ))));
                    }
                    let elem = self.resolve(*elem)?;
                    self.skip_elements(&elem, n, depth)
                }
                Shape::Slice { elem } => {
                    let n = self.uint()?;
                    let elem = self.resolve(*elem)?;
                    self.skip_elements(&elem, n, depth)
                }
                Shape::Map { key, elem } => {
                    let n = self.uint()?;
                    let (key, elem) = (self.resolve(*key)?, self.resolve(*elem)?);
                    for _ in 0..n {
                        self.expect_more("map")?;
                        self.skip_value(&key, depth + 1)?;
                        self.skip_value(&elem, depth + 1)?;
                    }
                    Ok(())
                }
                Shape::Struct { fields } => {
                    let mut field: i64 = -1;
                    while self.remaining() > 0 {
                        let delta = self.uint()?;
                        if delta == 0 {
                            break;
                        }
                        field = next_field(field, delta, fields.len()).ok_or_else(|| {
                            self.fail(Error::corrupt(format!("field number out of range in {}", t.name)))
                        })?;
                        let id = fields.get(field as usize).map_or(0, |f| f.1);
                        let wire = self.resolve(id)?;
                        self.skip_value(&wire, depth + 1)?;
                    }
                    Ok(())
                }
            },
        }
    }

    fn skip_elements(&mut self, elem: &Wire, n: u64, depth: usize) -> Result<()> {
        for _ in 0..n {
            self.expect_more("slice")?;
            self.skip_value(elem, depth + 1)?;
        }
        Ok(())
    }

    /// Reads an interface's name, type sequence and byte count; `None` for a nil interface.
    /// On return the reader is at the concrete value (after the singleton delta).
    pub(crate) fn interface_header(&mut self) -> Result<Option<(Bytes, i64, Wire)>> {
        let n = self.uint()?;
        if n == 0 {
            return Ok(None);
        }
        if n > MAX_INTERFACE_NAME {
            return Err(self.fail(Error::corrupt(format!("interface type name of {n} bytes"))));
        }
        if n > self.remaining() as u64 {
            return Err(self.fail(Error::corrupt("interface type name exceeds the message")));
        }
        let name = self.take(n as usize)?;
        let id = self.interface_type()?;
        // The payload's byte count: only a skipper that trusts it needs it, and Go's split
        // layout makes it unreliable, so values are always walked instead.
        self.uint()?;
        let wire = self.resolve(id)?;
        if matches!(wire, Wire::Interface) {
            return Err(self.fail(Error::corrupt("an interface's concrete type cannot be an interface")));
        }
        self.singleton_prefix(&wire)?;
        Ok(Some((name, id, wire)))
    }

    /// A non-struct value at top level or in an interface is a one-field struct: delta 0.
    pub(crate) fn singleton_prefix(&mut self, wire: &Wire) -> Result<()> {
        if !wire.is_struct() {
            let delta = self.uint()?;
            if delta != 0 {
                return Err(self.fail(Error::corrupt("non-zero delta for a singleton value")));
            }
        }
        Ok(())
    }

    fn skip_interface(&mut self, depth: usize) -> Result<()> {
        if let Some((_, _, wire)) = self.interface_header()? {
            self.skip_value(&wire, depth + 1)?;
        }
        Ok(())
    }

    /// The decoding plan of a wire struct for a list of Rust-side field names.
    pub(crate) fn plan(&mut self, id: i64, wire: &WireType, names: &'static [&'static str]) -> Arc<[u16]> {
        let key = (id, names.as_ptr() as usize, names.len());
        if let Some(plan) = self.tables.plans.get(&key) {
            return plan.clone();
        }
        let Shape::Struct { fields } = &wire.shape else {
            return Arc::from(Vec::new());
        };
        let plan: Arc<[u16]> = fields
            .iter()
            .map(|(name, _)| {
                names
                    .iter()
                    .position(|n| **n == **name)
                    .and_then(|i| u16::try_from(i).ok())
                    .filter(|i| *i != UNKNOWN_FIELD)
                    .unwrap_or(UNKNOWN_FIELD)
            })
            .collect();
        self.tables.plans.insert(key, plan.clone());
        plan
    }

    /// The type a decoded [`Value`](crate::Value) of wire type `id` carries.
    pub(crate) fn dyn_type(&mut self, id: i64) -> Result<TypeRef> {
        if let Some(ty) = builtin::for_wire_id(id) {
            return Ok(TypeRef::Static(ty));
        }
        if let Some(ty) = self.tables.dyn_types.get(&id) {
            return Ok(ty.clone());
        }
        let graph = self.build_graph(id)?;
        let ty = TypeRef::Dynamic(DynType::new(Arc::new(graph), 0));
        self.tables.dyn_types.insert(id, ty.clone());
        Ok(ty)
    }

    /// Every definition reachable from `root`, as nodes indexed in discovery order.
    fn build_graph(&mut self, root: i64) -> Result<TypeGraph> {
        let mut index_of: HashMap<i64, u32> = HashMap::new();
        let mut order = vec![root];
        index_of.insert(root, 0);
        let mut nodes = Vec::new();
        let mut i = 0;
        while let Some(&id) = order.get(i) {
            i += 1;
            let Some(wire) = self.tables.types.get(&id).cloned() else {
                return Err(self.fail(Error::corrupt(format!("undefined type id {id}"))));
            };
            let mut child = |cid: i64| -> Result<Child> {
                if let Some(ty) = builtin::for_wire_id(cid) {
                    return Ok(Child::Type(TypeRef::Static(ty)));
                }
                if let Some(index) = index_of.get(&cid) {
                    return Ok(Child::Local(*index));
                }
                let index = u32::try_from(order.len())
                    .map_err(|_| Error::new(ErrorKind::LimitExceeded, "type graph too large"))?;
                index_of.insert(cid, index);
                order.push(cid);
                Ok(Child::Local(index))
            };
            let kind = match &wire.shape {
                Shape::Array { elem, len } => DynKind::Array(*len, child(*elem)?),
                Shape::Slice { elem } => DynKind::Slice(child(*elem)?),
                Shape::Map { key, elem } => DynKind::Map(child(*key)?, child(*elem)?),
                Shape::Struct { fields } => DynKind::Struct(
                    fields.iter().map(|(n, id)| Ok((n.to_string(), child(*id)?))).collect::<Result<_>>()?,
                ),
                Shape::Opaque(k) => DynKind::Opaque(*k),
            };
            nodes.push(DynNode { name: wire.name.to_string(), kind });
            if order.len() > self.limits.max_types {
                return Err(self.fail(Error::new(ErrorKind::LimitExceeded, "type graph too large")));
            }
        }
        Ok(TypeGraph { nodes })
    }
}

/// The field number after `current` moved by `delta`, if it is below `count`.
pub(crate) fn next_field(current: i64, delta: u64, count: usize) -> Option<i64> {
    let delta = i64::try_from(delta).ok()?;
    let next = current.checked_add(delta)?;
    (next < count as i64).then_some(next)
}
