//! The JSON the stock bench host writes (`go/cmd/stockhost`), and its summaries. Index 0 of
//! every pair is plugin A (the Go baseline), index 1 plugin B (the subject).

use serde::Deserialize;

/// Everything one run of the stock bench host measured.
#[derive(Debug, Clone, Deserialize)]
pub struct HostOutput {
    /// The version of `github.com/mattermost/mattermost/server/public` the host runs.
    pub server_public: String,
    /// The version of `github.com/hashicorp/go-plugin` in it.
    pub go_plugin: String,
    /// The Go version the host was built with.
    pub go_version: String,
    /// The two plugins.
    pub plugins: [PluginInfo; 2],
    /// Fork/exec to the handshake line, µs, each start.
    pub start_to_handshake_us: [Vec<f64>; 2],
    /// `Environment.Activate`, µs, each activation.
    pub activate_us: [Vec<f64>; 2],
    /// VmRSS after activation and the idle wait, each session.
    pub idle_rss_bytes: [Vec<u64>; 2],
    /// API, hook and small-request measurements.
    pub cells: Vec<Cell>,
    /// The large upload and download.
    pub transfers: Vec<Transfer>,
    /// How long the host ran.
    pub elapsed_seconds: f64,
}

/// One plugin as the host installed it.
#[derive(Debug, Clone, Deserialize)]
pub struct PluginInfo {
    /// Its name in the tables.
    pub label: String,
    /// The id it was installed under.
    pub id: String,
    /// The size of its server binary.
    pub binary_bytes: u64,
    /// Its handshake line (`1|1|unix|<socket>|netrpc|`).
    pub handshake: String,
    /// PluginAPI methods outside the host's set that it called (`Method xN`).
    pub unimplemented_api_calls: Vec<String>,
}

/// One measured case, every round of each plugin.
#[derive(Debug, Clone, Deserialize)]
pub struct Cell {
    /// `api`, `hook` or `http`.
    pub scenario: String,
    /// The call (`GetUser`, `MessageWillBePosted (...)`, `1 KiB GET`).
    pub name: String,
    /// Concurrent callers (HTTP: connections).
    pub callers: usize,
    /// Where the time was taken: `plugin`, `host` or `client`.
    pub view: String,
    /// Per plugin, one summary per round (the rounds of every session).
    pub rounds: [Vec<RoundSummary>; 2],
}

/// One round of one plugin in a [`Cell`].
#[derive(Debug, Clone, Copy, Deserialize)]
pub struct RoundSummary {
    /// Calls measured.
    pub calls: usize,
    /// Median latency, µs.
    pub p50_us: f64,
    /// 99th percentile latency, µs.
    pub p99_us: f64,
    /// Calls per second, all callers together.
    pub per_second: f64,
}

/// A large ServeHTTP body, every repeat of each plugin.
#[derive(Debug, Clone, Deserialize)]
pub struct Transfer {
    /// `upload` or `download`.
    pub name: String,
    /// The body size.
    pub bytes: u64,
    /// Per plugin, one entry per repeat.
    pub runs: [Vec<TransferRun>; 2],
}

/// One upload or download.
#[derive(Debug, Clone, Copy, Deserialize)]
pub struct TransferRun {
    /// MB (10^6 bytes) of body per second, to the last byte.
    pub mb_per_s: f64,
    /// The plugin's peak RSS during the transfer (VmHWM, reset before it).
    pub peak_rss_bytes: u64,
}

/// The median and the range of some values (one per round or repeat).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Spread {
    /// The median (the mean of the middle two for an even count).
    pub median: f64,
    /// The smallest value.
    pub min: f64,
    /// The largest value.
    pub max: f64,
}

impl Spread {
    /// The spread of `values`; NaN everywhere when there are none.
    pub fn of(values: impl IntoIterator<Item = f64>) -> Spread {
        let mut sorted: Vec<f64> = values.into_iter().collect();
        if sorted.is_empty() {
            return Spread { median: f64::NAN, min: f64::NAN, max: f64::NAN };
        }
        sorted.sort_by(f64::total_cmp);
        let mid = sorted.len() / 2;
        let median =
            if sorted.len() % 2 == 1 { sorted[mid] } else { f64::midpoint(sorted[mid - 1], sorted[mid]) };
        Spread { median, min: sorted[0], max: sorted[sorted.len() - 1] }
    }
}

