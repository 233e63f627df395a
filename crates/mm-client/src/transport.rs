//! The innermost service: sends encoded requests over a tonic channel.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::str::FromStr;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use http::uri::PathAndQuery;
use tonic::codec::{Codec, EncodeBuf, Encoder};
use tonic::transport::{Channel, Endpoint, Uri};

use crate::error::{Error, ErrorKind, LocalFailure, Result};
use crate::rpc::{RpcMessage, RpcRequest, RpcResponse};

/// Where the PluginAPI server listens.
///
/// Parsed from `127.0.0.1:port` (what the Mattermost server puts in
/// `MATTERMOST_PLUGIN_API_TARGET`), `host:port`, `http://host:port` or `unix:/path/to/socket`.
///
/// ```
/// use mm_client::Target;
/// let tcp: Target = "127.0.0.1:50051".parse().unwrap();
/// assert_eq!(tcp.to_string(), "http://127.0.0.1:50051");
/// let unix: Target = "unix:/tmp/api.sock".parse().unwrap();
/// assert_eq!(unix.to_string(), "unix:/tmp/api.sock");
/// assert!("not a target".parse::<Target>().is_err());
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target(TargetKind);

#[derive(Debug, Clone, PartialEq, Eq)]
enum TargetKind {
    /// `http://host:port`.
    Http(String),
    /// A Unix domain socket path.
    Unix(String),
}

impl Target {
    fn parse_str(text: &str) -> Result<Self> {
        let text = text.trim();
        if text.is_empty() {
            return Err(Error::config("the PluginAPI target is empty"));
        }
        if let Some(path) = text.strip_prefix("unix://").or_else(|| text.strip_prefix("unix:")) {
            if path.is_empty() {
                return Err(Error::config(format!("PluginAPI target {text:?} has no socket path")));
            }
            return Ok(Target(TargetKind::Unix(path.to_string())));
        }
        if text.starts_with("https://") {
            return Err(Error::config(format!(
                "PluginAPI target {text:?}: TLS is not supported (the server's API listener is plaintext)"
            )));
        }
        let url = if text.starts_with("http://") { text.to_string() } else { format!("http://{text}") };
        let uri = Uri::from_str(&url)
            .map_err(|e| Error::config(format!("PluginAPI target {text:?} is not an address: {e}")))?;
        let authority =
            uri.authority().ok_or_else(|| Error::config(format!("PluginAPI target {text:?} has no host")))?;
        if authority.port_u16().is_none() {
            return Err(Error::config(format!("PluginAPI target {text:?} has no port (expected host:port)")));
        }
        if uri.path() != "/" && !uri.path().is_empty() {
            return Err(Error::config(format!("PluginAPI target {text:?} must not have a path")));
        }
        Ok(Target(TargetKind::Http(format!("http://{authority}"))))
    }

    /// Whether the target is a Unix domain socket.
    pub fn is_unix(&self) -> bool {
        matches!(self.0, TargetKind::Unix(_))
    }

    /// Whether something accepts connections at this address now: one TCP or Unix-socket
    /// connect, closed at once, nothing sent. `false` when the connection is refused, fails,
    /// or is not accepted within `limit`. A plugin asks this to tell a server that dropped a
    /// connection (it will dial again) from a server that is gone.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// use std::time::Duration;
    /// let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    /// let target: mm_client::Target = listener.local_addr().unwrap().to_string().parse().unwrap();
    /// assert!(target.accepts_connections(Duration::from_secs(5)).await);
    /// drop(listener);
    /// assert!(!target.accepts_connections(Duration::from_secs(5)).await);
    /// # }
    /// ```
    pub async fn accepts_connections(&self, limit: Duration) -> bool {
        let connect = async {
            match &self.0 {
                TargetKind::Http(url) => {
                    let authority = url.strip_prefix("http://").unwrap_or(url);
                    tokio::net::TcpStream::connect(authority).await.map(drop)
                }
                #[cfg(unix)]
                TargetKind::Unix(path) => tokio::net::UnixStream::connect(path).await.map(drop),
                #[cfg(not(unix))]
                TargetKind::Unix(_) => Err(std::io::Error::from(std::io::ErrorKind::Unsupported)),
            }
        };
        matches!(tokio::time::timeout(limit, connect).await, Ok(Ok(())))
    }
}

impl FromStr for Target {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self> {
        Target::parse_str(s)
    }
}

