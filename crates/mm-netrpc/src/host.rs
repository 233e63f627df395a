//! go-plugin's client side: what a Mattermost server does with a plugin process.
//!
//! [`PluginCommand::spawn`] starts the plugin with the magic cookie and go-plugin's environment,
//! reads its handshake line within the start timeout (3 s, as Mattermost), dials it, runs the
//! yamux client and opens streams 1, 3 and 5. The [`PluginClient`] then dispenses services
//! ([`PluginClient::dispense`] gives an [`rpc::Client`]), pings, and stops the plugin the way
//! go-plugin's `Kill` does.
//!
//! ```no_run
//! use mm_netrpc::host::PluginCommand;
//!
//! # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
//! let plugin = PluginCommand::new("./plugins/com.example.demo/server/dist/plugin-linux-amd64").spawn().await?;
//! let hooks = plugin.dispense("hooks").await?;
//! let implemented: Vec<String> = hooks.call("Plugin.Implemented", &()).await?;
//! println!("{implemented:?}");
//! plugin.ping().await?;
//! let status = plugin.shutdown().await?;
//! println!("plugin exited: {status:?}");
//! # Ok(())
//! # }
//! ```

use std::ffi::OsStr;
use std::fmt;
use std::process::{ExitStatus, Stdio};
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncReadExt, AsyncWrite, BufReader};
use tokio::process::{Child, ChildStderr, ChildStdout, Command};

use crate::broker::Broker;
use crate::error::{Error, ErrorKind};
use crate::handshake::{Handshake, HandshakeConfig, MAX_LINE_LEN, PluginAddress};
use crate::rpc::{self, CallError};
use crate::yamux::{Config, Session, Stream};

/// Mattermost's `StartTimeout`: the handshake line must come within it.
pub const START_TIMEOUT: Duration = Duration::from_secs(3);

/// How long go-plugin's `Kill` waits for the plugin to exit after `Control.Quit`.
pub const EXIT_TIMEOUT: Duration = Duration::from_secs(2);

/// How to start a plugin process.
#[derive(Debug)]
pub struct PluginCommand {
    command: Command,
    handshake: HandshakeConfig,
    start_timeout: Duration,
    keep_stdio: bool,
    stderr: Option<Stdio>,
}

impl PluginCommand {
    /// Runs `program` without arguments, as Mattermost does.
    pub fn new(program: impl AsRef<OsStr>) -> PluginCommand {
        PluginCommand::from_command(std::process::Command::new(program))
    }

    /// Runs `command` (with its arguments, environment and working directory).
    pub fn from_command(command: std::process::Command) -> PluginCommand {
        PluginCommand {
            command: Command::from(command),
            handshake: HandshakeConfig::MATTERMOST,
            start_timeout: START_TIMEOUT,
            keep_stdio: false,
            stderr: None,
        }
    }

    /// The handshake to use (default [`HandshakeConfig::MATTERMOST`]).
    pub fn handshake(mut self, config: HandshakeConfig) -> PluginCommand {
        self.handshake = config;
        self
    }

    /// How long the plugin may take to print its handshake line, and again to be connected
    /// (default 3 s).
    pub fn start_timeout(mut self, timeout: Duration) -> PluginCommand {
        self.start_timeout = timeout;
        self
    }

    /// Keeps streams 3 and 5 (a Go plugin's redirected stdout and stderr) for
    /// [`PluginClient::take_stdio`]. By default they are read and discarded, as go-plugin does
    /// without `SyncStdout`/`SyncStderr`.
    pub fn keep_stdio(mut self, keep: bool) -> PluginCommand {
        self.keep_stdio = keep;
        self
    }

    /// Where the plugin's stderr goes. By default it is piped and handed over with
    /// [`PluginClient::take_stderr`]; read it, or the plugin blocks once the pipe is full.
    pub fn stderr(mut self, stderr: Stdio) -> PluginCommand {
        self.stderr = Some(stderr);
        self
    }

