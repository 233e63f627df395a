//! Type descriptors: what the encoder describes in type definitions, and what a decoded
//! [`Value`](crate::Value) remembers of the type it came with.
//!
//! Typed Rust values describe their Go type with a `static` [`GoType`]; children are reached
//! through `fn() -> &'static GoType` so recursive types (`CommandResponse.ExtraResponses
//! []*CommandResponse`) can be written. Dynamic values (decoded without a schema, or built at
//! run time) use a [`TypeRef::Dynamic`] that points into a shared, immutable type graph.
//!
//! Either form is a [`TypeRef`]. Two `TypeRef`s are equal when they describe the same wire
//! structure; Go's `CommonType.Name` is informational on the wire and ignored by the comparison.

use std::collections::HashSet;
use std::fmt;
use std::sync::Arc;

/// A Go type as gob describes it: an informational name and a kind.
///
/// Declare one `static` per Go type; the encoder recognises a type it already defined on a
/// stream by the address of its `GoType` (unnamed slices, arrays and maps are recognised by
/// structure, as in Go).
#[derive(Debug)]
pub struct GoType {
    /// Go's `CommonType.Name`, informational (`""` is allowed and common).
    pub name: &'static str,
    /// The shape of the type.
    pub kind: Kind,
}

/// The shape of a [`GoType`].
#[derive(Debug, Clone, Copy)]
pub enum Kind {
    /// `bool` (wire type id 1).
    Bool,
    /// Any signed integer (`int`, `int8` ... `int64`; wire type id 2).
    Int,
    /// Any unsigned integer (`uint`, `uint16` ... `uint64`, `uintptr`; wire type id 3).
    Uint,
    /// `float32` or `float64` (wire type id 4).
    Float,
    /// `complex64` or `complex128` (wire type id 7).
    Complex,
    /// `string` (wire type id 6).
    String,
    /// `[]byte` (wire type id 5).
    Bytes,
    /// Any interface type (wire type id 8); the concrete value travels with its registered name.
    Interface,
    /// A slice of the element type.
    Slice(fn() -> &'static GoType),
    /// An array of the given length and element type.
    Array(usize, fn() -> &'static GoType),
    /// A map from the key type to the element type.
    Map(fn() -> &'static GoType, fn() -> &'static GoType),
    /// A struct with these exported fields, in declaration order.
    Struct(&'static [Field]),
    /// A type that marshals itself (GobEncoder, BinaryMarshaler): opaque bytes on the wire.
    Opaque(OpaqueKind),
}

/// A struct field of a [`GoType`].
#[derive(Debug)]
pub struct Field {
    /// The Go field name (the wire contract: gob matches fields by name).
    pub name: &'static str,
    /// The field's type.
    pub ty: fn() -> &'static GoType,
}

/// How a type that marshals itself was described on the wire (Go checks that the sender and
/// the receiver agree).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum OpaqueKind {
    /// `GobEncoder` (`time.Time`).
    GobEncoder,
    /// `encoding.BinaryMarshaler` (`url.URL`).
    BinaryMarshaler,
    /// `encoding.TextMarshaler`. Go's encoder never produces it; accepted for completeness.
    TextMarshaler,
}

/// The kind of a type without its children: what a [`TypeRef`] or a wire value is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum TypeKind {
    /// `bool`.
    Bool,
    /// A signed integer.
    Int,
    /// An unsigned integer.
    Uint,
    /// A float.
    Float,
    /// A complex number.
    Complex,
    /// A string.
    String,
    /// `[]byte`.
    Bytes,
    /// An interface.
    Interface,
    /// A slice.
    Slice,
    /// An array of this length.
    Array(usize),
    /// A map.
    Map,
    /// A struct.
    Struct,
    /// Opaque marshalled bytes.
    Opaque(OpaqueKind),
}

impl fmt::Display for TypeKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TypeKind::Bool => f.write_str("bool"),
            TypeKind::Int => f.write_str("int"),
            TypeKind::Uint => f.write_str("uint"),
            TypeKind::Float => f.write_str("float"),
            TypeKind::Complex => f.write_str("complex"),
            TypeKind::String => f.write_str("string"),
            TypeKind::Bytes => f.write_str("[]byte"),
            TypeKind::Interface => f.write_str("interface"),
            TypeKind::Slice => f.write_str("slice"),
            TypeKind::Array(n) => write!(f, "array[{n}]"),
            TypeKind::Map => f.write_str("map"),
            TypeKind::Struct => f.write_str("struct"),
            TypeKind::Opaque(OpaqueKind::GobEncoder) => f.write_str("GobEncoder"),
            TypeKind::Opaque(OpaqueKind::BinaryMarshaler) => f.write_str("BinaryMarshaler"),
            TypeKind::Opaque(OpaqueKind::TextMarshaler) => f.write_str("TextMarshaler"),
        }
    }
}

