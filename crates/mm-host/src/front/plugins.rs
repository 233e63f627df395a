//! `/plugins/<plugin id>/...`: the plugins' ServeHTTP routes, through `mm-http`'s server-side
//! bridge. Unknown plugins and plugins without ServeHTTP answer 404; `Mattermost-User-Id` is
//! set only for requests with a valid bearer token.

use std::net::SocketAddr;

use crate::plugin_http::{Caller, PluginHttp};
use axum::Router;
use axum::body::Body;
use axum::extract::{ConnectInfo, Path, Request, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::any;

use super::auth::bearer_user;
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

async fn forward(host: &Host, plugin_id: &str, remote: SocketAddr, request: Request) -> Response {
    let Some(plugin) = host.plugin(plugin_id) else {
        return (StatusCode::NOT_FOUND, "Not Found").into_response();
    };
    let (mut parts, body) = request.into_parts();
    let caller = match bearer_user(host, &parts) {
        Some(user) => Caller::user(user.id),
        None => Caller::anonymous(),
    };
    // The server does not pass the client's credentials on to plugins.
    parts.headers.remove(axum::http::header::AUTHORIZATION);
    let bridge =
        PluginHttp::new(plugin.client(), plugin_id).with_implemented_hooks(plugin.implemented().iter());
    let request = Request::from_parts(parts, body);
    bridge.forward(request, caller.with_remote_addr(remote.to_string())).await.map(Body::new)
}
