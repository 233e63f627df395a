//! Async and blocking modes: one definition of every method, two ways to run it.
//!
//! Every method builds an [`ApiCall`] (a boxed future) and hands it to the client's [`Mode`]:
//! [`Async`] returns the future to be awaited, [`Blocking`] drives it to completion on a
//! private runtime and returns the result.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use crate::error::{Error, ErrorKind, Result};

/// A PluginAPI call in flight: a `Send` future of its result, to be awaited.
///
/// Async methods return it; it starts when first polled and is cancelled when dropped.
#[must_use = "a call does nothing unless awaited"]
pub struct ApiCall<T>(Pin<Box<dyn Future<Output = Result<T>> + Send + 'static>>);

impl<T> ApiCall<T> {
    /// Wraps a future.
    pub fn new(future: impl Future<Output = Result<T>> + Send + 'static) -> Self {
        ApiCall(Box::pin(future))
    }

    /// A call that fails at once with `error`.
    pub(crate) fn fail(error: Error) -> Self
    where
        T: Send + 'static,
    {
        ApiCall::new(std::future::ready(Err(error)))
    }
}

impl<T> Future for ApiCall<T> {
    type Output = Result<T>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Result<T>> {
        self.0.as_mut().poll(cx)
    }
}

impl<T> fmt::Debug for ApiCall<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ApiCall(..)")
    }
}

mod sealed {
    pub trait Sealed {}
    impl Sealed for super::Async {}
    impl Sealed for super::Blocking {}
}

/// How a client runs its calls: [`Async`] or [`Blocking`]. Sealed.
///
/// Method groups are generic over the mode, so `client.users().get(&id)` returns
/// `Mode::Output<User>`: an awaitable [`ApiCall<User>`] for [`crate::Client`] and a
/// `Result<User>` for [`crate::blocking::Client`].
pub trait Mode: sealed::Sealed + Clone + Send + Sync + fmt::Debug + 'static {
    /// What a method returns for a call producing `T`.
    type Output<T: Send + 'static>;

    /// Runs (or hands out) a call.
    fn run<T: Send + 'static>(&self, call: ApiCall<T>) -> Self::Output<T>;
}

/// Calls return [`ApiCall`] futures to `.await` on a tokio runtime.
#[derive(Debug, Clone, Copy, Default)]
pub struct Async;

impl Mode for Async {
    type Output<T: Send + 'static> = ApiCall<T>;

    fn run<T: Send + 'static>(&self, call: ApiCall<T>) -> ApiCall<T> {
        call
    }
}

/// Calls block the current thread until they finish.
///
/// A blocking client either owns a small runtime (one worker thread, shared by its clones)
/// that drives its connection, or shares the runtime of the async client it was made from
/// ([`Client::to_blocking`](crate::ApiClient::to_blocking)).
///
/// Blocking a thread that runs async tasks would stall its runtime, and deadlock when the
/// server answering the call runs on that same runtime. So a call made from a runtime's worker
/// thread (inside an `async fn` or a spawned task) returns an [`ErrorKind::BlockingInAsync`]
/// error instead. Sync code that runs inside an async program goes in
/// [`blocking::spawn_blocking`](crate::blocking::spawn_blocking) (or a thread of its own),
/// where blocking calls are allowed.
#[derive(Clone)]
pub struct Blocking {
    driver: Driver,
}

/// What drives a blocking client's calls.
#[derive(Clone)]
enum Driver {
    /// A runtime of its own.
    Owned(Arc<OwnedRuntime>),
    /// The runtime of the async client it was made from.
    Shared(tokio::runtime::Handle),
}

/// The private runtime; shut down without blocking when the last client is dropped inside
/// async code (dropping a runtime there would panic).
struct OwnedRuntime(Option<tokio::runtime::Runtime>);

impl OwnedRuntime {
    fn get(&self) -> &tokio::runtime::Runtime {
        // Only `Drop` takes the runtime out.
        self.0.as_ref().expect("runtime present until drop")
    }
}

impl Drop for OwnedRuntime {
    fn drop(&mut self) {
        if let Some(runtime) = self.0.take() {
            runtime.shutdown_background();
        }
    }
}

thread_local! {
    /// Set on threads where sync code may block although a runtime is current (the threads
    /// of [`crate::blocking::spawn_blocking`]).
    static BLOCKING_ALLOWED: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Marks the current thread as one where blocking calls are allowed, until dropped.
pub(crate) struct AllowBlocking {
    previous: bool,
}

impl AllowBlocking {
    pub(crate) fn enter() -> Self {
        AllowBlocking { previous: BLOCKING_ALLOWED.with(|a| a.replace(true)) }
    }
}

impl Drop for AllowBlocking {
    fn drop(&mut self) {
        BLOCKING_ALLOWED.with(|a| a.set(self.previous));
    }
}

impl Blocking {
    /// Starts a private runtime (one worker thread, for the connection's background work).
    pub(crate) fn new() -> Result<Self> {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .thread_name("mm-client-blocking")
            .enable_all()
            .build()
            .map_err(|e| {
                Error::config(format!("cannot start the blocking client's runtime: {e}")).with_source(e)
            })?;
        Ok(Blocking { driver: Driver::Owned(Arc::new(OwnedRuntime(Some(runtime)))) })
    }

    /// Drives calls on an existing runtime (the one an async client's connection lives on).
    pub(crate) fn shared(handle: tokio::runtime::Handle) -> Self {
        Blocking { driver: Driver::Shared(handle) }
    }

    /// Runs a future to completion, unless called from a thread that runs async tasks.
    pub(crate) fn block_on<T: Send + 'static>(
        &self,
        future: impl Future<Output = Result<T>> + Send + 'static,
    ) -> Result<T> {
        let in_runtime = tokio::runtime::Handle::try_current().is_ok();
        if in_runtime && !BLOCKING_ALLOWED.with(|a| a.get()) {
            return Err(Error::new(
                ErrorKind::BlockingInAsync,
                "the blocking client was called from async code, where blocking would stall the \
                 runtime; use mm_client::Client (async) there, or run the sync code in \
                 mm_client::blocking::spawn_blocking",
            ));
        }
        match &self.driver {
            Driver::Owned(runtime) if !in_runtime => runtime.get().block_on(future),
            Driver::Owned(runtime) => spawn_and_wait(runtime.get().handle(), future),
            Driver::Shared(handle) => spawn_and_wait(handle, future),
        }
    }
}

/// Runs `future` as a task of `handle`'s runtime and blocks this (non-worker) thread until it
/// finishes; the runtime's own threads do the I/O, so this cannot stall it.
fn spawn_and_wait<T: Send + 'static>(
    handle: &tokio::runtime::Handle,
    future: impl Future<Output = Result<T>> + Send + 'static,
) -> Result<T> {
    let (done, result) = std::sync::mpsc::sync_channel(1);
    handle.spawn(async move {
        let _ = done.send(future.await);
    });
    result.recv().unwrap_or_else(|_| {
        Err(Error::new(
            ErrorKind::Cancelled,
            "the runtime driving the blocking client shut down during the call",
        ))
    })
}

impl fmt::Debug for Blocking {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Blocking").finish_non_exhaustive()
    }
}

impl Mode for Blocking {
    type Output<T: Send + 'static> = Result<T>;

    fn run<T: Send + 'static>(&self, call: ApiCall<T>) -> Result<T> {
        self.block_on(call)
    }
}
