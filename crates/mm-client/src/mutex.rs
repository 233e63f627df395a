//! A mutex shared by every instance of the plugin in a cluster, built on the atomic KV store.
//!
//! The lock is a KV key (`mutex_<name>`) holding a random token, written only if absent and
//! with an expiry (the lease). The holder extends the lease in the background while it holds
//! the lock, so a plugin instance that dies releases it when the lease runs out; unlocking
//! deletes the key only if it still holds this holder's token.

use std::fmt;
use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use bytes::Bytes;
use mm_types::KvSetOptions;
use tokio::task::JoinHandle;
use tower::retry::backoff::Backoff;

use crate::backoff;
use crate::client::ApiClient;
use crate::error::{Error, ErrorKind, Result};
use crate::mode::{ApiCall, Async, Mode};

/// The default lease: how long the lock survives a holder that stopped refreshing it.
pub const DEFAULT_LEASE: Duration = Duration::from_secs(15);

/// The first pause between two attempts of [`ClusterMutex::lock`] (before its jitter).
const FIRST_WAIT: Duration = Duration::from_millis(20);

/// The longest pause between two attempts of [`ClusterMutex::lock`].
const MAX_WAIT: Duration = Duration::from_secs(1);

/// A mutex shared across plugin instances (one per server of a cluster): `client.cluster_mutex(name)`.
///
/// ```no_run
/// # async fn demo(client: mm_client::Client) -> mm_client::Result<()> {
/// use std::time::Duration;
/// let mutex = client.cluster_mutex("daily-digest");
/// // Only one instance sends the digest.
/// if let Some(guard) = mutex.try_lock().await? {
///     // ... work while holding the lock; the lease is refreshed in the background ...
///     guard.unlock().await?;
/// }
/// // Or wait for it, at most 10 seconds:
/// let guard = mutex.lock_timeout(Duration::from_secs(10)).await?;
/// guard.unlock().await?;
/// # Ok(()) }
/// ```
#[derive(Debug, Clone)]
pub struct ClusterMutex<M: Mode> {
    client: ApiClient<M>,
    key: String,
    lease: Duration,
}

impl<M: Mode> ApiClient<M> {
    /// A cluster-wide mutex named `name` (the KV key `mutex_<name>`).
    pub fn cluster_mutex(&self, name: &str) -> ClusterMutex<M> {
        ClusterMutex { client: self.clone(), key: format!("mutex_{name}"), lease: DEFAULT_LEASE }
    }
}

/// Why waiting for the lock ended without it.
enum WaitEnd {
    TimedOut(Duration),
    Cancelled,
}

impl<M: Mode> ClusterMutex<M> {
    /// Sets the lease (at least 2 s; KV expiry has a one-second resolution). It is refreshed
    /// every third of its length while the lock is held.
    pub fn with_lease(mut self, lease: Duration) -> Self {
        self.lease = lease.max(Duration::from_secs(2));
        self
    }

    /// The KV key of the lock.
    pub fn key(&self) -> &str {
        &self.key
    }

    /// Takes the lock if it is free; `None` if someone holds it.
    pub fn try_lock(&self) -> M::Output<Option<ClusterMutexGuard<M>>> {
        let this = self.clone();
        self.client.run(ApiCall::new(async move { this.attempt().await }))
    }

    /// Waits until the lock is free and takes it (no time limit).
    pub fn lock(&self) -> M::Output<ClusterMutexGuard<M>> {
        let this = self.clone();
        self.client.run(ApiCall::new(async move { this.wait(std::future::pending(), None).await }))
    }

    /// Waits at most `timeout` for the lock; then fails with [`ErrorKind::Timeout`].
    pub fn lock_timeout(&self, timeout: Duration) -> M::Output<ClusterMutexGuard<M>> {
        let this = self.clone();
        self.client
            .run(ApiCall::new(async move { this.wait(tokio::time::sleep(timeout), Some(timeout)).await }))
    }

    /// Waits for the lock until `cancel` completes; then fails with
    /// [`ErrorKind::Cancelled`]. (Async callers can also drop the future.)
    ///
    /// ```no_run
    /// # async fn demo(client: mm_client::Client) -> mm_client::Result<()> {
    /// let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    /// let waiting = client.cluster_mutex("import").lock_until(async { let _ = stopped.await; });
    /// drop(stop); // e.g. the plugin is deactivating
    /// assert!(waiting.await.is_err());
    /// # Ok(()) }
    /// ```
    pub fn lock_until(
        &self,
        cancel: impl Future<Output = ()> + Send + 'static,
    ) -> M::Output<ClusterMutexGuard<M>> {
        let this = self.clone();
        self.client.run(ApiCall::new(async move { this.wait(cancel, None).await }))
    }

