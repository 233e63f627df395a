//! The blocking client: the same methods as [`crate::Client`], returning results directly.
//!
//! For synchronous plugins and tools. A client made with [`Client::connect`] or
//! [`Client::from_env`] owns a small tokio runtime (one worker thread, shared by its clones)
//! that drives the connection; one made with
//! [`to_blocking`](crate::ApiClient::to_blocking) shares an async client's connection and
//! runtime. Calls block the calling thread.
//!
//! On a thread that runs async tasks, blocking would stall the runtime (and deadlock if the
//! server answering is on the same runtime), so a call there returns an
//! [`ErrorKind::BlockingInAsync`](crate::ErrorKind::BlockingInAsync) error. Run sync code that
//! lives inside an async program with [`spawn_blocking`]: its closure may make blocking calls.
//!
//! ```no_run
//! let client = mm_client::blocking::Client::from_env()?;
//! let user = client.users().get_by_username("alice")?;
//! println!("{}", user.full_name());
//! # Ok::<(), mm_client::Error>(())
//! ```

/// A blocking PluginAPI client: [`crate::Client`] in [`Blocking`](crate::Blocking) mode.
pub type Client = crate::ApiClient<crate::Blocking>;

/// Runs sync code on tokio's blocking thread pool, where this crate's blocking calls are
/// allowed (like `tokio::task::spawn_blocking`, which it wraps). Must be called inside a tokio
/// runtime.
///
/// ```no_run
/// # async fn demo(client: mm_client::Client) -> mm_client::Result<()> {
/// let blocking = client.to_blocking()?;
/// let count = mm_client::blocking::spawn_blocking(move || -> mm_client::Result<usize> {
///     let keys = blocking.kv().list(mm_types::Page::first(100))?;
///     Ok(keys.len())
/// })
/// .await
/// .expect("the closure did not panic")?;
/// # Ok(()) }
/// ```
pub fn spawn_blocking<F, R>(f: F) -> tokio::task::JoinHandle<R>
where
    F: FnOnce() -> R + Send + 'static,
    R: Send + 'static,
{
    tokio::task::spawn_blocking(move || {
        let _allowed = crate::mode::AllowBlocking::enter();
        f()
    })
}
