//! The comparison as Markdown: tables, ratios, and the targets met or not.

use std::fmt::Write as _;
use std::time::Duration;

use crate::Comparison;
use crate::stats::Summary;

/// The marker lines around the generated part of a Markdown file.
pub const BEGIN_MARKER: &str = "<!-- mm-bench compare: begin (generated, do not edit) -->";
/// See [`BEGIN_MARKER`].
pub const END_MARKER: &str = "<!-- mm-bench compare: end -->";

/// The targets the project aims for.
pub mod targets {
    /// mm-client p50 / bare tonic p50 at most this, in every cell.
    pub const SDK_OVERHEAD: f64 = 1.05;
    /// mm-client p99 / bare tonic p99 at most this, in every cell.
    pub const SDK_TAIL: f64 = 1.2;
    /// mm-client's instructions per call / bare tonic's at most this (`mm-bench instructions`).
    pub const SDK_INSTRUCTIONS: f64 = 1.10;
    /// Python p50 / Rust p50 at least this, for API calls and hook dispatch.
    pub const PYTHON_SPEEDUP: f64 = 5.0;
    /// ServeHTTP large bodies, bytes per second at least this (1 GB/s).
    pub const HTTP_BYTES_PER_SECOND: f64 = 1e9;
    /// Plugin RSS growth during a large transfer below this.
    pub const HTTP_RSS_GROWTH: u64 = 32 * 1024 * 1024;
    /// Plugin start to handshake at most this.
    pub const START_TO_HANDSHAKE_MS: f64 = 50.0;
}

/// One target and how the run did against it.
#[derive(Debug, Clone)]
pub struct TargetCheck {
    /// What is aimed for.
    pub target: String,
    /// The measured value it is judged on.
    pub measured: String,
    /// Met or not (`None`: not measured, e.g. without the Python baseline).
    pub met: Option<bool>,
}

/// Formats a latency: µs below 10 ms, else ms.
pub fn latency(d: Duration) -> String {
    let us = d.as_secs_f64() * 1e6;
    if us < 10_000.0 { format!("{us:.0} µs") } else { format!("{:.1} ms", us / 1000.0) }
}

fn rate(per_second: f64) -> String {
    format!("{per_second:.0}/s")
}

pub(crate) fn ratio(r: f64) -> String {
    if r.is_finite() { format!("{r:.2}x") } else { "n/a".into() }
}

pub(crate) fn mib(bytes: u64) -> String {
    format!("{:.1} MiB", bytes as f64 / (1024.0 * 1024.0))
}

fn mb_per_s(bytes_per_second: f64) -> String {
    format!("{:.0} MB/s", bytes_per_second / 1e6)
}

fn p50_ratio(numerator: &Summary, denominator: &Summary) -> f64 {
    numerator.p50.as_secs_f64() / denominator.p50.as_secs_f64()
}

fn p99_ratio(numerator: &Summary, denominator: &Summary) -> f64 {
    numerator.p99.as_secs_f64() / denominator.p99.as_secs_f64()
}

