//! The stock servers' protocol under the client: go-plugin net/rpc with Go's gob encoding.
//!
//! A stock Mattermost server serves its plugin API as `Plugin.<Method>` on a connection the
//! plugin dials back when the server activates it (`OnActivate` hands over a broker id). This
//! module is the client's transport for it: [`NetRpcApi`] takes the typed request the stack
//! hands down, encodes it as the Go `Z_<Method>Args` struct under the connection's gob state
//! (the mapping `mm_proto::netrpc` generates from the declarations), and decodes the
//! `Z_<Method>Returns` reply into the typed response. Methods that stream bytes
//! (`UploadData`, `InstallPlugin`, `PluginHTTP`, shared-channel attachments) serve or accept
//! broker streams as the server expects; the `Log*` calls send their key/value pairs as
//! strings, as Go's plugin side does.
//!
//! The plugin runtime builds the client over this transport and connects it when the server
//! activates the plugin; plugin code sees the same [`Client`](crate::Client) on both
//! protocols.

use std::fmt;
use std::future::Future;
use std::io::Cursor;
use std::pin::Pin;
use std::sync::{Arc, RwLock};
use std::task::{Context, Poll};

use bytes::Bytes;
use mm_netrpc::broker::Broker;
use mm_netrpc::rpc::{CallError, Client as RpcClient};
use mm_proto::netrpc::special::{
    HttpRequestSubset, InstallPluginArgs, InstallPluginReturns, LogArgs, PluginHttpArgs, PluginHttpReturns,
    PluginHttpStreamArgs, PluginHttpStreamReturns, ReceiveAttachmentArgs, ReceiveAttachmentReturns,
    UploadDataArgs, UploadDataReturns, header_from_contract, header_to_contract,
};
use mm_proto::rpc::{RpcMessage, RpcMethod};
use mm_proto::v1 as wire;
use tokio::io::AsyncReadExt;

use crate::error::{Error, ErrorKind, Result};
use crate::rpc::{ResponseBody, RpcRequest, RpcResponse};

/// The name of the protocol in errors.
const PROTOCOL: &str = "the stock servers' net/rpc protocol";

/// The client's transport over a stock server's API connection.
///
/// Cheap to clone; clones share the connection. Until [`connect`](NetRpcApi::connect) is
/// called (the runtime does it when the server activates the plugin), calls fail at once with
/// [`ErrorKind::Transport`] saying so; nothing is sent.
#[derive(Clone, Default)]
pub struct NetRpcApi {
    connection: Arc<RwLock<Option<Connection>>>,
}

/// The API connection and the plugin's own broker (to serve the byte streams some methods
/// send).
#[derive(Clone)]
struct Connection {
    rpc: RpcClient,
    broker: Broker,
}

impl fmt::Debug for NetRpcApi {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("NetRpcApi").field("connected", &self.is_connected()).finish()
    }
}

impl NetRpcApi {
    /// A transport with no connection yet.
    pub fn new() -> Self {
        NetRpcApi::default()
    }

    /// Sends every call from now on over `rpc` (the net/rpc client on the server's API broker
    /// stream); `broker` is the plugin's own broker, on which the methods that send byte
    /// streams serve them.
    pub fn connect(&self, rpc: RpcClient, broker: Broker) {
        *self.connection.write().unwrap_or_else(|e| e.into_inner()) = Some(Connection { rpc, broker });
    }

    /// Closes the connection; later calls fail at once.
    pub fn disconnect(&self) {
        if let Some(connection) = self.connection.write().unwrap_or_else(|e| e.into_inner()).take() {
            connection.rpc.close();
        }
    }

    /// Whether a connection is set and open.
    pub fn is_connected(&self) -> bool {
        self.connection.read().unwrap_or_else(|e| e.into_inner()).as_ref().is_some_and(|c| !c.rpc.is_closed())
    }

    fn current(&self) -> Result<Connection> {
        self.connection.read().unwrap_or_else(|e| e.into_inner()).clone().ok_or_else(|| {
            Error::new(
                ErrorKind::Transport,
                "the PluginAPI connection is not open: a stock server opens it when it activates the \
                 plugin (OnActivate), so the API can be called from on_configuration_change and \
                 on_activate on",
            )
            .never_sent()
        })
    }

    async fn send(self, request: RpcRequest) -> Result<RpcResponse> {
        let connection = self.current()?;
        let method = request.method;
        let Some(table) = mm_proto::netrpc::api_method(method.name) else {
            return Err(Error::unsupported_on(method, PROTOCOL, "the stock surface has no such method"));
        };
        let message = &*request.message;
        let response = match &table.codec {
            Some(codec) => {
                let args = (codec.request)(message.as_any()).ok_or_else(|| wrong_request(method, message))?;
                connection
                    .rpc
                    .call_with(&table.service_method(), args, codec.decode_response)
                    .await
                    .map_err(|e| call_error(e, method))?
            }
            None => special(&connection, method, message).await?,
        };
        Ok(RpcResponse { body: ResponseBody::Message(response), metadata: http::HeaderMap::new() })
    }
}

