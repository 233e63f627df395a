//! One hook call from a typed request, whatever the transport: refuse it while shutting down,
//! build its [`Context`], decode the request's fields into the hook's arguments, run the
//! plugin's method through [`Call`] and encode the outcome. The gRPC service calls this, and so
//! can a net/rpc server that decodes gob into the same prost requests.

use std::fmt;
use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

use futures_util::{Stream, StreamExt};
use mm_proto::protocol::Protocol;
use mm_proto::rpc::RpcMessage;
use mm_proto::v1 as wire;
use mm_types::{PluginContext, RequestContext};
use tokio_util::task::TaskTracker;

use crate::call::Call;
use crate::context::{Cancellation, Context, panic_message};
use crate::failure::{HookFailure, HookFailureKind};
use crate::hook::Hook;
use crate::http::{HttpRequestStream, HttpResponsePart};
use crate::plugin::Plugin;
use crate::respond::IntoHookResponse;
use crate::table::hook_table;
use crate::table::names::*;

/// State shared by the transports, the runtime and shutdown.
pub(crate) struct Shared<P> {
    pub(crate) plugin: P,
    pub(crate) client: mm_client::Client,
    pub(crate) plugin_id: Option<Arc<str>>,
    /// The plugin's `plugin.json`, as embedded when it compiled.
    pub(crate) manifest: Option<Arc<mm_types::Manifest>>,
    /// Counts calls in progress; closed when shutdown starts, so new calls are refused.
    pub(crate) in_flight: TaskTracker,
    /// The parent of every call's cancellation; cancelled when the plugin stops for good.
    pub(crate) root: Cancellation,
    pub(crate) activated: AtomicBool,
    pub(crate) deactivated: AtomicBool,
}

impl<P: Plugin> Shared<P> {
    pub(crate) fn new(plugin: P, client: mm_client::Client, plugin_id: Option<Arc<str>>) -> Self {
        let manifest = crate::manifest::embedded(&plugin);
        Shared {
            plugin,
            client,
            plugin_id,
            manifest,
            in_flight: TaskTracker::new(),
            root: Cancellation::new(),
            activated: AtomicBool::new(false),
            deactivated: AtomicBool::new(false),
        }
    }

    /// A context for a hook the runtime calls by itself (shutdown's `on_deactivate`).
    pub(crate) fn context(&self, hook: Hook) -> Context {
        let mut cx = Context::new(hook, self.client.clone()).with_cancellation(self.root.child());
        if let Some(id) = &self.plugin_id {
            cx = cx.with_plugin_id(id.clone());
        }
        if let Some(manifest) = &self.manifest {
            cx = cx.with_manifest(manifest.clone());
        }
        cx
    }

    /// Whether the plugin listed `hook` in `Implemented` (so the server may call it).
    pub(crate) fn implements(&self, hook: Hook) -> bool {
        self.plugin.__implemented_hooks().contains(&hook)
    }
}

/// The typed request message of one unary hook, tied to its [`Hook`] and response message.
///
/// The hook table implements it for the `<Hook>Request` message of every hook but the HTTP
/// ones (`ServeHTTP`, `ServeMetrics`), which stream. Hosts use it to call hooks generically;
/// [`Dispatcher::call`] runs one in the plugin.
#[doc(hidden)]
pub trait HookRequest: mm_proto::prost::Message + Default + Send + Sync + 'static {
    /// The hook's response message.
    type Response: mm_proto::prost::Message + Default + Send + Sync + 'static;

    /// The hook this request calls.
    const HOOK: Hook;

    /// Runs the hook in the plugin; use [`Dispatcher::call`].
    #[doc(hidden)]
    fn __dispatch<P: Plugin>(
        self,
        dispatcher: &Dispatcher<P>,
        options: CallOptions,
    ) -> impl Future<Output = Result<Self::Response, HookFailure>> + Send;
}

/// What a transport knows about a call besides its request message: when the server stops
/// waiting, and a signal that it gave up.
#[doc(hidden)]
#[derive(Debug, Clone, Default)]
pub struct CallOptions {
    deadline: Option<Instant>,
    cancellation: Option<Cancellation>,
    panic_fails_call: bool,
}

impl CallOptions {
    /// No deadline, never cancelled.
    pub fn new() -> Self {
        CallOptions::default()
    }

    /// The call fails with [`HookFailureKind::DeadlineExceeded`] at `deadline`, and the hook sees
    /// it in [`Context::deadline`].
    pub fn deadline(mut self, deadline: Instant) -> Self {
        self.deadline = Some(deadline);
        self
    }

