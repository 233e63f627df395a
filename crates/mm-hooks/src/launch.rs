//! `run`: what a plugin process does from `main` when the server starts it.

use std::io::Write;
use std::ops::RangeInclusive;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use mm_proto::protocol::{
    API_TARGET_ENV as API_TARGET_VAR, MAGIC_COOKIE_KEY, MAGIC_COOKIE_VALUE, MAX_PORT_ENV as MAX_PORT_VAR,
    MIN_PORT_ENV as MIN_PORT_VAR, PROTOCOL_VERSIONS_ENV as PROTOCOL_VERSIONS_VAR,
    UNIX_SOCKET_DIR_ENV as UNIX_SOCKET_DIR_VAR,
};

use crate::listener::Listener;
use crate::plugin::Plugin;
use crate::runtime::{Runtime, ShutdownReason};
use crate::runtime_error::RuntimeError;

/// Runs `plugin` as a Mattermost server plugin process: the one call in `main`.
///
/// It checks the magic cookie (started by hand, it says that it must be started by a
/// Mattermost server and returns exit code 1), installs the [hclog logger](crate::logging),
/// connects to the server's PluginAPI from `MATTERMOST_PLUGIN_API_TARGET`, binds the hook
/// server on 127.0.0.1 in `PLUGIN_MIN_PORT..=PLUGIN_MAX_PORT` (or a private unix socket in
/// `PLUGIN_UNIX_SOCKET_DIR` when set), serves the hooks, gRPC health and go-plugin's
/// controller, and prints the handshake line `1|1|tcp|127.0.0.1:<port>|grpc` as the only line
/// on stdout. Command-line arguments are ignored (the server passes the executable's path).
///
/// It returns when the plugin has shut down (the server's `Shutdown` call, SIGTERM/SIGINT,
/// the server process exiting, or the server gone: its hook connection closed and its
/// PluginAPI refusing connections): exit code 0, or 1 when the plugin could not start. A
/// dropped hook connection alone does not stop it: a server that is still there dials again
/// and is served.
///
/// ```no_run
/// struct Hello;
///
/// #[mm_hooks::plugin]
/// impl mm_hooks::Plugin for Hello {}
///
/// fn main() -> std::process::ExitCode {
///     mm_hooks::run(Hello)
/// }
/// ```
pub fn run<P: Plugin>(plugin: P) -> ExitCode {
    if std::env::var(MAGIC_COOKIE_KEY).ok().as_deref() != Some(MAGIC_COOKIE_VALUE) {
        // Someone ran the binary by hand: say so plainly, not as a JSON log line.
        let _ = writeln!(std::io::stderr(), "{}", RuntimeError::NotLaunchedByServer);
        return ExitCode::from(1);
    }
    let _ = crate::logging::init();
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(runtime) => runtime,
        Err(e) => {
            tracing::error!(error = %e, "cannot start the async runtime");
            return ExitCode::from(1);
        }
    };
    let result = runtime.block_on(launch(plugin));
    // Blocking work a hook left behind must not hold the process past the server's deadline.
    runtime.shutdown_timeout(Duration::from_millis(100));
    match result {
        Ok(reason) => {
            tracing::debug!(reason = %reason, "exiting");
            ExitCode::SUCCESS
        }
        Err(e) => {
            tracing::error!(error = %e, "plugin failed to start");
            ExitCode::from(1)
        }
    }
}

async fn launch<P: Plugin>(plugin: P) -> Result<ShutdownReason, RuntimeError> {
    // The fork's gRPC server gives the plugin its API address; a stock server does not, and
    // speaks go-plugin's net/rpc.
    if std::env::var_os(API_TARGET_VAR).is_none() {
        return crate::netrpc::launch(plugin).await;
    }
    let env = LaunchEnv::read(|name| std::env::var(name).ok())?;
    // Connected now, so a bad or unreachable API target fails the launch with a clear message.
    let client = mm_client::Client::builder()
        .target(&env.api_target)
        .map_err(|e| RuntimeError::Environment { variable: API_TARGET_VAR, reason: e.to_string() })?
        .connect()
        .await
        .map_err(|e| RuntimeError::ApiConnection { target: env.api_target.clone(), reason: e.to_string() })?;
    let listener = match &env.unix_socket_dir {
        Some(dir) => Listener::bind_unix_in(dir)?,
        None => Listener::bind_loopback(env.ports.clone())?,
    };
    let serving = Runtime::builder()
        .listener(listener)
        .client(client)
        .exit_on_disconnect(true)
        .watch_parent(true)
        .handle_signals(true)
        .serve(plugin)?;
    let line = serving.local_addr().handshake_line();
    write_handshake(&line)?;
    tracing::info!(address = %serving.local_addr(), "plugin serving hooks");
    serving.wait().await
}

fn write_handshake(line: &str) -> Result<(), RuntimeError> {
    let mut stdout = std::io::stdout().lock();
    writeln!(stdout, "{line}")
        .and_then(|()| stdout.flush())
        .map_err(|source| RuntimeError::Io { what: "writing the handshake to stdout", source })
}

/// The launch environment the server gives a plugin process.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct LaunchEnv {
    pub(crate) api_target: String,
    pub(crate) ports: RangeInclusive<u16>,
    pub(crate) unix_socket_dir: Option<PathBuf>,
}

