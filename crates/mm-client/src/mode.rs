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

/// Calls block the current thread until they finish, driven by a runtime owned by the
/// client (shared by its clones).
///
/// From a thread that runs a tokio runtime (an `async fn`, a `spawn`ed task) a blocking call
/// would stall the runtime; it returns an [`ErrorKind::BlockingInAsync`] error instead. Use
/// the async client there, or `tokio::task::spawn_blocking`.
#[derive(Clone)]
pub struct Blocking {
    runtime: Arc<OwnedRuntime>,
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

impl Blocking {
    /// Starts the private runtime (one worker thread, for the connection's background work).
    pub(crate) fn new() -> Result<Self> {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .thread_name("mm-client-blocking")
            .enable_all()
            .build()
            .map_err(|e| {
                Error::config(format!("cannot start the blocking client's runtime: {e}")).with_source(e)
            })?;
        Ok(Blocking { runtime: Arc::new(OwnedRuntime(Some(runtime))) })
    }

    /// Runs a future to completion on the private runtime, unless called from async code.
    pub(crate) fn block_on<T>(&self, future: impl Future<Output = Result<T>>) -> Result<T> {
        if tokio::runtime::Handle::try_current().is_ok() {
            return Err(Error::new(
                ErrorKind::BlockingInAsync,
                "the blocking client was called from inside an async runtime, where blocking would \
                 stall it; use mm_client::Client (async) there, or tokio::task::spawn_blocking",
            ));
        }
        self.runtime.get().block_on(future)
    }
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
