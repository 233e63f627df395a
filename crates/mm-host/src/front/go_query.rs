//! URL queries the way Go's `net/url` reads and writes them, since the server rewrites the
//! query of every request it forwards to a plugin with `url.Values`: parsed with `ParseQuery`
//! (a pair with `;` or a bad `%` escape is dropped, `+` is a space), then written back with
//! `Encode` (keys sorted, values of one key in order, `QueryEscape`d).

/// The pairs of a raw query, in order, decoded (bytes: a `%` escape need not be UTF-8).
pub(crate) fn parse(raw: &str) -> Vec<(Vec<u8>, Vec<u8>)> {
    let mut pairs = Vec::new();
    for pair in raw.split('&') {
        if pair.is_empty() || pair.contains(';') {
            continue;
        }
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        if let (Some(key), Some(value)) = (unescape(key), unescape(value)) {
            pairs.push((key, value));
        }
    }
    pairs
}

/// The first value of `key` as text, or `""` (Go's `Values.Get`).
pub(crate) fn get(pairs: &[(Vec<u8>, Vec<u8>)], key: &str) -> String {
    pairs
        .iter()
        .find(|(k, _)| k == key.as_bytes())
        .map(|(_, v)| String::from_utf8_lossy(v).into_owned())
        .unwrap_or_default()
}

/// `pairs` written as Go's `Values.Encode` does.
pub(crate) fn encode(pairs: &[(Vec<u8>, Vec<u8>)]) -> String {
    let mut sorted: Vec<&(Vec<u8>, Vec<u8>)> = pairs.iter().collect();
    // Stable: the values of one key keep their order, as in Go's map of slices.
    sorted.sort_by(|a, b| a.0.cmp(&b.0));
    sorted.iter().map(|(k, v)| format!("{}={}", escape(k), escape(v))).collect::<Vec<_>>().join("&")
}

/// Go's `QueryUnescape`: `+` is a space, `%XX` a byte; a bad escape is an error.
fn unescape(text: &str) -> Option<Vec<u8>> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' => {
                let hex = bytes.get(i + 1..i + 3)?;
                let high = char::from(hex[0]).to_digit(16)?;
                let low = char::from(hex[1]).to_digit(16)?;
                out.push(u8::try_from(high * 16 + low).ok()?);
                i += 3;
            }
            b'+' => {
                out.push(b' ');
                i += 1;
            }
            other => {
                out.push(other);
                i += 1;
            }
        }
    }
    Some(out)
}

/// Go's `QueryEscape`: letters, digits and `-_.~` stay, a space becomes `+`, everything else
/// `%XX` (upper-case hex).
fn escape(bytes: &[u8]) -> String {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let mut out = String::with_capacity(bytes.len());
    for &byte in bytes {
        match byte {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => out.push(char::from(byte)),
            b' ' => out.push('+'),
            _ => {
                out.push('%');
                out.push(char::from(HEX[usize::from(byte >> 4)]));
                out.push(char::from(HEX[usize::from(byte & 0xf)]));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rewrite(raw: &str) -> String {
        encode(&parse(raw))
    }

    #[test]
    fn reads_like_go_parse_query() {
        let pairs = parse("a=1&b=x+y&c=%41%2f&d&&e=");
        let text: Vec<(String, String)> = pairs
            .iter()
            .map(|(k, v)| (String::from_utf8_lossy(k).into_owned(), String::from_utf8_lossy(v).into_owned()))
            .collect();
        assert_eq!(
            text,
            [("a", "1"), ("b", "x y"), ("c", "A/"), ("d", ""), ("e", "")]
                .map(|(k, v)| (k.to_owned(), v.to_owned()))
        );
        // Semicolons and bad escapes drop the pair, as Go's ParseQuery does.
        assert_eq!(parse("a=1;b=2&c=3"), [(b"c".to_vec(), b"3".to_vec())]);
        assert_eq!(parse("a=%zz&b=%4&c=ok"), [(b"c".to_vec(), b"ok".to_vec())]);
        assert_eq!(get(&parse("access_token=abc&access_token=def"), "access_token"), "abc");
        assert_eq!(get(&parse("x=1"), "access_token"), "");
    }

    #[test]
    fn writes_like_go_encode() {
        assert_eq!(rewrite("b=2&a=1&b=1"), "a=1&b=2&b=1");
        assert_eq!(rewrite("q=hello world&path=/a/b?c"), "path=%2Fa%2Fb%3Fc&q=hello+world");
        assert_eq!(rewrite("k=%E2%9C%93&t=~-_."), "k=%E2%9C%93&t=~-_.");
        assert_eq!(rewrite("flag"), "flag=");
        assert_eq!(rewrite(""), "");
        assert_eq!(rewrite("x=%FF"), "x=%FF", "bytes that are not UTF-8 survive");
    }
}
