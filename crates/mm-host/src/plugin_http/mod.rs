//! The server side of ServeHTTP: an HTTP request forwarded to a plugin, and its answer back
//! (moved here from `mm-http`, which plugins compile, so that they do not compile this side).
//!
//! This is what the Mattermost server does for `/plugins/<id>/...`; a local host and tests use
//! it to talk to a plugin exactly as the server would:
//!
//! - the request body streams to the plugin in chunks of at most 64 KiB as it arrives (the
//!   first message carries the head and whatever body is ready at once), no faster than the
//!   plugin reads it;
//! - header keys go out in canonical MIME form with all values of a name grouped; `url` is the
//!   path inside the plugin (without the `/plugins/<id>` prefix) and `request_uri` the target
//!   as the client sent it; `Host` travels in `host`, not among the headers;
//! - `Mattermost-User-Id` is removed from what the client sent and set only from the
//!   authenticated user the caller names in [`Caller`];
//! - the answer: 404 when the plugin does not implement ServeHTTP (no call is made), 502 when
//!   the plugin answers nothing, status 0 becomes 200 and a status outside 100..=999 becomes
//!   500; the body streams back as it comes ([`ResponseBody`]), even before the plugin has read
//!   the request body (early response);
//! - dropping the response, or the future before it resolves, cancels the call.
//!
//! Authentication itself (which session a token or cookie belongs to, and removing those
//! credentials before the request reaches the plugin, as the server does) is the caller's job.
//!
//! ```no_run
//! # async fn example() -> Result<(), Box<dyn std::error::Error>> {
//! use mm_host::plugin_http::{Caller, PluginHttp};
//! use mm_proto::v1::plugin_hooks_client::PluginHooksClient;
//!
//! let client = PluginHooksClient::connect("http://127.0.0.1:10000").await?;
//! let plugin = PluginHttp::new(client, "com.example.demo");
//! let request = http::Request::get("/plugins/com.example.demo/hello?x=1").body(String::new())?;
//! let response = plugin.forward(request, Caller::anonymous()).await;
//! println!("{}", response.status());
//! # Ok(())
//! # }
//! ```

mod netrpc;
mod request_stream;
mod response_body;

use std::convert::Infallible;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::Bytes;
use http::header::{
    ACCEPT_LANGUAGE, CONTENT_LENGTH, CONTENT_TYPE, HOST, HeaderValue, TRANSFER_ENCODING, USER_AGENT,
    X_CONTENT_TYPE_OPTIONS,
};
use http::{HeaderMap, StatusCode, Version};
use http_body::Body as HttpBody;
use mm_proto::v1 as wire;
use mm_proto::v1::plugin_hooks_client::PluginHooksClient;
use mm_types::convert::IntoWire;
use mm_types::{PluginContext, RequestId, UserId};
use tokio::sync::oneshot;
use tonic::client::GrpcService;

use crate::events::NetRpcHooks;

pub use response_body::ResponseBody;

use mm_http::__private as headers;
use mm_http::{BoxError, MATTERMOST_USER_ID, RemoteAddr};
use request_stream::RequestMessages;

/// The name of the hook in the plugin's `Implemented` list.
const SERVE_HTTP_HOOK: &str = "ServeHTTP";

/// Who is calling, as the server's authentication layer determined it.
///
/// Give it to [`PluginHttp::forward`], or put it in the request's extensions when using
/// [`PluginHttp`] as a tower service. Without a plugin context, one is made from the request:
/// a fresh request id, the client's IP, `User-Agent` and `Accept-Language`.
#[derive(Debug, Clone, Default)]
pub struct Caller {
    user_id: Option<UserId>,
    plugin_context: Option<PluginContext>,
    remote_addr: Option<String>,
}

impl Caller {
    /// A request from no logged-in user: the plugin sees no `Mattermost-User-Id`.
    pub fn anonymous() -> Self {
        Caller::default()
    }

    /// A request from this authenticated user: the plugin sees `Mattermost-User-Id: <id>`.
    pub fn user(user_id: UserId) -> Self {
        Caller { user_id: Some(user_id), ..Caller::default() }
    }

