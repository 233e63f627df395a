//! Header maps to and from the wire's `HTTPHeader` list (canonical MIME keys, one entry per
//! name with all its values).

use http::HeaderMap;
use http::header::{HeaderName, HeaderValue};
use mm_types::HttpHeader;

/// The header the Mattermost server sets to the id of the authenticated user (and removes from
/// anything the client sent).
pub const MATTERMOST_USER_ID: &str = "Mattermost-User-Id";

/// A header on the wire that `http` cannot represent.
#[derive(Debug)]
pub struct InvalidHeader {
    /// The header's key.
    pub key: String,
    /// Why `http` cannot represent it.
    pub reason: &'static str,
}

/// Groups a header map into wire headers: one entry per name, values in order, keys
/// canonical. Values that are not UTF-8 (legal in HTTP, impossible in a protobuf string) are
/// converted lossily.
pub fn to_wire(headers: &HeaderMap) -> Vec<HttpHeader> {
    let mut out: Vec<HttpHeader> = Vec::new();
    // A `HeaderMap` yields all values of one name together, so comparing with the last entry
    // is enough to group them.
    for (name, value) in headers {
        let value = match value.to_str() {
            Ok(text) => text.to_owned(),
            Err(_) => {
                tracing::debug!(header = %name, "header value is not UTF-8; sent lossily");
                String::from_utf8_lossy(value.as_bytes()).into_owned()
            }
        };
        match out.last_mut() {
            Some(last) if last.key.eq_ignore_ascii_case(name.as_str()) => last.values.push(value),
            _ => out.push(HttpHeader {
                key: mm_proto::protocol::canonical_header_key(name.as_str()),
                values: vec![value],
            }),
        }
    }
    out
}

/// Parses one wire header into a name and values.
pub fn parse_header(header: &HttpHeader) -> Result<(HeaderName, Vec<HeaderValue>), InvalidHeader> {
    let invalid = |reason| InvalidHeader { key: header.key.clone(), reason };
    let name = HeaderName::from_bytes(header.key.as_bytes()).map_err(|_| invalid("invalid header name"))?;
    let values = header
        .values
        .iter()
        .map(|v| HeaderValue::from_str(v).map_err(|_| invalid("invalid header value")))
        .collect::<Result<_, _>>()?;
    Ok((name, values))
}

/// Adds every value of every wire header to `map`, failing on the first invalid one.
pub(crate) fn extend_strict(map: &mut HeaderMap, headers: &[HttpHeader]) -> Result<(), InvalidHeader> {
    for header in headers {
        let (name, values) = parse_header(header)?;
        for value in values {
            map.append(name.clone(), value);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_take_the_canonical_mime_form() {
        assert_eq!(mm_proto::protocol::canonical_header_key("content-type"), "Content-Type");
        assert_eq!(mm_proto::protocol::canonical_header_key("x-forwarded-for"), "X-Forwarded-For");
        assert_eq!(mm_proto::protocol::canonical_header_key("WWW-AUTHENTICATE"), "Www-Authenticate");
        assert_eq!(mm_proto::protocol::canonical_header_key("mattermost-user-id"), MATTERMOST_USER_ID);
        assert_eq!(mm_proto::protocol::canonical_header_key("etag"), "Etag");
    }

    #[test]
    fn multi_value_headers_are_grouped_in_order() {
        let mut map = HeaderMap::new();
        map.append("accept", HeaderValue::from_static("text/html"));
        map.append("x-a", HeaderValue::from_static("1"));
        map.append("accept", HeaderValue::from_static("application/json"));
        let wire = to_wire(&map);
        assert_eq!(wire.len(), 2);
        let accept = wire.iter().find(|h| h.key == "Accept").expect("accept");
        assert_eq!(accept.values, ["text/html", "application/json"]);
        assert_eq!(wire.iter().find(|h| h.key == "X-A").expect("x-a").values, ["1"]);
    }

    #[test]
    fn invalid_wire_headers_are_rejected_with_their_key() {
        let mut map = HeaderMap::new();
        let bad_name = HttpHeader { key: "Bad Name".into(), values: vec!["x".into()] };
        assert_eq!(extend_strict(&mut map, &[bad_name]).unwrap_err().key, "Bad Name");
        let bad_value = HttpHeader { key: "X-Ok".into(), values: vec!["line\nbreak".into()] };
        assert_eq!(extend_strict(&mut map, &[bad_value]).unwrap_err().reason, "invalid header value");
        let good = HttpHeader { key: "X-Ok".into(), values: vec!["a".into(), "b".into()] };
        extend_strict(&mut map, &[good]).expect("valid");
        assert_eq!(map.get_all("x-ok").iter().count(), 2);
    }
}
