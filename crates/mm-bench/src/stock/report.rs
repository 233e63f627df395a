//! The stock part of the comparison as Markdown: ratios A/B (Go/Rust) per cell, and the
//! issue's goals judged when B is the Rust plugin.

use std::fmt::Write as _;
use std::time::Duration;

use super::output::{CellSummary, Spread};
use super::{StockComparison, StockSettings};
use crate::report::{latency, mib, ratio};

/// The marker lines around the generated stock part of a Markdown file.
pub const STOCK_BEGIN_MARKER: &str = "<!-- mm-bench compare stock: begin (generated, do not edit) -->";
/// See [`STOCK_BEGIN_MARKER`].
pub const STOCK_END_MARKER: &str = "<!-- mm-bench compare stock: end -->";

/// One goal of the stock comparison and how the run did.
#[derive(Debug, Clone)]
pub struct StockTarget {
    /// The goal, in the words.
    pub goal: String,
    /// The same goal as a bound on the table's ratios.
    pub as_ratio: String,
    /// What the run measured.
    pub measured: String,
    /// Met or not; `None` when B is not the Rust plugin (nothing to judge).
    pub met: Option<bool>,
}

fn us(value: f64) -> String {
    if value.is_finite() { latency(Duration::from_nanos((value * 1000.0) as u64)) } else { "n/a".into() }
}

fn range(spread: Spread, format: impl Fn(f64) -> String) -> String {
    format!("{} [{}–{}]", format(spread.median), format(spread.min), format(spread.max))
}

fn cell(s: &CellSummary) -> String {
    format!(
        "{} [{}–{}] / {} / {:.0}/s",
        us(s.p50_us.median),
        us(s.p50_us.min),
        us(s.p50_us.max),
        us(s.p99_us.median),
        s.per_second.median
    )
}

fn mb_s(value: f64) -> String {
    format!("{value:.0} MB/s")
}

impl StockComparison {
    fn labels(&self) -> (&str, &str) {
        (&self.host.plugins[0].label, &self.host.plugins[1].label)
    }

