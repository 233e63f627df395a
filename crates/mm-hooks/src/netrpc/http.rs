//! `ServeHTTP` (and `ServeMetrics`) over net/rpc: the request body from the server's remote
//! reader, the response through the server's response-writer RPC server.
//!
//! Every `Write` costs a round trip to the server, so body chunks are gathered into writes of
//! up to [`WRITE_CHUNK`] while the handler has more ready, and sent as soon as it pauses (an
//! SSE event is not held back). A `Flush` part is forwarded (servers before server/public
//! v0.1.22 have no `Plugin.Flush`; the error is ignored). When a `Write` fails (the HTTP
//! client went away), the response stream is dropped, which drops the handler's future.

use bytes::{Bytes, BytesMut};
use futures_util::{FutureExt, Stream, StreamExt};
use mm_netrpc::broker::Broker;
use mm_netrpc::rpc::Client as RpcClient;
use mm_netrpc::stream_io::RemoteReader;
use mm_proto::netrpc::special::{Header, ServeHttpArgs};
use mm_types::{HttpHeader, HttpRequestInit, HttpResponseInit};
use tokio::io::AsyncRead;

use crate::dispatch::{CallOptions, Dispatcher};
use crate::error::HookError;
use crate::hook::Hook;
use crate::http::{HttpRequestPart, HttpRequestStream};
use crate::plugin::Plugin;

/// The largest `Write` the plugin sends (the server copies each into the HTTP response).
pub(super) const WRITE_CHUNK: usize = 1024 * 1024;

/// Runs one ServeHTTP call; the answer (an empty struct) is sent when the response is complete.
pub(super) async fn serve<P: Plugin>(
    dispatcher: Dispatcher<P>,
    broker: Broker,
    hook: Hook,
    args: ServeHttpArgs,
) -> Result<(), String> {
    let writer_stream = broker
        .dial(args.response_writer_stream)
        .await
        .map_err(|e| format!("dialing the response writer: {e}"))?;
    let writer = ResponseWriter { rpc: RpcClient::new(writer_stream), headers_sent: false };
    let body = if args.request_body_stream == 0 {
        None
    } else {
        let stream = broker
            .dial(args.request_body_stream)
            .await
            .map_err(|e| format!("dialing the request body: {e}"))?;
        Some(RemoteReader::new(stream))
    };
    let init = request_init(args.request.unwrap_or_default());
    let request = HttpRequestStream::from_parts(request_parts(init, body));
    let plugin_context = args.context;
    let result = dispatcher.serve_http(hook, plugin_context, request, CallOptions::new()).await;
    let mut writer = writer;
    match result {
        Ok(parts) => writer.forward(parts).await,
        Err(failure) => {
            tracing::error!(hook = hook.rpc_name(), error = %failure, "the HTTP handler failed");
            writer.fail(&failure.to_string()).await;
        }
    }
    writer.rpc.close();
    Ok(())
}

/// The request head as the runtime's types carry it.
fn request_init(subset: mm_proto::netrpc::special::HttpRequestSubset) -> HttpRequestInit {
    let content_length = subset
        .header
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case("content-length"))
        .and_then(|(_, v)| v.first())
        .and_then(|v| v.trim().parse::<i64>().ok())
        .unwrap_or(-1);
    let mut headers: Vec<HttpHeader> =
        subset.header.into_iter().map(|(key, values)| HttpHeader { key, values }).collect();
    headers.sort_by(|a, b| a.key.cmp(&b.key));
    HttpRequestInit {
        plugin_context: None,
        method: subset.method,
        url: subset.url,
        proto: subset.proto,
        proto_major: i32::try_from(subset.proto_major).unwrap_or(1),
        proto_minor: i32::try_from(subset.proto_minor).unwrap_or(1),
        headers,
        host: subset.host,
        remote_addr: subset.remote_addr,
        request_uri: subset.request_uri,
        content_length,
    }
}

