//! Options of a client: target, timeouts, retries, keepalive, size limits and user layers.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use tower::{Layer, Service};

use crate::client::{ApiClient, Shared, TARGET_ENV};
use crate::error::{Error, Result};
use crate::mode::{Async, Blocking};
use crate::rpc::{RpcRequest, RpcResponse, RpcService};
use crate::stack::{Inner, RetryPolicy, Stack};
use crate::transport::{self, ChannelOptions, Target, Transport};

/// The default time budget of a call.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);

/// The largest request the Mattermost server accepts (grpc-go's default receive limit).
pub const SERVER_MAX_REQUEST_SIZE: usize = mm_proto::SERVER_MAX_MESSAGE_SIZE;

/// The default largest response the client accepts: 1 GiB. Files, images and plugin bundles
/// come back whole in one message (`GetFile`, `ReadFile`, `GetProfileImage`...), and
/// Mattermost's file size limit is configurable (100 MiB by default), so the limit is large;
/// it still bounds the memory one answer can take.
pub const DEFAULT_MAX_RESPONSE_SIZE: usize = 1024 * 1024 * 1024;

/// The shortest HTTP/2 keepalive interval the client uses: grpc-go servers (Mattermost is
/// one) answer pings sent more often than every 5 minutes with `GOAWAY too_many_pings` and
/// drop the connection.
pub const MIN_HTTP2_KEEPALIVE: Duration = Duration::from_secs(5 * 60);

type LayerFn = Arc<dyn Fn(RpcService) -> RpcService + Send + Sync>;

/// Builds a [`Client`](crate::Client) or a [`blocking::Client`](crate::blocking::Client).
///
/// ```no_run
/// # async fn demo() -> mm_client::Result<()> {
/// use std::time::Duration;
/// use mm_client::{Client, RetryPolicy};
/// let client = Client::builder()
///     .target_from_env()?
///     .timeout(Duration::from_secs(10))
///     .retry(RetryPolicy::default().max_attempts(3))
///     .connect()
///     .await?;
/// # Ok(()) }
/// ```
///
/// Defaults: a 30 s time budget per call, retries as in [`RetryPolicy::default`], no HTTP/2
/// keepalive pings, TCP keepalive every 60 s, 4 MiB request limit (checked before sending),
/// 1 GiB response limit, 5 s connect timeout.
///
/// **HTTP/2 keepalive is off by default.** The Mattermost server is a grpc-go server, whose
/// default enforcement policy closes the connection (`GOAWAY`, `too_many_pings`) of a client
/// that pings more often than every 5 minutes. A 10 s ping interval, as some SDKs use, gets
/// the plugin disconnected in the middle of its work. The connection is on loopback, where
/// TCP keepalive is enough to notice a dead peer; [`http2_keepalive`](Self::http2_keepalive)
/// accepts intervals of 5 minutes or more.
#[derive(Clone)]
pub struct ClientBuilder {
    target: Option<Target>,
    timeout: Option<Duration>,
    retry: RetryPolicy,
    channel: ChannelOptions,
    max_request_size: usize,
    max_response_size: usize,
    layers: Vec<LayerFn>,
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("target", &self.target)
            .field("timeout", &self.timeout)
            .field("retry", &self.retry)
            .field("channel", &self.channel)
            .field("max_request_size", &self.max_request_size)
            .field("max_response_size", &self.max_response_size)
            .field("layers", &self.layers.len())
            .finish()
    }
}

impl Default for ClientBuilder {
    fn default() -> Self {
        ClientBuilder::new()
    }
}

impl ClientBuilder {
    /// A builder with the default options and no target.
    pub fn new() -> Self {
        ClientBuilder {
            target: None,
            timeout: Some(DEFAULT_TIMEOUT),
            retry: RetryPolicy::default(),
            channel: ChannelOptions {
                connect_timeout: Duration::from_secs(5),
                http2_keepalive: None,
                tcp_keepalive: Some(Duration::from_secs(60)),
            },
            max_request_size: SERVER_MAX_REQUEST_SIZE,
            max_response_size: DEFAULT_MAX_RESPONSE_SIZE,
            layers: Vec::new(),
        }
    }

