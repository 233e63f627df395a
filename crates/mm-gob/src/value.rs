//! Dynamic values: any gob value, decoded without a schema, that re-encodes to bytes Go
//! decodes to the same Go value.
//!
//! A [`Value`] keeps what Go needs to get its value back: composite values carry their
//! [`TypeRef`] (the definition they came with, field names included), and an [`Interface`]
//! keeps the name the concrete type is registered under in Go (`int` stays `int`, `int64`
//! stays `int64`). Strings must be UTF-8: a Go string holding other bytes fails to decode
//! with [`ErrorKind::InvalidUtf8`](crate::ErrorKind::InvalidUtf8).

use crate::builtin;
use crate::decode::{Decode, Decoder, Limits, ValueReader};
use crate::encode::{Encode, Encoder, ValueWriter};
use crate::error::{Error, PathSegment, Result};
use crate::message::MessageQueue;
use crate::types::{StaticType, TypeKind, TypeRef};

/// Any gob value.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// `bool`.
    Bool(bool),
    /// Any signed integer.
    Int(i64),
    /// Any unsigned integer.
    Uint(u64),
    /// `float64` or `float32`.
    Float(f64),
    /// A complex number (real, imaginary).
    Complex(f64, f64),
    /// A string (UTF-8).
    String(String),
    /// `[]byte`.
    Bytes(Vec<u8>),
    /// A slice of the given slice type.
    Slice(TypeRef, Vec<Value>),
    /// An array of the given array type.
    Array(TypeRef, Vec<Value>),
    /// A map of the given map type, entries in wire order.
    Map(TypeRef, Vec<(Value, Value)>),
    /// A struct of the given struct type: the fields present, by index in the type, ascending.
    /// Absent fields are Go's zero values.
    Struct(TypeRef, Vec<(usize, Value)>),
    /// An interface: `None` is nil.
    Interface(Option<Box<Interface>>),
    /// The bytes of a self-marshalling value of the given opaque type (`time.Time`, `url.URL`).
    Opaque(TypeRef, Vec<u8>),
}

impl Default for Value {
    /// The nil interface.
    fn default() -> Self {
        Value::Interface(None)
    }
}

/// A non-nil interface value: the name Go registered the concrete type under, and the
/// concrete value (which carries its type).
#[derive(Debug, Clone, PartialEq)]
pub struct Interface {
    name: String,
    value: Value,
}

impl Interface {
    /// An interface holding `value`, whose Go type is registered under `registered_name`
    /// (`"int"`, `"[]interface {}"`, `"*model.AppError"`...). The receiver must know the name.
    pub fn new(registered_name: impl Into<String>, value: Value) -> Self {
        Interface { name: registered_name.into(), value }
    }

    /// A Go `int`.
    pub fn int(v: i64) -> Self {
        Interface::new("int", Value::Int(v))
    }

    /// A Go `int64`.
    pub fn int64(v: i64) -> Self {
        Interface::new("int64", Value::Int(v))
    }

    /// A Go `uint64`.
    pub fn uint64(v: u64) -> Self {
        Interface::new("uint64", Value::Uint(v))
    }

    /// A Go `float64` (what JSON numbers become).
    pub fn float64(v: f64) -> Self {
        Interface::new("float64", Value::Float(v))
    }

    /// A Go `string`.
    pub fn string(v: impl Into<String>) -> Self {
        Interface::new("string", Value::String(v.into()))
    }

    /// A Go `bool`.
    pub fn bool(v: bool) -> Self {
        Interface::new("bool", Value::Bool(v))
    }

    /// A Go `[]byte`.
    pub fn bytes(v: impl Into<Vec<u8>>) -> Self {
        Interface::new("[]uint8", Value::Bytes(v.into()))
    }

    /// A Go `[]interface {}`.
    pub fn slice(items: Vec<Option<Interface>>) -> Self {
        let items = items.into_iter().map(|i| Value::Interface(i.map(Box::new))).collect();
        Interface::new("[]interface {}", Value::Slice(TypeRef::Static(&builtin::SLICE_OF_INTERFACE), items))
    }

    /// A Go `map[string]interface {}`.
    pub fn map(entries: impl IntoIterator<Item = (String, Option<Interface>)>) -> Self {
        let entries =
            entries.into_iter().map(|(k, v)| (Value::String(k), Value::Interface(v.map(Box::new)))).collect();
        Interface::new(
            "map[string]interface {}",
            Value::Map(TypeRef::Static(&builtin::MAP_STRING_INTERFACE), entries),
        )
    }

    /// The name the concrete type is registered under in Go.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The concrete value.
    pub fn value(&self) -> &Value {
        &self.value
    }

