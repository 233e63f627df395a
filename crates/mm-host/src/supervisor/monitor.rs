//! The task that watches one running plugin: health pings, process exit, restarts, stop.

use std::collections::HashMap;
use std::sync::{Mutex, Weak};
use std::time::Duration;

use tokio::sync::{broadcast, mpsc, oneshot, watch};
use tokio::time::{Instant, MissedTickBehavior};

use super::connection::PluginConnection;
use super::error::{SupervisorError, SupervisorErrorKind};
use super::event::{StopOutcome, SupervisorEvent};
use super::instance::Instance;
use super::registry::PluginRegistry;
use super::restart::{Decision, FailureHistory};
use super::spec::PluginSpec;
use super::{Slot, SupervisorConfig};
use mm_proto::protocol::Protocol;

/// A stop request; the outcome goes back through the sender.
pub(crate) type StopRequest = oneshot::Sender<StopOutcome>;

/// Everything one plugin's supervision needs.
#[derive(Debug)]
pub(crate) struct Monitor {
    pub(crate) spec: PluginSpec,
    pub(crate) config: SupervisorConfig,
    pub(crate) registry: std::sync::Arc<dyn PluginRegistry>,
    pub(crate) events: broadcast::Sender<SupervisorEvent>,
    pub(crate) plugins: Weak<Mutex<HashMap<String, Slot>>>,
    pub(crate) generation: u64,
    pub(crate) connection: watch::Sender<Option<PluginConnection>>,
}

/// Why watching a running plugin ended.
enum Watch {
    /// A stop was requested (`None`: the supervisor itself went away).
    Stop(Option<StopRequest>),
    /// The plugin failed.
    Failed(String),
}

impl Monitor {
    fn id(&self) -> &str {
        self.spec.plugin_id()
    }

    pub(crate) fn emit(&self, event: SupervisorEvent) {
        emit(&self.events, event);
    }

    /// Asks the host for the PluginAPI address (gRPC; over net/rpc the API is served on the
    /// plugin's own connection) and launches one instance.
    pub(crate) async fn launch(&self) -> Result<Instance, SupervisorError> {
        let id = self.id();
        let target = match self.spec.protocol() {
            Protocol::Grpc => Some(self.registry.api_target(id).await.map_err(|e| {
                SupervisorError::new(
                    SupervisorErrorKind::ApiTarget,
                    id,
                    "the host has no PluginAPI listener for it",
                )
                .with_source(e)
            })?),
            _ => None,
        };
        let events = self.events.clone();
        let sink = move |event: SupervisorEvent| emit(&events, event);
        Instance::launch(&self.spec, &self.config, target.as_deref(), &*self.registry, &sink).await
    }

    /// The plugin is up: tell the host and the supervisor's readers.
    pub(crate) fn publish(&self, connection: &PluginConnection) {
        self.registry.register(connection.clone());
        self.connection.send_replace(Some(connection.clone()));
    }

    fn withdraw(&self) {
        self.registry.unregister(self.id());
        self.connection.send_replace(None);
    }

