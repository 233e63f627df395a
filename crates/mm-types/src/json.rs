//! JSON on the wire: `google.protobuf.Struct` / `Value` fields and JSON blobs.
//!
//! - `props`-like fields (`google.protobuf.Struct`) are [`serde_json::Map`]s and log or property
//!   values (`google.protobuf.Value`) are [`serde_json::Value`]s. Numbers travel as `f64`; a
//!   number with no fractional part that fits exactly in an `f64` (|n| <= 2^53) comes back as
//!   an integer, so `{"count": 3}` reads as `3`, not `3.0`. NaN and infinities cannot be JSON
//!   and are rejected; so is a `Value` with no kind set.
//! - JSON blobs (`bytes` fields holding Go `encoding/json` output: server config, license,
//!   SAML assertion, sync messages...) are [`RawJson`]: the exact bytes, parsed on demand.

use std::fmt;

use bytes::Bytes;
use mm_proto::prost_types;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::{Map, Number, Value};

use crate::convert::{FromWire, IntoWire, invalid};
use crate::error::{Error, Result};

/// A JSON object, as carried in `props` and other `google.protobuf.Struct` fields.
pub type JsonMap = Map<String, Value>;

/// The largest integer an `f64` holds exactly.
const MAX_EXACT: f64 = 9_007_199_254_740_992.0;

impl FromWire<prost_types::Value> for Value {
    fn from_wire(wire: prost_types::Value) -> Result<Self> {
        use prost_types::value::Kind;
        match wire.kind {
            None => invalid("google.protobuf.Value has no kind set"),
            Some(Kind::NullValue(_)) => Ok(Value::Null),
            Some(Kind::BoolValue(b)) => Ok(Value::Bool(b)),
            Some(Kind::StringValue(s)) => Ok(Value::String(s)),
            Some(Kind::NumberValue(n)) => number_from_f64(n).map(Value::Number),
            Some(Kind::StructValue(s)) => Map::from_wire(s).map(Value::Object),
            Some(Kind::ListValue(list)) => Vec::<Value>::from_wire(list.values).map(Value::Array),
        }
    }
}

impl IntoWire<prost_types::Value> for Value {
    fn into_wire(self) -> prost_types::Value {
        use prost_types::value::Kind;
        let kind = match self {
            Value::Null => Kind::NullValue(prost_types::NullValue::NullValue as i32),
            Value::Bool(b) => Kind::BoolValue(b),
            Value::String(s) => Kind::StringValue(s),
            // Every serde_json number has an f64 approximation; integers above 2^53 round.
            Value::Number(n) => Kind::NumberValue(n.as_f64().unwrap_or_default()),
            Value::Object(map) => Kind::StructValue(map.into_wire()),
            Value::Array(values) => Kind::ListValue(prost_types::ListValue { values: values.into_wire() }),
        };
        prost_types::Value { kind: Some(kind) }
    }
}

impl FromWire<prost_types::Struct> for JsonMap {
    fn from_wire(wire: prost_types::Struct) -> Result<Self> {
        wire.fields
            .into_iter()
            .map(|(key, value)| match Value::from_wire(value) {
                Ok(value) => Ok((key, value)),
                Err(e) => Err(prefix_key(e, &key)),
            })
            .collect()
    }
}

impl IntoWire<prost_types::Struct> for JsonMap {
    fn into_wire(self) -> prost_types::Struct {
        prost_types::Struct { fields: self.into_iter().map(|(k, v)| (k, v.into_wire())).collect() }
    }
}

fn prefix_key(err: Error, key: &str) -> Error {
    match err {
        Error::Conversion { path, reason } => {
            Error::Conversion { path, reason: format!("key {key:?}: {reason}") }
        }
        other => other,
    }
}

fn number_from_f64(n: f64) -> Result<Number> {
    if !n.is_finite() {
        return invalid(format!("{n} is not a JSON number"));
    }
    if n.fract() == 0.0 && n.abs() <= MAX_EXACT {
        // Exact: |n| <= 2^53 fits in i64 without rounding.
        return Ok(Number::from(n as i64));
    }
    Number::from_f64(n).map_or_else(|| invalid(format!("{n} is not a JSON number")), Ok)
}

/// A JSON document carried as bytes: the server's config, license, cloud limits, a SAML
/// assertion, a shared-channel sync message, an e-mail notification...
///
/// The bytes are kept exactly as received (so a message converts back unchanged) and parsed
/// when asked, into a [`Value`] or any serde type:
///
/// ```
/// use mm_types::RawJson;
/// #[derive(serde::Deserialize)]
/// struct Limits { messages: u32 }
/// let raw = RawJson::from_value(&serde_json::json!({"messages": 10000})).unwrap();
/// assert_eq!(raw.parse::<Limits>().unwrap().messages, 10000);
/// ```
#[derive(Clone, Default, PartialEq, Eq, Hash)]
pub struct RawJson(Bytes);

impl RawJson {
    /// Wraps bytes that should hold JSON (checked only when parsed).
    pub fn from_bytes(bytes: impl Into<Bytes>) -> Self {
        RawJson(bytes.into())
    }

