//! Launches and supervises plugin processes the way the Mattermost server does.
//!
//! - **Launch**: the plugin's program runs in its folder with the manifest's executable path
//!   as its one argument, and the server's environment plus `MATTERMOST_PLUGIN_API_TARGET`
//!   (the host's PluginAPI listener for this plugin), the magic cookie
//!   `MATTERMOST_PLUGIN=Securely message teams, anywhere.`, `PLUGIN_MIN_PORT=10000`,
//!   `PLUGIN_MAX_PORT=25000` and `PLUGIN_PROTOCOL_VERSIONS=1`.
//! - **Start**: the handshake line `1|1|tcp|<addr>|grpc` (or `unix`) within 10 s, a gRPC
//!   connection, the health service reporting `plugin` SERVING, `Implemented` (30 s), then
//!   `OnActivate` when listed (an `AppError` answer means activation failed; the error says so
//!   and carries it).
//! - **Running**: a health check every 30 s (up to 3 pings in a row); 3 failed pings or the
//!   process ending is a failure. Failures are handled by the [`RestartPolicy`] (the server's:
//!   the third failure within 60 minutes deactivates the plugin, earlier ones restart it).
//! - **Stop**: `OnDeactivate` (when listed), `GRPCController/Shutdown`, the connection
//!   closed, up to 2 s for the process to exit, then SIGKILL.
//! - **Output**: stderr lines are read as hclog JSON and logged through `tracing` (target
//!   [`PLUGIN_LOG_TARGET`], with the plugin id and the plugin's level); other lines, and stdout
//!   lines after the handshake, are logged as text.
//!
//! Every step is reported as a [`SupervisorEvent`] ([`Supervisor::subscribe`]). The
//! supervisor tells the host (a [`PluginRegistry`], which `mm_host::Host` implements) when a
//! plugin becomes usable and when it goes away.
//!
//! ```no_run
//! use mm_host::supervisor::{PluginSpec, Supervisor};
//!
//! # async fn demo() -> Result<(), mm_host::supervisor::SupervisorError> {
//! // A PluginAPI must be listening there (the host serves one).
//! let supervisor = Supervisor::with_api_target("127.0.0.1:50051");
//! let connection = supervisor.start(PluginSpec::from_path("target/debug/mm-example-hello")?).await?;
//! println!("{} implements {:?}", connection.id(), connection.implemented());
//! let outcome = supervisor.stop(connection.id()).await?;
//! println!("stopped: {outcome}");
//! # Ok(())
//! # }
//! ```

mod child;
mod connection;
mod error;
mod event;
mod handshake;
mod instance;
mod known_hooks;
mod monitor;
mod netrpc;
mod plugin_log;
mod registry;
mod restart;
mod spec;

use std::collections::HashMap;
use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, Weak};
use std::time::Duration;

use tokio::sync::{broadcast, mpsc, oneshot, watch};

pub use child::ProcessExit;
pub use connection::PluginConnection;
pub(crate) use connection::{call_on_activate, call_on_deactivate};
pub use error::{SupervisorError, SupervisorErrorKind};
pub use event::{StopOutcome, SupervisorEvent};
pub use handshake::PluginAddress;
/// The two protocols a plugin can be run with ([`PluginSpec::with_protocol`]).
pub use mm_proto::protocol::Protocol;
/// The launch variables the server sets (see `mm_proto::protocol`).
pub use mm_proto::protocol::{API_TARGET_ENV, MAGIC_COOKIE_KEY, MAGIC_COOKIE_VALUE};
pub use plugin_log::PLUGIN_LOG_TARGET;
pub use registry::{BoxFuture, FixedApiTarget, PluginRegistry};
pub use restart::RestartPolicy;
pub use spec::PluginSpec;

use monitor::{Monitor, StopRequest};

/// Parses a handshake line as the supervisor does (for the fuzz targets in `fuzz/`; not part
/// of the supported API).
#[doc(hidden)]
pub fn __parse_handshake_line(line: &str) -> Result<PluginAddress, String> {
    handshake::parse_handshake(line, mm_proto::protocol::Protocol::Grpc)
        .or_else(|_| handshake::parse_handshake(line, mm_proto::protocol::Protocol::NetRpc))
        .map(|handshake| handshake.address)
}

/// The supervisor's limits and intervals; the defaults are the server's.
#[derive(Debug, Clone)]
pub(crate) struct SupervisorConfig {
    pub(crate) handshake_timeout: Duration,
    pub(crate) stock_start_timeout: Duration,
    pub(crate) connect_timeout: Duration,
    pub(crate) implemented_timeout: Duration,
    pub(crate) hook_timeout: Duration,
    pub(crate) health_interval: Duration,
    pub(crate) ping_timeout: Duration,
    pub(crate) ping_failures: u32,
    pub(crate) kill_after: Duration,
    pub(crate) restart_policy: RestartPolicy,
}

