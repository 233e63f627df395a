//! The stock plugin protocol: what every released Mattermost server speaks to its plugins
//! (hashicorp/go-plugin in net/rpc mode, gob over yamux).
//!
//! The bench host (`go/cmd/stockhost`, a Go program on the real `plugin.Environment` of
//! `github.com/mattermost/mattermost/server/public`) runs two plugin bundles the way a stock
//! server runs them and measures both in the same run, interleaved: plugin A is the Go baseline
//! (`go/cmd/goplugin`, on `plugin.ClientMain`), plugin B the Rust bench plugin
//! (`mm-bench-plugin`), or the Go plugin again to see the noise floor. [`run`] builds both Go
//! programs with `go build`, bundles the plugins, runs the host and reads its JSON
//! ([`StockComparison`]); the report is Markdown with ratios A/B (Go/Rust) per cell.

mod bundle;
mod go;
mod output;
mod report;

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};

use tokio::io::{AsyncBufReadExt, AsyncReadExt};

pub use bundle::{executable_path, this_platform, write_bundle};
pub use go::{GO_ENV, GO_MODULE_DIR, Go};
pub use output::{Cell, CellSummary, HostOutput, PluginInfo, RoundSummary, Spread, Transfer, TransferRun};
pub use report::{STOCK_BEGIN_MARKER, STOCK_END_MARKER, StockTarget};

use crate::error::BenchError;
use crate::machine::Machine;

/// The plugin id of the Go baseline's bundle (the host installs it under its own slot id).
pub const GO_PLUGIN_ID: &str = "com.mattermost.bench-go";
/// The plugin id of the Rust plugin's bundle.
pub const RUST_PLUGIN_ID: &str = crate::plugins::RUST_PLUGIN_ID;

/// The sizes of the stock part of a run (the bench host's flags).
#[derive(Debug, Clone)]
pub struct StockSettings {
    /// Sessions: both plugins activated afresh (new processes), every scenario measured,
    /// deactivated; a cell's numbers are the rounds of all sessions.
    pub sessions: usize,
    /// Interleaved rounds per cell and session (A B, then B A, ...); tables show the median of
    /// the rounds.
    pub rounds: usize,
    /// Calls per API or hook measurement (one plugin, one round).
    pub calls: usize,
    /// Concurrent callers of the API calls (inside the plugin).
    pub api_callers: Vec<usize>,
    /// Concurrent callers of the hooks (in the host).
    pub hook_callers: Vec<usize>,
    /// Concurrent connections of the 1 KiB GETs.
    pub http_connections: Vec<usize>,
    /// 1 KiB GETs per measurement.
    pub small_requests: usize,
    /// The size of the large upload and download.
    pub transfer_bytes: u64,
    /// Uploads and downloads per plugin and session.
    pub transfer_repeats: usize,
    /// Process starts per plugin (start to handshake).
    pub starts: usize,
    /// `Environment.Activate` per plugin.
    pub activations: usize,
    /// How long an activated plugin idles before its RSS is read.
    pub idle_settle: Duration,
}

impl StockSettings {
    /// The full run (about two minutes on a 2-core machine): 3 sessions of 3 rounds, 9
    /// samples per cell and plugin from 3 processes.
    pub fn full() -> StockSettings {
        StockSettings {
            sessions: 3,
            rounds: 3,
            calls: 1000,
            api_callers: vec![1, 16],
            hook_callers: vec![1, 16],
            http_connections: vec![1, 16],
            small_requests: 500,
            transfer_bytes: 100 * 1024 * 1024,
            transfer_repeats: 1,
            starts: 20,
            activations: 10,
            idle_settle: Duration::from_secs(2),
        }
    }

    /// A short run (`--quick`).
    pub fn quick() -> StockSettings {
        StockSettings {
            sessions: 1,
            rounds: 2,
            calls: 300,
            small_requests: 200,
            transfer_bytes: 16 * 1024 * 1024,
            transfer_repeats: 1,
            starts: 5,
            activations: 3,
            idle_settle: Duration::from_millis(500),
            ..StockSettings::full()
        }
    }

    /// A few calls of everything (the smoke test).
    pub fn smoke() -> StockSettings {
        StockSettings {
            sessions: 2,
            rounds: 1,
            calls: 5,
            api_callers: vec![2],
            hook_callers: vec![1],
            http_connections: vec![1],
            small_requests: 3,
            transfer_bytes: 1024 * 1024,
            transfer_repeats: 1,
            starts: 1,
            activations: 1,
            idle_settle: Duration::from_millis(20),
        }
    }

