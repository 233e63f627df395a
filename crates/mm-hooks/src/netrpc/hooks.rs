//! The `Plugin` object a stock server calls: `Plugin.Implemented`, `Plugin.<Hook>`.

use mm_gob::{Encode, TypeRef, ValueWriter};
use mm_netrpc::broker::Broker;
use mm_netrpc::rpc::{Args, Call, Refusal, Reply, Service};
use mm_proto::netrpc::special::{
    ErrorReturns, FileWillBeUploadedArgs, FileWillBeUploadedReturns, OnActivateArgs, ServeHttpArgs,
};
use mm_proto::netrpc::{ErasedMessage, PropsMemory};
use mm_proto::protocol::Protocol;
use mm_proto::v1 as wire;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::dispatch::{CallOptions, Dispatcher};
use crate::hook::Hook;
use crate::plugin::Plugin;

/// The hooks object of one dispensed connection.
pub(super) struct HookServer<P> {
    dispatcher: Dispatcher<P>,
    api: mm_client::NetRpcApi,
    broker: Broker,
}

impl<P: Plugin> HookServer<P> {
    pub(super) fn new(dispatcher: Dispatcher<P>, api: mm_client::NetRpcApi, broker: Broker) -> Self {
        HookServer { dispatcher, api, broker }
    }
}

impl<P: Plugin> Service for HookServer<P> {
    fn call(&self, method: &str, args: &mut Args<'_>) -> Result<Call, Refusal> {
        match method {
            "Implemented" => {
                let () = args.decode()?;
                let names: Vec<String> =
                    self.dispatcher.implemented(Protocol::NetRpc).map(|h| h.rpc_name().to_string()).collect();
                Ok(Call::new(async move { Ok::<_, String>(names) }))
            }
            "OnActivate" => {
                let ids: OnActivateArgs = args.decode()?;
                Ok(Call::new(activate(self.dispatcher.clone(), self.api.clone(), self.broker.clone(), ids)))
            }
            "ServeHTTP" | "ServeMetrics" => {
                let hook = if method == "ServeHTTP" { Hook::ServeHttp } else { Hook::ServeMetrics };
                let call: ServeHttpArgs = args.decode()?;
                let (dispatcher, broker) = (self.dispatcher.clone(), self.broker.clone());
                Ok(Call::new(async move { super::http::serve(dispatcher, broker, hook, call).await }))
            }
            "FileWillBeUploaded" => {
                let call: FileWillBeUploadedArgs = args.decode()?;
                Ok(Call::new(file_will_be_uploaded(self.dispatcher.clone(), self.broker.clone(), call)))
            }
            name => {
                let Some(hook) = Hook::from_rpc_name(name) else { return Err(Refusal::unknown_method()) };
                let Some(codec) = mm_proto::netrpc::hook(name).and_then(|m| m.codec) else {
                    return Err(Refusal::unknown_method());
                };
                // Go types of dynamic values (`Props`) come back as they came (see PropsMemory).
                let (request, memory) =
                    mm_proto::netrpc::remember_props(|| args.decode_with(codec.decode_request));
                let request = request?;
                if hook != Hook::OnDeactivate && !self.dispatcher.implements(hook) {
                    // What Go's plugin side answers for a hook the plugin does not have.
                    let text = format!("Hook {name} called but not implemented.");
                    return Ok(Call::new(async move { Err::<(), _>(text) }));
                }
                let dispatcher = self.dispatcher.clone();
                Ok(Call::from_reply(async move {
                    let response = dispatcher
                        .call_message(hook, request, CallOptions::new().panic_fails_call())
                        .await
                        .map_err(|f| f.to_string())?;
                    let message = ErasedMessage::new(response, codec.response).ok_or_else(|| {
                        format!("the hook {} answered another message type", hook.rpc_name())
                    })?;
                    Ok(Reply::new(ErasedReply { message, memory, plain_error_id: hook.error_id() }))
                }))
            }
        }
    }
}

