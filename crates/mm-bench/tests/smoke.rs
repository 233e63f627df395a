//! Each scenario of `mm-bench compare` with a few calls: numbers come out, the report holds
//! them. No timing is asserted. Without grpcio for Python, the Rust sides still run and the
//! test says what it skipped.

use std::io::Write;
use std::path::Path;

use mm_bench::python::Install;
use mm_bench::{Comparison, Python, Settings, report};

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
    assert_eq!(comparison.targets().len(), 6);
    assert!(!markdown.contains("NaN"), "{markdown}");
    if !with_python {
        assert!(markdown.contains("Python baselines skipped"), "{markdown}");
    }
}
