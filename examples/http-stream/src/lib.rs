//! `http-stream`: a plugin whose HTTP routes are an ordinary axum router.
//!
//! Under `/plugins/com.example.http-stream/`:
//!
//! - `GET /status`: JSON with the plugin id and the server version (a PluginAPI call);
//! - `GET /me`: the authenticated Mattermost user (401 for anonymous requests);
//! - `POST /echo`: the JSON body back, with who sent it;
//! - `GET /events?count=N`: `N` server-sent events (`tick`, 50 ms apart), each flushed to the
//!   client as it happens.

use std::convert::Infallible;
use std::time::Duration;

use mattermost_plugin::axum::extract::Query;
use mattermost_plugin::axum::http::StatusCode;
use mattermost_plugin::axum::response::sse::{Event, KeepAlive, Sse};
use mattermost_plugin::axum::routing::{get, post};
use mattermost_plugin::axum::{Extension, Json, Router};
use mattermost_plugin::futures_util::Stream;
use mattermost_plugin::futures_util::stream;
use mattermost_plugin::prelude::*;
use mattermost_plugin::serde_json::{Value, json};

/// The plugin id in this example's `plugin.json`.
pub const PLUGIN_ID: &str = "com.example.http-stream";
/// Most events one `/events` request may ask for.
pub const MAX_EVENTS: u32 = 100;
/// Time between two events.
pub const EVENT_INTERVAL: Duration = Duration::from_millis(50);

/// The plugin with its routes: what `main` runs.
pub fn plugin() -> impl Plugin {
    HttpStream.with_http(router())
}

/// The plugin's hooks: none; its HTTP routes are handed over once by [`plugin`].
#[derive(Debug, Default, Clone, Copy)]
pub struct HttpStream;

#[mattermost_plugin::plugin]
impl Plugin for HttpStream {}

/// The routes, built once; each request finds the PluginAPI client in its extensions.
pub fn router() -> Router {
    Router::new()
        .route("/status", get(status))
        .route("/me", get(me))
        .route("/echo", post(echo))
        .route("/events", get(events))
}

async fn status(Extension(client): Extension<Client>) -> Result<Json<Value>, (StatusCode, String)> {
    let version = client
        .system()
        .server_version()
        .await
        .map_err(|e| (StatusCode::BAD_GATEWAY, format!("the server did not answer: {e}")))?;
    Ok(Json(json!({ "plugin": PLUGIN_ID, "server_version": version })))
}

async fn me(MattermostUserId(user_id): MattermostUserId) -> Json<Value> {
    Json(json!({ "user_id": user_id.to_string() }))
}

async fn echo(user: Option<MattermostUserId>, Json(body): Json<Value>) -> Json<Value> {
    let from = user.map(|MattermostUserId(id)| id.to_string());
    Json(json!({ "from": from, "echo": body }))
}

/// How many events to send.
#[derive(Debug)]
struct EventsQuery {
    count: u32,
}

impl<'de> mattermost_plugin::serde::Deserialize<'de> for EventsQuery {
    fn deserialize<D: mattermost_plugin::serde::Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Self, D::Error> {
        // Without serde's derive (this crate depends on the facade only): read a map.
        let map = std::collections::HashMap::<String, String>::deserialize(deserializer)?;
        let count = match map.get("count") {
            Some(text) => text.parse().map_err(mattermost_plugin::serde::de::Error::custom)?,
            None => 5,
        };
        Ok(EventsQuery { count })
    }
}

async fn events(Query(query): Query<EventsQuery>) -> Sse<impl Stream<Item = Result<Event, Infallible>>> {
    let count = query.count.min(MAX_EVENTS);
    let ticks = stream::unfold(0u32, move |n| async move {
        if n >= count {
            return None;
        }
        if n > 0 {
            mattermost_plugin::tokio::time::sleep(EVENT_INTERVAL).await;
        }
        let event = Event::default().event("tick").id(n.to_string()).data(json!({ "n": n }).to_string());
        Some((Ok(event), n + 1))
    });
    Sse::new(ticks).keep_alive(KeepAlive::default())
}
