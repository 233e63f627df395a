//! What the supervisor reports while it runs plugins (the CLI's progress display).

use std::fmt;
use std::path::PathBuf;

use super::child::ProcessExit;
use super::handshake::PluginAddress;
use mm_proto::protocol::Protocol;

/// How a stopped plugin process ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum StopOutcome {
    /// The process exited by itself within the grace period after `Shutdown`.
    Exited(ProcessExit),
    /// The process was still running after the grace period and was killed.
    Killed(ProcessExit),
    /// No process was running (the plugin had failed and was between restarts).
    NotRunning,
}

impl fmt::Display for StopOutcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StopOutcome::Exited(exit) => write!(f, "exited by itself ({exit})"),
            StopOutcome::Killed(exit) => write!(f, "did not exit in time and was killed ({exit})"),
            StopOutcome::NotRunning => f.write_str("was not running"),
        }
    }
}

/// A step in the life of a supervised plugin.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum SupervisorEvent {
    /// The process is being started.
    Launching {
        /// The plugin id.
        plugin_id: String,
        /// The program.
        program: PathBuf,
    },
    /// The process started.
    Launched {
        /// The plugin id.
        plugin_id: String,
        /// Its process id.
        pid: Option<u32>,
    },
    /// The handshake line was read.
    Handshake {
        /// The plugin id.
        plugin_id: String,
        /// Where the plugin serves.
        address: PluginAddress,
        /// The protocol it is run with.
        protocol: Protocol,
    },
    /// The plugin answered its first health check: the gRPC health service reported `plugin`
    /// SERVING, or `Control.Ping` answered (net/rpc).
    Healthy {
        /// The plugin id.
        plugin_id: String,
        /// The protocol it is run with.
        protocol: Protocol,
    },
    /// `Implemented` answered.
    Implemented {
        /// The plugin id.
        plugin_id: String,
        /// The hooks the host will call.
        hooks: Vec<String>,
        /// Names that are not hooks of the protocol (ignored, like the server does).
        unknown: Vec<String>,
    },
    /// `OnActivate` succeeded (or the plugin does not implement it): the plugin is running.
    Activated {
        /// The plugin id.
        plugin_id: String,
    },
    /// A health ping failed.
    HealthCheckFailed {
        /// The plugin id.
        plugin_id: String,
        /// Failed pings in a row, this one included.
        attempt: u32,
        /// Why.
        error: String,
    },
    /// The running plugin failed: its process ended, or it stopped answering health checks.
    Failed {
        /// The plugin id.
        plugin_id: String,
        /// Why.
        reason: String,
    },
    /// The plugin is being restarted after a failure.
    Restarting {
        /// The plugin id.
        plugin_id: String,
        /// Failures counted in the restart policy's window so far.
        failures: u32,
    },
    /// A restart did not bring the plugin up (counts as another failure).
    RestartFailed {
        /// The plugin id.
        plugin_id: String,
        /// Why.
        error: String,
    },
    /// Too many failures within the restart policy's window: the plugin stays deactivated.
    GaveUp {
        /// The plugin id.
        plugin_id: String,
        /// Failures counted in the window.
        failures: u32,
        /// The last failure.
        reason: String,
    },
    /// A stop was requested: `OnDeactivate`, `Shutdown`, then the grace period.
    Stopping {
        /// The plugin id.
        plugin_id: String,
    },
    /// The plugin is stopped.
    Stopped {
        /// The plugin id.
        plugin_id: String,
        /// How the process ended.
        outcome: StopOutcome,
    },
}

impl SupervisorEvent {
    /// The plugin the event is about.
    pub fn plugin_id(&self) -> &str {
        match self {
            SupervisorEvent::Launching { plugin_id, .. }
            | SupervisorEvent::Launched { plugin_id, .. }
            | SupervisorEvent::Handshake { plugin_id, .. }
            | SupervisorEvent::Healthy { plugin_id, .. }
            | SupervisorEvent::Implemented { plugin_id, .. }
            | SupervisorEvent::Activated { plugin_id }
            | SupervisorEvent::HealthCheckFailed { plugin_id, .. }
            | SupervisorEvent::Failed { plugin_id, .. }
            | SupervisorEvent::Restarting { plugin_id, .. }
            | SupervisorEvent::RestartFailed { plugin_id, .. }
            | SupervisorEvent::GaveUp { plugin_id, .. }
            | SupervisorEvent::Stopping { plugin_id }
            | SupervisorEvent::Stopped { plugin_id, .. } => plugin_id,
        }
    }

    /// Whether the event reports a problem.
    pub fn is_problem(&self) -> bool {
        matches!(
            self,
            SupervisorEvent::HealthCheckFailed { .. }
                | SupervisorEvent::Failed { .. }
                | SupervisorEvent::RestartFailed { .. }
                | SupervisorEvent::GaveUp { .. }
                | SupervisorEvent::Stopped { outcome: StopOutcome::Killed(_), .. }
        )
    }
}

/// One readable line, without the plugin id.
impl fmt::Display for SupervisorEvent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SupervisorEvent::Launching { program, .. } => write!(f, "launching {}", program.display()),
            SupervisorEvent::Launched { pid: Some(pid), .. } => write!(f, "process started (pid {pid})"),
            SupervisorEvent::Launched { pid: None, .. } => f.write_str("process started"),
            SupervisorEvent::Handshake { address, protocol: Protocol::Grpc, .. } => {
                write!(f, "handshake: gRPC on {address}")
            }
            SupervisorEvent::Handshake { address, .. } => write!(f, "handshake: net/rpc on {address}"),
            SupervisorEvent::Healthy { protocol: Protocol::Grpc, .. } => {
                f.write_str("health: \"plugin\" is SERVING")
            }
            SupervisorEvent::Healthy { .. } => f.write_str("health: Control.Ping answered"),
            SupervisorEvent::Implemented { hooks, unknown, .. } => {
                if hooks.is_empty() {
                    f.write_str("Implemented: no hooks")?;
                } else {
                    write!(f, "Implemented: {}", hooks.join(", "))?;
                }
                if !unknown.is_empty() {
                    write!(f, " (ignored unknown names: {})", unknown.join(", "))?;
                }
                Ok(())
            }
            SupervisorEvent::Activated { .. } => f.write_str("activated"),
            SupervisorEvent::HealthCheckFailed { attempt, error, .. } => {
                write!(f, "health check {attempt} failed: {error}")
            }
            SupervisorEvent::Failed { reason, .. } => write!(f, "failed: {reason}"),
            SupervisorEvent::Restarting { failures, .. } => {
                write!(f, "restarting (failure {failures} within the restart window)")
            }
            SupervisorEvent::RestartFailed { error, .. } => write!(f, "restart failed: {error}"),
            SupervisorEvent::GaveUp { failures, reason, .. } => {
                write!(f, "deactivated after {failures} failures within the restart window; last: {reason}")
            }
            SupervisorEvent::Stopping { .. } => f.write_str("stopping: OnDeactivate, Shutdown"),
            SupervisorEvent::Stopped { outcome, .. } => write!(f, "stopped: the process {outcome}"),
        }
    }
}
