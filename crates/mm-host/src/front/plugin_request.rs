//! A request for `/plugins/<id>/...` prepared as the server's `servePluginRequest`
//! (`server/channels/app/plugin_requests.go`) prepares it before calling the plugin:
//!
//! - credentials: `Authorization: Bearer <t>` / `Token <t>`, else the `MMAUTHTOKEN` cookie,
//!   else `?access_token=`;
//! - always removed: the client's `Mattermost-Plugin-ID` (only inter-plugin requests set it),
//!   its `Mattermost-User-Id`, the `MMAUTHTOKEN` cookie (the other cookies stay, rewritten as
//!   one `Cookie` header), `Referer`, and `access_token` from the query, which is rewritten
//!   the Go way (parsed, keys sorted, re-escaped);
//! - a token that is no valid session leaves the request anonymous, and its `Authorization`
//!   header goes to the plugin untouched (it may be the plugin's own scheme);
//! - a valid session removes `Authorization`; then, for a cookie-authenticated request other
//!   than `GET`, the CSRF check: the session's token in `X-CSRF-Token`, else in a `csrf` form
//!   field (URL-encoded bodies and the query), else `X-Requested-With: XMLHttpRequest`. When
//!   it passes (or is not needed) the plugin gets `Mattermost-User-Id` and the session id in
//!   its context; when it fails the request goes on anonymous.

use std::net::SocketAddr;

use axum::body::Body;
use axum::extract::Request;
use axum::http::header::{ACCEPT_LANGUAGE, AUTHORIZATION, CONTENT_TYPE, COOKIE, REFERER, USER_AGENT};
use axum::http::{HeaderMap, HeaderValue, Method, Uri};
use http_body_util::{BodyExt, Limited};
use mm_types::{PluginContext, RequestId, UserId};

use super::auth::{CSRF_HEADER, REQUESTED_WITH, XML_HTTP_REQUEST};
use super::cookies::{self, SESSION_COOKIE};
use super::go_query;
use crate::Host;

/// The header only inter-plugin requests may carry.
const PLUGIN_ID_HEADER: &str = "mattermost-plugin-id";
/// The header naming the authenticated user (set by the host only).
const USER_ID_HEADER: &str = "mattermost-user-id";
/// How much of a URL-encoded body Go's `ParseForm` reads (10 MB).
const MAX_FORM_BYTES: usize = 10 << 20;

/// A request ready for the plugin, and who made it.
#[derive(Debug)]
pub(crate) struct PluginRequest {
    pub(crate) request: Request,
    /// The authenticated user; `None` for anonymous requests (and failed CSRF checks).
    pub(crate) user: Option<UserId>,
    /// The plugin context of the call (session id only when authenticated).
    pub(crate) context: PluginContext,
}

/// Where the token of a plugin request came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Source {
    Header,
    Cookie,
    Query,
}

/// The token of a plugin request, by the server's order (header, cookie, query).
fn plugin_token(headers: &HeaderMap, query: &[(Vec<u8>, Vec<u8>)]) -> Option<(String, Source)> {
    if let Some(header) = headers.get(AUTHORIZATION).map(HeaderValue::as_bytes) {
        for prefix in [&b"bearer "[..], &b"token "[..]] {
            if header.len() >= prefix.len() && header[..prefix.len()].eq_ignore_ascii_case(prefix) {
                return Some((String::from_utf8_lossy(&header[prefix.len()..]).into_owned(), Source::Header));
            }
        }
    }
    if let Some(token) = cookies::find(headers, SESSION_COOKIE) {
        return Some((token, Source::Cookie));
    }
    let token = go_query::get(query, "access_token");
    Some((token, Source::Query))
}

