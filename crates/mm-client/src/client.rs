//! The client: a handle on the middleware stack, in a [`Mode`].

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use mm_types::AppError;
use mm_types::wire;
use tower::{Service, ServiceExt};

use crate::builder::ClientBuilder;
use crate::error::{Error, ErrorKind, Result};
use crate::methods::RpcMethod;
use crate::mode::{ApiCall, Async, Blocking, Mode};
use crate::responses::ApiResponse;
use crate::rpc::{RpcRequest, RpcService};
use crate::transport::Target;

/// The environment variable in which the Mattermost server gives a plugin the address of its
/// PluginAPI listener (`127.0.0.1:<port>`).
pub use mm_proto::protocol::API_TARGET_ENV as TARGET_ENV;

/// The async client of the Mattermost PluginAPI: [`ApiClient`] in [`Async`] mode.
///
/// See [`ApiClient`] for its methods; [`blocking::Client`](crate::blocking::Client) is its
/// blocking twin.
pub type Client = ApiClient<Async>;

/// A client of the Mattermost PluginAPI, in a [`Mode`]: use it as [`Client`] (async, returns
/// futures) or [`blocking::Client`](crate::blocking::Client) (returns results). Both have the
/// same methods, grouped: [`users`](ApiClient::users), [`channels`](ApiClient::channels),
/// [`posts`](ApiClient::posts), [`kv`](ApiClient::kv) and so on (see [`api`](crate::api)).
///
/// A client is cheap to clone (an `Arc`) and safe to share between tasks and threads; clones
/// share the connection.
///
/// ```no_run
/// # async fn demo() -> mm_client::Result<()> {
/// let client = mm_client::Client::from_env().await?;
/// let alice = client.users().get_by_username("alice").await?;
/// println!("alice is {}", alice.id);
/// # Ok(()) }
/// ```
pub struct ApiClient<M: Mode> {
    shared: Arc<Shared>,
    mode: M,
    timeout: Option<Duration>,
}

/// What every clone of a client shares.
pub(crate) struct Shared {
    pub(crate) service: RpcService,
    pub(crate) target: Target,
    pub(crate) max_request_size: usize,
}

impl<M: Mode> Clone for ApiClient<M> {
    fn clone(&self) -> Self {
        ApiClient { shared: Arc::clone(&self.shared), mode: self.mode.clone(), timeout: self.timeout }
    }
}

impl<M: Mode> fmt::Debug for ApiClient<M> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("target", &self.shared.target)
            .field("mode", &self.mode)
            .field("timeout", &self.timeout)
            .finish_non_exhaustive()
    }
}

impl ApiClient<Async> {
    /// Connects to the PluginAPI at the address in `MATTERMOST_PLUGIN_API_TARGET`, with the
    /// default options.
    ///
    /// Fails with [`ErrorKind::Configuration`] naming the variable when it is missing or
    /// malformed, and with [`ErrorKind::Transport`] when the server cannot be reached.
    pub async fn from_env() -> Result<Self> {
        ClientBuilder::new().target_from_env()?.connect().await
    }

    /// Connects to the PluginAPI at `target` (`127.0.0.1:port`, `http://host:port` or
    /// `unix:/path`), with the default options.
    ///
    /// ```no_run
    /// # async fn demo() -> mm_client::Result<()> {
    /// let client = mm_client::Client::connect("127.0.0.1:50051").await?;
    /// # Ok(()) }
    /// ```
    pub async fn connect(target: &str) -> Result<Self> {
        ClientBuilder::new().target(target)?.connect().await
    }

