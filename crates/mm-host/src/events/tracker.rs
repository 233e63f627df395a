//! Keeps count of the hook calls the host runs in the background ("has been" hooks), so that
//! callers can wait until every consequence of an action has played out.

use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use tokio::sync::Notify;

/// Background hook tasks in flight.
#[derive(Debug, Default, Clone)]
pub(crate) struct Tracker {
    inner: Arc<Inner>,
}

#[derive(Debug, Default)]
struct Inner {
    running: AtomicUsize,
    idle: Notify,
}

/// Decrements the count when the task ends, however it ends.
struct Guard(Arc<Inner>);

impl Drop for Guard {
    fn drop(&mut self) {
        if self.0.running.fetch_sub(1, Ordering::AcqRel) == 1 {
            self.0.idle.notify_waiters();
        }
    }
}

impl Tracker {
    /// Runs `task` in the background, counted until it ends.
    pub(crate) fn spawn(&self, task: impl Future<Output = ()> + Send + 'static) {
        self.inner.running.fetch_add(1, Ordering::AcqRel);
        let guard = Guard(self.inner.clone());
        tokio::spawn(async move {
            let _guard = guard;
            task.await;
        });
    }

    /// Waits until no background task runs. Tasks started by running tasks (a plugin that
    /// posts from `MessageHasBeenPosted`) are counted before their parent ends, so this waits
    /// for whole cascades.
    pub(crate) async fn idle(&self) {
        loop {
            let notified = self.inner.idle.notified();
            tokio::pin!(notified);
            notified.as_mut().enable();
            if self.inner.running.load(Ordering::Acquire) == 0 {
                return;
            }
            notified.await;
        }
    }
}
