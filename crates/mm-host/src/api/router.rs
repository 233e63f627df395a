//! One typed router for the PluginAPI: a handler per RPC, registered by its request type.
//!
//! Handlers take the typed request and answer the typed response, or an [`ApiFailure`]; they
//! know nothing of a protocol. [`ApiRouter::call`] runs one with an already-typed request (what
//! another protocol's server calls), and [`GrpcApi`] serves them all over gRPC: it decodes by
//! path, applies the RPC's error convention from the table, and answers UNIMPLEMENTED naming
//! any RPC without a handler.

use std::collections::HashMap;
use std::convert::Infallible;
use std::future::Future;
use std::marker::PhantomData;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use bytes::Bytes;
use mm_proto::rpc::{ErrorConvention, Rpc, RpcMessage, RpcMethod, RpcResponseMessage, take_message};
use mm_proto::v1 as wire;
use mm_types::AppError;
use mm_types::convert::FromWire;
use tonic::Status;
use tonic::server::{NamedService, UnaryService};

use crate::Host;
use crate::store::AppResult;

type BoxFuture<T> = Pin<Box<dyn Future<Output = T> + Send>>;

/// Why a handler gives no response.
#[derive(Debug)]
pub(crate) enum ApiFailure {
    /// The server refused: reported the RPC's way (inside the response or as a status).
    App(AppError),
    /// The request cannot be served (a required sub-message is missing, a value does not
    /// convert): INVALID_ARGUMENT for every RPC, as the server answers.
    InvalidArgument(String),
    /// The RPC is not available: UNIMPLEMENTED with this message.
    Unimplemented(String),
}

impl From<AppError> for ApiFailure {
    fn from(error: AppError) -> Self {
        ApiFailure::App(error)
    }
}

/// What a handler returns.
pub(crate) type HandlerResult<T> = Result<T, ApiFailure>;

/// A store result as a handler's answer: the value through `reply`, the error as it is.
pub(crate) fn answer<T, U>(result: AppResult<T>, reply: impl FnOnce(T) -> U) -> HandlerResult<U> {
    result.map(reply).map_err(ApiFailure::App)
}

/// A sub-message the call cannot do without: `"<what> is required"` otherwise.
pub(crate) fn required<T>(value: Option<T>, what: &str) -> HandlerResult<T> {
    value.ok_or_else(|| ApiFailure::InvalidArgument(format!("{what} is required")))
}

/// A request field as its domain type; a value that does not convert is an invalid argument.
pub(crate) fn domain<D: FromWire<W>, W>(value: W) -> HandlerResult<D> {
    D::from_wire(value).map_err(|e| ApiFailure::InvalidArgument(e.to_string()))
}

/// The message of an RPC without a handler.
pub(crate) fn not_implemented(method: &RpcMethod) -> String {
    format!("mm-host does not implement PluginAPI/{}", method.name)
}

/// The PluginAPI as one plugin sees it: what every handler gets.
#[derive(Clone)]
pub(crate) struct Api {
    pub(crate) host: Host,
    pub(crate) plugin_id: String,
}

impl Api {
    pub(crate) fn new(host: Host, plugin_id: &str) -> Self {
        Api { host, plugin_id: plugin_id.to_string() }
    }

    /// Runs `f` on the store's state.
    pub(crate) fn with<R>(&self, f: impl FnOnce(&mut crate::store::State) -> R) -> R {
        self.host.store().with(f)
    }
}

/// One registered handler, type-erased.
trait Route: Send + Sync {
    /// Runs the handler on a request of its type.
    fn call(&self, api: Api, request: Arc<dyn RpcMessage>) -> BoxFuture<HandlerResult<Arc<dyn RpcMessage>>>;
    /// Decodes a protobuf request of its type.
    fn decode(&self, body: Bytes) -> Result<Arc<dyn RpcMessage>, mm_proto::prost::DecodeError>;
    /// Its response carrying only `error` (the in-body convention).
    fn error_response(&self, error: wire::AppError) -> Arc<dyn RpcMessage>;
}

/// A handler of `R` requests.
struct Handler<R, F> {
    handler: F,
    request: PhantomData<fn(R)>,
}

