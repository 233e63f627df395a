//! Shared pieces of the integration tests: a plugin served over real gRPC on loopback, the
//! routes it serves, and helpers to call it through the host-side bridge.

#![allow(dead_code, unreachable_pub)]

pub mod plugin;

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::body::Body as AxumBody;
use axum::extract::{ConnectInfo, OriginalUri, Request, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{any, get, post};
use bytes::Bytes;
use futures_util::StreamExt;
use http_body_util::BodyExt;
use mm_host::plugin_http::{Caller, PluginHttp, ResponseBody};
use mm_http::{MattermostUserId, RemoteAddr, RequestUri};
use mm_proto::v1::plugin_hooks_client::PluginHooksClient;
use mm_types::PluginContext;
use tokio::sync::{Notify, mpsc};
use tonic::transport::Channel;

pub use plugin::{RouterPlugin, spawn_plugin};

/// A guard against a test hanging forever when the code under test is broken; not a
/// performance bound.
pub const HANG_GUARD: Duration = Duration::from_secs(60);

pub async fn within<F: std::future::Future>(what: &str, future: F) -> F::Output {
    match tokio::time::timeout(HANG_GUARD, future).await {
        Ok(output) => output,
        Err(_) => panic!("{what}: no progress (the stream is stuck)"),
    }
}

/// What the test routes share with the test.
#[derive(Default)]
pub struct Shared {
    /// Opened by the test to let the SSE handler send its second event and finish.
    pub sse_gate: Notify,
    /// Handlers with a drop guard report here when they are dropped.
    pub dropped: std::sync::Mutex<Option<mpsc::UnboundedSender<&'static str>>>,
    /// Handlers report here that they started.
    pub started: std::sync::Mutex<Option<mpsc::UnboundedSender<&'static str>>>,
}

impl Shared {
    fn report(channel: &std::sync::Mutex<Option<mpsc::UnboundedSender<&'static str>>>, what: &'static str) {
        if let Some(tx) = channel.lock().expect("lock").as_ref() {
            let _ = tx.send(what);
        }
    }
}

/// Reports on `Shared::dropped` when the handler holding it is dropped.
struct DropGuard {
    shared: Arc<Shared>,
    name: &'static str,
}

impl Drop for DropGuard {
    fn drop(&mut self) {
        Shared::report(&self.shared.dropped, self.name);
    }
}

/// Everything the plugin saw of a request, sent back as JSON by `/inspect`.
#[derive(Debug, serde::Serialize, serde::Deserialize)]
pub struct Inspected {
    pub method: String,
    pub uri: String,
    pub version: String,
    pub headers: Vec<(String, String)>,
    pub user_id: Option<String>,
    pub plugin_context: PluginContext,
    pub remote_addr: String,
    pub connect_info: Option<String>,
    pub request_uri: String,
    pub original_uri: String,
    pub body_len: usize,
}

async fn inspect(
    user: Option<MattermostUserId>,
    OriginalUri(original): OriginalUri,
    request: Request,
) -> axum::Json<Inspected> {
    use mm_http::RequestExt;
    let (parts, body) = request.into_parts();
    let connect = parts.extensions.get::<ConnectInfo<SocketAddr>>();
    let headers = parts
        .headers
        .iter()
        .map(|(k, v)| (k.as_str().to_owned(), v.to_str().unwrap_or("?").to_owned()))
        .collect();
    let body = body.collect().await.map(|b| b.to_bytes()).unwrap_or_default();
    axum::Json(Inspected {
        method: parts.method.to_string(),
        uri: parts.uri.to_string(),
        version: format!("{:?}", parts.version),
        headers,
        user_id: user.map(|u| u.0.to_string()),
        plugin_context: parts.plugin_context().cloned().unwrap_or_default(),
        remote_addr: parts.remote_addr().map(RemoteAddr::to_string).unwrap_or_default(),
        connect_info: connect.map(|c| c.0.to_string()),
        request_uri: parts.request_uri().map(RequestUri::to_string).unwrap_or_default(),
        original_uri: original.to_string(),
        body_len: body.len(),
    })
}

/// Streams the request body back as it arrives.
async fn echo(request: Request) -> Response {
    let content_type = request.headers().get("content-type").cloned();
    let mut response = Response::new(AxumBody::new(request.into_body()));
    if let Some(content_type) = content_type {
        response.headers_mut().insert("content-type", content_type);
    }
    response
}

/// Reads the whole body; answers its length, or 422 with the read error.
async fn read_body(request: Request) -> Response {
    match request.into_body().collect().await {
        Ok(body) => format!("read {} bytes", body.to_bytes().len()).into_response(),
        Err(error) => (StatusCode::UNPROCESSABLE_ENTITY, format!("body error: {error}")).into_response(),
    }
}

/// Server-sent events: one event, then waits for the test to open the gate, then a second.
async fn sse(State(shared): State<Arc<Shared>>) -> Response {
    let events = futures_util::stream::unfold(0, move |step| {
        let shared = shared.clone();
        async move {
            match step {
                0 => Some((Ok::<_, Infallible>(Bytes::from_static(b"data: first\n\n")), 1)),
                1 => {
                    shared.sse_gate.notified().await;
                    Some((Ok(Bytes::from_static(b"data: second\n\n")), 2))
                }
                _ => None,
            }
        }
    });
    ([("content-type", "text/event-stream")], AxumBody::from_stream(events)).into_response()
}

/// Answers at once without reading the body.
async fn early() -> Response {
    (StatusCode::PAYLOAD_TOO_LARGE, "too big, not reading it").into_response()
}

/// Reads the first chunk while holding a drop guard, reports that it started, then waits
/// forever: only dropping its future (cancellation) ends it.
async fn guarded_read(State(shared): State<Arc<Shared>>, request: Request) -> Response {
    let _guard = DropGuard { shared: shared.clone(), name: "guarded_read" };
    let mut body = request.into_body().into_data_stream();
    let first = body.next().await;
    assert!(matches!(first, Some(Ok(_))), "the first chunk arrives");
    Shared::report(&shared.started, "guarded_read");
    std::future::pending::<()>().await;
    unreachable!("pending never resolves")
}

/// A response whose body never ends, holding a drop guard in the body.
async fn endless(State(shared): State<Arc<Shared>>) -> Response {
    let guard = DropGuard { shared: shared.clone(), name: "endless" };
    Shared::report(&shared.started, "endless");
    let ticks = futures_util::stream::unfold(guard, |guard| async move {
        tokio::time::sleep(Duration::from_millis(20)).await;
        Some((Ok::<_, Infallible>(Bytes::from_static(b"tick\n")), guard))
    });
    AxumBody::from_stream(ticks).into_response()
}

async fn panics() -> &'static str {
    panic!("handler exploded on purpose")
}

