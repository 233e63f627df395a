//! Scenario 4: plugin process start to handshake line, and the idle RSS after it, Rust bench
//! plugin vs Python baseline plugin. The processes are started the way the supervisor starts
//! them (same environment), and killed after the RSS reading.

use std::path::Path;
use std::process::Stdio;
use std::time::{Duration, Instant};

use mm_host::supervisor::{API_TARGET_ENV, MAGIC_COOKIE_KEY, MAGIC_COOKIE_VALUE};
use tokio::io::AsyncBufReadExt;

use crate::error::BenchError;
use crate::plugins::Side;
use crate::procfs;
use crate::python::Python;
use crate::settings::Settings;
use crate::stats::median;

/// One plugin's starts.
#[derive(Debug, Clone, Copy)]
pub struct Startup {
    /// Median time from spawning the process to reading its handshake line.
    pub handshake_p50: Duration,
    /// The slowest start.
    pub handshake_max: Duration,
    /// Median resident set size after idling [`Settings::idle_settle`] past the handshake.
    pub idle_rss: u64,
    /// Starts measured.
    pub starts: usize,
}

/// Both plugins' starts.
#[derive(Debug, Clone, Copy)]
pub struct StartupResults {
    /// The Rust plugin.
    pub rust: Startup,
    /// The Python plugin, when the baseline ran.
    pub python: Option<Startup>,
}

/// Starts each plugin `settings.starts` times, alternating them (plus one unrecorded warm-up
/// start each, which fills the page cache).
pub async fn run(
    settings: &Settings,
    host: &mm_host::Host,
    rust_binary: &Path,
    python: Option<&Python>,
) -> Result<StartupResults, BenchError> {
    let target = host.api_target("com.mattermost.bench-start").await?.to_string();
    let mut times = [Vec::new(), Vec::new()];
    let mut rss = [Vec::new(), Vec::new()];
    for round in 0..=settings.starts {
        let order = if round % 2 == 0 { [Side::Rust, Side::Python] } else { [Side::Python, Side::Rust] };
        for side in order {
            let mut command = match (side, python) {
                (Side::Rust, _) => tokio::process::Command::new(rust_binary),
                (Side::Python, Some(python)) => {
                    let mut command = tokio::process::Command::new(python.plugin_path());
                    command.env("PYTHONPATH", python.stubs_dir());
                    command
                }
                (Side::Python, None) => continue,
            };
            let (took, idle) = start_once(&mut command, &target, settings.idle_settle).await?;
            if round > 0 {
                times[side as usize].push(took);
                rss[side as usize].push(idle);
            }
        }
    }
    let result = |side: Side| Startup {
        handshake_p50: median(&times[side as usize]),
        handshake_max: times[side as usize].iter().max().copied().unwrap_or_default(),
        idle_rss: median_u64(&rss[side as usize]),
        starts: times[side as usize].len(),
    };
    Ok(StartupResults { rust: result(Side::Rust), python: python.map(|_| result(Side::Python)) })
}

fn median_u64(values: &[u64]) -> u64 {
    let mut sorted = values.to_vec();
    sorted.sort_unstable();
    sorted.get(sorted.len().saturating_sub(1) / 2).copied().unwrap_or(0)
}

/// Spawns, reads the handshake line, idles, reads VmRSS, kills.
async fn start_once(
    command: &mut tokio::process::Command,
    api_target: &str,
    idle: Duration,
) -> Result<(Duration, u64), BenchError> {
    command
        .env(MAGIC_COOKIE_KEY, MAGIC_COOKIE_VALUE)
        .env(API_TARGET_ENV, api_target)
        .env("PLUGIN_MIN_PORT", "10000")
        .env("PLUGIN_MAX_PORT", "25000")
        .env("PLUGIN_PROTOCOL_VERSIONS", "1")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .kill_on_drop(true);
    let began = Instant::now();
    let mut child = command.spawn().map_err(|e| BenchError::io("starting a plugin process", e))?;
    let stdout = child.stdout.take().ok_or_else(|| BenchError::Call("no stdout pipe".into()))?;
    let mut line = String::new();
    let mut reader = tokio::io::BufReader::new(stdout);
    let read = tokio::time::timeout(Duration::from_secs(10), reader.read_line(&mut line)).await;
    let took = began.elapsed();
    match read {
        Ok(Ok(n)) if n > 0 && line.starts_with("1|") => {}
        Ok(Ok(_)) => return Err(BenchError::Call(format!("the plugin printed {line:?}, not a handshake"))),
        Ok(Err(e)) => return Err(BenchError::io("reading the handshake line", e)),
        Err(_) => return Err(BenchError::Call("no handshake line within 10 s".into())),
    }
    tokio::time::sleep(idle).await;
    let pid = child.id().ok_or_else(|| BenchError::Call("the plugin exited after its handshake".into()))?;
    let rss = procfs::rss(pid)?;
    child.kill().await.map_err(|e| BenchError::io("stopping a plugin process", e))?;
    Ok((took, rss))
}