    /// The server address: `127.0.0.1:port`, `host:port`, `http://host:port` or `unix:/path`.
    pub fn target(mut self, target: &str) -> Result<Self> {
        self.target = Some(target.parse()?);
        Ok(self)
    }

    /// The server address from `MATTERMOST_PLUGIN_API_TARGET`, which the Mattermost server
    /// sets for the plugins it starts.
    pub fn target_from_env(self) -> Result<Self> {
        let value = std::env::var(TARGET_ENV).map_err(|e| {
            Error::config(match e {
                std::env::VarError::NotPresent => format!(
                    "{TARGET_ENV} is not set: the plugin must be started by the Mattermost server \
                     (or set it to the PluginAPI address, such as 127.0.0.1:50051)"
                ),
                std::env::VarError::NotUnicode(_) => format!("{TARGET_ENV} is not valid UTF-8"),
            })
        })?;
        self.target(&value).map_err(|e| {
            Error::config(format!("{TARGET_ENV}={value:?} is not a valid PluginAPI address: {e}"))
                .with_source(e)
        })
    }

    /// The time budget of each call, retries included (default 30 s). Override it for some
    /// calls with [`with_timeout`](crate::ApiClient::with_timeout).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// No time budget: calls wait as long as the server takes.
    pub fn no_timeout(mut self) -> Self {
        self.timeout = None;
        self
    }

    /// The retry policy ([`RetryPolicy::disabled`] to send every call once).
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// Sends HTTP/2 keepalive pings at this interval, never more often than every 5 minutes
    /// ([`MIN_HTTP2_KEEPALIVE`]; shorter intervals are raised to it, see the type's docs).
    pub fn http2_keepalive(mut self, interval: Duration) -> Self {
        if interval < MIN_HTTP2_KEEPALIVE {
            tracing::warn!(
                requested = ?interval,
                "HTTP/2 keepalive raised to 5 minutes: grpc-go servers drop clients that ping more often"
            );
        }
        self.channel.http2_keepalive = Some(interval.max(MIN_HTTP2_KEEPALIVE));
        self
    }

    /// TCP keepalive interval (`None` turns it off; default 60 s).
    pub fn tcp_keepalive(mut self, interval: Option<Duration>) -> Self {
        self.channel.tcp_keepalive = interval;
        self
    }