    /// Serializes a value as JSON.
    pub fn from_value<T: Serialize + ?Sized>(value: &T) -> Result<Self> {
        serde_json::to_vec(value)
            .map(|v| RawJson(v.into()))
            .map_err(|source| Error::Json { what: "a value to send", source })
    }

    /// The bytes as received.
    pub fn as_bytes(&self) -> &Bytes {
        &self.0
    }

    /// The bytes, owned.
    pub fn into_bytes(self) -> Bytes {
        self.0
    }

    /// Whether there are no bytes at all (the server sent nothing).
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Parses into any serde type; unknown keys are ignored unless `T` rejects them.
    pub fn parse<T: DeserializeOwned>(&self) -> Result<T> {
        serde_json::from_slice(&self.0).map_err(|source| Error::Json { what: "a JSON blob", source })
    }

    /// Parses into a generic JSON value, keeping every key.
    pub fn to_value(&self) -> Result<Value> {
        self.parse()
    }

    /// The value at a JSON pointer such as `/ServiceSettings/SiteURL`, if the document has one.
    ///
    /// ```
    /// use mm_types::RawJson;
    /// let raw = RawJson::from_bytes(&br#"{"ServiceSettings":{"SiteURL":"https://chat.example.com"}}"#[..]);
    /// assert_eq!(raw.pointer("/ServiceSettings/SiteURL").unwrap(), Some("https://chat.example.com".into()));
    /// assert_eq!(raw.pointer("/TeamSettings").unwrap(), None);
    /// ```
    pub fn pointer(&self, pointer: &str) -> Result<Option<Value>> {
        let mut value = self.to_value()?;
        Ok(value.pointer_mut(pointer).map(Value::take))
    }
}

impl fmt::Debug for RawJson {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match std::str::from_utf8(&self.0) {
            Ok(text) => write!(f, "RawJson({text})"),
            Err(_) => write!(f, "RawJson({} non-UTF-8 bytes)", self.0.len()),
        }
    }
}

impl Serialize for RawJson {
    /// Embeds the document itself (not a string holding it). Empty bytes (no document) become
    /// `null`, which reads back as the document `null`; bytes that are not JSON cannot be
    /// embedded and fail to serialize.
    fn serialize<S: Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
        if self.0.is_empty() {
            return serializer.serialize_none();
        }
        let raw: &serde_json::value::RawValue =
            serde_json::from_slice(&self.0).map_err(serde::ser::Error::custom)?;
        raw.serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for RawJson {
    /// Keeps the embedded document's exact text, `null` included, so every JSON document
    /// survives a JSON round trip unchanged.
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> std::result::Result<Self, D::Error> {
        let raw = Box::<serde_json::value::RawValue>::deserialize(deserializer)?;
        Ok(RawJson(Bytes::copy_from_slice(raw.get().as_bytes())))
    }
}

impl FromWire<Bytes> for RawJson {
    fn from_wire(wire: Bytes) -> Result<Self> {
        Ok(RawJson(wire))
    }
}

impl IntoWire<Bytes> for RawJson {
    fn into_wire(self) -> Bytes {
        self.0
    }
}

/// Reads a text field that Go's JSON writes as a number (a push notification's `badge`): a
/// number becomes its decimal text. The field is written back as a string.
pub(crate) fn string_or_number<'de, D: Deserializer<'de>>(d: D) -> std::result::Result<String, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Text {
        String(String),
        Number(Number),
    }
    Ok(match Option::<Text>::deserialize(d)? {
        None => String::new(),
        Some(Text::String(text)) => text,
        Some(Text::Number(number)) => number.to_string(),
    })
}

/// Reads a list or map field that Go's JSON writes as `null` when it is empty (a nil slice or
/// map): `null` becomes the empty value.
pub(crate) fn null_as_default<'de, D, T>(d: D) -> std::result::Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de> + Default,
{
    Ok(Option::<T>::deserialize(d)?.unwrap_or_default())
}

/// Reads an `Option<Value>` field whose JSON `null` is a value (`Some(Value::Null)`); an absent
/// key is `None` (with `#[serde(default, skip_serializing_if = "Option::is_none")]`), matching a
/// `google.protobuf.Value` field that is set to null or not set at all.
pub(crate) fn present_value<'de, D: Deserializer<'de>>(d: D) -> std::result::Result<Option<Value>, D::Error> {
    Value::deserialize(d).map(Some)
}

