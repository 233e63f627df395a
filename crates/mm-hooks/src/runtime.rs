//! Serving a plugin: the gRPC server with the hooks, health and go-plugin services, and the
//! graceful shutdown every trigger leads to.

use std::fmt;
use std::panic::AssertUnwindSafe;
use std::sync::atomic::Ordering;
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use futures_util::FutureExt;
use mm_proto::go_plugin::grpc_controller_server::GrpcControllerServer;
use mm_proto::go_plugin::grpc_stdio_server::GrpcStdioServer;
use mm_proto::v1::plugin_hooks_server::PluginHooksServer;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;
use tonic::transport::Server;
use tonic_health::ServingStatus;

use crate::conn::ConnectionCount;
use crate::control::{Controller, Stdio};
use crate::dispatch::{Dispatcher, Shared};
use crate::hook::Hook;
use crate::listener::{Incoming, ListenAddr, Listener};
use crate::plugin::Plugin;
use crate::runtime_error::RuntimeError;
use crate::service::HookService;

/// How long shutdown waits for hook calls in progress before cancelling them.
pub const DEFAULT_DRAIN_TIMEOUT: Duration = Duration::from_millis(800);
/// How long shutdown gives `on_deactivate` when it runs it itself.
pub const DEFAULT_DEACTIVATE_TIMEOUT: Duration = Duration::from_millis(500);
/// How long the server's hook connection may stay gone before the plugin asks whether the
/// server is still there.
const DISCONNECT_GRACE: Duration = Duration::from_millis(200);
/// How long the plugin waits for the server's PluginAPI to accept a connection when it asks
/// whether the server is still there (the server is on the same machine: a refusal is instant).
const SERVER_PROBE_LIMIT: Duration = Duration::from_secs(1);
/// The longest wait between two such questions while the server stays away.
const SERVER_PROBE_MAX_INTERVAL: Duration = Duration::from_secs(30);
/// How long shutdown waits for closed connections to wind down at the very end.
const CLOSE_TIMEOUT: Duration = Duration::from_millis(150);
/// How often the parent process is checked.
const PARENT_POLL: Duration = Duration::from_millis(250);

/// Why the plugin stopped serving.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ShutdownReason {
    /// The server called `plugin.GRPCController/Shutdown` (go-plugin's `Kill`, gRPC).
    Controller,
    /// The server called `Control.Quit` (go-plugin's `Kill`, net/rpc).
    ControlQuit,
    /// The process received this signal (`"SIGTERM"`, `"SIGINT"`).
    Signal(&'static str),
    /// The server closed its net/rpc connection (go-plugin's net/rpc has one connection for
    /// the plugin's whole life).
    ConnectionClosed,
    /// The server is gone: its gRPC hook connections closed, none came back, and its
    /// PluginAPI refuses connections. (A dropped connection alone is not a reason: a server
    /// that is still there dials again and is served.)
    ServerGone,
    /// The parent process (the server) exited.
    ParentExited,
    /// [`ShutdownHandle::shutdown`] was called.
    Requested,
}

impl fmt::Display for ShutdownReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ShutdownReason::Controller => f.write_str("the server called GRPCController/Shutdown"),
            ShutdownReason::ControlQuit => f.write_str("the server called Control.Quit"),
            ShutdownReason::Signal(name) => write!(f, "received {name}"),
            ShutdownReason::ConnectionClosed => f.write_str("the server closed its hook connection"),
            ShutdownReason::ServerGone => f.write_str(
                "the server is gone: its hook connection closed and its PluginAPI refuses connections",
            ),
            ShutdownReason::ParentExited => f.write_str("the parent process exited"),
            ShutdownReason::Requested => f.write_str("shutdown was requested"),
        }
    }
}

/// Starts a shutdown and remembers the first reason given.
#[derive(Debug, Clone, Default)]
pub(crate) struct ShutdownTrigger {
    pub(crate) token: CancellationToken,
    reason: Arc<OnceLock<ShutdownReason>>,
}

impl ShutdownTrigger {
    pub(crate) fn fire(&self, reason: ShutdownReason) {
        let _ = self.reason.set(reason);
        self.token.cancel();
    }

    pub(crate) fn reason(&self) -> ShutdownReason {
        self.reason.get().copied().unwrap_or(ShutdownReason::Requested)
    }
}

/// Stops a running plugin, as the server's `Shutdown` call would.
#[derive(Debug, Clone)]
pub struct ShutdownHandle {
    trigger: ShutdownTrigger,
}

