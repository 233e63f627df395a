//! The net/rpc server: services dispatched by name, every call in its own task.

use std::collections::HashMap;
use std::fmt;
use std::future::Future;
use std::marker::PhantomData;
use std::panic::AssertUnwindSafe;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::task::{Context, Poll};

use mm_gob::{Decode, Decoder, Encode, Limits, MessageQueue};
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::sync::{Notify, oneshot};

use super::conn::{Inbound, Outbound, ReadError, SendError, stream_usable};
use super::header::{Request, Response};
use crate::error::{Error, ErrorKind};

/// A set of methods served under one name (go-plugin serves a plugin's object as `Plugin`).
///
/// [`call`](Service::call) starts one call: it decodes the arguments of `method` with
/// [`Args::decode`] (typed: each method decodes its own argument type) and returns the
/// [`Call`] that computes the reply, or refuses an unknown method. The server may call it
/// **more than once for the same request**: when the arguments continue in a gob message that
/// has not arrived yet, `Args::decode` fails with an `Incomplete` error, which must be returned
/// (with `?`); the server reads the next message and calls again. So do nothing observable
/// before the arguments are decoded: start the work inside the returned future.
///
/// ```
/// use mm_netrpc::rpc::{Args, Call, Refusal, Service};
///
/// struct Calculator;
///
/// impl Service for Calculator {
///     fn call(&self, method: &str, args: &mut Args<'_>) -> Result<Call, Refusal> {
///         match method {
///             "Double" => {
///                 let n: i64 = args.decode()?;
///                 Ok(Call::new(async move { Ok::<_, String>(n * 2) }))
///             }
///             _ => Err(Refusal::unknown_method()),
///         }
///     }
/// }
/// ```
pub trait Service: Send + Sync + 'static {
    /// Decodes the arguments of `method` (without the `Service.` prefix) and starts the call.
    fn call(&self, method: &str, args: &mut Args<'_>) -> Result<Call, Refusal>;
}

impl<S: Service + ?Sized> Service for Arc<S> {
    fn call(&self, method: &str, args: &mut Args<'_>) -> Result<Call, Refusal> {
        (**self).call(method, args)
    }
}

/// The arguments of one request, decoded on the connection's reader.
pub struct Args<'a> {
    decoder: &'a mut Decoder,
    queue: &'a mut MessageQueue,
    decoded: bool,
}

impl Args<'_> {
    /// Decodes the arguments as `A`. Call it at most once per request.
    pub fn decode<A: Decode>(&mut self) -> Result<A, Refusal> {
        self.decode_with(|decoder, queue| decoder.decode::<A>(queue))
    }

    /// Decodes the arguments with `decode` (for services that pick the argument type at run
    /// time, from a table of methods with type-erased codecs). Call it at most once per request.
    pub fn decode_with<A>(
        &mut self,
        decode: fn(&mut Decoder, &mut MessageQueue) -> mm_gob::Result<A>,
    ) -> Result<A, Refusal> {
        if self.decoded {
            return Err(Refusal::args(mm_gob::Error::new(
                mm_gob::ErrorKind::InvalidValue,
                "the arguments of this request were already decoded",
            )));
        }
        let args = decode(self.decoder, self.queue).map_err(Refusal::args)?;
        self.decoded = true;
        Ok(args)
    }
}

impl fmt::Debug for Args<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Args").field("decoded", &self.decoded).finish_non_exhaustive()
    }
}

/// Why a [`Service`] did not start a call.
#[derive(Debug)]
pub struct Refusal {
    kind: RefusalKind,
}

#[derive(Debug)]
enum RefusalKind {
    UnknownMethod,
    Args(mm_gob::Error),
}

impl Refusal {
    /// The service has no such method (answered `rpc: can't find method Service.Method`, as
    /// Go does; Mattermost relies on the text).
    pub fn unknown_method() -> Refusal {
        Refusal { kind: RefusalKind::UnknownMethod }
    }