    /// The bench host's flags for these settings.
    pub fn host_args(&self) -> Vec<String> {
        let list = |values: &[usize]| values.iter().map(usize::to_string).collect::<Vec<_>>().join(",");
        vec![
            format!("-sessions={}", self.sessions),
            format!("-rounds={}", self.rounds),
            format!("-calls={}", self.calls),
            format!("-api-callers={}", list(&self.api_callers)),
            format!("-hook-callers={}", list(&self.hook_callers)),
            format!("-http-connections={}", list(&self.http_connections)),
            format!("-small-requests={}", self.small_requests),
            format!("-transfer-bytes={}", self.transfer_bytes),
            format!("-transfer-repeats={}", self.transfer_repeats),
            format!("-starts={}", self.starts),
            format!("-activations={}", self.activations),
            format!("-idle-settle={}ms", self.idle_settle.as_millis()),
        ]
    }
}

/// Which plugin runs as B against the Go baseline.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Subject {
    /// The Rust plugin when it speaks net/rpc (its handshake says `netrpc`), else the Go
    /// plugin again, with a notice.
    Auto,
    /// The Rust plugin (an error when it does not speak net/rpc).
    Rust,
    /// The Go plugin again: Go vs Go, the noise floor of the machinery.
    Go,
}

/// The results of the stock part of a run.
#[derive(Debug, Clone)]
pub struct StockComparison {
    /// Where it ran.
    pub machine: Machine,
    /// The Go toolchain that built the host and the Go plugin.
    pub go_version: String,
    /// Whether plugin B is the Rust plugin (else it is the Go plugin again).
    pub subject_is_rust: bool,
    /// Why plugin B is the Go plugin when the Rust one was wanted.
    pub notice: Option<String>,
    /// `/proc/loadavg` (1, 5, 15 minutes) before and after the run.
    pub load: (String, String),
    /// What the host measured.
    pub host: HostOutput,
    /// The host's JSON as it wrote it (every round of every cell), for `--stock-json`.
    pub host_json: String,
    /// How long the stock part took, builds included.
    pub elapsed: Duration,
}

/// The three load averages of `/proc/loadavg`.
pub fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|text| text.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|_| "unknown".into())
}

/// Starts `plugin` the way a stock server starts plugins (its environment without
/// `MATTERMOST_PLUGIN_API_TARGET`, go-plugin's handshake variables) and reads its handshake
/// line: `Ok` when it announces net/rpc, else why not.
pub async fn speaks_netrpc(plugin: &Path) -> Result<(), String> {
    let mut child = tokio::process::Command::new(plugin)
        .env_remove(mm_host::supervisor::API_TARGET_ENV)
        .env(mm_host::supervisor::MAGIC_COOKIE_KEY, mm_host::supervisor::MAGIC_COOKIE_VALUE)
        .env("PLUGIN_MIN_PORT", "10000")
        .env("PLUGIN_MAX_PORT", "25000")
        .env("PLUGIN_PROTOCOL_VERSIONS", "1")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .map_err(|e| format!("it did not start: {e}"))?;
    let mut stdout = tokio::io::BufReader::new(child.stdout.take().ok_or("no stdout")?);
    let mut line = String::new();
    let read = tokio::time::timeout(Duration::from_secs(10), stdout.read_line(&mut line)).await;
    let _ = child.start_kill();
    let mut stderr = String::new();
    if let Some(mut pipe) = child.stderr.take() {
        let _ = tokio::time::timeout(Duration::from_secs(2), pipe.read_to_string(&mut stderr)).await;
    }
    let _ = child.wait().await;
    let fields: Vec<&str> = line.trim().split('|').collect();
    if let [_, _, "unix", socket, ..] = fields.as_slice() {
        let _ = std::fs::remove_file(socket); // a killed plugin leaves its socket behind
    }
    match (read, fields.get(4)) {
        (Ok(Ok(_)), Some(&"netrpc")) => Ok(()),
        (Ok(Ok(_)), Some(protocol)) => Err(format!("its handshake announces {protocol}: {}", line.trim())),
        (Err(_), _) => Err("no handshake line within 10 s".into()),
        _ => {
            let last = stderr.lines().rev().find(|l| !l.trim().is_empty()).unwrap_or("no output").trim();
            // An hclog JSON line: its error or message says more than the whole line.
            let why = serde_json::from_str::<serde_json::Value>(last)
                .ok()
                .and_then(|line| {
                    let text = line.get("error").or_else(|| line.get("@message"))?;
                    text.as_str().map(str::to_owned)
                })
                .unwrap_or_else(|| last.to_owned());
            Err(format!("it printed no handshake line: {why}"))
        }
    }
}

