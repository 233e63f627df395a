//! The net/rpc client: many calls in flight on one stream, replies matched by sequence number.

use std::collections::HashMap;
use std::fmt;
use std::sync::{Arc, Mutex};

use mm_gob::{Decode, Decoder, Encode, Limits, MessageQueue};
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::sync::{Notify, oneshot};

use super::CallError;
use super::conn::{Inbound, Outbound, ReadError, SendError};
use super::header::{Request, Response};
use super::server::log_bad_value;
use crate::yamux::lock;

/// A Go net/rpc client over one byte stream (a broker stream, go-plugin's control stream).
///
/// Calls may be made concurrently from any number of tasks; each writes its request at once
/// and waits for its own reply, which may come in any order. When the connection ends, every
/// pending call fails at once with [`CallError::Closed`]. Clones share the connection; it is
/// closed when the last clone is dropped (or by [`close`](Client::close)).
///
/// Must be created inside a Tokio runtime.
#[derive(Clone)]
pub struct Client {
    handle: Arc<Handle>,
}

/// Closes the connection when the last client clone is dropped.
struct Handle {
    shared: Arc<Shared>,
}

struct Shared {
    out: Outbound,
    calls: Mutex<Calls>,
    stop: Notify,
}

#[derive(Default)]
struct Calls {
    next_seq: u64,
    pending: HashMap<u64, Box<dyn PendingReply>>,
    closed: Option<String>,
}

/// A call waiting for its reply, with the reply type erased: the reader decodes into it.
trait PendingReply: Send {
    /// Decodes the reply body; `Incomplete` leaves the call pending for another attempt.
    fn decode(&mut self, decoder: &mut Decoder, queue: &mut MessageQueue) -> mm_gob::Result<()>;
    /// Completes the call with an error.
    fn fail(&mut self, error: CallError);
}

/// Decodes a reply body (a typed decode, or a type-erased one chosen at run time).
pub type DecodeReply<R> = fn(&mut Decoder, &mut MessageQueue) -> mm_gob::Result<R>;

/// How a pending call decodes its reply: a typed decode, or a merge into a pre-filled value.
type ReplyDecoder<R> = Box<dyn FnMut(&mut Decoder, &mut MessageQueue) -> mm_gob::Result<R> + Send>;

struct Pending<R> {
    method: String,
    decode: ReplyDecoder<R>,
    tx: Option<oneshot::Sender<Result<R, CallError>>>,
}

impl<R: Send> PendingReply for Pending<R> {
    fn decode(&mut self, decoder: &mut Decoder, queue: &mut MessageQueue) -> mm_gob::Result<()> {
        let reply = (self.decode)(decoder, queue)?;
        if let Some(tx) = self.tx.take() {
            let _ = tx.send(Ok(reply));
        }
        Ok(())
    }

    fn fail(&mut self, error: CallError) {
        if let Some(tx) = self.tx.take() {
            let _ = tx.send(Err(error));
        }
    }
}

impl Shared {
    /// Marks the connection closed and fails every pending call with `reason`.
    fn close(&self, reason: String) {
        let pending = {
            let mut calls = lock(&self.calls);
            if calls.closed.is_some() {
                return;
            }
            calls.closed = Some(reason.clone());
            std::mem::take(&mut calls.pending)
        };
        for (_, mut call) in pending {
            call.fail(CallError::Closed(reason.clone()));
        }
        self.out.close();
        self.stop.notify_one();
    }

    fn closed_error(&self) -> CallError {
        CallError::Closed(lock(&self.calls).closed.clone().unwrap_or_else(|| "the client is closed".into()))
    }
}

impl Drop for Handle {
    fn drop(&mut self) {
        self.shared.close("the client was closed".into());
    }
}

/// Removes a call's pending entry if its caller stops waiting.
struct Registered<'a> {
    shared: &'a Shared,
    seq: u64,
}

impl Drop for Registered<'_> {
    fn drop(&mut self) {
        lock(&self.shared.calls).pending.remove(&self.seq);
    }
}

impl Client {
    /// A client on `stream`, with gob's default limits.
    pub fn new<S>(stream: S) -> Client
    where
        S: AsyncRead + AsyncWrite + Send + 'static,
    {
        Client::with_limits(stream, Limits::default())
    }

    /// A client whose replies are decoded within `limits`.
    pub fn with_limits<S>(stream: S, limits: Limits) -> Client
    where
        S: AsyncRead + AsyncWrite + Send + 'static,
    {
        let (read_half, write_half) = tokio::io::split(stream);
        let shared = Arc::new_cyclic(|weak: &std::sync::Weak<Shared>| {
            let weak = weak.clone();
            let out = Outbound::spawn(write_half, move |error| {
                if let Some(shared) = weak.upgrade() {
                    shared.close(format!("writing to the connection failed: {error}"));
                }
            });
            Shared { out, calls: Mutex::new(Calls::default()), stop: Notify::new() }
        });
        tokio::spawn(read_loop(shared.clone(), Inbound::new(read_half, limits)));
        Client { handle: Arc::new(Handle { shared }) }
    }

    /// Calls `service_method` (such as `"Plugin.GetUser"`) with `args` and waits for the reply.
    ///
    /// A failure the server reports (`Response.Error`) is [`CallError::Server`] with its text
    /// unchanged. Dropping the returned future abandons the call; its reply is discarded.
    pub async fn call<R>(&self, service_method: &str, args: &(dyn Encode + Sync)) -> Result<R, CallError>
    where
        R: Decode + Send + 'static,
    {
        self.call_with(service_method, args, |decoder, queue| decoder.decode::<R>(queue)).await
    }