    /// The arguments could not be decoded (or are not complete yet).
    pub fn args(error: mm_gob::Error) -> Refusal {
        Refusal { kind: RefusalKind::Args(error) }
    }
}

impl From<mm_gob::Error> for Refusal {
    fn from(error: mm_gob::Error) -> Self {
        Refusal::args(error)
    }
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.kind {
            RefusalKind::UnknownMethod => f.write_str("unknown method"),
            RefusalKind::Args(error) => write!(f, "bad arguments: {error}"),
        }
    }
}

impl std::error::Error for Refusal {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match &self.kind {
            RefusalKind::UnknownMethod => None,
            RefusalKind::Args(error) => Some(error),
        }
    }
}

/// A call's reply value.
pub struct Reply {
    body: Box<dyn Encode + Send>,
    written: Option<oneshot::Sender<()>>,
}

impl Reply {
    /// A reply carrying `value`.
    pub fn new<T: Encode + Send + 'static>(value: T) -> Reply {
        Reply { body: Box::new(value), written: None }
    }

    /// Reports when the reply has been handed to the stream (go-plugin's `Control.Quit` must
    /// answer before the plugin stops).
    pub(crate) fn notify_written(mut self, tx: oneshot::Sender<()>) -> Reply {
        self.written = Some(tx);
        self
    }
}

impl fmt::Debug for Reply {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Reply").finish_non_exhaustive()
    }
}

type CallFuture = Pin<Box<dyn Future<Output = Result<Reply, String>> + Send>>;

/// A started call: the future that computes its reply, or the error text the client gets
/// (`Response.Error`, with an empty struct as body).
pub struct Call {
    future: CallFuture,
}

impl Call {
    /// A call whose reply is what `future` produces; an error is sent as its `Display` text.
    pub fn new<T, E, F>(future: F) -> Call
    where
        F: Future<Output = Result<T, E>> + Send + 'static,
        T: Encode + Send + 'static,
        E: fmt::Display,
    {
        Call { future: Box::pin(async move { future.await.map(Reply::new).map_err(|e| e.to_string()) }) }
    }

    /// A call whose future produces a [`Reply`] directly.
    pub fn from_reply<F>(future: F) -> Call
    where
        F: Future<Output = Result<Reply, String>> + Send + 'static,
    {
        Call { future: Box::pin(future) }
    }
}

impl fmt::Debug for Call {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Call").finish_non_exhaustive()
    }
}

/// A [`Service`] made of async closures, one per method.
///
/// ```
/// use mm_netrpc::rpc::Router;
///
/// let plugin = Router::new()
///     .method("Echo", |text: String| async move { Ok::<_, String>(text) })
///     .method("Fail", |_: ()| async move { Err::<(), _>("no such thing") });
/// ```
#[derive(Default)]
pub struct Router {
    methods: HashMap<String, Box<dyn Method>>,
}

trait Method: Send + Sync {
    fn start(&self, args: &mut Args<'_>) -> Result<Call, Refusal>;
}

struct FnMethod<A, F> {
    f: F,
    _args: PhantomData<fn(A)>,
}

impl<A, F, Fut, T, E> Method for FnMethod<A, F>
where
    A: Decode + 'static,
    F: Fn(A) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Result<T, E>> + Send + 'static,
    T: Encode + Send + 'static,
    E: fmt::Display + 'static,
{
    fn start(&self, args: &mut Args<'_>) -> Result<Call, Refusal> {
        let args: A = args.decode()?;
        Ok(Call::new((self.f)(args)))
    }
}

impl Router {
    /// An empty router.
    pub fn new() -> Router {
        Router::default()
    }

