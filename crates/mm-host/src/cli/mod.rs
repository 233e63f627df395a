//! The `mm-host` command line.
//!
//! ```text
//! mm-host run <binary|plugin.json|folder> [--port N] [--plugin-id ID]
//! mm-host demo [--port N] [--exit-after-scenario]
//! mm-host bundle [PLUGIN_DIR] [--package NAME] [--target linux-amd64|linux-arm64]... [--binary PATH] [--out DIR]
//! ```
//!
//! `run` starts the local Mattermost stand-in (PluginAPI, REST API and the plugins' HTTP
//! routes on `127.0.0.1`, port 8065 when free), launches the plugin under the supervisor and
//! prints every step (launch, handshake, health, `Implemented`, `OnActivate`), the plugin's
//! logs with their levels, and the URLs to try; Ctrl-C or SIGTERM stops the plugin gracefully.
//! A plugin deactivated after failing too often leaves the host serving (its routes answer 404
//! as on a server) until stopped; mm-host then exits with an error.
//!
//! `demo` builds `examples/hello`, runs it the same way and drives a short scenario through
//! the host: a post with the banned word is filtered, `/hello` answers and counts in the KV
//! store, and the plugin's HTTP route answers. Logs follow `RUST_LOG` (default `info`).
//!
//! `bundle` validates `plugin.json`, builds the plugin in release mode and writes
//! `<out>/<id>-<version>-<platform>.tar.gz` for a Mattermost server (see [`crate::bundle`]).

mod bundle;
mod demo;
mod deploy;
mod http_get;
mod new;
mod output;
mod run;
mod session;
mod watch;

use std::fmt;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};

use output::Printer;

/// Runs the `mm-host` command line with the process's arguments; returns the exit code.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    output::install_logging();
    let printer = Printer::new();
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(runtime) => runtime,
        Err(error) => {
            printer.problem(&format!("cannot start the async runtime: {error}"));
            return ExitCode::FAILURE;
        }
    };
    let result = runtime.block_on(async move {
        match cli.command {
            Command::Run(args) => run::run(args, printer).await,
            Command::Demo(args) => demo::demo(args, printer).await,
            Command::Bundle(args) => bundle::bundle(args, printer).await,
            Command::New(args) => new::new(args, printer),
            Command::Deploy(args) => deploy::deploy(args, printer).await,
        }
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            printer.problem(&format!("error: {error}"));
            ExitCode::FAILURE
        }
    }
}

/// The SDK's source tree this mm-host was built from, if `inside` (a path in it) is still
/// there; else the tree's path, for messages.
pub(crate) fn built_from_sdk(inside: &str) -> Result<PathBuf, PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let root = root.canonicalize().unwrap_or(root);
    if root.join(inside).is_file() { Ok(root) } else { Err(root) }
}

/// A failure of a CLI command, shown to the user as is.
#[derive(Debug)]
pub(crate) struct CliError(pub(crate) String);

impl fmt::Display for CliError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Run and test Mattermost server plugins locally, against an in-memory Mattermost stand-in.
#[derive(Debug, Parser)]
#[command(name = "mm-host", version)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run a plugin (a binary, a plugin.json or a plugin folder) until Ctrl-C.
    Run(RunArgs),
    /// Build examples/hello, run it and show its hooks at work.
    Demo(DemoArgs),
    /// Validate plugin.json, build the plugin in release mode and write the .tar.gz bundle a
    /// Mattermost server installs, one per platform.
    Bundle(BundleArgs),
    /// Create a plugin project: one dependency, src/lib.rs and src/main.rs, plugin.json, a
    /// test on the test kit, a README. It builds, passes its tests and bundles at once.
    New(NewArgs),
    /// Upload a bundle to a Mattermost server (or a running `mm-host run`) and enable it:
    /// POST /api/v4/plugins with force, then POST /api/v4/plugins/<id>/enable.
    Deploy(DeployArgs),
}

#[derive(Debug, Args)]
struct DeployArgs {
    /// The bundle (.tar.gz). Default: the one in ./dist (the linux-amd64 one when there are
    /// several), as `mm-host bundle` writes it.
    bundle: Option<PathBuf>,
    /// The server's URL, such as http://127.0.0.1:8065.
    #[arg(long, env = "MM_SERVICESETTINGS_SITEURL")]
    url: String,
    /// A system admin's personal access token (or session token).
    #[arg(long, env = "MM_ADMIN_TOKEN", hide_env_values = true)]
    token: String,
}