    /// Starts the plugin and connects to it.
    pub async fn spawn(mut self) -> Result<PluginClient, Error> {
        let config = &self.handshake;
        let program = self.command.as_std().get_program().to_string_lossy().into_owned();
        self.command
            .env(config.magic_cookie_key.as_ref(), config.magic_cookie_value.as_ref())
            .env("PLUGIN_MIN_PORT", "10000")
            .env("PLUGIN_MAX_PORT", "25000")
            .env("PLUGIN_PROTOCOL_VERSIONS", config.protocol_version.to_string())
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(self.stderr.take().unwrap_or_else(Stdio::piped))
            .kill_on_drop(true);
        let mut child =
            self.command.spawn().map_err(|e| Error::io(format_args!("starting the plugin {program}"), e))?;
        let stdout =
            child.stdout.take().ok_or_else(|| Error::new(ErrorKind::Handshake("no stdout pipe".into())))?;
        let mut stdout = BufReader::new(stdout);

        let line = match tokio::time::timeout(self.start_timeout, read_line(&mut stdout)).await {
            Ok(Ok(Some(line))) => line,
            Ok(Ok(None)) => {
                let status = tokio::time::timeout(Duration::from_secs(1), child.wait()).await;
                let _ = child.start_kill();
                let status = match status {
                    Ok(Ok(status)) => status.to_string(),
                    _ => "no exit status".into(),
                };
                return Err(Error::new(ErrorKind::PluginExited(status)));
            }
            Ok(Err(error)) => {
                let _ = child.start_kill();
                return Err(error);
            }
            Err(_) => {
                let _ = child.start_kill();
                return Err(Error::new(ErrorKind::StartTimeout(format!(
                    "no handshake line from {program} within {:?}",
                    self.start_timeout
                ))));
            }
        };
        let handshake = match Handshake::parse(&line, config) {
            Ok(handshake) => handshake,
            Err(error) => {
                let _ = child.start_kill();
                return Err(error);
            }
        };
        tokio::spawn(drain_stdout(stdout));

        let dialled = tokio::time::timeout(self.start_timeout, dial(&handshake.address)).await;
        let client = match dialled {
            Ok(Ok(Dialled::Unix(io))) => connect(io, self.keep_stdio).await,
            Ok(Ok(Dialled::Tcp(io))) => connect(io, self.keep_stdio).await,
            Ok(Err(error)) => Err(error),
            Err(_) => {
                Err(Error::new(ErrorKind::StartTimeout(format!("connecting to {}", handshake.address))))
            }
        };
        match client {
            Ok(mut client) => {
                client.stderr = child.stderr.take();
                client.child = Some(child);
                client.handshake = Some(handshake);
                Ok(client)
            }
            Err(error) => {
                let _ = child.start_kill();
                Err(error)
            }
        }
    }
}

enum Dialled {
    Unix(tokio::net::UnixStream),
    Tcp(tokio::net::TcpStream),
}

async fn dial(address: &PluginAddress) -> Result<Dialled, Error> {
    match address {
        PluginAddress::Unix(path) => tokio::net::UnixStream::connect(path)
            .await
            .map(Dialled::Unix)
            .map_err(|e| Error::io(format_args!("connecting to the plugin at {}", path.display()), e)),
        PluginAddress::Tcp(addr) => {
            let stream = tokio::net::TcpStream::connect(addr)
                .await
                .map_err(|e| Error::io(format_args!("connecting to the plugin at {addr}"), e))?;
            let _ = stream.set_nodelay(true);
            Ok(Dialled::Tcp(stream))
        }
    }
}

/// The first line of stdout; `None` if the plugin closed stdout (exited) before one.
async fn read_line(stdout: &mut BufReader<ChildStdout>) -> Result<Option<String>, Error> {
    let mut line = Vec::new();
    let n = (&mut *stdout)
        .take(MAX_LINE_LEN as u64 + 1)
        .read_until(b'\n', &mut line)
        .await
        .map_err(|e| Error::io("reading the plugin's stdout", e))?;
    if n == 0 {
        return Ok(None);
    }
    if line.len() > MAX_LINE_LEN {
        return Err(Error::new(ErrorKind::Handshake(format!(
            "Unrecognized remote plugin message: a line of more than {MAX_LINE_LEN} bytes"
        ))));
    }
    Ok(Some(String::from_utf8_lossy(&line).into_owned()))
}

/// Everything after the handshake on fd 1 is read and discarded, as a stock server does.
async fn drain_stdout(mut stdout: BufReader<ChildStdout>) {
    let mut sink = vec![0u8; 8 * 1024];
    while let Ok(n) = stdout.read(&mut sink).await {
        if n == 0 {
            break;
        }
    }
}

/// Discards one of the plugin's stdio streams.
async fn drain_stream(mut stream: Stream) {
    let mut sink = vec![0u8; 8 * 1024];
    while let Ok(n) = stream.read(&mut sink).await {
        if n == 0 {
            break;
        }
    }
}

/// Connects to a plugin over an established connection `io` (go-plugin's `NewRPCClient`):
/// the yamux client, streams 1, 3 and 5, the broker and the control client. With
/// `keep_stdio`, streams 3 and 5 are kept for [`PluginClient::take_stdio`]; otherwise they are
/// read and discarded.
pub async fn connect<T>(io: T, keep_stdio: bool) -> Result<PluginClient, Error>
where
    T: AsyncRead + AsyncWrite + Send + Unpin + 'static,
{
    let session = Session::client(io, Config::default());
    let control = session.open().await?;
    let stdout = session.open().await?;
    let stderr = session.open().await?;
    let broker = Broker::new(session.clone());
    let stdio = if keep_stdio {
        Some((stdout, stderr))
    } else {
        tokio::spawn(drain_stream(stdout));
        tokio::spawn(drain_stream(stderr));
        None
    };
    Ok(PluginClient {
        control: rpc::Client::new(control),
        session,
        broker,
        stdio,
        child: None,
        stderr: None,
        handshake: None,
    })
}

