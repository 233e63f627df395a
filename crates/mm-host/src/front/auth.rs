//! Who calls the REST API, by the server's rules (`ParseAuthTokenFromRequest` and the API
//! handler in `server/channels/web/handlers.go`).
//!
//! - The token comes from the `MMAUTHTOKEN` cookie, else `Authorization: Bearer <token>`
//!   (scheme case-insensitive), else `Authorization: Token <token>`, else `?access_token=`.
//! - An unknown or expired token is answered 401 on routes that need a session.
//! - `?access_token=` is accepted for OAuth sessions only (401
//!   `api.context.token_provided.app_error` otherwise).
//! - A cookie-authenticated request other than `GET` must carry the session's CSRF token in
//!   `X-CSRF-Token`, or `X-Requested-With: XMLHttpRequest` (what the server accepts unless
//!   `ExperimentalStrictCSRFEnforcement` is on); otherwise it is answered 401.

use std::net::SocketAddr;

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::header::{ACCEPT_LANGUAGE, AUTHORIZATION, USER_AGENT};
use axum::http::request::Parts;
use axum::http::{HeaderMap, Method};
use mm_types::{PluginContext, RequestId, User};

use super::cookies::{self, SESSION_COOKIE};
use super::errors::{ApiError, session_expired, token_provided};
use super::go_query;
use crate::Host;
use crate::store::TokenSession;

/// The header carrying a session's CSRF token.
pub(crate) const CSRF_HEADER: &str = "x-csrf-token";
/// The header browsers' XMLHttpRequests carry; the server accepts it instead of the token.
pub(crate) const REQUESTED_WITH: &str = "x-requested-with";
/// Its value.
pub(crate) const XML_HTTP_REQUEST: &str = "XMLHttpRequest";

/// Where a request's token came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TokenLocation {
    Cookie,
    Header,
    Query,
}

/// The token of `Authorization: Bearer <t>` or `Authorization: Token <t>`, byte for byte as
/// the server cuts it (the scheme's case does not matter; one separator character is skipped).
pub(crate) fn authorization_token(headers: &HeaderMap) -> Option<String> {
    let header = headers.get(AUTHORIZATION)?.as_bytes();
    let token = if header.len() > 6 && header[..6].eq_ignore_ascii_case(b"bearer") {
        &header[7..]
    } else if header.len() > 5 && header[..5].eq_ignore_ascii_case(b"token") {
        &header[6..]
    } else {
        return None;
    };
    Some(String::from_utf8_lossy(token).into_owned())
}

/// The REST API's token and where it came from (cookie first), `None` when there is none.
pub(crate) fn api_token(parts: &Parts) -> Option<(String, TokenLocation)> {
    if let Some(token) = cookies::find(&parts.headers, SESSION_COOKIE) {
        return Some((token, TokenLocation::Cookie));
    }
    if let Some(token) = authorization_token(&parts.headers) {
        return Some((token, TokenLocation::Header));
    }
    let query = go_query::parse(parts.uri.query().unwrap_or_default());
    let token = go_query::get(&query, "access_token");
    (!token.is_empty()).then_some((token, TokenLocation::Query))
}

/// Whether a cookie-authenticated request passes the server's CSRF check.
pub(crate) fn csrf_header_passes(headers: &HeaderMap, session: &TokenSession) -> bool {
    let header = |name: &str| headers.get(name).map(|v| v.as_bytes()).unwrap_or_default();
    header(CSRF_HEADER) == session.csrf.as_bytes() || header(REQUESTED_WITH) == XML_HTTP_REQUEST.as_bytes()
}

/// What a REST request's credentials amount to.
enum Authentication {
    /// No token at all.
    Anonymous,
    /// A token that is no session (or an expired one, or a deactivated user's).
    UnknownToken,
    Session(Box<TokenSession>),
}

/// The session of a REST request, by the rules above. A query token of a session that is not
/// OAuth and a failed CSRF check are errors whatever the route.
fn authenticate(host: &Host, parts: &Parts) -> Result<Authentication, ApiError> {
    let Some((token, location)) = api_token(parts) else { return Ok(Authentication::Anonymous) };
    let Some(session) = host.store().with(|s| s.authenticate(&token)) else {
        return Ok(Authentication::UnknownToken);
    };
    if location == TokenLocation::Query && !session.is_oauth {
        return Err(token_provided());
    }
    if location == TokenLocation::Cookie
        && parts.method != Method::GET
        && !csrf_header_passes(&parts.headers, &session)
    {
        return Err(session_expired(
            "Appears to be a CSRF attempt: send the session's CSRF token in X-CSRF-Token (or X-Requested-With: XMLHttpRequest)",
        ));
    }
    Ok(Authentication::Session(Box::new(session)))
}