    /// When `cancellation` fires, the hook is dropped and the call fails with
    /// [`HookFailureKind::Cancelled`] (gRPC needs none: tonic drops the handler instead).
    pub fn cancellation(mut self, cancellation: Cancellation) -> Self {
        self.cancellation = Some(cancellation);
        self
    }

    /// A hook that panics fails the whole call ([`HookFailureKind::Panicked`]) even when its
    /// response could carry an `AppError`: the stock servers' protocol, where the server then
    /// takes the hook's default result, as for a Go plugin whose hook failed.
    pub fn panic_fails_call(mut self) -> Self {
        self.panic_fails_call = true;
        self
    }
}

/// A stream of ServeHTTP (or ServeMetrics) response parts, as [`Dispatcher::serve_http`] gives
/// it: the call stays in progress until the stream ends or is dropped, and a panic while
/// producing it ends only this call.
#[doc(hidden)]
pub type HttpResponseParts = Pin<Box<dyn Stream<Item = Result<HttpResponsePart, HookFailure>> + Send>>;

/// Runs hook calls in a served plugin, for any transport.
///
/// The gRPC `PluginHooks` service is a thin layer over it; a net/rpc server decodes gob into
/// the same prost requests and calls [`call`](Dispatcher::call). Calls through any clone count
/// for shutdown's drain and are refused once shutdown starts. Get one with
/// `RuntimeBuilder::into_dispatcher`.
#[doc(hidden)]
pub struct Dispatcher<P> {
    shared: Arc<Shared<P>>,
}

impl<P> Clone for Dispatcher<P> {
    fn clone(&self) -> Self {
        Dispatcher { shared: self.shared.clone() }
    }
}

impl<P> fmt::Debug for Dispatcher<P> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Dispatcher")
    }
}

impl<P: Plugin> Dispatcher<P> {
    pub(crate) fn new(shared: Arc<Shared<P>>) -> Self {
        Dispatcher { shared }
    }

    /// Runs the hook of `request`: the response the server should get, or why the whole call
    /// failed. The request's `context` and `plugin_context` fields become the hook's
    /// [`Context`]; `OnActivate` runs `on_configuration_change` first, as for Go plugins.
    pub async fn call<R: HookRequest>(
        &self,
        request: R,
        options: CallOptions,
    ) -> Result<R::Response, HookFailure> {
        request.__dispatch(self, options).await
    }

    /// Runs `ServeHTTP` or `ServeMetrics` (`hook`) on a streamed request: the response parts, or
    /// why the call failed before the first one.
    pub async fn serve_http(
        &self,
        hook: Hook,
        plugin_context: Option<wire::PluginContext>,
        request: HttpRequestStream,
        options: CallOptions,
    ) -> Result<HttpResponseParts, HookFailure> {
        if !matches!(hook, Hook::ServeHttp | Hook::ServeMetrics) {
            return Err(invalid_argument(
                hook,
                format!("{hook} is not an HTTP hook (ServeHTTP, ServeMetrics)"),
            ));
        }
        let call = self.begin(hook, None, plugin_context, &options)?;
        let plugin = &self.shared.plugin;
        let response = if hook == Hook::ServeHttp {
            settle(&call, &options, plugin.serve_http(&call.cx, request)).await?
        } else {
            settle(&call, &options, plugin.serve_metrics(&call.cx, request)).await?
        };
        let response = response.map_err(|e| HookFailure::new(hook, HookFailureKind::Failed(e)))?;
        // The body streams after this returns: the call (deadline aside) stays in flight until the
        // response ends, and a panic while producing it ends only this call.
        let parts = AssertUnwindSafe(response).catch_unwind().map(move |item| {
            let _in_flight = &call;
            match item {
                Ok(Ok(part)) => Ok(part),
                Ok(Err(e)) => Err(HookFailure::new(hook, HookFailureKind::Failed(e))),
                Err(payload) => {
                    let message = panic_message(&*payload);
                    tracing::error!(hook = hook.rpc_name(), panic = %message, "response stream panicked");
                    Err(HookFailure::new(hook, HookFailureKind::Panicked(message)))
                }
            }
        });
        Ok(Box::pin(parts))
    }