/// A running plugin, seen from the host. Dropping it kills the process (stop it with
/// [`shutdown`](PluginClient::shutdown) to let it exit by itself).
pub struct PluginClient {
    control: rpc::Client,
    session: Session,
    broker: Broker,
    stdio: Option<(Stream, Stream)>,
    child: Option<Child>,
    stderr: Option<ChildStderr>,
    handshake: Option<Handshake>,
}

impl PluginClient {
    fn control_error(method: &str, error: CallError) -> Error {
        Error::with_source(ErrorKind::Control { method: method.into(), message: error.to_string() }, error)
    }

    /// Asks the plugin for the service `name` (`Dispenser.Dispense`) and connects to it: the
    /// returned client calls `Plugin.<Method>`.
    pub async fn dispense(&self, name: &str) -> Result<rpc::Client, Error> {
        let id: u32 = self
            .control
            .call("Dispenser.Dispense", &name)
            .await
            .map_err(|e| Self::control_error("Dispenser.Dispense", e))?;
        let stream = self.broker.dial(id).await?;
        Ok(rpc::Client::new(stream))
    }

    /// `Control.Ping`: the health check a Mattermost server runs every 30 s.
    pub async fn ping(&self) -> Result<(), Error> {
        self.control
            .call::<()>("Control.Ping", &true)
            .await
            .map_err(|e| Self::control_error("Control.Ping", e))
    }

    /// `Control.Quit`: asks the plugin to exit.
    pub async fn quit(&self) -> Result<(), Error> {
        self.control
            .call::<()>("Control.Quit", &true)
            .await
            .map_err(|e| Self::control_error("Control.Quit", e))
    }

    /// Stops the plugin as go-plugin's `Kill` does: `Control.Quit`, close the session, wait up
    /// to 2 s for the process to exit, then kill it. Returns the exit status (`None` without a
    /// process, as after [`connect`]).
    pub async fn shutdown(mut self) -> Result<Option<ExitStatus>, Error> {
        let graceful = self.quit().await.is_ok();
        self.control.close();
        self.stdio = None;
        self.session.close().await;
        let Some(mut child) = self.child.take() else { return Ok(None) };
        if graceful && let Ok(status) = tokio::time::timeout(EXIT_TIMEOUT, child.wait()).await {
            return status.map(Some).map_err(|e| Error::io("waiting for the plugin to exit", e));
        }
        tracing::warn!("plugin failed to exit gracefully; killing it");
        child.kill().await.map_err(|e| Error::io("killing the plugin", e))?;
        child.wait().await.map(Some).map_err(|e| Error::io("waiting for the killed plugin", e))
    }

    /// Kills the process at once (SIGKILL), without asking.
    pub fn kill(&mut self) {
        if let Some(child) = &mut self.child {
            let _ = child.start_kill();
        }
    }

    /// Waits for the process to exit.
    pub async fn wait(&mut self) -> Result<Option<ExitStatus>, Error> {
        match &mut self.child {
            Some(child) => child.wait().await.map(Some).map_err(|e| Error::io("waiting for the plugin", e)),
            None => Ok(None),
        }
    }

    /// The process id, while it runs.
    pub fn pid(&self) -> Option<u32> {
        self.child.as_ref().and_then(Child::id)
    }

    /// The handshake the plugin printed (`None` after [`connect`]).
    pub fn handshake(&self) -> Option<&Handshake> {
        self.handshake.as_ref()
    }

    /// The host's broker (its ids are the ones the host hands out, such as `APIMuxId`).
    pub fn broker(&self) -> &Broker {
        &self.broker
    }

    /// The yamux session.
    pub fn session(&self) -> &Session {
        &self.session
    }

    /// Streams 3 and 5 (a Go plugin's redirected stdout and stderr), if
    /// [`PluginCommand::keep_stdio`] was set. `None` after the first call.
    pub fn take_stdio(&mut self) -> Option<(Stream, Stream)> {
        self.stdio.take()
    }

    /// The plugin's stderr pipe (hclog JSON lines from Go plugins and this SDK). `None` after
    /// the first call, or when stderr was redirected with [`PluginCommand::stderr`].
    pub fn take_stderr(&mut self) -> Option<ChildStderr> {
        self.stderr.take()
    }
}

impl fmt::Debug for PluginClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PluginClient")
            .field("pid", &self.pid())
            .field("handshake", &self.handshake)
            .field("session", &self.session)
            .finish_non_exhaustive()
    }
}
