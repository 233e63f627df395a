//! Millisecond timestamps, as Mattermost stores them (`create_at`, `update_at`, ...).

use std::fmt;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};

use crate::convert::{FromWire, IntoWire};
use crate::error::Result;

/// Milliseconds since the Unix epoch.
///
/// Entities carry `create_at` and `update_at` as a `Timestamp`; moments that may not have
/// happened (`delete_at`, `edit_at`, expiries) are `Option<Timestamp>`, where Mattermost's `0`
/// is `None`.
///
/// ```
/// use mm_types::Timestamp;
/// use std::time::{Duration, UNIX_EPOCH};
/// let t = Timestamp::from_millis(1_700_000_000_123);
/// assert_eq!(t.to_system_time(), UNIX_EPOCH + Duration::from_millis(1_700_000_000_123));
/// assert_eq!(Timestamp::from(t.to_system_time()), t);
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Timestamp(i64);

impl Timestamp {
    /// The epoch itself; Mattermost's "not set".
    pub const ZERO: Timestamp = Timestamp(0);

    /// A timestamp from milliseconds since the epoch.
    pub const fn from_millis(millis: i64) -> Self {
        Timestamp(millis)
    }

    /// Milliseconds since the epoch.
    pub const fn as_millis(self) -> i64 {
        self.0
    }

    /// The current time.
    pub fn now() -> Self {
        Timestamp::from(SystemTime::now())
    }

    /// Whether this is the epoch, which Mattermost uses for "not set".
    pub const fn is_zero(self) -> bool {
        self.0 == 0
    }

    /// The same moment as a [`SystemTime`], or `None` when the platform's `SystemTime` cannot
    /// represent it (the range differs between platforms: on Windows it ends in the year 30828,
    /// far before `i64::MAX` milliseconds).
    pub fn checked_to_system_time(self) -> Option<SystemTime> {
        let offset = Duration::from_millis(self.0.unsigned_abs());
        if self.0 >= 0 { UNIX_EPOCH.checked_add(offset) } else { UNIX_EPOCH.checked_sub(offset) }
    }

    /// The same moment as a [`SystemTime`], saturating at the platform's limits of `SystemTime`
    /// (the latest or earliest millisecond it can represent).
    pub fn to_system_time(self) -> SystemTime {
        self.checked_to_system_time().unwrap_or_else(|| system_time_limit(self.0 >= 0))
    }

    /// This timestamp moved by `duration` (saturating).
    pub fn saturating_add(self, duration: Duration) -> Self {
        let millis = i64::try_from(duration.as_millis()).unwrap_or(i64::MAX);
        Timestamp(self.0.saturating_add(millis))
    }
}

/// The latest (`forward`) or earliest whole millisecond from the epoch that `SystemTime` can
/// represent on this platform, found by bisection because std does not expose its range. Only
/// reached for timestamps outside that range.
fn system_time_limit(forward: bool) -> SystemTime {
    let shift = |millis: u64| {
        let offset = Duration::from_millis(millis);
        if forward { UNIX_EPOCH.checked_add(offset) } else { UNIX_EPOCH.checked_sub(offset) }
    };
    let (mut low, mut high) = (0_u64, i64::MIN.unsigned_abs());
    if let Some(limit) = shift(high) {
        return limit;
    }
    // Invariant: `low` is representable, `high` is not.
    while high - low > 1 {
        let middle = low + (high - low) / 2;
        if shift(middle).is_some() {
            low = middle;
        } else {
            high = middle;
        }
    }
    shift(low).unwrap_or(UNIX_EPOCH)
}

impl From<SystemTime> for Timestamp {
    /// Converts, saturating at `i64` milliseconds.
    fn from(time: SystemTime) -> Self {
        let millis = match time.duration_since(UNIX_EPOCH) {
            Ok(after) => i64::try_from(after.as_millis()).unwrap_or(i64::MAX),
            Err(before) => i64::try_from(before.duration().as_millis()).map_or(i64::MIN, |m| -m),
        };
        Timestamp(millis)
    }
}

