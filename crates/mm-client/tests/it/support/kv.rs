//! An in-memory KV store with the server's semantics, served through [`ApiServer`]
//! responders: atomic compare-and-set and compare-and-delete, expiry, paged key listing.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use bytes::Bytes;
use mm_types::wire;
use prost::Message;

use super::{ApiServer, respond};

#[derive(Default)]
struct Entries {
    map: BTreeMap<String, (Bytes, Option<Instant>)>,
}

impl Entries {
    fn purge(&mut self) {
        let now = Instant::now();
        self.map.retain(|_, (_, expiry)| expiry.is_none_or(|at| at > now));
    }

    fn get(&mut self, key: &str) -> Option<Bytes> {
        self.purge();
        self.map.get(key).map(|(v, _)| v.clone())
    }

    fn put(&mut self, key: &str, value: Bytes, ttl_seconds: i64) {
        if value.is_empty() {
            self.map.remove(key);
            return;
        }
        let expiry = (ttl_seconds > 0).then(|| Instant::now() + Duration::from_secs(ttl_seconds as u64));
        self.map.insert(key.to_string(), (value, expiry));
    }

    /// Sets `new` if the current value is `old` (`old` empty: if absent). Returns success.
    fn compare_and_set(&mut self, key: &str, old: &Bytes, new: Bytes, ttl_seconds: i64) -> bool {
        let current = self.get(key);
        let matches = match &current {
            None => old.is_empty(),
            Some(value) => !old.is_empty() && value == old,
        };
        if matches {
            self.put(key, new, ttl_seconds);
        }
        matches
    }
}

/// A handle on the store, to look inside from tests.
#[derive(Clone, Default)]
pub struct KvStore {
    entries: Arc<Mutex<Entries>>,
}

impl KvStore {
    pub fn get(&self, key: &str) -> Option<Bytes> {
        self.entries.lock().unwrap().get(key)
    }

    pub fn put(&self, key: &str, value: impl Into<Bytes>) {
        self.entries.lock().unwrap().put(key, value.into(), 0);
    }

    pub fn len(&self) -> usize {
        let mut entries = self.entries.lock().unwrap();
        entries.purge();
        entries.map.len()
    }
}

fn encode(m: impl Message) -> Result<Bytes, tonic::Status> {
    Ok(Bytes::from(m.encode_to_vec()))
}

fn decode<T: Message + Default>(body: Bytes) -> Result<T, tonic::Status> {
    T::decode(body).map_err(|e| tonic::Status::invalid_argument(e.to_string()))
}

/// Installs the KV methods on `server`, backed by a fresh store.
pub fn install(server: &ApiServer) -> KvStore {
    let store = KvStore::default();
    let s = store.clone();
    server.on(
        "KVSet",
        respond(move |body| {
            let r: wire::KvSetRequest = decode(body)?;
            s.entries.lock().unwrap().put(&r.key, r.value, 0);
            encode(wire::KvSetResponse::default())
        }),
    );
    let s = store.clone();
    server.on(
        "KVSetWithExpiry",
        respond(move |body| {
            let r: wire::KvSetWithExpiryRequest = decode(body)?;
            s.entries.lock().unwrap().put(&r.key, r.value, r.expire_in_seconds);
            encode(wire::KvSetWithExpiryResponse::default())
        }),
    );
    let s = store.clone();
    server.on(
        "KVGet",
        respond(move |body| {
            let r: wire::KvGetRequest = decode(body)?;
            let value = s.entries.lock().unwrap().get(&r.key).unwrap_or_default();
            encode(wire::KvGetResponse { error: None, value })
        }),
    );
    let s = store.clone();
    server.on(
        "KVCompareAndSet",
        respond(move |body| {
            let r: wire::KvCompareAndSetRequest = decode(body)?;
            let success = s.entries.lock().unwrap().compare_and_set(&r.key, &r.old_value, r.new_value, 0);
            encode(wire::KvCompareAndSetResponse { error: None, success })
        }),
    );
    let s = store.clone();
    server.on(
        "KVCompareAndDelete",
        respond(move |body| {
            let r: wire::KvCompareAndDeleteRequest = decode(body)?;
            let mut entries = s.entries.lock().unwrap();
            let success = entries.get(&r.key).is_some_and(|v| v == r.old_value);
            if success {
                entries.map.remove(&r.key);
            }
            encode(wire::KvCompareAndDeleteResponse { error: None, success })
        }),
    );
    let s = store.clone();
    server.on(
        "KVSetWithOptions",
        respond(move |body| {
            let r: wire::KvSetWithOptionsRequest = decode(body)?;
            let options = r.options.unwrap_or_default();
            let mut entries = s.entries.lock().unwrap();
            let success = if options.atomic {
                entries.compare_and_set(&r.key, &options.old_value, r.value, options.expire_in_seconds)
            } else {
                entries.put(&r.key, r.value, options.expire_in_seconds);
                true
            };
            encode(wire::KvSetWithOptionsResponse { error: None, success })
        }),
    );
    let s = store.clone();
    server.on(
        "KVDelete",
        respond(move |body| {
            let r: wire::KvDeleteRequest = decode(body)?;
            s.entries.lock().unwrap().map.remove(&r.key);
            encode(wire::KvDeleteResponse::default())
        }),
    );
    let s = store.clone();
    server.on(
        "KVDeleteAll",
        respond(move |_| {
            s.entries.lock().unwrap().map.clear();
            encode(wire::KvDeleteAllResponse::default())
        }),
    );
    let s = store.clone();
    server.on(
        "KVList",
        respond(move |body| {
            let r: wire::KvListRequest = decode(body)?;
            let mut entries = s.entries.lock().unwrap();
            entries.purge();
            let per_page = r.per_page.max(0) as usize;
            let keys =
                entries.map.keys().skip(r.page.max(0) as usize * per_page).take(per_page).cloned().collect();
            encode(wire::KvListResponse { error: None, keys })
        }),
    );
    store
}
