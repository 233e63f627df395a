//! go-plugin's server side: what a plugin process does.
//!
//! 1. [`Listener::bind`] checks the magic cookie and listens on a fresh unix socket in the temp
//!    directory (`$TMPDIR/plugin<digits>`, like Go's `os.CreateTemp("", "plugin")`).
//! 2. The caller prints [`Listener::handshake_line`] on stdout, followed by a newline. Nothing
//!    else may ever be written to fd 1: a stock server discards it after the handshake, and
//!    before it, it is an error. Log to stderr.
//! 3. [`Listener::accept`] takes the host's single connection, runs the yamux server, accepts
//!    streams 1, 3 and 5 (control, stdout, stderr) and serves go-plugin's control services on
//!    stream 1: `Control.Ping`, `Control.Quit` and `Dispenser.Dispense`, which asks your
//!    [`Dispenser`] for a service and serves it as `Plugin` on a broker stream.
//! 4. [`Connection::stopped`] says when to exit: `Control.Quit`, or the session or connection
//!    ending.
//!
//! ```no_run
//! use std::sync::Arc;
//!
//! use mm_netrpc::handshake::HandshakeConfig;
//! use mm_netrpc::plugin::Listener;
//! use mm_netrpc::rpc::{Router, Service};
//!
//! #[tokio::main]
//! async fn main() -> Result<(), mm_netrpc::Error> {
//!     let listener = Listener::bind(&HandshakeConfig::MATTERMOST)?;
//!     println!("{}", listener.handshake_line());
//!     let connection = listener
//!         .accept(|name: &str, _broker: &mm_netrpc::broker::Broker| -> Result<Arc<dyn Service>, String> {
//!             match name {
//!                 "hooks" => Ok(Arc::new(Router::new().method("Echo", |s: String| async move { Ok::<_, String>(s) }))),
//!                 other => Err(format!("unknown plugin type: {other}")),
//!             }
//!         })
//!         .await?;
//!     let reason = connection.stopped().await;
//!     eprintln!("stopping: {reason}");
//!     Ok(())
//! }
//! ```

use std::fmt;
use std::hash::{BuildHasher, Hasher};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::UnixListener;
use tokio::sync::{oneshot, watch};

use crate::broker::Broker;
use crate::error::{Error, ErrorKind};
use crate::handshake::{Handshake, HandshakeConfig, PluginAddress};
use crate::rpc::{Args, Call, Refusal, Reply, Server, Service};
use crate::yamux::{CloseReason, Config, Session, Stream};

/// go-plugin's environment variable for the socket directory (Mattermost does not set it).
const SOCKET_DIR_ENV: &str = "PLUGIN_UNIX_SOCKET_DIR";

/// Gives the host the services it asks for by name (Mattermost asks for `"hooks"`).
///
/// The returned service is served as `Plugin` on a broker stream the host dials. The broker
/// is this plugin's (to dial ids the host hands out later, as `OnActivate` does). An error is
/// sent to the host as the text of the `Dispenser.Dispense` failure.
///
/// Closures `Fn(&str, &Broker) -> Result<Arc<dyn Service>, String>` are dispensers.
pub trait Dispenser: Send + Sync + 'static {
    /// The service for `name`.
    fn dispense(&self, name: &str, broker: &Broker) -> Result<Arc<dyn Service>, String>;
}

impl<F> Dispenser for F
where
    F: Fn(&str, &Broker) -> Result<Arc<dyn Service>, String> + Send + Sync + 'static,
{
    fn dispense(&self, name: &str, broker: &Broker) -> Result<Arc<dyn Service>, String> {
        self(name, broker)
    }
}

/// Why a plugin should stop.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum StopReason {
    /// The host called `Control.Quit` (go-plugin's `Kill`); the answer has been sent.
    Quit,
    /// The yamux session closed for another reason (a protocol error, a keepalive timeout, a
    /// GO_AWAY).
    SessionClosed(CloseReason),
    /// The connection to the host dropped (EOF or an I/O error).
    ConnectionLost(CloseReason),
}

impl fmt::Display for StopReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StopReason::Quit => f.write_str("the host asked the plugin to quit"),
            StopReason::SessionClosed(reason) => write!(f, "the session closed: {reason}"),
            StopReason::ConnectionLost(reason) => write!(f, "the connection to the host was lost: {reason}"),
        }
    }
}

/// Checks that the host started this process: the magic cookie must be in the environment.
pub fn check_cookie(config: &HandshakeConfig) -> Result<(), Error> {
    if config.magic_cookie_key.is_empty() || config.magic_cookie_value.is_empty() {
        return Err(Error::new(ErrorKind::Handshake("no magic cookie key or value is configured".into())));
    }
    match std::env::var_os(config.magic_cookie_key.as_ref()) {
        Some(value) if value == config.magic_cookie_value.as_ref() => Ok(()),
        _ => Err(Error::new(ErrorKind::NotLaunchedByHost { key: config.magic_cookie_key.to_string() })),
    }
}

