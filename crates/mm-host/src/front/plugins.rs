//! `/plugins/<plugin id>/...`: the plugins' ServeHTTP routes, through `mm-http`'s server-side
//! bridge, with the request prepared as the server prepares it ([`plugin_request`]).
//!
//! A plugin that is not running (unknown, never started, or deactivated after failing too
//! often) answers exactly as the server's router does for it: Go's `http.NotFound`.
//!
//! [`plugin_request`]: super::plugin_request

use std::net::SocketAddr;

use crate::plugin_http::Caller;
use axum::Router;
use axum::body::Body;
use axum::extract::{ConnectInfo, Path, Request, State};
use axum::http::StatusCode;
use axum::http::header::{CONTENT_TYPE, HeaderValue, X_CONTENT_TYPE_OPTIONS};
use axum::response::{IntoResponse, Response};
use axum::routing::any;

use super::plugin_request;
use crate::Host;

pub(crate) fn router() -> Router<Host> {
    Router::new()
        .route("/plugins/{plugin_id}", any(plugin_route))
        .route("/plugins/{plugin_id}/", any(plugin_route))
        .route("/plugins/{plugin_id}/{*rest}", any(plugin_route_rest))
}

async fn plugin_route(
    State(host): State<Host>,
    ConnectInfo(remote): ConnectInfo<SocketAddr>,
    Path(plugin_id): Path<String>,
    request: Request,
) -> Response {
    forward(&host, &plugin_id, remote, request).await
}

async fn plugin_route_rest(
    State(host): State<Host>,
    ConnectInfo(remote): ConnectInfo<SocketAddr>,
    Path((plugin_id, _rest)): Path<(String, String)>,
    request: Request,
) -> Response {
    forward(&host, &plugin_id, remote, request).await
}

/// Go's `http.NotFound`: what the server answers for a plugin that is not running.
pub(crate) fn go_not_found() -> Response {
    let mut response = (StatusCode::NOT_FOUND, "404 page not found\n").into_response();
    let headers = response.headers_mut();
    headers.insert(CONTENT_TYPE, HeaderValue::from_static("text/plain; charset=utf-8"));
    headers.insert(X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    response
}

async fn forward(host: &Host, plugin_id: &str, remote: SocketAddr, request: Request) -> Response {
    let Some(plugin) = host.plugin(plugin_id) else {
        return go_not_found();
    };
    let prepared = plugin_request::prepare(host, request, remote).await;
    let caller = match prepared.user {
        Some(user) => Caller::user(user),
        None => Caller::anonymous(),
    };
    let caller = caller.with_plugin_context(prepared.context).with_remote_addr(remote.to_string());
    let bridge = plugin.http();
    bridge.forward(prepared.request, caller).await.map(Body::new)
}
