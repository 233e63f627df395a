//! REST errors in Mattermost's JSON shape (`{"id", "message", "detailed_error", "request_id",
//! "status_code"}`) with the server's ids, messages and status codes.
//!
//! The detailed error is kept (as on a server with `EnableDeveloper`), except that tokens are
//! never echoed back.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use mm_types::{AppError, UserId};
use serde::Serialize;

/// An error answered in Mattermost's JSON shape with its status code.
#[derive(Debug)]
pub(crate) struct ApiError(pub(crate) AppError);

pub(crate) type ApiResult<T> = Result<T, ApiError>;

impl From<AppError> for ApiError {
    fn from(error: AppError) -> Self {
        ApiError(error)
    }
}

/// The error of a response, for the request-id middleware to stamp with the request's id.
#[derive(Debug, Clone)]
pub(crate) struct ErrorReply(pub(crate) AppError);

/// The JSON the server writes for an error (`AppError.ToJSON`): these five keys only.
#[derive(Serialize)]
struct ErrorBody<'a> {
    id: &'a str,
    message: &'a str,
    detailed_error: &'a str,
    request_id: &'a str,
    status_code: i32,
}

impl ErrorReply {
    /// The error as an HTTP response.
    pub(crate) fn into_response(self) -> Response {
        let mut error = self.0;
        if error.status_code == 0 {
            error.status_code = 500;
        }
        let status = u16::try_from(error.status_code)
            .ok()
            .and_then(|code| StatusCode::from_u16(code).ok())
            .unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let body = ErrorBody {
            id: &error.id,
            message: &error.message,
            detailed_error: &error.detailed_error,
            request_id: &error.request_id,
            status_code: error.status_code,
        };
        let mut response = (status, Json(body)).into_response();
        response.extensions_mut().insert(ErrorReply(error));
        response
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        ErrorReply(self.0).into_response()
    }
}

fn error(id: &str, message: &str, detail: impl Into<String>, status: i32) -> ApiError {
    ApiError(AppError::new(id, message).with_detail(detail).with_status(status))
}

/// 403: the caller lacks every one of `permissions` (`SetPermissionError`).
pub(crate) fn permission_error(user: &UserId, permissions: &[&str]) -> ApiError {
    error(
        "api.context.permissions.app_error",
        "You do not have the appropriate permissions.",
        format!("userId={user}, permission={}", permissions.join(",")),
        403,
    )
}

/// 400: a path parameter is not a valid id (`SetInvalidURLParam`).
pub(crate) fn invalid_url_param(name: &str) -> ApiError {
    error(
        "api.context.invalid_url_param.app_error",
        &format!("Invalid or missing {name} parameter in request URL."),
        "",
        400,
    )
}

/// 400: the body, or a value in it, is missing or malformed (`SetInvalidParam`).
pub(crate) fn invalid_body_param(name: &str, detail: impl Into<String>) -> ApiError {
    error(
        "api.context.invalid_body_param.app_error",
        &format!("Invalid or missing {name} in request body."),
        detail,
        400,
    )
}

/// 401: no valid session (`api.context.session_expired.app_error`).
pub(crate) fn session_expired(detail: &str) -> ApiError {
    error(
        "api.context.session_expired.app_error",
        "Invalid or expired session, please login again.",
        detail,
        401,
    )
}

/// 401: a session that is not OAuth used `?access_token=`.
pub(crate) fn token_provided() -> ApiError {
    error(
        "api.context.token_provided.app_error",
        "Session is not OAuth but token was provided in the query string.",
        "",
        401,
    )
}

/// 413: the body is larger than `MaximumPayloadSizeBytes`.
pub(crate) fn body_too_large(limit: usize) -> ApiError {
    error(
        "api.context.request_body_too_large.app_error",
        "Unable to process request. Request body too large.",
        format!(
            "the host accepts request bodies up to {limit} bytes, as a server with the default MaximumPayloadSizeBytes"
        ),
        413,
    )
}

/// 404: no API route here (`Handle404`).
pub(crate) fn page_not_found() -> ApiError {
    error("api.context.404.app_error", "Sorry, we could not find the page.", "", 404)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_carry_the_servers_ids_messages_and_statuses() {
        let user = UserId::from_raw("u".repeat(26));
        let e = permission_error(
            &user,
            &["sysconsole_read_user_management_groups", "sysconsole_read_user_management_channels"],
        )
        .0;
        assert_eq!((e.id.as_str(), e.status_code), ("api.context.permissions.app_error", 403));
        assert_eq!(
            e.detailed_error,
            format!(
                "userId={user}, permission=sysconsole_read_user_management_groups,sysconsole_read_user_management_channels"
            )
        );
        assert_eq!(
            invalid_url_param("post_id").0.message,
            "Invalid or missing post_id parameter in request URL."
        );
        assert_eq!(invalid_body_param("post", "EOF").0.message, "Invalid or missing post in request body.");
        assert_eq!(token_provided().0.status_code, 401);
        assert_eq!(body_too_large(1).0.status_code, 413);
        assert_eq!(page_not_found().0.id, "api.context.404.app_error");
    }
}
