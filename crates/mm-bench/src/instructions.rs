//! Instructions per PluginAPI call, counted by callgrind: the bare tonic client against
//! mm-client, each in a process of its own, so that the count holds the client's work only.
//!
//! Times on a shared 2-core machine move from run to run; instruction counts do not. For each
//! call and client, `mm-bench instructions` runs `mm-bench call-loop` under
//! `valgrind --tool=callgrind` twice, with [`SHORT_LOOP`] and [`LONG_LOOP`] sequential calls,
//! against a server in a third process (`mm-bench serve-api`, mm-host's in-memory API). The
//! difference of the two totals divided by the difference of the calls is the cost of one call:
//! the process's start, the runtime, the connection and the exit cancel out.

use std::fmt::Write as _;
use std::io::{BufRead, BufReader, Write as _};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;

use mm_proto::v1::plugin_api_client::PluginApiClient;
use mm_types::{ChannelId, UserId};

use crate::error::BenchError;
use crate::scenarios::api_calls::{self, ApiOp, Ids};

/// Calls of the shorter loop (after one unrecorded call that connects).
pub const SHORT_LOOP: u64 = 200;
/// Calls of the longer loop.
pub const LONG_LOOP: u64 = 1200;

/// Begins the generated part of `docs/performance.md` this command writes.
pub const BEGIN_MARKER: &str = "<!-- mm-bench instructions: begin (generated, do not edit) -->";
/// Ends it.
pub const END_MARKER: &str = "<!-- mm-bench instructions: end -->";

/// Which client a call loop drives.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ClientKind {
    /// The tonic client generated in mm-proto, raw messages.
    Bare,
    /// mm-client's typed API with its whole stack.
    Sdk,
}

/// One call's instructions through each client.
#[derive(Debug, Clone)]
pub struct InstructionRow {
    /// The call.
    pub op: ApiOp,
    /// Instructions per call through the bare tonic client.
    pub bare: f64,
    /// Instructions per call through mm-client.
    pub sdk: f64,
}

impl InstructionRow {
    /// mm-client's instructions over bare tonic's.
    pub fn ratio(&self) -> f64 {
        self.sdk / self.bare
    }
}

/// `mm-bench serve-api`: starts mm-host's in-memory API, prints
/// `target=<addr> user=<id> channel=<id>` on stdout, and serves until stdin closes.
pub async fn serve_api() -> Result<(), BenchError> {
    let host = mm_host::Host::builder().without_http().start().await?;
    let target = host.api_target("com.mattermost.bench").await?;
    let seed = host.seed();
    let line = format!("target={target} user={} channel={}\n", seed.alice.id, seed.town_square.id);
    std::io::stdout()
        .write_all(line.as_bytes())
        .and_then(|()| std::io::stdout().flush())
        .map_err(|e| BenchError::io("writing the target", e))?;
    // The value KVGet reads.
    let client = mm_client::Client::builder()
        .target(&target.to_string())
        .and_then(|b| b.connect_lazy())
        .map_err(|e| BenchError::call("connecting mm-client", e))?;
    client
        .kv()
        .set(api_calls::KV_KEY, vec![b'v'; api_calls::KV_VALUE_SIZE])
        .await
        .map_err(|e| BenchError::call("KVSet", e))?;
    // Serve until the parent closes our stdin (or dies).
    tokio::task::spawn_blocking(|| {
        let mut sink = Vec::new();
        let _ = std::io::Read::read_to_end(&mut std::io::stdin(), &mut sink);
    })
    .await
    .map_err(|e| BenchError::Call(format!("the stdin watcher: {e}")))?;
    host.shutdown();
    Ok(())
}

/// `mm-bench call-loop`: one unrecorded call (it connects), then `calls` sequential calls of
/// `op` through `client`, on a current-thread runtime (the least scheduling noise).
pub async fn call_loop(
    target: &str,
    user: &str,
    channel: &str,
    client: ClientKind,
    op: ApiOp,
    calls: u64,
) -> Result<(), BenchError> {
    let ids = Arc::new(Ids {
        user: UserId::parse(user).map_err(|e| BenchError::call("the user id", e))?,
        channel: ChannelId::parse(channel).map_err(|e| BenchError::call("the channel id", e))?,
    });
    let call: Box<dyn Fn() -> api_calls::CallFuture> = match client {
        ClientKind::Bare => {
            let channel = tonic::transport::Endpoint::from_shared(format!("http://{target}"))
                .map_err(|e| BenchError::call("the bare client's endpoint", e))?
                .connect()
                .await
                .map_err(|e| BenchError::call("connecting the bare client", e))?;
            let bare = PluginApiClient::new(channel).max_decoding_message_size(usize::MAX);
            Box::new(api_calls::bare_call(op, bare, ids))
        }
        ClientKind::Sdk => {
            let sdk = mm_client::Client::builder()
                .target(target)
                .map_err(|e| BenchError::call("mm-client's target", e))?
                .connect()
                .await
                .map_err(|e| BenchError::call("connecting mm-client", e))?;
            Box::new(api_calls::sdk_call(op, sdk, ids))
        }
    };
    for _ in 0..=calls {
        call().await?;
    }
    Ok(())
}

