//! Dynamic values: `google.protobuf.Struct`/`Value` (what the messages hold) as Go's
//! `map[string]interface{}`/`interface{}` (what a stock server sends), and the wire-only
//! `StringList` as `[]string`.
//!
//! Go to proto: numbers of any Go type become `f64`, strings, bools, maps and slices their proto
//! kinds, structs a map of their Go field names, `[]byte` base64 text (as encoding/json writes
//! it). Proto to Go: numbers become `float64` (as encoding/json decodes them), unless the value
//! came from the server with another Go type in the same place of the same call (see
//! [`PropsMemory`](super::PropsMemory)): then it goes back with that type.

use std::collections::HashMap;

use base64::Engine;
use mm_gob::{
    Decode, Encode, Error, ErrorKind, Interface as GoInterface, TypeRef, Value, ValueReader, ValueWriter,
};
use prost_types::value::Kind;
use prost_types::{ListValue, NullValue, Struct};

use super::props;
use crate::v1;

/// A `google.protobuf.Struct` field as Go's `map[string]interface{}`.
pub(crate) struct InterfaceMap<'a>(pub(crate) &'a Option<Struct>);

impl Encode for InterfaceMap<'_> {
    fn go_type(&self) -> TypeRef {
        TypeRef::from(&mm_gob::builtin::MAP_STRING_INTERFACE)
    }

    fn is_zero(&self) -> bool {
        self.0.as_ref().is_none_or(|s| s.fields.is_empty())
    }

    fn encode(&self, w: &mut ValueWriter<'_>) -> mm_gob::Result<()> {
        let map = props::encoding(|path| struct_to_go(self.0.as_ref().unwrap_or(&Struct::default()), path));
        map.value().encode(w)
    }
}

impl InterfaceMap<'_> {
    /// Decodes into `target` as Go decodes into a map that holds entries: keys of the decoded
    /// map are added or replaced, the others stay.
    pub(crate) fn decode_into(target: &mut Option<Struct>, r: &mut ValueReader<'_>) -> mm_gob::Result<()> {
        let Some(decoded) = Self::decode(r)? else { return Ok(()) };
        match target {
            Some(existing) => existing.fields.extend(decoded.fields),
            None => *target = Some(decoded),
        }
        Ok(())
    }

    pub(crate) fn decode(r: &mut ValueReader<'_>) -> mm_gob::Result<Option<Struct>> {
        let value = Value::decode(r)?;
        props::decoding(|path| match &value {
            Value::Map(_, entries) => Ok(Some(map_from_go(entries, path))),
            Value::Interface(None) => Ok(None),
            other => Err(Error::new(
                ErrorKind::TypeMismatch,
                format!("expected map[string]interface {{}}, got {}", describe(other)),
            )),
        })
    }
}

/// A `google.protobuf.Value` field as Go's `interface{}`.
pub(crate) struct Interface<'a>(pub(crate) &'a Option<prost_types::Value>);

impl Encode for Interface<'_> {
    fn go_type(&self) -> TypeRef {
        TypeRef::from(&mm_gob::builtin::INTERFACE)
    }

    fn is_zero(&self) -> bool {
        self.0.as_ref().is_none_or(|v| matches!(v.kind, None | Some(Kind::NullValue(_))))
    }

    fn encode(&self, w: &mut ValueWriter<'_>) -> mm_gob::Result<()> {
        let value = props::encoding(|path| self.0.as_ref().and_then(|v| value_to_go(v, path)));
        Value::Interface(value.map(Box::new)).encode(w)
    }
}

impl Interface<'_> {
    pub(crate) fn decode(r: &mut ValueReader<'_>) -> mm_gob::Result<Option<prost_types::Value>> {
        let value = Value::decode(r)?;
        Ok(Some(props::decoding(|path| Ok::<_, Error>(value_from_go(&value, path)))?))
    }
}

/// A `google.protobuf.Struct` field as a Go `interface{}` (holding a map, usually).
pub(crate) struct StructAsInterface<'a>(pub(crate) &'a Option<Struct>);

impl Encode for StructAsInterface<'_> {
    fn go_type(&self) -> TypeRef {
        TypeRef::from(&mm_gob::builtin::INTERFACE)
    }

    fn is_zero(&self) -> bool {
        self.0.is_none()
    }

    fn encode(&self, w: &mut ValueWriter<'_>) -> mm_gob::Result<()> {
        let value = props::encoding(|path| self.0.as_ref().map(|s| struct_to_go(s, path)));
        Value::Interface(value.map(Box::new)).encode(w)
    }
}

impl StructAsInterface<'_> {
    pub(crate) fn decode(r: &mut ValueReader<'_>) -> mm_gob::Result<Option<Struct>> {
        let value = Value::decode(r)?;
        props::decoding(|path| match value_from_go(&value, path).kind {
            Some(Kind::StructValue(s)) => Ok(Some(s)),
            Some(Kind::NullValue(_)) | None => Ok(None),
            Some(other) => {
                // Not a map: keep it under an empty key rather than lose it.
                let mut s = Struct::default();
                s.fields.insert(String::new(), prost_types::Value { kind: Some(other) });
                Ok(Some(s))
            }
        })
    }
}

