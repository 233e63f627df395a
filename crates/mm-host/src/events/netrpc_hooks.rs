//! A plugin's hooks over go-plugin net/rpc, as a stock server calls them: `Plugin.<Hook>` on
//! the stream the plugin dispensed as `"hooks"`, with the gob codecs `mm_proto::netrpc`
//! generates from the same declarations as the gRPC messages.

use std::any::Any;
use std::fmt;
use std::future::Future;
use std::io::Cursor;
use std::sync::Arc;
use std::time::Duration;

use mm_hooks::{Hook, HookRequest};
use mm_netrpc::broker::Broker;
use mm_netrpc::rpc::{CallError, Client as RpcClient};
use mm_proto::netrpc::ErasedMessage;
use mm_proto::netrpc::special::{FileWillBeUploadedArgs, FileWillBeUploadedReturns};
use mm_proto::rpc::RpcMessage;
use mm_proto::v1 as wire;
use tokio::io::AsyncReadExt;

use super::hook_caller::{HookCallError, HookCallErrorKind, HookTransport};

/// The net/rpc transport: the plugin's `Plugin` object on its dispensed stream, and the host's
/// broker of the session (for the byte streams some hooks and ServeHTTP use).
#[derive(Clone)]
pub struct NetRpcHooks {
    rpc: RpcClient,
    broker: Broker,
}

impl fmt::Debug for NetRpcHooks {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("NetRpcHooks").field("closed", &self.rpc.is_closed()).finish()
    }
}

impl NetRpcHooks {
    /// The hooks behind `rpc` (a client on the stream `Dispenser.Dispense("hooks")` gave), with
    /// the host's `broker` of the same session.
    pub fn new(rpc: RpcClient, broker: Broker) -> Self {
        NetRpcHooks { rpc, broker }
    }

    /// The net/rpc client of the plugin's `Plugin` object.
    pub fn rpc(&self) -> &RpcClient {
        &self.rpc
    }

    /// The host's broker of the plugin's session.
    pub fn broker(&self) -> &Broker {
        &self.broker
    }

    async fn send<R: HookRequest>(self, request: R) -> Result<R::Response, HookCallError> {
        let hook = R::HOOK;
        let method = mm_proto::netrpc::hook(hook.rpc_name()).ok_or_else(|| not_on_net_rpc(hook))?;
        let Some(codec) = method.codec else {
            let request: Box<dyn Any + Send> = Box::new(request);
            return match request.downcast::<wire::FileWillBeUploadedRequest>() {
                Ok(upload) => typed::<R>(self.file_will_be_uploaded(*upload).await?),
                Err(_) => Err(HookCallError::new(
                    HookCallErrorKind::Failed,
                    format!(
                        "{hook} has its own call on net/rpc (ServeHTTP goes through plugin_http; OnActivate through the supervisor)"
                    ),
                )),
            };
        };
        let prefilled = prefilled_reply(&request);
        let args = ErasedMessage::of(request, codec.request).ok_or_else(|| {
            HookCallError::new(
                HookCallErrorKind::Failed,
                format!("no Go arguments for the request of {hook}"),
            )
        })?;
        let service_method = method.service_method();
        if let Some(prefilled) = prefilled {
            let reply = match prefilled {
                Prefilled::Post(reply) => self.merged(&service_method, &args, *reply).await,
                Prefilled::ChannelMember(reply) => self.merged(&service_method, &args, reply).await,
                Prefilled::TeamMember(reply) => self.merged(&service_method, &args, reply).await,
            };
            let reply = reply.map_err(|e| call_error(hook, e))?;
            return reply.downcast::<R::Response>().map(|typed| *typed).map_err(|_| {
                HookCallError::new(HookCallErrorKind::Failed, format!("{hook} answered another message type"))
            });
        }
        let response = self
            .rpc
            .call_with(&service_method, &args, codec.decode_response)
            .await
            .map_err(|e| call_error(hook, e))?;
        let response: Arc<dyn Any + Send + Sync> = RpcMessage::into_any(response);
        typed_arc::<R>(response)
    }

