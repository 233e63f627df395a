//! The probe report (`stock-api-probe/1`, see `tests/stock-conformance/README.md`, "API probe
//! protocol") and the Mattermost-JSON forms of the values that cross.

use std::collections::BTreeMap;

use mattermost_plugin::client::Error;
use mattermost_plugin::serde::Serialize;
use mattermost_plugin::serde_json::{self, Map, Value, json};
use sha2::{Digest, Sha256};

/// The report format this probe writes.
pub(crate) const FORMAT: &str = "stock-api-probe/1";

/// The answer to `GET /probe`.
#[derive(Debug, Serialize)]
#[serde(crate = "mattermost_plugin::serde")]
pub(crate) struct Report {
    pub(crate) format: &'static str,
    pub(crate) probe: String,
    /// Go method name -> its calls, in the order made.
    pub(crate) methods: BTreeMap<&'static str, Vec<Call>>,
}

/// Which answer the recording API gives: the 1st call of a method is the ok shape, the 2nd
/// the error shape.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(crate = "mattermost_plugin::serde", rename_all = "lowercase")]
pub(crate) enum Shape {
    Ok,
    Error,
}

/// One API call as the probe saw it.
#[derive(Debug, Serialize)]
#[serde(crate = "mattermost_plugin::serde")]
pub(crate) struct Call {
    pub(crate) shape: Shape,
    /// One value per Go parameter, in Go order.
    pub(crate) args: Vec<Value>,
    /// One value per Go result but a final error.
    pub(crate) result: Vec<Value>,
    /// The final error, or null.
    pub(crate) error: Option<Value>,
}

/// The Mattermost-JSON form of a domain value: its serde form (mm-types uses Mattermost's
/// JSON names). A value that does not serialize is reported as such, never dropped.
pub(crate) fn j<T: Serialize + ?Sized>(value: &T) -> Value {
    serde_json::to_value(value).unwrap_or_else(|e| Value::String(format!("unencodable: {e}")))
}

/// `[]byte` as Go's `encoding/json` writes it: standard base64 with padding.
pub(crate) fn base64(bytes: &[u8]) -> Value {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [chunk[0], chunk.get(1).copied().unwrap_or(0), chunk.get(2).copied().unwrap_or(0)];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    Value::String(out)
}

/// The report form of a byte stream: `{"len", "sha256"}`.
pub(crate) fn digest(bytes: &[u8]) -> Value {
    let sum = Sha256::digest(bytes);
    let hex: String = sum.iter().map(|b| format!("{b:02x}")).collect();
    json!({ "len": bytes.len(), "sha256": hex })
}

/// The report form of an error from the SDK's client.
///
/// An error carrying the server's `AppError` is `{"kind": "app_error", ...}` with every field
/// the SDK kept (its serde form, Mattermost's names); any other error is `{"kind": "error",
/// "message"}`, the message without the SDK's `"<RPC>: "` prefix. `sdk_kind` adds the SDK's
/// own [`ErrorKind`](mattermost_plugin::client::ErrorKind), which the harness ignores.
pub(crate) fn error_form(error: &Error) -> Value {
    let mut out = Map::new();
    match error.app_error() {
        Some(app_error) => {
            out.insert("kind".into(), "app_error".into());
            if let Value::Object(fields) = j(app_error) {
                out.extend(fields.into_iter().filter(|(k, v)| k != "params" || !v.is_null()));
            }
            // Fields Go keeps out of Mattermost's JSON (`json:"-"`), which the protocol's error
            // form has.
            out.insert("where".into(), app_error.location.clone().into());
            out.insert("skip_translation".into(), app_error.skip_translation.into());
        }
        None => {
            out.insert("kind".into(), "error".into());
            out.insert("message".into(), message_of(error).into());
        }
    }
    out.insert("sdk_kind".into(), format!("{:?}", error.kind()).into());
    Value::Object(out)
}

/// The error's text without the `"<RPC>: "` prefix its `Display` adds.
fn message_of(error: &Error) -> String {
    let text = error.to_string();
    match error.rpc() {
        Some(rpc) => text.strip_prefix(&format!("{rpc}: ")).map(str::to_owned).unwrap_or(text),
        None => text,
    }
}

/// A `time.Time` as Go's `encoding/json` writes it (RFC 3339, UTC, fraction only when
/// non-zero), from milliseconds since the Unix epoch, for Go fields the SDK keeps as a
/// [`Timestamp`](mattermost_plugin::types::Timestamp).
pub(crate) fn rfc3339(millis: i64) -> Value {
    let (secs, ms) = (millis.div_euclid(1000), millis.rem_euclid(1000));
    let (days, rest) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    let (h, m, s) = (rest / 3600, rest % 3600 / 60, rest % 60);
    let fraction = if ms == 0 { String::new() } else { format!(".{ms:03}").trim_end_matches('0').to_owned() };
    Value::String(format!("{year:04}-{month:02}-{day:02}T{h:02}:{m:02}:{s:02}{fraction}Z"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_is_go_standard_encoding() {
        let cases: [(&[u8], &str); 6] = [
            (b"", ""),
            (b"f", "Zg=="),
            (b"fo", "Zm8="),
            (b"foo", "Zm9v"),
            (b"foob", "Zm9vYg=="),
            (&[0xfb, 0xff], "+/8="),
        ];
        for (input, want) in cases {
            assert_eq!(base64(input), Value::String(want.into()), "{input:?}");
        }
    }

    #[test]
    fn rfc3339_matches_go() {
        assert_eq!(rfc3339(0), Value::String("1970-01-01T00:00:00Z".into()));
        assert_eq!(rfc3339(1_900_000_000_000), Value::String("2030-03-17T17:46:40Z".into()));
        assert_eq!(rfc3339(951_782_400_250), Value::String("2000-02-29T00:00:00.25Z".into()));
    }

    #[test]
    fn digest_is_length_and_sha256() {
        assert_eq!(
            digest(b"abc"),
            json!({"len": 3, "sha256": "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"})
        );
    }
}
