//! The API probe plugin: on `GET /probe` it calls every Mattermost plugin API method through
//! the SDK's typed client, once for the ok shape and once more for the error shape, and
//! answers the report of the stock conformance harness's "API probe protocol"
//! (`tests/stock-conformance/README.md`). The same binary runs on a stock server (net/rpc)
//! and on a gRPC server; see this crate's README.

mod probe;
mod report;
mod table;

use mattermost_plugin::axum::Router;
use mattermost_plugin::axum::extract::{RawQuery, State};
use mattermost_plugin::axum::http::header;
use mattermost_plugin::axum::response::IntoResponse;
use mattermost_plugin::axum::routing::get;
use mattermost_plugin::prelude::*;

/// The plugin: no state, no hooks but `ServeHTTP`, and no API call outside `GET /probe` (the
/// harness counts the calls of each method during the request).
#[derive(Debug, Default, Clone, Copy)]
struct ApiProbe;

#[mattermost_plugin::plugin]
impl Plugin for ApiProbe {
    async fn serve_http(
        &self,
        cx: &Context,
        request: HttpRequestStream,
    ) -> Result<HttpResponseStream, HookError> {
        let routes = Router::new().route("/probe", get(probe_route)).with_state(cx.client().clone());
        mattermost_plugin::http::serve(routes, request).await
    }
}

/// `GET /probe[?only=Name,Name]`: the report, as JSON.
async fn probe_route(State(client): State<Client>, RawQuery(query): RawQuery) -> impl IntoResponse {
    let only = query.as_deref().and_then(probe::only_filter);
    let report = probe::run(&client, only.as_ref()).await;
    let body = mattermost_plugin::serde_json::to_vec(&report)
        .unwrap_or_else(|e| format!("{{\"error\": \"the report does not serialize: {e}\"}}").into_bytes());
    ([(header::CONTENT_TYPE, "application/json")], body)
}

fn main() -> std::process::ExitCode {
    mattermost_plugin::run(ApiProbe)
}