impl ShutdownHandle {
    /// Starts a graceful shutdown: new calls are refused, calls in progress get the drain
    /// timeout to finish, then `on_deactivate` runs if the server has not called it.
    pub fn shutdown(&self) {
        self.trigger.fire(ShutdownReason::Requested);
    }
}

/// Namespace of the runtime's builder; see [`Runtime::builder`].
#[derive(Debug)]
pub struct Runtime {
    _private: (),
}

impl Runtime {
    /// A builder to serve a plugin in-process on a listener the caller chose, without the
    /// launch environment checks of [`run`](crate::run).
    ///
    /// ```no_run
    /// # async fn demo() -> Result<(), mm_hooks::RuntimeError> {
    /// # struct Quiet;
    /// # #[mm_hooks::plugin] impl mm_hooks::Plugin for Quiet {}
    /// let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    /// let client = mm_hooks::Client::connect("127.0.0.1:50051").await.expect("PluginAPI");
    /// let serving = mm_hooks::Runtime::builder().listener(listener).client(client).serve(Quiet)?;
    /// println!("{}", serving.local_addr().handshake_line());
    /// let reason = serving.wait().await?;
    /// # Ok(()) }
    /// ```
    pub fn builder() -> RuntimeBuilder {
        RuntimeBuilder::default()
    }
}

/// Settings for serving a plugin; see [`Runtime::builder`].
#[derive(Debug)]
pub struct RuntimeBuilder {
    listener: Option<Listener>,
    client: Option<mm_client::Client>,
    plugin_id: Option<Arc<str>>,
    drain_timeout: Duration,
    deactivate_timeout: Duration,
    exit_on_disconnect: bool,
    watch_parent: bool,
    handle_signals: bool,
}

impl Default for RuntimeBuilder {
    fn default() -> Self {
        RuntimeBuilder {
            listener: None,
            client: None,
            plugin_id: None,
            drain_timeout: DEFAULT_DRAIN_TIMEOUT,
            deactivate_timeout: DEFAULT_DEACTIVATE_TIMEOUT,
            exit_on_disconnect: false,
            watch_parent: false,
            handle_signals: false,
        }
    }
}

impl RuntimeBuilder {
    /// Where to serve (required).
    pub fn listener(mut self, listener: impl Into<Listener>) -> Self {
        self.listener = Some(listener.into());
        self
    }

    /// The PluginAPI client hooks get in their [`Context`](crate::Context) (required).
    pub fn client(mut self, client: mm_client::Client) -> Self {
        self.client = Some(client);
        self
    }

    /// The plugin's id, for [`Context::plugin_id`](crate::Context::plugin_id).
    pub fn plugin_id(mut self, plugin_id: impl Into<Arc<str>>) -> Self {
        self.plugin_id = Some(plugin_id.into());
        self
    }

    /// How long shutdown waits for calls in progress (default [`DEFAULT_DRAIN_TIMEOUT`]).
    /// Keep drain + deactivate timeouts well under the server's 2 s before it kills the
    /// process.
    pub fn drain_timeout(mut self, timeout: Duration) -> Self {
        self.drain_timeout = timeout;
        self
    }

    /// How long shutdown gives `on_deactivate` (default [`DEFAULT_DEACTIVATE_TIMEOUT`]).
    pub fn deactivate_timeout(mut self, timeout: Duration) -> Self {
        self.deactivate_timeout = timeout;
        self
    }

    /// Shut down when the server is gone: its last hook connection closed (after there was
    /// one), no new one opened within a short grace period, and the PluginAPI of the
    /// [client](Self::client) refuses connections. While the PluginAPI still accepts them the
    /// server is alive: the plugin keeps serving (a dropped connection, such as an HTTP/2
    /// GOAWAY, is redialled by the server) and asks again from time to time while no
    /// connection is open. Without a client target ([`Client::from_service`]) nothing can be
    /// asked and a disconnection never stops the plugin. `run` enables it.
    ///
    /// [`Client::from_service`]: mm_client::Client::from_service
    pub fn exit_on_disconnect(mut self, enabled: bool) -> Self {
        self.exit_on_disconnect = enabled;
        self
    }

    /// Shut down when the parent process exits (the process is re-parented). `run` enables it.
    pub fn watch_parent(mut self, enabled: bool) -> Self {
        self.watch_parent = enabled;
        self
    }

    /// Shut down gracefully on SIGTERM and SIGINT. `run` enables it.
    pub fn handle_signals(mut self, enabled: bool) -> Self {
        self.handle_signals = enabled;
        self
    }

