//! Time-driven parts of a session: keepalive pings, the open timeout (no ACK for a stream we
//! opened) and the close timeout (no FIN after ours). One task per session serves all
//! deadlines: each timeout is a constant, so each queue stays sorted by deadline.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex, Weak};
use std::time::Duration;

use tokio::sync::Notify;
use tokio::time::Instant;

use super::session::Shared;
use super::stream::StreamShared;
use super::{CloseReason, lock};

#[derive(Default)]
pub(crate) struct Deadlines {
    queues: Mutex<Queues>,
    notify: Notify,
}

/// Streams waiting for a deadline, oldest first.
type Queue = VecDeque<(Instant, Weak<StreamShared>)>;

#[derive(Default)]
struct Queues {
    open: Queue,
    close: Queue,
}

impl Deadlines {
    pub(crate) fn add_open(&self, stream: &Arc<StreamShared>, timeout: Option<Duration>) {
        if let Some(timeout) = timeout {
            self.add(|q| &mut q.open, stream, timeout);
        }
    }

    pub(crate) fn add_close(&self, stream: &Arc<StreamShared>, timeout: Option<Duration>) {
        if let Some(timeout) = timeout {
            self.add(|q| &mut q.close, stream, timeout);
        }
    }

    fn add(&self, queue: fn(&mut Queues) -> &mut Queue, stream: &Arc<StreamShared>, timeout: Duration) {
        let mut queues = lock(&self.queues);
        let q = queue(&mut queues);
        let was_empty = q.is_empty();
        q.push_back((Instant::now() + timeout, Arc::downgrade(stream)));
        drop(queues);
        if was_empty {
            self.notify.notify_one();
        }
    }

    pub(crate) fn wake(&self) {
        self.notify.notify_one();
    }

    fn next(&self) -> Option<Instant> {
        let queues = lock(&self.queues);
        let open = queues.open.front().map(|(at, _)| *at);
        let close = queues.close.front().map(|(at, _)| *at);
        match (open, close) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }

    fn expired(&self, now: Instant) -> (Vec<Arc<StreamShared>>, Vec<Arc<StreamShared>>) {
        let mut queues = lock(&self.queues);
        let take = |q: &mut Queue| {
            let mut out = Vec::new();
            while q.front().is_some_and(|(at, _)| *at <= now) {
                if let Some(stream) = q.pop_front().and_then(|(_, weak)| weak.upgrade()) {
                    out.push(stream);
                }
            }
            out
        };
        let open = take(&mut queues.open);
        let close = take(&mut queues.close);
        (open, close)
    }
}

/// Enforces open and close deadlines until the session closes.
pub(crate) async fn run_deadlines(shared: Arc<Shared>) {
    loop {
        if shared.close_reason().is_some() {
            return;
        }
        let notified = shared.deadlines.notify.notified();
        let sleep = async {
            match shared.deadlines.next() {
                Some(at) => tokio::time::sleep_until(at).await,
                None => std::future::pending().await,
            }
        };
        tokio::select! {
            _ = notified => continue,
            _ = sleep => {}
        }
        let (open, close) = shared.deadlines.expired(Instant::now());
        for stream in open {
            if stream.awaiting_ack() {
                tracing::error!(
                    stream = stream.id,
                    "yamux: the peer did not acknowledge a stream in time; closing the session"
                );
                shared.close(CloseReason::OpenTimeout);
                return;
            }
        }
        for stream in close {
            if shared.lookup(stream.id).is_some_and(|s| Arc::ptr_eq(&s, &stream))
                && let Some(rst) = stream.close_timed_out()
            {
                tracing::debug!(
                    stream = stream.id,
                    "yamux: the peer never closed its side; resetting the stream"
                );
                shared.send(rst);
                shared.remove_stream(stream.id);
            }
        }
    }
}

/// Pings the peer every `interval`; a ping without answer closes the session, as Go does.
pub(crate) async fn run_keepalive(shared: Arc<Shared>, interval: Duration) {
    loop {
        tokio::select! {
            _ = shared.wait_closed() => return,
            _ = tokio::time::sleep(interval) => {}
        }
        match shared.ping().await {
            Ok(rtt) => tracing::trace!(?rtt, "yamux: keepalive"),
            Err(error) => {
                if shared.close_reason().is_none() {
                    tracing::error!(%error, "yamux: keepalive failed; closing the session");
                    shared.close(CloseReason::KeepAliveTimeout);
                }
                return;
            }
        }
    }
}