impl Comparison {
    /// The targets, judged on this run's numbers.
    pub fn targets(&self) -> Vec<TargetCheck> {
        let mut checks = Vec::new();
        let overheads: Vec<f64> = self.api.iter().map(|r| p50_ratio(&r.sdk, &r.bare)).collect();
        let worst = overheads.iter().copied().fold(f64::NAN, f64::max);
        let mut sorted = overheads.clone();
        sorted.sort_by(f64::total_cmp);
        let median = sorted.get(sorted.len().saturating_sub(1) / 2).copied().unwrap_or(f64::NAN);
        checks.push(TargetCheck {
            target: format!("SDK overhead (mm-client p50 / bare tonic p50) <= {:.2}x", targets::SDK_OVERHEAD),
            measured: format!(
                "worst {} (median {}) over {} call/concurrency cells",
                ratio(worst),
                ratio(median),
                overheads.len()
            ),
            met: Some(worst <= targets::SDK_OVERHEAD),
        });
        let worst_tail =
            self.api.iter().map(|r| (r, p99_ratio(&r.sdk, &r.bare))).max_by(|a, b| a.1.total_cmp(&b.1));
        checks.push(TargetCheck {
            target: format!("SDK tail (mm-client p99 / bare tonic p99) <= {:.1}x", targets::SDK_TAIL),
            measured: match worst_tail {
                Some((row, worst)) => format!(
                    "worst {} ({} at {}) over {} cells",
                    ratio(worst),
                    row.op,
                    row.concurrency,
                    self.api.len()
                ),
                None => "no cells".into(),
            },
            met: Some(worst_tail.is_some_and(|(_, worst)| worst <= targets::SDK_TAIL)),
        });
        let api_speedups: Vec<f64> =
            self.api.iter().filter_map(|r| r.python.as_ref().map(|p| p50_ratio(p, &r.sdk))).collect();
        checks.push(speedup_check("PluginAPI calls: Python p50 / mm-client p50", &api_speedups));
        let hook_speedups: Vec<f64> =
            self.hooks.iter().filter_map(|r| r.python.as_ref().map(|p| p50_ratio(p, &r.rust))).collect();
        checks.push(speedup_check("hook dispatch: Python plugin p50 / Rust plugin p50", &hook_speedups));
        let (upload, download) = (self.http.upload.0, self.http.download.0);
        let slowest = upload.bytes_per_second.min(download.bytes_per_second);
        checks.push(TargetCheck {
            target: "ServeHTTP large bodies (Rust plugin) >= 1 GB/s".into(),
            measured: format!(
                "upload {}, download {} ({})",
                mb_per_s(upload.bytes_per_second),
                mb_per_s(download.bytes_per_second),
                mib(self.http.transfer_bytes)
            ),
            met: Some(slowest >= targets::HTTP_BYTES_PER_SECOND),
        });
        let growth = upload.rss_growth.max(download.rss_growth);
        checks.push(TargetCheck {
            target: "plugin RSS growth during a large body < 32 MiB".into(),
            measured: format!("upload {}, download {}", mib(upload.rss_growth), mib(download.rss_growth)),
            met: Some(growth < targets::HTTP_RSS_GROWTH),
        });
        let start_ms = self.startup.rust.handshake_p50.as_secs_f64() * 1000.0;
        checks.push(TargetCheck {
            target: "plugin start to handshake <= 50 ms".into(),
            measured: format!("p50 {start_ms:.1} ms, max {}", latency(self.startup.rust.handshake_max)),
            met: Some(start_ms <= targets::START_TO_HANDSHAKE_MS),
        });
        checks
    }

