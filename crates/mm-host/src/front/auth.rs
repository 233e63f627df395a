//! Bearer-token authentication and Mattermost's JSON error answers.

use axum::Json;
use axum::extract::FromRequestParts;
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use mm_types::{AppError, User};

use crate::Host;

/// An error answered in Mattermost's JSON shape with its status code.
#[derive(Debug)]
pub(crate) struct ApiError(pub(crate) AppError);

impl From<AppError> for ApiError {
    fn from(error: AppError) -> Self {
        ApiError(error)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = u16::try_from(self.0.status_code)
            .ok()
            .and_then(|code| StatusCode::from_u16(code).ok())
            .unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let mut error = self.0;
        if error.status_code == 0 {
            error.status_code = 500;
        }
        (status, Json(error)).into_response()
    }
}

pub(crate) fn bad_request(id: &str, message: impl Into<String>) -> ApiError {
    ApiError(AppError::new(id, message).with_status(400))
}

/// The user a request's `Authorization: Bearer <token>` belongs to, if any.
pub(crate) fn bearer_user(host: &Host, parts: &Parts) -> Option<User> {
    let header = parts.headers.get(axum::http::header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = header.trim().split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("bearer") && !scheme.eq_ignore_ascii_case("token") {
        return None;
    }
    host.store().user_for_token(token.trim())
}

/// The authenticated caller; requests without a valid token are answered 401.
#[derive(Debug)]
pub(crate) struct Caller(pub(crate) User);

impl FromRequestParts<Host> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, host: &Host) -> Result<Self, Self::Rejection> {
        bearer_user(host, parts).map(Caller).ok_or_else(|| {
            ApiError(
                AppError::new(
                    "api.context.session_expired.app_error",
                    "Invalid or expired session, please login again.",
                )
                .with_detail(
                    "send Authorization: Bearer <token> (the seeded admin's token is printed at start)",
                )
                .with_status(401),
            )
        })
    }
}
