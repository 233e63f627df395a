//! Mattermost's application error, as the server and hooks report it.

use std::fmt;

use mm_proto::v1 as wire;
use serde::{Deserialize, Serialize};

use crate::json::JsonMap;
use crate::wire_struct;

/// An error as Mattermost reports it (`model.AppError`).
///
/// API responses and fallible hook responses carry one when the call failed; the client and
/// the hook runtime turn it into their own error types, keeping every field.
///
/// ```
/// use mm_types::AppError;
/// let err = AppError::new("plugin.example.invalid_input", "The input is invalid.").with_status(400);
/// assert_eq!(err.to_string(), "plugin.example.invalid_input: The input is invalid. (HTTP 400)");
/// ```
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct AppError {
    /// A stable, translatable error id such as `app.user.get.app_error`.
    pub id: String,
    /// The message for users.
    pub message: String,
    /// Details for logs and administrators.
    pub detailed_error: String,
    /// The id of the request that failed.
    pub request_id: String,
    /// The HTTP status the server would answer with (0 when unset).
    pub status_code: i32,
    /// Where the error was raised (a Go function name). Not in Mattermost's JSON (Go's
    /// `json:"-"`): read when present, never written.
    #[serde(rename = "where", skip_serializing)]
    pub location: String,
    /// Parameters of the translated message.
    pub params: Option<JsonMap>,
    /// Whether the message is final text, not a translation id (stock servers send it; the gRPC
    /// protocol does not carry it). Not in Mattermost's JSON (Go's `json:"-"`): read when
    /// present, never written.
    #[serde(skip_serializing)]
    pub skip_translation: bool,
}

impl AppError {
    /// An error with an id and a message; other fields empty.
    pub fn new(id: impl Into<String>, message: impl Into<String>) -> Self {
        AppError { id: id.into(), message: message.into(), ..Default::default() }
    }

    /// Sets the HTTP status code.
    pub fn with_status(mut self, status_code: i32) -> Self {
        self.status_code = status_code;
        self
    }

    /// Sets the detailed error.
    pub fn with_detail(mut self, detailed_error: impl Into<String>) -> Self {
        self.detailed_error = detailed_error.into();
        self
    }

    /// Sets where the error was raised.
    pub fn with_location(mut self, location: impl Into<String>) -> Self {
        self.location = location.into();
        self
    }
}

impl fmt::Display for AppError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.id.is_empty(), self.message.is_empty()) {
            (false, false) => write!(f, "{}: {}", self.id, self.message)?,
            (false, true) => f.write_str(&self.id)?,
            (true, _) => f.write_str(&self.message)?,
        }
        if !self.detailed_error.is_empty() {
            write!(f, ", {}", self.detailed_error)?;
        }
        if self.status_code != 0 {
            write!(f, " (HTTP {})", self.status_code)?;
        }
        Ok(())
    }
}

impl std::error::Error for AppError {}

wire_struct! {
    AppError <=> wire::AppError {
        id,
        message,
        detailed_error,
        request_id,
        status_code,
        location = r#where,
        params,
        skip_translation,
    }
}