    /// The concrete value, mutably.
    pub fn value_mut(&mut self) -> &mut Value {
        &mut self.value
    }

    /// The name and the concrete value.
    pub fn into_parts(self) -> (String, Value) {
        (self.name, self.value)
    }
}

impl Value {
    /// Converts a typed value into a `Value` (by encoding and decoding it), e.g. to put a
    /// `*model.AppError` into an [`Interface`].
    pub fn from_encode(value: &dyn Encode) -> Result<Value> {
        let mut bytes = Vec::new();
        Encoder::new().encode(value, &mut bytes)?;
        let mut q = MessageQueue::new();
        let mut buf = bytes::BytesMut::from(&bytes[..]);
        let limits = Limits::default();
        q.fill_from(&mut buf, &limits)?;
        Decoder::new(limits).decode_value(&mut q)
    }

    /// Converts this value into a typed one (by encoding and decoding it).
    pub fn to_typed<T: Decode>(&self) -> Result<T> {
        let mut bytes = Vec::new();
        Encoder::new().encode(self, &mut bytes)?;
        let mut q = MessageQueue::new();
        let mut buf = bytes::BytesMut::from(&bytes[..]);
        let limits = Limits::default();
        q.fill_from(&mut buf, &limits)?;
        Decoder::new(limits).decode(&mut q)
    }

    /// The string, if this is a string.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    /// The integer, if this is a signed integer.
    pub fn as_i64(&self) -> Option<i64> {
        match self {
            Value::Int(v) => Some(*v),
            _ => None,
        }
    }

    /// The integer, if this is an unsigned integer.
    pub fn as_u64(&self) -> Option<u64> {
        match self {
            Value::Uint(v) => Some(*v),
            _ => None,
        }
    }

    /// The float, if this is a float.
    pub fn as_f64(&self) -> Option<f64> {
        match self {
            Value::Float(v) => Some(*v),
            _ => None,
        }
    }

    /// The boolean, if this is a bool.
    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Value::Bool(v) => Some(*v),
            _ => None,
        }
    }

    /// The bytes of a `[]byte` or opaque value.
    pub fn as_bytes(&self) -> Option<&[u8]> {
        match self {
            Value::Bytes(v) | Value::Opaque(_, v) => Some(v),
            _ => None,
        }
    }

    /// The elements of a slice or array.
    pub fn as_slice(&self) -> Option<&[Value]> {
        match self {
            Value::Slice(_, v) | Value::Array(_, v) => Some(v),
            _ => None,
        }
    }

    /// The entries of a map.
    pub fn as_map(&self) -> Option<&[(Value, Value)]> {
        match self {
            Value::Map(_, v) => Some(v),
            _ => None,
        }
    }

    /// The interface, if this is a non-nil interface.
    pub fn as_interface(&self) -> Option<&Interface> {
        match self {
            Value::Interface(Some(i)) => Some(i),
            _ => None,
        }
    }

    /// The value of a map entry with a string key, looking through an interface.
    pub fn get(&self, key: &str) -> Option<&Value> {
        match self {
            Value::Map(_, entries) => entries.iter().find(|(k, _)| k.as_str() == Some(key)).map(|(_, v)| v),
            Value::Interface(Some(i)) => i.value.get(key),
            _ => None,
        }
    }

    /// A struct field present on the wire, by Go name, looking through an interface.
    pub fn field(&self, name: &str) -> Option<&Value> {
        match self {
            Value::Struct(ty, fields) => {
                let index = ty.field_index(name)?;
                fields.iter().find(|(i, _)| *i == index).map(|(_, v)| v)
            }
            Value::Interface(Some(i)) => i.value.field(name),
            _ => None,
        }
    }

    /// The concrete value of an interface, or the value itself.
    pub fn concrete(&self) -> &Value {
        match self {
            Value::Interface(Some(i)) => i.value.concrete(),
            other => other,
        }
    }

    fn check(&self, expected: &TypeRef, want: TypeKind) -> Result<()> {
        let kind = expected.kind();
        let ok = match (want, kind) {
            (TypeKind::Opaque(_), TypeKind::Opaque(_)) => true,
            (TypeKind::Array(_), TypeKind::Array(_)) => true,
            _ => want == kind,
        };
        if ok {
            Ok(())
        } else {
            Err(Error::invalid(format!(
                "a dynamic {want} value cannot be encoded where the type is {}",
                expected.describe()
            )))
        }
    }

    fn check_type(own: &TypeRef, expected: &TypeRef) -> Result<()> {
        if own.same_declaration(expected) || own == expected {
            Ok(())
        } else {
            Err(Error::invalid(format!(
                "a dynamic value of type {} cannot be encoded where the type is {}",
                own.describe(),
                expected.describe()
            )))
        }
    }
}

