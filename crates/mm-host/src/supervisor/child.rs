//! The plugin process: spawned like the server spawns it, its output read line by line, its
//! exit watched, killed on request or when dropped.

use std::collections::VecDeque;
use std::fmt;
use std::process::{ExitStatus, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, AsyncRead, BufReader, Lines};
use tokio::process::{ChildStdout, Command};
use tokio::sync::{oneshot, watch};

use super::error::{SupervisorError, SupervisorErrorKind};
use super::plugin_log::{self, Stream};
use super::spec::PluginSpec;

use mm_proto::protocol::{
    API_TARGET_ENV, APP_PROTOCOL_VERSION, MAGIC_COOKIE_KEY, MAGIC_COOKIE_VALUE, MAX_PORT_ENV, MIN_PORT_ENV,
    PROTOCOL_VERSIONS_ENV,
};

/// How many of the last stderr lines are kept to explain a failed start.
const STDERR_TAIL_LINES: usize = 20;

/// How a plugin process ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ProcessExit {
    /// The exit code, when the process exited by itself.
    pub code: Option<i32>,
    /// The signal that ended it, on unix.
    pub signal: Option<i32>,
}

impl ProcessExit {
    fn from_status(status: ExitStatus) -> Self {
        #[cfg(unix)]
        let signal = std::os::unix::process::ExitStatusExt::signal(&status);
        #[cfg(not(unix))]
        let signal = None;
        ProcessExit { code: status.code(), signal }
    }

    /// Whether the process exited with code 0.
    pub fn success(&self) -> bool {
        self.code == Some(0)
    }
}

impl fmt::Display for ProcessExit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.code, self.signal) {
            (Some(code), _) => write!(f, "exit code {code}"),
            (None, Some(9)) => f.write_str("killed (SIGKILL)"),
            (None, Some(signal)) => write!(f, "ended by signal {signal}"),
            (None, None) => f.write_str("unknown exit status"),
        }
    }
}

/// A spawned plugin process.
#[derive(Debug)]
pub(crate) struct ChildProcess {
    pid: Option<u32>,
    exit: watch::Receiver<Option<ProcessExit>>,
    kill: Option<oneshot::Sender<()>>,
    stderr_tail: Arc<Mutex<VecDeque<String>>>,
    stderr_closed: watch::Receiver<bool>,
}

impl ChildProcess {
    /// Starts the plugin with the server's environment plus the protocol variables. The fork
    /// (`api_target` given: its PluginAPI listener) runs it with its one argument in its
    /// folder; a stock server runs the bare executable in the server's own working directory,
    /// without an API address (the API comes over the plugin's connection). Returns the process
    /// and its stdout (the handshake is read from it); stderr is logged from here on.
    pub(crate) fn spawn(
        spec: &PluginSpec,
        api_target: Option<&str>,
    ) -> Result<(ChildProcess, ChildStdout), SupervisorError> {
        let id = spec.plugin_id();
        let mut command = Command::new(spec.program());
        match api_target {
            Some(target) => {
                command.arg(spec.argument()).current_dir(spec.dir()).env(API_TARGET_ENV, target);
            }
            None => {
                command.env_remove(API_TARGET_ENV);
            }
        }
        command
            .env(MAGIC_COOKIE_KEY, MAGIC_COOKIE_VALUE)
            .env(MIN_PORT_ENV, "10000")
            .env(MAX_PORT_ENV, "25000")
            .env(PROTOCOL_VERSIONS_ENV, APP_PROTOCOL_VERSION.to_string())
            // The server runs plugins without TLS.
            .env_remove("PLUGIN_CLIENT_CERT")
            .envs(spec.extra_env().iter().map(|(k, v)| (k, v)))
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            // A dropped supervisor must not leave plugin processes behind.
            .kill_on_drop(true);
        let mut child = command.spawn().map_err(|e| {
            SupervisorError::new(
                SupervisorErrorKind::Spawn,
                id,
                format!("cannot start {}", spec.program().display()),
            )
            .with_source(e)
        })?;
        let pid = child.id();
        let stdout = child.stdout.take();
        let stderr = child.stderr.take();
        let (Some(stdout), Some(stderr)) = (stdout, stderr) else {
            return Err(SupervisorError::new(
                SupervisorErrorKind::Spawn,
                id,
                "the plugin's output pipes are missing",
            ));
        };

        let stderr_tail = Arc::new(Mutex::new(VecDeque::with_capacity(STDERR_TAIL_LINES)));
        let (closed_tx, stderr_closed) = watch::channel(false);
        let (tail, plugin_id) = (stderr_tail.clone(), id.to_owned());
        tokio::spawn(async move {
            log_stderr(&plugin_id, stderr, &tail).await;
            let _ = closed_tx.send(true);
        });

        let (exit_tx, exit_rx) = watch::channel(None);
        let (kill_tx, kill_rx) = oneshot::channel::<()>();
        tokio::spawn(async move {
            let status = tokio::select! {
                status = child.wait() => status,
                // A kill request, or the handle dropped.
                _ = kill_rx => {
                    let _ = child.start_kill();
                    child.wait().await
                }
            };
            let exit = match status {
                Ok(status) => ProcessExit::from_status(status),
                Err(_) => ProcessExit { code: None, signal: None },
            };
            let _ = exit_tx.send(Some(exit));
        });

        Ok((ChildProcess { pid, exit: exit_rx, kill: Some(kill_tx), stderr_tail, stderr_closed }, stdout))
    }