    /// The plugin's `PluginHooks` gRPC service alone, as a tower service that answers gRPC
    /// HTTP/2 requests: the same decoding, hook call and encoding as [`serve`](Self::serve),
    /// without a listener, health, go-plugin services or shutdown handling (the listener is
    /// not needed). For hosts that bring their own transport, and for measuring hook dispatch
    /// without a network (`mm-bench`).
    ///
    /// ```no_run
    /// # async fn demo() -> Result<(), mm_hooks::RuntimeError> {
    /// # struct Quiet;
    /// # #[mm_hooks::plugin] impl mm_hooks::Plugin for Quiet {}
    /// let client = mm_hooks::Client::builder().target("127.0.0.1:50051").expect("target").connect_lazy().expect("client");
    /// let service = mm_hooks::Runtime::builder().client(client).into_hooks_service(Quiet)?;
    /// # let _ = service;
    /// # Ok(()) }
    /// ```
    pub fn into_hooks_service<P: Plugin>(self, plugin: P) -> Result<tonic::service::Routes, RuntimeError> {
        let dispatcher = self.into_dispatcher(plugin)?;
        let hooks = PluginHooksServer::new(HookService::new(dispatcher))
            .max_decoding_message_size(usize::MAX)
            .max_encoding_message_size(usize::MAX);
        Ok(tonic::service::Routes::new(hooks))
    }

    /// The plugin's hooks behind the transport-neutral [`Dispatcher`]: typed prost request in,
    /// typed response (or a failure) out, with the same decoding, context, deadline, panic
    /// isolation and encoding as the gRPC service. For transports other than gRPC (net/rpc)
    /// and for tests; no listener, health or shutdown handling.
    #[doc(hidden)]
    pub fn into_dispatcher<P: Plugin>(self, plugin: P) -> Result<Dispatcher<P>, RuntimeError> {
        let client = self.client.ok_or(RuntimeError::Config("no API client: call RuntimeBuilder::client"))?;
        Ok(Dispatcher::new(Arc::new(Shared::new(plugin, client, self.plugin_id))))
    }

    /// Starts serving `plugin` on the listener, in the background of the current tokio
    /// runtime. Must be called inside a tokio runtime.
    pub fn serve<P: Plugin>(self, plugin: P) -> Result<Serving, RuntimeError> {
        let listener =
            self.listener.ok_or(RuntimeError::Config("no listener: call RuntimeBuilder::listener"))?;
        let client = self.client.ok_or(RuntimeError::Config("no API client: call RuntimeBuilder::client"))?;
        let local_addr = listener.local_addr()?;
        let trigger = ShutdownTrigger::default();
        if self.handle_signals {
            watch_signals(trigger.clone())?;
        }
        if self.watch_parent {
            tokio::spawn(watch_parent(trigger.clone()));
        }
        let server_probe = match (self.exit_on_disconnect, client.target()) {
            (true, Some(target)) => Some(target.clone()),
            (true, None) => {
                tracing::debug!("the API client has no target: a disconnection will not stop the plugin");
                None
            }
            (false, _) => None,
        };
        let shared = Arc::new(Shared::new(plugin, client, self.plugin_id));
        let options = Options {
            drain_timeout: self.drain_timeout,
            deactivate_timeout: self.deactivate_timeout,
            server_probe,
        };
        let task = tokio::spawn(serve_until_shutdown(shared, listener, trigger.clone(), options));
        Ok(Serving { local_addr, trigger, task })
    }
}

#[derive(Debug, Clone)]
struct Options {
    drain_timeout: Duration,
    deactivate_timeout: Duration,
    /// Where to ask whether the server is still there once its hook connections are gone.
    server_probe: Option<mm_client::Target>,
}

/// A plugin being served; see [`RuntimeBuilder::serve`].
#[derive(Debug)]
pub struct Serving {
    local_addr: ListenAddr,
    trigger: ShutdownTrigger,
    task: JoinHandle<Result<ShutdownReason, RuntimeError>>,
}

impl Serving {
    /// The address the hooks are served on.
    pub fn local_addr(&self) -> &ListenAddr {
        &self.local_addr
    }

    /// A handle to stop the plugin.
    pub fn shutdown_handle(&self) -> ShutdownHandle {
        ShutdownHandle { trigger: self.trigger.clone() }
    }

    /// Waits until the plugin has shut down, and says why it did.
    pub async fn wait(self) -> Result<ShutdownReason, RuntimeError> {
        match self.task.await {
            Ok(result) => result,
            Err(e) => Err(RuntimeError::Io {
                what: "the hook server task ended abnormally",
                source: std::io::Error::other(e.to_string()),
            }),
        }
    }
}

