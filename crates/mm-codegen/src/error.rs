//! The one error of the generator: a message for the person running the build.

use std::fmt;

/// Why the code could not be generated: a descriptor or the sidecar breaks a rule of the
/// table. The message names the RPC, message or line at fault and says how to fix it.
///
/// `Debug` shows the message as it is, so that a build script returning
/// `Result<(), mm_codegen::Error>` prints it readably.
#[derive(Clone, PartialEq, Eq)]
pub struct Error {
    message: String,
}

impl Error {
    pub(crate) fn new(message: impl Into<String>) -> Self {
        Error { message: message.into() }
    }

    /// Several problems at once, one per line (all missing declarations, say).
    pub(crate) fn many(problems: Vec<String>) -> Option<Self> {
        (!problems.is_empty()).then(|| Error::new(problems.join("\n")))
    }

    /// The message.
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Error {}