    /// Adds (or replaces) `name`, handled by `f` with its arguments decoded as `A`.
    pub fn method<A, F, Fut, T, E>(mut self, name: impl Into<String>, f: F) -> Router
    where
        A: Decode + 'static,
        F: Fn(A) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<T, E>> + Send + 'static,
        T: Encode + Send + 'static,
        E: fmt::Display + 'static,
    {
        self.methods.insert(name.into(), Box::new(FnMethod { f, _args: PhantomData }));
        self
    }
}

impl Service for Router {
    fn call(&self, method: &str, args: &mut Args<'_>) -> Result<Call, Refusal> {
        match self.methods.get(method) {
            Some(m) => m.start(args),
            None => Err(Refusal::unknown_method()),
        }
    }
}

impl fmt::Debug for Router {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut names: Vec<_> = self.methods.keys().collect();
        names.sort();
        f.debug_struct("Router").field("methods", &names).finish()
    }
}

/// A Go net/rpc server: [`Service`]s registered under names, served on byte streams.
///
/// Each request `Service.Method` is dispatched to its service; every call runs in its own task
/// and replies in completion order. Unknown names are answered exactly as Go answers them
/// (`rpc: can't find service X`, `rpc: can't find method X`) and the connection stays
/// usable; so does it after arguments that do not decode into the method's type (that call
/// fails). A handler's error becomes `Response.Error`; a handler that panics fails its call
/// only.
///
/// ```
/// use mm_netrpc::rpc::{Client, Router, Server};
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let (a, b) = tokio::io::duplex(64 * 1024);
/// let server = Server::new().register("Plugin", Router::new().method("Double", |x: i64| async move {
///     Ok::<_, String>(x * 2)
/// }));
/// tokio::spawn(async move { server.serve(b).await });
/// let client = Client::new(a);
/// let doubled: i64 = client.call("Plugin.Double", &21i64).await?;
/// assert_eq!(doubled, 42);
/// # Ok(())
/// # }
/// ```
#[derive(Clone, Default)]
pub struct Server {
    services: HashMap<String, Arc<dyn Service>>,
    limits: Limits,
}

impl fmt::Debug for Server {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut names: Vec<_> = self.services.keys().collect();
        names.sort();
        f.debug_struct("Server").field("services", &names).field("limits", &self.limits).finish()
    }
}

/// What a `Service.Method` name resolves to.
enum Route<'a> {
    Found(&'a Arc<dyn Service>, &'a str),
    Refused(String),
}

impl Server {
    /// A server without services.
    pub fn new() -> Server {
        Server::default()
    }

    /// Registers `service` under `name` (replacing one of the same name).
    pub fn register(mut self, name: impl Into<String>, service: impl Service) -> Server {
        self.services.insert(name.into(), Arc::new(service));
        self
    }

    /// Decodes requests within `limits` (gob's defaults otherwise).
    pub fn with_limits(mut self, limits: Limits) -> Server {
        self.limits = limits;
        self
    }

    fn route<'a>(&'a self, service_method: &'a str) -> Route<'a> {
        let Some((service, method)) = service_method.rsplit_once('.') else {
            return Route::Refused(format!("rpc: service/method request ill-formed: {service_method}"));
        };
        match self.services.get(service) {
            Some(svc) => Route::Found(svc, method),
            None => Route::Refused(format!("rpc: can't find service {service_method}")),
        }
    }

    /// Serves requests on `stream` until the client closes it, then waits for the calls still
    /// running and shuts the stream down. An error means the stream could no longer be read
    /// (corrupt data, a message beyond the limits, an I/O error).
    pub async fn serve<S>(&self, stream: S) -> Result<(), Error>
    where
        S: AsyncRead + AsyncWrite + Send + 'static,
    {
        let (read_half, write_half) = tokio::io::split(stream);
        let out = Arc::new(Outbound::spawn(write_half, |error| {
            tracing::debug!(%error, "net/rpc server: writing a response failed");
        }));
        let mut inbound = Inbound::new(read_half, self.limits.clone());
        let in_flight = Arc::new(InFlight::default());
        let result = self.serve_requests(&mut inbound, &out, &in_flight).await;
        match &result {
            Err(error) if error.is_session_closed() => {
                tracing::debug!(%error, "net/rpc server: the session ended");
            }
            Err(error) => tracing::error!(%error, "net/rpc server: closing the connection"),
            Ok(()) => {}
        }
        in_flight.wait_idle().await;
        out.close();
        result
    }