async fn serve_until_shutdown<P: Plugin>(
    shared: Arc<Shared<P>>,
    listener: Listener,
    trigger: ShutdownTrigger,
    options: Options,
) -> Result<ShutdownReason, RuntimeError> {
    let connections = Arc::new(ConnectionCount::default());
    let close_connections = CancellationToken::new();

    let (health, health_service) = tonic_health::server::health_reporter();
    for service in ["plugin", ""] {
        health.set_service_status(service, ServingStatus::Serving).await;
    }
    let hooks = PluginHooksServer::new(HookService::new(Dispatcher::new(shared.clone())))
        // go-plugin dials with unlimited message sizes; file uploads can be large.
        .max_decoding_message_size(usize::MAX)
        .max_encoding_message_size(usize::MAX);
    let router = hook_server_builder()
        .add_service(hooks)
        .add_service(health_service)
        .add_service(GrpcControllerServer::new(Controller { trigger: trigger.clone() }))
        .add_service(GrpcStdioServer::new(Stdio { stopping: trigger.token.clone() }));

    let stop_accepting = trigger.token.clone().cancelled_owned();
    let mut server = match listener.into_incoming(connections.clone(), close_connections.clone()) {
        Incoming::Tcp(incoming) => {
            tokio::spawn(router.serve_with_incoming_shutdown(incoming, stop_accepting))
        }
        Incoming::Unix(incoming) => {
            tokio::spawn(router.serve_with_incoming_shutdown(incoming, stop_accepting))
        }
    };
    if let Some(api) = options.server_probe.clone() {
        tokio::spawn(watch_server(connections.clone(), api, trigger.clone()));
    }

    // Biased: once a shutdown is triggered the server future completes too, and shutdown must
    // take the graceful path below, not this early exit.
    let early_end = tokio::select! {
        biased;
        () = trigger.token.cancelled() => None,
        ended = &mut server => Some(ended),
    };
    if let Some(ended) = early_end {
        // The server stopped by itself (it cannot without a shutdown today); nothing is left
        // to drain.
        shared.root.cancel();
        return match ended {
            Ok(Ok(())) => Ok(trigger.reason()),
            Ok(Err(e)) => Err(RuntimeError::Serve(e)),
            Err(e) => Err(RuntimeError::Io {
                what: "hook server task",
                source: std::io::Error::other(e.to_string()),
            }),
        };
    }

    let reason = trigger.reason();
    tracing::info!(reason = %reason, "plugin shutting down");
    shared.in_flight.close();
    for service in ["plugin", ""] {
        health.set_service_status(service, ServingStatus::NotServing).await;
    }

    if tokio::time::timeout(options.drain_timeout, shared.in_flight.wait()).await.is_err() {
        tracing::warn!(
            calls = shared.in_flight.len(),
            "hook calls still running after the drain timeout; cancelling them"
        );
    }
    deactivate_if_needed(&shared, options.deactivate_timeout).await;

    // The server's connections close gracefully once their last streams end (the answer to
    // `Shutdown` among them); whatever is still open after a moment is cut.
    if tokio::time::timeout(CLOSE_TIMEOUT, &mut server).await.is_err() {
        shared.root.cancel();
        close_connections.cancel();
        if tokio::time::timeout(CLOSE_TIMEOUT, &mut server).await.is_err() {
            tracing::debug!("hook connections still closing at exit");
            server.abort();
        }
    }
    shared.root.cancel();
    tracing::info!(reason = %reason, "plugin stopped");
    Ok(reason)
}

/// The HTTP/2 settings of the hook server, for the traffic of a real server. Its only peer is
/// the plugin's own server, on loopback or a private unix socket, over a connection that lives
/// as long as the plugin and carries every hook call.
fn hook_server_builder() -> Server {
    Server::builder()
        // The server resets a hook's stream whenever its caller gives up (a browser cancelling
        // a request to the plugin, a hook timeout). A plugin busy with a burst (a debug build
        // especially) accepts streams late, so resets pile up before the plugin sees them; h2's
        // default of 20 then answers GOAWAY (its rapid-reset guard, meant for untrusted
        // clients) and every call on the connection fails. 16,384 queued resets (a few MB at
        // most) absorb any burst the server can cause and still bound a misbehaving peer.
        .http2_max_pending_accept_reset_streams(Some(16_384))
        // No cap on streams the server resets for a peer's stream errors: hyper's default
        // (1,024) counts over the connection's whole life, which is the plugin's life here.
        .http2_max_local_error_reset_streams(None)
        // No cap on concurrent hook calls, as a Go plugin's grpc-go server: a hook may cause
        // another hook of the same plugin (ServeHTTP calling CreatePost runs
        // MessageWillBePosted), and a cap reached by such calls would deadlock them.
        .max_concurrent_streams(None)
        // A ping after 60 s of silence, answered within 20 s, finds a peer that hangs without
        // closing the socket; patient enough for a server that is busy with a storm.
        .http2_keepalive_interval(Some(Duration::from_secs(60)))
        .http2_keepalive_timeout(Some(Duration::from_secs(20)))
}