    /// A builder for a client with options: timeouts, retries, keepalive, size limits, layers.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::new()
    }

    /// A blocking client sharing this client's connection, for sync code inside an async
    /// program (a plugin's hooks, for example). Its calls run on the current tokio runtime and
    /// block the calling thread, so use it in
    /// [`blocking::spawn_blocking`](crate::blocking::spawn_blocking) or a thread of your own;
    /// on the runtime's own threads its calls fail with
    /// [`ErrorKind::BlockingInAsync`] instead of stalling the runtime.
    ///
    /// Must be called from inside a tokio runtime (it records the current one); elsewhere
    /// it fails with [`ErrorKind::Configuration`].
    ///
    /// ```no_run
    /// # async fn demo(client: mm_client::Client) -> mm_client::Result<()> {
    /// let blocking = client.to_blocking()?;
    /// let version = mm_client::blocking::spawn_blocking(move || blocking.system().server_version())
    ///     .await
    ///     .expect("the closure did not panic")?;
    /// # Ok(()) }
    /// ```
    pub fn to_blocking(&self) -> Result<ApiClient<Blocking>> {
        let handle = tokio::runtime::Handle::try_current()
            .map_err(|_| Error::config("Client::to_blocking must be called inside a tokio runtime"))?;
        Ok(ApiClient {
            shared: Arc::clone(&self.shared),
            mode: Blocking::shared(handle),
            timeout: self.timeout,
        })
    }
}

impl ApiClient<Blocking> {
    /// Connects to the PluginAPI at the address in `MATTERMOST_PLUGIN_API_TARGET`, blocking
    /// until connected. See the async [`from_env`](ApiClient::<Async>::from_env).
    pub fn from_env() -> Result<Self> {
        ClientBuilder::new().target_from_env()?.connect_blocking()
    }

    /// Connects to the PluginAPI at `target`, blocking until connected.
    ///
    /// ```no_run
    /// let client = mm_client::blocking::Client::connect("127.0.0.1:50051")?;
    /// let me = client.users().get_by_username("alice")?;
    /// # Ok::<(), mm_client::Error>(())
    /// ```
    pub fn connect(target: &str) -> Result<Self> {
        ClientBuilder::new().target(target)?.connect_blocking()
    }

    /// A builder for a client with options; finish it with
    /// [`connect_blocking`](ClientBuilder::connect_blocking).
    pub fn builder() -> ClientBuilder {
        ClientBuilder::new()
    }

    /// An async client sharing this client's connection (driven by this client's runtime).
    pub fn to_async(&self) -> ApiClient<Async> {
        self.as_async()
    }
}

impl<M: Mode> ApiClient<M> {
    pub(crate) fn from_parts(shared: Shared, mode: M, timeout: Option<Duration>) -> Self {
        ApiClient { shared: Arc::new(shared), mode, timeout }
    }

    /// A client whose calls have this time budget (including retries), sharing the
    /// connection; calls that run out fail with [`ErrorKind::Timeout`].
    ///
    /// ```no_run
    /// # async fn demo(client: mm_client::Client) -> mm_client::Result<()> {
    /// use std::time::Duration;
    /// let user = client.with_timeout(Duration::from_secs(2)).users().get_by_username("alice").await?;
    /// # Ok(()) }
    /// ```
    pub fn with_timeout(&self, timeout: Duration) -> Self {
        ApiClient { timeout: Some(timeout), ..self.clone() }
    }

    /// A client whose calls have no time budget.
    pub fn without_timeout(&self) -> Self {
        ApiClient { timeout: None, ..self.clone() }
    }

    /// The time budget of each call.
    pub fn timeout(&self) -> Option<Duration> {
        self.timeout
    }

    /// The server address.
    pub fn target(&self) -> &Target {
        &self.shared.target
    }

    /// An async view of this client, for helpers written once as async code.
    pub(crate) fn as_async(&self) -> ApiClient<Async> {
        ApiClient { shared: Arc::clone(&self.shared), mode: Async, timeout: self.timeout }
    }

