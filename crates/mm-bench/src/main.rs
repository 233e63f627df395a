//! `mm-bench compare [--quick] [--out FILE] [--stock-only | --no-stock]`: the side-by-side
//! comparison of the SDK against its baselines, on the gRPC protocol and on the stock one,
//! printed and written as Markdown.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use mm_bench::instructions::ClientKind;
use mm_bench::python::Install;
use mm_bench::scenarios::api_calls::ApiOp;
use mm_bench::stock::{self, Go, STOCK_BEGIN_MARKER, STOCK_END_MARKER, Subject};
use mm_bench::{Comparison, Python, Settings, plugins, report};

#[derive(Debug, Parser)]
#[command(name = "mm-bench", about = "Benchmarks of the Mattermost plugin SDK against baselines")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Runs the scenarios side by side with their baselines and prints the tables: the gRPC
    /// protocol (Rust vs bare tonic and Python grpcio), then the stock protocol (Rust vs a Go
    /// plugin on server/public's plugin.Environment, needs `go`).
    Compare {
        /// A short run (seconds) to check the setup; its numbers are noisy.
        #[arg(long)]
        quick: bool,
        /// Writes the tables into this Markdown file (between mm-bench's markers, or appended).
        #[arg(long)]
        out: Option<PathBuf>,
        /// Leaves out the Python baselines.
        #[arg(long)]
        no_python: bool,
        /// Runs only the stock-protocol part.
        #[arg(long, conflicts_with = "no_stock")]
        stock_only: bool,
        /// Leaves out the stock-protocol part.
        #[arg(long)]
        no_stock: bool,
        /// Plugin B of the stock part, against the Go plugin: `auto` is the Rust plugin when it
        /// speaks net/rpc, else the Go plugin again (with a notice).
        #[arg(long, value_enum, default_value_t = Subject::Auto)]
        stock_subject: Subject,
        /// Keeps the stock bench host's JSON (every round of every cell) in this file.
        #[arg(long)]
        stock_json: Option<PathBuf>,
    },
    /// Counts the instructions of one PluginAPI call through bare tonic and through mm-client
    /// with callgrind (needs valgrind): each client in its own process, the server in a third.
    Instructions {
        /// Writes the table into this Markdown file (between mm-bench's markers, or appended).
        #[arg(long)]
        out: Option<PathBuf>,
        /// Keeps callgrind's output files in this folder (for `callgrind_annotate`).
        #[arg(long)]
        keep: Option<PathBuf>,
    },
    /// The server of `instructions`: mm-host's in-memory API; prints its target, serves until
    /// stdin closes.
    #[command(hide = true)]
    ServeApi,
    /// The client of `instructions`: sequential calls of one RPC through one client.
    #[command(hide = true)]
    CallLoop {
        #[arg(long)]
        target: String,
        #[arg(long)]
        user: String,
        #[arg(long)]
        channel: String,
        #[arg(long, value_enum)]
        client: ClientKind,
        #[arg(long, value_enum)]
        op: ApiOp,
        #[arg(long)]
        calls: u64,
    },
}

/// Turns on the host's and plugins' logs (a `tracing` filter such as `warn`).
const LOG_ENV: &str = "MM_BENCH_LOG";

fn main() -> ExitCode {
    let command = Cli::parse().command;
    if let Ok(filter) = std::env::var(LOG_ENV) {
        tracing_subscriber::fmt()
            .with_env_filter(tracing_subscriber::EnvFilter::new(filter))
            .with_writer(std::io::stderr)
            .init();
    }
    match command {
        Command::Compare { quick, out, no_python, stock_only, no_stock, stock_subject, stock_json } => {
            compare(quick, out, no_python, stock_only, no_stock, stock_subject, stock_json)
        }
        Command::Instructions { out, keep } => instructions(out, keep),
        Command::ServeApi => {
            match multi_thread().map(|rt| rt.block_on(mm_bench::instructions::serve_api())) {
                Ok(Ok(())) => ExitCode::SUCCESS,
                Ok(Err(e)) => fail(&e.to_string()),
                Err(e) => fail(&e),
            }
        }
        Command::CallLoop { target, user, channel, client, op, calls } => {
            let runtime = match tokio::runtime::Builder::new_current_thread().enable_all().build() {
                Ok(runtime) => runtime,
                Err(e) => return fail(&format!("cannot start the tokio runtime: {e}")),
            };
            let looped = mm_bench::instructions::call_loop(&target, &user, &channel, client, op, calls);
            match runtime.block_on(looped) {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => fail(&e.to_string()),
            }
        }
    }
}

fn multi_thread() -> Result<tokio::runtime::Runtime, String> {
    tokio::runtime::Runtime::new().map_err(|e| format!("cannot start the tokio runtime: {e}"))
}