/// Prepares `request` (already stripped of `/plugins/<id>` by the forwarder, or not: the path
/// is kept) for the plugin.
pub(crate) async fn prepare(host: &Host, request: Request, remote: SocketAddr) -> PluginRequest {
    let (mut parts, body) = request.into_parts();
    let query = go_query::parse(parts.uri.query().unwrap_or_default());
    let credentials = plugin_token(&parts.headers, &query).filter(|(token, _)| !token.is_empty());

    // Stripped whatever the credentials.
    let headers = &mut parts.headers;
    while headers.remove(PLUGIN_ID_HEADER).is_some() {}
    while headers.remove(USER_ID_HEADER).is_some() {}
    let kept: Vec<cookies::Cookie> =
        cookies::parse(headers).into_iter().filter(|c| c.name != SESSION_COOKIE).collect();
    while headers.remove(COOKIE).is_some() {}
    if let Some(value) = cookies::header_value(&kept).and_then(|v| HeaderValue::from_str(&v).ok()) {
        headers.insert(COOKIE, value);
    }
    while headers.remove(REFERER).is_some() {}
    let query: Vec<(Vec<u8>, Vec<u8>)> = query.into_iter().filter(|(k, _)| k != b"access_token").collect();
    parts.uri = with_query(&parts.uri, &go_query::encode(&query));

    let mut context = PluginContext {
        session_id: None,
        request_id: Some(RequestId::generate()),
        ip_address: remote.ip().to_string(),
        accept_language: header_text(&parts.headers, ACCEPT_LANGUAGE.as_str()),
        user_agent: header_text(&parts.headers, USER_AGENT.as_str()),
    };
    let mut body = body;
    let mut user = None;
    let session = credentials.as_ref().and_then(|(token, _)| host.store().with(|s| s.authenticate(token)));
    if let (Some(session), Some((_, source))) = (session, credentials) {
        // The token resolved: the plugin must not see it, even if the CSRF check fails.
        parts.headers.remove(AUTHORIZATION);
        let mut passes = true;
        if source == Source::Cookie && parts.method != Method::GET {
            let mut sent = header_text(&parts.headers, CSRF_HEADER);
            if sent.is_empty() {
                let (form_csrf, buffered) = form_csrf(&parts.headers, &parts.method, &query, body).await;
                sent = form_csrf;
                body = buffered;
            }
            passes = sent == session.csrf
                || parts.headers.get(REQUESTED_WITH).map(HeaderValue::as_bytes)
                    == Some(XML_HTTP_REQUEST.as_bytes());
            if !passes {
                tracing::debug!(target: "mm_host::front", "CSRF check failed; the plugin request goes on unauthenticated");
            }
        }
        if passes {
            user = Some(session.user.id.clone());
            context.session_id = session.session_id.clone();
        }
    }
    PluginRequest { request: Request::from_parts(parts, body), user, context }
}

fn header_text(headers: &HeaderMap, name: &str) -> String {
    headers.get(name).and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned()
}

/// `uri` with its query replaced (none when empty).
fn with_query(uri: &Uri, query: &str) -> Uri {
    let target = if query.is_empty() { uri.path().to_owned() } else { format!("{}?{query}", uri.path()) };
    target.parse().unwrap_or_else(|_| uri.clone())
}

/// The `csrf` form value as Go's `FormValue` finds it after `ParseForm`: in a URL-encoded
/// body of a POST, PUT or PATCH first, then in the query. Returns it with the body, buffered
/// when it had to be read.
async fn form_csrf(
    headers: &HeaderMap,
    method: &Method,
    query: &[(Vec<u8>, Vec<u8>)],
    body: Body,
) -> (String, Body) {
    let url_encoded = headers
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|media| media.trim().eq_ignore_ascii_case("application/x-www-form-urlencoded"));
    let mut found = String::new();
    let mut body = body;
    if url_encoded && matches!(*method, Method::POST | Method::PUT | Method::PATCH) {
        let bytes = match Limited::new(body, MAX_FORM_BYTES).collect().await {
            Ok(collected) => collected.to_bytes(),
            Err(error) => {
                tracing::warn!(target: "mm_host::front", "cannot read the plugin request's form body: {error}");
                bytes::Bytes::new()
            }
        };
        found = go_query::get(&go_query::parse(&String::from_utf8_lossy(&bytes)), "csrf");
        body = Body::from(bytes);
    }
    if found.is_empty() {
        found = go_query::get(query, "csrf");
    }
    (found, body)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&str, &str)]) -> HeaderMap {
        let mut headers = HeaderMap::new();
        for (name, value) in pairs {
            headers
                .append(axum::http::HeaderName::from_bytes(name.as_bytes()).unwrap(), value.parse().unwrap());
        }
        headers
    }

    #[test]
    fn the_header_comes_first_then_the_cookie_then_the_query() {
        let query = go_query::parse("access_token=q");
        let all = headers(&[("authorization", "Bearer h"), ("cookie", "MMAUTHTOKEN=c")]);
        assert_eq!(plugin_token(&all, &query), Some(("h".into(), Source::Header)));
        assert_eq!(
            plugin_token(&headers(&[("authorization", "TOKEN h")]), &[]),
            Some(("h".into(), Source::Header))
        );
        let cookie = headers(&[("authorization", "Basic x"), ("cookie", "MMAUTHTOKEN=c")]);
        assert_eq!(plugin_token(&cookie, &query), Some(("c".into(), Source::Cookie)));
        assert_eq!(plugin_token(&HeaderMap::new(), &query), Some(("q".into(), Source::Query)));
    }

    #[test]
    fn queries_are_rewritten_without_a_question_mark_when_empty() {
        let uri: Uri = "/plugins/x/a?b=1".parse().unwrap();
        assert_eq!(with_query(&uri, ""), "/plugins/x/a");
        assert_eq!(with_query(&uri, "a=2&b=1"), "/plugins/x/a?a=2&b=1");
    }
}
