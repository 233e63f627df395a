//! axum extractors for what the Mattermost server adds to a request.

use std::convert::Infallible;

use axum::extract::{FromRequestParts, OptionalFromRequestParts};
use axum::response::{IntoResponse, Response};
use http::StatusCode;
use http::request::Parts;
use mm_types::UserId;

use crate::extensions::mattermost_user_id;

/// The authenticated user making the request, from the `Mattermost-User-Id` header the server
/// sets for logged-in sessions only.
///
/// As an extractor it rejects requests without a user with `401 Unauthorized`; take
/// `Option<MattermostUserId>` for routes that also serve anonymous requests.
///
/// ```
/// use axum::{Router, routing::get};
/// use mm_http::MattermostUserId;
///
/// async fn me(MattermostUserId(user_id): MattermostUserId) -> String {
///     format!("hello {user_id}")
/// }
///
/// async fn greeting(user: Option<MattermostUserId>) -> &'static str {
///     if user.is_some() { "welcome back" } else { "hello stranger" }
/// }
///
/// let app: Router = Router::new().route("/me", get(me)).route("/greeting", get(greeting));
/// # let _ = app;
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MattermostUserId(pub UserId);

/// The rejection of [`MattermostUserId`]: the request does not come from a logged-in user.
#[derive(Debug, Clone, Copy, Default)]
#[non_exhaustive]
pub struct MissingUserId;

impl IntoResponse for MissingUserId {
    fn into_response(self) -> Response {
        (StatusCode::UNAUTHORIZED, "Not authenticated: this route needs a logged-in Mattermost user.\n")
            .into_response()
    }
}

impl std::fmt::Display for MissingUserId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("the request has no Mattermost-User-Id: it does not come from a logged-in user")
    }
}

impl std::error::Error for MissingUserId {}

impl<S: Send + Sync> FromRequestParts<S> for MattermostUserId {
    type Rejection = MissingUserId;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        mattermost_user_id(&parts.headers).map(MattermostUserId).ok_or(MissingUserId)
    }
}

impl<S: Send + Sync> OptionalFromRequestParts<S> for MattermostUserId {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Option<Self>, Self::Rejection> {
        Ok(mattermost_user_id(&parts.headers).map(MattermostUserId))
    }
}
