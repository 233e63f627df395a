//! The safety sidecar (`rpc.toml`): one `Name = "class"` line per RPC under `[safety]`.
//!
//! A TOML subset, read by hand so that the build of every plugin does not compile a TOML
//! parser: comments, blank lines, the `[safety]` header and `Name = "class"` entries (an
//! entry may end in a comment). Anything else is an error naming the line.

use std::collections::BTreeMap;

use crate::error::Error;
use crate::model::Safety;

/// The declarations, by RPC name, with the line each came from.
pub(crate) type Declarations = BTreeMap<String, (Safety, usize)>;

/// Parses the sidecar's text.
pub(crate) fn parse(text: &str) -> Result<Declarations, Error> {
    let mut declarations = Declarations::new();
    let mut in_safety = false;
    for (index, raw) in text.lines().enumerate() {
        let line_no = index + 1;
        let line = strip_comment(raw).trim();
        if line.is_empty() {
            continue;
        }
        if line.starts_with('[') {
            if line != "[safety]" {
                return Err(Error::new(format!(
                    "rpc.toml line {line_no}: unknown table {line}; the file has one table, [safety]"
                )));
            }
            in_safety = true;
            continue;
        }
        let Some((name, value)) = line.split_once('=') else {
            return Err(Error::new(format!(
                "rpc.toml line {line_no}: expected `Name = \"class\"`, found {line:?}"
            )));
        };
        if !in_safety {
            return Err(Error::new(format!("rpc.toml line {line_no}: entries go under the [safety] header")));
        }
        let name = name.trim();
        if name.is_empty() || !name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_') {
            return Err(Error::new(format!("rpc.toml line {line_no}: {name:?} is not an RPC name")));
        }
        let class = value.trim().strip_prefix('"').and_then(|v| v.strip_suffix('"')).ok_or_else(|| {
            Error::new(format!("rpc.toml line {line_no}: the class of {name} must be a quoted string"))
        })?;
        let safety = Safety::from_class(class).ok_or_else(|| {
            Error::new(format!(
                "rpc.toml line {line_no}: {name} = {class:?}: the class is one of \"read-only\", \
                 \"idempotent\", \"unsafe\""
            ))
        })?;
        if let Some((_, first)) = declarations.insert(name.to_string(), (safety, line_no)) {
            return Err(Error::new(format!(
                "rpc.toml line {line_no}: {name} is declared twice (first on line {first})"
            )));
        }
    }
    Ok(declarations)
}

/// The line without a trailing `# comment` (class strings never contain `#`).
fn strip_comment(line: &str) -> &str {
    line.split_once('#').map_or(line, |(before, _)| before)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_comments_and_blank_lines() {
        let text = "# header\n\n[safety]\n# users\nGetUser = \"read-only\"  # a read\nKVSet = \"idempotent\"\nCreatePost=\"unsafe\"\n";
        let parsed = parse(text).unwrap();
        assert_eq!(parsed["GetUser"], (Safety::ReadOnly, 5));
        assert_eq!(parsed["KVSet"].0, Safety::Idempotent);
        assert_eq!(parsed["CreatePost"].0, Safety::Unsafe);
        assert_eq!(parsed.len(), 3);
    }

    #[test]
    fn mistakes_name_their_line() {
        let twice = parse("[safety]\nGetUser = \"read-only\"\nGetUser = \"unsafe\"\n").unwrap_err();
        assert_eq!(twice.message(), "rpc.toml line 3: GetUser is declared twice (first on line 2)");
        let class = parse("[safety]\nGetUser = \"safe\"\n").unwrap_err();
        assert!(class.message().starts_with("rpc.toml line 2: GetUser = \"safe\""), "{class}");
        let header = parse("GetUser = \"read-only\"\n").unwrap_err();
        assert!(header.message().contains("under the [safety] header"), "{header}");
        let table = parse("[methods]\n").unwrap_err();
        assert!(table.message().contains("unknown table [methods]"), "{table}");
        let shape = parse("[safety]\nGetUser read-only\n").unwrap_err();
        assert!(shape.message().contains("expected `Name = \"class\"`"), "{shape}");
        let unquoted = parse("[safety]\nGetUser = read-only\n").unwrap_err();
        assert!(unquoted.message().contains("quoted string"), "{unquoted}");
    }
}