/// A typed response message, encoded through the method table's view of it, with the Go types
/// the call's arguments came with.
struct ErasedReply {
    message: ErasedMessage,
    memory: PropsMemory,
    /// The id a failure that is not an `AppError` gets: it crosses as Go's plain error
    /// (`*plugin.ErrorString`), as a Go plugin's `errors.New` does.
    plain_error_id: String,
}

impl Encode for ErasedReply {
    fn go_type(&self) -> TypeRef {
        self.message.go_type()
    }

    fn is_zero(&self) -> bool {
        false
    }

    fn encode(&self, w: &mut ValueWriter<'_>) -> mm_gob::Result<()> {
        mm_proto::netrpc::plain_errors_as(&self.plain_error_id, || {
            self.memory.apply(|| self.message.encode(w))
        })
    }
}

/// `OnActivate`: dial the server's API and DB driver ids (within its 5 s accept window), make
/// the API client use the first, then run `on_configuration_change` and `on_activate`.
async fn activate<P: Plugin>(
    dispatcher: Dispatcher<P>,
    api: mm_client::NetRpcApi,
    broker: Broker,
    ids: OnActivateArgs,
) -> Result<ErrorReturns, String> {
    let api_stream =
        broker.dial(ids.api_mux_id).await.map_err(|e| format!("dialing the server's API: {e}"))?;
    api.connect(mm_netrpc::rpc::Client::new(api_stream), broker.clone());
    // The DB driver connection: dialed (the server waits for it) and kept open; the SDK does
    // not offer the driver, so nothing is sent on it.
    if ids.driver_mux_id != 0 {
        match broker.dial(ids.driver_mux_id).await {
            // Held until the session ends (the server never writes on it unasked).
            Ok(mut stream) => {
                tokio::spawn(async move {
                    let mut byte = [0u8; 1];
                    let _ = stream.read(&mut byte).await;
                });
            }
            Err(e) => tracing::warn!("dialing the server's DB driver connection failed: {e}"),
        }
    }
    let response = dispatcher
        .call(wire::OnActivateRequest::default(), CallOptions::new().panic_fails_call())
        .await
        .map_err(|failure| failure.to_string())?;
    // A failure that is not an AppError crosses as Go's plain error, as for every other hook.
    let plain = Hook::OnActivate.error_id();
    let error = response.error.map(|mut e| {
        if e.id == plain {
            e.id = mm_proto::protocol::PLAIN_ERROR_ID.to_owned();
        }
        e
    });
    Ok(ErrorReturns { a: error })
}

/// `FileWillBeUploaded`: read the upload from the server's reader, run the hook, write a
/// replacement (if any) to the server's replacement stream, answer the file's metadata.
async fn file_will_be_uploaded<P: Plugin>(
    dispatcher: Dispatcher<P>,
    broker: Broker,
    args: FileWillBeUploadedArgs,
) -> Result<FileWillBeUploadedReturns, String> {
    let upload =
        broker.dial(args.uploaded_file_stream).await.map_err(|e| format!("dialing the upload: {e}"))?;
    let mut content = Vec::new();
    mm_netrpc::stream_io::RemoteReader::new(upload)
        .read_to_end(&mut content)
        .await
        .map_err(|e| format!("reading the upload: {e}"))?;
    // Go's plugin side always dials the replacement stream; the server copies what arrives.
    let mut replacement = broker
        .dial(args.replacement_file_stream)
        .await
        .map_err(|e| format!("dialing the replacement stream: {e}"))?;
    let request = wire::FileWillBeUploadedRequest {
        context: None,
        plugin_context: args.a,
        file_info: args.b,
        file_content: content.into(),
    };
    let response =
        dispatcher.call(request, CallOptions::new().panic_fails_call()).await.map_err(|f| f.to_string())?;
    if !response.modified_content.is_empty() {
        replacement
            .write_all(&response.modified_content)
            .await
            .map_err(|e| format!("writing the replacement: {e}"))?;
    }
    replacement.shutdown().await.map_err(|e| format!("closing the replacement stream: {e}"))?;
    Ok(FileWillBeUploadedReturns { a: response.modified_file_info, b: response.rejection_reason })
}