    async fn serve_requests<R: AsyncRead + Unpin>(
        &self,
        inbound: &mut Inbound<R>,
        out: &Arc<Outbound>,
        in_flight: &Arc<InFlight>,
    ) -> Result<(), Error> {
        let rpc_error = |message: String| Error::new(ErrorKind::Rpc(message));
        loop {
            let request = match inbound.decode(|d, q| d.decode::<Request>(q)).await {
                Ok(Ok(request)) => request,
                Ok(Err(error)) => {
                    return Err(rpc_error(format!("a request header does not decode: {error}")));
                }
                Err(ReadError::Eof) => return Ok(()),
                Err(ReadError::Io(error)) => {
                    return Err(Error::io("net/rpc: reading the connection failed", error));
                }
                Err(error) => return Err(rpc_error(error.to_string())),
            };
            let (service, method) = match self.route(&request.service_method) {
                Route::Found(service, method) => (service, method),
                Route::Refused(text) => {
                    skip_body(inbound).await?;
                    respond(out, &request, Err(text));
                    continue;
                }
            };
            // Start the call; the arguments may need more messages (retried, see `Service`).
            let started = loop {
                let mut args =
                    Args { decoder: &mut inbound.decoder, queue: &mut inbound.queue, decoded: false };
                let outcome = std::panic::catch_unwind(AssertUnwindSafe(|| service.call(method, &mut args)));
                let decoded = args.decoded;
                match outcome {
                    Ok(Ok(call)) => break Start::Call(call, decoded),
                    Ok(Err(Refusal { kind: RefusalKind::UnknownMethod })) => break Start::Unknown(decoded),
                    Ok(Err(Refusal { kind: RefusalKind::Args(error) })) if error.is_incomplete() => {
                        inbound.read_message().await.map_err(|e| rpc_error(truncated(e)))?;
                    }
                    Ok(Err(Refusal { kind: RefusalKind::Args(error) })) => break Start::BadArgs(error),
                    Err(panic) => break Start::Panicked(panic_message(&*panic), decoded),
                }
            };
            match started {
                Start::Call(call, decoded) => {
                    if !decoded {
                        skip_body(inbound).await?;
                    }
                    spawn_call(out.clone(), in_flight.clone(), request, call);
                }
                Start::Unknown(decoded) => {
                    if !decoded {
                        skip_body(inbound).await?;
                    }
                    let text = format!("rpc: can't find method {}", request.service_method);
                    respond(out, &request, Err(text));
                }
                Start::BadArgs(error) => {
                    // The call fails; the connection goes on. If the body left the stream out of
                    // step, the next header does not decode and the connection ends there.
                    log_bad_value("arguments", &request.service_method, &error);
                    let text = format!("rpc: decoding the arguments of {}: {error}", request.service_method);
                    respond(out, &request, Err(text));
                }
                Start::Panicked(message, decoded) => {
                    if !decoded {
                        skip_body(inbound).await?;
                    }
                    tracing::error!(method = %request.service_method, panic = %message, "net/rpc server: the service panicked");
                    respond(
                        out,
                        &request,
                        Err(format!("rpc: {} panicked: {message}", request.service_method)),
                    );
                }
            }
        }
    }
}

/// How starting a call went.
enum Start {
    /// Started; whether its arguments were decoded.
    Call(Call, bool),
    /// No such method; whether the arguments were decoded anyway.
    Unknown(bool),
    /// The arguments do not decode.
    BadArgs(mm_gob::Error),
    /// `Service::call` panicked; whether the arguments were decoded before.
    Panicked(String, bool),
}

fn panic_message(panic: &(dyn std::any::Any + Send)) -> String {
    panic
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "a panic".into())
}

