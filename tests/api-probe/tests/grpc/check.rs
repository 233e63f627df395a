//! Comparing what the probe says it sent (Mattermost JSON, Go's parameters) with what the
//! recorder received (protobuf requests).
//!
//! The two shapes differ (field names, typed ids, enums, JSON carried as bytes...), so values
//! are compared as sets of leaves: every non-zero scalar the probe reports for a Go parameter
//! must be among the scalars of the request field that carries that parameter. The request's
//! fields follow Go's parameter order (see `crates/mm-proto/stock/` and its mapping's
//! documented exceptions); where the counts differ (a Go options struct flattened into the
//! request), the parameter is looked for in the whole request.

use std::collections::BTreeSet;

use prost_reflect::{DynamicMessage, FieldDescriptor, Kind, Value};
use serde_json::Value as Json;

/// The non-zero scalars of a reported value, as text (zero, empty and null are "not sent",
/// as the stock harness treats them).
pub fn report_leaves(value: &Json, out: &mut Vec<String>) {
    match value {
        Json::Null | Json::Bool(false) => {}
        Json::Bool(true) => out.push("true".into()),
        Json::Number(n) => {
            if n.as_f64() != Some(0.0) {
                out.push(number_text(n));
            }
        }
        Json::String(s) if s.is_empty() => {}
        Json::String(s) => out.push(s.clone()),
        Json::Array(items) => items.iter().for_each(|v| report_leaves(v, out)),
        Json::Object(map) => map.values().for_each(|v| report_leaves(v, out)),
    }
}

fn number_text(n: &serde_json::Number) -> String {
    match (n.as_i64(), n.as_u64(), n.as_f64()) {
        (Some(i), _, _) => i.to_string(),
        (_, Some(u), _) => u.to_string(),
        (_, _, Some(f)) if f.fract() == 0.0 && f.abs() < 9e15 => (f as i64).to_string(),
        (_, _, Some(f)) => f.to_string(),
        _ => n.to_string(),
    }
}

/// Every scalar under a request message, as text, with the forms the same value takes on
/// the Go side: enum values also as Go's strings, comma-joined lists also split, JSON carried
/// as text or bytes also parsed, bytes also as base64, RFC 3339 times also as milliseconds.
pub fn request_leaves(message: &DynamicMessage, out: &mut BTreeSet<String>) {
    for (field, value) in message.fields() {
        value_leaves(&field, value, out);
    }
}

/// The leaves of one field of a request.
pub fn field_leaves(message: &DynamicMessage, field: &FieldDescriptor, out: &mut BTreeSet<String>) {
    if message.has_field(field) {
        value_leaves(field, &message.get_field(field), out);
    }
}

fn value_leaves(field: &FieldDescriptor, value: &Value, out: &mut BTreeSet<String>) {
    match value {
        Value::Bool(b) => {
            out.insert(b.to_string());
        }
        Value::I32(n) => {
            out.insert(n.to_string());
        }
        Value::I64(n) => {
            out.insert(n.to_string());
        }
        Value::U32(n) => {
            out.insert(n.to_string());
        }
        Value::U64(n) => {
            out.insert(n.to_string());
        }
        Value::F32(f) => float_leaf(f64::from(*f), out),
        Value::F64(f) => float_leaf(*f, out),
        Value::String(s) => text_leaves(s, out),
        Value::Bytes(b) => {
            // Streams and bodies are reported as their digest.
            out.insert(b.len().to_string());
            out.insert(sha256_hex(b));
            out.insert(base64(b));
            if let Ok(text) = std::str::from_utf8(b) {
                text_leaves(text, out);
            }
        }
        Value::EnumNumber(n) => {
            if let Kind::Enum(e) = field.kind()
                && let Some(v) = e.get_value(*n)
            {
                out.insert(v.name().to_owned());
                if let Some(go) = go_enum_string(v.name()) {
                    out.insert(go.to_owned());
                }
            }
        }
        Value::Message(m) => request_leaves(m, out),
        Value::List(items) => items.iter().for_each(|v| value_leaves(field, v, out)),
        Value::Map(map) => {
            let value_field = match field.kind() {
                Kind::Message(entry) => entry.map_entry_value_field(),
                _ => return,
            };
            map.values().for_each(|v| value_leaves(&value_field, v, out));
        }
    }
}

fn float_leaf(f: f64, out: &mut BTreeSet<String>) {
    if f.fract() == 0.0 && f.abs() < 9e15 {
        out.insert((f as i64).to_string());
    } else {
        out.insert(f.to_string());
    }
}

