//! `mm-bench compare [--quick] [--out FILE]`: the side-by-side comparison of the SDK against its
//! baselines, printed and written as Markdown.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use mm_bench::python::Install;
use mm_bench::{Comparison, Python, Settings, plugins, report};

#[derive(Debug, Parser)]
#[command(name = "mm-bench", about = "Benchmarks of the Mattermost plugin SDK against baselines")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Runs the four scenarios side by side with their baselines and prints the table.
    Compare {
        /// A short run (seconds) to check the setup; its numbers are noisy.
        #[arg(long)]
        quick: bool,
        /// Writes the table into this Markdown file (between mm-bench's markers, or appended).
        #[arg(long)]
        out: Option<PathBuf>,
        /// Leaves out the Python baselines.
        #[arg(long)]
        no_python: bool,
    },
}

/// Turns on the host's and plugins' logs (a `tracing` filter such as `warn`).
const LOG_ENV: &str = "MM_BENCH_LOG";

fn main() -> ExitCode {
    let Command::Compare { quick, out, no_python } = Cli::parse().command;
    if let Ok(filter) = std::env::var(LOG_ENV) {
        tracing_subscriber::fmt()
            .with_env_filter(tracing_subscriber::EnvFilter::new(filter))
            .with_writer(std::io::stderr)
            .init();
    }
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(runtime) => runtime,
        Err(e) => return fail(&format!("cannot start the tokio runtime: {e}")),
    };
    let settings = if quick { Settings::quick() } else { Settings::full() };
    let mut command = String::from("cargo run -p mm-bench --release -- compare");
    if quick {
        command.push_str(" --quick");
    }
    if let Some(out) = &out {
        command.push_str(&format!(" --out {}", out.display()));
    }
    let rust_plugin = match plugins::rust_plugin_next_to_current_exe() {
        Ok(path) => path,
        Err(e) => return fail(&e.to_string()),
    };
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
    if let Some(out) = out {
        let existing = std::fs::read_to_string(&out).unwrap_or_default();
        if let Err(e) = std::fs::write(&out, report::splice(&existing, &markdown)) {
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