    /// How long to wait for the connection to be established (default 5 s).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.channel.connect_timeout = timeout;
        self
    }

    /// The largest request sent, checked before sending (default and maximum: the server's
    /// 4 MiB). Larger requests fail with [`ErrorKind::PayloadTooLarge`](crate::ErrorKind).
    pub fn max_request_size(mut self, bytes: usize) -> Self {
        self.max_request_size = bytes.min(SERVER_MAX_REQUEST_SIZE);
        self
    }

    /// The largest response accepted (default [`DEFAULT_MAX_RESPONSE_SIZE`]).
    pub fn max_response_size(mut self, bytes: usize) -> Self {
        self.max_response_size = bytes;
        self
    }

    /// Adds a tower layer around every attempt of every call, the equivalent of a gRPC
    /// interceptor: it sees each [`RpcRequest`] (method, typed message, metadata, attempt
    /// number) and each result. Layers added first are outermost.
    ///
    /// ```no_run
    /// # async fn demo() -> mm_client::Result<()> {
    /// use mm_client::{Client, RpcRequest};
    /// let client = Client::builder()
    ///     .target("127.0.0.1:50051")?
    ///     .layer(tower::util::MapRequestLayer::new(|mut request: RpcRequest| {
    ///         request.metadata.insert("x-plugin-trace", http::HeaderValue::from_static("on"));
    ///         request
    ///     }))
    ///     .connect()
    ///     .await?;
    /// # Ok(()) }
    /// ```
    pub fn layer<L>(mut self, layer: L) -> Self
    where
        L: Layer<RpcService> + Send + Sync + 'static,
        L::Service:
            Service<RpcRequest, Response = RpcResponse, Error = Error> + Clone + Send + Sync + 'static,
        <L::Service as Service<RpcRequest>>::Future: Send + 'static,
    {
        self.layers.push(Arc::new(move |inner| RpcService::new(layer.layer(inner))));
        self
    }

    fn require_target(&self) -> Result<Target> {
        self.target.clone().ok_or_else(|| {
            Error::config(format!(
                "no PluginAPI target given (use .target(..) or .target_from_env(), {TARGET_ENV})"
            ))
        })
    }

    fn assemble(&self, target: Target, channel: tonic::transport::Channel) -> Shared {
        let transport = Transport::new(channel, self.max_request_size, self.max_response_size);
        self.stack(Inner::Grpc(transport), Some(target))
    }

    /// The stack over the innermost service: user layers (when there are any; without them the
    /// innermost service is called as it is), then retry, timeout and trace.
    fn stack(&self, innermost: Inner, target: Option<Target>) -> Shared {
        let inner = if self.layers.is_empty() {
            innermost
        } else {
            let mut service = innermost.into_service();
            for layer in self.layers.iter().rev() {
                service = layer(service);
            }
            Inner::Service(service)
        };
        Shared { stack: Stack::new(&self.retry, inner), target }
    }

    /// Returns the async client over `service` instead of a connection: the builder's stack
    /// (tracing, time budget, retries, your layers) on top of it, and no target. The options
    /// of the connection (target, keepalives, size limits) do not apply; the service answers
    /// every [`RpcRequest`].
    ///
    /// For tests without a server ([`tower::service_fn`], `tower_test::mock`), recording
    /// proxies, or another transport; see [`Client::from_service`](crate::Client::from_service).
    ///
    /// ```
    /// use mm_client::rpc::wire;
    /// use mm_client::{Client, RetryPolicy, RpcRequest, RpcResponse};
    ///
    /// let answer = tower::service_fn(|_: RpcRequest| async {
    ///     Ok(RpcResponse::message(wire::GetServerVersionResponse { version: "10.11.0".into(), ..Default::default() }))
    /// });
    /// let client = Client::builder().retry(RetryPolicy::disabled()).service(answer);
    /// assert!(client.target().is_none());
    /// ```
    pub fn service<S>(self, service: S) -> ApiClient<Async>
    where
        S: Service<RpcRequest, Response = RpcResponse, Error = Error> + Clone + Send + Sync + 'static,
        S::Future: Send + 'static,
    {
        ApiClient::from_parts(self.stack(Inner::Service(RpcService::new(service)), None), Async, self.timeout)
    }

    /// Connects now and returns the async client; fails if the server cannot be reached.
    pub async fn connect(self) -> Result<ApiClient<Async>> {
        let target = self.require_target()?;
        let channel = transport::connect(&target, &self.channel).await?;
        Ok(ApiClient::from_parts(self.assemble(target, channel), Async, self.timeout))
    }

    /// Returns the async client at once; it connects on its first call (and reconnects
    /// after failures). Must be called inside a tokio runtime.
    pub fn connect_lazy(self) -> Result<ApiClient<Async>> {
        let target = self.require_target()?;
        let channel = transport::connect_lazy(&target, &self.channel)?;
        Ok(ApiClient::from_parts(self.assemble(target, channel), Async, self.timeout))
    }

    /// Connects now and returns the blocking client. Must not be called from async code
    /// ([`ErrorKind::BlockingInAsync`](crate::ErrorKind::BlockingInAsync)), except inside
    /// [`blocking::spawn_blocking`](crate::blocking::spawn_blocking).
    pub fn connect_blocking(self) -> Result<ApiClient<Blocking>> {
        let target = self.require_target()?;
        let mode = Blocking::new()?;
        let (connect_target, options) = (target.clone(), self.channel.clone());
        let channel = mode.block_on(async move { transport::connect(&connect_target, &options).await })?;
        let shared = self.assemble(target, channel);
        Ok(ApiClient::from_parts(shared, mode, self.timeout))
    }
}
