//! Settings read the way a Go plugin reads them: Go's `encoding/json` matches an object's keys to
//! struct fields preferring the exact name but accepting any case (`greeting` fills
//! `Greeting`). The server hands plugins their settings with lower-cased keys (the System
//! Console stores them so, and `LoadPluginConfiguration` lower-cases the manifest's keys), so a
//! struct with `#[serde(rename_all = "PascalCase")]` only loads on a real server if the keys are
//! matched like Go matches them.

use serde::Deserializer;
use serde::de::{DeserializeOwned, Visitor};
use serde_json::{Map, Value};

/// Deserializes `json` into `T`, matching the keys of `T`'s struct fields as Go does.
pub(crate) fn from_slice<T: DeserializeOwned>(json: &[u8]) -> serde_json::Result<T> {
    let value: Value = serde_json::from_slice(json)?;
    T::deserialize(GoFields(value))
}

/// A JSON value whose object keys fold onto the fields of the struct it becomes.
struct GoFields(Value);

/// Each key that names no field exactly but one field in another case becomes that field's
/// name, unless the exact name is also present (the exact match wins, as in Go).
fn fold_keys(map: Map<String, Value>, fields: &[&str]) -> Map<String, Value> {
    let exact: Vec<&str> = fields.iter().copied().filter(|f| map.contains_key(*f)).collect();
    map.into_iter()
        .filter_map(|(key, value)| {
            if fields.contains(&key.as_str()) {
                return Some((key, value));
            }
            match fields.iter().find(|f| f.eq_ignore_ascii_case(&key)) {
                Some(field) if exact.contains(field) => None,
                Some(field) => Some(((*field).to_owned(), value)),
                None => Some((key, value)),
            }
        })
        .collect()
}

macro_rules! forward {
    ($($method:ident)*) => {$(
        fn $method<V: Visitor<'de>>(self, visitor: V) -> serde_json::Result<V::Value> {
            self.0.$method(visitor)
        }
    )*};
}

impl<'de> Deserializer<'de> for GoFields {
    type Error = serde_json::Error;

    forward! {
        deserialize_any deserialize_bool deserialize_i8 deserialize_i16 deserialize_i32 deserialize_i64
        deserialize_i128 deserialize_u8 deserialize_u16 deserialize_u32 deserialize_u64 deserialize_u128
        deserialize_f32 deserialize_f64 deserialize_char deserialize_str deserialize_string
        deserialize_bytes deserialize_byte_buf deserialize_option deserialize_unit deserialize_seq
        deserialize_map deserialize_identifier deserialize_ignored_any
    }

    fn deserialize_unit_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        visitor: V,
    ) -> serde_json::Result<V::Value> {
        self.0.deserialize_unit_struct(name, visitor)
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        visitor: V,
    ) -> serde_json::Result<V::Value> {
        self.0.deserialize_newtype_struct(name, visitor)
    }

    fn deserialize_tuple<V: Visitor<'de>>(self, len: usize, visitor: V) -> serde_json::Result<V::Value> {
        self.0.deserialize_tuple(len, visitor)
    }

    fn deserialize_tuple_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        len: usize,
        visitor: V,
    ) -> serde_json::Result<V::Value> {
        self.0.deserialize_tuple_struct(name, len, visitor)
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        fields: &'static [&'static str],
        visitor: V,
    ) -> serde_json::Result<V::Value> {
        match self.0 {
            Value::Object(map) => {
                Value::Object(fold_keys(map, fields)).deserialize_struct(name, fields, visitor)
            }
            other => other.deserialize_struct(name, fields, visitor),
        }
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        name: &'static str,
        variants: &'static [&'static str],
        visitor: V,
    ) -> serde_json::Result<V::Value> {
        self.0.deserialize_enum(name, variants, visitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, Default, Deserialize, PartialEq)]
    #[serde(default, rename_all = "PascalCase")]
    struct Settings {
        greeting: String,
        enable_reminders: bool,
        max_items: u32,
    }

    #[test]
    fn lower_cased_keys_fill_pascal_case_fields_like_go() {
        let settings: Settings =
            from_slice(br#"{"greeting":"hi","enablereminders":true,"MAXITEMS":3,"other":1}"#).unwrap();
        assert_eq!(settings, Settings { greeting: "hi".into(), enable_reminders: true, max_items: 3 });
    }

    #[test]
    fn an_exact_key_wins_over_a_folded_one() {
        let settings: Settings = from_slice(br#"{"greeting":"folded","Greeting":"exact"}"#).unwrap();
        assert_eq!(settings.greeting, "exact");
    }

    #[test]
    fn values_that_do_not_fit_still_fail_clearly() {
        let error = from_slice::<Settings>(br#"{"maxitems":"many"}"#).unwrap_err();
        assert!(error.to_string().contains("invalid type"), "{error}");
    }

    #[test]
    fn maps_and_other_types_read_as_they_are() {
        let map: std::collections::HashMap<String, i32> = from_slice(br#"{"A":1,"a":2}"#).unwrap();
        assert_eq!(map.len(), 2);
        let list: Vec<bool> = from_slice(b"[true,false]").unwrap();
        assert_eq!(list, [true, false]);
    }
}