impl<R, F, Fut> Route for Handler<R, F>
where
    R: Rpc,
    F: Fn(Api, R) -> Fut + Send + Sync,
    Fut: Future<Output = HandlerResult<R::Response>> + Send + 'static,
{
    fn call(&self, api: Api, request: Arc<dyn RpcMessage>) -> BoxFuture<HandlerResult<Arc<dyn RpcMessage>>> {
        let Some(request) = take_message::<R>(request) else {
            let message = format!("{} takes a {}", R::METHOD.name, std::any::type_name::<R>());
            return Box::pin(std::future::ready(Err(ApiFailure::InvalidArgument(message))));
        };
        let answer = (self.handler)(api, request);
        Box::pin(async move { answer.await.map(|response| Arc::new(response) as Arc<dyn RpcMessage>) })
    }

    fn decode(&self, body: Bytes) -> Result<Arc<dyn RpcMessage>, mm_proto::prost::DecodeError> {
        R::decode(body).map(|request| Arc::new(request) as Arc<dyn RpcMessage>)
    }

    fn error_response(&self, error: wire::AppError) -> Arc<dyn RpcMessage> {
        Arc::new(R::Response::from_error(error))
    }
}

/// The PluginAPI's handlers, by method.
#[derive(Default)]
pub(crate) struct ApiRouter {
    routes: HashMap<&'static str, Arc<dyn Route>>,
}

impl ApiRouter {
    /// Registers the handler of the RPC whose request `f` takes (`|api, r: wire::GetUserRequest|`).
    pub(crate) fn route<R: Rpc>(
        &mut self,
        f: impl Fn(&Api, R) -> HandlerResult<R::Response> + Send + Sync + 'static,
    ) -> &mut Self {
        self.route_async(move |api: Api, request: R| std::future::ready(f(&api, request)))
    }

    /// Registers an async handler (one that awaits the host: hooks, other plugins).
    pub(crate) fn route_async<R, Fut>(
        &mut self,
        f: impl Fn(Api, R) -> Fut + Send + Sync + 'static,
    ) -> &mut Self
    where
        R: Rpc,
        Fut: Future<Output = HandlerResult<R::Response>> + Send + 'static,
    {
        let handler = Handler { handler: f, request: PhantomData::<fn(R)> };
        self.routes.insert(R::METHOD.path, Arc::new(handler));
        self
    }

    /// Whether `method` has a handler.
    pub(crate) fn handles(&self, method: &RpcMethod) -> bool {
        self.routes.contains_key(method.path)
    }

    /// Runs `method`'s handler on an already-typed request (of `method`'s request type): the
    /// typed response, or why there is none. The entry point for any protocol.
    pub(crate) fn call(
        &self,
        api: Api,
        method: &'static RpcMethod,
        request: Arc<dyn RpcMessage>,
    ) -> BoxFuture<HandlerResult<Arc<dyn RpcMessage>>> {
        match self.routes.get(method.path) {
            Some(route) => route.call(api, request),
            None => Box::pin(std::future::ready(Err(ApiFailure::Unimplemented(not_implemented(method))))),
        }
    }

    /// [`call`](Self::call), answering an `AppError` inside the response (net/rpc replies carry
    /// every error in their `Z_<Method>Returns`).
    pub(crate) fn call_in_body(
        &self,
        api: Api,
        method: &'static RpcMethod,
        request: Arc<dyn RpcMessage>,
    ) -> BoxFuture<HandlerResult<Arc<dyn RpcMessage>>> {
        let Some(route) = self.routes.get(method.path).cloned() else {
            return Box::pin(std::future::ready(Err(ApiFailure::Unimplemented(not_implemented(method)))));
        };
        Box::pin(async move {
            match route.call(api, request).await {
                Err(ApiFailure::App(error)) => Ok(route.error_response(error.into())),
                other => other,
            }
        })
    }

    /// [`call`](Self::call) with the request's type and its response type.
    #[cfg(test)]
    pub(crate) async fn call_typed<R: Rpc>(&self, api: Api, request: R) -> HandlerResult<R::Response> {
        let response = self.call(api, R::METHOD, Arc::new(request)).await?;
        take_message(response)
            .ok_or_else(|| ApiFailure::InvalidArgument("the handler answered another type".into()))
    }
}

/// The PluginAPI service of one plugin's listener: the router over gRPC.
#[derive(Clone)]
pub(crate) struct GrpcApi {
    router: Arc<ApiRouter>,
    api: Api,
    max_request: usize,
}

impl GrpcApi {
    pub(crate) fn new(router: Arc<ApiRouter>, api: Api, max_request: usize) -> Self {
        GrpcApi { router, api, max_request }
    }
}