    /// `Go/Rust`, or `A/B` for Go against itself.
    pub fn ratio_name(&self) -> &'static str {
        if self.subject_is_rust { "Go/Rust" } else { "A/B" }
    }

    /// The goals for the stock protocol, judged on this run (only when B is Rust).
    pub fn targets(&self) -> Vec<StockTarget> {
        let judge = |met: bool| self.subject_is_rust.then_some(met);
        let mut targets = Vec::new();
        let cells: Vec<_> =
            self.host.cells.iter().filter(|c| c.scenario == "api" || c.scenario == "hook").collect();
        let ratios: Vec<f64> =
            cells.iter().map(|c| c.summary(0).p50_us.median / c.summary(1).p50_us.median).collect();
        let lowest = ratios.iter().copied().fold(f64::INFINITY, f64::min);
        let below = cells.iter().zip(&ratios).filter(|(_, r)| **r < 1.25).count();
        targets.push(StockTarget {
            goal: "Rust p50 at most 0.8x the Go plugin's in every API and hook cell".into(),
            as_ratio: format!("{} p50 >= 1.25 in all {} cells", self.ratio_name(), cells.len()),
            measured: format!("lowest {}, {below} cell(s) below 1.25", ratio(lowest)),
            met: judge(below == 0 && !cells.is_empty()),
        });
        let speedups: Vec<(String, f64)> = self
            .host
            .transfers
            .iter()
            .map(|t| (t.name.clone(), t.throughput(1).median / t.throughput(0).median))
            .collect();
        targets.push(StockTarget {
            goal: "ServeHTTP at least 5x the Go plugin's throughput both ways".into(),
            as_ratio: format!("{} MB/s <= 0.20 for upload and download", self.ratio_name()),
            measured: speedups
                .iter()
                .map(|(name, s)| format!("{name}: B is {}", ratio(*s)))
                .collect::<Vec<_>>()
                .join(", "),
            met: judge(!speedups.is_empty() && speedups.iter().all(|(_, s)| *s >= 5.0)),
        });
        let idle = self.host.idle_rss(0) as f64 / self.host.idle_rss(1) as f64;
        let peaks: Vec<f64> =
            self.host.transfers.iter().map(|t| t.peak_rss(0) as f64 / t.peak_rss(1) as f64).collect();
        let lowest_peak = peaks.iter().copied().fold(f64::INFINITY, f64::min);
        targets.push(StockTarget {
            goal: "plugin peak and idle RSS at most a quarter of Go's".into(),
            as_ratio: format!("{} RSS >= 4 (idle, peak in each transfer)", self.ratio_name()),
            measured: format!("idle {}, peak lowest {}", ratio(idle), ratio(lowest_peak)),
            met: judge(idle >= 4.0 && lowest_peak >= 4.0),
        });
        let activation = Spread::of(self.host.activate_us[0].iter().copied()).median
            / Spread::of(self.host.activate_us[1].iter().copied()).median;
        targets.push(StockTarget {
            goal: "activation at most a third of Go's".into(),
            as_ratio: format!("{} Environment.Activate p50 >= 3", self.ratio_name()),
            measured: ratio(activation),
            met: judge(activation >= 3.0),
        });
        targets
    }

    /// The Markdown section (between the stock markers), for docs/performance.md.
    pub fn to_markdown(&self, command: &str, settings: &StockSettings) -> String {
        let mut out = String::new();
        let h = &self.host;
        let (a, b) = self.labels();
        let r = self.ratio_name();
        let _ = writeln!(out, "{STOCK_BEGIN_MARKER}");
        let _ = writeln!(out);
        let _ = writeln!(
            out,
            "Command: `{command}`; the stock part took {:.0} s (the host {:.0} s). Load average (1/5/15 min) before: {}, after: {}.",
            self.elapsed.as_secs_f64(),
            h.elapsed_seconds,
            self.load.0,
            self.load.1
        );
        let _ = writeln!(out);
        let m = &self.machine;
        let _ = writeln!(
            out,
            "Machine: {} logical CPUs ({}), {:.1} GiB RAM, {}; {}; Go {} (host built with {}), server/public {} (go-plugin {}).",
            m.cores,
            m.cpu,
            m.memory as f64 / (1024.0 * 1024.0 * 1024.0),
            m.os,
            m.rustc,
            self.go_version,
            h.go_version,
            h.server_public,
            h.go_plugin
        );
        let _ = writeln!(out);
        if self.subject_is_rust {
            let _ = writeln!(
                out,
                "Plugins: **{a}** = the Go baseline (`go/cmd/goplugin`), **{b}** = `mm-bench-plugin`. Ratios are {r}: above 1 the Rust plugin is faster for latencies and smaller for memory; for throughput below 1 is faster."
            );
        } else {
            let _ = writeln!(
                out,
                "Plugins: **{a}** and **{b}** are both the Go baseline (`go/cmd/goplugin`): this run shows the noise floor of the machinery; a ratio {r} away from 1.00 is noise.{}",
                self.notice.as_ref().map(|n| format!(" Why: {n}.")).unwrap_or_default()
            );
        }
        let _ = writeln!(out);
        let _ = writeln!(
            out,
            "Each cell: {} session(s) (both plugins activated afresh) of {} interleaved rounds per plugin ({a} {b}, then {b} {a}, ...), {} calls per round (1 KiB GETs: {}); the median of the rounds' p50 [their min–max] / median p99 / median calls per second.",
            settings.sessions, settings.rounds, settings.calls, settings.small_requests
        );
        let _ = writeln!(out);
        let _ = writeln!(out, "#### Stock 1. PluginAPI calls, hooks, ServeHTTP requests");
        let _ = writeln!(out);
        let _ = writeln!(
            out,
            "| Cell | Conc. | {a} p50 [range] / p99 / calls/s | {b} p50 [range] / p99 / calls/s | {r} p50 | {r} p99 | {r} calls/s |"
        );
        let _ = writeln!(out, "|---|---:|---:|---:|---:|---:|---:|");
        for c in &h.cells {
            let (sa, sb) = (c.summary(0), c.summary(1));
            let what = match c.scenario.as_str() {
                "api" => format!("API {} (in the plugin)", display_api(&c.name)),
                "hook" => format!("hook {} (host view)", c.name),
                _ => format!("ServeHTTP {} (HTTP client)", c.name),
            };
            let _ = writeln!(
                out,
                "| {what} | {} | {} | {} | {} | {} | {} |",
                c.callers,
                cell(&sa),
                cell(&sb),
                ratio(sa.p50_us.median / sb.p50_us.median),
                ratio(sa.p99_us.median / sb.p99_us.median),
                ratio(sa.per_second.median / sb.per_second.median),
            );
        }
        let _ = writeln!(out);
        let _ = writeln!(out, "#### Stock 2. Large bodies, start, activation, memory");
        let _ = writeln!(out);
        let _ = writeln!(out, "| Measure | {a} | {b} | {r} |");
        let _ = writeln!(out, "|---|---:|---:|---:|");
        for t in &h.transfers {
            let (ta, tb) = (t.throughput(0), t.throughput(1));
            let _ = writeln!(
                out,
                "| ServeHTTP {} {}: MB/s median [range] of {} | {} | {} | {} |",
                mib(t.bytes),
                t.name,
                t.runs[0].len(),
                range(ta, mb_s),
                range(tb, mb_s),
                ratio(ta.median / tb.median)
            );
            let _ = writeln!(
                out,
                "| ServeHTTP {} {}: plugin peak RSS (largest) | {} | {} | {} |",
                mib(t.bytes),
                t.name,
                mib(t.peak_rss(0)),
                mib(t.peak_rss(1)),
                ratio(t.peak_rss(0) as f64 / t.peak_rss(1) as f64)
            );
        }
        let starts = [0, 1].map(|s| Spread::of(h.start_to_handshake_us[s].iter().copied()));
        let _ = writeln!(
            out,
            "| start to handshake: p50 [range] of {} | {} | {} | {} |",
            h.start_to_handshake_us[0].len(),
            range(starts[0], us),
            range(starts[1], us),
            ratio(starts[0].median / starts[1].median)
        );
        let activations = [0, 1].map(|s| Spread::of(h.activate_us[s].iter().copied()));
        let _ = writeln!(
            out,
            "| Environment.Activate: p50 [range] of {} | {} | {} | {} |",
            h.activate_us[0].len(),
            range(activations[0], us),
            range(activations[1], us),
            ratio(activations[0].median / activations[1].median)
        );
        let _ = writeln!(
            out,
            "| idle RSS, {} after activation: median of {} | {} | {} | {} |",
            wait(settings.idle_settle),
            h.idle_rss_bytes[0].len(),
            mib(h.idle_rss(0)),
            mib(h.idle_rss(1)),
            ratio(h.idle_rss(0) as f64 / h.idle_rss(1) as f64)
        );
        let _ = writeln!(
            out,
            "| server binary | {} | {} | {} |",
            mib(h.plugins[0].binary_bytes),
            mib(h.plugins[1].binary_bytes),
            ratio(h.plugins[0].binary_bytes as f64 / h.plugins[1].binary_bytes as f64)
        );
        let _ = writeln!(out);
        for p in &h.plugins {
            if !p.unimplemented_api_calls.is_empty() {
                let _ = writeln!(
                    out,
                    "{} called PluginAPI methods the bench host does not implement (answered with an error): {}.",
                    p.label,
                    p.unimplemented_api_calls.join(", ")
                );
                let _ = writeln!(out);
            }
        }
        let _ = writeln!(out, "#### Stock targets (issue 19)");
        let _ = writeln!(out);
        let _ = writeln!(out, "| Goal | As a ratio | Measured | Met |");
        let _ = writeln!(out, "|---|---|---|---|");
        for t in self.targets() {
            let met = match t.met {
                Some(true) => "met",
                Some(false) => "**not met**",
                None => "not judged (Go vs Go)",
            };
            let _ = writeln!(out, "| {} | {} | {} | {met} |", t.goal, t.as_ratio, t.measured);
        }
        let _ = writeln!(out);
        let _ = writeln!(out, "{STOCK_END_MARKER}");
        out
    }
}