/// The plugin's unix socket, waiting for the host.
#[derive(Debug)]
pub struct Listener {
    listener: UnixListener,
    path: PathBuf,
    config: HandshakeConfig,
}

impl Listener {
    /// Checks the magic cookie and binds `plugin<digits>` in `$PLUGIN_UNIX_SOCKET_DIR` or the
    /// temp directory (`$TMPDIR`, else `/tmp`). Must be called inside a Tokio runtime.
    pub fn bind(config: &HandshakeConfig) -> Result<Listener, Error> {
        check_cookie(config)?;
        let dir = std::env::var_os(SOCKET_DIR_ENV).map(PathBuf::from).unwrap_or_else(std::env::temp_dir);
        Listener::bind_in(&dir, config)
    }

    /// Binds a fresh socket in `dir` without checking the cookie (for tests and embedding).
    pub fn bind_in(dir: &Path, config: &HandshakeConfig) -> Result<Listener, Error> {
        let seed = std::collections::hash_map::RandomState::new();
        for attempt in 0u32..10_000 {
            let mut hasher = seed.build_hasher();
            hasher.write_u32(attempt);
            hasher.write_u32(std::process::id());
            let path = dir.join(format!("plugin{}", hasher.finish() as u32));
            let text = path.to_string_lossy();
            if text.contains('|') || text.contains('\n') || text.contains('\r') {
                return Err(Error::new(ErrorKind::Handshake(format!(
                    "the socket path {text:?} cannot be announced in a handshake line"
                ))));
            }
            match UnixListener::bind(&path) {
                Ok(listener) => return Ok(Listener { listener, path, config: config.clone() }),
                Err(error) if error.kind() == std::io::ErrorKind::AddrInUse => continue,
                Err(error) => {
                    return Err(Error::io(
                        format_args!("binding the plugin socket {}", path.display()),
                        error,
                    ));
                }
            }
        }
        Err(Error::new(ErrorKind::Handshake(format!("no free socket name in {}", dir.display()))))
    }

    /// The socket's path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The handshake line to print on stdout (add the newline): `1|1|unix|<path>|netrpc|`.
    pub fn handshake_line(&self) -> String {
        Handshake {
            app_version: self.config.protocol_version,
            address: PluginAddress::Unix(self.path.clone()),
        }
        .to_line()
    }

    /// Waits for the host's connection (the socket file is removed once it is accepted), then
    /// sets it up like [`serve_connection`].
    pub async fn accept(self, dispenser: impl Dispenser) -> Result<Connection, Error> {
        let (socket, _) =
            self.listener.accept().await.map_err(|e| Error::io("accepting the host's connection", e))?;
        drop(self);
        serve_connection(socket, dispenser, Config::default()).await
    }
}

impl Drop for Listener {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.path);
    }
}

/// Serves go-plugin's net/rpc protocol on an accepted connection `io`: the yamux server,
/// streams 1, 3 and 5 accepted in this order, then the broker and the control services.
pub async fn serve_connection<T>(
    io: T,
    dispenser: impl Dispenser,
    config: Config,
) -> Result<Connection, Error>
where
    T: AsyncRead + AsyncWrite + Send + Unpin + 'static,
{
    let session = Session::server(io, config);
    let closed =
        || Error::new(ErrorKind::SessionClosed(session.close_reason().unwrap_or(CloseReason::RemoteClosed)));
    let control = session.accept().await.ok_or_else(closed)?;
    let stdout = session.accept().await.ok_or_else(closed)?;
    let stderr = session.accept().await.ok_or_else(closed)?;
    let broker = Broker::new(session.clone());

    let (stop_tx, stop_rx) = watch::channel(None);
    let stop_tx = Arc::new(stop_tx);
    let quitting = Arc::new(AtomicBool::new(false));
    let server = Server::new()
        .register(
            "Control",
            ControlService { session: session.clone(), stop: stop_tx.clone(), quitting: quitting.clone() },
        )
        .register("Dispenser", DispenserService { dispenser: Arc::new(dispenser), broker: broker.clone() });
    tokio::spawn(async move {
        match server.serve(control).await {
            Err(error) if error.is_session_closed() => {
                tracing::debug!(%error, "go-plugin: the control connection ended")
            }
            Err(error) => tracing::error!(%error, "go-plugin: the control connection failed"),
            Ok(()) => {}
        }
    });
    tokio::spawn({
        let session = session.clone();
        let stop = stop_tx.clone();
        async move {
            let reason = session.closed().await;
            // The host closes its end as soon as it has the answer to `Control.Quit`; that
            // end is the quit it asked for, not a lost connection.
            let reason = if quitting.load(Ordering::Acquire) {
                StopReason::Quit
            } else if reason.is_connection_lost() {
                StopReason::ConnectionLost(reason)
            } else {
                StopReason::SessionClosed(reason)
            };
            stop.send_if_modified(|slot| {
                if slot.is_some() {
                    return false;
                }
                *slot = Some(reason);
                true
            });
        }
    });
    Ok(Connection { session, broker, stdio: Some((stdout, stderr)), stop: stop_rx })
}