impl NamedService for GrpcApi {
    const NAME: &'static str = mm_proto::PLUGIN_API_SERVICE;
}

impl tower::Service<http::Request<tonic::body::Body>> for GrpcApi {
    type Response = http::Response<tonic::body::Body>;
    type Error = Infallible;
    type Future = BoxFuture<Result<Self::Response, Infallible>>;

    fn poll_ready(&mut self, _cx: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, request: http::Request<tonic::body::Body>) -> Self::Future {
        let method = RpcMethod::by_path(request.uri().path()).filter(|m| m.grpc);
        let unary = Unary { router: Arc::clone(&self.router), api: self.api.clone(), method };
        let max_request = self.max_request;
        Box::pin(async move {
            let mut grpc = tonic::server::Grpc::new(mm_proto::BytesCodec)
                .apply_max_message_size_config(Some(max_request), Some(usize::MAX));
            Ok(grpc.unary(unary, request).await)
        })
    }
}

/// One gRPC call: decode, run the handler, answer by the RPC's error convention.
struct Unary {
    router: Arc<ApiRouter>,
    api: Api,
    method: Option<&'static RpcMethod>,
}

impl UnaryService<Bytes> for Unary {
    type Response = Bytes;
    type Future = BoxFuture<Result<tonic::Response<Bytes>, Status>>;

    fn call(&mut self, request: tonic::Request<Bytes>) -> Self::Future {
        let Some(method) = self.method else {
            return Box::pin(std::future::ready(Err(Status::unimplemented(""))));
        };
        let Some(route) = self.router.routes.get(method.path).cloned() else {
            return Box::pin(std::future::ready(Err(Status::unimplemented(not_implemented(method)))));
        };
        let (router, api) = (Arc::clone(&self.router), self.api.clone());
        Box::pin(async move {
            let message = route
                .decode(request.into_inner())
                .map_err(|e| Status::internal(format!("failed to decode Protobuf message: {e}")))?;
            let response = match router.call(api, method, message).await {
                Ok(response) => response,
                Err(ApiFailure::App(error)) => match method.errors {
                    ErrorConvention::InBody => route.error_response(error.into()),
                    _ => return Err(status_of(&error)),
                },
                Err(ApiFailure::InvalidArgument(message)) => return Err(Status::invalid_argument(message)),
                Err(ApiFailure::Unimplemented(message)) => return Err(Status::unimplemented(message)),
            };
            Ok(tonic::Response::new(response.encode_protobuf()))
        })
    }
}

/// The gRPC status the server answers for an `AppError`: `"<id>: <message>"` with the code
/// derived from the HTTP status.
pub(crate) fn status_of(error: &AppError) -> Status {
    mm_proto::app_error_status(&error.id, &error.message, error.status_code)
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn api() -> (Host, Api) {
        let host = Host::builder().without_http().start().await.expect("host");
        let api = Api::new(host.clone(), "com.example.router");
        (host, api)
    }

    #[tokio::test]
    async fn typed_requests_get_typed_responses_and_failures_stay_protocol_neutral() {
        let (host, api) = api().await;
        let router = super::super::handlers::plugin_api();
        let version = router.call_typed(api.clone(), wire::GetServerVersionRequest {}).await.unwrap();
        assert!(!version.version.is_empty());

        let missing = router.call_typed(api.clone(), wire::GetUserRequest { user_id: "x".repeat(26) }).await;
        match missing {
            Err(ApiFailure::App(error)) => assert_eq!(error.status_code, 404),
            other => panic!("expected the store's AppError, got {other:?}"),
        }
        // Every RPC has a handler; a router without one answers UNIMPLEMENTED naming it.
        let install = RpcMethod::by_name("InstallPlugin").unwrap();
        let request = Arc::new(wire::InstallPluginRequest::default());
        match ApiRouter::default().call(api.clone(), install, request).await {
            Err(ApiFailure::Unimplemented(message)) => {
                assert_eq!(message, "mm-host does not implement PluginAPI/InstallPlugin")
            }
            other => panic!("expected UNIMPLEMENTED, got {other:?}"),
        }
        let get_user = RpcMethod::by_name("GetUser").unwrap();
        match router.call(api, get_user, Arc::new(wire::KvGetRequest::default())).await {
            Err(ApiFailure::InvalidArgument(message)) => {
                assert!(message.starts_with("GetUser takes a"), "{message}")
            }
            other => panic!("expected a type mismatch, got {other:?}"),
        }
        host.shutdown();
    }
}