    async fn wait(
        &self,
        stop: impl Future<Output = ()> + Send,
        timeout: Option<Duration>,
    ) -> Result<ClusterMutexGuard<M>> {
        let attempts = async {
            // Jittered, growing pauses: contenders do not retry in lockstep.
            let mut pauses = backoff::exponential(FIRST_WAIT, MAX_WAIT);
            loop {
                if let Some(guard) = self.attempt().await? {
                    return Ok(guard);
                }
                pauses.next_backoff().await;
            }
        };
        let end = tokio::select! {
            result = attempts => return result,
            () = stop => match timeout {
                Some(after) => WaitEnd::TimedOut(after),
                None => WaitEnd::Cancelled,
            },
        };
        Err(match end {
            WaitEnd::TimedOut(after) => Error::new(
                ErrorKind::Timeout,
                format!("cluster mutex {:?} not acquired within {after:?}", self.key),
            ),
            WaitEnd::Cancelled => Error::new(
                ErrorKind::Cancelled,
                format!("waiting for cluster mutex {:?} was cancelled", self.key),
            ),
        })
    }

    /// One attempt: write our token if the key is absent.
    async fn attempt(&self) -> Result<Option<ClusterMutexGuard<M>>> {
        let client = self.client.as_async();
        let token = Bytes::from(new_token());
        let options = KvSetOptions::new().if_absent().expire_in(self.lease);
        if !client.kv().set_with_options(&self.key, token.clone(), options).await? {
            return Ok(None);
        }
        let lost = Arc::new(AtomicBool::new(false));
        let refresh =
            tokio::spawn(refresh(client, self.key.clone(), token.clone(), self.lease, Arc::clone(&lost)));
        Ok(Some(ClusterMutexGuard {
            client: self.client.clone(),
            key: self.key.clone(),
            token,
            lost,
            refresh: Some(refresh),
            runtime: tokio::runtime::Handle::current(),
        }))
    }
}

/// Extends the lease while the lock is held: rewrites our token (only if it is still ours)
/// with a fresh expiry, every third of the lease.
async fn refresh(
    client: ApiClient<Async>,
    key: String,
    token: Bytes,
    lease: Duration,
    lost: Arc<AtomicBool>,
) {
    let every = lease / 3;
    loop {
        tokio::time::sleep(every).await;
        let options = KvSetOptions::new().if_value(token.clone()).expire_in(lease);
        match client.kv().set_with_options(&key, token.clone(), options).await {
            Ok(true) => {}
            Ok(false) => {
                tracing::warn!(key, "cluster mutex lost: its lease expired and someone else took it");
                lost.store(true, Ordering::SeqCst);
                return;
            }
            // A failed refresh is retried at the next tick; the lease covers two misses.
            Err(error) => tracing::warn!(key, %error, "cluster mutex lease not refreshed"),
        }
    }
}

/// A random token naming one holder.
fn new_token() -> String {
    let bytes: [u8; 16] = mm_types::__random_bytes();
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Proof of holding a [`ClusterMutex`]. [`unlock`](Self::unlock) releases it; dropping the
/// guard releases it in the background.
#[must_use = "the lock is released when the guard is dropped"]
pub struct ClusterMutexGuard<M: Mode> {
    client: ApiClient<M>,
    key: String,
    token: Bytes,
    lost: Arc<AtomicBool>,
    refresh: Option<JoinHandle<()>>,
    runtime: tokio::runtime::Handle,
}

impl<M: Mode> ClusterMutexGuard<M> {
    /// Whether the lock is still ours: `false` once a refresh found that the lease had run
    /// out and another holder took it (the holder was paused longer than the lease).
    pub fn is_held(&self) -> bool {
        !self.lost.load(Ordering::SeqCst)
    }

    /// Releases the lock: stops the refresh and deletes the key if it still holds our token.
    pub fn unlock(mut self) -> M::Output<()> {
        if let Some(refresh) = self.refresh.take() {
            refresh.abort();
        }
        let client = self.client.as_async();
        let (key, token) = (std::mem::take(&mut self.key), self.token.clone());
        self.client.run(ApiCall::new(async move {
            // `false` means the lease had run out: nothing of ours is left to delete.
            client.kv().compare_and_delete(&key, token).await.map(|_| ())
        }))
    }
}

impl<M: Mode> Drop for ClusterMutexGuard<M> {
    fn drop(&mut self) {
        let Some(refresh) = self.refresh.take() else { return };
        refresh.abort();
        let client = self.client.as_async();
        let (key, token) = (std::mem::take(&mut self.key), self.token.clone());
        self.runtime.spawn(async move {
            if let Err(error) = client.kv().compare_and_delete(&key, token).await {
                tracing::warn!(key, %error, "cluster mutex not released on drop; it expires with its lease");
            }
        });
    }
}

impl<M: Mode> fmt::Debug for ClusterMutexGuard<M> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClusterMutexGuard").field("key", &self.key).field("held", &self.is_held()).finish()
    }
}