/// Logs a value that did not decode: a mismatch with our types is a warning, corrupt data an
/// error.
pub(crate) fn log_bad_value(what: &str, method: &str, error: &mm_gob::Error) {
    if stream_usable(error) {
        tracing::warn!(%method, %error, "net/rpc: {what} do not fit the expected type");
    } else {
        tracing::error!(%method, %error, "net/rpc: {what} do not decode");
    }
}

fn truncated(error: ReadError) -> String {
    match error {
        ReadError::Eof => "the client closed the connection in the middle of a request".into(),
        other => other.to_string(),
    }
}

/// Discards a request body nobody will decode.
async fn skip_body<R: AsyncRead + Unpin>(inbound: &mut Inbound<R>) -> Result<(), Error> {
    match inbound.decode_following(|d, q| d.skip(q)).await {
        Ok(Ok(())) => Ok(()),
        Ok(Err(error)) => {
            log_bad_value("a skipped body", "", &error);
            Ok(())
        }
        Err(error) => Err(Error::new(ErrorKind::Rpc(truncated(error)))),
    }
}

/// Sends a response: the reply, or the error text with an empty struct body.
fn respond(out: &Outbound, request: &Request, result: Result<Reply, String>) {
    let mut header =
        Response { service_method: request.service_method.clone(), seq: request.seq, error: String::new() };
    let (body, written): (Box<dyn Encode + Send>, _) = match result {
        Ok(reply) => (reply.body, reply.written),
        Err(text) => {
            header.error = text;
            (Box::new(()), None)
        }
    };
    match out.send(&header, &*body, written) {
        Ok(()) => {}
        Err(SendError::Body(error)) => {
            // Go closes the connection here; the encoder is untouched, so tell the caller.
            tracing::error!(method = %request.service_method, %error, "net/rpc server: the reply does not encode");
            header.error = format!("rpc: encoding the reply of {}: {error}", request.service_method);
            let _ = out.send(&header, &(), None);
        }
        Err(SendError::Broken(error)) => {
            tracing::error!(%error, "net/rpc server: a response header does not encode; the connection is broken");
        }
        Err(SendError::Closed) => {
            tracing::debug!(method = %request.service_method, "net/rpc server: the connection closed before the reply");
        }
    }
}

fn spawn_call(out: Arc<Outbound>, in_flight: Arc<InFlight>, request: Request, call: Call) {
    in_flight.enter();
    tokio::spawn(async move {
        let result = match CatchUnwind(call.future).await {
            Ok(result) => result,
            Err(panic) => {
                let message = panic_message(&*panic);
                tracing::error!(method = %request.service_method, panic = %message, "net/rpc server: the handler panicked");
                Err(format!("rpc: {} panicked: {message}", request.service_method))
            }
        };
        respond(&out, &request, result);
        in_flight.leave();
    });
}

/// Polls a future, turning a panic into an error (the call fails, not the server).
struct CatchUnwind(CallFuture);

impl Future for CatchUnwind {
    type Output = Result<Result<Reply, String>, Box<dyn std::any::Any + Send>>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let future = &mut self.0;
        match std::panic::catch_unwind(AssertUnwindSafe(|| future.as_mut().poll(cx))) {
            Ok(Poll::Pending) => Poll::Pending,
            Ok(Poll::Ready(result)) => Poll::Ready(Ok(result)),
            Err(panic) => Poll::Ready(Err(panic)),
        }
    }
}

/// Calls still running on a connection.
#[derive(Default)]
struct InFlight {
    count: AtomicUsize,
    idle: Notify,
}

impl InFlight {
    fn enter(&self) {
        self.count.fetch_add(1, Ordering::AcqRel);
    }

    fn leave(&self) {
        if self.count.fetch_sub(1, Ordering::AcqRel) == 1 {
            self.idle.notify_waiters();
        }
    }

    async fn wait_idle(&self) {
        loop {
            let notified = self.idle.notified();
            if self.count.load(Ordering::Acquire) == 0 {
                return;
            }
            notified.await;
        }
    }
}