/// Defines a newtype around [`RawJson`] for one kind of JSON blob, converting to and from the
/// wire message that wraps it (`wire::ConfigJson { config_json }`...).
macro_rules! json_blob {
    (
        $(#[$meta:meta])*
        pub struct $name:ident <=> $wire:ident { $field:ident }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Default, PartialEq, Eq, Hash, ::serde::Serialize, ::serde::Deserialize)]
        #[serde(transparent)]
        pub struct $name($crate::json::RawJson);

        impl $name {
            /// Wraps a JSON document.
            pub fn new(raw: $crate::json::RawJson) -> Self {
                $name(raw)
            }

            /// Serializes `value` as the document.
            pub fn from_value<T: ::serde::Serialize + ?Sized>(value: &T) -> $crate::Result<Self> {
                $crate::json::RawJson::from_value(value).map($name)
            }

            /// The document.
            pub fn as_raw(&self) -> &$crate::json::RawJson {
                &self.0
            }

            /// The document, owned.
            pub fn into_raw(self) -> $crate::json::RawJson {
                self.0
            }
        }

        impl ::std::ops::Deref for $name {
            type Target = $crate::json::RawJson;

            fn deref(&self) -> &$crate::json::RawJson {
                &self.0
            }
        }

        impl ::core::convert::AsRef<$crate::json::RawJson> for $name {
            fn as_ref(&self) -> &$crate::json::RawJson {
                &self.0
            }
        }

        impl ::core::convert::From<$crate::json::RawJson> for $name {
            fn from(raw: $crate::json::RawJson) -> Self {
                $name(raw)
            }
        }

        impl ::core::convert::From<$name> for $crate::json::RawJson {
            fn from(blob: $name) -> Self {
                blob.0
            }
        }

        impl $crate::convert::FromWire<::mm_proto::v1::$wire> for $name {
            fn from_wire(wire: ::mm_proto::v1::$wire) -> $crate::Result<Self> {
                Ok($name($crate::convert::field(wire.$field, stringify!($name), stringify!($field))?))
            }
        }

        impl $crate::convert::IntoWire<::mm_proto::v1::$wire> for $name {
            fn into_wire(self) -> ::mm_proto::v1::$wire {
                ::mm_proto::v1::$wire { $field: $crate::convert::IntoWire::into_wire(self.0) }
            }
        }

        impl ::core::convert::TryFrom<::mm_proto::v1::$wire> for $name {
            type Error = $crate::Error;

            fn try_from(wire: ::mm_proto::v1::$wire) -> $crate::Result<Self> {
                $crate::convert::FromWire::from_wire(wire)
            }
        }

        impl ::core::convert::From<$name> for ::mm_proto::v1::$wire {
            fn from(blob: $name) -> Self {
                $crate::convert::IntoWire::into_wire(blob)
            }
        }
    };
}

pub(crate) use json_blob;

/// Serde for byte fields (`[]byte` in Go), which Mattermost's JSON writes as base64 strings.
pub(crate) mod base64_bytes {
    use base64::Engine;
    use base64::engine::general_purpose::STANDARD;
    use bytes::Bytes;
    use serde::{Deserialize, Deserializer, Serializer};

    pub(crate) fn serialize<S: Serializer>(bytes: &Bytes, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&STANDARD.encode(bytes))
    }

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Bytes, D::Error> {
        let text = Option::<String>::deserialize(d)?.unwrap_or_default();
        STANDARD.decode(text).map(Bytes::from).map_err(serde::de::Error::custom)
    }

    /// The same for `Option<Bytes>`: `null` or absent is `None`.
    pub(crate) mod option {
        use super::*;

        pub(crate) fn serialize<S: Serializer>(bytes: &Option<Bytes>, s: S) -> Result<S::Ok, S::Error> {
            match bytes {
                Some(bytes) => super::serialize(bytes, s),
                None => s.serialize_none(),
            }
        }

        pub(crate) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Bytes>, D::Error> {
            match Option::<String>::deserialize(d)? {
                None => Ok(None),
                Some(text) => {
                    STANDARD.decode(text).map(|b| Some(Bytes::from(b))).map_err(serde::de::Error::custom)
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn roundtrip(value: Value) -> Value {
        let wire: prost_types::Value = value.into_wire();
        Value::from_wire(wire).unwrap()
    }

    #[test]
    fn json_values_survive_the_wire_with_integers_kept_integral() {
        let value = json!({"a": 1, "b": -2.5, "c": [true, null, "x"], "d": {"e": 9007199254740992i64}});
        assert_eq!(roundtrip(value.clone()), value);
    }

    #[test]
    fn nan_and_missing_kind_are_errors_not_panics() {
        let nan = prost_types::Value { kind: Some(prost_types::value::Kind::NumberValue(f64::NAN)) };
        let mut fields = std::collections::BTreeMap::new();
        fields.insert("score".to_string(), nan);
        let err = JsonMap::from_wire(prost_types::Struct { fields }).unwrap_err();
        assert!(err.to_string().contains("\"score\""), "{err}");
        assert!(Value::from_wire(prost_types::Value { kind: None }).is_err());
    }

    #[test]
    fn raw_json_keeps_bytes_and_parses_on_demand() {
        let raw = RawJson::from_bytes(&b"{\"ServiceSettings\": {\"SiteURL\": \"http://x\"}}"[..]);
        assert_eq!(raw.to_value().unwrap()["ServiceSettings"]["SiteURL"], "http://x");
        let bad = RawJson::from_bytes(&b"{not json"[..]);
        assert!(matches!(bad.to_value(), Err(Error::Json { .. })));
        assert_eq!(serde_json::to_string(&raw).unwrap(), r#"{"ServiceSettings": {"SiteURL": "http://x"}}"#);
    }
}