/// Rust types whose Go type is known without a value: needed for the elements of `Vec<T>`,
/// the keys and values of maps, and struct fields.
pub trait StaticType {
    /// The Go type of every value of this Rust type.
    fn static_type() -> &'static GoType;
}

/// Encodes and decodes a field whose Rust type is not the Go type's natural counterpart: a
/// prost enum (`i32`) that Go sends as a string, a timestamp kept as `i64` that Go sends as
/// a `time.Time`... Name the codec in [`gob_impl!`](crate::gob_impl) or
/// [`gob_struct!`](crate::gob_struct) with `field: Type = "GoName" with Codec`.
///
/// ```
/// use mm_gob::{FieldCodec, GoType, Result, ValueReader, ValueWriter, builtin};
///
/// /// A prost enum (`i32`) that Go declares as a string type.
/// struct ChannelType;
///
/// impl FieldCodec<i32> for ChannelType {
///     fn static_type() -> &'static GoType {
///         &builtin::STRING
///     }
///     fn is_zero(value: &i32) -> bool {
///         *value == 0
///     }
///     fn encode(value: &i32, w: &mut ValueWriter<'_>) -> Result<()> {
///         w.string(if *value == 1 { "O" } else { "P" });
///         Ok(())
///     }
///     fn decode_into(value: &mut i32, r: &mut ValueReader<'_>) -> Result<()> {
///         *value = if r.string()? == "O" { 1 } else { 2 };
///         Ok(())
///     }
/// }
///
/// #[derive(Debug, Default, PartialEq)]
/// struct Channel { id: String, r#type: i32 }
///
/// mm_gob::gob_impl! {
///     Channel = "Channel" {
///         id: String = "Id",
///         r#type: i32 = "Type" with ChannelType,
///     }
/// }
///
/// let channel = Channel { id: "c1".into(), r#type: 1 };
/// let value = mm_gob::Value::from_encode(&channel).unwrap();
/// assert_eq!(value.field("Type").and_then(mm_gob::Value::as_str), Some("O"));
/// assert_eq!(value.to_typed::<Channel>().unwrap(), channel);
/// ```
pub trait FieldCodec<T> {
    /// The Go type the field is sent as.
    fn static_type() -> &'static GoType;
    /// Whether the value is Go's zero value (the field is then omitted).
    fn is_zero(value: &T) -> bool;
    /// Writes the value.
    fn encode(value: &T, w: &mut crate::ValueWriter<'_>) -> crate::Result<()>;
    /// Reads the value into the field.
    fn decode_into(value: &mut T, r: &mut crate::ValueReader<'_>) -> crate::Result<()>;
}

/// A Go type, static or dynamic.
#[derive(Clone)]
pub enum TypeRef {
    /// A type declared in Rust as a `static` [`GoType`].
    Static(&'static GoType),
    /// A type built at run time: decoded from a peer's definitions, or made with the
    /// `TypeRef::new_*` constructors.
    Dynamic(DynType),
}

/// A node in a shared type graph (see [`TypeRef::Dynamic`]).
#[derive(Clone)]
pub struct DynType {
    graph: Arc<TypeGraph>,
    index: u32,
}

/// An immutable set of type nodes that refer to each other by index (so recursive wire types
/// can be represented without reference cycles).
#[derive(Debug)]
pub(crate) struct TypeGraph {
    pub(crate) nodes: Vec<DynNode>,
}

#[derive(Debug)]
pub(crate) struct DynNode {
    pub(crate) name: String,
    pub(crate) kind: DynKind,
}

#[derive(Debug)]
pub(crate) enum DynKind {
    Slice(Child),
    Array(usize, Child),
    Map(Child, Child),
    Struct(Vec<(String, Child)>),
    Opaque(OpaqueKind),
}

/// A reference from a node to another type: elsewhere, or another node of the same graph.
#[derive(Debug, Clone)]
pub(crate) enum Child {
    Type(TypeRef),
    Local(u32),
}

impl fmt::Debug for TypeRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.describe())
    }
}