impl tower::Service<RpcRequest> for NetRpcApi {
    type Response = RpcResponse;
    type Error = Error;
    type Future = Pin<Box<dyn Future<Output = Result<RpcResponse>> + Send>>;

    fn poll_ready(&mut self, _cx: &mut Context<'_>) -> Poll<Result<()>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, request: RpcRequest) -> Self::Future {
        Box::pin(self.clone().send(request))
    }
}

fn wrong_request(method: &RpcMethod, message: &dyn RpcMessage) -> Error {
    Error::invalid_input(format!("{} was called with a {message:?}, not its request message", method.name))
        .in_rpc(method.name)
}

/// A net/rpc failure as the client's error.
fn call_error(error: CallError, method: &'static RpcMethod) -> Error {
    match error {
        CallError::Server(text) if text.starts_with("rpc: can't find method") => {
            Error::unsupported_on(method, PROTOCOL, &format!("this server is older than the method ({text})"))
        }
        CallError::Server(text) => Error::new(ErrorKind::Server, text).in_rpc(method.name),
        CallError::Closed(reason) => {
            Error::new(ErrorKind::Transport, format!("the PluginAPI connection is closed: {reason}"))
                .in_rpc(method.name)
        }
        CallError::Decode { .. } => Error::malformed(format!("the reply does not decode: {error}"))
            .with_source(error)
            .in_rpc(method.name),
        other => Error::invalid_input(format!("the request cannot be sent: {other}"))
            .with_source(other)
            .in_rpc(method.name),
    }
}

/// The methods mapped by hand: byte streams and log pairs.
async fn special(
    connection: &Connection,
    method: &'static RpcMethod,
    message: &dyn RpcMessage,
) -> Result<Arc<dyn RpcMessage>> {
    let rpc = &connection.rpc;
    let wrong = || wrong_request(method, message);
    let call = |e| call_error(e, method);
    let name = format!("Plugin.{}", method.name);
    Ok(match method.name {
        "LogDebug" | "LogInfo" | "LogWarn" | "LogError" => {
            let args = log_args(message).ok_or_else(wrong)?;
            rpc.call::<()>(&name, &args).await.map_err(call)?;
            log_response(method.name)
        }
        "UploadData" => {
            let request = message.downcast_ref::<wire::UploadDataRequest>().ok_or_else(wrong)?;
            let id = serve_bytes(&connection.broker, request.data.clone());
            let args = UploadDataArgs { a: request.upload_session.clone(), plugin_stream_id: id };
            let reply: UploadDataReturns = rpc.call(&name, &args).await.map_err(call)?;
            Arc::new(wire::UploadDataResponse { error: reply.b, file_info: reply.a })
        }
        "InstallPlugin" => {
            let request = message.downcast_ref::<wire::InstallPluginRequest>().ok_or_else(wrong)?;
            let id = serve_bytes(&connection.broker, request.file_data.clone());
            let args = InstallPluginArgs { plugin_stream_id: id, b: request.replace };
            let reply: InstallPluginReturns = rpc.call(&name, &args).await.map_err(call)?;
            Arc::new(wire::InstallPluginResponse { error: reply.b, manifest: reply.a })
        }
        "ReceiveSharedChannelAttachmentSyncMsg" => {
            let request = message
                .downcast_ref::<wire::ReceiveSharedChannelAttachmentSyncMsgRequest>()
                .ok_or_else(wrong)?;
            let id = serve_bytes(&connection.broker, request.data.clone());
            let args = ReceiveAttachmentArgs {
                a: request.remote_id.clone(),
                b: request.channel_id.clone(),
                c: request.file_info.clone(),
                data_stream_id: id,
            };
            let reply: ReceiveAttachmentReturns = rpc.call(&name, &args).await.map_err(call)?;
            Arc::new(wire::ReceiveSharedChannelAttachmentSyncMsgResponse {
                error: reply.b,
                file_info: reply.a,
            })
        }
        "PluginHTTP" => {
            let request = message.downcast_ref::<wire::PluginHttpRequest>().ok_or_else(wrong)?;
            Arc::new(plugin_http(connection, method, request).await?)
        }
        _ => return Err(Error::unsupported_on(method, PROTOCOL, "the SDK has no mapping for it")),
    })
}

