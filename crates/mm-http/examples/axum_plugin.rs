//! A Mattermost plugin whose HTTP routes are an axum router: JSON routes, the logged-in user,
//! an upload echo and server-sent events, all under `/plugins/<plugin id>/`.
//!
//! Build it and ship the binary as the plugin's executable; the Mattermost server (or a local
//! host) starts it and forwards the HTTP requests for the plugin to `serve_http`.

use std::convert::Infallible;
use std::process::ExitCode;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Body;
use axum::extract::{Extension, Query, Request, State};
use axum::http::{StatusCode, header};
use axum::response::sse::{Event, Sse};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use futures_util::{Stream, StreamExt};
use mm_hooks::http::{HttpRequestStream, HttpResponseStream};
use mm_hooks::{Context, HookError, Plugin};
use mm_http::MattermostUserId;
use mm_types::PluginContext;
use serde::{Deserialize, Serialize};

/// A note a user left.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Note {
    /// The id of the user who wrote it.
    pub author: String,
    /// What it says.
    pub text: String,
}

/// The body of `POST /api/notes`.
#[derive(Debug, Deserialize)]
struct NewNote {
    text: String,
}

/// The notes of every user, in memory.
#[derive(Clone, Default)]
struct Notes(Arc<Mutex<Vec<Note>>>);

/// The plugin's routes.
pub fn router() -> Router {
    Router::new()
        .route("/api/hello", get(hello))
        .route("/api/notes", get(list_notes).post(add_note))
        .route("/upload/echo", post(echo_upload))
        .route("/events", get(events))
        .with_state(Notes::default())
}

/// `GET /api/hello`: a greeting, personal for a logged-in user, with the server's request id
/// and the plugin's id from the hook context.
async fn hello(
    user: Option<MattermostUserId>,
    Extension(request): Extension<PluginContext>,
    Extension(cx): Extension<Context>,
) -> Json<serde_json::Value> {
    let greeting = match user {
        Some(MattermostUserId(id)) => format!("Hello, {id}!"),
        None => "Hello, guest!".to_owned(),
    };
    Json(serde_json::json!({
        "greeting": greeting,
        "request_id": request.request_id.map(|id| id.to_string()),
        "plugin_id": cx.plugin_id(),
    }))
}

/// `POST /api/notes`: stores a note of the logged-in user (401 for anyone else).
async fn add_note(
    MattermostUserId(user): MattermostUserId,
    State(notes): State<Notes>,
    Json(new): Json<NewNote>,
) -> Response {
    if new.text.trim().is_empty() {
        return (StatusCode::BAD_REQUEST, Json(serde_json::json!({ "error": "a note needs some text" })))
            .into_response();
    }
    let note = Note { author: user.to_string(), text: new.text };
    notes.0.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).push(note.clone());
    (StatusCode::CREATED, Json(note)).into_response()
}

/// `GET /api/notes`: the logged-in user's notes.
async fn list_notes(MattermostUserId(user): MattermostUserId, State(notes): State<Notes>) -> Json<Vec<Note>> {
    let notes = notes.0.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    Json(notes.iter().filter(|n| n.author == user.as_str()).cloned().collect())
}

/// `POST /upload/echo`: streams the upload back as it arrives, whatever its size; memory stays
/// flat because the body is never collected.
async fn echo_upload(request: Request) -> Response {
    let content_type = request.headers().get(header::CONTENT_TYPE).cloned();
    let mut response = Body::new(request.into_body()).into_response();
    if let Some(content_type) = content_type {
        response.headers_mut().insert(header::CONTENT_TYPE, content_type);
    }
    response
}

/// The query of `GET /events`.
#[derive(Debug, Deserialize)]
struct Ticks {
    #[serde(default = "Ticks::default_count")]
    count: u32,
    #[serde(default = "Ticks::default_interval_ms")]
    interval_ms: u64,
}

impl Ticks {
    fn default_count() -> u32 {
        5
    }

    fn default_interval_ms() -> u64 {
        1000
    }
}

/// `GET /events?count=5&interval_ms=1000`: server-sent events, one tick per interval; each
/// reaches the client as it is produced.
async fn events(Query(ticks): Query<Ticks>) -> Sse<impl Stream<Item = Result<Event, Infallible>>> {
    let count = ticks.count.min(1000);
    let period = Duration::from_millis(ticks.interval_ms.clamp(1, 60_000));
    let stream = futures_util::stream::iter(1..=count).then(move |n| async move {
        if n > 1 {
            tokio::time::sleep(period).await;
        }
        Ok(Event::default().event("tick").id(n.to_string()).data(format!("tick {n} of {count}")))
    });
    Sse::new(stream)
}

/// The plugin: its ServeHTTP hook runs the router.
#[derive(Debug)]
pub struct HttpPlugin {
    router: Router,
}

impl HttpPlugin {
    /// The plugin with its routes.
    pub fn new() -> Self {
        HttpPlugin { router: router() }
    }
}

impl Default for HttpPlugin {
    fn default() -> Self {
        HttpPlugin::new()
    }
}

#[mm_hooks::plugin]
impl Plugin for HttpPlugin {
    async fn serve_http(
        &self,
        cx: &Context,
        request: HttpRequestStream,
    ) -> Result<HttpResponseStream, HookError> {
        // The hook's context (API client, plugin id...) is available to handlers as
        // `Extension<Context>`.
        mm_http::serve_with_context(self.router.clone(), cx.clone(), request).await
    }
}

fn main() -> ExitCode {
    mm_hooks::run(HttpPlugin::new())
}