/// A `google.protobuf.Value` field as Go's `json.RawMessage` (the value's JSON text).
pub(crate) struct JsonValue<'a>(pub(crate) &'a Option<prost_types::Value>);

impl Encode for JsonValue<'_> {
    fn go_type(&self) -> TypeRef {
        TypeRef::from(&mm_gob::builtin::BYTES)
    }

    fn is_zero(&self) -> bool {
        self.0.is_none()
    }

    fn encode(&self, w: &mut ValueWriter<'_>) -> mm_gob::Result<()> {
        let json = self.0.as_ref().map(value_to_json).unwrap_or(serde_json::Value::Null);
        let text =
            serde_json::to_vec(&json).map_err(|e| Error::new(ErrorKind::InvalidValue, e.to_string()))?;
        w.bytes(&text);
        Ok(())
    }
}

impl JsonValue<'_> {
    pub(crate) fn decode(r: &mut ValueReader<'_>) -> mm_gob::Result<Option<prost_types::Value>> {
        let bytes = r.bytes()?;
        if bytes.is_empty() {
            return Ok(None);
        }
        let json: serde_json::Value = serde_json::from_slice(&bytes)
            .map_err(|e| Error::new(ErrorKind::InvalidValue, format!("json.RawMessage is not JSON: {e}")))?;
        Ok(Some(json_to_value(&json)))
    }
}

/// `map<string, StringList>` as Go's `map[string][]string`.
pub(crate) struct StringListMap<'a>(pub(crate) &'a HashMap<String, v1::StringList>);

impl Encode for StringListMap<'_> {
    fn go_type(&self) -> TypeRef {
        TypeRef::from(&mm_gob::builtin::HTTP_HEADER)
    }

    fn is_zero(&self) -> bool {
        self.0.is_empty()
    }

    fn encode(&self, w: &mut ValueWriter<'_>) -> mm_gob::Result<()> {
        let plain: HashMap<&str, &Vec<String>> =
            self.0.iter().map(|(k, v)| (k.as_str(), &v.values)).collect();
        let mut map = w.map(plain.len())?;
        for (k, v) in plain {
            map.entry(&k, v)?;
        }
        map.end()
    }
}

impl StringListMap<'_> {
    /// Decodes into `target` with Go's map merge (entries added or replaced, none removed).
    pub(crate) fn decode_into(
        target: &mut HashMap<String, v1::StringList>,
        r: &mut ValueReader<'_>,
    ) -> mm_gob::Result<()> {
        target.extend(Self::decode(r)?);
        Ok(())
    }

    pub(crate) fn decode(r: &mut ValueReader<'_>) -> mm_gob::Result<HashMap<String, v1::StringList>> {
        let plain = HashMap::<String, Vec<String>>::decode(r)?;
        Ok(plain.into_iter().map(|(k, values)| (k, v1::StringList { values })).collect())
    }
}

// --- proto -> Go --------------------------------------------------------------------------

fn struct_to_go(s: &Struct, path: &mut props::Path) -> GoInterface {
    GoInterface::map(s.fields.iter().map(|(k, v)| {
        path.push(k);
        let value = value_to_go(v, path);
        path.pop();
        (k.clone(), value)
    }))
}

fn value_to_go(v: &prost_types::Value, path: &mut props::Path) -> Option<GoInterface> {
    let converted = match v.kind.as_ref()? {
        Kind::NullValue(_) => return None,
        Kind::BoolValue(b) => GoInterface::bool(*b),
        Kind::NumberValue(n) => GoInterface::float64(*n),
        Kind::StringValue(s) => GoInterface::string(s.clone()),
        Kind::StructValue(s) => struct_to_go(s, path),
        Kind::ListValue(list) => GoInterface::slice(
            list.values
                .iter()
                .enumerate()
                .map(|(i, item)| {
                    path.push_index(i);
                    let value = value_to_go(item, path);
                    path.pop();
                    value
                })
                .collect(),
        ),
    };
    // A value the server sent with another Go type in this place goes back with it.
    Some(path.remembered(v).unwrap_or(converted))
}

// --- Go -> proto --------------------------------------------------------------------------

fn map_from_go(entries: &[(Value, Value)], path: &mut props::Path) -> Struct {
    let mut out = Struct::default();
    for (k, v) in entries {
        let key = match k {
            Value::String(s) => s.clone(),
            other => scalar_text(other),
        };
        path.push(&key);
        let value = value_from_go(v, path);
        path.pop();
        out.fields.insert(key, value);
    }
    out
}

