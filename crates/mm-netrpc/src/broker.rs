//! go-plugin's MuxBroker: extra streams over the session, each identified by a `u32` id.
//!
//! The side that hands out an id (inside an RPC argument) calls [`Broker::accept`] for it;
//! the peer calls [`Broker::dial`] with it. Each side has its own id counter, starting at 1:
//! an id means something only to the side that accepts it, so both sides have an id 1.
//!
//! On the wire, the dialler opens a stream and writes the id as 4 bytes little-endian; the
//! acceptor answers with the same 4 bytes (the ack).

use std::collections::HashMap;
use std::fmt;
use std::sync::atomic::{AtomicU32, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, Weak};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::sync::oneshot;

use crate::error::{Error, ErrorKind};
use crate::yamux::{Session, Stream, lock};

/// How long `accept` waits for its stream, and how long an incoming stream waits for its
/// `accept` (go-plugin's fixed 5 s).
pub const ACCEPT_TIMEOUT: Duration = Duration::from_secs(5);

/// go-plugin's MuxBroker over a [`Session`].
///
/// Creating it starts the loop that takes every stream the peer opens from then on, reads its
/// id and hands it to the matching [`accept`](Broker::accept), or parks it for 5 s. Create it
/// only after the streams that are accepted directly (go-plugin's 1, 3 and 5). Clones share
/// the broker; the loop ends with the session or when the last clone is dropped.
///
/// ```
/// use mm_netrpc::broker::Broker;
/// use mm_netrpc::yamux::{Config, Session};
/// use tokio::io::{AsyncReadExt, AsyncWriteExt};
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), mm_netrpc::Error> {
/// let (a, b) = tokio::net::UnixStream::pair().unwrap();
/// let host = Broker::new(Session::client(a, Config::default()));
/// let plugin = Broker::new(Session::server(b, Config::default()));
///
/// // The host reserves an id and accepts it; the plugin dials it (as for OnActivate).
/// let id = host.next_id();
/// let accepting = tokio::spawn({
///     let host = host.clone();
///     async move { host.accept(id).await }
/// });
/// let mut dialled = plugin.dial(id).await?;
/// let mut accepted = accepting.await.unwrap()?;
/// dialled.write_all(b"ping").await.unwrap();
/// let mut buf = [0u8; 4];
/// accepted.read_exact(&mut buf).await.unwrap();
/// assert_eq!(&buf, b"ping");
/// # Ok(())
/// # }
/// ```
#[derive(Clone)]
pub struct Broker {
    inner: Arc<Inner>,
}

struct Inner {
    session: Session,
    next_id: AtomicU32,
    slots: Mutex<HashMap<u32, Slot>>,
    timeout: Duration,
    generation: AtomicU64,
    /// Dropped with the last broker: ends the accept loop.
    _stop: oneshot::Sender<()>,
}

enum Slot {
    /// An `accept` waits for this id.
    Waiting(oneshot::Sender<Stream>),
    /// A stream arrived first; it waits for its `accept` until the generation's timer fires.
    Parked(Stream, u64),
}

impl Broker {
    /// Starts a broker on `session` with go-plugin's 5 s accept timeout.
    pub fn new(session: Session) -> Broker {
        Broker::with_accept_timeout(session, ACCEPT_TIMEOUT)
    }

    /// Starts a broker whose accepts (and parked streams) wait `timeout`.
    pub fn with_accept_timeout(session: Session, timeout: Duration) -> Broker {
        let (stop, stopped) = oneshot::channel();
        let inner = Arc::new(Inner {
            session: session.clone(),
            next_id: AtomicU32::new(0),
            slots: Mutex::new(HashMap::new()),
            timeout,
            generation: AtomicU64::new(0),
            _stop: stop,
        });
        tokio::spawn(run(Arc::downgrade(&inner), session, stopped));
        Broker { inner }
    }

    /// The session the broker runs on.
    pub fn session(&self) -> &Session {
        &self.inner.session
    }

    /// Reserves the next id of this side (1, 2, 3, ...), to hand to the peer.
    pub fn next_id(&self) -> u32 {
        self.inner.next_id.fetch_add(1, Ordering::Relaxed).wrapping_add(1)
    }

    /// Waits up to 5 s for the peer to dial `id`, acknowledges it and returns the stream.
    pub async fn accept(&self, id: u32) -> Result<Stream, Error> {
        let inner = &self.inner;
        let claimed = {
            let mut slots = lock(&inner.slots);
            match slots.remove(&id) {
                Some(Slot::Parked(stream, _)) => Ok(stream),
                Some(waiting @ Slot::Waiting(_)) => {
                    slots.insert(id, waiting);
                    return Err(Error::new(ErrorKind::BrokerIdInUse { id }));
                }
                None => {
                    let (tx, rx) = oneshot::channel();
                    slots.insert(id, Slot::Waiting(tx));
                    Err(rx)
                }
            }
        };
        let mut rx = match claimed {
            Ok(stream) => return finish_accept(id, stream).await,
            Err(rx) => rx,
        };
        let outcome = tokio::select! {
            stream = &mut rx => stream.ok(),
            _ = tokio::time::sleep(inner.timeout) => None,
            _ = inner.session.closed() => None,
        };
        let stream = match outcome {
            Some(stream) => stream,
            None => {
                // Give up, unless the stream was delivered in the meantime.
                lock(&inner.slots).remove(&id);
                match rx.try_recv() {
                    Ok(stream) => stream,
                    Err(_) => {
                        if let Some(reason) = inner.session.close_reason() {
                            return Err(Error::new(ErrorKind::SessionClosed(reason)));
                        }
                        return Err(Error::new(ErrorKind::BrokerAcceptTimeout { id }));
                    }
                }
            }
        };
        finish_accept(id, stream).await
    }

    /// Opens a stream to the peer's accepted `id`: writes the id and checks the peer's ack.
    pub async fn dial(&self, id: u32) -> Result<Stream, Error> {
        let mut stream = self.inner.session.open().await?;
        stream
            .write_all(&id.to_le_bytes())
            .await
            .map_err(|e| Error::io(format_args!("dialling broker id {id}"), e))?;
        let mut ack = [0u8; 4];
        stream
            .read_exact(&mut ack)
            .await
            .map_err(|e| Error::io(format_args!("reading the ack of broker id {id}"), e))?;
        let got = u32::from_le_bytes(ack);
        if got != id {
            return Err(Error::new(ErrorKind::BrokerBadAck { expected: id, got }));
        }
        Ok(stream)
    }

    /// Serves `source` with Mattermost's remote-reader protocol
    /// ([`serve_reader`](crate::stream_io::serve_reader)) on a new id, in the background, and
    /// returns the id to hand to the peer (which dials it within the accept window). How a
    /// side passes a byte stream inside a call (`UploadData`, request bodies, uploads).
    pub fn serve_reader<R>(&self, source: R) -> u32
    where
        R: tokio::io::AsyncRead + Unpin + Send + 'static,
    {
        self.serve_on_new_id("a byte stream", |stream| async move {
            crate::stream_io::serve_reader(stream, source).await.map(drop).map_err(|e| e.to_string())
        })
    }

    /// Serves `object` as go-plugin's `Plugin` net/rpc object on a new id, in the background,
    /// and returns the id (how a side hands the peer an API, a response writer, a DB driver).
    pub fn serve_object(&self, object: impl crate::rpc::Service) -> u32 {
        self.serve_on_new_id("a net/rpc object", |stream| async move {
            crate::rpc::Server::new()
                .register("Plugin", object)
                .serve(stream)
                .await
                .map_err(|e| e.to_string())
        })
    }

    fn serve_on_new_id<F, Fut>(&self, what: &'static str, serve: F) -> u32
    where
        F: FnOnce(Stream) -> Fut + Send + 'static,
        Fut: std::future::Future<Output = Result<(), String>> + Send,
    {
        let id = self.next_id();
        let broker = self.clone();
        tokio::spawn(async move {
            match broker.accept(id).await {
                Ok(stream) => {
                    if let Err(e) = serve(stream).await {
                        tracing::debug!(id, "serving {what} on broker id {id} ended early: {e}");
                    }
                }
                Err(e) => tracing::debug!(id, "the peer did not dial broker id {id} for {what}: {e}"),
            }
        });
        id
    }
}

impl fmt::Debug for Broker {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Broker")
            .field("next_id", &self.inner.next_id.load(Ordering::Relaxed))
            .field("pending", &lock(&self.inner.slots).len())
            .finish_non_exhaustive()
    }
}

async fn finish_accept(id: u32, mut stream: Stream) -> Result<Stream, Error> {
    stream
        .write_all(&id.to_le_bytes())
        .await
        .map_err(|e| Error::io(format_args!("acknowledging broker id {id}"), e))?;
    Ok(stream)
}

/// Takes every incoming stream, reads its id (concurrently: a slow dialler does not hold up
/// the others) and delivers or parks it.
async fn run(inner: Weak<Inner>, session: Session, mut stopped: oneshot::Receiver<()>) {
    loop {
        let stream = tokio::select! {
            stream = session.accept() => stream,
            _ = &mut stopped => None,
        };
        let Some(stream) = stream else { return };
        let Some(timeout) = inner.upgrade().map(|inner| inner.timeout) else { return };
        tokio::spawn(receive(inner.clone(), stream, timeout));
    }
}

async fn receive(inner: Weak<Inner>, mut stream: Stream, timeout: Duration) {
    let mut id = [0u8; 4];
    match tokio::time::timeout(timeout, stream.read_exact(&mut id)).await {
        Ok(Ok(_)) => {}
        Ok(Err(error)) => {
            tracing::debug!(stream = stream.id(), %error, "broker: stream closed before its id");
            return;
        }
        Err(_) => {
            tracing::warn!(stream = stream.id(), "broker: no id arrived on an incoming stream; closing it");
            return;
        }
    }
    let id = u32::from_le_bytes(id);
    let weak = inner;
    let Some(inner) = weak.upgrade() else { return };
    let generation = inner.generation.fetch_add(1, Ordering::Relaxed);
    {
        let mut slots = lock(&inner.slots);
        match slots.remove(&id) {
            Some(Slot::Waiting(tx)) => {
                if let Err(stream) = tx.send(stream) {
                    // The accept gave up a moment ago: park it like any early stream.
                    slots.insert(id, Slot::Parked(stream, generation));
                } else {
                    return;
                }
            }
            Some(parked @ Slot::Parked(..)) => {
                // go-plugin keeps the first stream for an id and drops later ones.
                slots.insert(id, parked);
                tracing::warn!(id, "broker: a second stream for a pending id; closing it");
                return;
            }
            None => {
                slots.insert(id, Slot::Parked(stream, generation));
            }
        }
    }
    // Nobody accepted it yet: drop it after the timeout if still unclaimed.
    drop(inner);
    tokio::time::sleep(timeout).await;
    let Some(inner) = weak.upgrade() else { return };
    let expired = {
        let mut slots = lock(&inner.slots);
        match slots.get(&id) {
            Some(Slot::Parked(_, g)) if *g == generation => slots.remove(&id),
            _ => None,
        }
    };
    if expired.is_some() {
        tracing::warn!(id, "broker: no accept for a dialled id within the timeout; closing its stream");
    }
}
