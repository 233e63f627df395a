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

use mm_types::Page;

use crate::error::Result;

/// A blocking PluginAPI client: [`crate::Client`] in [`Blocking`](crate::Blocking) mode.
pub type Client = crate::ApiClient<crate::Blocking>;

/// A paged listing as an iterator of pages; see [`pages`].
pub use crate::pages::BlockingPages as Pages;

/// Walks a paged listing from `first`, one call per page, as an [`Iterator`] of pages: the
/// blocking twin of [`crate::pages`], with the same rules.
///
/// `fetch` makes the call for one page. The iterator yields each page's items, asks for the
/// next page only after a full one, and ends after a page shorter than `first.per_page()` (an
/// empty one included). An error is yielded once and ends the iteration. A page size of 0
/// yields an [`ErrorKind::InvalidInput`](crate::ErrorKind::InvalidInput) error and nothing
/// else.
///
/// ```no_run
/// use mm_types::Page;
///
/// # fn demo(client: mm_client::blocking::Client, team: mm_types::TeamId) -> mm_client::Result<()> {
/// for page in mm_client::blocking::pages(Page::first(200), |page| client.teams().members(&team, page)) {
///     for member in page? {
///         println!("{}", member.user_id);
///     }
/// }
/// # Ok(()) }
/// ```
pub fn pages<'a, T, F>(first: Page, fetch: F) -> Pages<'a, T>
where
    F: FnMut(Page) -> Result<Vec<T>> + 'a,
{
    crate::pages::blocking_pages(first, fetch)
}

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