    /// Like [`call`](Client::call), with the reply body decoded by `decode`: for callers that
    /// pick the reply type at run time (a table of methods with type-erased codecs).
    pub async fn call_with<R>(
        &self,
        service_method: &str,
        args: &(dyn Encode + Sync),
        decode: DecodeReply<R>,
    ) -> Result<R, CallError>
    where
        R: Send + 'static,
    {
        self.send_call(service_method, args, Box::new(decode)).await
    }

    /// Like [`call`](Client::call), with the reply decoded **into** `target` with Go's merge
    /// semantics: fields the reply leaves out keep `target`'s values. This is what a Go caller
    /// gets when it pre-fills its reply struct, as Mattermost does for `MessageWillBePosted`
    /// (a plugin cannot clear a field of the post through it).
    pub async fn call_into<R>(
        &self,
        service_method: &str,
        args: &(dyn Encode + Sync),
        target: R,
    ) -> Result<R, CallError>
    where
        R: Decode + Send + 'static,
    {
        let mut slot = Some(target);
        let decode = move |decoder: &mut Decoder, queue: &mut MessageQueue| {
            let target = slot.as_mut().ok_or_else(|| {
                mm_gob::Error::new(mm_gob::ErrorKind::InvalidValue, "the reply was already decoded")
            })?;
            decoder.decode_into(target, queue)?;
            slot.take().ok_or_else(|| {
                mm_gob::Error::new(mm_gob::ErrorKind::InvalidValue, "the reply was already decoded")
            })
        };
        self.send_call(service_method, args, Box::new(decode)).await
    }

    async fn send_call<R>(
        &self,
        service_method: &str,
        args: &(dyn Encode + Sync),
        decode: ReplyDecoder<R>,
    ) -> Result<R, CallError>
    where
        R: Send + 'static,
    {
        let shared = &self.handle.shared;
        let (tx, rx) = oneshot::channel();
        let seq = {
            let mut calls = lock(&shared.calls);
            if let Some(reason) = &calls.closed {
                return Err(CallError::Closed(reason.clone()));
            }
            let seq = calls.next_seq;
            calls.next_seq += 1;
            calls.pending.insert(
                seq,
                Box::new(Pending::<R> { method: service_method.to_owned(), decode, tx: Some(tx) }),
            );
            seq
        };
        let _registered = Registered { shared, seq };
        let header = Request { service_method: service_method.to_owned(), seq };
        match shared.out.send(&header, args, None) {
            Ok(()) => {}
            Err(SendError::Body(source)) => {
                return Err(CallError::Encode { method: service_method.to_owned(), source });
            }
            Err(SendError::Broken(error)) => {
                shared.close(format!("encoding a request header failed: {error}"));
                return Err(shared.closed_error());
            }
            Err(SendError::Closed) => return Err(shared.closed_error()),
        }
        match rx.await {
            Ok(result) => result,
            Err(_) => Err(shared.closed_error()),
        }
    }

    /// Closes the connection: pending calls fail, the stream is shut down.
    pub fn close(&self) {
        self.handle.shared.close("the client was closed".into());
    }

    /// Whether the connection is closed.
    pub fn is_closed(&self) -> bool {
        lock(&self.handle.shared.calls).closed.is_some()
    }
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let calls = lock(&self.handle.shared.calls);
        f.debug_struct("Client")
            .field("pending", &calls.pending.len())
            .field("closed", &calls.closed)
            .finish_non_exhaustive()
    }
}

async fn read_loop<R: AsyncRead + Unpin>(shared: Arc<Shared>, mut inbound: Inbound<R>) {
    let reason = tokio::select! {
        reason = read_replies(&shared, &mut inbound) => reason,
        _ = shared.stop.notified() => return,
    };
    shared.close(reason);
}

/// Reads replies and completes their calls; returns why the connection ended.
async fn read_replies<R: AsyncRead + Unpin>(shared: &Shared, inbound: &mut Inbound<R>) -> String {
    loop {
        let header = match inbound.decode(|d, q| d.decode::<Response>(q)).await {
            Ok(Ok(header)) => header,
            Ok(Err(error)) => {
                tracing::error!(%error, "net/rpc client: a response header does not decode; closing the connection");
                return format!("a response header does not decode: {error}");
            }
            Err(ReadError::Eof) => return "the server closed the connection".into(),
            Err(error) => return error.to_string(),
        };
        let call = lock(&shared.calls).pending.remove(&header.seq);
        // A body that does not decode fails its call only; if it left the stream out of step,
        // the next header does not decode and the connection ends there.
        let outcome = match call {
            Some(mut call) if header.error.is_empty() => {
                let outcome = inbound.decode_following(|d, q| call.decode(d, q)).await;
                if let Ok(Err(error)) = outcome {
                    log_bad_value("a reply", &header.service_method, &error);
                    call.fail(CallError::Decode { method: header.service_method, source: error });
                    Ok(())
                } else {
                    outcome.map(|_| ())
                }
            }
            call => {
                // An error reply has an empty struct body; a reply nobody waits for is dropped.
                let outcome = inbound.decode_following(|d, q| d.skip(q)).await;
                if let Ok(Err(error)) = &outcome {
                    log_bad_value("a skipped reply", &header.service_method, error);
                }
                if let Some(mut call) = call {
                    call.fail(CallError::Server(header.error));
                }
                outcome.map(|_| ())
            }
        };
        if let Err(error) = outcome {
            return error.to_string();
        }
    }
}

impl<R> fmt::Debug for Pending<R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Pending").field("method", &self.method).finish()
    }
}
