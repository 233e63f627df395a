//! One run of a plugin process: launch through activation, and the graceful stop.

use std::time::Duration;

use tokio::io::{AsyncBufReadExt, BufReader};
use tonic::transport::Channel;

use super::SupervisorConfig;
use super::child::{self, ChildProcess};
use super::connection::{self, PluginConnection, secs};
use super::error::{SupervisorError, SupervisorErrorKind};
use super::event::{StopOutcome, SupervisorEvent};
use super::handshake::parse_handshake;
use super::known_hooks::split_known;
use super::netrpc;
use super::registry::PluginRegistry;
use super::spec::PluginSpec;
use crate::events::HookLink;
use mm_hooks::{Hook, Protocol};
use mm_netrpc::host::PluginClient;
use std::sync::Arc;

/// How long to wait for a process that closed its stdout to report its exit, and for its last
/// stderr lines, before describing a failed start.
const EXIT_REPORT_WAIT: Duration = Duration::from_secs(1);

/// A launched, activated plugin process.
#[derive(Debug)]
pub(crate) struct Instance {
    pub(crate) connection: PluginConnection,
    session: Session,
    pub(crate) process: ChildProcess,
}

/// The host's side of the plugin's connection, per protocol.
enum Session {
    /// The fork's gRPC: the channel (health and `GRPCController` go over it).
    Grpc(Channel),
    /// A stock server's net/rpc: the yamux session with its control stream and broker.
    NetRpc(Box<PluginClient>),
}

impl std::fmt::Debug for Session {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Session::Grpc(_) => f.write_str("Session::Grpc"),
            Session::NetRpc(client) => f.debug_tuple("Session::NetRpc").field(client).finish(),
        }
    }
}

impl Instance {
    /// Launches the plugin the way the server does and brings it to the running state:
    /// handshake (limit), connect, health (gRPC) or dispense (net/rpc), `Implemented`,
    /// `OnActivate`. On any failure the process is killed and the error says which step failed.
    pub(crate) async fn launch(
        spec: &PluginSpec,
        config: &SupervisorConfig,
        api_target: Option<&str>,
        registry: &dyn PluginRegistry,
        emit: &(dyn Fn(SupervisorEvent) + Send + Sync),
    ) -> Result<Instance, SupervisorError> {
        let id = spec.plugin_id();
        emit(SupervisorEvent::Launching { plugin_id: id.to_owned(), program: spec.program().to_path_buf() });
        let (mut process, stdout) = ChildProcess::spawn(spec, api_target)?;
        emit(SupervisorEvent::Launched { plugin_id: id.to_owned(), pid: process.pid() });

        match Self::bring_up(spec, config, registry, &process, stdout, emit).await {
            Ok((connection, session)) => Ok(Instance { connection, session, process }),
            Err(error) => Err(explain_failure(id, &mut process, error).await),
        }
    }

