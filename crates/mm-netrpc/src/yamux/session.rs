//! The session: stream registry, accept backlog, pings and the shutdown path, shared by the
//! public handle, the streams and the reader, writer and timer tasks.

use std::collections::{HashMap, VecDeque};
use std::fmt;
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tokio::io::{AsyncRead, AsyncWrite};
use tokio::sync::{Notify, Semaphore, oneshot, watch};

use super::frame::{Flags, Frame, FrameType, GO_AWAY_NORMAL, GO_AWAY_PROTOCOL_ERROR};
use super::stream::{Phase, StreamShared};
use super::timers::Deadlines;
use super::writer::{Outbox, PushError};
use super::{CloseReason, Config, Mode, Stream, lock, reader, timers, writer};
use crate::error::{Error, ErrorKind};

/// State shared by everything that belongs to one session.
pub(crate) struct Shared {
    pub(crate) config: Config,
    mode: Mode,
    pub(crate) outbox: Outbox,
    streams: Mutex<HashMap<u32, Arc<StreamShared>>>,
    backlog: Mutex<VecDeque<Arc<StreamShared>>>,
    backlog_notify: Notify,
    next_id: AtomicU32,
    open_permits: Arc<Semaphore>,
    pings: Mutex<Pings>,
    local_go_away: AtomicBool,
    remote_go_away: AtomicBool,
    closed: watch::Sender<Option<CloseReason>>,
    finished: watch::Sender<bool>,
    pub(crate) deadlines: Deadlines,
}

#[derive(Default)]
struct Pings {
    next: u32,
    waiting: HashMap<u32, oneshot::Sender<()>>,
}

impl Shared {
    /// Queues a frame; `false` if the session is closed. A peer that makes us queue too many
    /// control frames without reading closes the session.
    pub(crate) fn send(&self, frame: Frame) -> bool {
        match self.outbox.push(frame) {
            Ok(()) => true,
            Err(PushError::Closed) => false,
            Err(PushError::Overflow) => {
                self.close(CloseReason::Protocol("the peer does not read its connection".into()));
                false
            }
        }
    }

    /// Sends GO_AWAY(protocol error) and closes the session.
    pub(crate) fn protocol_error(&self, message: String) {
        tracing::warn!(error = %message, "yamux: protocol error; closing the session");
        self.send(Frame::control(FrameType::GoAway, Flags::NONE, 0, GO_AWAY_PROTOCOL_ERROR));
        self.close(CloseReason::Protocol(message));
    }

    /// Closes the session once: streams, acceptors and pings fail with `reason`, the writer
    /// flushes what is queued and shuts the connection down.
    pub(crate) fn close(&self, reason: CloseReason) {
        let first = self.closed.send_if_modified(|slot| {
            if slot.is_none() {
                *slot = Some(reason.clone());
                true
            } else {
                false
            }
        });
        if !first {
            return;
        }
        match &reason {
            CloseReason::Local | CloseReason::RemoteClosed => {
                tracing::debug!(%reason, "yamux: session closed")
            }
            _ => tracing::info!(%reason, "yamux: session closed"),
        }
        self.outbox.close();
        self.open_permits.close();
        let streams: Vec<_> = lock(&self.streams).drain().map(|(_, stream)| stream).collect();
        for stream in &streams {
            stream.session_closed(&reason);
        }
        let backlog = std::mem::take(&mut *lock(&self.backlog));
        drop(backlog);
        self.backlog_notify.notify_waiters();
        lock(&self.pings).waiting.clear();
        self.deadlines.wake();
    }

    pub(crate) fn close_reason(&self) -> Option<CloseReason> {
        self.closed.borrow().clone()
    }

    pub(crate) async fn wait_closed(&self) -> CloseReason {
        let mut rx = self.closed.subscribe();
        match rx.wait_for(Option::is_some).await {
            Ok(reason) => reason.clone().unwrap_or(CloseReason::Local),
            Err(_) => CloseReason::Local,
        }
    }

    pub(crate) fn writer_finished(&self) {
        self.finished.send_replace(true);
    }

    pub(crate) fn lookup(&self, id: u32) -> Option<Arc<StreamShared>> {
        lock(&self.streams).get(&id).cloned()
    }

    pub(crate) fn remove_stream(&self, id: u32) {
        lock(&self.streams).remove(&id);
    }

