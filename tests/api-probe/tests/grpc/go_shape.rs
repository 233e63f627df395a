//! Whether a reported value has the shape of Go's JSON for its Go type, as the stock harness
//! will read it: every non-zero key of an object is a JSON name of the Go struct (matched as
//! `encoding/json` matches, ignoring case) and every value has the Go field's JSON kind.
//!
//! The Go types and their json tags come from `crates/mm-proto/stock/surface.json`.

use serde_json::{Map, Value as Json};

/// Go types whose JSON is their own (a `MarshalJSON`, or a form this check cannot follow):
/// not looked into.
const OWN_JSON: &[&str] = &["model.GroupSyncable", "time.Time", "json.RawMessage"];

pub struct GoTypes {
    types: Map<String, Json>,
}

impl GoTypes {
    pub fn new(surface: &Json) -> GoTypes {
        GoTypes { types: surface["types"].as_object().cloned().unwrap_or_default() }
    }

    /// Differences between `value` and Go's JSON for the Go type `ty`, under `path`.
    pub fn check(&self, value: &Json, ty: &str, path: &str, out: &mut Vec<String>) {
        if is_zero(value) {
            return;
        }
        let ty = ty.trim_start_matches('*');
        if OWN_JSON.contains(&ty) || matches!(ty, "any" | "interface {}") {
            return;
        }
        let mismatch =
            |out: &mut Vec<String>| out.push(format!("{path}: {} where Go has {ty}", short(value)));
        if let Some(elem) = ty.strip_prefix("[]") {
            match (elem, value) {
                ("byte", Json::String(_)) => {}
                ("byte", _) => mismatch(out),
                (_, Json::Array(items)) => {
                    for (i, item) in items.iter().enumerate() {
                        self.check(item, elem, &format!("{path}[{i}]"), out);
                    }
                }
                _ => mismatch(out),
            }
            return;
        }
        if let Some(rest) = ty.strip_prefix("map[") {
            let elem = rest.split_once(']').map_or("any", |(_, e)| e);
            match value {
                Json::Object(map) => {
                    for (k, v) in map {
                        self.check(v, elem, &format!("{path}.{k}"), out);
                    }
                }
                _ => mismatch(out),
            }
            return;
        }
        let declared = self.types.get(ty);
        let kind = declared.and_then(|t| t["kind"].as_str()).unwrap_or(ty);
        let scalar = match kind {
            "string" => Some(value.is_string()),
            "bool" => Some(value.is_boolean()),
            "int" | "int8" | "int16" | "int32" | "int64" | "uint" | "uint8" | "uint16" | "uint32"
            | "uint64" | "float32" | "float64" => Some(value.is_number()),
            _ => None,
        };
        if let Some(fits) = scalar {
            if !fits {
                mismatch(out);
            }
            return;
        }
        match kind {
            "pointer" | "slice" | "map" => {
                let elem = declared.and_then(|t| t["elem"].as_str()).unwrap_or("any");
                match kind {
                    "pointer" => self.check(value, elem, path, out),
                    "slice" => self.check(value, &format!("[]{elem}"), path, out),
                    _ => {}
                }
            }
            "struct" => self.check_struct(value, ty, path, out),
            _ => {}
        }
    }

    fn check_struct(&self, value: &Json, ty: &str, path: &str, out: &mut Vec<String>) {
        let Json::Object(map) = value else {
            out.push(format!("{path}: {} where Go has the struct {ty}", short(value)));
            return;
        };
        let fields = self.json_fields(ty);
        for (key, v) in map {
            if is_zero(v) {
                continue;
            }
            match fields.iter().find(|(name, _)| name.eq_ignore_ascii_case(key)) {
                Some((_, field_type)) => self.check(v, field_type, &format!("{path}.{key}"), out),
                None => out.push(format!("{path}.{key}: {ty} has no such JSON field")),
            }
        }
    }

    /// A struct's JSON names and Go types, as `encoding/json` names them (tags, `-`, untagged
    /// embedded structs flattened).
    fn json_fields(&self, ty: &str) -> Vec<(String, String)> {
        let mut out = Vec::new();
        let Some(fields) = self.types.get(ty).and_then(|t| t["fields"].as_array()) else { return out };
        for field in fields {
            let (name, field_type) =
                (field["name"].as_str().unwrap_or(""), field["type"].as_str().unwrap_or(""));
            let tag = field["json"].as_str().map(|t| t.split(',').next().unwrap_or(""));
            if field["embedded"].as_bool() == Some(true) && tag.is_none_or(str::is_empty) {
                out.extend(self.json_fields(field_type.trim_start_matches('*')));
                continue;
            }
            match tag {
                Some("-") => {}
                Some(t) if !t.is_empty() => out.push((t.to_owned(), field_type.to_owned())),
                _ => out.push((name.to_owned(), field_type.to_owned())),
            }
        }
        out
    }
}

fn is_zero(value: &Json) -> bool {
    match value {
        Json::Null => true,
        Json::Bool(b) => !b,
        Json::Number(n) => n.as_f64() == Some(0.0),
        Json::String(s) => s.is_empty(),
        Json::Array(items) => items.iter().all(is_zero),
        Json::Object(map) => map.values().all(is_zero),
    }
}

fn short(value: &Json) -> String {
    let text = value.to_string();
    if text.len() > 60 {
        format!("{}…", &text[..text.char_indices().nth(60).map_or(text.len(), |(i, _)| i)])
    } else {
        text
    }
}

#[test]
fn finds_keys_and_kinds_go_does_not_have() {
    let surface = serde_json::json!({"types": {
        "model.X": {"kind": "struct", "fields": [
            {"name": "Id", "type": "string", "json": "id"},
            {"name": "Count", "type": "int64"},
            {"name": "Hidden", "type": "string", "json": "-"},
            {"name": "Base", "type": "model.Base", "embedded": true},
        ]},
        "model.Base": {"kind": "struct", "fields": [{"name": "Flag", "type": "bool", "json": "flag,omitempty"}]},
    }});
    let types = GoTypes::new(&surface);
    let check = |value: Json, ty: &str| {
        let mut out = Vec::new();
        types.check(&value, ty, "$", &mut out);
        out
    };
    assert!(
        check(serde_json::json!({"id": "a", "count": 3, "flag": true, "gone": ""}), "*model.X").is_empty()
    );
    assert_eq!(check(serde_json::json!({"id": 5}), "*model.X"), ["$.id: 5 where Go has string"]);
    assert_eq!(
        check(serde_json::json!({"hidden": "x"}), "model.X"),
        ["$.hidden: model.X has no such JSON field"]
    );
    assert_eq!(
        check(serde_json::json!([{"flag": "yes"}]), "[]*model.X"),
        ["$[0].flag: \"yes\" where Go has bool"]
    );
}
