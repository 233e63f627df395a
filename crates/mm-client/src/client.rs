//! The client: a handle on the middleware stack, in a [`Mode`].

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use mm_types::AppError;

use crate::builder::ClientBuilder;
use crate::error::{Error, Result};
use crate::mode::{ApiCall, Async, Blocking, Mode};
use crate::rpc::{Rpc, RpcRequest, RpcResponseMessage, wire};
use crate::stack::Stack;
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
    pub(crate) stack: Stack,
    /// `None` for a client over a service of the caller's ([`Client::from_service`]).
    pub(crate) target: Option<Target>,
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
    /// Fails with [`ErrorKind::Configuration`](crate::ErrorKind::Configuration) naming the variable when it is missing or
    /// malformed, and with [`ErrorKind::Transport`](crate::ErrorKind::Transport) when the server cannot be reached.
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

    /// A client over `service` instead of a connection, with the default options and the
    /// same stack on top (tracing, the 30 s time budget, safe retries). The service answers
    /// every [`RpcRequest`]: a test double, a recording proxy, another transport.
    ///
    /// This is how to unit-test code that calls the PluginAPI without a server: answer with
    /// [`RpcResponse::message`](crate::RpcResponse::message) and the wire response, or with an
    /// error. [`ClientBuilder::service`] does the same with options.
    ///
    /// ```
    /// use mm_client::rpc::wire;
    /// use mm_client::{Client, RpcRequest, RpcResponse};
    ///
    /// # #[tokio::main(flavor = "current_thread")] async fn main() -> mm_client::Result<()> {
    /// let client = Client::from_service(tower::service_fn(|request: RpcRequest| async move {
    ///     let get = request.downcast_ref::<wire::GetUserByUsernameRequest>().expect("only GetUserByUsername");
    ///     let user = wire::User { id: "u".repeat(26), username: get.name.clone(), ..Default::default() };
    ///     Ok(RpcResponse::message(wire::GetUserByUsernameResponse { user: Some(user), ..Default::default() }))
    /// }));
    /// let alice = client.users().get_by_username("alice").await?;
    /// assert_eq!(alice.username, "alice");
    /// # Ok(()) }
    /// ```
    pub fn from_service<S>(service: S) -> Self
    where
        S: tower::Service<crate::RpcRequest, Response = crate::RpcResponse, Error = Error>
            + Clone
            + Send
            + Sync
            + 'static,
        S::Future: Send + 'static,
    {
        ClientBuilder::new().service(service)
    }

    /// A client whose calls are answered by `answer`: [`from_service`](Self::from_service)
    /// over an async function, for tests that do not want to depend on `tower` themselves.
    ///
    /// ```
    /// use mm_client::rpc::wire;
    /// use mm_client::{Client, RpcRequest, RpcResponse};
    ///
    /// # #[tokio::main(flavor = "current_thread")] async fn main() -> mm_client::Result<()> {
    /// let client = Client::from_fn(|_: RpcRequest| async {
    ///     Ok(RpcResponse::message(wire::GetServerVersionResponse { version: "10.11.0".into(), ..Default::default() }))
    /// });
    /// assert_eq!(client.system().server_version().await?, "10.11.0");
    /// # Ok(()) }
    /// ```
    pub fn from_fn<F, Fut>(answer: F) -> Self
    where
        F: Fn(crate::RpcRequest) -> Fut + Clone + Send + Sync + 'static,
        Fut: std::future::Future<Output = Result<crate::RpcResponse>> + Send + 'static,
    {
        Self::from_service(tower::service_fn(answer))
    }

    /// A blocking client sharing this client's connection, for sync code inside an async
    /// program (a plugin's hooks, for example). Its calls run on the current tokio runtime and
    /// block the calling thread, so use it in
    /// [`blocking::spawn_blocking`](crate::blocking::spawn_blocking) or a thread of your own;
    /// on the runtime's own threads its calls fail with
    /// [`ErrorKind::BlockingInAsync`](crate::ErrorKind::BlockingInAsync) instead of stalling the runtime.
    ///
    /// Must be called from inside a tokio runtime (it records the current one); elsewhere
    /// it fails with [`ErrorKind::Configuration`](crate::ErrorKind::Configuration).
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
    /// connection; calls that run out fail with [`ErrorKind::Timeout`](crate::ErrorKind::Timeout).
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

    /// The server address (`None` for a client over a service, [`Client::from_service`]).
    pub fn target(&self) -> Option<&Target> {
        self.shared.target.as_ref()
    }

    /// An async view of this client, for helpers written once as async code.
    pub(crate) fn as_async(&self) -> ApiClient<Async> {
        ApiClient { shared: Arc::clone(&self.shared), mode: Async, timeout: self.timeout }
    }

    /// Runs an async helper in this client's mode.
    pub(crate) fn run<T: Send + 'static>(&self, call: ApiCall<T>) -> M::Output<T> {
        self.mode.run(call)
    }

    /// Sends `request` through the stack (its type names the RPC), turns the response's
    /// `AppError` into an error and converts the payload.
    pub(crate) fn call<R, T, F>(&self, request: R, convert: F) -> M::Output<T>
    where
        R: Rpc,
        T: Send + 'static,
        F: FnOnce(R::Response) -> Result<T> + Send + 'static,
    {
        self.mode.run(self.call_async(request, convert))
    }

    pub(crate) fn call_async<R, T, F>(&self, request: R, convert: F) -> ApiCall<T>
    where
        R: Rpc,
        T: Send + 'static,
        F: FnOnce(R::Response) -> Result<T> + Send + 'static,
    {
        let name = R::METHOD.name;
        let mut rpc = RpcRequest::new(request);
        rpc.timeout = self.timeout;
        let stack = self.shared.stack.clone();
        ApiCall::new(async move {
            let response = stack.call(rpc).await.map_err(|e| e.in_rpc(name))?;
            let mut message: R::Response = response.into_message().map_err(|e| e.in_rpc(name))?;
            if let Some(app_error) = message.take_error() {
                return Err(Error::from_app_error(app_error_from_wire(app_error)).in_rpc(name));
            }
            convert(message).map_err(|e| e.in_rpc(name))
        })
    }

    /// Calls any RPC of the table with its wire request and returns its wire response, for
    /// what the typed groups do not cover (tools, tests, new RPCs). The server's `AppError`,
    /// whichever way it travels, is an error as for the typed methods.
    ///
    /// ```no_run
    /// # async fn demo(client: mm_client::Client) -> mm_client::Result<()> {
    /// use mm_client::rpc::wire;
    /// let diagnostic = client.rpc(wire::GetDiagnosticIdRequest {}).await?;
    /// println!("{}", diagnostic.diagnostic_id);
    /// # Ok(()) }
    /// ```
    pub fn rpc<R: Rpc>(&self, request: R) -> M::Output<R::Response> {
        self.call(request, Ok)
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
        skip_translation: wire.skip_translation,
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