/// A wait: `2 s`, `500 ms`.
fn wait(d: Duration) -> String {
    if d.subsec_millis() == 0 && d.as_secs() > 0 {
        format!("{} s", d.as_secs())
    } else {
        format!("{} ms", d.as_millis())
    }
}

fn display_api(name: &str) -> String {
    match name {
        "KVSet" | "KVGet" => format!("{name} 64 B"),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::machine::Machine;
    use crate::stock::output::FIXTURE;

    fn comparison(subject_is_rust: bool) -> StockComparison {
        StockComparison {
            machine: Machine::describe(),
            go_version: "1.26.8".into(),
            subject_is_rust,
            notice: (!subject_is_rust).then(|| "Go vs Go".into()),
            load: ("1.00 1.00 1.00".into(), "2.00 1.00 1.00".into()),
            host: serde_json::from_str(FIXTURE).unwrap(),
            host_json: FIXTURE.into(),
            elapsed: Duration::from_secs(3),
        }
    }

    #[test]
    fn goals_are_judged_only_against_the_rust_plugin() {
        let rust = comparison(true).targets();
        let met: Vec<_> = rust.iter().map(|t| t.met).collect();
        // The fixture: p50 2.00x, throughput 10x, RSS idle 5.75x and peak 5.4x, activation 7.8x.
        assert_eq!(met, [Some(true), Some(true), Some(true), Some(true)], "{rust:?}");
        assert!(comparison(false).targets().iter().all(|t| t.met.is_none()));
    }

    #[test]
    fn markdown_has_ratios_and_markers() {
        let markdown = comparison(true).to_markdown("test", &StockSettings::smoke());
        assert!(markdown.starts_with(STOCK_BEGIN_MARKER) && markdown.trim_end().ends_with(STOCK_END_MARKER));
        assert!(
            markdown.contains(
                "| API GetUser (in the plugin) | 1 | 90 µs [90 µs–90 µs] / 250 µs / 9000/s | 45 µs"
            )
        );
        assert!(markdown.contains("| Go/Rust p50 |") && markdown.contains("| 2.00x |"), "{markdown}");
        assert!(markdown.contains("Rust called PluginAPI methods the bench host does not implement"));
        let go = comparison(false).to_markdown("test", &StockSettings::smoke());
        assert!(go.contains("Why: Go vs Go.") && go.contains("not judged (Go vs Go)"), "{go}");
    }

    #[test]
    fn waits() {
        assert_eq!(wait(Duration::from_secs(2)), "2 s");
        assert_eq!(wait(Duration::from_millis(500)), "500 ms");
    }
}
