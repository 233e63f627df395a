//! Constructors for the `AppError`s the store answers with, using the server's error ids.

use mm_types::AppError;

/// An error with the server's id, a message for people and an HTTP status.
pub(crate) fn app_error(id: &str, message: impl Into<String>, status: i32) -> AppError {
    AppError::new(id, message).with_status(status)
}

/// HTTP 400.
pub(crate) fn bad_request(id: &str, message: impl Into<String>) -> AppError {
    app_error(id, message, 400)
}

/// HTTP 403.
pub(crate) fn forbidden(id: &str, message: impl Into<String>) -> AppError {
    app_error(id, message, 403)
}

/// HTTP 404.
pub(crate) fn not_found(id: &str, message: impl Into<String>) -> AppError {
    app_error(id, message, 404)
}