impl Default for SupervisorConfig {
    fn default() -> Self {
        SupervisorConfig {
            handshake_timeout: Duration::from_secs(10),
            stock_start_timeout: mm_netrpc::host::START_TIMEOUT,
            connect_timeout: connection::CONNECT_TIMEOUT,
            implemented_timeout: connection::IMPLEMENTED_TIMEOUT,
            hook_timeout: Duration::from_secs(30),
            health_interval: Duration::from_secs(30),
            ping_timeout: connection::PING_TIMEOUT,
            ping_failures: 3,
            kill_after: Duration::from_secs(2),
            restart_policy: RestartPolicy::SERVER,
        }
    }
}

/// Builds a [`Supervisor`]; every setting defaults to the server's behaviour.
#[derive(Debug)]
pub struct SupervisorBuilder {
    config: SupervisorConfig,
    registry: Arc<dyn PluginRegistry>,
}

impl SupervisorBuilder {
    /// How long a plugin has to print its handshake line (10 s).
    pub fn handshake_timeout(mut self, limit: Duration) -> Self {
        self.config.handshake_timeout = limit;
        self
    }

    /// How long a plugin run over net/rpc has to print its handshake line (3 s, a stock
    /// server's `StartTimeout`).
    pub fn stock_start_timeout(mut self, limit: Duration) -> Self {
        self.config.stock_start_timeout = limit;
        self
    }

    /// The deadline of `Implemented` (30 s).
    pub fn implemented_timeout(mut self, limit: Duration) -> Self {
        self.config.implemented_timeout = limit;
        self
    }

    /// The deadline of `OnActivate` and `OnDeactivate` (30 s).
    pub fn hook_timeout(mut self, limit: Duration) -> Self {
        self.config.hook_timeout = limit;
        self
    }

    /// Time between health checks (30 s).
    pub fn health_interval(mut self, interval: Duration) -> Self {
        self.config.health_interval = interval;
        self
    }

    /// The deadline of one health ping (10 s).
    pub fn ping_timeout(mut self, limit: Duration) -> Self {
        self.config.ping_timeout = limit;
        self
    }

    /// Failed pings in a row that make a health check fail (3; at least 1).
    pub fn ping_failures(mut self, count: u32) -> Self {
        self.config.ping_failures = count.max(1);
        self
    }

    /// How long a stopping plugin has to exit after `Shutdown` before it is killed (2 s).
    pub fn kill_after(mut self, grace: Duration) -> Self {
        self.config.kill_after = grace;
        self
    }

    /// What to do when a running plugin fails ([`RestartPolicy::SERVER`]).
    pub fn restart_policy(mut self, policy: RestartPolicy) -> Self {
        self.config.restart_policy = policy;
        self
    }

    /// The supervisor.
    pub fn build(self) -> Supervisor {
        let (events, _) = broadcast::channel(EVENT_BUFFER);
        let supervisor = Supervisor {
            shared: Arc::new(Shared {
                config: self.config,
                registry: self.registry,
                events,
                plugins: Arc::new(Mutex::new(HashMap::new())),
                generation: AtomicU64::new(0),
            }),
        };
        supervisor.shared.registry.supervisor_built(supervisor.downgrade());
        supervisor
    }
}

/// How many events a slow subscriber may fall behind before it misses some.
const EVENT_BUFFER: usize = 1024;

/// Launches plugins, keeps them running and stops them. Cheap to clone; when the last clone
/// is dropped, every plugin it runs is stopped gracefully (inside a running tokio runtime).
#[derive(Clone)]
pub struct Supervisor {
    shared: Arc<Shared>,
}

struct Shared {
    config: SupervisorConfig,
    registry: Arc<dyn PluginRegistry>,
    events: broadcast::Sender<SupervisorEvent>,
    plugins: Arc<Mutex<HashMap<String, Slot>>>,
    generation: AtomicU64,
}

/// A handle to a [`Supervisor`] that does not keep it alive: what a [`PluginRegistry`] keeps
/// to start and stop again the plugins the supervisor launched (the host's `EnablePlugin` and
/// `DisablePlugin`).
#[derive(Clone)]
pub struct WeakSupervisor(Weak<Shared>);

impl WeakSupervisor {
    /// The supervisor, unless every clone of it was dropped.
    pub fn upgrade(&self) -> Option<Supervisor> {
        self.0.upgrade().map(|shared| Supervisor { shared })
    }
}

impl fmt::Debug for WeakSupervisor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WeakSupervisor").field("alive", &(self.0.strong_count() > 0)).finish()
    }
}

/// A plugin under supervision.
#[derive(Debug)]
pub(crate) struct Slot {
    pub(crate) generation: u64,
    stop: mpsc::Sender<StopRequest>,
    connection: watch::Receiver<Option<PluginConnection>>,
}

impl fmt::Debug for Supervisor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Supervisor")
            .field("config", &self.shared.config)
            .field("registry", &self.shared.registry)
            .field("plugins", &self.plugin_ids())
            .finish()
    }
}

impl Supervisor {
    /// A builder that works with `registry` (usually the `mm_host::Host`).
    pub fn builder(registry: Arc<dyn PluginRegistry>) -> SupervisorBuilder {
        SupervisorBuilder { config: SupervisorConfig::default(), registry }
    }