#[derive(Debug, Args)]
struct NewArgs {
    /// The plugin id, such as com.example.my-plugin; its last part names the crate and folder.
    plugin_id: String,
    /// The project folder. Default: the crate name, in the current folder.
    #[arg(long, value_name = "DIR")]
    dir: Option<PathBuf>,
    /// The SDK checkout the project depends on (by path). Default: the one this mm-host was
    /// built from.
    #[arg(long, value_name = "PATH")]
    sdk: Option<PathBuf>,
}

#[derive(Debug, Args)]
struct BundleArgs {
    /// The plugin folder: holds plugin.json and normally the plugin's Cargo.toml.
    #[arg(default_value = ".")]
    plugin_dir: PathBuf,
    /// Build this package of the workspace (`cargo build -p NAME`) instead of the folder's own.
    #[arg(long, value_name = "NAME")]
    package: Option<String>,
    /// A platform to bundle for: linux-amd64 or linux-arm64; repeat for several. Default:
    /// linux-amd64, plus linux-arm64 when its Rust target is installed.
    #[arg(long, value_name = "PLATFORM")]
    target: Vec<crate::bundle::Platform>,
    /// Bundle this prebuilt plugin binary instead of building (one platform).
    #[arg(long, value_name = "PATH")]
    binary: Option<PathBuf>,
    /// Where to write the bundles. Default: PLUGIN_DIR/dist.
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
}

#[derive(Debug, Args)]
struct RunArgs {
    /// The plugin: its binary, its plugin.json, or its folder (holding plugin.json). A folder
    /// with the plugin's crate (Cargo.toml) is built first (debug) and run with its plugin.json.
    plugin: PathBuf,
    /// Port of the HTTP front (REST API and /plugins/<id>/...) on 127.0.0.1; 0 for any free
    /// port. Default: 8065, or a free port when 8065 is taken.
    #[arg(long)]
    port: Option<u16>,
    /// The plugin id (default: the manifest's id, or the binary's file name).
    #[arg(long)]
    plugin_id: Option<String>,
    /// The protocol to run the plugin with. Default: as the server chooses it, the fork's
    /// gRPC for a manifest with `server.runtime: "python"`, a stock server's net/rpc otherwise.
    #[arg(long, value_enum)]
    protocol: Option<ProtocolArg>,
    /// A plugin setting, as an administrator sets it in the System Console: `Key=Value`
    /// (repeatable). The key is stored lower-cased, as the server stores it; the value is JSON
    /// when it parses as JSON (`true`, `3`, `"x"`), else text.
    #[arg(long = "setting", value_name = "KEY=VALUE", value_parser = parse_setting)]
    settings: Vec<(String, serde_json::Value)>,
    /// With a plugin folder holding its crate: rebuild and restart the plugin whenever
    /// `src/`, `Cargo.toml`, `build.rs` or `plugin.json` change.
    #[arg(long)]
    watch: bool,
}

fn parse_setting(text: &str) -> Result<(String, serde_json::Value), String> {
    let (key, value) = text.split_once('=').ok_or_else(|| format!("expected KEY=VALUE, got {text:?}"))?;
    if key.trim().is_empty() {
        return Err(format!("the setting {text:?} has no key"));
    }
    let value = serde_json::from_str(value).unwrap_or_else(|_| serde_json::Value::String(value.to_owned()));
    Ok((key.trim().to_owned(), value))
}

/// `--protocol`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum ProtocolArg {
    /// The multi-language fork's gRPC.
    Grpc,
    /// go-plugin net/rpc, as every stock server (v9, v10, v11) runs plugins.
    Netrpc,
}

impl From<ProtocolArg> for mm_proto::protocol::Protocol {
    fn from(arg: ProtocolArg) -> Self {
        match arg {
            ProtocolArg::Grpc => mm_proto::protocol::Protocol::Grpc,
            ProtocolArg::Netrpc => mm_proto::protocol::Protocol::NetRpc,
        }
    }
}

#[derive(Debug, Args)]
struct DemoArgs {
    /// Port of the HTTP front on 127.0.0.1; 0 for any free port. Default: 8065, or a free
    /// port when 8065 is taken.
    #[arg(long)]
    port: Option<u16>,
    /// Stop after the scenario instead of serving until Ctrl-C (for tests and CI).
    #[arg(long)]
    exit_after_scenario: bool,
    /// The protocol to run the example with (default: net/rpc, as a stock server).
    #[arg(long, value_enum)]
    protocol: Option<ProtocolArg>,
}