/// The plugin's connection to its host.
pub struct Connection {
    session: Session,
    broker: Broker,
    stdio: Option<(Stream, Stream)>,
    stop: watch::Receiver<Option<StopReason>>,
}

impl Connection {
    /// The plugin's broker (its ids are the ones the plugin hands out).
    pub fn broker(&self) -> &Broker {
        &self.broker
    }

    /// The yamux session.
    pub fn session(&self) -> &Session {
        &self.session
    }

    /// Streams 3 and 5, where a Go plugin's redirected stdout and stderr go (the server logs
    /// each line at info level). `None` after the first call.
    pub fn take_stdio(&mut self) -> Option<(Stream, Stream)> {
        self.stdio.take()
    }

    /// A receiver that holds `Some(reason)` once the plugin should stop.
    pub fn stop_signal(&self) -> watch::Receiver<Option<StopReason>> {
        self.stop.clone()
    }

    /// Waits until the plugin should stop: `Control.Quit` (after its answer was written and
    /// the session flushed), or the session or connection ending.
    pub async fn stopped(&self) -> StopReason {
        let mut stop = self.stop.clone();
        match stop.wait_for(Option::is_some).await {
            Ok(reason) => reason.clone().unwrap_or(StopReason::Quit),
            Err(_) => StopReason::SessionClosed(self.session.close_reason().unwrap_or(CloseReason::Local)),
        }
    }
}

impl fmt::Debug for Connection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Connection")
            .field("session", &self.session)
            .field("stop", &*self.stop.borrow())
            .finish_non_exhaustive()
    }
}

/// `Control.Ping(bool) -> struct{}` and `Control.Quit(bool) -> struct{}`.
struct ControlService {
    session: Session,
    stop: Arc<watch::Sender<Option<StopReason>>>,
    quitting: Arc<AtomicBool>,
}

impl Service for ControlService {
    fn call(&self, method: &str, args: &mut Args<'_>) -> Result<Call, Refusal> {
        match method {
            "Ping" => {
                let _: bool = args.decode()?;
                Ok(Call::new(async { Ok::<_, String>(()) }))
            }
            "Quit" => {
                let _: bool = args.decode()?;
                self.quitting.store(true, Ordering::Release);
                let (written_tx, written_rx) = oneshot::channel();
                let session = self.session.clone();
                let stop = self.stop.clone();
                tokio::spawn(async move {
                    // Stop once the answer is on its way, with the session flushed, so the host
                    // sees a clean Quit and waits for the process to exit by itself. If the
                    // answer cannot be written the connection is gone: stop all the same.
                    let _ = written_rx.await;
                    session.close().await;
                    stop.send_replace(Some(StopReason::Quit));
                });
                Ok(Call::from_reply(async move { Ok(Reply::new(()).notify_written(written_tx)) }))
            }
            _ => Err(Refusal::unknown_method()),
        }
    }
}

/// `Dispenser.Dispense(string) -> uint32`.
struct DispenserService {
    dispenser: Arc<dyn Dispenser>,
    broker: Broker,
}

impl Service for DispenserService {
    fn call(&self, method: &str, args: &mut Args<'_>) -> Result<Call, Refusal> {
        if method != "Dispense" {
            return Err(Refusal::unknown_method());
        }
        let name: String = args.decode()?;
        let dispenser = self.dispenser.clone();
        let broker = self.broker.clone();
        Ok(Call::new(async move {
            let service = dispenser.dispense(&name, &broker)?;
            let id = broker.next_id();
            tokio::spawn(async move {
                match broker.accept(id).await {
                    Ok(stream) => match Server::new().register("Plugin", service).serve(stream).await {
                        Err(error) if error.is_session_closed() => {
                            tracing::debug!(plugin = %name, %error, "go-plugin: the dispensed connection ended");
                        }
                        Err(error) => {
                            tracing::error!(plugin = %name, %error, "go-plugin: the dispensed connection failed");
                        }
                        Ok(()) => {}
                    },
                    Err(error) => tracing::error!(plugin = %name, %error, "go-plugin: plugin dispense error"),
                }
            });
            Ok::<u32, String>(id)
        }))
    }
}