impl fmt::Debug for DynType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&TypeRef::Dynamic(self.clone()).describe())
    }
}

impl From<&'static GoType> for TypeRef {
    fn from(ty: &'static GoType) -> Self {
        TypeRef::Static(ty)
    }
}

impl DynType {
    pub(crate) fn new(graph: Arc<TypeGraph>, index: u32) -> Self {
        DynType { graph, index }
    }

    fn node(&self) -> Option<&DynNode> {
        self.graph.nodes.get(self.index as usize)
    }

    fn child(&self, child: &Child) -> TypeRef {
        match child {
            Child::Type(ty) => ty.clone(),
            Child::Local(index) => TypeRef::Dynamic(DynType { graph: self.graph.clone(), index: *index }),
        }
    }

    /// Identity of the node (graph address, index), used by the encoder's type table.
    pub(crate) fn identity(&self) -> (usize, u32) {
        (Arc::as_ptr(&self.graph) as usize, self.index)
    }

    pub(crate) fn graph(&self) -> &Arc<TypeGraph> {
        &self.graph
    }
}

fn single_node(name: String, kind: DynKind) -> TypeRef {
    TypeRef::Dynamic(DynType { graph: Arc::new(TypeGraph { nodes: vec![DynNode { name, kind }] }), index: 0 })
}

impl TypeRef {
    /// A slice type built at run time.
    pub fn new_slice(name: impl Into<String>, elem: TypeRef) -> TypeRef {
        single_node(name.into(), DynKind::Slice(Child::Type(elem)))
    }

    /// An array type built at run time.
    pub fn new_array(name: impl Into<String>, len: usize, elem: TypeRef) -> TypeRef {
        single_node(name.into(), DynKind::Array(len, Child::Type(elem)))
    }

    /// A map type built at run time.
    pub fn new_map(name: impl Into<String>, key: TypeRef, elem: TypeRef) -> TypeRef {
        single_node(name.into(), DynKind::Map(Child::Type(key), Child::Type(elem)))
    }

    /// A struct type built at run time, fields in declaration order (Go names).
    pub fn new_struct(name: impl Into<String>, fields: Vec<(String, TypeRef)>) -> TypeRef {
        let fields = fields.into_iter().map(|(n, t)| (n, Child::Type(t))).collect();
        single_node(name.into(), DynKind::Struct(fields))
    }

    /// An opaque (self-marshalling) type built at run time.
    pub fn new_opaque(name: impl Into<String>, kind: OpaqueKind) -> TypeRef {
        single_node(name.into(), DynKind::Opaque(kind))
    }

    /// Go's informational `CommonType.Name` (often empty).
    pub fn name(&self) -> &str {
        match self {
            TypeRef::Static(ty) => ty.name,
            TypeRef::Dynamic(d) => d.node().map_or("", |n| n.name.as_str()),
        }
    }

    /// The kind, without children.
    pub fn kind(&self) -> TypeKind {
        match self {
            TypeRef::Static(ty) => match ty.kind {
                Kind::Bool => TypeKind::Bool,
                Kind::Int => TypeKind::Int,
                Kind::Uint => TypeKind::Uint,
                Kind::Float => TypeKind::Float,
                Kind::Complex => TypeKind::Complex,
                Kind::String => TypeKind::String,
                Kind::Bytes => TypeKind::Bytes,
                Kind::Interface => TypeKind::Interface,
                Kind::Slice(_) => TypeKind::Slice,
                Kind::Array(n, _) => TypeKind::Array(n),
                Kind::Map(..) => TypeKind::Map,
                Kind::Struct(_) => TypeKind::Struct,
                Kind::Opaque(k) => TypeKind::Opaque(k),
            },
            TypeRef::Dynamic(d) => match d.node().map(|n| &n.kind) {
                Some(DynKind::Slice(_)) => TypeKind::Slice,
                Some(DynKind::Array(n, _)) => TypeKind::Array(*n),
                Some(DynKind::Map(..)) => TypeKind::Map,
                Some(DynKind::Struct(_)) => TypeKind::Struct,
                Some(DynKind::Opaque(k)) => TypeKind::Opaque(*k),
                // Graphs are built with valid indices; an empty struct is the harmless answer.
                None => TypeKind::Struct,
            },
        }
    }