/// The authenticated caller of a route that needs a session; 401 otherwise.
#[derive(Debug, Clone)]
pub(crate) struct Caller {
    pub(crate) session: TokenSession,
    /// The context hooks get for what this request does.
    pub(crate) context: PluginContext,
}

impl Caller {
    pub(crate) fn user(&self) -> &User {
        &self.session.user
    }
}

/// The context of a request, as the server hands it to hooks.
pub(crate) fn request_context(parts: &Parts, session: Option<&TokenSession>) -> PluginContext {
    let header = |name| {
        parts
            .headers
            .get(name)
            .and_then(|v: &axum::http::HeaderValue| v.to_str().ok())
            .unwrap_or("")
            .to_owned()
    };
    let ip =
        parts.extensions.get::<ConnectInfo<SocketAddr>>().map(|c| c.0.ip().to_string()).unwrap_or_default();
    PluginContext {
        session_id: session.and_then(|s| s.session_id.clone()),
        request_id: Some(parts.extensions.get::<RequestId>().cloned().unwrap_or_else(RequestId::generate)),
        ip_address: ip,
        accept_language: header(ACCEPT_LANGUAGE),
        user_agent: header(USER_AGENT),
    }
}

impl FromRequestParts<Host> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, host: &Host) -> Result<Self, Self::Rejection> {
        match authenticate(host, parts)? {
            Authentication::Session(session) => {
                let context = request_context(parts, Some(&session));
                Ok(Caller { session: *session, context })
            }
            Authentication::UnknownToken => {
                Err(session_expired("the token is not a valid session or personal access token"))
            }
            Authentication::Anonymous => Err(session_expired(
                "UserRequired: send Authorization: Bearer <token> (the seeded admin's token is printed at start), \
                 the MMAUTHTOKEN cookie, or ?access_token= with an OAuth token",
            )),
        }
    }
}

/// The credential checks of a route that does not need a session: a query token of a session
/// that is not OAuth and a failed CSRF check are still refused; an unknown token is ignored,
/// as the server does on such routes.
#[derive(Debug, Clone, Copy)]
pub(crate) struct CheckedCredentials;

impl FromRequestParts<Host> for CheckedCredentials {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, host: &Host) -> Result<Self, Self::Rejection> {
        authenticate(host, parts).map(|_| CheckedCredentials)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::Request;

    fn parts(builder: axum::http::request::Builder) -> Parts {
        builder.body(()).unwrap().into_parts().0
    }

    #[test]
    fn authorization_tokens_are_cut_like_the_server() {
        let token = |value: &str| {
            let mut headers = HeaderMap::new();
            headers.insert(AUTHORIZATION, value.parse().unwrap());
            authorization_token(&headers)
        };
        assert_eq!(token("Bearer abc").as_deref(), Some("abc"));
        assert_eq!(token("BEARER abc").as_deref(), Some("abc"));
        assert_eq!(token("bearer abc").as_deref(), Some("abc"));
        assert_eq!(token("Token abc").as_deref(), Some("abc"));
        assert_eq!(token("token abc").as_deref(), Some("abc"));
        assert_eq!(token("Basic YWxhZGRpbjpvcGVu"), None);
        assert_eq!(token("Bearer").as_deref(), None);
    }

    #[test]
    fn the_cookie_comes_first_then_the_header_then_the_query() {
        let all = parts(
            Request::get("/api/v4/users/me?access_token=query")
                .header("cookie", "MMAUTHTOKEN=cookie")
                .header("authorization", "Bearer header"),
        );
        assert_eq!(api_token(&all), Some(("cookie".into(), TokenLocation::Cookie)));
        let header = parts(Request::get("/x?access_token=query").header("authorization", "Bearer header"));
        assert_eq!(api_token(&header), Some(("header".into(), TokenLocation::Header)));
        let query = parts(Request::get("/x?a=1&access_token=query"));
        assert_eq!(api_token(&query), Some(("query".into(), TokenLocation::Query)));
        assert_eq!(api_token(&parts(Request::get("/x?access_token="))), None);
    }
}