impl Encode for Value {
    fn go_type(&self) -> TypeRef {
        TypeRef::Static(match self {
            Value::Bool(_) => &builtin::BOOL,
            Value::Int(_) => &builtin::INT,
            Value::Uint(_) => &builtin::UINT,
            Value::Float(_) => &builtin::FLOAT,
            Value::Complex(..) => &builtin::COMPLEX,
            Value::String(_) => &builtin::STRING,
            Value::Bytes(_) => &builtin::BYTES,
            Value::Interface(_) => &builtin::INTERFACE,
            Value::Slice(t, _)
            | Value::Array(t, _)
            | Value::Map(t, _)
            | Value::Struct(t, _)
            | Value::Opaque(t, _) => {
                return t.clone();
            }
        })
    }

    fn encode(&self, w: &mut ValueWriter<'_>) -> Result<()> {
        let expected = w.expected().clone();
        match self {
            Value::Bool(v) => {
                self.check(&expected, TypeKind::Bool)?;
                w.bool(*v);
            }
            Value::Int(v) => {
                self.check(&expected, TypeKind::Int)?;
                w.int(*v);
            }
            Value::Uint(v) => {
                self.check(&expected, TypeKind::Uint)?;
                w.uint(*v);
            }
            Value::Float(v) => {
                self.check(&expected, TypeKind::Float)?;
                w.float(*v);
            }
            Value::Complex(re, im) => {
                self.check(&expected, TypeKind::Complex)?;
                w.complex(*re, *im);
            }
            Value::String(v) => {
                self.check(&expected, TypeKind::String)?;
                w.string(v);
            }
            Value::Bytes(v) => {
                self.check(&expected, TypeKind::Bytes)?;
                w.bytes(v);
            }
            Value::Opaque(t, v) => {
                Value::check_type(t, &expected)?;
                w.opaque(v);
            }
            Value::Slice(t, items) | Value::Array(t, items) => {
                Value::check_type(t, &expected)?;
                let mut s = w.slice(items.len())?;
                for item in items {
                    s.element(item)?;
                }
                s.end()?;
            }
            Value::Map(t, entries) => {
                Value::check_type(t, &expected)?;
                let mut m = w.map(entries.len())?;
                for (k, v) in entries {
                    m.entry(k, v)?;
                }
                m.end()?;
            }
            Value::Struct(t, fields) => {
                Value::check_type(t, &expected)?;
                let mut order: Vec<&(usize, Value)> = fields.iter().collect();
                if !order.is_sorted_by_key(|(i, _)| *i) {
                    order.sort_by_key(|(i, _)| *i);
                }
                let mut s = w.struct_fields();
                for (index, value) in order {
                    s.field(*index, value)?;
                }
                s.end()?;
            }
            Value::Interface(None) => w.interface("", None)?,
            Value::Interface(Some(i)) => w.interface(&i.name, Some(&i.value))?,
        }
        Ok(())
    }

    fn is_zero(&self) -> bool {
        match self {
            Value::Bool(v) => !v,
            Value::Int(v) => *v == 0,
            Value::Uint(v) => *v == 0,
            Value::Float(v) => *v == 0.0,
            Value::Complex(re, im) => *re == 0.0 && *im == 0.0,
            Value::String(v) => v.is_empty(),
            Value::Bytes(v) | Value::Opaque(_, v) => v.is_empty(),
            Value::Slice(_, v) => v.is_empty(),
            Value::Interface(v) => v.is_none(),
            // Go sends arrays, structs and non-nil maps even when empty.
            Value::Array(..) | Value::Map(..) | Value::Struct(..) => false,
        }
    }
}

impl Decode for Value {
    fn decode(r: &mut ValueReader<'_>) -> Result<Self> {
        let ty = r.dyn_type()?;
        decode_typed(r, ty)
    }
}