    /// Runs an async helper in this client's mode.
    pub(crate) fn run<T: Send + 'static>(&self, call: ApiCall<T>) -> M::Output<T> {
        self.mode.run(call)
    }

    /// Encodes `request`, sends it through the stack, checks the response's `AppError` and
    /// converts the payload.
    pub(crate) fn call<Req, Resp, T, F>(
        &self,
        method: &'static RpcMethod,
        request: Req,
        convert: F,
    ) -> M::Output<T>
    where
        Req: prost::Message,
        Resp: prost::Message + Default + ApiResponse + 'static,
        T: Send + 'static,
        F: FnOnce(Resp) -> Result<T> + Send + 'static,
    {
        self.mode.run(self.call_async(method, request, convert))
    }

    pub(crate) fn call_async<Req, Resp, T, F>(
        &self,
        method: &'static RpcMethod,
        request: Req,
        convert: F,
    ) -> ApiCall<T>
    where
        Req: prost::Message,
        Resp: prost::Message + Default + ApiResponse + 'static,
        T: Send + 'static,
        F: FnOnce(Resp) -> Result<T> + Send + 'static,
    {
        let body = Bytes::from(request.encode_to_vec());
        let limit = self.shared.max_request_size;
        if body.len() > limit {
            let size = body.len();
            return ApiCall::fail(
                Error::new(
                    ErrorKind::PayloadTooLarge { size, limit },
                    format!("the request is {size} bytes, more than the {limit} bytes the server accepts"),
                )
                .in_rpc(method.name),
            );
        }
        let mut rpc = RpcRequest::new(method, body);
        rpc.timeout = self.timeout;
        let service = self.shared.service.clone();
        ApiCall::new(async move {
            let name = method.name;
            let response = service.oneshot(rpc).await.map_err(|e| e.in_rpc(name))?;
            let mut message = Resp::decode(response.body).map_err(|e| {
                Error::malformed(format!("the response does not decode: {e}")).with_source(e).in_rpc(name)
            })?;
            if let Some(app_error) = message.take_error() {
                return Err(Error::from_app_error(app_error_from_wire(app_error)).in_rpc(name));
            }
            convert(message).map_err(|e| e.in_rpc(name))
        })
    }

    /// Sends one RPC through the stack as raw bytes (for tools and tests that work on the
    /// wire; typed methods are the normal way).
    pub fn call_raw(&self, method: &'static RpcMethod, body: Bytes) -> M::Output<Bytes> {
        let mut rpc = RpcRequest::new(method, body);
        rpc.timeout = self.timeout;
        let mut service = self.shared.service.clone();
        self.mode.run(ApiCall::new(async move {
            let service = service.ready().await?;
            service.call(rpc).await.map(|r| r.body).map_err(|e| e.in_rpc(method.name))
        }))
    }
}

/// Keeps every field of the server's error; a `params` value that cannot be represented is
/// dropped rather than hiding the error itself.
fn app_error_from_wire(wire: wire::AppError) -> AppError {
    let fallback = AppError {
        id: wire.id.clone(),
        message: wire.message.clone(),
        detailed_error: wire.detailed_error.clone(),
        request_id: wire.request_id.clone(),
        status_code: wire.status_code,
        location: wire.r#where.clone(),
        params: None,
    };
    AppError::try_from(wire).unwrap_or(fallback)
}

/// A required sub-message of a response: missing means the answer is malformed.
pub(crate) fn required<W>(value: Option<W>, what: &'static str) -> Result<W> {
    value.ok_or_else(|| Error::malformed(format!("the response has no {what}")))
}

/// Converts a wire value into a domain value.
pub(crate) fn from_wire<D: mm_types::convert::FromWire<W>, W>(value: W) -> Result<D> {
    D::from_wire(value).map_err(Error::from)
}

/// Converts a required sub-message into a domain value.
pub(crate) fn payload<D: mm_types::convert::FromWire<W>, W>(
    value: Option<W>,
    what: &'static str,
) -> Result<D> {
    from_wire(required(value, what)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shareable<T: Clone + Send + Sync + 'static>() {}
    fn sendable<T: Send + 'static>() {}

    #[test]
    fn clients_are_cheap_shareable_handles_and_calls_are_send() {
        shareable::<Client>();
        shareable::<crate::blocking::Client>();
        sendable::<ApiCall<mm_types::User>>();
    }
}
