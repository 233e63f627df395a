//! ServeHTTP over a stock server's net/rpc: what the server's `hooksRPCClient.ServeHTTP` does.
//!
//! Per request the host serves two things on its broker: an `http.ResponseWriter` as a net/rpc
//! `Plugin` object (`Header`, `SyncHeader`, `WriteHeader`, `Write`, `Flush`) and the request body
//! as a remote reader; then it calls `Plugin.ServeHTTP` with both ids, the request head and the
//! plugin context. The response starts when the plugin writes its head (or its first body
//! chunk) and ends when the call returns. Differences from gRPC, as on the server:
//!
//! - each `Write` is one round trip, and the next is not accepted before the HTTP client took
//!   the previous one, so a slow client slows the plugin down instead of filling memory;
//! - a failed call before the head answers `500 internal server error`, not 502;
//! - hijacking the connection (`Plugin.HijackResponse`) is refused: mm-host does not tunnel
//!   raw connections.

use std::sync::{Arc, Mutex};

use bytes::{Buf, Bytes};
use futures_util::TryStreamExt;
use http::StatusCode;
use http_body::Body as HttpBody;
use http_body_util::BodyDataStream;
use mm_netrpc::rpc::{Args, Call, Refusal, Service};
use mm_proto::netrpc::special::{Header, HttpRequestSubset, ServeHttpArgs};
use mm_proto::v1 as wire;
use tokio::sync::{mpsc, oneshot};

use super::{BoxError, ResponseBody, apply_headers, local_response};
use crate::events::NetRpcHooks;
use mm_http::{Error, ErrorKind};

/// The response head the plugin wrote.
struct Head {
    status: i64,
    header: Header,
}

/// The server side of the plugin's `http.ResponseWriter`.
struct ResponseWriter {
    state: Mutex<WriterState>,
}

struct WriterState {
    /// The header map as the plugin last synced it.
    header: Header,
    /// Taken when the head is sent.
    head: Option<oneshot::Sender<Head>>,
    /// Taken when the call ends, which ends the body.
    body: Option<mpsc::Sender<Result<Bytes, Error>>>,
}

impl WriterState {
    /// Sends the head once, with `header` or else the synced one; `false` when it was sent
    /// already (as Go ignores a superfluous `WriteHeader`).
    fn send_head(&mut self, status: i64, header: Option<Header>) -> bool {
        let Some(head) = self.head.take() else { return false };
        let header = header.unwrap_or_else(|| self.header.clone());
        let _ = head.send(Head { status, header });
        true
    }
}

impl ResponseWriter {
    fn lock(&self) -> std::sync::MutexGuard<'_, WriterState> {
        self.state.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    async fn write(&self, chunk: Bytes) -> Result<(), String> {
        let body = {
            let mut state = self.lock();
            state.send_head(200, None);
            state.body.clone()
        };
        let Some(body) = body else { return Err("the response is already complete".into()) };
        body.send(Ok(chunk)).await.map_err(|_| "the HTTP client went away".to_owned())
    }

    /// The ServeHTTP call returned: complete the response (an empty 200 if nothing was
    /// written), or, when it failed, answer 500 or cut the body.
    fn finish(&self, outcome: Result<(), String>) {
        let mut state = self.lock();
        let body = state.body.take();
        let Err(error) = outcome else {
            state.send_head(200, None);
            return;
        };
        tracing::error!(target: "mm_host::plugin_http", %error, "Plugin failed to ServeHTTP, RPC call failed");
        // What Go's http.Error writes.
        let header = [
            ("Content-Type".to_owned(), vec!["text/plain; charset=utf-8".to_owned()]),
            ("X-Content-Type-Options".to_owned(), vec!["nosniff".to_owned()]),
        ]
        .into();
        let answered_500 = state.send_head(500, Some(header));
        let Some(body) = body else { return };
        if answered_500 {
            let _ = body.try_send(Ok(Bytes::from_static(b"500 internal server error\n")));
        } else {
            let cause = format!("the plugin's ServeHTTP call failed: {error}");
            let _ = body.try_send(Err(Error::with_source(ErrorKind::Stream, cause)));
        }
    }
}

/// The writer's net/rpc methods.
struct WriterService(Arc<ResponseWriter>);

