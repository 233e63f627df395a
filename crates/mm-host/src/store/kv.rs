//! The KV store of each plugin, with the server's options: expiry, atomic compare-and-set
//! (an empty old value means "only if absent"), compare-and-delete, listing sorted by key.
//!
//! As on the wire, an empty value is Go's `nil`: setting it deletes the key.

use std::collections::BTreeMap;

use bytes::Bytes;
use mm_types::{KvSetOptions, Timestamp};

use super::errors::bad_request;
use super::{AppResult, State, Store};

/// The longest key the server accepts, in characters.
pub(crate) const KEY_MAX_RUNES: usize = 150;

/// Keys per page when `KVList` is asked for 0 or fewer.
const DEFAULT_LIST_LIMIT: i32 = 10;

/// One stored value and when it expires.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KvEntry {
    /// The value.
    pub value: Bytes,
    /// When the value expires, if it does.
    pub expire_at: Option<Timestamp>,
}

impl KvEntry {
    fn live_at(&self, now: Timestamp) -> bool {
        self.expire_at.is_none_or(|at| at > now)
    }
}

fn validate_key(key: &str) -> AppResult<()> {
    if key.is_empty() || key.chars().count() > KEY_MAX_RUNES {
        return Err(bad_request(
            "model.plugin_key_value.is_valid.key.app_error",
            format!("Invalid key: it must be 1 to {KEY_MAX_RUNES} characters long."),
        ));
    }
    Ok(())
}

impl State {
    fn kv_of(&mut self, plugin: &str) -> &mut BTreeMap<String, KvEntry> {
        self.kv.entry(plugin.to_string()).or_default()
    }

    /// The live value of a key.
    pub(crate) fn kv_get(&self, plugin: &str, key: &str) -> Option<Bytes> {
        let now = Timestamp::now();
        self.kv.get(plugin)?.get(key).filter(|e| e.live_at(now)).map(|e| e.value.clone())
    }

    /// `KVSetWithOptions`: returns whether the value was written (always true when not atomic).
    pub(crate) fn kv_set(
        &mut self,
        plugin: &str,
        key: &str,
        value: Bytes,
        options: &KvSetOptions,
    ) -> AppResult<bool> {
        if !options.atomic && !options.old_value.is_empty() {
            return Err(bad_request(
                "model.plugin_kvset_options.is_valid.old_value.app_error",
                "The old value can only be checked when the set is atomic.",
            ));
        }
        validate_key(key)?;
        let now = Timestamp::now();
        let expire_at = (options.expire_in_seconds > 0).then(|| {
            now.saturating_add(std::time::Duration::from_secs(options.expire_in_seconds.unsigned_abs()))
        });
        let current = self.kv_get(plugin, key);
        if options.atomic {
            let matches = match &current {
                None => options.old_value.is_empty(),
                Some(current) => !options.old_value.is_empty() && *current == options.old_value,
            };
            if !matches {
                return Ok(false);
            }
        }
        let store = self.kv_of(plugin);
        if value.is_empty() {
            store.remove(key);
        } else {
            store.insert(key.to_string(), KvEntry { value, expire_at });
        }
        Ok(true)
    }

    /// `KVCompareAndDelete`: deletes the key when its value is `old_value`.
    pub(crate) fn kv_compare_and_delete(
        &mut self,
        plugin: &str,
        key: &str,
        old_value: &Bytes,
    ) -> AppResult<bool> {
        validate_key(key)?;
        match self.kv_get(plugin, key) {
            Some(current) if !old_value.is_empty() && current == *old_value => {
                self.kv_of(plugin).remove(key);
                Ok(true)
            }
            _ => Ok(false),
        }
    }

    pub(crate) fn kv_delete(&mut self, plugin: &str, key: &str) -> AppResult<()> {
        validate_key(key)?;
        self.kv_of(plugin).remove(key);
        Ok(())
    }

    pub(crate) fn kv_delete_all(&mut self, plugin: &str) {
        self.kv.remove(plugin);
    }

    /// Live keys sorted, `per_page` from `page * per_page` (0 or less per page: 10).
    pub(crate) fn kv_list(&self, plugin: &str, page: i32, per_page: i32) -> Vec<String> {
        let per_page = if per_page <= 0 { DEFAULT_LIST_LIMIT } else { per_page };
        let offset = i64::from(page.max(0)) * i64::from(per_page);
        let now = Timestamp::now();
        let Some(store) = self.kv.get(plugin) else { return Vec::new() };
        store
            .iter()
            .filter(|(_, e)| e.live_at(now))
            .skip(usize::try_from(offset).unwrap_or(usize::MAX))
            .take(per_page as usize)
            .map(|(k, _)| k.clone())
            .collect()
    }
}

impl Store {
    /// The live value of a plugin's key.
    pub fn kv_get(&self, plugin_id: &str, key: &str) -> Option<Bytes> {
        self.lock().kv_get(plugin_id, key)
    }

    /// A plugin's live keys, sorted.
    pub fn kv_keys(&self, plugin_id: &str) -> Vec<String> {
        self.lock().kv_list(plugin_id, 0, i32::MAX)
    }

    /// A plugin's live entries with their expiry, sorted by key.
    pub fn kv_entries(&self, plugin_id: &str) -> Vec<(String, KvEntry)> {
        let state = self.lock();
        let now = Timestamp::now();
        state
            .kv
            .get(plugin_id)
            .map(|s| s.iter().filter(|(_, e)| e.live_at(now)).map(|(k, e)| (k.clone(), e.clone())).collect())
            .unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expired_entries_are_not_live() {
        let now = Timestamp::from_millis(1_000);
        let live = KvEntry { value: Bytes::from("v"), expire_at: Some(Timestamp::from_millis(1_001)) };
        let expired = KvEntry { value: Bytes::from("v"), expire_at: Some(now) };
        let forever = KvEntry { value: Bytes::from("v"), expire_at: None };
        assert!(live.live_at(now) && forever.live_at(now));
        assert!(!expired.live_at(now), "an entry expires at its expiry time");
    }
}
