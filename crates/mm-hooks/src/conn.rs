//! The hook server's connections: counted (so the runtime notices when the server's
//! connection goes away) and closable by force (so shutdown never waits on a stuck client).

use std::fmt;
use std::future::Future;
use std::io;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::task::{Context, Poll};

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::sync::Notify;
use tokio_util::sync::{CancellationToken, WaitForCancellationFutureOwned};
use tonic::transport::server::Connected;

/// Counts open connections and remembers whether there ever was one.
#[derive(Debug, Default)]
pub(crate) struct ConnectionCount {
    open: AtomicUsize,
    ever: AtomicBool,
    changed: Notify,
}

impl ConnectionCount {
    pub(crate) fn open(&self) -> usize {
        self.open.load(Ordering::SeqCst)
    }

    pub(crate) fn ever_connected(&self) -> bool {
        self.ever.load(Ordering::SeqCst)
    }

    /// A future that completes on the next change; `enable` it before checking the count so
    /// that no change is missed.
    pub(crate) fn notified(&self) -> tokio::sync::futures::Notified<'_> {
        self.changed.notified()
    }

    fn opened(self: &Arc<Self>) -> ConnectionGuard {
        self.open.fetch_add(1, Ordering::SeqCst);
        self.ever.store(true, Ordering::SeqCst);
        self.changed.notify_waiters();
        ConnectionGuard { count: self.clone() }
    }
}

struct ConnectionGuard {
    count: Arc<ConnectionCount>,
}

impl Drop for ConnectionGuard {
    fn drop(&mut self) {
        self.count.open.fetch_sub(1, Ordering::SeqCst);
        self.count.changed.notify_waiters();
    }
}

/// A connection of the hook server: the stream, its place in the count, and the switch that
/// ends it when shutdown's grace period is over.
pub(crate) struct TrackedConnection<IO> {
    inner: IO,
    _counted: ConnectionGuard,
    closed: Pin<Box<WaitForCancellationFutureOwned>>,
}

impl<IO> TrackedConnection<IO> {
    pub(crate) fn new(inner: IO, count: &Arc<ConnectionCount>, close: &CancellationToken) -> Self {
        TrackedConnection {
            inner,
            _counted: count.opened(),
            closed: Box::pin(close.clone().cancelled_owned()),
        }
    }

    /// An error once the runtime closes every connection; registers the waker otherwise.
    fn check_open(&mut self, cx: &mut Context<'_>) -> io::Result<()> {
        match self.closed.as_mut().poll(cx) {
            Poll::Ready(()) => Err(io::Error::new(io::ErrorKind::ConnectionAborted, "plugin shut down")),
            Poll::Pending => Ok(()),
        }
    }
}

impl<IO> fmt::Debug for TrackedConnection<IO> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("TrackedConnection")
    }
}

impl<IO: AsyncRead + Unpin> AsyncRead for TrackedConnection<IO> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        self.check_open(cx)?;
        Pin::new(&mut self.inner).poll_read(cx, buf)
    }
}

impl<IO: AsyncWrite + Unpin> AsyncWrite for TrackedConnection<IO> {
    fn poll_write(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        self.check_open(cx)?;
        Pin::new(&mut self.inner).poll_write(cx, buf)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.check_open(cx)?;
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        self.check_open(cx)?;
        Pin::new(&mut self.inner).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }
}

impl<IO: Connected> Connected for TrackedConnection<IO> {
    type ConnectInfo = IO::ConnectInfo;

    fn connect_info(&self) -> Self::ConnectInfo {
        self.inner.connect_info()
    }
}

#[cfg(test)]
mod tests {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    use super::*;

    #[tokio::test]
    async fn connections_are_counted_and_closed_by_the_switch() {
        let count = Arc::new(ConnectionCount::default());
        let close = CancellationToken::new();
        let (a, mut b) = tokio::io::duplex(64);
        let mut conn = TrackedConnection::new(a, &count, &close);
        assert_eq!((count.open(), count.ever_connected()), (1, true));

        b.write_all(b"ping").await.unwrap();
        let mut buf = [0u8; 4];
        conn.read_exact(&mut buf).await.unwrap();
        assert_eq!(&buf, b"ping");

        // A read that is waiting wakes up with an error when the switch is thrown.
        let reader = tokio::spawn(async move {
            let mut buf = [0u8; 1];
            let result = conn.read(&mut buf).await;
            drop(conn);
            result
        });
        close.cancel();
        let err = reader.await.unwrap().unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::ConnectionAborted);
        assert_eq!(count.open(), 0);
    }
}