/// Converts a Go value (often an interface) to a proto value, remembering Go types that a
/// plain conversion back would not restore.
pub(crate) fn value_from_go(v: &Value, path: &mut props::Path) -> prost_types::Value {
    let kind = match v {
        Value::Interface(None) => Kind::NullValue(NullValue::NullValue as i32),
        Value::Interface(Some(inner)) => {
            let converted = value_from_go(inner.value(), path);
            if !is_default_go_type(inner.name()) {
                path.remember(&converted, inner);
            }
            return converted;
        }
        Value::Bool(b) => Kind::BoolValue(*b),
        Value::Int(i) => Kind::NumberValue(*i as f64),
        Value::Uint(u) => Kind::NumberValue(*u as f64),
        Value::Float(f) => Kind::NumberValue(*f),
        Value::Complex(re, _) => Kind::NumberValue(*re),
        Value::String(s) => Kind::StringValue(s.clone()),
        Value::Bytes(b) | Value::Opaque(_, b) => {
            Kind::StringValue(base64::engine::general_purpose::STANDARD.encode(b))
        }
        Value::Slice(_, items) | Value::Array(_, items) => Kind::ListValue(ListValue {
            values: items
                .iter()
                .enumerate()
                .map(|(i, item)| {
                    path.push_index(i);
                    let value = value_from_go(item, path);
                    path.pop();
                    value
                })
                .collect(),
        }),
        Value::Map(_, entries) => Kind::StructValue(map_from_go(entries, path)),
        Value::Struct(ty, fields) => {
            let mut out = Struct::default();
            for (index, field) in fields {
                let name = ty.field_name(*index).unwrap_or_default().to_string();
                path.push(&name);
                let value = value_from_go(field, path);
                path.pop();
                out.fields.insert(name, value);
            }
            Kind::StructValue(out)
        }
    };
    prost_types::Value { kind: Some(kind) }
}

/// The Go types a value converted from proto gets anyway (no need to remember them).
fn is_default_go_type(name: &str) -> bool {
    matches!(name, "float64" | "string" | "bool" | "map[string]interface {}" | "[]interface {}")
}

fn scalar_text(v: &Value) -> String {
    match v {
        Value::Int(i) => i.to_string(),
        Value::Uint(u) => u.to_string(),
        Value::Float(f) => f.to_string(),
        Value::Bool(b) => b.to_string(),
        Value::String(s) => s.clone(),
        other => describe(other),
    }
}

fn describe(v: &Value) -> String {
    match v {
        Value::Bool(_) => "bool".into(),
        Value::Int(_) => "int".into(),
        Value::Uint(_) => "uint".into(),
        Value::Float(_) => "float".into(),
        Value::Complex(..) => "complex".into(),
        Value::String(_) => "string".into(),
        Value::Bytes(_) => "[]byte".into(),
        Value::Slice(t, _)
        | Value::Array(t, _)
        | Value::Map(t, _)
        | Value::Struct(t, _)
        | Value::Opaque(t, _) => t.describe(),
        Value::Interface(None) => "nil".into(),
        Value::Interface(Some(i)) => i.name().to_string(),
    }
}

// --- JSON <-> proto Value ------------------------------------------------------------------

pub(crate) fn value_to_json(v: &prost_types::Value) -> serde_json::Value {
    match &v.kind {
        None | Some(Kind::NullValue(_)) => serde_json::Value::Null,
        Some(Kind::BoolValue(b)) => serde_json::Value::Bool(*b),
        Some(Kind::NumberValue(n)) => serde_json::Number::from_f64(*n).map_or(serde_json::Value::Null, |n| {
            // Whole numbers print as integers, as Go prints float64s with no fraction.
            if n.as_f64().is_some_and(|f| f.fract() == 0.0 && f.abs() < 9.007_199_254_740_992e15) {
                serde_json::Value::from(n.as_f64().unwrap_or_default() as i64)
            } else {
                serde_json::Value::Number(n)
            }
        }),
        Some(Kind::StringValue(s)) => serde_json::Value::String(s.clone()),
        Some(Kind::StructValue(s)) => {
            serde_json::Value::Object(s.fields.iter().map(|(k, v)| (k.clone(), value_to_json(v))).collect())
        }
        Some(Kind::ListValue(l)) => serde_json::Value::Array(l.values.iter().map(value_to_json).collect()),
    }
}

pub(crate) fn json_to_value(v: &serde_json::Value) -> prost_types::Value {
    let kind = match v {
        serde_json::Value::Null => Kind::NullValue(NullValue::NullValue as i32),
        serde_json::Value::Bool(b) => Kind::BoolValue(*b),
        serde_json::Value::Number(n) => Kind::NumberValue(n.as_f64().unwrap_or_default()),
        serde_json::Value::String(s) => Kind::StringValue(s.clone()),
        serde_json::Value::Array(items) => {
            Kind::ListValue(ListValue { values: items.iter().map(json_to_value).collect() })
        }
        serde_json::Value::Object(map) => Kind::StructValue(Struct {
            fields: map.iter().map(|(k, v)| (k.clone(), json_to_value(v))).collect(),
        }),
    };
    prost_types::Value { kind: Some(kind) }
}
