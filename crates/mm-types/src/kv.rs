//! Options for writing to the plugin's key-value store.

use std::time::Duration;

use bytes::Bytes;
use mm_proto::v1 as wire;
use serde::{Deserialize, Serialize};

use crate::wire_struct;

/// How `KVSetWithOptions` writes a value: plainly, only if the current value is a given one
/// (compare-and-set), or only if the key is absent; optionally expiring.
///
/// ```
/// use mm_types::KvSetOptions;
/// use std::time::Duration;
/// let opts = KvSetOptions::new().if_value(&b"v1"[..]).expire_in(Duration::from_secs(60));
/// assert!(opts.atomic);
/// assert_eq!(opts.expiry(), Some(Duration::from_secs(60)));
///
/// let create_only = KvSetOptions::new().if_absent();
/// assert!(create_only.atomic && create_only.old_value.is_empty());
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct KvSetOptions {
    /// Whether the write happens only if the stored value is `old_value` (absent when
    /// `old_value` is empty).
    pub atomic: bool,
    /// The value the key must hold for an atomic write; empty means the key must be absent
    /// (the wire cannot tell an empty value from none). Base64 in JSON.
    #[serde(with = "crate::json::base64_bytes")]
    pub old_value: Bytes,
    /// Seconds until the value expires; `0` or less: never.
    pub expire_in_seconds: i64,
}

impl KvSetOptions {
    /// A plain write that never expires.
    pub fn new() -> Self {
        KvSetOptions::default()
    }

    /// Writes only if the key currently holds `old_value` (compare-and-set).
    pub fn if_value(mut self, old_value: impl Into<Bytes>) -> Self {
        self.atomic = true;
        self.old_value = old_value.into();
        self
    }

    /// Writes only if the key does not exist yet.
    pub fn if_absent(mut self) -> Self {
        self.atomic = true;
        self.old_value = Bytes::new();
        self
    }

    /// Makes the value expire after `ttl` (whole seconds, rounded up; saturating).
    pub fn expire_in(mut self, ttl: Duration) -> Self {
        let seconds = ttl.as_secs().saturating_add(u64::from(ttl.subsec_nanos() > 0));
        self.expire_in_seconds = i64::try_from(seconds).unwrap_or(i64::MAX);
        self
    }

    /// How long until the value expires, if it does.
    pub fn expiry(&self) -> Option<Duration> {
        u64::try_from(self.expire_in_seconds).ok().filter(|&s| s > 0).map(Duration::from_secs)
    }
}

wire_struct! {
    KvSetOptions <=> wire::PluginKvSetOptions { atomic, old_value, expire_in_seconds }
}
