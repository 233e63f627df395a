//! Each scenario of `mm-bench compare` with a few calls: numbers come out, the report holds
//! them. No timing is asserted. Without grpcio for Python, the Rust sides still run, and
//! without Go the stock part does not; the tests say what they skipped.

use std::io::Write;
use std::path::Path;

use mm_bench::python::Install;
use mm_bench::stock::{self, Go, Subject};
use mm_bench::{Comparison, Python, Settings, report};
use mm_proto::v1 as wire;

const RUST_PLUGIN: &str = env!("CARGO_BIN_EXE_mm-bench-plugin");

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_scenario_produces_numbers() {
    let python = Python::prepare(Install::Never).map_err(|e| e.to_string());
    if let Err(why) = &python {
        let _ = writeln!(
            std::io::stderr(),
            "SKIPPED: the Python baselines (API client, plugin) did not run, only the Rust sides: {why}"
        );
    }
    let settings = Settings::smoke();
    let comparison =
        Comparison::run(&settings, Path::new(RUST_PLUGIN), python.as_ref().map_err(Clone::clone), |_| {})
            .await
            .expect("the comparison runs");
    let with_python = python.is_ok();

    assert_eq!(comparison.api.len(), 5 * settings.api_concurrency.len());
    for row in &comparison.api {
        assert!(row.bare.calls > 0 && row.sdk.calls > 0, "{row:?}");
        assert!(row.bare.p50 > std::time::Duration::ZERO && row.sdk.p99 >= row.sdk.p50, "{row:?}");
        assert_eq!(row.python.is_some(), with_python, "{row:?}");
        if let Some(python) = &row.python {
            assert!(python.calls > 0 && python.per_second > 0.0, "{row:?}");
        }
    }
    assert_eq!(comparison.hooks.len(), settings.hook_concurrency.len() + 1);
    for row in &comparison.hooks {
        assert!(row.rust.calls > 0, "{row:?}");
        assert_eq!(row.python.is_some(), with_python, "{row:?}");
    }
    let http = &comparison.http;
    assert_eq!(http.small.len(), settings.http_concurrency.len());
    for (rust, python) in &http.small {
        assert!(rust.requests.calls > 0 && rust.first_byte.p50 <= rust.requests.p50, "{rust:?}");
        assert_eq!(python.is_some(), with_python);
    }
    assert_eq!(http.transfer_bytes, settings.transfer_bytes);
    for (rust, python) in [http.upload, http.download] {
        assert!(rust.bytes_per_second > 0.0 && rust.peak_rss > 0, "{rust:?}");
        assert_eq!(python.is_some(), with_python);
    }
    let start = comparison.startup;
    assert_eq!(start.rust.starts, settings.starts);
    assert!(start.rust.handshake_p50 > std::time::Duration::ZERO && start.rust.idle_rss > 0);
    assert_eq!(start.python.is_some(), with_python);

    let markdown = comparison.to_markdown("smoke");
    assert!(markdown.starts_with(report::BEGIN_MARKER) && markdown.trim_end().ends_with(report::END_MARKER));
    assert!(markdown.contains("| GetServerVersion | 2 |") && markdown.contains("MessageWillBePosted"));
    assert_eq!(comparison.targets().len(), 7);
    assert!(!markdown.contains("NaN"), "{markdown}");
    if !with_python {
        assert!(markdown.contains("Python baselines skipped"), "{markdown}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_stock_scenario_produces_numbers() {
    let go = match Go::find() {
        Ok(go) => go,
        Err(why) => {
            let _ = writeln!(std::io::stderr(), "SKIPPED: the stock-protocol scenarios need Go: {why}");
            return;
        }
    };
    let settings = Settings::smoke().stock;
    // The Rust plugin against the Go plugin: the runtime speaks net/rpc on a stock server.
    let comparison = stock::run(&settings, &go, Path::new(RUST_PLUGIN), Subject::Rust, |_| {})
        .await
        .expect("the stock comparison runs");
    let host = &comparison.host;
    assert!(comparison.subject_is_rust && comparison.notice.is_none(), "{:?}", comparison.notice);
    assert_eq!((host.plugins[0].label.as_str(), host.plugins[1].label.as_str()), ("Go", "Rust"));
    for plugin in &host.plugins {
        assert!(plugin.unimplemented_api_calls.is_empty(), "{plugin:?}");
    }
    assert_eq!(host.server_public, "v0.4.4");
    for plugin in &host.plugins {
        assert!(plugin.handshake.ends_with("|netrpc|"), "{plugin:?}");
        assert!(plugin.binary_bytes > 0, "{plugin:?}");
    }

    let api = 5 * settings.api_callers.len();
    let hooks = 3 * settings.hook_callers.len() + 1;
    let http = settings.http_connections.len();
    assert_eq!(host.cells.len(), api + hooks + http);
    let scenarios: Vec<&str> = host.cells.iter().map(|c| c.scenario.as_str()).collect();
    assert!(
        scenarios[..api].iter().all(|s| *s == "api") && scenarios[api + hooks..].iter().all(|s| *s == "http")
    );
    for cell in &host.cells {
        for rounds in &cell.rounds {
            assert_eq!(rounds.len(), settings.sessions * settings.rounds, "{cell:?}");
            for round in rounds {
                let calls = if cell.scenario == "http" { settings.small_requests } else { settings.calls };
                assert_eq!(round.calls, calls, "{cell:?}");
                assert!(
                    round.p50_us > 0.0 && round.p99_us >= round.p50_us && round.per_second > 0.0,
                    "{cell:?}"
                );
            }
        }
    }
    assert_eq!(host.transfers.len(), 2);
    for transfer in &host.transfers {
        assert_eq!(transfer.bytes, settings.transfer_bytes);
        for runs in &transfer.runs {
            assert_eq!(runs.len(), settings.sessions * settings.transfer_repeats);
            assert!(runs.iter().all(|r| r.mb_per_s > 0.0 && r.peak_rss_bytes > 0), "{transfer:?}");
        }
    }
    for side in 0..2 {
        assert_eq!(host.start_to_handshake_us[side].len(), settings.starts);
        assert_eq!(host.activate_us[side].len(), settings.activations);
        assert_eq!(host.idle_rss_bytes[side].len(), settings.sessions);
        assert!(host.idle_rss_bytes[side].iter().all(|&rss| rss > 0));
    }

    let markdown = comparison.to_markdown("smoke", &settings);
    assert!(markdown.starts_with(stock::STOCK_BEGIN_MARKER), "{markdown}");
    assert!(markdown.trim_end().ends_with(stock::STOCK_END_MARKER), "{markdown}");
    assert!(markdown.contains("| API GetServerVersion (in the plugin) | 2 |"), "{markdown}");
    assert!(!markdown.contains("NaN") && !markdown.contains("n/a"), "{markdown}");
    assert_eq!(comparison.targets().len(), 4);
    assert!(comparison.targets().iter().all(|t| t.met.is_some() == comparison.subject_is_rust));
}

/// The Rust plugin's `/bench` commands, over the gRPC protocol (mm-host): the same commands
/// the stock bench host sends it over net/rpc.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_rust_plugin_answers_the_bench_commands() {
    let host = mm_host::Host::start().await.expect("mm-host starts");
    let running = mm_bench::plugins::Plugins::start(&host, Path::new(RUST_PLUGIN), None)
        .await
        .expect("the plugin starts");
    let seed = host.seed().clone();
    let mut hooks = running.rust.connection.hooks().expect("the bench runs the Rust plugin on gRPC");
    let mut run = async |command: &str| {
        let args = wire::CommandArgs {
            user_id: seed.alice.id.to_string(),
            channel_id: seed.town_square.id.to_string(),
            team_id: seed.team.id.to_string(),
            command: command.into(),
            ..wire::CommandArgs::default()
        };
        let request = wire::ExecuteCommandRequest { args: Some(args), ..Default::default() };
        hooks.execute_command(request).await.expect("ExecuteCommand answers").into_inner()
    };
    let echo = run("/bench echo hello there").await;
    assert_eq!(echo.response.map(|r| r.text).as_deref(), Some("hello there"));
    for method in ["GetServerVersion", "GetUser", "KVSet", "KVGet", "CreatePost"] {
        let answer = run(&format!("/bench api {method} 2 5")).await;
        assert!(answer.error.is_none(), "{method}: {answer:?}");
        let text = answer.response.map(|r| r.text).unwrap_or_default();
        let json: serde_json::Value = serde_json::from_str(&text).expect("JSON");
        assert_eq!(json["method"], method, "{text}");
        assert_eq!((json["callers"].as_u64(), json["calls"].as_u64()), (Some(2), Some(5)), "{text}");
        let (p50, p99) = (json["p50_us"].as_f64().unwrap(), json["p99_us"].as_f64().unwrap());
        assert!(p50 > 0.0 && p99 >= p50 && json["calls_per_second"].as_f64().unwrap() > 0.0, "{text}");
    }
    let usage = run("/bench api NoSuchMethod 1 1").await;
    assert!(usage.error.is_some(), "{usage:?}");
    let hello = run("/hello smoke").await;
    assert!(hello.response.map(|r| r.text).unwrap_or_default().starts_with("Hello, smoke!"));
    running.stop().await;
    host.shutdown();
}

/// The processes of `mm-bench instructions` without callgrind: `serve-api` prints its target
/// and `call-loop` makes every call through both clients against it.
#[test]
fn the_instruction_count_processes_make_every_call() {
    use std::process::Command;

    let exe = env!("CARGO_BIN_EXE_mm-bench");
    let server = mm_bench::instructions::ApiServer::start(Path::new(exe)).expect("serve-api");
    for op in ["server-version", "get-user", "create-post", "kv-set", "kv-get"] {
        for client in ["bare", "sdk"] {
            let output = Command::new(exe)
                .args(["call-loop", "--target", &server.target, "--user", &server.user])
                .args(["--channel", &server.channel, "--client", client, "--op", op, "--calls", "5"])
                .output()
                .expect("call-loop");
            assert!(
                output.status.success(),
                "{op} through {client}: {}",
                String::from_utf8_lossy(&output.stderr)
            );
        }
    }
    let status = server.stop().expect("serve-api ends when its stdin closes");
    assert!(status.success(), "serve-api: {status}");
}