/// Decodes a value whose type (as a `Value` carries it) is `ty`: children share the parent's
/// type graph, so a re-encoded value defines each type once.
fn decode_typed(r: &mut ValueReader<'_>, ty: TypeRef) -> Result<Value> {
    Ok(match r.kind() {
        TypeKind::Bool => Value::Bool(r.bool()?),
        TypeKind::Int => Value::Int(r.int()?),
        TypeKind::Uint => Value::Uint(r.uint()?),
        TypeKind::Float => Value::Float(r.float()?),
        TypeKind::Complex => {
            let (re, im) = r.complex()?;
            Value::Complex(re, im)
        }
        TypeKind::String => Value::String(r.string()?),
        TypeKind::Bytes => Value::Bytes(r.bytes()?),
        TypeKind::Opaque(_) => Value::Opaque(ty, r.opaque()?.to_vec()),
        TypeKind::Interface => match r.interface()? {
            None => Value::Interface(None),
            Some((name, mut inner)) => {
                let concrete = inner.dyn_type()?;
                let value = decode_typed(&mut inner, concrete)
                    .map_err(|e| e.at(PathSegment::Concrete(name.clone())))?;
                Value::Interface(Some(Box::new(Interface { name, value })))
            }
        },
        kind @ (TypeKind::Slice | TypeKind::Array(_)) => {
            let elem = ty.elem().ok_or_else(|| Error::corrupt("slice type without element"))?;
            let mut s = r.slice()?;
            let mut items = Vec::with_capacity(s.size_hint());
            while let Some(mut e) = s.next()? {
                let index = items.len();
                items.push(decode_typed(&mut e, elem.clone()).map_err(|e| e.at(PathSegment::Index(index)))?);
            }
            drop(s);
            if kind == TypeKind::Slice { Value::Slice(ty, items) } else { Value::Array(ty, items) }
        }
        TypeKind::Map => {
            let (Some(key_ty), Some(elem_ty)) = (ty.key(), ty.elem()) else {
                return Err(Error::corrupt("map type without key or element"));
            };
            let mut m = r.map()?;
            let mut entries = Vec::with_capacity(m.size_hint());
            loop {
                let index = entries.len();
                let key = match m.next_key()? {
                    None => break,
                    Some(mut k) => decode_typed(&mut k, key_ty.clone()),
                };
                let key = key.map_err(|e| e.at(PathSegment::Key(format!("<key #{index}>"))))?;
                let value = {
                    let mut v = m.value()?;
                    decode_typed(&mut v, elem_ty.clone())
                };
                let value = value.map_err(|e| e.at(PathSegment::Key(key_text(&key, index))))?;
                entries.push((key, value));
            }
            drop(m);
            Value::Map(ty, entries)
        }
        TypeKind::Struct => {
            let mut s = r.struct_fields_raw()?;
            let mut fields = Vec::new();
            while let Some(index) = s.next()? {
                let Some((_, field_ty)) = ty.field(index) else {
                    return Err(Error::corrupt("struct field outside its type"));
                };
                let value = {
                    let mut v = s.value()?;
                    decode_typed(&mut v, field_ty)
                };
                let value = value.map_err(|e| e.at(PathSegment::Field(s.field_name().to_string())))?;
                fields.push((index, value));
            }
            drop(s);
            Value::Struct(ty, fields)
        }
    })
}

fn key_text(key: &Value, index: usize) -> String {
    match key {
        Value::String(s) => format!("{s:?}"),
        Value::Int(v) => v.to_string(),
        Value::Uint(v) => v.to_string(),
        Value::Bool(v) => v.to_string(),
        _ => format!("<key #{index}>"),
    }
}

impl StaticType for Interface {
    fn static_type() -> &'static crate::GoType {
        &builtin::INTERFACE
    }
}

impl Encode for Interface {
    fn go_type(&self) -> TypeRef {
        TypeRef::Static(&builtin::INTERFACE)
    }

    fn encode(&self, w: &mut ValueWriter<'_>) -> Result<()> {
        w.interface(&self.name, Some(&self.value))
    }

    fn is_zero(&self) -> bool {
        false
    }

    fn encode_nil(w: &mut ValueWriter<'_>) -> Result<()> {
        w.interface("", None)
    }
}

impl Decode for Interface {
    fn decode(r: &mut ValueReader<'_>) -> Result<Self> {
        match Interface::decode_option(r)? {
            Some(i) => Ok(i),
            None => Err(Error::new(
                crate::ErrorKind::TypeMismatch,
                "nil interface where a value is required (decode into Option<Interface>)",
            )),
        }
    }

    fn decode_option(r: &mut ValueReader<'_>) -> Result<Option<Self>> {
        if r.kind() != TypeKind::Interface {
            return Err(Error::new(
                crate::ErrorKind::TypeMismatch,
                format!("wire type {} does not decode into an interface", r.kind()),
            ));
        }
        match Value::decode(r)? {
            Value::Interface(i) => Ok(i.map(|b| *b)),
            _ => Err(Error::new(crate::ErrorKind::TypeMismatch, "expected an interface value")),
        }
    }

    fn decode_option_into(target: &mut Option<Self>, r: &mut ValueReader<'_>) -> Result<()> {
        // Go replaces interface values; it never merges into the old concrete value.
        *target = Interface::decode_option(r)?;
        Ok(())
    }
}