    /// A call whose reply is decoded into `reply` (Go's merge).
    async fn merged<T: mm_gob::Decode + Send + 'static>(
        &self,
        service_method: &str,
        args: &ErasedMessage,
        reply: T,
    ) -> Result<Box<dyn Any + Send>, CallError> {
        self.rpc
            .call_into(service_method, args, reply)
            .await
            .map(|reply| Box::new(reply) as Box<dyn Any + Send>)
    }

    /// `FileWillBeUploaded`: the upload served as a remote reader, the replacement read from a
    /// stream the plugin writes raw, as the server does.
    async fn file_will_be_uploaded(
        &self,
        request: wire::FileWillBeUploadedRequest,
    ) -> Result<wire::FileWillBeUploadedResponse, HookCallError> {
        let upload_id = self.broker.serve_reader(Cursor::new(request.file_content.clone()));
        let replacement_id = self.broker.next_id();
        let broker = self.broker.clone();
        let replacement = tokio::spawn(async move {
            let mut stream = broker.accept(replacement_id).await.map_err(|e| e.to_string())?;
            let mut data = Vec::new();
            stream.read_to_end(&mut data).await.map_err(|e| e.to_string())?;
            Ok::<_, String>(data)
        });
        let args = FileWillBeUploadedArgs {
            a: request.plugin_context,
            b: request.file_info.clone(),
            uploaded_file_stream: upload_id,
            replacement_file_stream: replacement_id,
        };
        let reply: FileWillBeUploadedReturns = match self.rpc.call("Plugin.FileWillBeUploaded", &args).await {
            Ok(reply) => reply,
            Err(e) => {
                replacement.abort();
                return Err(call_error(Hook::FileWillBeUploaded, e));
            }
        };
        let content = match replacement.await {
            Ok(Ok(content)) => content,
            Ok(Err(e)) => {
                return Err(HookCallError::new(
                    HookCallErrorKind::Failed,
                    format!("reading the replacement: {e}"),
                ));
            }
            Err(e) => {
                return Err(HookCallError::new(
                    HookCallErrorKind::Failed,
                    format!("reading the replacement: {e}"),
                ));
            }
        };
        // The server pre-fills the reply with the uploaded file's info: nil keeps it.
        Ok(wire::FileWillBeUploadedResponse {
            modified_file_info: reply.a.or(request.file_info),
            modified_content: content.into(),
            rejection_reason: reply.b,
        })
    }
}

impl HookTransport for NetRpcHooks {
    fn call<R: HookRequest>(
        &self,
        request: R,
        _timeout: Duration,
    ) -> impl Future<Output = Result<R::Response, HookCallError>> + Send {
        // net/rpc carries no deadline; the caller stops waiting at the timeout.
        self.clone().send(request)
    }
}

/// The replies a stock server pre-fills with the hook's input before decoding the plugin's
/// answer into them (`hooksRPCClient` of server/public): fields the plugin's reply leaves out,
/// zero values included, keep the input's, so a plugin cannot clear a field or drop a prop.
enum Prefilled {
    Post(Box<wire::MessageWillBePostedResponse>),
    ChannelMember(wire::ChannelMemberWillBeAddedResponse),
    TeamMember(wire::TeamMemberWillBeAddedResponse),
}

fn prefilled_reply(request: &dyn Any) -> Option<Prefilled> {
    if let Some(request) = request.downcast_ref::<wire::MessageWillBePostedRequest>() {
        let reply =
            wire::MessageWillBePostedResponse { modified_post: request.post.clone(), ..Default::default() };
        return Some(Prefilled::Post(Box::new(reply)));
    }
    if let Some(request) = request.downcast_ref::<wire::ChannelMemberWillBeAddedRequest>() {
        let reply = wire::ChannelMemberWillBeAddedResponse {
            modified_member: request.member.clone(),
            ..Default::default()
        };
        return Some(Prefilled::ChannelMember(reply));
    }
    if let Some(request) = request.downcast_ref::<wire::TeamMemberWillBeAddedRequest>() {
        let reply = wire::TeamMemberWillBeAddedResponse {
            modified_member: request.member.clone(),
            ..Default::default()
        };
        return Some(Prefilled::TeamMember(reply));
    }
    None
}

fn typed<R: HookRequest>(response: impl Any + Send + Sync) -> Result<R::Response, HookCallError> {
    typed_arc::<R>(Arc::new(response))
}

fn typed_arc<R: HookRequest>(response: Arc<dyn Any + Send + Sync>) -> Result<R::Response, HookCallError> {
    let wrong = || {
        HookCallError::new(HookCallErrorKind::Failed, format!("{} answered another message type", R::HOOK))
    };
    let typed = response.downcast::<R::Response>().map_err(|_| wrong())?;
    Arc::try_unwrap(typed).map_err(|_| wrong())
}

fn not_on_net_rpc(hook: Hook) -> HookCallError {
    HookCallError::new(
        HookCallErrorKind::Failed,
        format!("{hook} is not a hook of the stock servers' net/rpc protocol"),
    )
}

/// A net/rpc failure as a hook call error.
pub(crate) fn call_error(hook: Hook, error: CallError) -> HookCallError {
    match error {
        CallError::Server(text) => HookCallError::new(HookCallErrorKind::Failed, text),
        CallError::Closed(reason) => HookCallError::new(
            HookCallErrorKind::Unavailable,
            format!("the plugin's connection is closed: {reason}"),
        ),
        other => {
            HookCallError::new(HookCallErrorKind::Failed, format!("{hook} over net/rpc failed: {other}"))
        }
    }
}