    /// A SYN from the peer: registers the stream and queues it for `accept`, or resets it when
    /// the backlog is full or we sent GO_AWAY. An invalid id is a protocol error.
    pub(crate) fn incoming(&self, id: u32) -> Result<(), String> {
        let reset = || Frame::control(FrameType::WindowUpdate, Flags::RST, id, 0);
        if self.local_go_away.load(Ordering::Acquire) {
            self.send(reset());
            return Ok(());
        }
        // Clients open odd ids, servers even ones: the peer's ids have the other parity.
        let peer_parity = match self.mode {
            Mode::Client => 0,
            Mode::Server => 1,
        };
        if id == 0 || id % 2 != peer_parity {
            return Err(format!("the peer opened stream {id}, an id reserved for this side"));
        }
        let mut streams = lock(&self.streams);
        if streams.contains_key(&id) {
            return Err(format!("duplicate stream {id} opened"));
        }
        let mut backlog = lock(&self.backlog);
        if backlog.len() >= self.config.accept_backlog() {
            drop(backlog);
            drop(streams);
            tracing::warn!(stream = id, "yamux: accept backlog exceeded; resetting the new stream");
            self.send(reset());
            return Ok(());
        }
        let stream = Arc::new(StreamShared::new(id, Phase::SynReceived, None));
        streams.insert(id, stream.clone());
        backlog.push_back(stream);
        drop(backlog);
        drop(streams);
        self.backlog_notify.notify_one();
        Ok(())
    }

    pub(crate) fn ping_answered(&self, id: u32) {
        if let Some(tx) = lock(&self.pings).waiting.remove(&id) {
            let _ = tx.send(());
        }
    }

    pub(crate) fn remote_go_away(&self) {
        self.remote_go_away.store(true, Ordering::Release);
    }

    fn closed_error(&self) -> Error {
        Error::new(ErrorKind::SessionClosed(self.close_reason().unwrap_or(CloseReason::Local)))
    }

    pub(crate) async fn ping(&self) -> Result<Duration, Error> {
        let (tx, rx) = oneshot::channel();
        let id = {
            let mut pings = lock(&self.pings);
            let id = pings.next;
            pings.next = pings.next.wrapping_add(1);
            pings.waiting.insert(id, tx);
            id
        };
        if self.close_reason().is_some() || !self.send(Frame::control(FrameType::Ping, Flags::SYN, 0, id)) {
            lock(&self.pings).waiting.remove(&id);
            return Err(self.closed_error());
        }
        let start = Instant::now();
        match tokio::time::timeout(self.config.ping_timeout(), rx).await {
            Ok(Ok(())) => Ok(start.elapsed()),
            Ok(Err(_)) => Err(self.closed_error()),
            Err(_) => {
                lock(&self.pings).waiting.remove(&id);
                Err(Error::new(ErrorKind::PingTimeout))
            }
        }
    }
}

/// The part of the session that user handles (sessions and streams) keep alive: when the last
/// one is dropped, the session closes.
pub(crate) struct Handle {
    shared: Arc<Shared>,
}

impl Handle {
    pub(crate) fn shared(&self) -> &Shared {
        &self.shared
    }
}

impl Drop for Handle {
    fn drop(&mut self) {
        self.shared.close(CloseReason::Local);
    }
}

/// A hashicorp/yamux session over one connection: many [`Stream`]s in both directions.
///
/// Compatible with hashicorp/yamux v0.1.2 as go-plugin uses it: 256 KiB stream windows, every
/// accepted stream acknowledged at once, pings answered and sent every 30 s, the 75 s open
/// timeout, an accept backlog of 256. One task reads and dispatches frames, one writes them in
/// batches; both end when the session closes. Clones share the session; it closes when
/// [`close`](Session::close) is called, the connection ends, or the last clone and the last
/// stream are dropped.
///
/// Must be created inside a Tokio runtime.
///
/// ```
/// use mm_netrpc::yamux::{Config, Session};
/// use tokio::io::{AsyncReadExt, AsyncWriteExt};
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let (a, b) = tokio::net::UnixStream::pair()?;
/// let client = Session::client(a, Config::default());
/// let server = Session::server(b, Config::default());
///
/// let mut out = client.open().await?;
/// out.write_all(b"hello").await?;
/// out.shutdown().await?;
///
/// let mut incoming = server.accept().await.expect("a stream");
/// let mut text = String::new();
/// incoming.read_to_string(&mut text).await?;
/// assert_eq!((incoming.id(), text.as_str()), (1, "hello"));
/// # Ok(())
/// # }
/// ```
#[derive(Clone)]
pub struct Session {
    handle: Arc<Handle>,
}

impl Session {
    /// Starts the client side (the go-plugin host's side; opens odd stream ids).
    pub fn client<T>(io: T, config: Config) -> Session
    where
        T: AsyncRead + AsyncWrite + Send + Unpin + 'static,
    {
        Session::new(io, Mode::Client, config)
    }

    /// Starts the server side (the plugin's side; opens even stream ids).
    pub fn server<T>(io: T, config: Config) -> Session
    where
        T: AsyncRead + AsyncWrite + Send + Unpin + 'static,
    {
        Session::new(io, Mode::Server, config)
    }

