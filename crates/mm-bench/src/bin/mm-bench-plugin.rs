//! The Rust plugin `mm-bench compare` launches: the `hello` example's hooks (OnActivate,
//! MessageWillBePosted, ExecuteCommand) plus the HTTP routes of the ServeHTTP scenario, the
//! same work as the Python baseline `baselines/plugin.py`:
//!
//! - `GET /small`: 1 KiB;
//! - `GET /download?bytes=N`: N bytes, streamed in 64 KiB chunks;
//! - `POST /upload`: reads the body as it streams in, answers its length.

use mattermost_plugin::axum::Router;
use mattermost_plugin::axum::body::{Body, Bytes};
use mattermost_plugin::axum::extract::Query;
use mattermost_plugin::axum::routing::{get, post};
use mattermost_plugin::futures_util::{StreamExt, stream};
use mattermost_plugin::prelude::*;
use mm_example_hello::Hello;

/// The chunk size of downloads (the ServeHTTP stream's chunk size).
const CHUNK: usize = 64 * 1024;

#[derive(Debug, Default, Clone, Copy)]
struct BenchPlugin;

#[mattermost_plugin::plugin]
impl Plugin for BenchPlugin {
    async fn on_activate(&self, cx: &Context) -> Result<(), HookError> {
        Hello.on_activate(cx).await
    }

    async fn message_will_be_posted(&self, cx: &Context, post: Post) -> PostDecision {
        Hello.message_will_be_posted(cx, post).await
    }

    async fn execute_command(&self, cx: &Context, args: CommandArgs) -> Result<CommandResponse, HookError> {
        Hello.execute_command(cx, args).await
    }

    async fn serve_http(
        &self,
        _cx: &Context,
        request: HttpRequestStream,
    ) -> Result<HttpResponseStream, HookError> {
        mattermost_plugin::http::serve(routes(), request).await
    }
}

fn routes() -> Router {
    Router::new()
        .route("/small", get(|| async { Bytes::from_static(&[b'x'; 1024]) }))
        .route("/download", get(download))
        .route("/upload", post(upload))
}

async fn download(Query(query): Query<std::collections::HashMap<String, String>>) -> Body {
    let size: usize = query.get("bytes").and_then(|b| b.parse().ok()).unwrap_or(0);
    // One block shared by every chunk: the body costs no copy per chunk.
    let block = Bytes::from(vec![7u8; CHUNK]);
    let chunks = stream::iter(
        (0..size)
            .step_by(CHUNK)
            .map(move |sent| Ok::<_, std::convert::Infallible>(block.slice(..CHUNK.min(size - sent)))),
    );
    Body::from_stream(chunks)
}

async fn upload(body: Body) -> Result<String, (mattermost_plugin::axum::http::StatusCode, String)> {
    let mut received = 0usize;
    let mut data = body.into_data_stream();
    while let Some(chunk) = data.next().await {
        let chunk =
            chunk.map_err(|e| (mattermost_plugin::axum::http::StatusCode::BAD_REQUEST, e.to_string()))?;
        received += chunk.len();
    }
    Ok(received.to_string())
}

fn main() -> std::process::ExitCode {
    mattermost_plugin::run(BenchPlugin)
}
