//! Benchmarks of the Mattermost plugin SDK, each reported as a ratio against a baseline
//! measured on the same machine in the same run (absolute times drift on a shared machine).
//!
//! - `cargo run -p mm-bench --release -- compare [--quick] [--out docs/performance.md]`: the
//!   side-by-side comparison on the gRPC protocol ([`Comparison`]): PluginAPI calls (bare
//!   tonic, mm-client, Python grpcio), hook dispatch and ServeHTTP (Rust plugin vs Python
//!   plugin), plugin start; and on the stock protocol (net/rpc, [`stock`]): the Rust plugin
//!   against a Go plugin on the real `plugin.Environment` of server/public (`--stock-only`,
//!   `--no-stock`).
//! - `cargo run -p mm-bench --release -- instructions`: instructions per PluginAPI call
//!   through bare tonic and mm-client, counted by callgrind ([`instructions`]).
//! - `cargo bench -p mm-bench`: criterion benches of conversions, in-process hook dispatch
//!   and client overhead.
//!
//! The Python baselines (`baselines/*.py`) run on grpcio with stubs generated from this
//! repository's `proto/` at run time ([`python::Python`]).

mod error;
pub mod instructions;
pub mod machine;
pub mod measure;
pub mod plugins;
pub mod procfs;
pub mod python;
pub mod report;
pub mod scenarios;
pub mod settings;
pub mod stats;
pub mod stock;

use std::path::Path;
use std::time::{Duration, Instant};

pub use error::BenchError;
pub use machine::Machine;
pub use python::Python;
pub use settings::Settings;

use scenarios::api_calls::ApiRow;
use scenarios::hook_dispatch::HookRow;
use scenarios::serve_http::HttpResults;
use scenarios::startup::StartupResults;

/// The results of one comparison run.
#[derive(Debug, Clone)]
pub struct Comparison {
    /// Where it ran.
    pub machine: Machine,
    /// `Python 3.11.7, grpcio 1.85.1`, or why the baselines did not run.
    pub python: Result<String, String>,
    /// Scenario 1.
    pub api: Vec<ApiRow>,
    /// Scenario 2.
    pub hooks: Vec<HookRow>,
    /// Scenario 3.
    pub http: HttpResults,
    /// Scenario 4.
    pub startup: StartupResults,
    /// How long the run took.
    pub elapsed: Duration,
}

impl Comparison {
    /// Runs the four scenarios. `python` is the prepared baseline, or why there is none (its
    /// columns are then left out). `progress` hears about each step.
    pub async fn run(
        settings: &Settings,
        rust_plugin: &Path,
        python: Result<&Python, String>,
        mut progress: impl FnMut(&str),
    ) -> Result<Comparison, BenchError> {
        let began = Instant::now();
        let baseline = python.as_ref().ok().copied();

        progress("1/4 PluginAPI round trips: bare tonic, mm-client, Python grpcio");
        let api = scenarios::api_calls::run(settings, baseline).await?;

        progress("2/4 hook dispatch: Rust plugin vs Python plugin");
        let host = mm_host::Host::start().await?;
        let running = plugins::Plugins::start(&host, rust_plugin, baseline).await?;
        let hooks = scenarios::hook_dispatch::run(settings, &host, &running).await;

        let http = match hooks {
            Ok(_) => {
                progress("3/4 ServeHTTP through the HTTP front");
                Some(scenarios::serve_http::run(settings, &host, &running).await)
            }
            Err(_) => None,
        };
        running.stop().await;
        let hooks = hooks?;
        let http = http.ok_or_else(|| BenchError::Call("ServeHTTP did not run".into()))??;

        progress("4/4 plugin start to handshake, idle RSS");
        let startup = scenarios::startup::run(settings, &host, rust_plugin, baseline).await?;
        host.shutdown();

        let python = python
            .map(|p| format!("Python {}, grpcio {}", p.version(), p.grpcio_version()))
            .map_err(|why| why.to_string());
        Ok(Comparison {
            machine: Machine::describe(),
            python,
            api,
            hooks,
            http,
            startup,
            elapsed: began.elapsed(),
        })
    }
}
