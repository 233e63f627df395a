//! Calls a plugin's hooks the way the server does: only the hooks it listed in `Implemented`
//! (the default answer otherwise, without an RPC), with a 30 s deadline, failing open for the
//! "will be" hooks when the call fails. The calls are typed by their request message
//! (`mm_hooks::HookRequest`, from the hook table) and go over a [`HookTransport`]: gRPC
//! ([`GrpcHooks`]) or a stock server's net/rpc ([`NetRpcHooks`]), whichever the plugin runs on
//! ([`HookLink`]).

use std::collections::BTreeSet;
use std::fmt;
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use mm_hooks::{Hook, HookRequest};
use mm_proto::v1 as wire;
use mm_proto::v1::plugin_hooks_client::PluginHooksClient;
use mm_types::AppError;
use mm_types::convert::FromWire;

pub use super::netrpc_hooks::NetRpcHooks;
use crate::plugin_http::PluginHttp;
use tonic::codegen::http::uri::PathAndQuery;
use tonic::transport::Channel;

/// Each hook call's deadline, as on the server.
pub const HOOK_TIMEOUT: Duration = Duration::from_secs(30);

/// How the host reaches a plugin's hooks: one unary hook call at a time, typed by its request
/// message. ServeHTTP streams and goes its own way ([`GrpcHooks::client`]).
pub trait HookTransport: Clone + fmt::Debug + Send + Sync + 'static {
    /// Sends `request` to the plugin's hook and waits for the answer, asking the plugin to give
    /// up after `timeout` (the caller also stops waiting then).
    fn call<R: HookRequest>(
        &self,
        request: R,
        timeout: Duration,
    ) -> impl Future<Output = Result<R::Response, HookCallError>> + Send;
}

/// Why a hook call brought no answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HookCallError {
    kind: HookCallErrorKind,
    message: String,
}

/// What kind of failure a [`HookCallError`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum HookCallErrorKind {
    /// The plugin did not answer within the deadline.
    DeadlineExceeded,
    /// The plugin could not be reached (connection lost, plugin shutting down).
    Unavailable,
    /// The plugin answered with an error.
    Failed,
}

impl HookCallError {
    /// An error of this kind with this message.
    pub fn new(kind: HookCallErrorKind, message: impl Into<String>) -> Self {
        HookCallError { kind, message: message.into() }
    }

    /// What kind of failure this is.
    pub fn kind(&self) -> HookCallErrorKind {
        self.kind
    }

    /// The failure's text, as the plugin or the transport gave it.
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for HookCallError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for HookCallError {}

impl From<tonic::Status> for HookCallError {
    fn from(status: tonic::Status) -> Self {
        let kind = match status.code() {
            tonic::Code::DeadlineExceeded => HookCallErrorKind::DeadlineExceeded,
            tonic::Code::Unavailable | tonic::Code::Unknown => HookCallErrorKind::Unavailable,
            _ => HookCallErrorKind::Failed,
        };
        HookCallError::new(kind, status.message())
    }
}

/// The gRPC transport: the plugin's `PluginHooks` service over its connection.
#[derive(Debug, Clone)]
pub struct GrpcHooks {
    channel: Channel,
}

impl GrpcHooks {
    /// The hooks of the plugin served on `channel`.
    pub fn new(channel: Channel) -> Self {
        GrpcHooks { channel }
    }

    /// The channel to the plugin (clones share the connection).
    pub fn channel(&self) -> Channel {
        self.channel.clone()
    }

