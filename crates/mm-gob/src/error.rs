//! The one error type of this crate.
//!
//! Every failure is an [`Error`] with an [`ErrorKind`] callers can match on, a message, and,
//! for decoding, the path of the value that failed (`Z_MessageWillBePostedArgs.B.Props["nested"][1]`).

use std::fmt;

/// The result type of this crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// What went wrong, in categories callers can match on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The value continues in a gob message that has not been received yet. The decoder and the
    /// queue are exactly as they were before the call: push the next message and call again.
    Incomplete,
    /// The bytes are not valid gob: a truncated message, a bad length, an undefined or duplicate
    /// type id, a field number out of range, trailing bytes.
    Corrupt,
    /// The wire type of a value cannot be decoded into the Rust type asked for (a string into an
    /// integer, a map into a slice...).
    TypeMismatch,
    /// A number does not fit the Rust type it is decoded into (an int above `i32::MAX` into an
    /// `i32`, a float above `f32::MAX` into an `f32`).
    OutOfRange,
    /// A string is not valid UTF-8 (Go strings may hold any bytes; Rust `String`s may not).
    InvalidUtf8,
    /// A configured limit was exceeded: message length, nesting depth, number of types.
    LimitExceeded,
    /// A value cannot be encoded as asked: a nil pointer where Go forbids one, a dynamic value
    /// that does not match its declared type, a wrong element count.
    InvalidValue,
    /// A gob feature this crate does not implement.
    Unsupported,
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ErrorKind::Incomplete => "incomplete value",
            ErrorKind::Corrupt => "corrupt data",
            ErrorKind::TypeMismatch => "type mismatch",
            ErrorKind::OutOfRange => "value out of range",
            ErrorKind::InvalidUtf8 => "invalid UTF-8",
            ErrorKind::LimitExceeded => "limit exceeded",
            ErrorKind::InvalidValue => "invalid value",
            ErrorKind::Unsupported => "unsupported",
        })
    }
}

/// One step of the path to a value inside a decoded or encoded value.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum PathSegment {
    /// The outermost value, by its Go type name (may be empty).
    Root(String),
    /// A struct field, by its Go name.
    Field(String),
    /// A slice or array element.
    Index(usize),
    /// A map value, by its key as text (strings quoted).
    Key(String),
    /// The concrete value inside an interface, by its registered name.
    Concrete(String),
}

/// An error of this crate: a kind, a message and the path of the value it concerns.
pub struct Error {
    kind: ErrorKind,
    message: String,
    /// Innermost segment first; reversed when displayed.
    path: Vec<PathSegment>,
}

impl Error {
    /// Makes an error of `kind` with a message (for hand-written `Encode`/`Decode` impls).
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        Error { kind, message: message.into(), path: Vec::new() }
    }

    pub(crate) fn corrupt(message: impl Into<String>) -> Self {
        Error::new(ErrorKind::Corrupt, message)
    }

    pub(crate) fn incomplete() -> Self {
        Error::new(ErrorKind::Incomplete, "the value continues in a message not received yet")
    }

    pub(crate) fn invalid(message: impl Into<String>) -> Self {
        Error::new(ErrorKind::InvalidValue, message)
    }

    /// Adds an outer path segment (callers add them while the error travels outwards).
    pub(crate) fn at(mut self, segment: PathSegment) -> Self {
        self.path.push(segment);
        self
    }

    /// What kind of failure this is.
    pub fn kind(&self) -> ErrorKind {
        self.kind
    }

    /// Whether the value continues in a message that has not arrived yet (push it and retry).
    pub fn is_incomplete(&self) -> bool {
        self.kind == ErrorKind::Incomplete
    }

    /// The message, without kind or path.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// The path of the value the error concerns, outermost first.
    pub fn path(&self) -> impl Iterator<Item = &PathSegment> {
        self.path.iter().rev()
    }

    /// The path rendered as Go-like text, e.g. `Post.Props["nested"][1]`; empty at top level.
    pub fn path_string(&self) -> String {
        let mut out = String::new();
        for segment in self.path() {
            match segment {
                PathSegment::Root(name) => out.push_str(if name.is_empty() { "<value>" } else { name }),
                PathSegment::Field(name) => {
                    if !out.is_empty() {
                        out.push('.');
                    }
                    out.push_str(name);
                }
                PathSegment::Index(i) => {
                    out.push('[');
                    out.push_str(&i.to_string());
                    out.push(']');
                }
                PathSegment::Key(key) => {
                    out.push('[');
                    out.push_str(key);
                    out.push(']');
                }
                PathSegment::Concrete(name) => {
                    out.push_str(".(");
                    out.push_str(name);
                    out.push(')');
                }
            }
        }
        out
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Error")
            .field("kind", &self.kind)
            .field("message", &self.message)
            .field("path", &self.path_string())
            .finish()
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "gob: {}", self.kind)?;
        let path = self.path_string();
        if !path.is_empty() {
            write!(f, " at {path}")?;
        }
        write!(f, ": {}", self.message)
    }
}

impl std::error::Error for Error {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_renders_outermost_first() {
        let err = Error::new(ErrorKind::TypeMismatch, "string into i64")
            .at(PathSegment::Index(1))
            .at(PathSegment::Key("\"nested\"".into()))
            .at(PathSegment::Field("Props".into()))
            .at(PathSegment::Root("Post".into()));
        assert_eq!(err.path_string(), "Post.Props[\"nested\"][1]");
        assert_eq!(err.to_string(), "gob: type mismatch at Post.Props[\"nested\"][1]: string into i64");
        assert!(!err.is_incomplete());
    }

    #[test]
    fn no_path_no_location() {
        let err = Error::incomplete();
        assert!(err.is_incomplete());
        assert_eq!(err.path_string(), "");
        assert!(err.to_string().starts_with("gob: incomplete value: "));
    }
}