    /// The hooks to list in `Implemented` for a server speaking `protocol`: the ones the plugin
    /// wrote that such a server calls.
    pub fn implemented(&self, protocol: Protocol) -> impl Iterator<Item = Hook> + '_ {
        self.shared.plugin.__implemented_hooks().iter().copied().filter(move |h| h.is_on(protocol))
    }

    /// Whether the plugin wrote `hook` (so it lists it in `Implemented`).
    pub(crate) fn implements(&self, hook: Hook) -> bool {
        self.shared.implements(hook)
    }

    /// Starts a call: refuses it when the plugin is shutting down, otherwise builds its context
    /// from the request's contexts and the options.
    fn begin(
        &self,
        hook: Hook,
        request_context: Option<wire::RequestContext>,
        plugin_context: Option<wire::PluginContext>,
        options: &CallOptions,
    ) -> Result<Call, HookFailure> {
        let shared = &self.shared;
        let Some(token) = (!shared.in_flight.is_closed()).then(|| shared.in_flight.token()) else {
            return Err(HookFailure::new(hook, HookFailureKind::ShuttingDown));
        };
        let invalid = |message| invalid_argument(hook, message);
        let request_context: RequestContext =
            arg::decode(request_context.unwrap_or_default(), "context").map_err(invalid)?;
        let plugin_context: Option<PluginContext> =
            arg::decode(plugin_context, "plugin_context").map_err(invalid)?;
        let mut cx = shared.context(hook).with_request_context(request_context);
        if let Some(pc) = plugin_context {
            cx = cx.with_plugin_context(pc);
        }
        if let Some(deadline) = options.deadline {
            cx = cx.with_deadline(deadline);
        }
        tracing::trace!(hook = hook.rpc_name(), "hook call");
        Ok(Call::new(cx, token))
    }

    fn plugin(&self) -> &P {
        &self.shared.plugin
    }
}

/// Runs a hook's future in `call` and turns what it gave into the response `R`; the call fails
/// when the caller's cancellation fires first.
async fn settle<O: IntoHookResponse<R>, R>(
    call: &Call,
    options: &CallOptions,
    hook: impl Future<Output = O>,
) -> Result<R, HookFailure> {
    let name = call.cx.hook();
    let outcome = match &options.cancellation {
        Some(cancellation) => tokio::select! {
            outcome = call.run(hook) => outcome,
            () = cancellation.cancelled() => return Err(HookFailure::new(name, HookFailureKind::Cancelled)),
        },
        None => call.run(hook).await,
    };
    match outcome {
        Ok(outcome) => outcome.into_response(name),
        Err(crate::call::Interrupted::Panicked(message)) if options.panic_fails_call => {
            Err(HookFailure::new(name, HookFailureKind::Panicked(message)))
        }
        Err(crate::call::Interrupted::Panicked(message)) => O::panicked(name, message),
        Err(interrupted) => Err(interrupted.into_failure(name)),
    }
}

/// The HTTP hooks' outcome passes through as is: [`Dispatcher::serve_http`] maps it to parts.
impl<T> IntoHookResponse<Result<T, HookError>> for Result<T, HookError> {
    fn into_response(self, _hook: Hook) -> Result<Result<T, HookError>, HookFailure> {
        Ok(self)
    }
}

fn invalid_argument(hook: Hook, message: String) -> HookFailure {
    HookFailure::new(hook, HookFailureKind::InvalidArgument(message))
}

/// Decoding request fields into hook arguments; a value that does not convert is the server's
/// mistake, reported naming the field.
mod arg {
    use mm_types::convert::FromWire;

    /// Any field, converted.
    pub(super) fn decode<D: FromWire<W>, W>(wire: W, field: &str) -> Result<D, String> {
        D::from_wire(wire).map_err(|e| format!("{field}: {e}"))
    }

    /// A sub-message the hook needs: missing is `"<field> is required"`.
    pub(super) fn required<D: FromWire<W>, W>(wire: Option<W>, field: &str) -> Result<D, String> {
        decode(wire.ok_or_else(|| format!("{field} is required"))?, field)
    }

    /// A sub-message that reads as empty when missing.
    pub(super) fn or_default<D: FromWire<W>, W: Default>(wire: Option<W>, field: &str) -> Result<D, String> {
        decode(wire.unwrap_or_default(), field)
    }
}

/// `OnActivate`: `on_configuration_change` first, as the server does for Go plugins (over gRPC
/// it calls only `OnActivate`); a success marks the plugin active.
async fn activate<P: Plugin>(dispatcher: &Dispatcher<P>, cx: &Context) -> Result<(), HookError> {
    let (shared, plugin) = (&dispatcher.shared, dispatcher.plugin());
    let config_cx = cx.clone().with_hook(Hook::OnConfigurationChange);
    plugin
        .on_configuration_change(&config_cx)
        .await
        .map_err(|e| HookError::app(e.into_app_error(&Hook::OnConfigurationChange.error_id())))?;
    plugin.on_activate(cx).await?;
    shared.activated.store(true, Ordering::SeqCst);
    shared.deactivated.store(false, Ordering::SeqCst);
    Ok(())
}

