//! The plugin's key-value store, as raw bytes. See [`KvJson`](super::KvJson) for typed values.

use std::time::Duration;

use bytes::Bytes;
use mm_types::Page;
use mm_types::convert::IntoWire;
use mm_types::{KvSetOptions, wire};

use crate::client::{ApiClient, from_wire};
use crate::mode::Mode;

/// The plugin's key-value store, values as raw bytes: `client.kv()`.
///
/// Keys are private to the plugin. A missing key reads as `None`. For values stored as JSON
/// (and atomic updates, key listing over all pages) use [`json`](Kv::json).
#[derive(Debug)]
pub struct Kv<'a, M: Mode> {
    client: &'a ApiClient<M>,
}

impl<M: Mode> ApiClient<M> {
    /// The plugin's key-value store.
    pub fn kv(&self) -> Kv<'_, M> {
        Kv { client: self }
    }
}

/// Expiry in whole seconds, at least one (zero would mean "never" on the server).
pub(crate) fn expiry_seconds(ttl: Duration) -> i64 {
    i64::try_from(ttl.as_secs().max(1)).unwrap_or(i64::MAX)
}

impl<'a, M: Mode> Kv<'a, M> {
    /// The same store with values as JSON: typed get and set, atomic updates, key listing.
    pub fn json(&self) -> super::KvJson<'a, M> {
        super::KvJson::new(self.client)
    }

    /// Stores `value` under `key`; an empty value deletes the key (`KVSet`).
    pub fn set(&self, key: &str, value: impl Into<Bytes>) -> M::Output<()> {
        let request = wire::KvSetRequest { key: key.to_owned(), value: value.into() };
        self.client.call(request, |_| Ok(()))
    }

    /// Replaces the value of `key` with `new` only if it is `old` (`None`: only if the key is
    /// absent). Returns whether it was replaced (`KVCompareAndSet`).
    pub fn compare_and_set(&self, key: &str, old: Option<&[u8]>, new: impl Into<Bytes>) -> M::Output<bool> {
        let request = wire::KvCompareAndSetRequest {
            key: key.to_owned(),
            old_value: old.map(Bytes::copy_from_slice).unwrap_or_default(),
            new_value: new.into(),
        };
        self.client.call(request, |r| Ok(r.success))
    }

    /// Deletes `key` only if its value is `old`. Returns whether it was deleted
    /// (`KVCompareAndDelete`).
    pub fn compare_and_delete(&self, key: &str, old: impl Into<Bytes>) -> M::Output<bool> {
        let request = wire::KvCompareAndDeleteRequest { key: key.to_owned(), old_value: old.into() };
        self.client.call(request, |r| Ok(r.success))
    }

    /// Stores `value` under `key` with options (atomic, expiry). Returns whether it was
    /// stored (`KVSetWithOptions`).
    ///
    /// ```no_run
    /// # async fn demo(client: mm_client::Client) -> mm_client::Result<()> {
    /// use mm_types::KvSetOptions;
    /// let first = client.kv().set_with_options("greeted:alice", "yes", KvSetOptions::new().if_absent()).await?;
    /// # Ok(()) }
    /// ```
    pub fn set_with_options(
        &self,
        key: &str,
        value: impl Into<Bytes>,
        options: KvSetOptions,
    ) -> M::Output<bool> {
        let request = wire::KvSetWithOptionsRequest {
            key: key.to_owned(),
            value: value.into(),
            options: Some(options.into_wire()),
        };
        self.client.call(request, |r| Ok(r.success))
    }

    /// Stores `value` under `key` for `ttl` (whole seconds, at least one) (`KVSetWithExpiry`).
    pub fn set_with_expiry(&self, key: &str, value: impl Into<Bytes>, ttl: Duration) -> M::Output<()> {
        let request = wire::KvSetWithExpiryRequest {
            key: key.to_owned(),
            value: value.into(),
            expire_in_seconds: expiry_seconds(ttl),
        };
        self.client.call(request, |_| Ok(()))
    }

    /// The value of `key`, `None` when it has none (`KVGet`).
    ///
    /// ```no_run
    /// # async fn demo(client: mm_client::Client) -> mm_client::Result<()> {
    /// if let Some(bytes) = client.kv().get("counter").await? {
    ///     println!("{} bytes", bytes.len());
    /// }
    /// # Ok(()) }
    /// ```
    pub fn get(&self, key: &str) -> M::Output<Option<Bytes>> {
        let request = wire::KvGetRequest { key: key.to_owned() };
        // The server answers an empty value for a missing key.
        self.client.call(request, |r| Ok((!r.value.is_empty()).then_some(r.value)))
    }

    /// Deletes `key` (`KVDelete`); deleting a missing key is not an error.
    pub fn delete(&self, key: &str) -> M::Output<()> {
        let request = wire::KvDeleteRequest { key: key.to_owned() };
        self.client.call(request, |_| Ok(()))
    }

    /// Deletes every key of the plugin (`KVDeleteAll`).
    pub fn delete_all(&self) -> M::Output<()> {
        self.client.call(wire::KvDeleteAllRequest {}, |_| Ok(()))
    }

    /// One page of keys, in key order (`KVList`). [`KvJson::list_keys`](super::KvJson::list_keys)
    /// reads every page.
    pub fn list(&self, page: Page) -> M::Output<Vec<String>> {
        let request = wire::KvListRequest { page: page.wire_index(), per_page: page.wire_per_page() };
        self.client.call(request, |r| from_wire(r.keys))
    }
}
