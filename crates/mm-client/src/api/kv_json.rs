//! Typed KV helpers: values of any serde type stored as JSON, atomic updates, key listing.

use std::time::Duration;

use bytes::Bytes;
use futures_util::TryStreamExt;
use mm_types::Page;
use serde::Serialize;
use serde::de::DeserializeOwned;

use tower::retry::backoff::Backoff;

use crate::backoff;
use crate::client::ApiClient;
use crate::error::{Error, ErrorKind, Result};
use crate::mode::{ApiCall, Mode};

/// How many times [`KvJson::modify`] reads and tries again when another writer got in between.
pub const MODIFY_ATTEMPTS: u32 = 16;

/// The first pause of [`KvJson::modify`] after losing a race (before its jitter).
const MODIFY_FIRST_WAIT: Duration = Duration::from_millis(5);

/// The longest pause of [`KvJson::modify`] between two attempts.
const MODIFY_MAX_WAIT: Duration = Duration::from_millis(320);

/// Keys per page when [`KvJson::list_keys`] walks the store.
const LIST_PAGE: u32 = 500;

/// The plugin's key-value store with values as JSON: `client.kv().json()`.
///
/// Any `serde` type goes in and comes out; a value that does not parse as the requested type
/// is a [`ErrorKind::MalformedResponse`] error naming the key.
///
/// ```no_run
/// # async fn demo(client: mm_client::Client) -> mm_client::Result<()> {
/// #[derive(serde::Serialize, serde::Deserialize, Default)]
/// struct Stats { greeted: u64 }
///
/// let kv = client.kv();
/// kv.json().set("stats", &Stats { greeted: 1 }).await?;
/// let stats: Option<Stats> = kv.json().get("stats").await?;
/// // Atomic read-modify-write, safe against other plugin instances:
/// let updated = kv.json().modify("stats", |old: Option<Stats>| {
///     let mut stats = old.unwrap_or_default();
///     stats.greeted += 1;
///     Some(stats)
/// }).await?;
/// # Ok(()) }
/// ```
#[derive(Debug)]
pub struct KvJson<'a, M: Mode> {
    client: &'a ApiClient<M>,
}

fn to_json<T: Serialize + ?Sized>(key: &str, value: &T) -> Result<Bytes> {
    serde_json::to_vec(value).map(Bytes::from).map_err(|e| {
        Error::invalid_input(format!("the value for KV key {key:?} does not serialize to JSON: {e}"))
            .with_source(e)
    })
}

fn from_json<T: DeserializeOwned>(key: &str, bytes: &[u8]) -> Result<T> {
    serde_json::from_slice(bytes).map_err(|e| {
        Error::malformed(format!("the value of KV key {key:?} is not the expected JSON: {e}")).with_source(e)
    })
}

impl<'a, M: Mode> KvJson<'a, M> {
    pub(crate) fn new(client: &'a ApiClient<M>) -> Self {
        KvJson { client }
    }

    /// The value of `key` parsed from JSON, `None` when the key has no value.
    pub fn get<T: DeserializeOwned + Send + 'static>(&self, key: &str) -> M::Output<Option<T>> {
        let client = self.client.as_async();
        let key = key.to_owned();
        self.client.run(ApiCall::new(async move {
            match client.kv().get(&key).await? {
                Some(bytes) => from_json(&key, &bytes).map(Some),
                None => Ok(None),
            }
        }))
    }

    /// Stores `value` as JSON under `key`.
    pub fn set<T: Serialize + ?Sized>(&self, key: &str, value: &T) -> M::Output<()> {
        match to_json(key, value) {
            Ok(bytes) => self.client.kv().set(key, bytes),
            Err(e) => self.client.run(ApiCall::fail(e)),
        }
    }

    /// Stores `value` as JSON under `key` for `ttl` (whole seconds, at least one).
    pub fn set_with_expiry<T: Serialize + ?Sized>(
        &self,
        key: &str,
        value: &T,
        ttl: Duration,
    ) -> M::Output<()> {
        match to_json(key, value) {
            Ok(bytes) => self.client.kv().set_with_expiry(key, bytes, ttl),
            Err(e) => self.client.run(ApiCall::fail(e)),
        }
    }

    /// Replaces the value of `key` with `new` only if it currently is `old` (`None`: only if
    /// absent). Returns whether it was replaced.
    ///
    /// The server compares bytes, so `old` must serialize exactly as the stored value (true
    /// for values read with [`get`](Self::get) of types with a fixed field order; not for
    /// `HashMap`s, whose order varies: use [`modify`](Self::modify) for those).
    pub fn compare_and_set<T: Serialize + ?Sized>(
        &self,
        key: &str,
        old: Option<&T>,
        new: &T,
    ) -> M::Output<bool> {
        let encoded = (|| Ok((old.map(|o| to_json(key, o)).transpose()?, to_json(key, new)?)))();
        match encoded {
            Ok((old, new)) => self.client.kv().compare_and_set(key, old.as_deref(), new),
            Err(e) => self.client.run(ApiCall::fail(e)),
        }
    }

    /// Atomically updates `key`: reads the value, calls `f` with it, and writes `f`'s answer
    /// (`None` deletes the key) only if nobody changed the value in between; otherwise reads
    /// again and retries, up to [`MODIFY_ATTEMPTS`] times ([`ErrorKind::Contention`] after
    /// that). Returns what was stored. Safe across plugin instances.
    pub fn modify<T, F>(&self, key: &str, mut f: F) -> M::Output<Option<T>>
    where
        T: Serialize + DeserializeOwned + Send + 'static,
        F: FnMut(Option<T>) -> Option<T> + Send + 'static,
    {
        let client = self.client.as_async();
        let key = key.to_owned();
        self.client.run(ApiCall::new(async move {
            let kv = client.kv();
            let mut pauses = backoff::exponential(MODIFY_FIRST_WAIT, MODIFY_MAX_WAIT);
            for _ in 0..MODIFY_ATTEMPTS {
                let current = kv.get(&key).await?;
                let old: Option<T> = current.as_deref().map(|bytes| from_json(&key, bytes)).transpose()?;
                let new = f(old);
                let written = match (&new, &current) {
                    (Some(value), _) => {
                        kv.compare_and_set(&key, current.as_deref(), to_json(&key, value)?).await?
                    }
                    (None, Some(old_bytes)) => kv.compare_and_delete(&key, old_bytes.clone()).await?,
                    (None, None) => true,
                };
                if written {
                    return Ok(new);
                }
                // Someone else wrote in between: back off a little (jittered) and read again.
                pauses.next_backoff().await;
            }
            Err(Error::new(
                ErrorKind::Contention,
                format!("KV key {key:?} kept changing: gave up after {MODIFY_ATTEMPTS} attempts"),
            ))
        }))
    }

    /// Deletes `key`.
    pub fn delete(&self, key: &str) -> M::Output<()> {
        self.client.kv().delete(key)
    }

    /// Every key that starts with `prefix` (`""` for all), reading every page.
    pub fn list_keys(&self, prefix: &str) -> M::Output<Vec<String>> {
        let client = self.client.as_async();
        let prefix = prefix.to_owned();
        self.client.run(ApiCall::new(async move {
            let mut keys = Vec::new();
            let mut pages = crate::pages(Page::first(LIST_PAGE), |page| client.kv().list(page));
            while let Some(batch) = pages.try_next().await.map_err(|e| e.in_rpc("KVList"))? {
                keys.extend(batch.into_iter().filter(|k| k.starts_with(&prefix)));
            }
            Ok(keys)
        }))
    }
}