/// Sends a head and one chunk, then panics while producing the body.
async fn panics_mid_body() -> Response {
    let chunks = futures_util::stream::unfold(0, |step| async move {
        match step {
            0 => Some((Ok::<_, Infallible>(Bytes::from_static(b"partial")), 1)),
            _ => {
                tokio::task::yield_now().await;
                panic!("body exploded on purpose")
            }
        }
    });
    AxumBody::from_stream(chunks).into_response()
}

async fn whoami(MattermostUserId(user): MattermostUserId) -> String {
    user.to_string()
}

/// Answers with the status and headers asked for in the query (`/status?code=201`).
async fn status_and_headers() -> Response {
    let mut headers = HeaderMap::new();
    headers.append("x-multi", "one".parse().expect("value"));
    headers.append("x-multi", "two".parse().expect("value"));
    headers.append("set-cookie", "a=1".parse().expect("value"));
    headers.append("set-cookie", "b=2".parse().expect("value"));
    (StatusCode::CREATED, headers, "made").into_response()
}

/// Sends `n` bytes of a known pattern (`/download?n=...`) in frames of `frame` bytes.
async fn download(
    axum::extract::Query(q): axum::extract::Query<std::collections::HashMap<String, usize>>,
) -> Response {
    let n = q.get("n").copied().unwrap_or(0);
    let frame = q.get("frame").copied().unwrap_or(100_000).max(1);
    let chunks = futures_util::stream::iter((0..n).step_by(frame).map(move |start| {
        let end = (start + frame).min(n);
        Ok::<_, Infallible>(Bytes::from(pattern(start, end - start)))
    }));
    AxumBody::from_stream(chunks).into_response()
}

