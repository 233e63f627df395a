//! The one error type of the benchmarks.

/// Why a benchmark could not run or measure.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum BenchError {
    /// The in-memory host did not start.
    #[error("the host: {0}")]
    Host(Box<mm_host::HostError>),
    /// A plugin process did not start or stop.
    #[error("a plugin process: {0}")]
    Supervisor(Box<mm_host::supervisor::SupervisorError>),
    /// A measured call failed (the numbers would be meaningless).
    #[error("a measured call failed: {0}")]
    Call(String),
    /// The Python baseline could not be prepared or failed.
    #[error("the Python baseline: {0}")]
    Python(String),
    /// The Go toolchain, the stock bench host or its plugins failed.
    #[error("the stock protocol bench: {0}")]
    Go(String),
    /// A file or process operation failed.
    #[error("{context}: {source}")]
    Io {
        /// What was being done.
        context: String,
        /// The cause.
        source: std::io::Error,
    },
}

impl BenchError {
    pub(crate) fn io(context: impl Into<String>, source: std::io::Error) -> Self {
        BenchError::Io { context: context.into(), source }
    }

    pub(crate) fn call(what: &str, error: impl std::fmt::Display) -> Self {
        BenchError::Call(format!("{what}: {error}"))
    }
}

// Boxed: both carry the server's `AppError` by value and would make every result large.
impl From<mm_host::HostError> for BenchError {
    fn from(error: mm_host::HostError) -> Self {
        BenchError::Host(Box::new(error))
    }
}

impl From<mm_host::supervisor::SupervisorError> for BenchError {
    fn from(error: mm_host::supervisor::SupervisorError) -> Self {
        BenchError::Supervisor(Box::new(error))
    }
}