impl fmt::Display for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.0 {
            TargetKind::Http(url) => f.write_str(url),
            TargetKind::Unix(path) => write!(f, "unix:{path}"),
        }
    }
}

/// Channel options, resolved by the builder.
#[derive(Debug, Clone)]
pub(crate) struct ChannelOptions {
    pub(crate) connect_timeout: Duration,
    pub(crate) http2_keepalive: Option<Duration>,
    pub(crate) tcp_keepalive: Option<Duration>,
}

/// Builds the endpoint; connecting is left to the caller (eager or lazy).
fn endpoint(target: &Target, options: &ChannelOptions) -> Result<Endpoint> {
    let url = match &target.0 {
        TargetKind::Http(url) => url.clone(),
        // The URI is unused for Unix sockets (the connector ignores it) but must be valid.
        TargetKind::Unix(_) => "http://localhost".to_string(),
    };
    let mut endpoint = Endpoint::from_shared(url)
        .map_err(|e| Error::config(format!("PluginAPI target {target}: {e}")).with_source(e))?
        .connect_timeout(options.connect_timeout)
        .tcp_nodelay(true)
        .tcp_keepalive(options.tcp_keepalive);
    if let Some(interval) = options.http2_keepalive {
        endpoint = endpoint
            .http2_keep_alive_interval(interval)
            .keep_alive_timeout(Duration::from_secs(20))
            .keep_alive_while_idle(false);
    }
    Ok(endpoint)
}

/// Connects now; fails if the server cannot be reached.
pub(crate) async fn connect(target: &Target, options: &ChannelOptions) -> Result<Channel> {
    let endpoint = endpoint(target, options)?;
    let result = match &target.0 {
        TargetKind::Http(_) => endpoint.connect().await,
        TargetKind::Unix(path) => endpoint.connect_with_connector(unix_connector(path.clone())).await,
    };
    result.map_err(|e| {
        Error::new(ErrorKind::Transport, format!("cannot connect to the PluginAPI at {target}: {e}"))
            .with_source(e)
    })
}

/// Connects on first use (and reconnects after failures); needs a tokio runtime.
pub(crate) fn connect_lazy(target: &Target, options: &ChannelOptions) -> Result<Channel> {
    if tokio::runtime::Handle::try_current().is_err() {
        return Err(Error::config(
            "a lazily connected client must be built inside a tokio runtime (use the blocking client otherwise)",
        ));
    }
    let endpoint = endpoint(target, options)?;
    Ok(match &target.0 {
        TargetKind::Http(_) => endpoint.connect_lazy(),
        TargetKind::Unix(path) => endpoint.connect_with_connector_lazy(unix_connector(path.clone())),
    })
}

#[cfg(unix)]
fn unix_connector(
    path: String,
) -> impl tower::Service<
    Uri,
    Response = hyper_util::rt::TokioIo<tokio::net::UnixStream>,
    Error = std::io::Error,
    Future = impl Future<Output = std::io::Result<hyper_util::rt::TokioIo<tokio::net::UnixStream>>> + Send,
> + Clone
+ Send
+ 'static {
    tower::service_fn(move |_: Uri| {
        let path = path.clone();
        async move { tokio::net::UnixStream::connect(path).await.map(hyper_util::rt::TokioIo::new) }
    })
}

#[cfg(not(unix))]
fn unix_connector(
    _path: String,
) -> impl tower::Service<
    Uri,
    Response = hyper_util::rt::TokioIo<tokio::net::TcpStream>,
    Error = std::io::Error,
    Future = impl Future<Output = std::io::Result<hyper_util::rt::TokioIo<tokio::net::TcpStream>>> + Send,
> + Clone
+ Send
+ 'static {
    tower::service_fn(move |_: Uri| async move {
        Err(std::io::Error::new(std::io::ErrorKind::Unsupported, "Unix sockets are not supported here"))
    })
}

/// The header that carries a call's deadline to the server.
const GRPC_TIMEOUT: http::HeaderName = http::HeaderName::from_static("grpc-timeout");

