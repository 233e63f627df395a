//! The `PluginHooks` gRPC service: a thin layer over the [`Dispatcher`] that reads the deadline
//! from `grpc-timeout`, answers failures as statuses, and streams ServeHTTP.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::time::Instant;

use futures_util::{Stream, StreamExt, stream};
use mm_proto::protocol::Protocol;
use mm_proto::v1 as wire;
use mm_proto::v1::plugin_hooks_server::PluginHooks;
use tonic::{Request, Response, Status, Streaming};

use crate::call::deadline_from;
use crate::dispatch::{CallOptions, Dispatcher, HookRequest};
use crate::hook::Hook;
use crate::http::HttpRequestStream;
use crate::plugin::Plugin;
use crate::table::hook_table;

/// The tonic service for `mattermost.pluginapi.v1.PluginHooks`.
pub(crate) struct HookService<P> {
    dispatcher: Dispatcher<P>,
}

impl<P> HookService<P> {
    pub(crate) fn new(dispatcher: Dispatcher<P>) -> Self {
        HookService { dispatcher }
    }
}

impl<P> fmt::Debug for HookService<P> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("HookService")
    }
}

type HookResult<T> = Result<Response<T>, Status>;

/// A server-streaming response, as tonic's generated trait expects it.
type ResponseStream<T> = Pin<Box<dyn Stream<Item = Result<T, Status>> + Send + 'static>>;

/// A tonic handler's future, as `#[async_trait]` writes it.
type Handler<'a, T> = Pin<Box<dyn Future<Output = HookResult<T>> + Send + 'a>>;

impl<P: Plugin> HookService<P> {
    /// `Implemented`: the hooks the plugin wrote that a gRPC server calls.
    fn implemented(&self) -> HookResult<wire::ImplementedResponse> {
        let hooks = self.dispatcher.implemented(Protocol::Grpc).map(|h| h.rpc_name().to_owned()).collect();
        Ok(Response::new(wire::ImplementedResponse { error: None, hooks }))
    }

    /// Any unary hook, with the deadline its `grpc-timeout` sets.
    async fn unary<R: HookRequest>(&self, request: Request<R>) -> HookResult<R::Response> {
        let mut options = CallOptions::new();
        if let Some(deadline) = deadline_from(request.metadata(), Instant::now()) {
            options = options.deadline(deadline);
        }
        let response =
            self.dispatcher.call(request.into_inner(), options).await.map_err(|f| f.into_status())?;
        Ok(Response::new(response))
    }

    /// ServeHTTP: the first message carries the request head, with the user's session.
    async fn serve_http(
        &self,
        request: Request<Streaming<wire::ServeHttpRequest>>,
    ) -> HookResult<ResponseStream<wire::ServeHttpResponse>> {
        let (metadata, _, mut messages) = request.into_parts();
        let first = messages.message().await?.ok_or_else(|| {
            Status::invalid_argument("ServeHTTP request stream ended before its first message")
        })?;
        let plugin_context = first.init.as_ref().and_then(|init| init.plugin_context.clone());
        let mut options = CallOptions::new();
        if let Some(deadline) = deadline_from(&metadata, Instant::now()) {
            options = options.deadline(deadline);
        }
        let parts = stream::once(async move { Ok::<_, Status>(first) }).chain(messages);
        let request = HttpRequestStream::from_wire(parts);
        let response = self
            .dispatcher
            .serve_http(Hook::ServeHttp, plugin_context, request, options)
            .await
            .map_err(|f| f.into_status())?;
        let stream =
            response.map(|part| part.map(wire::ServeHttpResponse::from).map_err(|f| f.into_status()));
        Ok(Response::new(Box::pin(stream)))
    }
}

/// Writes the `PluginHooks` impl: `Implemented`, then a handler per hook of the gRPC contract.
/// The methods are written as `#[async_trait]` expands them, since they come from the table.
macro_rules! define_grpc_service {
    ($({ $variant:ident, $rpc:literal, $on:ident, $method:ident, $args:tt, $out:tt, $default:tt, $docs:tt, $kind:tt })*) => {
        impl<P: Plugin> PluginHooks for HookService<P> {
            fn implemented<'a, 'b>(
                &'a self,
                _request: Request<wire::ImplementedRequest>,
            ) -> Handler<'b, wire::ImplementedResponse>
            where
                'a: 'b,
                Self: 'b,
            {
                Box::pin(async move { self.implemented() })
            }

            $(grpc_handler! { $on $method $kind })*
        }
    };
}

/// The handler of one hook; nothing for the stock-only hooks, which the contract lacks.
macro_rules! grpc_handler {
    (stock $method:ident $kind:tt) => {};
    (both $method:ident (stream;)) => {
        fn $method<'a, 'b>(
            &'a self,
            request: Request<Streaming<wire::ServeHttpRequest>>,
        ) -> Handler<'b, ResponseStream<wire::ServeHttpResponse>>
        where
            'a: 'b,
            Self: 'b,
        {
            Box::pin(self.serve_http(request))
        }
    };
    (both $method:ident (unary $req:ident($($pc:ident)?) -> $resp:ident $($rest:tt)*)) => {
        fn $method<'a, 'b>(&'a self, request: Request<wire::$req>) -> Handler<'b, wire::$resp>
        where
            'a: 'b,
            Self: 'b,
        {
            Box::pin(self.unary(request))
        }
    };
}

hook_table!(define_grpc_service);
