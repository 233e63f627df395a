//! How long and how often the comparison measures.

use std::time::Duration;

use crate::measure::Budget;
use crate::stock::StockSettings;

/// The sizes of a comparison run.
#[derive(Debug, Clone)]
pub struct Settings {
    /// One measurement of one subject (warm-up, window).
    pub budget: Budget,
    /// Alternating rounds per Rust subject (their samples are merged); the Python baselines
    /// run once for `rounds` windows.
    pub rounds: usize,
    /// Concurrent callers of the API scenario.
    pub api_concurrency: Vec<usize>,
    /// Concurrent callers of the hook dispatch scenario.
    pub hook_concurrency: Vec<usize>,
    /// Concurrent HTTP connections for the 1 KiB requests.
    pub http_concurrency: Vec<usize>,
    /// The size of the large upload and download.
    pub transfer_bytes: u64,
    /// Uploads and downloads per plugin (alternating plugins).
    pub transfer_repeats: usize,
    /// Plugin starts per plugin (alternating plugins).
    pub starts: usize,
    /// How long a started plugin idles before its RSS is read.
    pub idle_settle: Duration,
    /// The stock-protocol part (the Go bench host's sizes).
    pub stock: StockSettings,
}

impl Settings {
    /// The full run whose table docs/performance.md holds (about two minutes).
    pub fn full() -> Settings {
        Settings {
            budget: Budget::timed(Duration::from_millis(200), Duration::from_millis(600)),
            rounds: 2,
            api_concurrency: vec![1, 16, 64],
            hook_concurrency: vec![1, 16],
            http_concurrency: vec![1, 16],
            transfer_bytes: 100 * 1024 * 1024,
            transfer_repeats: 3,
            starts: 10,
            idle_settle: Duration::from_millis(500),
            stock: StockSettings::full(),
        }
    }

    /// A short run with every scenario (`--quick`), for checking the setup.
    pub fn quick() -> Settings {
        Settings {
            budget: Budget::timed(Duration::from_millis(50), Duration::from_millis(150)),
            transfer_bytes: 16 * 1024 * 1024,
            transfer_repeats: 1,
            starts: 3,
            idle_settle: Duration::from_millis(200),
            stock: StockSettings::quick(),
            ..Settings::full()
        }
    }

    /// A few calls of everything (the smoke test): checks that numbers come out.
    pub fn smoke() -> Settings {
        Settings {
            budget: Budget::calls(3),
            rounds: 2,
            api_concurrency: vec![2],
            hook_concurrency: vec![1],
            http_concurrency: vec![1],
            transfer_bytes: 1024 * 1024,
            transfer_repeats: 1,
            starts: 1,
            idle_settle: Duration::from_millis(20),
            stock: StockSettings::smoke(),
        }
    }
}