/// A cell's summary for one plugin: the spreads of its rounds' values.
#[derive(Debug, Clone, Copy)]
pub struct CellSummary {
    /// p50 across rounds, µs.
    pub p50_us: Spread,
    /// p99 across rounds, µs.
    pub p99_us: Spread,
    /// Calls per second across rounds.
    pub per_second: Spread,
}

impl Cell {
    /// Plugin `side`'s (0: A, 1: B) summary.
    pub fn summary(&self, side: usize) -> CellSummary {
        let rounds = &self.rounds[side];
        CellSummary {
            p50_us: Spread::of(rounds.iter().map(|r| r.p50_us)),
            p99_us: Spread::of(rounds.iter().map(|r| r.p99_us)),
            per_second: Spread::of(rounds.iter().map(|r| r.per_second)),
        }
    }
}

impl HostOutput {
    /// Plugin `side`'s median idle RSS over the sessions.
    pub fn idle_rss(&self, side: usize) -> u64 {
        Spread::of(self.idle_rss_bytes[side].iter().map(|&b| b as f64)).median as u64
    }
}

impl Transfer {
    /// Plugin `side`'s throughput across repeats, MB/s.
    pub fn throughput(&self, side: usize) -> Spread {
        Spread::of(self.runs[side].iter().map(|r| r.mb_per_s))
    }

    /// Plugin `side`'s largest peak RSS over the repeats.
    pub fn peak_rss(&self, side: usize) -> u64 {
        self.runs[side].iter().map(|r| r.peak_rss_bytes).max().unwrap_or(0)
    }
}

/// A host output of one round, for the tests: B twice as fast as A, with a quarter of its
/// memory, ten times its throughput.
#[cfg(test)]
pub(super) const FIXTURE: &str = r#"{"server_public":"v0.4.4","go_plugin":"v1.8.0","go_version":"go1.26.8",
            "settings":{"rounds":1},
            "plugins":[{"label":"Go","id":"a","bundle":"/x","binary_bytes":10,"handshake":"1|1|unix|/s|netrpc|","unimplemented_api_calls":[]},
                       {"label":"Rust","id":"b","bundle":"/y","binary_bytes":5,"handshake":"1|1|unix|/t|netrpc|","unimplemented_api_calls":["GetChannel x1"]}],
            "start_to_handshake_us":[[8000],[2000]],"activate_us":[[70000],[9000]],"idle_rss_bytes":[[23000000],[4000000]],
            "cells":[{"scenario":"api","name":"GetUser","callers":1,"view":"plugin",
                      "rounds":[[{"calls":5,"p50_us":90,"p99_us":250,"per_second":9000}],[{"calls":5,"p50_us":45,"p99_us":100,"per_second":18000}]]}],
            "transfers":[{"name":"upload","bytes":1048576,"runs":[[{"mb_per_s":90,"peak_rss_bytes":27000000}],[{"mb_per_s":900,"peak_rss_bytes":5000000}]]}],
            "elapsed_seconds":1.5}"#;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spreads() {
        assert_eq!(Spread::of([3.0, 1.0, 2.0]), Spread { median: 2.0, min: 1.0, max: 3.0 });
        assert_eq!(Spread::of([4.0, 1.0]), Spread { median: 2.5, min: 1.0, max: 4.0 });
        assert!(Spread::of([]).median.is_nan());
    }

    #[test]
    fn reads_the_hosts_json() {
        let output: HostOutput = serde_json::from_str(FIXTURE).unwrap();
        assert_eq!(output.plugins[1].unimplemented_api_calls, ["GetChannel x1"]);
        assert_eq!(output.cells[0].summary(1).p50_us.median, 45.0);
        assert_eq!(output.transfers[0].throughput(0).median, 90.0);
        assert_eq!(output.transfers[0].peak_rss(1), 5_000_000);
    }
}