impl From<Timestamp> for SystemTime {
    fn from(t: Timestamp) -> Self {
        t.to_system_time()
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}ms", self.0)
    }
}

impl FromWire<i64> for Timestamp {
    fn from_wire(wire: i64) -> Result<Self> {
        Ok(Timestamp(wire))
    }
}

impl IntoWire<i64> for Timestamp {
    fn into_wire(self) -> i64 {
        self.0
    }
}

impl FromWire<i64> for Option<Timestamp> {
    fn from_wire(wire: i64) -> Result<Self> {
        Ok((wire != 0).then_some(Timestamp(wire)))
    }
}

impl IntoWire<i64> for Option<Timestamp> {
    fn into_wire(self) -> i64 {
        self.map_or(0, Timestamp::as_millis)
    }
}

/// Serde for `Option<Timestamp>` fields that Mattermost's JSON writes as `0` when unset.
pub(crate) mod zero_as_none {
    use super::Timestamp;
    use serde::{Deserialize, Deserializer, Serializer};

    pub(crate) fn serialize<S: Serializer>(t: &Option<Timestamp>, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_i64(t.map_or(0, Timestamp::as_millis))
    }

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Timestamp>, D::Error> {
        Ok(Option::<i64>::deserialize(d)?.filter(|&m| m != 0).map(Timestamp::from_millis))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn converts_both_ways_including_before_the_epoch() {
        for millis in [0, 1, -1, 1_700_000_000_123, -86_400_000] {
            let t = Timestamp::from_millis(millis);
            assert_eq!(Timestamp::from(t.to_system_time()), t, "{millis}");
        }
    }

    #[test]
    fn extremes_saturate_instead_of_panicking() {
        for millis in [i64::MAX, i64::MIN, i64::MAX - 1, i64::MIN + 1] {
            let t = Timestamp::from_millis(millis);
            let converted = t.to_system_time();
            if let Some(exact) = t.checked_to_system_time() {
                assert_eq!(converted, exact, "{millis}");
            }
        }
        assert_eq!(Timestamp::from_millis(i64::MAX).saturating_add(Duration::MAX).as_millis(), i64::MAX);
    }

    #[test]
    fn the_limits_are_the_last_representable_milliseconds() {
        for forward in [true, false] {
            let limit = system_time_limit(forward);
            let step = Duration::from_millis(1);
            let beyond = if forward { limit.checked_add(step) } else { limit.checked_sub(step) };
            let distance = match limit.duration_since(UNIX_EPOCH) {
                Ok(after) => after,
                Err(before) => before.duration(),
            };
            // Either one more millisecond leaves SystemTime's range, or the limit is i64's own.
            assert!(
                beyond.is_none() || distance.as_millis() == u128::from(i64::MIN.unsigned_abs()),
                "forward={forward}: {distance:?}"
            );
        }
    }

    proptest::proptest! {
        #[test]
        fn every_i64_converts_without_panicking(millis in proptest::num::i64::ANY) {
            let t = Timestamp::from_millis(millis);
            let converted = t.to_system_time();
            match t.checked_to_system_time() {
                Some(exact) => {
                    proptest::prop_assert_eq!(converted, exact);
                    proptest::prop_assert_eq!(Timestamp::from(exact), t);
                }
                None => proptest::prop_assert_eq!(converted, system_time_limit(millis >= 0)),
            }
        }

        #[test]
        fn conversion_keeps_the_order(a in proptest::num::i64::ANY, b in proptest::num::i64::ANY) {
            let (early, late) = (a.min(b), a.max(b));
            proptest::prop_assert!(
                Timestamp::from_millis(early).to_system_time() <= Timestamp::from_millis(late).to_system_time()
            );
        }
    }

    #[test]
    fn zero_is_none_on_the_wire() {
        let none: Option<Timestamp> = FromWire::from_wire(0).unwrap();
        assert_eq!(none, None);
        assert_eq!(IntoWire::<i64>::into_wire(Some(Timestamp::from_millis(5))), 5);
    }
}
