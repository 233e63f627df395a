//! One backoff for every wait of the client (retries, the cluster mutex, KV updates):
//! tower's exponential backoff with jitter.

use std::time::Duration;

use tower::retry::backoff::{ExponentialBackoff, ExponentialBackoffMaker, MakeBackoff};
use tower::util::rng::HasherRng;

/// Waits that start at `first`, double up to `max`, and are each lengthened by up to 100% at
/// random (never beyond `max`), so that clients that failed together do not retry together.
/// Any durations are accepted: `first` is capped at `max`, and `Duration::MAX` saturates.
pub(crate) fn maker(first: Duration, max: Duration) -> ExponentialBackoffMaker {
    let max = max.max(Duration::from_nanos(1));
    // Valid by construction (0 < first <= max, jitter 1.0); the default is a valid fallback.
    ExponentialBackoffMaker::new(first.min(max), max, 1.0, HasherRng::default()).unwrap_or_default()
}

/// A backoff session: each `next_backoff()` is the next wait.
pub(crate) fn exponential(first: Duration, max: Duration) -> ExponentialBackoff {
    maker(first, max).make_backoff()
}

#[cfg(test)]
mod tests {
    use tower::retry::backoff::Backoff;

    use super::*;

    #[tokio::test(start_paused = true)]
    async fn waits_grow_within_their_bounds() {
        let mut backoff = exponential(Duration::from_millis(10), Duration::from_millis(50));
        let bounds = [(10, 20), (20, 40), (40, 50), (50, 50)];
        for (low, high) in bounds {
            let start = tokio::time::Instant::now();
            let wait = backoff.next_backoff().deadline() - start;
            assert!(wait >= Duration::from_millis(low) && wait <= Duration::from_millis(high), "{wait:?}");
        }
    }

    #[tokio::test(start_paused = true)]
    async fn extreme_durations_saturate() {
        let mut endless = exponential(Duration::MAX, Duration::MAX);
        let start = tokio::time::Instant::now();
        assert!(endless.next_backoff().deadline() > start + Duration::from_secs(86_400 * 365));
        assert!(endless.next_backoff().deadline() > start + Duration::from_secs(86_400 * 365));
        let mut inverted = exponential(Duration::from_secs(5), Duration::ZERO);
        let start = tokio::time::Instant::now();
        assert!(inverted.next_backoff().deadline() - start <= Duration::from_millis(1));
    }
}