    /// A supervisor with the server's settings that gives every plugin the PluginAPI at
    /// `target` (`127.0.0.1:<port>`) and registers them nowhere.
    pub fn with_api_target(target: impl Into<String>) -> Supervisor {
        Supervisor::builder(Arc::new(FixedApiTarget::new(target))).build()
    }

    /// A handle that does not keep the supervisor alive.
    pub fn downgrade(&self) -> WeakSupervisor {
        WeakSupervisor(Arc::downgrade(&self.shared))
    }

    /// Receives every [`SupervisorEvent`] from now on.
    pub fn subscribe(&self) -> broadcast::Receiver<SupervisorEvent> {
        self.shared.events.subscribe()
    }

    /// Launches the plugin and brings it up to the running state (see the module docs), then
    /// keeps it running in the background. Returns its connection, or why it did not start
    /// (a plugin that fails to start is not restarted, like on the server).
    pub async fn start(&self, spec: PluginSpec) -> Result<PluginConnection, SupervisorError> {
        let id = spec.plugin_id().to_owned();
        let generation = self.shared.generation.fetch_add(1, Ordering::Relaxed);
        let (stop_tx, stop_rx) = mpsc::channel(4);
        let (connection_tx, connection_rx) = watch::channel(None);
        {
            let mut plugins = self.lock_plugins();
            if plugins.contains_key(&id) {
                return Err(SupervisorError::new(
                    SupervisorErrorKind::AlreadyRunning,
                    &id,
                    "a plugin with this id is already running",
                ));
            }
            plugins.insert(id.clone(), Slot { generation, stop: stop_tx, connection: connection_rx });
        }
        // Frees the id if the launch fails or this future is dropped.
        let reservation = Reservation { plugins: &self.shared.plugins, id: &id, generation, armed: true };
        self.shared.registry.launching(&spec, self.downgrade());

        let monitor = Monitor {
            spec,
            config: self.shared.config.clone(),
            registry: self.shared.registry.clone(),
            events: self.shared.events.clone(),
            plugins: Arc::downgrade(&self.shared.plugins),
            generation,
            connection: connection_tx,
        };
        let instance = monitor.launch().await?;
        let connection = instance.connection.clone();
        monitor.publish(&connection);
        reservation.disarm();
        tokio::spawn(monitor.run(instance, stop_rx));
        Ok(connection)
    }

    /// The current connection of a running plugin (a new one after each restart).
    pub fn connection(&self, plugin_id: &str) -> Option<PluginConnection> {
        self.lock_plugins().get(plugin_id).and_then(|slot| slot.connection.borrow().clone())
    }

    /// Waits until the plugin is running again (after a restart) or is gone; `None` when it
    /// is not supervised (any more).
    pub async fn wait_connection(&self, plugin_id: &str) -> Option<PluginConnection> {
        let mut receiver = self.lock_plugins().get(plugin_id)?.connection.clone();
        receiver.wait_for(Option::is_some).await.ok().and_then(|c| c.clone())
    }

    /// The ids of the plugins under supervision (running or being restarted).
    pub fn plugin_ids(&self) -> Vec<String> {
        let mut ids: Vec<String> = self.lock_plugins().keys().cloned().collect();
        ids.sort();
        ids
    }

    /// Stops a plugin gracefully (see the module docs) and says how its process ended.
    pub async fn stop(&self, plugin_id: &str) -> Result<StopOutcome, SupervisorError> {
        let stop = self.lock_plugins().get(plugin_id).map(|slot| slot.stop.clone());
        let not_running = || {
            SupervisorError::new(
                SupervisorErrorKind::NotRunning,
                plugin_id,
                "no plugin with this id is running",
            )
        };
        let stop = stop.ok_or_else(not_running)?;
        let (reply_tx, reply_rx) = oneshot::channel();
        stop.send(reply_tx).await.map_err(|_| not_running())?;
        // The monitor always answers unless it ended on its own just now (gave up).
        Ok(reply_rx.await.unwrap_or(StopOutcome::NotRunning))
    }

    /// Stops every plugin, concurrently.
    pub async fn stop_all(&self) -> Vec<(String, StopOutcome)> {
        let ids = self.plugin_ids();
        let stops = ids.iter().map(|id| async move {
            let outcome = self.stop(id).await.unwrap_or(StopOutcome::NotRunning);
            (id.clone(), outcome)
        });
        futures_util::future::join_all(stops).await
    }

    fn lock_plugins(&self) -> std::sync::MutexGuard<'_, HashMap<String, Slot>> {
        // A panic while holding this lock cannot leave the map inconsistent (single inserts
        // and removes), so a poisoned lock is still usable.
        self.shared.plugins.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// Removes a plugin's slot unless disarmed.
struct Reservation<'a> {
    plugins: &'a Mutex<HashMap<String, Slot>>,
    id: &'a str,
    generation: u64,
    armed: bool,
}

impl Reservation<'_> {
    fn disarm(mut self) {
        self.armed = false;
    }
}

impl Drop for Reservation<'_> {
    fn drop(&mut self) {
        if !self.armed {
            return;
        }
        let mut plugins = self.plugins.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if plugins.get(self.id).is_some_and(|slot| slot.generation == self.generation) {
            plugins.remove(self.id);
        }
    }
}