    /// Uses this plugin context (session id, request id...) instead of one made from the
    /// request.
    pub fn with_plugin_context(mut self, context: PluginContext) -> Self {
        self.plugin_context = Some(context);
        self
    }

    /// The HTTP client's address (`ip:port`).
    pub fn with_remote_addr(mut self, addr: impl Into<String>) -> Self {
        self.remote_addr = Some(addr.into());
        self
    }
}

/// Forwards HTTP requests to one plugin's ServeHTTP hook: over its gRPC `PluginHooks` client
/// ([`new`](PluginHttp::new)) or a stock server's net/rpc ([`net_rpc`](PluginHttp::net_rpc)).
///
/// Cheap to clone (it clones the client). Also a tower [`Service`](tower::Service) that never
/// fails, reading the [`Caller`] from the request's extensions (anonymous when absent).
pub struct PluginHttp<T = tonic::transport::Channel> {
    target: Target<T>,
    prefix: String,
    implemented: bool,
}

/// Where the requests go.
enum Target<T> {
    Grpc(PluginHooksClient<T>),
    NetRpc(NetRpcHooks),
}

impl<T: Clone> Clone for PluginHttp<T> {
    fn clone(&self) -> Self {
        let target = match &self.target {
            Target::Grpc(client) => Target::Grpc(client.clone()),
            Target::NetRpc(hooks) => Target::NetRpc(hooks.clone()),
        };
        PluginHttp { target, prefix: self.prefix.clone(), implemented: self.implemented }
    }
}

impl PluginHttp {
    /// Forwards requests under `/plugins/<plugin_id>` to the plugin behind `hooks` over
    /// net/rpc, assuming it implements ServeHTTP. As a stock server does: the response writer
    /// is served on the session's broker and each `Write` waits until the HTTP client took the
    /// previous chunk; a failed call before the head answers 500 (not 502); hijacking the
    /// connection is refused.
    pub fn net_rpc(hooks: NetRpcHooks, plugin_id: &str) -> Self {
        PluginHttp {
            target: Target::NetRpc(hooks),
            prefix: format!("/plugins/{plugin_id}"),
            implemented: true,
        }
    }
}

impl<T> fmt::Debug for PluginHttp<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PluginHttp")
            .field("prefix", &self.prefix)
            .field("implemented", &self.implemented)
            .finish()
    }
}