    /// The Markdown section (between the markers), for docs/performance.md.
    pub fn to_markdown(&self, command: &str) -> String {
        let mut out = String::new();
        let m = &self.machine;
        let _ = writeln!(out, "{BEGIN_MARKER}");
        let _ = writeln!(out);
        let _ = writeln!(out, "Command: `{command}`; the run took {:.0} s.", self.elapsed.as_secs_f64());
        let _ = writeln!(out);
        let python = match &self.python {
            Ok(version) => version.clone(),
            Err(why) => format!("Python baselines skipped: {why}"),
        };
        let memory = m.memory as f64 / (1024.0 * 1024.0 * 1024.0);
        let _ = writeln!(
            out,
            "Machine: {} logical CPUs ({}), {memory:.1} GiB RAM, {}; {}; {python}.",
            m.cores, m.cpu, m.os, m.rustc
        );
        let _ = writeln!(out);

        let _ = writeln!(
            out,
            "#### 1. PluginAPI unary round trips over loopback TCP (mm-host's in-memory API server)"
        );
        let _ = writeln!(out);
        let _ = writeln!(
            out,
            "| Call | Conc. | (a) bare tonic p50 / p99 / calls/s | (b) mm-client p50 / p99 / calls/s | (c) Python grpcio p50 / p99 / calls/s | SDK overhead (b)/(a) p50 | throughput (a)/(b) | speedup (c)/(b) p50 |"
        );
        let _ = writeln!(out, "|---|---:|---:|---:|---:|---:|---:|---:|");
        for row in &self.api {
            let python = row.python.as_ref();
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} | {} | {} | {} | {} |",
                row.op,
                row.concurrency,
                cell(&row.bare),
                cell(&row.sdk),
                python.map_or("skipped".into(), cell),
                ratio(p50_ratio(&row.sdk, &row.bare)),
                ratio(row.bare.per_second / row.sdk.per_second),
                python.map_or("n/a".into(), |p| ratio(p50_ratio(p, &row.sdk))),
            );
        }
        let _ = writeln!(out);

        let _ = writeln!(out, "#### 2. Hook dispatch from the host (gRPC round trip host -> plugin process)");
        let _ = writeln!(out);
        let _ = writeln!(
            out,
            "| Hook | Conc. | Rust plugin p50 / p99 / calls/s | Python plugin p50 / p99 / calls/s | speedup Python/Rust p50 |"
        );
        let _ = writeln!(out, "|---|---:|---:|---:|---:|");
        for row in &self.hooks {
            let python = row.python.as_ref();
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} | {} |",
                row.hook,
                row.concurrency,
                cell(&row.rust),
                python.map_or("skipped".into(), cell),
                python.map_or("n/a".into(), |p| ratio(p50_ratio(p, &row.rust))),
            );
        }
        let _ = writeln!(out);

        let h = &self.http;
        let _ = writeln!(
            out,
            "#### 3. ServeHTTP through mm-host's HTTP front (HTTP/1.1 keep-alive client -> host -> plugin)"
        );
        let _ = writeln!(out);
        let _ = writeln!(out, "| Measure | Rust plugin | Python plugin | Rust vs Python |");
        let _ = writeln!(out, "|---|---:|---:|---:|");
        for (rust, python) in &h.small {
            let _ = writeln!(
                out,
                "| 1 KiB GET, {} connection(s): requests/s | {} | {} | {} |",
                rust.concurrency,
                rate(rust.requests.per_second),
                python.as_ref().map_or("skipped".into(), |p| rate(p.requests.per_second)),
                python
                    .as_ref()
                    .map_or("n/a".into(), |p| ratio(rust.requests.per_second / p.requests.per_second)),
            );
            let _ = writeln!(
                out,
                "| 1 KiB GET, {} connection(s): time to first byte p50 / p99 | {} / {} | {} | {} |",
                rust.concurrency,
                latency(rust.first_byte.p50),
                latency(rust.first_byte.p99),
                python.as_ref().map_or("skipped".into(), |p| format!(
                    "{} / {}",
                    latency(p.first_byte.p50),
                    latency(p.first_byte.p99)
                )),
                python.as_ref().map_or("n/a".into(), |p| ratio(p50_ratio(&p.first_byte, &rust.first_byte))),
            );
        }
        for (name, (rust, python)) in [("upload (POST)", h.upload), ("download (GET)", h.download)] {
            let size = mib(h.transfer_bytes);
            let _ = writeln!(
                out,
                "| {size} {name}: throughput | {} | {} | {} |",
                mb_per_s(rust.bytes_per_second),
                python.map_or("skipped".into(), |p| mb_per_s(p.bytes_per_second)),
                python.map_or("n/a".into(), |p| ratio(rust.bytes_per_second / p.bytes_per_second)),
            );
            let _ = writeln!(
                out,
                "| {size} {name}: plugin peak RSS (growth) | {} ({}) | {} | |",
                mib(rust.peak_rss),
                mib(rust.rss_growth),
                python.map_or("skipped".into(), |p| format!("{} ({})", mib(p.peak_rss), mib(p.rss_growth))),
            );
        }
        let _ = writeln!(out);

        let s = &self.startup;
        let _ = writeln!(out, "#### 4. Plugin process start ({} starts each, alternating)", s.rust.starts);
        let _ = writeln!(out);
        let _ = writeln!(out, "| Measure | Rust plugin | Python plugin | Python/Rust |");
        let _ = writeln!(out, "|---|---:|---:|---:|");
        let _ = writeln!(
            out,
            "| start to handshake p50 (max) | {} ({}) | {} | {} |",
            latency(s.rust.handshake_p50),
            latency(s.rust.handshake_max),
            s.python.map_or("skipped".into(), |p| format!(
                "{} ({})",
                latency(p.handshake_p50),
                latency(p.handshake_max)
            )),
            s.python.map_or("n/a".into(), |p| ratio(
                p.handshake_p50.as_secs_f64() / s.rust.handshake_p50.as_secs_f64()
            )),
        );
        let _ = writeln!(
            out,
            "| idle RSS after the handshake | {} | {} | {} |",
            mib(s.rust.idle_rss),
            s.python.map_or("skipped".into(), |p| mib(p.idle_rss)),
            s.python.map_or("n/a".into(), |p| ratio(p.idle_rss as f64 / s.rust.idle_rss as f64)),
        );
        let _ = writeln!(out);

        let _ = writeln!(out, "#### Targets");
        let _ = writeln!(out);
        let _ = writeln!(out, "| Target | Measured | Met |");
        let _ = writeln!(out, "|---|---|---|");
        for check in self.targets() {
            let met = match check.met {
                Some(true) => "met",
                Some(false) => "**not met**",
                None => "not measured",
            };
            let _ = writeln!(out, "| {} | {} | {met} |", check.target, check.measured);
        }
        let _ = writeln!(out);
        let _ = writeln!(out, "{END_MARKER}");
        out
    }
}