/// The `grpc-timeout` value for `remaining`: rounded up to whole milliseconds (to seconds,
/// minutes or hours when that takes more than the 8 digits gRPC allows), so the server never
/// stops before the client does. Whole milliseconds also make calls with the same budget send
/// the same value, which HPACK then sends as an index of one byte instead of a new literal
/// (tonic's `set_timeout` sends the exact, ever-changing remainder in microseconds), and
/// which each thread formats once (the last value is kept).
fn grpc_timeout(remaining: Duration) -> http::HeaderValue {
    const MAX_DIGITS: u128 = 99_999_999;
    const MILLI: u128 = 1_000_000;
    thread_local! {
        static LAST: std::cell::RefCell<Option<(u128, char, http::HeaderValue)>> = const { std::cell::RefCell::new(None) };
    }
    let nanos = remaining.as_nanos();
    for (unit, suffix) in
        [(MILLI, 'm'), (1_000 * MILLI, 'S'), (60_000 * MILLI, 'M'), (3_600_000 * MILLI, 'H')]
    {
        let value = nanos.div_ceil(unit);
        if value > MAX_DIGITS {
            continue;
        }
        return LAST.with_borrow_mut(|last| match last {
            Some((v, s, header)) if *v == value && *s == suffix => header.clone(),
            _ => {
                let header = http::HeaderValue::try_from(format!("{value}{suffix}"))
                    .unwrap_or(http::HeaderValue::from_static("99999999H"));
                *last = Some((value, suffix, header.clone()));
                header
            }
        });
    }
    http::HeaderValue::from_static("99999999H")
}

/// Encodes the request message straight into tonic's send buffer (no buffer of its own) and
/// hands back the response's bytes, which the call site decodes with its RPC's response type.
#[derive(Debug, Clone, Copy, Default)]
struct MessageCodec;

impl Codec for MessageCodec {
    type Encode = Arc<dyn RpcMessage>;
    type Decode = Bytes;
    type Encoder = MessageCodec;
    type Decoder = mm_proto::BytesCodec;

    fn encoder(&mut self) -> MessageCodec {
        MessageCodec
    }

    fn decoder(&mut self) -> mm_proto::BytesCodec {
        mm_proto::BytesCodec
    }
}

impl Encoder for MessageCodec {
    type Item = Arc<dyn RpcMessage>;
    type Error = tonic::Status;

    fn encode(
        &mut self,
        item: Arc<dyn RpcMessage>,
        dst: &mut EncodeBuf<'_>,
    ) -> std::result::Result<(), tonic::Status> {
        item.encode_protobuf_into(dst);
        Ok(())
    }
}

/// The gRPC framing of one message: a compression flag and a 4-byte length.
const GRPC_FRAME_HEADER: usize = 5;

/// The channel as tonic's client sees it. Its failures (connecting, sending, reading) are
/// marked as [`LocalFailure`]s, so that errors are told from the server's statuses by type,
/// and the response body is counted against the client's own size limit, which stops reading
/// as soon as an answer is too large.
#[derive(Debug, Clone)]
struct Connection {
    channel: Channel,
    max_response: usize,
}

impl tower::Service<http::Request<tonic::body::Body>> for Connection {
    type Response = http::Response<LimitedBody>;
    type Error = LocalFailure;
    type Future = ConnectionFuture;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), LocalFailure>> {
        self.channel.poll_ready(cx).map_err(|e| LocalFailure::Connection(e.into()))
    }

    fn call(&mut self, request: http::Request<tonic::body::Body>) -> Self::Future {
        ConnectionFuture {
            call: self.channel.call(request),
            left: self.max_response.saturating_add(GRPC_FRAME_HEADER),
            limit: self.max_response,
        }
    }
}

pin_project_lite::pin_project! {
    /// The channel's answer, its failure marked as local and its body limited.
    struct ConnectionFuture {
        #[pin]
        call: tonic::transport::channel::ResponseFuture,
        left: usize,
        limit: usize,
    }
}

impl Future for ConnectionFuture {
    type Output = Result<http::Response<LimitedBody>, LocalFailure>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.project();
        let response =
            std::task::ready!(this.call.poll(cx)).map_err(|e| LocalFailure::Connection(e.into()))?;
        let (left, limit) = (*this.left, *this.limit);
        Poll::Ready(Ok(response.map(|inner| LimitedBody { inner, left, limit })))
    }
}

/// A response body whose failures are [`LocalFailure`]s and whose data may not exceed the limit.
struct LimitedBody {
    inner: tonic::body::Body,
    left: usize,
    limit: usize,
}

