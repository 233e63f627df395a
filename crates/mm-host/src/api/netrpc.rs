//! The PluginAPI over go-plugin net/rpc: what a stock server serves on the broker id it hands
//! a plugin in `OnActivate`.
//!
//! Every `Plugin.<Method>` decodes its `Z_<Method>Args` into the same typed request the gRPC
//! service decodes (the codecs `mm_proto::netrpc` generates from the one declaration), runs the
//! same handler of the [router](super::router::ApiRouter), and answers the `Z_<Method>Returns`,
//! with an `AppError` inside the reply as the server does. The methods that move bytes on
//! broker streams (`UploadData`, `InstallPlugin`, shared-channel attachments, `PluginHTTP` and
//! `PluginHTTPStream`) and the `Log*` calls are mapped here by hand.

use std::sync::Arc;

use bytes::Bytes;
use mm_netrpc::broker::Broker;
use mm_netrpc::rpc::{Args, Call, Refusal, Reply, Service};
use mm_netrpc::stream_io::RemoteReader;
use mm_proto::netrpc::ErasedMessage;
use mm_proto::netrpc::special::{
    HttpRequestSubset, HttpResponse, InstallPluginArgs, InstallPluginReturns, LogArgs, PluginHttpArgs,
    PluginHttpReturns, PluginHttpStreamArgs, PluginHttpStreamReturns, ReceiveAttachmentArgs,
    ReceiveAttachmentReturns, UploadDataArgs, UploadDataReturns, header_from_contract, header_to_contract,
};
use mm_proto::rpc::{RpcMethod, take_message};
use mm_proto::v1 as wire;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use super::router::{Api, ApiFailure, ApiRouter};

/// The `Plugin` object of one plugin's API connection (cheap to clone: each call takes a copy
/// into its future).
#[derive(Clone)]
pub(crate) struct NetRpcApi {
    router: Arc<ApiRouter>,
    api: Api,
    /// The host's side of the plugin's session: byte streams the plugin serves are dialed on it.
    broker: Broker,
}

impl NetRpcApi {
    pub(crate) fn new(router: Arc<ApiRouter>, api: Api, broker: Broker) -> Self {
        NetRpcApi { router, api, broker }
    }
}

impl Service for NetRpcApi {
    fn call(&self, method: &str, args: &mut Args<'_>) -> Result<Call, Refusal> {
        if method == "PluginHTTPStream" {
            let call: PluginHttpStreamArgs = args.decode()?;
            let this = self.clone();
            return Ok(Call::new(async move { this.plugin_http_stream(call).await }));
        }
        let Some(table) = mm_proto::netrpc::api_method(method) else { return Err(Refusal::unknown_method()) };
        let Some(rpc) = RpcMethod::by_name(table.go_name) else { return Err(Refusal::unknown_method()) };
        let Some(codec) = table.codec else { return self.by_hand(rpc, args) };
        let request = args.decode_with(codec.decode_request)?;
        let (router, api) = (Arc::clone(&self.router), self.api.clone());
        Ok(Call::from_reply(async move {
            let response = router.call_in_body(api, rpc, request).await.map_err(failure_text)?;
            let reply = ErasedMessage::new(response, codec.response)
                .ok_or_else(|| format!("the handler of {} answered another message type", rpc.name))?;
            Ok(Reply::new(reply))
        }))
    }
}

/// A failure that has no place in the reply: the net/rpc error text (a Go plugin logs it and
/// sees zero values; the Rust client reports it as the server's error).
fn failure_text(failure: ApiFailure) -> String {
    match failure {
        ApiFailure::App(error) => format!("{}: {}", error.id, error.message),
        ApiFailure::InvalidArgument(message) | ApiFailure::Unimplemented(message) => message,
    }
}

/// Runs `request` through the router and takes the typed response out.
async fn run<R: mm_proto::rpc::Rpc>(router: &ApiRouter, api: Api, request: R) -> Result<R::Response, String> {
    let response = router.call_in_body(api, R::METHOD, Arc::new(request)).await.map_err(failure_text)?;
    take_message(response)
        .ok_or_else(|| format!("the handler of {} answered another message type", R::METHOD.name))
}

