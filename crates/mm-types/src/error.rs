//! The one error type of this crate.

use std::fmt;

/// Why a value could not be turned into a domain type.
///
/// Conversions from the wire never panic: a message that cannot be represented gives this
/// error, naming the message and field it came from.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A string given as an id is not a valid Mattermost id.
    #[error("invalid {kind} id {value:?}: {reason}")]
    InvalidId {
        /// The kind of id that was expected (`"user"`, `"channel"`...).
        kind: &'static str,
        /// The rejected input.
        value: String,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// A wire message holds a value the domain type cannot represent.
    #[error("cannot convert {path}: {reason}")]
    Conversion {
        /// Where the value sits, outermost first (`"Post.props.key"`).
        path: FieldPath,
        /// What is wrong with it.
        reason: String,
    },
    /// A JSON document (a JSON blob field, or a typed read of one) is malformed or does not
    /// fit the requested type.
    #[error("invalid JSON in {what}: {source}")]
    Json {
        /// What was being read.
        what: &'static str,
        /// The parser's error.
        #[source]
        source: serde_json::Error,
    },
    /// A value is outside the range the domain type accepts.
    #[error("{what} out of range: {value}")]
    OutOfRange {
        /// What the value is.
        what: &'static str,
        /// The rejected value, as text.
        value: String,
    },
}

impl Error {
    /// A conversion error at no particular field yet; callers add the path as it bubbles up.
    pub(crate) fn conversion(reason: impl Into<String>) -> Self {
        Error::Conversion { path: FieldPath::default(), reason: reason.into() }
    }

    /// Prefixes the path of a conversion error with `message.field`.
    pub(crate) fn in_field(self, message: &'static str, field: &'static str) -> Self {
        match self {
            Error::Conversion { mut path, reason } => {
                path.segments.insert(0, field);
                path.message = message;
                Error::Conversion { path, reason }
            }
            other => other,
        }
    }
}

/// The location of a value inside a wire message, such as `Post.metadata.embeds`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FieldPath {
    message: &'static str,
    segments: Vec<&'static str>,
}

impl FieldPath {
    /// The outermost message's name (empty when unknown).
    pub fn message(&self) -> &'static str {
        self.message
    }

    /// The field names from the outermost message inwards.
    pub fn fields(&self) -> &[&'static str] {
        &self.segments
    }
}

impl fmt::Display for FieldPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut first = true;
        if !self.message.is_empty() {
            f.write_str(self.message)?;
            first = false;
        }
        for segment in &self.segments {
            if !first {
                f.write_str(".")?;
            }
            f.write_str(segment)?;
            first = false;
        }
        if first {
            f.write_str("value")?;
        }
        Ok(())
    }
}

/// The result type of this crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_name_the_outermost_message_and_every_field() {
        let err = Error::conversion("NaN is not a JSON number")
            .in_field("PostEmbed", "data")
            .in_field("PostMetadata", "embeds")
            .in_field("Post", "metadata");
        assert_eq!(err.to_string(), "cannot convert Post.metadata.embeds.data: NaN is not a JSON number");
    }
}