impl http_body::Body for LimitedBody {
    type Data = Bytes;
    type Error = LocalFailure;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<http_body::Frame<Bytes>, LocalFailure>>> {
        let frame = match Pin::new(&mut self.inner).poll_frame(cx) {
            Poll::Pending => return Poll::Pending,
            Poll::Ready(None) => return Poll::Ready(None),
            Poll::Ready(Some(Err(e))) => return Poll::Ready(Some(Err(LocalFailure::Connection(e.into())))),
            Poll::Ready(Some(Ok(frame))) => frame,
        };
        if let Some(data) = frame.data_ref() {
            match self.left.checked_sub(data.len()) {
                Some(left) => self.left = left,
                None => return Poll::Ready(Some(Err(LocalFailure::TooLarge { limit: self.limit }))),
            }
        }
        Poll::Ready(Some(Ok(frame)))
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> http_body::SizeHint {
        self.inner.size_hint()
    }
}

/// The innermost [`RpcService`](crate::RpcService) of a connected client: one gRPC unary call
/// per request, the typed request encoded as protobuf.
#[derive(Debug, Clone)]
pub(crate) struct Transport {
    connection: Connection,
    max_request: usize,
}

impl Transport {
    pub(crate) fn new(channel: Channel, max_request: usize, max_response: usize) -> Self {
        Transport { connection: Connection { channel, max_response }, max_request }
    }
}

impl tower::Service<RpcRequest> for Transport {
    type Response = RpcResponse;
    type Error = Error;
    type Future = Pin<Box<dyn Future<Output = Result<RpcResponse>> + Send>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<()>> {
        self.connection
            .poll_ready(cx)
            .map_err(|failure| Error::from_status(tonic::Status::from_error(failure.into())))
    }

    fn call(&mut self, request: RpcRequest) -> Self::Future {
        let method = request.method;
        if !method.grpc {
            return Box::pin(std::future::ready(Err(Error::unsupported(method, "the gRPC protocol"))));
        }
        let size = request.message.protobuf_len();
        if size > self.max_request {
            let limit = self.max_request;
            let error = Error::new(
                ErrorKind::PayloadTooLarge { size, limit },
                format!("the request is {size} bytes, more than the {limit} bytes the server accepts"),
            );
            return Box::pin(std::future::ready(Err(error)));
        }
        // The connection polled ready is the one that sends; a clone stays for the next call.
        let ready = self.connection.clone();
        let connection = std::mem::replace(&mut self.connection, ready);
        Box::pin(async move {
            // The client's own limit applies (LimitedBody): tonic's would report an answer
            // that is too large only in the text of a status.
            let mut grpc = tonic::client::Grpc::new(connection).max_decoding_message_size(usize::MAX);
            let remaining = request.remaining();
            let mut headers = request.metadata;
            if let Some(remaining) = remaining {
                // Sent as the `grpc-timeout` header: the server stops working on the call then.
                headers.insert(GRPC_TIMEOUT, grpc_timeout(remaining));
            }
            let call = tonic::Request::from_parts(
                tonic::metadata::MetadataMap::from_headers(headers),
                tonic::Extensions::default(),
                request.message,
            );
            let path = PathAndQuery::from_static(method.path);
            match grpc.unary(call, path, MessageCodec).await {
                Ok(response) => {
                    let (metadata, body, _) = response.into_parts();
                    let mut response = RpcResponse::protobuf(body);
                    response.metadata = metadata.into_headers();
                    Ok(response)
                }
                Err(status) => Err(Error::from_status(status)),
            }
        })
    }
}

#[cfg(test)]
mod grpc_timeout_tests {
    use super::*;

    #[test]
    fn deadlines_round_up_to_milliseconds_in_at_most_8_digits() {
        let header = |d: Duration| grpc_timeout(d).to_str().unwrap().to_owned();
        assert_eq!(header(Duration::from_secs(30)), "30000m");
        assert_eq!(header(Duration::from_secs(30) - Duration::from_micros(3)), "30000m");
        assert_eq!(header(Duration::from_nanos(1)), "1m");
        assert_eq!(header(Duration::ZERO), "0m");
        assert_eq!(header(Duration::from_millis(99_999_999)), "99999999m");
        assert_eq!(header(Duration::from_millis(100_000_000)), "100000S");
        assert_eq!(header(Duration::from_secs(3_000_000_000)), "50000000M");
        assert_eq!(header(Duration::MAX), "99999999H");
    }
}