    /// A `PluginHooks` client sharing the connection (for ServeHTTP streams), with unlimited
    /// message sizes as go-plugin dials plugins.
    pub fn client(&self) -> PluginHooksClient<Channel> {
        PluginHooksClient::new(self.channel.clone())
            .max_decoding_message_size(usize::MAX)
            .max_encoding_message_size(usize::MAX)
    }
}

impl HookTransport for GrpcHooks {
    fn call<R: HookRequest>(
        &self,
        request: R,
        timeout: Duration,
    ) -> impl Future<Output = Result<R::Response, HookCallError>> + Send {
        let mut grpc = tonic::client::Grpc::new(self.channel.clone())
            .max_decoding_message_size(usize::MAX)
            .max_encoding_message_size(usize::MAX);
        async move {
            let path = format!("/{}/{}", mm_proto::PLUGIN_HOOKS_SERVICE, R::HOOK.rpc_name());
            let path = PathAndQuery::try_from(path).map_err(|e| {
                HookCallError::new(HookCallErrorKind::Failed, format!("no gRPC path for {}: {e}", R::HOOK))
            })?;
            grpc.ready().await.map_err(|e| {
                HookCallError::new(
                    HookCallErrorKind::Unavailable,
                    format!("the plugin is not reachable: {e}"),
                )
            })?;
            let mut request = tonic::Request::new(request);
            request.set_timeout(timeout);
            let codec = tonic_prost::ProstCodec::<R, R::Response>::default();
            Ok(grpc.unary(request, path, codec).await?.into_inner())
        }
    }
}

/// The hooks of a plugin over the protocol it runs on: what the host keeps per running plugin.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum HookLink {
    /// The multi-language fork's gRPC `PluginHooks`.
    Grpc(GrpcHooks),
    /// A stock server's go-plugin net/rpc.
    NetRpc(NetRpcHooks),
}

impl HookLink {
    /// The protocol the plugin runs on.
    pub fn protocol(&self) -> mm_hooks::Protocol {
        match self {
            HookLink::Grpc(_) => mm_hooks::Protocol::Grpc,
            HookLink::NetRpc(_) => mm_hooks::Protocol::NetRpc,
        }
    }
}

impl From<GrpcHooks> for HookLink {
    fn from(hooks: GrpcHooks) -> Self {
        HookLink::Grpc(hooks)
    }
}

impl From<NetRpcHooks> for HookLink {
    fn from(hooks: NetRpcHooks) -> Self {
        HookLink::NetRpc(hooks)
    }
}

impl HookTransport for HookLink {
    fn call<R: HookRequest>(
        &self,
        request: R,
        timeout: Duration,
    ) -> impl Future<Output = Result<R::Response, HookCallError>> + Send {
        let link = self.clone();
        async move {
            match link {
                HookLink::Grpc(grpc) => grpc.call(request, timeout).await,
                HookLink::NetRpc(netrpc) => netrpc.call(request, timeout).await,
            }
        }
    }
}

/// What a "will be" hook decided about a value.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Verdict<T> {
    /// Go on with this value (the original, or the plugin's replacement).
    Allow(T),
    /// Stop: the plugin rejected the value with this reason.
    Reject(String),
}

/// Calls the hooks of one running plugin.
///
/// Made from the plugin's id, a transport to its hooks and the hooks it listed in
/// `Implemented` (the supervisor's `PluginConnection` and the test kit provide all three).
/// Cheap to clone.
#[derive(Debug, Clone)]
pub struct HookCaller<T = HookLink> {
    plugin_id: Arc<str>,
    transport: T,
    implemented: Arc<BTreeSet<Hook>>,
    timeout: Duration,
}

impl<T: HookTransport> HookCaller<T> {
    /// A caller for `plugin_id`, which listed `implemented`.
    pub fn new(
        plugin_id: impl Into<String>,
        transport: T,
        implemented: impl IntoIterator<Item = Hook>,
    ) -> Self {
        HookCaller {
            plugin_id: Arc::from(plugin_id.into()),
            transport,
            implemented: Arc::new(implemented.into_iter().collect()),
            timeout: HOOK_TIMEOUT,
        }
    }

    /// Changes the deadline of each hook call (30 s by default, as on the server).
    pub fn with_timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// The plugin's id.
    pub fn plugin_id(&self) -> &str {
        &self.plugin_id
    }

    /// Whether the plugin listed `hook` in `Implemented`.
    pub fn implements(&self, hook: Hook) -> bool {
        self.implemented.contains(&hook)
    }