    /// Starts a session in `mode` over `io`.
    pub fn new<T>(io: T, mode: Mode, config: Config) -> Session
    where
        T: AsyncRead + AsyncWrite + Send + Unpin + 'static,
    {
        let backlog = config.accept_backlog();
        let shared = Arc::new(Shared {
            mode,
            outbox: Outbox::default(),
            streams: Mutex::new(HashMap::new()),
            backlog: Mutex::new(VecDeque::new()),
            backlog_notify: Notify::new(),
            next_id: AtomicU32::new(match mode {
                Mode::Client => 1,
                Mode::Server => 2,
            }),
            open_permits: Arc::new(Semaphore::new(backlog)),
            pings: Mutex::new(Pings::default()),
            local_go_away: AtomicBool::new(false),
            remote_go_away: AtomicBool::new(false),
            closed: watch::Sender::new(None),
            finished: watch::Sender::new(false),
            deadlines: Deadlines::default(),
            config,
        });
        let (read_half, write_half) = tokio::io::split(io);
        tokio::spawn(reader::run(shared.clone(), read_half));
        tokio::spawn(writer::run(shared.clone(), write_half));
        tokio::spawn(timers::run_deadlines(shared.clone()));
        if let Some(interval) = shared.config.keepalive_interval() {
            tokio::spawn(timers::run_keepalive(shared.clone(), interval));
        }
        Session { handle: Arc::new(Handle { shared }) }
    }

    fn shared(&self) -> &Arc<Shared> {
        &self.handle.shared
    }

    /// Which side of the session this is.
    pub fn mode(&self) -> Mode {
        self.shared().mode
    }

    /// Opens a stream: sends its SYN at once (data may follow before the peer's ACK). Waits
    /// only while 256 opened streams are unacknowledged. If the peer does not acknowledge
    /// within the open timeout (75 s), the session is closed, as Go does.
    pub async fn open(&self) -> Result<Stream, Error> {
        let shared = self.shared();
        if shared.close_reason().is_some() {
            return Err(shared.closed_error());
        }
        if shared.remote_go_away.load(Ordering::Acquire) {
            return Err(Error::new(ErrorKind::RemoteGoAway));
        }
        let permit = shared.open_permits.clone().acquire_owned().await.map_err(|_| shared.closed_error())?;
        let id = shared
            .next_id
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |id| {
                id.checked_add(2).filter(|_| id < u32::MAX - 1)
            })
            .map_err(|_| Error::new(ErrorKind::StreamsExhausted))?;
        let stream = Arc::new(StreamShared::new(id, Phase::SynSent, Some(permit)));
        lock(&shared.streams).insert(id, stream.clone());
        if !shared.send(Frame::control(FrameType::WindowUpdate, Flags::SYN, id, 0)) {
            shared.remove_stream(id);
            return Err(shared.closed_error());
        }
        shared.deadlines.add_open(&stream, shared.config.stream_open_timeout());
        Ok(Stream::new(stream, self.handle.clone()))
    }

    /// Waits for the next stream the peer opens and acknowledges it at once. `None` once the
    /// session is closed.
    pub async fn accept(&self) -> Option<Stream> {
        let shared = self.shared();
        loop {
            let notified = shared.backlog_notify.notified();
            let next = lock(&shared.backlog).pop_front();
            if let Some(stream) = next {
                // A stream the peer reset while it waited is skipped.
                if let Some(ack) = stream.accept() {
                    shared.send(ack);
                    return Some(Stream::new(stream, self.handle.clone()));
                }
                continue;
            }
            if shared.close_reason().is_some() {
                return None;
            }
            notified.await;
        }
    }

    /// Pings the peer and returns the round-trip time. Fails if no answer comes within the
    /// ping timeout (10 s).
    pub async fn ping(&self) -> Result<Duration, Error> {
        self.shared().ping().await
    }

    /// Tells the peer to open no more streams (GO_AWAY, normal); streams it opens afterwards
    /// are reset. Existing streams continue.
    pub fn go_away(&self) {
        let shared = self.shared();
        shared.local_go_away.store(true, Ordering::Release);
        shared.send(Frame::control(FrameType::GoAway, Flags::NONE, 0, GO_AWAY_NORMAL));
    }

    /// Closes the session: every stream fails, what is already queued is written, then the
    /// connection is shut down. Returns once the connection is shut down (bounded by the
    /// write timeout).
    pub async fn close(&self) {
        let shared = self.shared();
        shared.close(CloseReason::Local);
        let mut finished = shared.finished.subscribe();
        let _ = finished.wait_for(|done| *done).await;
    }

    /// Whether the session is closed.
    pub fn is_closed(&self) -> bool {
        self.shared().close_reason().is_some()
    }

    /// Why the session closed, once it has.
    pub fn close_reason(&self) -> Option<CloseReason> {
        self.shared().close_reason()
    }

    /// Waits until the session is closed and returns why.
    pub async fn closed(&self) -> CloseReason {
        self.shared().wait_closed().await
    }

    /// How many streams are open (including those waiting in the accept backlog and
    /// half-closed ones).
    pub fn num_streams(&self) -> usize {
        lock(&self.shared().streams).len()
    }
}

impl fmt::Debug for Session {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Session")
            .field("mode", &self.mode())
            .field("streams", &self.num_streams())
            .field("closed", &self.close_reason())
            .finish()
    }
}