/// Runs `on_deactivate` when the plugin was activated and the server has not deactivated it.
pub(crate) async fn deactivate_if_needed<P: Plugin>(shared: &Shared<P>, timeout: Duration) {
    if !shared.activated.load(Ordering::SeqCst) || shared.deactivated.swap(true, Ordering::SeqCst) {
        return;
    }
    if !shared.implements(Hook::OnDeactivate) {
        return;
    }
    tracing::info!("running on_deactivate before exiting (the server did not call OnDeactivate)");
    let cx = shared.context(Hook::OnDeactivate);
    let hook = AssertUnwindSafe(shared.plugin.on_deactivate(&cx)).catch_unwind();
    match tokio::time::timeout(timeout, hook).await {
        Ok(Ok(Ok(()))) => {}
        Ok(Ok(Err(e))) => tracing::error!(error = %e, "on_deactivate failed"),
        Ok(Err(payload)) => {
            tracing::error!(panic = %crate::context::panic_message(&*payload), "on_deactivate panicked")
        }
        Err(_) => tracing::error!(timeout_ms = timeout.as_millis() as u64, "on_deactivate timed out"),
    }
}

/// Fires [`ShutdownReason::ServerGone`] once the server is gone: its last hook connection
/// closed, none opened within [`DISCONNECT_GRACE`], and its PluginAPI at `api` refuses
/// connections. While the PluginAPI accepts them the server is alive and dials again (an
/// HTTP/2 GOAWAY or a dropped connection is not the end of the plugin): it asks again, less
/// and less often, until a connection opens.
async fn watch_server(connections: Arc<ConnectionCount>, api: mm_client::Target, trigger: ShutdownTrigger) {
    loop {
        let changed = connections.notified();
        tokio::pin!(changed);
        changed.as_mut().enable();
        if !connections.ever_connected() || connections.open() > 0 {
            tokio::select! {
                () = changed => continue,
                () = trigger.token.cancelled() => return,
            }
        }
        let mut wait = DISCONNECT_GRACE;
        loop {
            tokio::select! {
                // A connection opened (or another closed): look again.
                () = &mut changed => break,
                () = tokio::time::sleep(wait) => {}
                () = trigger.token.cancelled() => return,
            }
            if connections.open() > 0 {
                break;
            }
            if !api.accepts_connections(SERVER_PROBE_LIMIT).await {
                trigger.fire(ShutdownReason::ServerGone);
                return;
            }
            if wait == DISCONNECT_GRACE {
                tracing::info!(
                    api = %api,
                    "the server's hook connection closed but its PluginAPI answers; serving on until it reconnects"
                );
            }
            wait = (wait * 2).min(SERVER_PROBE_MAX_INTERVAL);
        }
    }
}

/// Fires [`ShutdownReason::ParentExited`] when the process is re-parented.
pub(crate) async fn watch_parent(trigger: ShutdownTrigger) {
    let parent = std::os::unix::process::parent_id();
    loop {
        tokio::select! {
            () = tokio::time::sleep(PARENT_POLL) => {}
            () = trigger.token.cancelled() => return,
        }
        if std::os::unix::process::parent_id() != parent {
            trigger.fire(ShutdownReason::ParentExited);
            return;
        }
    }
}

/// Fires [`ShutdownReason::Signal`] on SIGTERM or SIGINT.
fn watch_signals(trigger: ShutdownTrigger) -> Result<(), RuntimeError> {
    use tokio::signal::unix::{SignalKind, signal};
    let io = |source| RuntimeError::Io { what: "installing signal handlers", source };
    let mut term = signal(SignalKind::terminate()).map_err(io)?;
    let mut int = signal(SignalKind::interrupt()).map_err(io)?;
    tokio::spawn(async move {
        let name = tokio::select! {
            _ = term.recv() => "SIGTERM",
            _ = int.recv() => "SIGINT",
            () = trigger.token.cancelled() => return,
        };
        trigger.fire(ShutdownReason::Signal(name));
    });
    Ok(())
}