/// `OnDeactivate`, marked first: shutdown must not run it a second time, even if it fails.
async fn deactivate<P: Plugin>(dispatcher: &Dispatcher<P>, cx: &Context) -> Result<(), HookError> {
    dispatcher.shared.deactivated.store(true, Ordering::SeqCst);
    dispatcher.plugin().on_deactivate(cx).await
}

/// Writes [`HookRequest`] for the request of every unary hook.
macro_rules! define_requests {
    ($({ $variant:ident, $rpc:literal, $on:ident, $method:ident, $args:tt, $out:tt, $default:tt, $docs:tt, $kind:tt })*) => {
        $(hook_request! { $variant $method $args $out $kind })*
    };
}

macro_rules! hook_request {
    ($variant:ident $method:ident $args:tt $out:tt (stream;)) => {};
    (
        $variant:ident $method:ident ($($arg:ident: $ty:ty = $mode:ident($field:ident)),* $(,)?) $out:tt
        (unary $req:ident($($pc:ident)?) -> $resp:ident as $shape:ident $(($($shape_args:tt)*))? $(, via $via:ident)?;)
    ) => {
        impl HookRequest for wire::$req {
            type Response = wire::$resp;
            const HOOK: Hook = Hook::$variant;

            fn __dispatch<P: Plugin>(
                self,
                dispatcher: &Dispatcher<P>,
                options: CallOptions,
            ) -> impl Future<Output = Result<wire::$resp, HookFailure>> + Send {
                async move {
                    let request = self;
                    let plugin_context = plugin_context!(request $($pc)?);
                    let call = dispatcher.begin(Hook::$variant, request.context, plugin_context, &options)?;
                    $(
                        let $arg: $ty = arg::$mode(request.$field, stringify!($field))
                            .map_err(|message| invalid_argument(Hook::$variant, message))?;
                    )*
                    let hook = invoke!(dispatcher, &call.cx, $method($($arg),*) $(via $via)?);
                    settle::<$out, wire::$resp>(&call, &options, hook).await
                }
            }
        }
    };
}

/// The request's `plugin_context` field, for requests that have one.
macro_rules! plugin_context {
    ($request:ident plugin_context) => {
        $request.plugin_context
    };
    ($request:ident) => {
        None
    };
}

/// The plugin's method, or the runtime function the table names with `via`.
macro_rules! invoke {
    ($dispatcher:ident, $cx:expr, $method:ident($($arg:ident),*)) => {
        $dispatcher.plugin().$method($cx $(, $arg)*)
    };
    ($dispatcher:ident, $cx:expr, $method:ident($($arg:ident),*) via $via:ident) => {
        $via($dispatcher, $cx $(, $arg)*)
    };
}

hook_table!(define_requests);

/// Writes [`Dispatcher::call_message`]: a unary hook call on a type-erased request, for
/// transports that decode requests by hook name (net/rpc).
macro_rules! define_erased_dispatch {
    ($({ $variant:ident, $rpc:literal, $on:ident, $method:ident, $args:tt, $out:tt, $default:tt, $docs:tt, $kind:tt })*) => {
        impl<P: Plugin> Dispatcher<P> {
            /// Runs `hook` on `request`, which must be the hook's request message; the response
            /// message, type-erased. The HTTP hooks stream and are refused here.
            #[doc(hidden)]
            pub fn call_message(
                &self,
                hook: Hook,
                request: Arc<dyn RpcMessage>,
                options: CallOptions,
            ) -> Pin<Box<dyn Future<Output = Result<Arc<dyn RpcMessage>, HookFailure>> + Send + 'static>> {
                match hook {
                    $(Hook::$variant => erased_arm!(self, request, options, $variant, $kind),)*
                }
            }
        }
    };
}

macro_rules! erased_arm {
    ($dispatcher:ident, $request:ident, $options:ident, $variant:ident, (stream;)) => {{
        let _ = ($request, $options);
        Box::pin(std::future::ready(Err(invalid_argument(
            Hook::$variant,
            format!("{} streams; it has no unary request", Hook::$variant),
        ))))
    }};
    ($dispatcher:ident, $request:ident, $options:ident, $variant:ident, (unary $req:ident $($rest:tt)*)) => {{
        let dispatcher = $dispatcher.clone();
        Box::pin(async move {
            let request = mm_proto::rpc::take_message::<wire::$req>($request).ok_or_else(|| {
                invalid_argument(Hook::$variant, format!("{} takes a {}", Hook::$variant, stringify!($req)))
            })?;
            let response = dispatcher.call(request, $options).await?;
            Ok(Arc::new(response) as Arc<dyn RpcMessage>)
        })
    }};
}

hook_table!(define_erased_dispatch);