/// Builds the Go host and the Go plugin, bundles the plugins (B chosen by `subject`), runs the
/// host and reads its results. `progress` hears about each step; the host prints its own
/// progress on stderr.
pub async fn run(
    settings: &StockSettings,
    go: &Go,
    rust_plugin: &Path,
    subject: Subject,
    mut progress: impl FnMut(&str),
) -> Result<StockComparison, BenchError> {
    let began = Instant::now();
    let load_before = load_average();
    let dir = tempfile::tempdir().map_err(|e| BenchError::io("creating a temporary folder", e))?;
    let path = |name: &str| -> PathBuf { dir.path().join(name) };

    progress("stock 1/3: go build the bench host and the Go plugin (server/public from the Go module proxy)");
    go.build("./cmd/stockhost", &path("stockhost")).await?;
    go.build("./cmd/goplugin", &path("goplugin")).await?;

    let (subject_is_rust, notice) = match subject {
        Subject::Go => (false, None),
        Subject::Rust => match speaks_netrpc(rust_plugin).await {
            Ok(()) => (true, None),
            Err(why) => {
                return Err(BenchError::Go(format!(
                    "the Rust plugin cannot run on a stock server: {why} (--stock-subject go runs Go vs Go)"
                )));
            }
        },
        Subject::Auto => match speaks_netrpc(rust_plugin).await {
            Ok(()) => (true, None),
            Err(why) => (
                false,
                Some(format!(
                    "the Rust plugin did not announce net/rpc ({why}), so the Go plugin runs against itself"
                )),
            ),
        },
    };
    if let Some(notice) = &notice {
        progress(&format!("stock: {notice}"));
    }
    progress("stock 2/3: bundling the plugins");
    write_bundle(&path("go.tar.gz"), GO_PLUGIN_ID, "mm-bench Go baseline", &path("goplugin"))?;
    let (b_bundle, a_label, b_label) = if subject_is_rust {
        write_bundle(&path("rust.tar.gz"), RUST_PLUGIN_ID, "mm-bench Rust plugin", rust_plugin)?;
        (path("rust.tar.gz"), "Go", "Rust")
    } else {
        (path("go.tar.gz"), "Go (A)", "Go (B)")
    };

    progress(&format!("stock 3/3: the bench host runs {a_label} and {b_label}, interleaved"));
    let out = path("result.json");
    let status = tokio::process::Command::new(path("stockhost"))
        .args(settings.host_args())
        .arg("-a")
        .arg(path("go.tar.gz"))
        .arg("-b")
        .arg(&b_bundle)
        .args(["-a-label", a_label, "-b-label", b_label, "-out"])
        .arg(&out)
        .arg("-work")
        .arg(path("work"))
        // A stock server sets no PluginAPI address: the plugins must pick net/rpc.
        .env_remove(mm_host::supervisor::API_TARGET_ENV)
        .stdin(Stdio::null())
        .stdout(Stdio::inherit())
        .stderr(Stdio::inherit())
        .kill_on_drop(true)
        .status()
        .await
        .map_err(|e| BenchError::io("running the stock bench host", e))?;
    if !status.success() {
        return Err(BenchError::Go(format!("the stock bench host failed ({status})")));
    }
    let json =
        std::fs::read_to_string(&out).map_err(|e| BenchError::io(format!("reading {}", out.display()), e))?;
    let host: HostOutput = serde_json::from_str(&json)
        .map_err(|e| BenchError::Go(format!("the stock bench host's JSON: {e}")))?;
    Ok(StockComparison {
        machine: Machine::describe(),
        go_version: go.version().to_string(),
        subject_is_rust,
        notice,
        load: (load_before, load_average()),
        host,
        host_json: json,
        elapsed: began.elapsed(),
    })
}