/// `mm-bench serve-api` running as a child process: the server of a measurement.
#[derive(Debug)]
pub struct ApiServer {
    child: Child,
    /// Its PluginAPI address (`127.0.0.1:port`).
    pub target: String,
    /// The seeded user the calls use.
    pub user: String,
    /// The seeded channel the calls use.
    pub channel: String,
}

impl ApiServer {
    /// Starts `exe serve-api` and reads its target line.
    pub fn start(exe: &Path) -> Result<ApiServer, BenchError> {
        let mut child = Command::new(exe)
            .arg("serve-api")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .map_err(|e| BenchError::io("starting `mm-bench serve-api`", e))?;
        let stdout = child.stdout.take().ok_or_else(|| BenchError::Call("serve-api: no stdout".into()))?;
        let mut line = String::new();
        BufReader::new(stdout).read_line(&mut line).map_err(|e| BenchError::io("reading serve-api", e))?;
        let field = |name: &str| {
            line.split_whitespace()
                .find_map(|part| part.strip_prefix(name).and_then(|v| v.strip_prefix('=')))
                .map(str::to_owned)
                .ok_or_else(|| BenchError::Call(format!("serve-api printed {line:?}, no {name}")))
        };
        let (target, user, channel) = (field("target")?, field("user")?, field("channel")?);
        Ok(ApiServer { child, target, user, channel })
    }

    /// Closes its stdin, which ends it, and waits up to 5 s for it to exit; `None` if it did
    /// not (it is then killed).
    pub fn stop(mut self) -> Option<std::process::ExitStatus> {
        self.end()
    }

    fn end(&mut self) -> Option<std::process::ExitStatus> {
        drop(self.child.stdin.take());
        for _ in 0..50 {
            match self.child.try_wait() {
                Ok(Some(status)) => return Some(status),
                Ok(None) => std::thread::sleep(std::time::Duration::from_millis(100)),
                Err(_) => break,
            }
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
        None
    }
}

impl Drop for ApiServer {
    fn drop(&mut self) {
        self.end();
    }
}

/// valgrind, found and answering.
#[derive(Debug, Clone)]
pub struct Valgrind {
    path: PathBuf,
    version: String,
}

impl Valgrind {
    /// `valgrind` on the PATH, or the one `MM_BENCH_VALGRIND` names; an error says why it
    /// cannot run.
    pub fn find() -> Result<Valgrind, BenchError> {
        let path =
            std::env::var_os("MM_BENCH_VALGRIND").map_or_else(|| PathBuf::from("valgrind"), PathBuf::from);
        match Command::new(&path).arg("--version").output() {
            Ok(output) if output.status.success() => {
                let version = String::from_utf8_lossy(&output.stdout).trim().to_owned();
                Ok(Valgrind { path, version })
            }
            Ok(output) => Err(BenchError::Call(format!(
                "`{} --version` failed: {}",
                path.display(),
                String::from_utf8_lossy(&output.stderr).trim()
            ))),
            Err(e) => {
                Err(BenchError::io(format!("running {} (apt-get install valgrind)", path.display()), e))
            }
        }
    }