impl Service for WriterService {
    fn call(&self, method: &str, args: &mut Args<'_>) -> Result<Call, Refusal> {
        let writer = Arc::clone(&self.0);
        match method {
            "Header" => {
                let () = args.decode()?;
                Ok(Call::new(async move { Ok::<_, String>(writer.lock().header.clone()) }))
            }
            "SyncHeader" => {
                let header: Header = args.decode()?;
                Ok(Call::new(async move {
                    writer.lock().header = header;
                    Ok::<_, String>(())
                }))
            }
            "WriteHeader" => {
                let status: i64 = args.decode()?;
                Ok(Call::new(async move {
                    if !(100..=999).contains(&status) {
                        return Err(format!("invalid http status code: {status}"));
                    }
                    writer.lock().send_head(status, None);
                    Ok(())
                }))
            }
            "Write" => {
                let chunk: Bytes = args.decode()?;
                Ok(Call::new(async move { writer.write(chunk).await }))
            }
            // Every chunk is handed to the HTTP client as soon as it is written.
            "Flush" => {
                let () = args.decode()?;
                Ok(Call::new(async move { Ok::<_, String>(()) }))
            }
            name if name.starts_with("Hijack") || name.starts_with("HjConn") => {
                let text = format!("mm-host does not support hijacking the HTTP connection (Plugin.{name})");
                Ok(Call::new(async move { Err::<(), _>(text) }))
            }
            _ => Err(Refusal::unknown_method()),
        }
    }
}

/// Sends one request to the plugin's `Plugin.ServeHTTP` and returns its response once the head
/// is written; the body streams on.
pub(super) async fn forward<B>(
    hooks: &NetRpcHooks,
    init: wire::ServeHttpRequestInit,
    body: B,
) -> http::Response<ResponseBody>
where
    B: HttpBody + Send + 'static,
    B::Error: Into<BoxError>,
{
    let broker = hooks.broker().clone();
    let (head_tx, head_rx) = oneshot::channel();
    // One chunk in flight: the plugin's next `Write` waits until the client took this one.
    let (body_tx, body_rx) = mpsc::channel(1);
    let writer = Arc::new(ResponseWriter {
        state: Mutex::new(WriterState { header: Header::new(), head: Some(head_tx), body: Some(body_tx) }),
    });

    let writer_id = broker.serve_object(WriterService(Arc::clone(&writer)));
    // Go's server requests always have a body (empty ones read EOF at once), so the server
    // always hands out a reader.
    let body_id = serve_body(&broker, body);

    let args = ServeHttpArgs {
        response_writer_stream: writer_id,
        request: Some(request_subset(&init)),
        context: init.plugin_context,
        request_body_stream: body_id,
    };
    let rpc = hooks.rpc().clone();
    let call_writer = Arc::clone(&writer);
    tokio::spawn(async move {
        let outcome = rpc.call::<()>("Plugin.ServeHTTP", &args).await.map_err(|e| e.to_string());
        call_writer.finish(outcome);
    });

    let Ok(head) = head_rx.await else {
        return local_response(StatusCode::BAD_GATEWAY, "Bad Gateway: the plugin sent no response");
    };
    let status = u16::try_from(head.status).ok().and_then(|s| StatusCode::from_u16(s).ok());
    let Some(status) = status else {
        return local_response(StatusCode::INTERNAL_SERVER_ERROR, "invalid status code from plugin");
    };
    let mut response = http::Response::new(ResponseBody::channel(body_rx));
    *response.status_mut() = status;
    apply_headers(
        &mut response,
        head.header.into_iter().map(|(key, values)| mm_types::HttpHeader { key, values }),
    );
    response
}

/// Serves the request body with the remote-reader protocol on a new broker id.
fn serve_body<B>(broker: &mm_netrpc::broker::Broker, body: B) -> u32
where
    B: HttpBody + Send + 'static,
    B::Error: Into<BoxError>,
{
    let chunks = BodyDataStream::new(body)
        .map_ok(|mut data| data.copy_to_bytes(data.remaining()))
        .map_err(|e| std::io::Error::other(e.into()));
    broker.serve_reader(tokio_util::io::StreamReader::new(Box::pin(chunks)))
}

/// The request head as Go's `HTTPRequestSubset`.
fn request_subset(init: &wire::ServeHttpRequestInit) -> HttpRequestSubset {
    HttpRequestSubset {
        method: init.method.clone(),
        url: init.url.clone(),
        proto: init.proto.clone(),
        proto_major: i64::from(init.proto_major),
        proto_minor: i64::from(init.proto_minor),
        header: init.headers.iter().map(|h| (h.key.clone(), h.values.clone())).collect(),
        host: init.host.clone(),
        remote_addr: init.remote_addr.clone(),
        request_uri: init.request_uri.clone(),
    }
}