fn instructions(out: Option<PathBuf>, keep: Option<PathBuf>) -> ExitCode {
    let result = mm_bench::instructions::Valgrind::find().and_then(|valgrind| {
        let exe = std::env::current_exe()
            .map_err(|e| mm_bench::BenchError::Call(format!("mm-bench's path: {e}")))?;
        let rows = mm_bench::instructions::measure(&valgrind, &exe, keep.as_deref(), progress)?;
        Ok((rows, valgrind))
    });
    let (rows, valgrind) = match result {
        Ok(measured) => measured,
        Err(e) => return fail(&e.to_string()),
    };
    let mut command = String::from("cargo run -p mm-bench --release -- instructions");
    if let Some(out) = &out {
        command.push_str(&format!(" --out {}", out.display()));
    }
    let markdown = mm_bench::instructions::to_markdown(&rows, &command, valgrind.version());
    let _ = writeln!(std::io::stdout(), "{markdown}");
    if let Some(out) = out {
        let document = std::fs::read_to_string(&out).unwrap_or_default();
        let document = report::splice_between(
            &document,
            &markdown,
            mm_bench::instructions::BEGIN_MARKER,
            mm_bench::instructions::END_MARKER,
        );
        if let Err(e) = std::fs::write(&out, document) {
            return fail(&format!("cannot write {}: {e}", out.display()));
        }
        progress(&format!("wrote {}", out.display()));
    }
    ExitCode::SUCCESS
}

fn compare(
    quick: bool,
    out: Option<PathBuf>,
    no_python: bool,
    stock_only: bool,
    no_stock: bool,
    stock_subject: Subject,
    stock_json: Option<PathBuf>,
) -> ExitCode {
    let runtime = match multi_thread() {
        Ok(runtime) => runtime,
        Err(e) => return fail(&e),
    };
    let settings = if quick { Settings::quick() } else { Settings::full() };
    let mut command = String::from("cargo run -p mm-bench --release -- compare");
    for (set, flag) in
        [(quick, " --quick"), (no_python && !stock_only, " --no-python"), (stock_only, " --stock-only")]
    {
        if set {
            command.push_str(flag);
        }
    }
    if stock_subject != Subject::Auto && !no_stock {
        command.push_str(&format!(" --stock-subject {}", format!("{stock_subject:?}").to_lowercase()));
    }
    if let Some(out) = &out {
        command.push_str(&format!(" --out {}", out.display()));
    }
    let rust_plugin = match plugins::rust_plugin_next_to_current_exe() {
        Ok(path) => path,
        Err(e) => return fail(&e.to_string()),
    };

    let mut sections: Vec<(String, &str, &str)> = Vec::new();
    if !stock_only {
        let python = if no_python {
            Err("--no-python".to_string())
        } else {
            progress("preparing the Python baselines (grpcio, stubs from proto/)");
            Python::prepare(Install::IfMissing).map_err(|e| e.to_string())
        };
        if let Err(why) = &python {
            progress(&format!("without the Python baselines: {why}"));
        }
        let result = runtime.block_on(Comparison::run(
            &settings,
            &rust_plugin,
            python.as_ref().map_err(Clone::clone),
            progress,
        ));
        let comparison = match result {
            Ok(comparison) => comparison,
            Err(e) => return fail(&e.to_string()),
        };
        let markdown = comparison.to_markdown(&command);
        let _ = writeln!(std::io::stdout(), "{markdown}");
        sections.push((markdown, report::BEGIN_MARKER, report::END_MARKER));
    }
    if !no_stock {
        match Go::find() {
            Err(why) if stock_only => return fail(&format!("the stock part needs Go: {why}")),
            Err(why) => progress(&format!("SKIPPED the stock-protocol part: {why}")),
            Ok(go) => {
                progress(&format!("the stock protocol, with Go {}", go.version()));
                let result =
                    runtime.block_on(stock::run(&settings.stock, &go, &rust_plugin, stock_subject, progress));
                let comparison = match result {
                    Ok(comparison) => comparison,
                    Err(e) => return fail(&e.to_string()),
                };
                if let Some(path) = &stock_json {
                    if let Err(e) = std::fs::write(path, &comparison.host_json) {
                        return fail(&format!("cannot write {}: {e}", path.display()));
                    }
                    progress(&format!("wrote {}", path.display()));
                }
                let markdown = comparison.to_markdown(&command, &settings.stock);
                let _ = writeln!(std::io::stdout(), "{markdown}");
                sections.push((markdown, STOCK_BEGIN_MARKER, STOCK_END_MARKER));
            }
        }
    }
    if let Some(out) = out {
        let mut document = std::fs::read_to_string(&out).unwrap_or_default();
        for (markdown, begin, end) in &sections {
            document = report::splice_between(&document, markdown, begin, end);
        }
        if let Err(e) = std::fs::write(&out, document) {
            return fail(&format!("cannot write {}: {e}", out.display()));
        }
        progress(&format!("wrote {}", out.display()));
    }
    ExitCode::SUCCESS
}

fn progress(step: &str) {
    let _ = writeln!(std::io::stderr(), "mm-bench: {step}");
}

fn fail(message: &str) -> ExitCode {
    let _ = writeln!(std::io::stderr(), "mm-bench: error: {message}");
    ExitCode::FAILURE
}