    /// What `valgrind --version` said (`valgrind-3.19.0`).
    pub fn version(&self) -> &str {
        &self.version
    }
}

/// Counts the instructions per call of every [`ApiOp`] through both clients. `exe` is
/// mm-bench itself; callgrind's output files stay in `keep` when given (for
/// `callgrind_annotate`). `progress` hears about each run.
pub fn measure(
    valgrind: &Valgrind,
    exe: &Path,
    keep: Option<&Path>,
    mut progress: impl FnMut(&str),
) -> Result<Vec<InstructionRow>, BenchError> {
    let scratch = tempfile::tempdir().map_err(|e| BenchError::io("a temporary folder", e))?;
    let out_dir = keep.unwrap_or(scratch.path());
    std::fs::create_dir_all(out_dir)
        .map_err(|e| BenchError::io(format!("creating {}", out_dir.display()), e))?;
    let server = ApiServer::start(exe)?;
    let mut rows = Vec::new();
    for op in ApiOp::ALL {
        let mut per_call = [0.0; 2];
        for (slot, client) in [ClientKind::Bare, ClientKind::Sdk].into_iter().enumerate() {
            progress(&format!("callgrind: {op} through {client:?}"));
            let mut totals = [0u64; 2];
            for (total, calls) in totals.iter_mut().zip([SHORT_LOOP, LONG_LOOP]) {
                let file = out_dir.join(format!("{}-{client:?}-{calls}.callgrind", op.slug()).to_lowercase());
                *total = run_one(valgrind, exe, &server, client, op, calls, &file)?;
            }
            per_call[slot] = totals[1].saturating_sub(totals[0]) as f64 / (LONG_LOOP - SHORT_LOOP) as f64;
        }
        rows.push(InstructionRow { op, bare: per_call[0], sdk: per_call[1] });
    }
    Ok(rows)
}

fn run_one(
    valgrind: &Valgrind,
    exe: &Path,
    server: &ApiServer,
    client: ClientKind,
    op: ApiOp,
    calls: u64,
    file: &Path,
) -> Result<u64, BenchError> {
    let output = Command::new(&valgrind.path)
        .arg("--tool=callgrind")
        .arg(format!("--callgrind-out-file={}", file.display()))
        .arg(exe)
        .arg("call-loop")
        .args(["--target", &server.target, "--user", &server.user, "--channel", &server.channel])
        .args(["--client", &format!("{client:?}").to_lowercase(), "--op", op.slug()])
        .args(["--calls", &calls.to_string()])
        .stdin(Stdio::null())
        .output()
        .map_err(|e| BenchError::io("running callgrind", e))?;
    if !output.status.success() {
        return Err(BenchError::Call(format!(
            "callgrind of {op} through {client:?} failed: {}",
            String::from_utf8_lossy(&output.stderr).trim()
        )));
    }
    let text = std::fs::read_to_string(file)
        .map_err(|e| BenchError::io(format!("reading {}", file.display()), e))?;
    total_instructions(&text)
        .ok_or_else(|| BenchError::Call(format!("{} has no `totals:` or `summary:` line", file.display())))
}

/// The instruction total of a callgrind output file (its `totals:` line, else `summary:`).
pub fn total_instructions(callgrind_out: &str) -> Option<u64> {
    let line = |prefix: &str| {
        callgrind_out
            .lines()
            .find_map(|l| l.strip_prefix(prefix))
            .and_then(|rest| rest.split_whitespace().next())
            .and_then(|n| n.parse().ok())
    };
    line("totals:").or_else(|| line("summary:"))
}

/// The Markdown table, between [`BEGIN_MARKER`] and [`END_MARKER`].
pub fn to_markdown(rows: &[InstructionRow], command: &str, valgrind_version: &str) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{BEGIN_MARKER}\n");
    let _ = writeln!(
        out,
        "Command: `{command}`; {valgrind_version}; instructions per call = (total of {LONG_LOOP} calls - total of \
         {SHORT_LOOP} calls) / {}, each client in its own process on a current-thread runtime.\n",
        LONG_LOOP - SHORT_LOOP
    );
    let _ = writeln!(out, "| Call | bare tonic | mm-client | mm-client / bare tonic |");
    let _ = writeln!(out, "|---|---:|---:|---:|");
    for row in rows {
        let _ = writeln!(out, "| {} | {:.0} | {:.0} | {:.2}x |", row.op, row.bare, row.sdk, row.ratio());
    }
    let worst = rows.iter().map(InstructionRow::ratio).fold(0.0_f64, f64::max);
    let goal = crate::report::targets::SDK_INSTRUCTIONS;
    let met = if worst <= goal { "met" } else { "**not met**" };
    let _ = writeln!(out, "\nGoal: at most {goal:.2}x in every call. Worst {worst:.2}x: {met}.\n");
    let _ = writeln!(out, "{END_MARKER}");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_total_is_read_from_totals_or_summary() {
        assert_eq!(total_instructions("events: Ir\nsummary: 123\ntotals: 456\n"), Some(456));
        assert_eq!(total_instructions("events: Ir\nsummary: 123\n"), Some(123));
        assert_eq!(total_instructions("events: Ir\n"), None);
    }

    #[test]
    fn the_table_names_the_worst_ratio() {
        let rows = [
            InstructionRow { op: ApiOp::ServerVersion, bare: 100_000.0, sdk: 105_000.0 },
            InstructionRow { op: ApiOp::GetUser, bare: 100_000.0, sdk: 120_000.0 },
        ];
        let markdown = to_markdown(&rows, "mm-bench instructions", "valgrind-3.19.0");
        assert!(markdown.contains("| GetServerVersion | 100000 | 105000 | 1.05x |"), "{markdown}");
        assert!(markdown.contains("Worst 1.20x: **not met**"), "{markdown}");
        assert!(markdown.starts_with(BEGIN_MARKER) && markdown.trim_end().ends_with(END_MARKER));
    }
}