    /// The process id.
    pub(crate) fn pid(&self) -> Option<u32> {
        self.pid
    }

    /// How the process ended, if it has.
    pub(crate) fn exit_status(&self) -> Option<ProcessExit> {
        *self.exit.borrow()
    }

    /// Waits until the process has ended.
    pub(crate) async fn exited(&self) -> ProcessExit {
        let mut exit = self.exit.clone();
        match exit.wait_for(Option::is_some).await {
            Ok(value) => value.unwrap_or(ProcessExit { code: None, signal: None }),
            // The watcher task ended without a status: the runtime is shutting down.
            Err(_) => ProcessExit { code: None, signal: None },
        }
    }

    /// Waits up to `limit` for the process to end.
    pub(crate) async fn exited_within(&self, limit: Duration) -> Option<ProcessExit> {
        tokio::time::timeout(limit, self.exited()).await.ok()
    }

    /// Kills the process (SIGKILL) and waits for it to end.
    pub(crate) async fn kill(&mut self) -> ProcessExit {
        if let Some(kill) = self.kill.take() {
            let _ = kill.send(());
        }
        self.exited().await
    }

    /// The last stderr lines, oldest first, for error messages; waits up to `limit` for the
    /// stream to close so the lines written just before an exit are included.
    pub(crate) async fn stderr_tail(&self, limit: Duration) -> Vec<String> {
        let mut closed = self.stderr_closed.clone();
        let _ = tokio::time::timeout(limit, closed.wait_for(|closed| *closed)).await;
        self.stderr_tail.lock().map(|tail| tail.iter().cloned().collect()).unwrap_or_default()
    }
}

/// Logs every stderr line (hclog JSON or text) and keeps the last few.
async fn log_stderr(id: &str, stderr: impl AsyncRead + Unpin, tail: &Mutex<VecDeque<String>>) {
    let mut lines = BufReader::new(stderr).lines();
    while let Ok(Some(line)) = lines.next_line().await {
        plugin_log::emit(id, Stream::Stderr, &line);
        if let Ok(mut tail) = tail.lock() {
            if tail.len() == STDERR_TAIL_LINES {
                tail.pop_front();
            }
            tail.push_back(plugin_log::parse_line(Stream::Stderr, &line).render());
        }
    }
}

/// Logs the stdout lines after the handshake.
pub(crate) async fn log_stdout(id: String, mut lines: Lines<BufReader<ChildStdout>>) {
    while let Ok(Some(line)) = lines.next_line().await {
        plugin_log::emit(&id, Stream::Stdout, &line);
    }
}