impl NetRpcApi {
    /// The methods without a generated codec.
    fn by_hand(&self, rpc: &'static RpcMethod, args: &mut Args<'_>) -> Result<Call, Refusal> {
        let this = self.clone();
        match rpc.name {
            "LogDebug" | "LogInfo" | "LogWarn" | "LogError" => {
                let call: LogArgs = args.decode()?;
                Ok(Call::new(async move { this.log(rpc.name, call).await }))
            }
            "UploadData" => {
                let call: UploadDataArgs = args.decode()?;
                Ok(Call::new(async move {
                    let data = this.read_stream(call.plugin_stream_id).await?;
                    let request = wire::UploadDataRequest { upload_session: call.a, data };
                    let response = run(&this.router, this.api, request).await?;
                    Ok::<_, String>(UploadDataReturns { a: response.file_info, b: response.error })
                }))
            }
            "InstallPlugin" => {
                let call: InstallPluginArgs = args.decode()?;
                Ok(Call::new(async move {
                    let file_data = this.read_stream(call.plugin_stream_id).await?;
                    let request = wire::InstallPluginRequest { file_data, replace: call.b };
                    let response = run(&this.router, this.api, request).await?;
                    Ok::<_, String>(InstallPluginReturns { a: response.manifest, b: response.error })
                }))
            }
            "ReceiveSharedChannelAttachmentSyncMsg" => {
                let call: ReceiveAttachmentArgs = args.decode()?;
                Ok(Call::new(async move {
                    let data = this.read_stream(call.data_stream_id).await?;
                    let request = wire::ReceiveSharedChannelAttachmentSyncMsgRequest {
                        remote_id: call.a,
                        channel_id: call.b,
                        file_info: call.c,
                        data,
                    };
                    let response = run(&this.router, this.api, request).await?;
                    Ok::<_, String>(ReceiveAttachmentReturns { a: response.file_info, b: response.error })
                }))
            }
            "PluginHTTP" => {
                let call: PluginHttpArgs = args.decode()?;
                Ok(Call::new(async move {
                    let request = plugin_http_request(call.request.unwrap_or_default(), call.request_body);
                    let response = run(&this.router, this.api, request).await?;
                    let header = header_from_contract(&response.headers, &response.header_values);
                    Ok::<_, String>(PluginHttpReturns {
                        response: Some(HttpResponse {
                            status: status_line(response.status_code),
                            status_code: i64::from(response.status_code),
                            proto: "HTTP/1.1".into(),
                            proto_major: 1,
                            proto_minor: 1,
                            header,
                            content_length: i64::try_from(response.body.len()).unwrap_or(-1),
                        }),
                        response_body: response.body,
                    })
                }))
            }
            _ => Err(Refusal::unknown_method()),
        }
    }
}

impl NetRpcApi {
    /// Reads a byte stream the plugin serves on its broker id `id` (the remote-reader protocol).
    async fn read_stream(&self, id: u32) -> Result<Bytes, String> {
        let stream =
            self.broker.dial(id).await.map_err(|e| format!("dialing the plugin's stream {id}: {e}"))?;
        let mut data = Vec::new();
        RemoteReader::new(stream)
            .read_to_end(&mut data)
            .await
            .map_err(|e| format!("reading the plugin's stream {id}: {e}"))?;
        Ok(Bytes::from(data))
    }

    async fn log(self, name: &'static str, call: LogArgs) -> Result<(), String> {
        let (msg, key_value_pairs) = (call.a.clone(), call.pairs());
        match name {
            "LogDebug" => {
                run(&self.router, self.api, wire::LogDebugRequest { msg, key_value_pairs }).await.map(drop)
            }
            "LogInfo" => {
                run(&self.router, self.api, wire::LogInfoRequest { msg, key_value_pairs }).await.map(drop)
            }
            "LogWarn" => {
                run(&self.router, self.api, wire::LogWarnRequest { msg, key_value_pairs }).await.map(drop)
            }
            _ => run(&self.router, self.api, wire::LogErrorRequest { msg, key_value_pairs }).await.map(drop),
        }
    }

    /// `Plugin.PluginHTTPStream`: the request body from the plugin's reader, the response body
    /// written raw to the stream the plugin accepts, the head in the reply.
    async fn plugin_http_stream(self, call: PluginHttpStreamArgs) -> Result<PluginHttpStreamReturns, String> {
        let body = if call.request_body_stream == 0 {
            Bytes::new()
        } else {
            self.read_stream(call.request_body_stream).await?
        };
        let request = plugin_http_request(call.request.unwrap_or_default(), body);
        let response = run(&self.router, self.api.clone(), request).await?;
        let header = header_from_contract(&response.headers, &response.header_values);
        let mut out = self
            .broker
            .dial(call.response_body_stream)
            .await
            .map_err(|e| format!("dialing the plugin's response stream: {e}"))?;
        out.write_all(&response.body).await.map_err(|e| format!("writing the response body: {e}"))?;
        out.shutdown().await.map_err(|e| format!("closing the response body: {e}"))?;
        Ok(PluginHttpStreamReturns { status_code: i64::from(response.status_code), header })
    }
}

/// The typed request of an inter-plugin call from the Go request subset.
fn plugin_http_request(subset: HttpRequestSubset, body: Bytes) -> wire::PluginHttpRequest {
    let (headers, header_values) = header_to_contract(&subset.header);
    wire::PluginHttpRequest { method: subset.method, url: subset.url, headers, body, header_values }
}

/// Go's `Response.Status`: `"200 OK"`.
fn status_line(code: i32) -> String {
    let reason = u16::try_from(code)
        .ok()
        .and_then(|c| http::StatusCode::from_u16(c).ok())
        .and_then(|s| s.canonical_reason())
        .unwrap_or("");
    format!("{code} {reason}").trim_end().to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_lines_read_like_go() {
        assert_eq!(status_line(200), "200 OK");
        assert_eq!(status_line(404), "404 Not Found");
        assert_eq!(status_line(599), "599");
    }

    #[test]
    fn inter_plugin_requests_keep_every_header_value() {
        let subset = HttpRequestSubset {
            method: "POST".into(),
            url: "/other/hello".into(),
            header: [("X-Probe".to_owned(), vec!["one".to_owned(), "two".to_owned()])].into(),
            ..Default::default()
        };
        let request = plugin_http_request(subset, Bytes::from_static(b"hi"));
        assert_eq!(request.headers["X-Probe"], "one, two");
        assert_eq!(request.header_values["X-Probe"].values, ["one", "two"]);
        assert_eq!(request.body, "hi");
    }
}