impl LaunchEnv {
    /// Reads and checks the variables (through `var`, for tests).
    pub(crate) fn read(var: impl Fn(&str) -> Option<String>) -> Result<Self, RuntimeError> {
        let invalid = |variable: &'static str, reason: String| RuntimeError::Environment { variable, reason };

        if let Some(versions) = var(PROTOCOL_VERSIONS_VAR)
            && !versions.split(',').any(|v| v.trim() == "1")
        {
            return Err(invalid(
                PROTOCOL_VERSIONS_VAR,
                format!(
                    "the server offers plugin protocol versions {versions:?}; this plugin speaks version 1"
                ),
            ));
        }

        let port = |name: &'static str| -> Result<Option<u16>, RuntimeError> {
            match var(name) {
                None => Ok(None),
                Some(value) => value
                    .trim()
                    .parse::<u16>()
                    .map(Some)
                    .map_err(|_| invalid(name, format!("{value:?} is not a port number (0-65535)"))),
            }
        };
        let ports = match (port(MIN_PORT_VAR)?, port(MAX_PORT_VAR)?) {
            // Neither set: any free port, as go-plugin does.
            (None, None) => 0..=0,
            (Some(min), Some(max)) if min <= max => min..=max,
            (Some(min), Some(max)) => {
                return Err(invalid(MIN_PORT_VAR, format!("{min} is greater than {MAX_PORT_VAR} ({max})")));
            }
            (None, Some(_)) => return Err(invalid(MIN_PORT_VAR, format!("not set, but {MAX_PORT_VAR} is"))),
            (Some(_), None) => return Err(invalid(MAX_PORT_VAR, format!("not set, but {MIN_PORT_VAR} is"))),
        };

        let api_target = var(API_TARGET_VAR).filter(|v| !v.trim().is_empty()).ok_or_else(|| {
            invalid(API_TARGET_VAR, "not set; the server sets it to its PluginAPI address".to_owned())
        })?;

        let unix_socket_dir = var(UNIX_SOCKET_DIR_VAR).filter(|v| !v.is_empty()).map(PathBuf::from);
        Ok(LaunchEnv { api_target, ports, unix_socket_dir })
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;

    fn read(vars: &[(&str, &str)]) -> Result<LaunchEnv, RuntimeError> {
        let vars: HashMap<String, String> =
            vars.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        LaunchEnv::read(|name| vars.get(name).cloned())
    }

    const SERVER: &[(&str, &str)] = &[
        ("MATTERMOST_PLUGIN_API_TARGET", "127.0.0.1:8065"),
        ("PLUGIN_MIN_PORT", "10000"),
        ("PLUGIN_MAX_PORT", "25000"),
        ("PLUGIN_PROTOCOL_VERSIONS", "1"),
    ];

    fn with(overrides: &[(&'static str, &'static str)]) -> Vec<(&'static str, &'static str)> {
        let mut vars: Vec<_> =
            SERVER.iter().filter(|(k, _)| !overrides.iter().any(|(o, _)| o == k)).copied().collect();
        vars.extend(overrides.iter().filter(|(_, v)| !v.is_empty()).copied());
        vars
    }

    #[test]
    fn the_servers_environment_is_accepted() {
        let env = read(SERVER).unwrap();
        assert_eq!(env.api_target, "127.0.0.1:8065");
        assert_eq!(env.ports, 10000..=25000);
        assert_eq!(env.unix_socket_dir, None);
        let env = read(&with(&[("PLUGIN_UNIX_SOCKET_DIR", "/run/mm")])).unwrap();
        assert_eq!(env.unix_socket_dir, Some(PathBuf::from("/run/mm")));
        assert_eq!(read(&with(&[("PLUGIN_MIN_PORT", ""), ("PLUGIN_MAX_PORT", "")])).unwrap().ports, 0..=0);
    }

    #[test]
    fn bad_values_name_the_variable() {
        let cases: &[(&[(&str, &str)], &str)] = &[
            (&[("PLUGIN_MIN_PORT", "ten")], "PLUGIN_MIN_PORT: \"ten\" is not a port number"),
            (&[("PLUGIN_MAX_PORT", "70000")], "PLUGIN_MAX_PORT: \"70000\" is not a port number"),
            (
                &[("PLUGIN_MIN_PORT", "25001")],
                "PLUGIN_MIN_PORT: 25001 is greater than PLUGIN_MAX_PORT (25000)",
            ),
            (&[("PLUGIN_MAX_PORT", "")], "PLUGIN_MAX_PORT: not set, but PLUGIN_MIN_PORT is"),
            (&[("PLUGIN_PROTOCOL_VERSIONS", "2,3")], "this plugin speaks version 1"),
            (&[("MATTERMOST_PLUGIN_API_TARGET", "")], "MATTERMOST_PLUGIN_API_TARGET: not set"),
        ];
        for (overrides, expected) in cases {
            let vars: Vec<(&str, &str)> = {
                let mut v: Vec<_> =
                    SERVER.iter().filter(|(k, _)| !overrides.iter().any(|(o, _)| o == k)).copied().collect();
                v.extend(overrides.iter().filter(|(_, v)| !v.is_empty()).copied());
                v
            };
            let err = read(&vars).unwrap_err().to_string();
            assert!(err.contains(expected), "{overrides:?}: {err}");
        }
    }
}