    /// The hooks the plugin listed.
    pub fn implemented(&self) -> &BTreeSet<Hook> {
        &self.implemented
    }

    /// The transport to the plugin's hooks.
    pub fn transport(&self) -> &T {
        &self.transport
    }

    /// Calls the hook of `request` if the plugin listed it: `None` when it did not (the server
    /// then uses its default without a call), else the answer or why there is none.
    pub async fn call<R: HookRequest>(&self, request: R) -> Option<Result<R::Response, HookCallError>> {
        if !self.implements(R::HOOK) {
            return None;
        }
        // The transport asks the plugin to stop at the deadline; the local timer makes sure the
        // host does not wait longer even if the plugin ignores it.
        let outcome =
            match tokio::time::timeout(self.timeout, self.transport.call(request, self.timeout)).await {
                Ok(result) => result,
                Err(_) => Err(HookCallError::new(
                    HookCallErrorKind::DeadlineExceeded,
                    format!("{} took longer than {:?}", R::HOOK, self.timeout),
                )),
            };
        if let Err(error) = &outcome {
            tracing::warn!(
                target: "mm_host::hooks",
                plugin = %self.plugin_id,
                hook = R::HOOK.rpc_name(),
                kind = ?error.kind(),
                "hook call failed: {}",
                error.message()
            );
        }
        Some(outcome)
    }

    /// Calls a "has been" hook: the answer does not matter (failures are logged).
    pub(crate) async fn notify<R: HookRequest>(&self, request: R) {
        self.call(request).await;
    }

    /// Calls a "will be" hook that may replace or reject `original`: the replacement `parts`
    /// finds in the answer, the rejection reason, or the original (fail open) when the hook is
    /// not listed, the call failed or the replacement cannot be read.
    pub(crate) async fn decide<R, W, D>(
        &self,
        request: R,
        original: D,
        parts: impl FnOnce(R::Response) -> (Option<W>, String),
    ) -> Verdict<D>
    where
        R: HookRequest,
        D: FromWire<W>,
    {
        let Some(Ok(answer)) = self.call(request).await else {
            return Verdict::Allow(original);
        };
        let (replacement, reason) = parts(answer);
        if !reason.is_empty() {
            return Verdict::Reject(reason);
        }
        match replacement.map(D::from_wire) {
            Some(Ok(replacement)) => Verdict::Allow(replacement),
            Some(Err(e)) => {
                tracing::warn!(
                    target: "mm_host::hooks",
                    plugin = %self.plugin_id,
                    hook = R::HOOK.rpc_name(),
                    "unreadable replacement: {e}"
                );
                Verdict::Allow(original)
            }
            None => Verdict::Allow(original),
        }
    }
}

impl HookCaller<HookLink> {
    /// Forwards HTTP requests to the plugin's ServeHTTP over its protocol, under
    /// `/plugins/<plugin id>` (answering 404 without a call when it did not list ServeHTTP).
    pub fn http(&self) -> PluginHttp {
        let http = match &self.transport {
            HookLink::Grpc(grpc) => PluginHttp::new(grpc.client(), &self.plugin_id),
            HookLink::NetRpc(netrpc) => PluginHttp::net_rpc(netrpc.clone(), &self.plugin_id),
        };
        http.with_serve_http_implemented(self.implements(Hook::ServeHttp))
    }
}

/// The server's error for a hook call that brought no answer: `plugin.grpc.<method>.error`
/// (500), saying what the plugin failed `to` do.
pub(crate) fn failed_call(hook: Hook, to: &str, error: &HookCallError) -> AppError {
    let id = format!("plugin.grpc.{}.error", hook.method_name());
    AppError::new(id, format!("The plugin failed to {to}: {}", error.message())).with_status(500)
}

/// The `AppError` a hook answered with (an unreadable one becomes `plugin.error`).
pub(crate) fn app_error(error: wire::AppError) -> AppError {
    AppError::from_wire(error).unwrap_or_else(|e| AppError::new("plugin.error", e.to_string()))
}