/// Sends the test pattern in the frames described by the JSON body: `[[length, pause], ...]`,
/// where `pause` makes the body wait (yield once) before that frame.
async fn frames(axum::Json(spec): axum::Json<Vec<(usize, bool)>>) -> Response {
    let chunks = futures_util::stream::iter(spec).scan(0, |offset, (len, pause)| {
        let start = *offset;
        *offset += len;
        async move {
            if pause {
                tokio::task::yield_now().await;
            }
            Some(Ok::<_, Infallible>(Bytes::from(pattern(start, len))))
        }
    });
    AxumBody::from_stream(chunks).into_response()
}

/// `len` bytes of the test pattern starting at `offset`.
pub fn pattern(offset: usize, len: usize) -> Vec<u8> {
    (offset..offset + len).map(|i| (i % 251) as u8).collect()
}

pub fn router(shared: Arc<Shared>) -> Router {
    Router::new()
        .route("/inspect", any(inspect))
        .route("/", any(inspect))
        .route("/echo", post(echo))
        .route("/read-body", post(read_body))
        .route("/sse", get(sse))
        .route("/early", post(early))
        .route("/guarded-read", post(guarded_read))
        .route("/endless", get(endless))
        .route("/panic", get(panics))
        .route("/panic-mid-body", get(panics_mid_body))
        .route("/whoami", get(whoami))
        .route("/status", get(status_and_headers))
        .route("/download", get(download))
        .route("/frames", post(frames))
        .with_state(shared)
}

/// A plugin serving the test routes on loopback, and the host-side bridge to it.
pub struct Setup {
    pub addr: SocketAddr,
    pub shared: Arc<Shared>,
    pub host: PluginHttp<Channel>,
}

pub async fn setup() -> Setup {
    let shared = Arc::new(Shared::default());
    let addr = spawn_plugin(RouterPlugin { router: router(shared.clone()) }).await;
    let host = PluginHttp::new(connect(addr).await, "com.example.test");
    Setup { addr, shared, host }
}

pub async fn connect(addr: SocketAddr) -> PluginHooksClient<Channel> {
    PluginHooksClient::connect(format!("http://{addr}")).await.expect("connect to the plugin")
}

impl Setup {
    /// Forwards `request` anonymously.
    pub async fn forward<B>(&self, request: http::Request<B>) -> http::Response<ResponseBody>
    where
        B: http_body::Body + Send + 'static,
        B::Error: Into<mm_http::BoxError>,
    {
        within("forward", self.host.forward(request, Caller::anonymous())).await
    }

    pub fn dropped(&self) -> mpsc::UnboundedReceiver<&'static str> {
        let (tx, rx) = mpsc::unbounded_channel();
        *self.shared.dropped.lock().expect("lock") = Some(tx);
        rx
    }

    pub fn started(&self) -> mpsc::UnboundedReceiver<&'static str> {
        let (tx, rx) = mpsc::unbounded_channel();
        *self.shared.started.lock().expect("lock") = Some(tx);
        rx
    }
}

/// The whole body of a response, as text.
pub async fn text(response: http::Response<ResponseBody>) -> String {
    let bytes = within("read body", response.into_body().collect()).await.expect("body").to_bytes();
    String::from_utf8(bytes.to_vec()).expect("utf-8")
}

/// A request to the test plugin's `path` (under `/plugins/com.example.test`).
pub fn request(method: &str, path: &str) -> http::request::Builder {
    http::Request::builder().method(method).uri(format!("/plugins/com.example.test{path}"))
}

/// A request body fed by the test through a channel, frame by frame.
pub fn channel_body()
-> (mpsc::Sender<Bytes>, impl http_body::Body<Data = Bytes, Error = Infallible> + Send + 'static) {
    let (tx, rx) = mpsc::channel::<Bytes>(4);
    let frames = tokio_stream::wrappers::ReceiverStream::new(rx).map(|b| Ok(http_body::Frame::data(b)));
    (tx, http_body_util::StreamBody::new(frames))
}
