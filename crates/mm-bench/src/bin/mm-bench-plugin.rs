//! The Rust plugin `mm-bench compare` launches: the `hello` example's hooks (OnActivate,
//! MessageWillBePosted, ExecuteCommand) plus the HTTP routes of the ServeHTTP scenario, the
//! same work as the Python baseline `baselines/plugin.py` and the Go baseline
//! `go/cmd/goplugin`:
//!
//! - `GET /small`: 1 KiB;
//! - `GET /download?bytes=N`: N bytes, streamed in 64 KiB chunks;
//! - `POST /upload`: reads the body as it streams in, answers its length;
//!
//! and the bench commands of the stock-protocol comparison (any other command is `hello`'s):
//!
//! - `/bench api <Method> <callers> <n>`: n PluginAPI calls (`GetServerVersion`, `GetUser`,
//!   `KVSet`, `KVGet`, `CreatePost`) through the SDK's typed client from `callers` concurrent
//!   tasks, after one unrecorded call per task, each timed; answers JSON with the keys
//!   `method`, `callers`, `calls`, `p50_us`, `p99_us` (nearest-rank percentiles) and
//!   `calls_per_second` (calls / time from the first call's start to the last one's end), as
//!   the Go plugin does;
//! - `/bench echo <text>`: answers the text (a hook round trip without PluginAPI calls).

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use mattermost_plugin::axum::Router;
use mattermost_plugin::axum::body::{Body, Bytes};
use mattermost_plugin::axum::extract::Query;
use mattermost_plugin::axum::routing::{get, post};
use mattermost_plugin::futures_util::{StreamExt, stream};
use mattermost_plugin::prelude::*;
use mattermost_plugin::serde_json::json;
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
        if args.trigger() == "bench" {
            return bench_command(cx.client(), &args).await;
        }
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

/// `/bench api ...` and `/bench echo ...`.
async fn bench_command(client: &Client, args: &CommandArgs) -> Result<CommandResponse, HookError> {
    let words: Vec<&str> = args.words().collect();
    match words.as_slice() {
        ["echo", text @ ..] => Ok(CommandResponse::ephemeral(text.join(" "))),
        ["api", method, callers, calls] => {
            let (Some(method), Ok(callers @ 1..), Ok(calls @ 1..)) =
                (ApiMethod::parse(method), callers.parse::<usize>(), calls.parse::<usize>())
            else {
                return Err(HookError::invalid_argument(
                    "usage: /bench api <GetServerVersion|GetUser|KVSet|KVGet|CreatePost> <callers> <n>",
                ));
            };
            let target = Target { user: args.user_id.clone(), channel: args.channel_id.clone() };
            let answer = bench_api(client, method, callers, calls, Arc::new(target))
                .await
                .map_err(|e| HookError::msg(format!("/bench api {}: {e}", method.name())))?;
            Ok(CommandResponse::ephemeral(answer.to_string()))
        }
        _ => {
            Err(HookError::invalid_argument("usage: /bench api <Method> <callers> <n> | /bench echo <text>"))
        }
    }
}

/// The PluginAPI calls `/bench api` times.
#[derive(Debug, Clone, Copy)]
enum ApiMethod {
    ServerVersion,
    GetUser,
    KvSet,
    KvGet,
    CreatePost,
}

impl ApiMethod {
    fn parse(name: &str) -> Option<ApiMethod> {
        Some(match name {
            "GetServerVersion" => ApiMethod::ServerVersion,
            "GetUser" => ApiMethod::GetUser,
            "KVSet" => ApiMethod::KvSet,
            "KVGet" => ApiMethod::KvGet,
            "CreatePost" => ApiMethod::CreatePost,
            _ => return None,
        })
    }

    fn name(self) -> &'static str {
        match self {
            ApiMethod::ServerVersion => "GetServerVersion",
            ApiMethod::GetUser => "GetUser",
            ApiMethod::KvSet => "KVSet",
            ApiMethod::KvGet => "KVGet",
            ApiMethod::CreatePost => "CreatePost",
        }
    }
}

/// The user and channel of the command, which GetUser and CreatePost use.
#[derive(Debug)]
struct Target {
    user: UserId,
    channel: ChannelId,
}

/// The 64-byte value of the KV calls.
const KV_VALUE: [u8; 64] = [b'v'; 64];
/// The key KVGet reads.
const KV_GET_KEY: &str = "bench-kv-get";