/// The head, then the body as it arrives from the server's reader, then the end.
fn request_parts<R: AsyncRead + Send + Unpin + 'static>(
    init: HttpRequestInit,
    body: Option<R>,
) -> impl Stream<Item = Result<HttpRequestPart, HookError>> + Send + 'static {
    let head = futures_util::stream::once(async move {
        Ok(HttpRequestPart { init: Some(init), body_chunk: Bytes::new(), body_complete: false })
    });
    let chunks = match body {
        Some(reader) => tokio_util::io::ReaderStream::with_capacity(reader, 256 * 1024)
            .map(|chunk| match chunk {
                Ok(bytes) => Ok(HttpRequestPart { init: None, body_chunk: bytes, body_complete: false }),
                Err(e) => {
                    Err(HookError::msg(format!("reading the request body from the server failed: {e}")))
                }
            })
            .left_stream(),
        None => futures_util::stream::empty().right_stream(),
    };
    let end = futures_util::stream::once(async {
        Ok(HttpRequestPart { init: None, body_chunk: Bytes::new(), body_complete: true })
    });
    head.chain(chunks).chain(end)
}

/// The server's `http.ResponseWriter`, over its RPC server on a broker stream.
struct ResponseWriter {
    rpc: RpcClient,
    headers_sent: bool,
}

impl ResponseWriter {
    async fn write_head(&mut self, init: HttpResponseInit) -> Result<(), String> {
        let header: Header = init.headers.into_iter().map(|h| (h.key, h.values)).collect();
        self.rpc.call::<()>("Plugin.SyncHeader", &header).await.map_err(|e| e.to_string())?;
        let status = i64::from(init.status_code);
        self.rpc.call::<()>("Plugin.WriteHeader", &status).await.map_err(|e| e.to_string())?;
        self.headers_sent = true;
        Ok(())
    }

    async fn write(&mut self, body: Bytes) -> Result<(), String> {
        if !self.headers_sent {
            self.write_head(HttpResponseInit { status_code: 200, headers: Vec::new() }).await?;
        }
        self.rpc.call::<()>("Plugin.Write", &body).await.map_err(|e| e.to_string())
    }

    async fn flush(&mut self) {
        if let Err(e) = self.rpc.call::<()>("Plugin.Flush", &()).await {
            tracing::debug!("Plugin.Flush: {e}");
        }
    }

    /// A failure before the response started: 500 with the failure's text; after, nothing
    /// more can be said (the server ends the response).
    async fn fail(&mut self, text: &str) {
        if self.headers_sent {
            return;
        }
        let head = HttpResponseInit {
            status_code: 500,
            headers: vec![HttpHeader {
                key: "Content-Type".into(),
                values: vec!["text/plain; charset=utf-8".into()],
            }],
        };
        if self.write_head(head).await.is_ok() {
            let _ = self.rpc.call::<()>("Plugin.Write", &Bytes::from(format!("{text}\n"))).await;
        }
    }

    /// Sends the response parts, gathering body chunks that are ready into large writes.
    async fn forward(&mut self, mut parts: crate::dispatch::HttpResponseParts) {
        let mut pending = BytesMut::new();
        loop {
            // Take what is ready without waiting; wait only when nothing is buffered.
            let next = if pending.is_empty() {
                parts.next().await
            } else {
                match parts.next().now_or_never() {
                    Some(item) => item,
                    None => {
                        if let Err(e) = self.write(pending.split().freeze()).await {
                            tracing::debug!("the HTTP client went away: {e}");
                            return;
                        }
                        continue;
                    }
                }
            };
            let part = match next {
                None => break,
                Some(Ok(part)) => part,
                Some(Err(failure)) => {
                    tracing::error!(error = %failure, "the HTTP response failed");
                    if pending.is_empty() && !self.headers_sent {
                        self.fail(&failure.to_string()).await;
                        return;
                    }
                    break;
                }
            };
            if let Some(init) = part.init
                && let Err(e) = self.write_head(init).await
            {
                tracing::debug!("the HTTP client went away: {e}");
                return;
            }
            pending.extend_from_slice(&part.body_chunk);
            if (pending.len() >= WRITE_CHUNK || (part.flush && !pending.is_empty()))
                && let Err(e) = self.write(pending.split().freeze()).await
            {
                tracing::debug!("the HTTP client went away: {e}");
                return;
            }
            if part.flush {
                self.flush().await;
            }
            if part.body_complete {
                break;
            }
        }
        if !pending.is_empty() {
            if let Err(e) = self.write(pending.split().freeze()).await {
                tracing::debug!("the HTTP client went away: {e}");
            }
        } else if !self.headers_sent {
            // An empty response: the head alone.
            let _ = self.write_head(HttpResponseInit { status_code: 200, headers: Vec::new() }).await;
        }
    }
}