impl<T> PluginHttp<T>
where
    T: GrpcService<tonic::body::Body> + Clone + Send + 'static,
    T::Future: Send,
    T::Error: Into<BoxError>,
    T::ResponseBody: HttpBody<Data = Bytes> + Send + 'static,
    <T::ResponseBody as HttpBody>::Error: Into<BoxError> + Send,
{
    /// Forwards requests under `/plugins/<plugin_id>` to the plugin behind `client`, assuming
    /// it implements ServeHTTP (see [`with_implemented_hooks`](Self::with_implemented_hooks)).
    pub fn new(client: PluginHooksClient<T>, plugin_id: &str) -> Self {
        PluginHttp {
            target: Target::Grpc(client),
            prefix: format!("/plugins/{plugin_id}"),
            implemented: true,
        }
    }

    /// Uses another path prefix than `/plugins/<plugin_id>` (a server under a subpath, for
    /// example). Requests outside the prefix are answered 404.
    pub fn with_path_prefix(mut self, prefix: impl Into<String>) -> Self {
        self.prefix = prefix.into().trim_end_matches('/').to_owned();
        self
    }

    /// Takes the plugin's answer to `Implemented`: without `ServeHTTP` in it, every request is
    /// answered 404 without calling the plugin, as the server does.
    pub fn with_implemented_hooks<I>(mut self, hooks: I) -> Self
    where
        I: IntoIterator,
        I::Item: AsRef<str>,
    {
        self.implemented = hooks.into_iter().any(|hook| hook.as_ref() == SERVE_HTTP_HOOK);
        self
    }

    /// Sets directly whether the plugin implements ServeHTTP.
    pub fn with_serve_http_implemented(mut self, implemented: bool) -> Self {
        self.implemented = implemented;
        self
    }

    /// Sends `request` to the plugin and returns its answer, with a body that streams.
    ///
    /// Never fails: problems become the HTTP answers the server would give (see the
    /// [module docs](self)).
    pub async fn forward<B>(&self, request: http::Request<B>, caller: Caller) -> http::Response<ResponseBody>
    where
        B: HttpBody + Send + 'static,
        B::Error: Into<BoxError>,
    {
        if !self.implemented {
            return local_response(StatusCode::NOT_FOUND, "Not Found");
        }
        let (parts, body) = request.into_parts();
        let Some(url) = plugin_url(&self.prefix, &parts.uri) else {
            return local_response(StatusCode::NOT_FOUND, "Not Found");
        };
        let content_length = content_length(&parts.headers, &body);
        let init = request_head(parts, url, content_length, caller);
        let client = match &self.target {
            Target::Grpc(client) => client,
            Target::NetRpc(hooks) => return netrpc::forward(hooks, init, body).await,
        };

        // Dropping `stop` (with the response body, or with this future) ends the request stream,
        // which lets the transport reset the call once the response side is gone too.
        let (stop, stop_rx) = oneshot::channel();
        let messages = RequestMessages::new(init, body, stop_rx);
        let mut client = client.clone();
        let mut replies = match client.serve_http(tonic::Request::new(messages)).await {
            Ok(response) => response.into_inner(),
            Err(status) => {
                tracing::warn!(code = ?status.code(), message = status.message(), "ServeHTTP call failed");
                return local_response(StatusCode::BAD_GATEWAY, "Bad Gateway: the plugin did not answer");
            }
        };
        let first = match replies.message().await {
            Ok(Some(first)) => first,
            Ok(None) => {
                tracing::warn!("the plugin ended ServeHTTP without a response");
                return local_response(StatusCode::BAD_GATEWAY, "Bad Gateway: the plugin sent no response");
            }
            Err(status) => {
                tracing::warn!(code = ?status.code(), message = status.message(), "ServeHTTP failed before a response");
                return local_response(StatusCode::BAD_GATEWAY, "Bad Gateway: the plugin did not answer");
            }
        };

        let mut first = first;
        let (status, header_list) = match first.init.take() {
            None => (StatusCode::OK, Vec::new()),
            Some(init) => match response_status(init.status_code) {
                Some(status) => (status, init.headers),
                None => {
                    tracing::error!(status = init.status_code, "the plugin sent an invalid HTTP status code");
                    return local_response(
                        StatusCode::INTERNAL_SERVER_ERROR,
                        "invalid status code from plugin",
                    );
                }
            },
        };
        let mut response = http::Response::new(ResponseBody::plugin(first, replies, stop));
        *response.status_mut() = status;
        apply_headers(
            &mut response,
            header_list.into_iter().map(|h| mm_types::HttpHeader { key: h.key, values: h.values }),
        );
        response
    }
}

/// Adds the plugin's response headers; invalid ones are dropped with a warning.
fn apply_headers(
    response: &mut http::Response<ResponseBody>,
    header_list: impl IntoIterator<Item = mm_types::HttpHeader>,
) {
    for header in header_list {
        match headers::parse_header(&header) {
            Ok((name, values)) => {
                for value in values {
                    response.headers_mut().append(name.clone(), value);
                }
            }
            Err(e) => {
                tracing::warn!(header = %e.key, reason = e.reason, "dropping an invalid response header")
            }
        }
    }
}

impl<T, B> tower::Service<http::Request<B>> for PluginHttp<T>
where
    T: GrpcService<tonic::body::Body> + Clone + Send + Sync + 'static,
    T::Future: Send,
    T::Error: Into<BoxError>,
    T::ResponseBody: HttpBody<Data = Bytes> + Send + 'static,
    <T::ResponseBody as HttpBody>::Error: Into<BoxError> + Send,
    B: HttpBody + Send + 'static,
    B::Error: Into<BoxError>,
{
    type Response = http::Response<ResponseBody>;
    type Error = Infallible;
    type Future = Pin<Box<dyn Future<Output = Result<Self::Response, Infallible>> + Send>>;

    fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, mut request: http::Request<B>) -> Self::Future {
        let caller = request.extensions_mut().remove::<Caller>().unwrap_or_default();
        let this = self.clone();
        Box::pin(async move { Ok(this.forward(request, caller).await) })
    }
}