/// One call; `i` numbers it (KVSet spreads over 64 keys, CreatePost numbers its message).
async fn call_once(client: &Client, method: ApiMethod, i: usize, target: &Target) -> Result<(), String> {
    match method {
        ApiMethod::ServerVersion => {
            let version = client.system().server_version().await.map_err(|e| e.to_string())?;
            if version.is_empty() {
                return Err("an empty server version".into());
            }
        }
        ApiMethod::GetUser => {
            let user = client.users().get(&target.user).await.map_err(|e| e.to_string())?;
            if user.id != target.user {
                return Err(format!("asked for user {}, got {}", target.user, user.id));
            }
        }
        ApiMethod::KvSet => {
            let key = format!("bench-kv-{}", i % 64);
            client.kv().set(&key, Bytes::from_static(&KV_VALUE)).await.map_err(|e| e.to_string())?;
        }
        ApiMethod::KvGet => {
            let value = client.kv().get(KV_GET_KEY).await.map_err(|e| e.to_string())?;
            let len = value.map_or(0, |v| v.len());
            if len != KV_VALUE.len() {
                return Err(format!("read {len} bytes, stored {}", KV_VALUE.len()));
            }
        }
        ApiMethod::CreatePost => {
            let post = Post::new(target.channel.clone(), format!("bench post {i}"))
                .by(target.user.clone())
                .with_prop("from_plugin", true);
            client.posts().create(post).await.map_err(|e| e.to_string())?;
        }
    }
    Ok(())
}

/// Makes `calls` calls of `method` from `callers` tasks (after one unrecorded call per
/// task), each timed, and answers the percentiles and the rate as JSON.
async fn bench_api(
    client: &Client,
    method: ApiMethod,
    callers: usize,
    calls: usize,
    target: Arc<Target>,
) -> Result<mattermost_plugin::serde_json::Value, String> {
    if let ApiMethod::KvGet = method {
        client.kv().set(KV_GET_KEY, Bytes::from_static(&KV_VALUE)).await.map_err(|e| e.to_string())?;
    }
    // Warm-up: one call per caller, at the same time.
    let mut warmup = tokio::task::JoinSet::new();
    for _ in 0..callers {
        let (client, target) = (client.clone(), target.clone());
        warmup.spawn(async move { call_once(&client, method, 0, &target).await });
    }
    while let Some(done) = warmup.join_next().await {
        done.map_err(|e| e.to_string())??;
    }

    let next = Arc::new(AtomicUsize::new(0));
    let mut workers = tokio::task::JoinSet::new();
    let began = Instant::now();
    for _ in 0..callers {
        let (client, target, next) = (client.clone(), target.clone(), next.clone());
        workers.spawn(async move {
            let mut latencies = Vec::with_capacity(calls / callers + 1);
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                if i >= calls {
                    return Ok(latencies);
                }
                let start = Instant::now();
                if let Err(e) = call_once(&client, method, i, &target).await {
                    next.store(calls, Ordering::Relaxed); // the others stop too
                    return Err(e);
                }
                latencies.push(start.elapsed());
            }
        });
    }
    let mut latencies = Vec::with_capacity(calls);
    let mut failure = None;
    while let Some(done) = workers.join_next().await {
        match done.map_err(|e| e.to_string()) {
            Ok(Ok(measured)) => latencies.extend(measured),
            Ok(Err(e)) | Err(e) => failure = failure.or(Some(e)),
        }
    }
    let wall = began.elapsed();
    if let Some(e) = failure {
        return Err(e);
    }
    latencies.sort_unstable();
    let micros = |d: Duration| d.as_nanos() as f64 / 1000.0;
    Ok(json!({
        "method": method.name(),
        "callers": callers,
        "calls": latencies.len(),
        "p50_us": micros(percentile(&latencies, 0.50)),
        "p99_us": micros(percentile(&latencies, 0.99)),
        "calls_per_second": latencies.len() as f64 / wall.as_secs_f64(),
    }))
}

/// The nearest-rank percentile (`q` in 0..=1) of sorted latencies.
fn percentile(sorted: &[Duration], q: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let rank = (q * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

fn main() -> std::process::ExitCode {
    mattermost_plugin::run(BenchPlugin)
}
