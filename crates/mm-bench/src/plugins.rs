//! The two plugins the scenarios compare, launched by mm-host's supervisor like a server
//! launches plugins: the Rust bench plugin and the Python baseline plugin.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use mm_host::Host;
use mm_host::supervisor::{PluginConnection, PluginSpec, Supervisor, SupervisorEvent};
use mm_proto::protocol::Protocol;

use crate::error::BenchError;
use crate::python::Python;

/// The Rust plugin's id.
pub const RUST_PLUGIN_ID: &str = "com.mattermost.bench-rust";
/// The Python plugin's id.
pub const PYTHON_PLUGIN_ID: &str = "com.mattermost.bench-python";
/// The name of the Rust bench plugin's binary (next to the `mm-bench` binary).
pub const RUST_PLUGIN_BINARY: &str = "mm-bench-plugin";

/// Which plugin.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    /// The Rust bench plugin (the SDK).
    Rust,
    /// The Python baseline.
    Python,
}

/// A plugin running under the supervisor.
#[derive(Debug)]
pub struct RunningPlugin {
    /// The host's connection to it.
    pub connection: PluginConnection,
    /// Its process id.
    pub pid: u32,
}

/// The Rust plugin and, when the baseline is available, the Python one, both registered with
/// the host (its events and HTTP front reach them).
#[derive(Debug)]
pub struct Plugins {
    supervisor: Supervisor,
    /// The Rust plugin.
    pub rust: RunningPlugin,
    /// The Python plugin.
    pub python: Option<RunningPlugin>,
}

impl Plugins {
    /// Launches both plugins for `host` (the Python one only with a baseline).
    pub async fn start(
        host: &Host,
        rust_binary: &Path,
        python: Option<&Python>,
    ) -> Result<Plugins, BenchError> {
        let supervisor = Supervisor::builder(Arc::new(host.clone())).build();
        let rust = launch(&supervisor, rust_spec(rust_binary)?).await?;
        let python = match python {
            Some(python) => Some(launch(&supervisor, python_spec(python)?).await?),
            None => None,
        };
        Ok(Plugins { supervisor, rust, python })
    }

    /// One of the plugins.
    pub fn get(&self, side: Side) -> Option<&RunningPlugin> {
        match side {
            Side::Rust => Some(&self.rust),
            Side::Python => self.python.as_ref(),
        }
    }

    /// Stops both (OnDeactivate, Shutdown, then a kill after the grace period).
    pub async fn stop(self) {
        self.supervisor.stop_all().await;
    }
}

/// The spec of the Rust plugin, on the gRPC protocol (the side compared with Python).
pub fn rust_spec(binary: &Path) -> Result<PluginSpec, BenchError> {
    Ok(PluginSpec::from_binary(binary)?.with_plugin_id(RUST_PLUGIN_ID)?.with_protocol(Protocol::Grpc))
}

/// The spec of the Python plugin (gRPC only).
pub fn python_spec(python: &Python) -> Result<PluginSpec, BenchError> {
    Ok(PluginSpec::from_binary(python.plugin_path())?
        .with_plugin_id(PYTHON_PLUGIN_ID)?
        .with_protocol(Protocol::Grpc)
        .env("PYTHONPATH", python.stubs_dir()))
}

/// The Rust bench plugin next to the running executable (`target/<profile>/`), for the
/// `compare` command.
pub fn rust_plugin_next_to_current_exe() -> Result<PathBuf, BenchError> {
    let exe = std::env::current_exe().map_err(|e| BenchError::io("finding the mm-bench binary", e))?;
    let mut dir = exe.parent().map(Path::to_path_buf).unwrap_or_default();
    // `target/<profile>/deps/` when run as a test or bench.
    if dir.ends_with("deps") {
        dir.pop();
    }
    let binary = dir.join(RUST_PLUGIN_BINARY);
    if !binary.is_file() {
        return Err(BenchError::io(
            format!("{} is missing: build it with `cargo build -p mm-bench --release`", binary.display()),
            std::io::ErrorKind::NotFound.into(),
        ));
    }
    Ok(binary)
}

async fn launch(supervisor: &Supervisor, spec: PluginSpec) -> Result<RunningPlugin, BenchError> {
    let id = spec.plugin_id().to_string();
    let mut events = supervisor.subscribe();
    let connection = supervisor.start(spec).await?;
    let mut pid = None;
    while let Ok(event) = events.try_recv() {
        if let SupervisorEvent::Launched { plugin_id, pid: Some(launched) } = event
            && plugin_id == id
        {
            pid = Some(launched);
        }
    }
    let pid = pid.ok_or_else(|| {
        BenchError::io(format!("the process id of {id}"), std::io::ErrorKind::NotFound.into())
    })?;
    Ok(RunningPlugin { connection, pid })
}
