//! When a failed plugin is restarted and when the supervisor gives up, as the server decides.

use std::collections::VecDeque;
use std::time::{Duration, Instant};

/// How the supervisor reacts when a running plugin fails (its process exits, or its health
/// check fails `ping_failures` times in a row).
///
/// The default is the server's rule: each failure is recorded; when `max_failures` (3)
/// failures fall within `window` (60 minutes) the plugin is deactivated for good, otherwise
/// it is restarted. So a plugin that keeps crashing is restarted twice and given up at its
/// third failure within the hour.
///
/// ```
/// use std::time::Duration;
/// use mm_host::supervisor::RestartPolicy;
///
/// let server = RestartPolicy::default();
/// assert_eq!(server.max_failures(), 3);
/// assert_eq!(server.window(), Duration::from_secs(3600));
/// let strict = RestartPolicy::never();
/// assert_eq!(strict.max_failures(), 1);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RestartPolicy {
    max_failures: u32,
    window: Duration,
}

impl RestartPolicy {
    /// The server's policy: give up at the third failure within 60 minutes.
    pub const SERVER: RestartPolicy = RestartPolicy { max_failures: 3, window: Duration::from_secs(60 * 60) };

    /// Gives up at the `max_failures`-th failure within `window` (at least 1: `1` means
    /// never restart).
    pub fn new(max_failures: u32, window: Duration) -> Self {
        RestartPolicy { max_failures: max_failures.max(1), window }
    }

    /// Never restarts: the first failure deactivates the plugin.
    pub fn never() -> Self {
        RestartPolicy::new(1, Duration::MAX)
    }

    /// How many failures within [`window`](Self::window) deactivate the plugin.
    pub fn max_failures(&self) -> u32 {
        self.max_failures
    }

    /// The window in which failures are counted.
    pub fn window(&self) -> Duration {
        self.window
    }
}

impl Default for RestartPolicy {
    fn default() -> Self {
        RestartPolicy::SERVER
    }
}

/// What to do after a failure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Decision {
    /// Restart; the number is the failures counted in the window so far.
    Restart(u32),
    /// Give up; the number is the failures counted in the window.
    GiveUp(u32),
}

/// The failure times of one plugin.
#[derive(Debug, Default)]
pub(crate) struct FailureHistory {
    times: VecDeque<Instant>,
}

impl FailureHistory {
    /// Records a failure at `now` and decides.
    pub(crate) fn record(&mut self, policy: &RestartPolicy, now: Instant) -> Decision {
        self.times.push_back(now);
        self.times.retain(|t| now.saturating_duration_since(*t) <= policy.window);
        let count = u32::try_from(self.times.len()).unwrap_or(u32::MAX);
        if count >= policy.max_failures {
            self.times.clear();
            Decision::GiveUp(count)
        } else {
            Decision::Restart(count)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn server_policy_gives_up_at_the_third_failure_in_an_hour() {
        let policy = RestartPolicy::default();
        let mut history = FailureHistory::default();
        let start = Instant::now();
        assert_eq!(history.record(&policy, start), Decision::Restart(1));
        assert_eq!(history.record(&policy, start + Duration::from_secs(60)), Decision::Restart(2));
        assert_eq!(history.record(&policy, start + Duration::from_secs(120)), Decision::GiveUp(3));
    }

    #[test]
    fn failures_older_than_the_window_are_forgotten() {
        let policy = RestartPolicy::default();
        let mut history = FailureHistory::default();
        let start = Instant::now();
        let hour = Duration::from_secs(3600);
        assert_eq!(history.record(&policy, start), Decision::Restart(1));
        assert_eq!(history.record(&policy, start + Duration::from_secs(10)), Decision::Restart(2));
        // The first two are more than an hour old now.
        assert_eq!(history.record(&policy, start + hour + Duration::from_secs(11)), Decision::Restart(1));
        assert_eq!(history.record(&policy, start + hour + Duration::from_secs(12)), Decision::Restart(2));
        assert_eq!(history.record(&policy, start + hour + Duration::from_secs(13)), Decision::GiveUp(3));
    }

    #[test]
    fn never_gives_up_at_once_and_zero_means_one() {
        let mut history = FailureHistory::default();
        assert_eq!(history.record(&RestartPolicy::never(), Instant::now()), Decision::GiveUp(1));
        assert_eq!(RestartPolicy::new(0, Duration::from_secs(1)).max_failures(), 1);
    }
}