    async fn bring_up(
        spec: &PluginSpec,
        config: &SupervisorConfig,
        registry: &dyn PluginRegistry,
        process: &ChildProcess,
        stdout: tokio::process::ChildStdout,
        emit: &(dyn Fn(SupervisorEvent) + Send + Sync),
    ) -> Result<(PluginConnection, Session), SupervisorError> {
        let id = spec.plugin_id();
        let protocol = spec.protocol();
        // The fork allows 10 s; a stock server 3 s for the handshake and the connection.
        let handshake_timeout = match protocol {
            Protocol::Grpc => config.handshake_timeout,
            _ => config.stock_start_timeout,
        };
        let mut lines = BufReader::new(stdout).lines();
        let first = tokio::time::timeout(handshake_timeout, lines.next_line()).await;
        let line = match first {
            Err(_) => {
                return Err(SupervisorError::new(
                    SupervisorErrorKind::HandshakeTimeout,
                    id,
                    format!(
                        "no handshake line within {} (a plugin must print `{}` on stdout once it serves; \
                         is it a Mattermost plugin built with mm-hooks?)",
                        secs(handshake_timeout),
                        example_line(protocol)
                    ),
                ));
            }
            Ok(Ok(Some(line))) => line,
            Ok(Ok(None)) => {
                return Err(SupervisorError::new(
                    SupervisorErrorKind::ExitedEarly,
                    id,
                    "the plugin closed its stdout without a handshake line",
                ));
            }
            Ok(Err(e)) => {
                return Err(SupervisorError::new(
                    SupervisorErrorKind::HandshakeInvalid,
                    id,
                    "cannot read the handshake line",
                )
                .with_source(e));
            }
        };
        let handshake = parse_handshake(&line, protocol).map_err(|reason| {
            SupervisorError::new(
                SupervisorErrorKind::HandshakeInvalid,
                id,
                format!("bad handshake: {reason}"),
            )
        })?;
        emit(SupervisorEvent::Handshake {
            plugin_id: id.to_owned(),
            address: handshake.address.clone(),
            protocol,
        });
        tokio::spawn(child::log_stdout(id.to_owned(), lines));

        let (connection, session) = match protocol {
            Protocol::Grpc => {
                let channel =
                    connection::open_channel(id, &handshake.address, config.connect_timeout).await?;
                connection::check_health(id, &channel, config.ping_timeout).await?;
                emit(SupervisorEvent::Healthy { plugin_id: id.to_owned(), protocol });
                let names = connection::call_implemented(id, &channel, config.implemented_timeout).await?;
                let hooks = known_hooks(id, names, protocol, emit);
                let connection =
                    PluginConnection::new(id, channel.clone(), hooks).with_address(handshake.address);
                // The fork calls only listed hooks, OnActivate included.
                if connection.implements(Hook::OnActivate.rpc_name()) {
                    connection::call_on_activate(&connection, config.hook_timeout).await?;
                }
                (connection, Session::Grpc(channel))
            }
            _ => {
                let client = netrpc::connect(id, &handshake.address, config.connect_timeout).await?;
                netrpc::ping(id, &client, config.ping_timeout).await?;
                emit(SupervisorEvent::Healthy { plugin_id: id.to_owned(), protocol });
                let hooks = netrpc::dispense_hooks(id, &client, config.implemented_timeout).await?;
                let names = netrpc::call_implemented(id, &hooks, config.implemented_timeout).await?;
                let names = known_hooks(id, names, protocol, emit);
                let connection = PluginConnection::over(id, HookLink::NetRpc(hooks.clone()), names)
                    .with_address(handshake.address);
                // A stock server calls OnActivate whether or not the plugin listed it.
                let api = registry
                    .net_rpc_api(id, client.broker())
                    .unwrap_or_else(|| Arc::new(netrpc::NO_PLUGIN_API));
                netrpc::activate(id, &client, &hooks, api, config.hook_timeout).await?;
                (connection, Session::NetRpc(Box::new(client)))
            }
        };
        if let Some(exit) = process.exit_status() {
            return Err(SupervisorError::new(
                SupervisorErrorKind::ExitedEarly,
                id,
                format!("the plugin process ended during activation ({exit})"),
            ));
        }
        emit(SupervisorEvent::Activated { plugin_id: id.to_owned() });
        Ok((connection, session))
    }

    /// One health ping: the gRPC health service, or `Control.Ping`.
    pub(crate) async fn ping(&self, timeout: Duration) -> Result<(), SupervisorError> {
        let id = self.connection.id();
        match &self.session {
            Session::Grpc(channel) => connection::check_health(id, channel, timeout).await,
            Session::NetRpc(client) => netrpc::ping(id, client, timeout).await,
        }
    }