    /// The element type of a slice, array or map.
    pub fn elem(&self) -> Option<TypeRef> {
        match self {
            TypeRef::Static(ty) => match ty.kind {
                Kind::Slice(e) | Kind::Array(_, e) | Kind::Map(_, e) => Some(TypeRef::Static(e())),
                _ => None,
            },
            TypeRef::Dynamic(d) => match d.node().map(|n| &n.kind) {
                Some(DynKind::Slice(e) | DynKind::Array(_, e) | DynKind::Map(_, e)) => Some(d.child(e)),
                _ => None,
            },
        }
    }

    /// The key type of a map.
    pub fn key(&self) -> Option<TypeRef> {
        match self {
            TypeRef::Static(ty) => match ty.kind {
                Kind::Map(k, _) => Some(TypeRef::Static(k())),
                _ => None,
            },
            TypeRef::Dynamic(d) => match d.node().map(|n| &n.kind) {
                Some(DynKind::Map(k, _)) => Some(d.child(k)),
                _ => None,
            },
        }
    }

    /// The number of fields of a struct type (0 for other kinds).
    pub fn field_count(&self) -> usize {
        match self {
            TypeRef::Static(ty) => match ty.kind {
                Kind::Struct(fields) => fields.len(),
                _ => 0,
            },
            TypeRef::Dynamic(d) => match d.node().map(|n| &n.kind) {
                Some(DynKind::Struct(fields)) => fields.len(),
                _ => 0,
            },
        }
    }

    /// The Go name and type of struct field `index`.
    pub fn field(&self, index: usize) -> Option<(&str, TypeRef)> {
        match self {
            TypeRef::Static(ty) => match ty.kind {
                Kind::Struct(fields) => fields.get(index).map(|f| (f.name, TypeRef::Static((f.ty)()))),
                _ => None,
            },
            TypeRef::Dynamic(d) => match d.node().map(|n| &n.kind) {
                Some(DynKind::Struct(fields)) => {
                    fields.get(index).map(|(name, child)| (name.as_str(), d.child(child)))
                }
                _ => None,
            },
        }
    }

    /// The Go name of struct field `index`.
    pub fn field_name(&self, index: usize) -> Option<&str> {
        match self {
            TypeRef::Static(ty) => match ty.kind {
                Kind::Struct(fields) => fields.get(index).map(|f| f.name),
                _ => None,
            },
            TypeRef::Dynamic(d) => match d.node().map(|n| &n.kind) {
                Some(DynKind::Struct(fields)) => fields.get(index).map(|(name, _)| name.as_str()),
                _ => None,
            },
        }
    }

    /// The index of the struct field with this Go name.
    pub fn field_index(&self, name: &str) -> Option<usize> {
        (0..self.field_count()).find(|i| self.field_name(*i) == Some(name))
    }

    /// Whether both refer to the very same declaration (a fast path before [`PartialEq`]).
    pub fn same_declaration(&self, other: &TypeRef) -> bool {
        match (self, other) {
            (TypeRef::Static(a), TypeRef::Static(b)) => std::ptr::eq(*a, *b),
            (TypeRef::Dynamic(a), TypeRef::Dynamic(b)) => a.identity() == b.identity(),
            _ => false,
        }
    }

    /// Structural equality: a walk over pairs of types with an explicit stack (a peer may
    /// define long chains of nested types), assuming pairs already met equal so recursive
    /// types terminate.
    fn structurally_equal(&self, other: &TypeRef) -> bool {
        let mut assumed: HashSet<(Identity, Identity)> = HashSet::new();
        let mut pending = vec![(self.clone(), other.clone())];
        while let Some((a, b)) = pending.pop() {
            if a.same_declaration(&b) {
                continue;
            }
            let kind = a.kind();
            if kind != b.kind() {
                return false;
            }
            if !matches!(kind, TypeKind::Slice | TypeKind::Array(_) | TypeKind::Map | TypeKind::Struct) {
                // Scalars, interfaces and opaque types are equal by kind.
                continue;
            }
            if !assumed.insert((a.identity(), b.identity())) {
                continue;
            }
            if kind == TypeKind::Map {
                let (Some(ka), Some(kb)) = (a.key(), b.key()) else { return false };
                pending.push((ka, kb));
            }
            if kind == TypeKind::Struct {
                let n = a.field_count();
                if n != b.field_count() {
                    return false;
                }
                for i in 0..n {
                    let (Some((na, ta)), Some((nb, tb))) = (a.field(i), b.field(i)) else { return false };
                    if na != nb {
                        return false;
                    }
                    pending.push((ta, tb));
                }
            } else {
                let (Some(ea), Some(eb)) = (a.elem(), b.elem()) else { return false };
                pending.push((ea, eb));
            }
        }
        true
    }

