//! Cookies the way Go's `net/http` reads (`Request.Cookies`) and writes (`Request.AddCookie`)
//! them: the server drops the session cookie from a request it forwards to a plugin by
//! rebuilding the `Cookie` header from the parsed cookies, so the plugin sees one normalized
//! header with only the valid cookies.

use axum::http::HeaderMap;
use axum::http::header::COOKIE;

/// The session cookie's name.
pub(crate) const SESSION_COOKIE: &str = "MMAUTHTOKEN";

/// One parsed cookie.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Cookie {
    pub(crate) name: String,
    pub(crate) value: String,
    /// The value was written in double quotes.
    pub(crate) quoted: bool,
}

/// Every valid cookie of every `Cookie` header, in order (Go's `readCookies`).
pub(crate) fn parse(headers: &HeaderMap) -> Vec<Cookie> {
    let mut cookies = Vec::new();
    for line in headers.get_all(COOKIE) {
        let Ok(line) = std::str::from_utf8(line.as_bytes()) else { continue };
        for part in line.split(';') {
            let part = part.trim_matches([' ', '\t']);
            if part.is_empty() {
                continue;
            }
            let (name, value) = part.split_once('=').unwrap_or((part, ""));
            let name = name.trim_matches([' ', '\t']);
            if !is_valid_name(name) {
                continue;
            }
            if let Some((value, quoted)) = parse_value(value) {
                cookies.push(Cookie { name: name.to_owned(), value: value.to_owned(), quoted });
            }
        }
    }
    cookies
}

/// The value of the first cookie named `name`.
pub(crate) fn find(headers: &HeaderMap, name: &str) -> Option<String> {
    parse(headers).into_iter().find(|c| c.name == name).map(|c| c.value)
}

/// The `Cookie` header Go's `AddCookie` writes for `cookies`, `None` for no cookie.
pub(crate) fn header_value(cookies: &[Cookie]) -> Option<String> {
    let parts: Vec<String> = cookies
        .iter()
        .map(|c| {
            if !c.value.is_empty() && (c.quoted || c.value.contains([' ', ','])) {
                format!("{}=\"{}\"", c.name, c.value)
            } else {
                format!("{}={}", c.name, c.value)
            }
        })
        .collect();
    (!parts.is_empty()).then(|| parts.join("; "))
}

/// Go's `isCookieNameValid`: a non-empty HTTP token.
fn is_valid_name(name: &str) -> bool {
    !name.is_empty() && name.bytes().all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
}

/// Go's `parseCookieValue` with double quotes allowed.
fn parse_value(raw: &str) -> Option<(&str, bool)> {
    let (value, quoted) = match raw.strip_prefix('"').and_then(|r| r.strip_suffix('"')) {
        Some(inner) if raw.len() > 1 => (inner, true),
        _ => (raw, false),
    };
    let valid = value.bytes().all(|b| (0x20..0x7f).contains(&b) && !matches!(b, b'"' | b';' | b'\\'));
    valid.then_some((value, quoted))
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn headers(lines: &[&str]) -> HeaderMap {
        let mut headers = HeaderMap::new();
        for line in lines {
            headers.append(COOKIE, HeaderValue::from_str(line).unwrap());
        }
        headers
    }

    #[test]
    fn reads_cookies_like_go() {
        let parsed = parse(&headers(&["a=1; MMAUTHTOKEN=tok ;b=\"q v\"", "bad name=x; c=; d=\"x\\\"y\""]));
        let names: Vec<(&str, &str)> = parsed.iter().map(|c| (c.name.as_str(), c.value.as_str())).collect();
        assert_eq!(names, [("a", "1"), ("MMAUTHTOKEN", "tok"), ("b", "q v"), ("c", "")]);
        assert_eq!(find(&headers(&["x=1; MMAUTHTOKEN=abc"]), SESSION_COOKIE).as_deref(), Some("abc"));
        assert_eq!(find(&headers(&["x=1"]), SESSION_COOKIE), None);
    }

    #[test]
    fn writes_cookies_like_go() {
        let parsed = parse(&headers(&["a=1", "b=\"quoted\"; c=has space"]));
        assert_eq!(header_value(&parsed).as_deref(), Some("a=1; b=\"quoted\"; c=\"has space\""));
        assert_eq!(header_value(&[]), None);
    }
}