/// A response made here rather than by the plugin.
fn local_response(status: StatusCode, text: &str) -> http::Response<ResponseBody> {
    let mut response = http::Response::new(ResponseBody::local(format!("{text}\n")));
    *response.status_mut() = status;
    let headers = response.headers_mut();
    headers.insert(CONTENT_TYPE, HeaderValue::from_static("text/plain; charset=utf-8"));
    headers.insert(X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    response
}

/// The server's rule for the plugin's status: 0 is 200, outside 100..=999 is invalid.
fn response_status(code: i32) -> Option<StatusCode> {
    match code {
        0 => Some(StatusCode::OK),
        100..=999 => u16::try_from(code).ok().and_then(|c| StatusCode::from_u16(c).ok()),
        _ => None,
    }
}

/// The path and query inside the plugin, or `None` when the path is outside `prefix`.
fn plugin_url(prefix: &str, uri: &http::Uri) -> Option<String> {
    let rest = uri.path().strip_prefix(prefix)?;
    if !rest.is_empty() && !rest.starts_with('/') {
        return None;
    }
    let path = if rest.is_empty() { "/" } else { rest };
    Some(match uri.query() {
        Some(query) => format!("{path}?{query}"),
        None => path.to_owned(),
    })
}

/// The declared body length: the `Content-Length` header, else 0 for a body known to be
/// empty, else the body's exact size when known, else -1 (unknown).
fn content_length<B: HttpBody>(headers: &HeaderMap, body: &B) -> i64 {
    let declared =
        headers.get(CONTENT_LENGTH).and_then(|v| v.to_str().ok()).and_then(|v| v.parse::<i64>().ok());
    match declared {
        Some(length) if length >= 0 => length,
        _ if body.is_end_stream() => 0,
        _ => body.size_hint().exact().and_then(|n| i64::try_from(n).ok()).unwrap_or(-1),
    }
}

fn protocol(version: Version) -> (&'static str, i32, i32) {
    match version {
        Version::HTTP_09 => ("HTTP/0.9", 0, 9),
        Version::HTTP_10 => ("HTTP/1.0", 1, 0),
        Version::HTTP_2 => ("HTTP/2.0", 2, 0),
        Version::HTTP_3 => ("HTTP/3.0", 3, 0),
        _ => ("HTTP/1.1", 1, 1),
    }
}

/// The head of the ServeHTTP request for `parts`.
fn request_head(
    parts: http::request::Parts,
    url: String,
    content_length: i64,
    caller: Caller,
) -> wire::ServeHttpRequestInit {
    let mut headers = parts.headers;
    let host = headers
        .remove(HOST)
        .and_then(|h| h.to_str().ok().map(str::to_owned))
        .or_else(|| parts.uri.authority().map(|a| a.to_string()))
        .unwrap_or_default();
    // Like Go's server: the transfer coding is the transport's business, not the plugin's.
    headers.remove(TRANSFER_ENCODING);
    // Only the caller's authentication may name the user.
    while headers.remove(MATTERMOST_USER_ID).is_some() {}
    if let Some(user_id) = &caller.user_id {
        match HeaderValue::from_str(user_id.as_str()) {
            Ok(value) => {
                headers.insert(MATTERMOST_USER_ID, value);
            }
            Err(_) => tracing::warn!("the caller's user id is not a valid header value; sent without it"),
        }
    }
    let remote_addr = caller.remote_addr.unwrap_or_default();
    let header_text =
        |name| headers.get(name).and_then(|v: &HeaderValue| v.to_str().ok()).unwrap_or("").to_owned();
    let plugin_context = caller.plugin_context.unwrap_or_else(|| PluginContext {
        session_id: None,
        request_id: Some(RequestId::generate()),
        ip_address: RemoteAddr::new(remote_addr.clone()).ip().map(|ip| ip.to_string()).unwrap_or_default(),
        accept_language: header_text(ACCEPT_LANGUAGE),
        user_agent: header_text(USER_AGENT),
    });
    let (proto, proto_major, proto_minor) = protocol(parts.version);
    wire::ServeHttpRequestInit {
        plugin_context: Some(plugin_context.into_wire()),
        method: parts.method.as_str().to_owned(),
        url,
        proto: proto.to_owned(),
        proto_major,
        proto_minor,
        headers: headers::to_wire(&headers).into_wire(),
        host,
        remote_addr,
        request_uri: parts.uri.path_and_query().map_or("/", |p| p.as_str()).to_owned(),
        content_length,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_lose_the_plugin_prefix_and_keep_the_query() {
        let url = |uri: &str| plugin_url("/plugins/demo", &uri.parse().expect("uri"));
        assert_eq!(url("/plugins/demo/hello?x=1&y=2").as_deref(), Some("/hello?x=1&y=2"));
        assert_eq!(url("/plugins/demo").as_deref(), Some("/"));
        assert_eq!(url("/plugins/demo?x=1").as_deref(), Some("/?x=1"));
        assert_eq!(url("/plugins/demo/a%20b").as_deref(), Some("/a%20b"));
        assert_eq!(url("/plugins/demonstration/x"), None);
        assert_eq!(url("/other"), None);
    }

    #[test]
    fn statuses_follow_the_server_rules() {
        assert_eq!(response_status(0), Some(StatusCode::OK));
        assert_eq!(response_status(100), Some(StatusCode::CONTINUE));
        assert_eq!(response_status(999).map(|s| s.as_u16()), Some(999));
        assert_eq!(response_status(99), None);
        assert_eq!(response_status(1000), None);
        assert_eq!(response_status(-200), None);
    }

    #[test]
    fn the_head_carries_the_request_and_only_the_callers_user() {
        let request = http::Request::post("/plugins/demo/items?page=2")
            .header("host", "chat.example.com")
            .header("user-agent", "curl/8")
            .header("mattermost-user-id", "forgedforgedforgedforged00")
            .header("x-multi", "1")
            .header("x-multi", "2")
            .header("content-length", "5")
            .header("transfer-encoding", "chunked")
            .body(())
            .expect("request");
        let (parts, _) = request.into_parts();
        let user = UserId::parse("8ds6pkzokfbf3r1ihxzrpiuxye").expect("id");
        let caller = Caller::user(user).with_remote_addr("10.0.0.9:4000");
        let head = request_head(parts, "/items?page=2".into(), 5, caller);
        assert_eq!((head.method.as_str(), head.url.as_str()), ("POST", "/items?page=2"));
        assert_eq!(head.request_uri, "/plugins/demo/items?page=2");
        assert_eq!(
            (head.host.as_str(), head.proto.as_str(), head.proto_major, head.proto_minor),
            ("chat.example.com", "HTTP/1.1", 1, 1)
        );
        assert_eq!((head.remote_addr.as_str(), head.content_length), ("10.0.0.9:4000", 5));
        let values = |key: &str| head.headers.iter().find(|h| h.key == key).map(|h| h.values.clone());
        assert_eq!(values("Mattermost-User-Id"), Some(vec!["8ds6pkzokfbf3r1ihxzrpiuxye".to_owned()]));
        assert_eq!(values("X-Multi"), Some(vec!["1".to_owned(), "2".to_owned()]));
        assert_eq!(values("Host"), None);
        assert_eq!(values("Transfer-Encoding"), None);
        let context = head.plugin_context.expect("context");
        assert_eq!((context.ip_address.as_str(), context.user_agent.as_str()), ("10.0.0.9", "curl/8"));
        assert_eq!(context.request_id.len(), mm_types::ID_LEN);

        let (parts, _) = http::Request::get("/plugins/demo/")
            .header("Mattermost-User-Id", "x")
            .body(())
            .expect("r")
            .into_parts();
        let head = request_head(parts, "/".into(), 0, Caller::anonymous());
        assert!(head.headers.iter().all(|h| h.key != "Mattermost-User-Id"));
    }
}