    /// Stops the plugin as the server does: `OnDeactivate` (if listed), then
    /// `GRPCController/Shutdown` or `Control.Quit`, close the connection, wait for the process up
    /// to `kill_after`, then kill it.
    pub(crate) async fn stop(self, config: &SupervisorConfig) -> StopOutcome {
        let Instance { connection, session, mut process } = self;
        let id = connection.id().to_owned();
        if let Some(exit) = process.exit_status() {
            return StopOutcome::Exited(exit);
        }
        if connection.implements(Hook::OnDeactivate.rpc_name())
            && let Err(error) = connection::call_on_deactivate(&connection, config.hook_timeout).await
        {
            tracing::warn!(plugin = %id, "{error}");
        }
        match session {
            Session::Grpc(channel) => {
                if let Err(error) = connection::call_shutdown(channel, config.kill_after).await {
                    tracing::debug!(plugin = %id, "{error}");
                }
            }
            Session::NetRpc(client) => netrpc::quit(&id, *client, config.kill_after).await,
        }
        // Our clients go away here; the plugin should notice and exit.
        drop(connection);
        match process.exited_within(config.kill_after).await {
            Some(exit) => StopOutcome::Exited(exit),
            None => {
                tracing::warn!(plugin = %id, "the plugin did not exit within {} after Shutdown; killing it", secs(config.kill_after));
                StopOutcome::Killed(process.kill().await)
            }
        }
    }

    /// Kills the process at once (after a failure).
    pub(crate) async fn kill(self) -> StopOutcome {
        let Instance { mut process, .. } = self;
        match process.exit_status() {
            Some(exit) => StopOutcome::Exited(exit),
            None => StopOutcome::Killed(process.kill().await),
        }
    }
}

/// The hooks of an `Implemented` answer that the server knows (others are logged and ignored).
fn known_hooks(
    id: &str,
    names: Vec<String>,
    protocol: Protocol,
    emit: &(dyn Fn(SupervisorEvent) + Send + Sync),
) -> Vec<String> {
    let (hooks, unknown) = split_known(names, protocol);
    if !unknown.is_empty() {
        tracing::warn!(plugin = id, ?unknown, "Implemented listed names that are not hooks; ignoring them");
    }
    let hooks: Vec<String> = hooks.iter().map(|h| h.rpc_name().to_owned()).collect();
    emit(SupervisorEvent::Implemented { plugin_id: id.to_owned(), hooks: hooks.clone(), unknown });
    hooks
}

/// The handshake line a plugin on `protocol` prints.
fn example_line(protocol: Protocol) -> &'static str {
    match protocol {
        Protocol::Grpc => "1|1|tcp|127.0.0.1:<port>|grpc",
        _ => "1|1|unix|<socket path>|netrpc|",
    }
}

/// Kills a process that failed to start and, when it had ended by itself, says so with its
/// exit status and last stderr lines (usually the plugin's own explanation).
async fn explain_failure(id: &str, process: &mut ChildProcess, error: SupervisorError) -> SupervisorError {
    let exited_by_itself = process.exited_within(short_wait(&error)).await;
    let exit = match exited_by_itself {
        Some(exit) => Some(exit),
        None => {
            process.kill().await;
            None
        }
    };
    let Some(exit) = exit else { return error };
    let tail = process.stderr_tail(EXIT_REPORT_WAIT).await;
    let mut message = format!("{} (the process ended: {exit})", error.message());
    if !tail.is_empty() {
        message.push_str("; its last stderr lines:\n  ");
        message.push_str(&tail.join("\n  "));
    }
    let kind = match error.kind() {
        SupervisorErrorKind::ActivationFailed if error.app_error().is_some() => error.kind(),
        _ => SupervisorErrorKind::ExitedEarly,
    };
    let mut explained = SupervisorError::new(kind, id, message);
    if let Some(app_error) = error.app_error() {
        explained = explained.with_app_error(app_error.clone());
    }
    explained
}

/// A closed stdout means the process is ending: wait for its status a little longer then.
fn short_wait(error: &SupervisorError) -> Duration {
    match error.kind() {
        SupervisorErrorKind::ExitedEarly => EXIT_REPORT_WAIT,
        _ => Duration::from_millis(200),
    }
}