fn speedup_check(what: &str, speedups: &[f64]) -> TargetCheck {
    if speedups.is_empty() {
        return TargetCheck {
            target: format!("{what} >= {:.0}x", targets::PYTHON_SPEEDUP),
            measured: "Python baseline not run".into(),
            met: None,
        };
    }
    let lowest = speedups.iter().copied().fold(f64::INFINITY, f64::min);
    let highest = speedups.iter().copied().fold(0.0, f64::max);
    TargetCheck {
        target: format!("{what} >= {:.0}x", targets::PYTHON_SPEEDUP),
        measured: format!(
            "lowest {}, highest {} over {} cells",
            ratio(lowest),
            ratio(highest),
            speedups.len()
        ),
        met: Some(lowest >= targets::PYTHON_SPEEDUP),
    }
}

fn cell(s: &Summary) -> String {
    format!("{} / {} / {}", latency(s.p50), latency(s.p99), rate(s.per_second))
}

/// Puts `section` (with its markers) into `document`: replaces the marked part, or appends.
pub fn splice(document: &str, section: &str) -> String {
    splice_between(document, section, BEGIN_MARKER, END_MARKER)
}

/// Like [`splice`], with other markers (the stock part's
/// [`STOCK_BEGIN_MARKER`](crate::stock::STOCK_BEGIN_MARKER)).
pub fn splice_between(document: &str, section: &str, begin_marker: &str, end_marker: &str) -> String {
    if let (Some(begin), Some(end)) = (document.find(begin_marker), document.find(end_marker))
        && begin < end
    {
        let after = &document[end + end_marker.len()..];
        let after = after.strip_prefix('\n').unwrap_or(after);
        return format!("{}{section}{after}", &document[..begin]);
    }
    let mut out = document.to_string();
    if !out.is_empty() && !out.ends_with("\n\n") {
        out.push_str(if out.ends_with('\n') { "\n" } else { "\n\n" });
    }
    out.push_str(section);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splice_replaces_the_marked_part_or_appends() {
        let section = format!("{BEGIN_MARKER}\nnew\n{END_MARKER}\n");
        let doc = format!("# Title\n\n{BEGIN_MARKER}\nold\n{END_MARKER}\n\nafter\n");
        assert_eq!(splice(&doc, &section), format!("# Title\n\n{section}\nafter\n"));
        assert_eq!(splice("# Title\n", &section), format!("# Title\n\n{section}"));
        assert_eq!(splice("", &section), section);
    }

    #[test]
    fn formats() {
        assert_eq!(latency(Duration::from_micros(250)), "250 µs");
        assert_eq!(latency(Duration::from_millis(12)), "12.0 ms");
        assert_eq!(ratio(1.234), "1.23x");
        assert_eq!(ratio(f64::NAN), "n/a");
        assert_eq!(mib(3 * 1024 * 1024), "3.0 MiB");
    }
}