fn text_leaves(s: &str, out: &mut BTreeSet<String>) {
    out.insert(s.to_owned());
    if s.contains(',') {
        out.extend(s.split(',').map(|p| p.trim().to_owned()));
    }
    if (s.starts_with('{') || s.starts_with('['))
        && let Ok(json) = serde_json::from_str::<Json>(s)
    {
        let mut leaves = Vec::new();
        report_leaves(&json, &mut leaves);
        out.extend(leaves);
    }
}

/// The Go strings of the contract's two enums (`crates/mm-proto/stock/mapping.toml`).
fn go_enum_string(name: &str) -> Option<&'static str> {
    Some(match name {
        "CHANNEL_TYPE_OPEN" | "TEAM_TYPE_OPEN" => "O",
        "CHANNEL_TYPE_PRIVATE" => "P",
        "CHANNEL_TYPE_DIRECT" => "D",
        "CHANNEL_TYPE_GROUP" => "G",
        "TEAM_TYPE_INVITE" => "I",
        _ => return None,
    })
}

fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

/// Standard base64 with padding (Go's `[]byte` in JSON).
pub fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let b = [chunk[0], chunk.get(1).copied().unwrap_or(0), chunk.get(2).copied().unwrap_or(0)];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            out.push(if i <= chunk.len() {
                char::from(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize])
            } else {
                '='
            });
        }
    }
    out
}

/// Milliseconds of an RFC 3339 UTC time (`2030-03-17T17:46:40Z`, Go's `time.Time` in JSON), as
/// text, for matching the contract's milliseconds.
pub fn rfc3339_millis(s: &str) -> Option<String> {
    let b = s.as_bytes();
    if b.len() < 20 || b[4] != b'-' || b[10] != b'T' || !s.ends_with('Z') {
        return None;
    }
    let num = |r: std::ops::Range<usize>| s.get(r)?.parse::<i64>().ok();
    let (y, m, d) = (num(0..4)?, num(5..7)?, num(8..10)?);
    let (hh, mm, ss) = (num(11..13)?, num(14..16)?, num(17..19)?);
    let fraction = s.get(19..s.len() - 1).unwrap_or("");
    let ms = match fraction.strip_prefix('.') {
        Some(digits) => format!("{digits:0<3}").get(..3)?.parse::<i64>().ok()?,
        None => 0,
    };
    // Days from civil (Howard Hinnant's algorithm).
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    Some((((days * 86_400) + hh * 3600 + mm * 60 + ss) * 1000 + ms).to_string())
}

/// Which of `reported`'s leaves are missing from `received`.
pub fn missing(reported: &Json, received: &BTreeSet<String>) -> Vec<String> {
    let mut leaves = Vec::new();
    report_leaves(reported, &mut leaves);
    leaves
        .into_iter()
        .filter(|leaf| {
            !received.contains(leaf) && !rfc3339_millis(leaf).is_some_and(|ms| received.contains(&ms))
        })
        .collect()
}

#[test]
fn rfc3339_millis_inverts_go_times() {
    assert_eq!(rfc3339_millis("2030-03-17T17:46:40Z").as_deref(), Some("1900000000000"));
    assert_eq!(rfc3339_millis("2000-02-29T00:00:00.25Z").as_deref(), Some("951782400250"));
    assert_eq!(rfc3339_millis("not a time"), None);
}

#[test]
fn reported_leaves_are_found_in_the_forms_the_contract_carries_them() {
    let pool = crate::server::pool();
    let descriptor =
        pool.get_message_by_name("mattermost.pluginapi.v1.CreateChannelRequest").expect("request");
    let mut request = DynamicMessage::new(descriptor);
    let channel = pool.get_message_by_name("mattermost.pluginapi.v1.Channel").expect("Channel");
    let mut value = DynamicMessage::new(channel);
    value.set_field_by_name("id", Value::String("c1".into()));
    value.set_field_by_name("type", Value::EnumNumber(2));
    value.set_field_by_name("total_msg_count", Value::I64(12));
    request.set_field_by_name("channel", Value::Message(value));
    let mut received = BTreeSet::new();
    request_leaves(&request, &mut received);
    assert!(
        missing(
            &serde_json::json!({"id": "c1", "type": "P", "total_msg_count": 12, "purpose": ""}),
            &received
        )
        .is_empty()
    );
    assert_eq!(missing(&serde_json::json!({"id": "c2", "type": "O"}), &received), ["c2", "O"]);
}
