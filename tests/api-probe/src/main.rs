//! The API probe plugin: on `GET /probe` it calls every Mattermost plugin API method through
//! the SDK's typed client, once for the ok shape and once more for the error shape, and
//! answers the report of the stock conformance harness's "API probe protocol"
//! (`tests/stock-conformance/README.md`). The same binary runs on a stock server (net/rpc)
//! and on a gRPC server; see this crate's README.

mod probe;
mod report;
mod table;

use mattermost_plugin::axum::extract::RawQuery;
use mattermost_plugin::axum::http::{StatusCode, header};
use mattermost_plugin::axum::response::IntoResponse;
use mattermost_plugin::axum::routing::get;
use mattermost_plugin::axum::{Extension, Json, Router};
use mattermost_plugin::prelude::*;

/// The plugin: no state, no hooks of its own (its routes answer `ServeHTTP`), and no API call
/// outside its routes (the harness counts the calls of each method during `GET /probe`).
#[derive(Debug, Default, Clone, Copy)]
struct ApiProbe;

#[mattermost_plugin::plugin]
impl Plugin for ApiProbe {}

/// The settings of this plugin's manifest, loaded as a plugin loads them; the Go stand-in
/// loads the same struct with `LoadPluginConfiguration`.
#[mattermost_plugin::settings]
#[derive(Debug, Default)]
struct ProbeSettings {
    greeting: String,
    max_per_day: u32,
    enabled: bool,
}

/// `GET /probe[?only=Name,Name]`: the report, as JSON.
async fn probe_route(Extension(client): Extension<Client>, RawQuery(query): RawQuery) -> impl IntoResponse {
    let only = query.as_deref().and_then(probe::only_filter);
    let report = probe::run(&client, only.as_ref()).await;
    let body = mattermost_plugin::serde_json::to_vec(&report)
        .unwrap_or_else(|e| format!("{{\"error\": \"the report does not serialize: {e}\"}}").into_bytes());
    ([(header::CONTENT_TYPE, "application/json")], body)
}

/// `GET /settings`: the plugin's settings as `load_plugin_configuration` reads them, as JSON
/// with the manifest's keys.
async fn settings_route(
    Extension(client): Extension<Client>,
) -> Result<Json<ProbeSettings>, (StatusCode, String)> {
    let settings = client.config().load_plugin_configuration::<ProbeSettings>().await;
    settings.map(Json).map_err(|e| (StatusCode::INTERNAL_SERVER_ERROR, e.to_string()))
}

fn main() -> std::process::ExitCode {
    let routes = Router::new().route("/probe", get(probe_route)).route("/settings", get(settings_route));
    mattermost_plugin::run(ApiProbe.with_http(routes))
}