fn log_args(message: &dyn RpcMessage) -> Option<LogArgs> {
    macro_rules! any_of {
        ($($t:ty),*) => {$(
            if let Some(r) = message.downcast_ref::<$t>() {
                return Some(LogArgs::from_request(&r.msg, &r.key_value_pairs));
            }
        )*};
    }
    any_of!(wire::LogDebugRequest, wire::LogInfoRequest, wire::LogWarnRequest, wire::LogErrorRequest);
    None
}

fn log_response(name: &str) -> Arc<dyn RpcMessage> {
    match name {
        "LogDebug" => Arc::new(wire::LogDebugResponse::default()),
        "LogInfo" => Arc::new(wire::LogInfoResponse::default()),
        "LogWarn" => Arc::new(wire::LogWarnResponse::default()),
        _ => Arc::new(wire::LogErrorResponse::default()),
    }
}

/// Serves `data` with Mattermost's remote-reader protocol on a new id of the plugin's
/// broker (the server dials it while handling the call) and returns the id.
fn serve_bytes(broker: &Broker, data: Bytes) -> u32 {
    broker.serve_reader(Cursor::new(data))
}

/// `PluginHTTP`: the streaming call (`Plugin.PluginHTTPStream`), or the buffered one on servers
/// older than it.
async fn plugin_http(
    connection: &Connection,
    method: &'static RpcMethod,
    request: &wire::PluginHttpRequest,
) -> Result<wire::PluginHttpResponse> {
    let subset = HttpRequestSubset {
        method: request.method.clone(),
        url: request.url.clone(),
        proto: "HTTP/1.1".into(),
        proto_major: 1,
        proto_minor: 1,
        header: header_from_contract(&request.headers, &request.header_values),
        request_uri: request.url.clone(),
        ..Default::default()
    };
    let broker = &connection.broker;
    let response_id = broker.next_id();
    let accepting = {
        let broker = broker.clone();
        tokio::spawn(async move {
            let mut stream = broker.accept(response_id).await.map_err(|e| e.to_string())?;
            let mut body = Vec::new();
            stream.read_to_end(&mut body).await.map_err(|e| e.to_string())?;
            Ok::<_, String>(Bytes::from(body))
        })
    };
    let request_id = if request.body.is_empty() { 0 } else { serve_bytes(broker, request.body.clone()) };
    let args = PluginHttpStreamArgs {
        response_body_stream: response_id,
        request: Some(subset.clone()),
        request_body_stream: request_id,
    };
    match connection.rpc.call::<PluginHttpStreamReturns>("Plugin.PluginHTTPStream", &args).await {
        Ok(reply) => {
            let body = match accepting.await {
                Ok(Ok(body)) => body,
                Ok(Err(e)) => {
                    return Err(Error::new(ErrorKind::Transport, format!("reading the response body: {e}"))
                        .in_rpc(method.name));
                }
                Err(e) => {
                    return Err(Error::new(ErrorKind::Transport, format!("reading the response body: {e}"))
                        .in_rpc(method.name));
                }
            };
            let (headers, header_values) = header_to_contract(&reply.header);
            Ok(wire::PluginHttpResponse {
                error: None,
                status_code: i32::try_from(reply.status_code).unwrap_or(500),
                headers,
                header_values,
                body,
            })
        }
        Err(CallError::Server(text)) if text.contains("can't find method Plugin.PluginHTTPStream") => {
            accepting.abort();
            let args = PluginHttpArgs { request: Some(subset), request_body: request.body.clone() };
            let reply: PluginHttpReturns =
                connection.rpc.call("Plugin.PluginHTTP", &args).await.map_err(|e| call_error(e, method))?;
            let response = reply.response.unwrap_or_default();
            let (headers, header_values) = header_to_contract(&response.header);
            Ok(wire::PluginHttpResponse {
                error: None,
                status_code: i32::try_from(response.status_code).unwrap_or(500),
                headers,
                header_values,
                body: reply.response_body,
            })
        }
        Err(e) => {
            accepting.abort();
            Err(call_error(e, method))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repeated_request_headers_stay_apart() {
        let request = wire::PluginHttpRequest {
            headers: [("x-probe".to_owned(), "one, two".to_owned())].into(),
            header_values: [(
                "x-probe".to_owned(),
                wire::StringList { values: vec!["one".into(), "two".into()] },
            )]
            .into(),
            ..Default::default()
        };
        let header = |r: &wire::PluginHttpRequest| header_from_contract(&r.headers, &r.header_values);
        assert_eq!(header(&request)["X-Probe"], vec!["one".to_owned(), "two".to_owned()]);
        let joined_only = wire::PluginHttpRequest { header_values: Default::default(), ..request };
        assert_eq!(header(&joined_only)["X-Probe"], vec!["one, two".to_owned()]);
    }
}