    fn identity(&self) -> Identity {
        match self {
            TypeRef::Static(ty) => Identity::Static(std::ptr::from_ref(*ty) as usize),
            TypeRef::Dynamic(d) => {
                let (graph, index) = d.identity();
                Identity::Dynamic(graph, index)
            }
        }
    }

    /// A short Go-like description, e.g. `[]interface {}` or `struct Post {..}`.
    pub fn describe(&self) -> String {
        let mut out = String::new();
        self.describe_into(&mut out, 0);
        out
    }

    fn describe_into(&self, out: &mut String, depth: usize) {
        let name = self.name();
        if depth > 0 && !name.is_empty() {
            out.push_str(name);
            return;
        }
        if depth > 3 {
            out.push_str("..");
            return;
        }
        match self.kind() {
            TypeKind::Interface => out.push_str("interface {}"),
            TypeKind::Slice => {
                out.push_str("[]");
                if let Some(e) = self.elem() {
                    e.describe_into(out, depth + 1);
                }
            }
            TypeKind::Array(n) => {
                out.push_str(&format!("[{n}]"));
                if let Some(e) = self.elem() {
                    e.describe_into(out, depth + 1);
                }
            }
            TypeKind::Map => {
                out.push_str("map[");
                if let Some(k) = self.key() {
                    k.describe_into(out, depth + 1);
                }
                out.push(']');
                if let Some(e) = self.elem() {
                    e.describe_into(out, depth + 1);
                }
            }
            TypeKind::Struct => {
                out.push_str("struct ");
                if !name.is_empty() {
                    out.push_str(name);
                    out.push(' ');
                }
                out.push_str("{..}");
            }
            TypeKind::Opaque(k) => {
                out.push_str(&format!("{k:?}"));
                if !name.is_empty() {
                    out.push(' ');
                    out.push_str(name);
                }
            }
            other => out.push_str(&other.to_string()),
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq, Hash)]
enum Identity {
    Static(usize),
    Dynamic(usize, u32),
}

impl PartialEq for TypeRef {
    fn eq(&self, other: &TypeRef) -> bool {
        self.structurally_equal(other)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::builtin;

    #[test]
    fn dynamic_and_static_compare_by_structure() {
        let dynamic = TypeRef::new_slice("", TypeRef::Static(&builtin::INTERFACE));
        assert_eq!(dynamic, TypeRef::Static(&builtin::SLICE_OF_INTERFACE));
        let other = TypeRef::new_slice("", TypeRef::Static(&builtin::STRING));
        assert_ne!(dynamic, other);
        assert_eq!(TypeRef::Static(&builtin::SLICE_OF_INTERFACE).describe(), "[]interface {}");
    }

    /// A chain of `n` nested slice types ending in `int`, as the decoder builds graphs.
    fn chain(n: u32) -> TypeRef {
        let mut nodes: Vec<DynNode> =
            (1..n).map(|i| DynNode { name: String::new(), kind: DynKind::Slice(Child::Local(i)) }).collect();
        nodes.push(DynNode {
            name: String::new(),
            kind: DynKind::Slice(Child::Type(TypeRef::Static(&builtin::INT))),
        });
        TypeRef::Dynamic(DynType::new(Arc::new(TypeGraph { nodes }), 0))
    }

    #[test]
    fn long_chains_compare_without_recursion() {
        assert_eq!(chain(100_000), chain(100_000));
        assert_ne!(chain(100_000), chain(99_999));
    }

    #[test]
    fn struct_types_compare_field_names_and_types() {
        let a = TypeRef::new_struct("A", vec![("X".into(), TypeRef::Static(&builtin::INT))]);
        let b = TypeRef::new_struct("B", vec![("X".into(), TypeRef::Static(&builtin::INT))]);
        let c = TypeRef::new_struct("A", vec![("Y".into(), TypeRef::Static(&builtin::INT))]);
        assert_eq!(a, b, "names are informational");
        assert_ne!(a, c);
        assert_eq!(a.field_index("X"), Some(0));
        assert_eq!(a.field(0).map(|(n, t)| (n.to_string(), t.kind())), Some(("X".into(), TypeKind::Int)));
    }
}