    /// Supervises `instance` until the plugin is stopped or given up.
    pub(crate) async fn run(self, mut instance: Instance, mut stop: mpsc::Receiver<StopRequest>) {
        let mut history = FailureHistory::default();
        'running: loop {
            let mut reason = match self.watch(&instance, &mut stop).await {
                Watch::Stop(reply) => {
                    self.withdraw();
                    self.emit(SupervisorEvent::Stopping { plugin_id: self.id().to_owned() });
                    let outcome = instance.stop(&self.config).await;
                    self.finish(SupervisorEvent::Stopped { plugin_id: self.id().to_owned(), outcome });
                    if let Some(reply) = reply {
                        let _ = reply.send(outcome);
                    }
                    return;
                }
                Watch::Failed(reason) => reason,
            };
            self.withdraw();
            self.emit(SupervisorEvent::Failed { plugin_id: self.id().to_owned(), reason: reason.clone() });
            instance.kill().await;

            loop {
                match history.record(&self.config.restart_policy, std::time::Instant::now()) {
                    Decision::GiveUp(failures) => {
                        self.finish(SupervisorEvent::GaveUp {
                            plugin_id: self.id().to_owned(),
                            failures,
                            reason,
                        });
                        return;
                    }
                    Decision::Restart(failures) => {
                        self.emit(SupervisorEvent::Restarting { plugin_id: self.id().to_owned(), failures });
                        let launched = tokio::select! {
                            launched = self.launch() => launched,
                            // Dropping the launch kills the half-started process.
                            reply = stop.recv() => {
                                self.finish(SupervisorEvent::Stopped {
                                    plugin_id: self.id().to_owned(),
                                    outcome: StopOutcome::NotRunning,
                                });
                                if let Some(reply) = reply {
                                    let _ = reply.send(StopOutcome::NotRunning);
                                }
                                return;
                            }
                        };
                        match launched {
                            Ok(new_instance) => {
                                instance = new_instance;
                                self.publish(&instance.connection);
                                continue 'running;
                            }
                            Err(error) => {
                                reason = error.to_string();
                                self.emit(SupervisorEvent::RestartFailed {
                                    plugin_id: self.id().to_owned(),
                                    error: reason.clone(),
                                });
                            }
                        }
                    }
                }
            }
        }
    }

    /// Waits for a stop request, the process ending, or a failed health check.
    async fn watch(&self, instance: &Instance, stop: &mut mpsc::Receiver<StopRequest>) -> Watch {
        let interval = self.config.health_interval;
        let mut ticker = tokio::time::interval_at(Instant::now() + interval, interval);
        ticker.set_missed_tick_behavior(MissedTickBehavior::Delay);
        loop {
            tokio::select! {
                reply = stop.recv() => return Watch::Stop(reply),
                exit = instance.process.exited() => {
                    return Watch::Failed(format!("the plugin process ended unexpectedly ({exit})"));
                }
                _ = ticker.tick() => {
                    if let Err(reason) = self.health_check(instance).await {
                        return Watch::Failed(reason);
                    }
                }
            }
        }
    }

    /// One health check as the server does it: up to `ping_failures` pings in a row.
    async fn health_check(&self, instance: &Instance) -> Result<(), String> {
        let mut last = String::new();
        for attempt in 1..=self.config.ping_failures {
            match instance.ping(self.config.ping_timeout).await {
                Ok(()) => return Ok(()),
                Err(error) => {
                    last = error.message().to_owned();
                    self.emit(SupervisorEvent::HealthCheckFailed {
                        plugin_id: self.id().to_owned(),
                        attempt,
                        error: last.clone(),
                    });
                    if attempt < self.config.ping_failures {
                        tokio::time::sleep(PING_RETRY_PAUSE).await;
                    }
                }
            }
        }
        Err(format!("the plugin did not answer {} health checks in a row: {last}", self.config.ping_failures))
    }

    /// Frees the plugin id, then reports the final event (so a reader of that event can
    /// start the plugin again at once).
    fn finish(&self, event: SupervisorEvent) {
        if let Some(plugins) = self.plugins.upgrade()
            && let Ok(mut plugins) = plugins.lock()
            && plugins.get(self.id()).is_some_and(|slot| slot.generation == self.generation)
        {
            plugins.remove(self.id());
        }
        self.connection.send_replace(None);
        self.emit(event);
    }
}

/// A short pause between the pings of one health check, so a plugin busy for a moment is not
/// failed by three pings within microseconds.
const PING_RETRY_PAUSE: Duration = Duration::from_millis(100);

/// Sends an event to the subscribers and the log.
pub(crate) fn emit(events: &broadcast::Sender<SupervisorEvent>, event: SupervisorEvent) {
    if event.is_problem() {
        tracing::warn!(target: "mm_host::supervisor", plugin = event.plugin_id(), "{event}");
    } else {
        tracing::debug!(target: "mm_host::supervisor", plugin = event.plugin_id(), "{event}");
    }
    // No subscriber is fine.
    let _ = events.send(event);
}
