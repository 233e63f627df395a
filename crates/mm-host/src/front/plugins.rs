//! `/plugins/<plugin id>/...`: the plugins' ServeHTTP routes.

use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::any;

use crate::Host;

pub(crate) fn router() -> Router<Host> {
    Router::new()
        .route("/plugins/{plugin_id}", any(plugin_route))
        .route("/plugins/{plugin_id}/{*rest}", any(plugin_route_rest))
}

async fn plugin_route(State(host): State<Host>, Path(plugin_id): Path<String>) -> Response {
    forward(&host, &plugin_id)
}

async fn plugin_route_rest(
    State(host): State<Host>,
    Path((plugin_id, _rest)): Path<(String, String)>,
) -> Response {
    forward(&host, &plugin_id)
}

fn forward(host: &Host, plugin_id: &str) -> Response {
    match host.plugin(plugin_id) {
        None => (StatusCode::NOT_FOUND, format!("no plugin {plugin_id:?} is running")).into_response(),
        Some(plugin) if !plugin.implements("ServeHTTP") => StatusCode::NOT_FOUND.into_response(),
        Some(_) => (
            StatusCode::NOT_IMPLEMENTED,
            "mm-host cannot forward to ServeHTTP yet: it waits for mm-http's server-side bridge",
        )
            .into_response(),
    }
}
