//! Latency samples and their summary (percentiles, throughput).

use std::time::Duration;

/// The latencies of the calls measured in one window, and the window's length.
#[derive(Debug, Clone, Default)]
pub struct Samples {
    /// One latency per measured call.
    pub latencies: Vec<Duration>,
    /// The length of the measurement window (calls started inside it count).
    pub window: Duration,
}

impl Samples {
    /// Adds another window's samples (alternating runs of the same subject).
    pub fn merge(&mut self, other: Samples) {
        self.latencies.extend(other.latencies);
        self.window += other.window;
    }

    /// Percentiles and throughput; `None` when nothing was measured.
    pub fn summary(&self) -> Option<Summary> {
        if self.latencies.is_empty() {
            return None;
        }
        let mut sorted = self.latencies.clone();
        sorted.sort_unstable();
        let secs = self.window.as_secs_f64();
        Some(Summary {
            calls: sorted.len(),
            p50: percentile(&sorted, 0.50),
            p99: percentile(&sorted, 0.99),
            per_second: if secs > 0.0 { sorted.len() as f64 / secs } else { f64::NAN },
        })
    }
}

/// What a table reports about a set of samples.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Summary {
    /// Calls measured.
    pub calls: usize,
    /// Median latency.
    pub p50: Duration,
    /// 99th percentile latency.
    pub p99: Duration,
    /// Calls completed per second of the measurement window, all workers together.
    pub per_second: f64,
}

/// The nearest-rank percentile of sorted values (`q` in 0..=1).
pub fn percentile(sorted: &[Duration], q: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let rank = (q * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

/// The median of unsorted values (zero when empty).
pub fn median(values: &[Duration]) -> Duration {
    let mut sorted = values.to_vec();
    sorted.sort_unstable();
    percentile(&sorted, 0.5)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ms(v: u64) -> Duration {
        Duration::from_millis(v)
    }

    #[test]
    fn nearest_rank_percentiles() {
        let sorted: Vec<_> = (1..=100).map(ms).collect();
        assert_eq!(percentile(&sorted, 0.5), ms(50));
        assert_eq!(percentile(&sorted, 0.99), ms(99));
        assert_eq!(percentile(&[ms(7)], 0.99), ms(7));
        assert_eq!(median(&[ms(3), ms(1), ms(2)]), ms(2));
    }

    #[test]
    fn summary_counts_calls_per_second_of_window() {
        let mut samples = Samples { latencies: vec![ms(1); 10], window: Duration::from_secs(1) };
        samples.merge(Samples { latencies: vec![ms(3); 10], window: Duration::from_secs(1) });
        let summary = samples.summary().unwrap();
        assert_eq!(summary.calls, 20);
        assert_eq!(summary.per_second, 10.0);
        assert_eq!(summary.p50, ms(1));
        assert_eq!(summary.p99, ms(3));
        assert!(Samples::default().summary().is_none());
    }
}
