//! A stand-in for the plugin runtime's ServeHTTP: a tonic `PluginHooks` server whose
//! `serve_http` wraps the call with `HttpRequestStream::from_wire` and runs `mm_http::serve`.
//! Shared by the integration tests and the fixture plugin binary.

use std::net::SocketAddr;
use std::pin::Pin;

use futures_util::{Stream, StreamExt};
use mm_hooks::http::HttpRequestStream;
use mm_hooks::{HookError, HookErrorKind};
use mm_proto::v1 as wire;
use mm_proto::v1::plugin_hooks_server::{PluginHooks, PluginHooksServer};
use tonic::{Request, Response, Status, Streaming};

type ResponseMessages = Pin<Box<dyn Stream<Item = Result<wire::ServeHttpResponse, Status>> + Send>>;

/// Serves ServeHTTP with an axum router.
pub struct RouterPlugin {
    pub router: axum::Router,
}

fn status(error: HookError) -> Status {
    match error.kind() {
        HookErrorKind::InvalidArgument(message) => Status::invalid_argument(message.clone()),
        _ => Status::internal(error.to_string()),
    }
}

#[tonic::async_trait]
impl PluginHooks for RouterPlugin {
    async fn implemented(
        &self,
        _: Request<wire::ImplementedRequest>,
    ) -> Result<Response<wire::ImplementedResponse>, Status> {
        Ok(Response::new(wire::ImplementedResponse { error: None, hooks: vec!["ServeHTTP".into()] }))
    }

    async fn serve_http(
        &self,
        request: Request<Streaming<wire::ServeHttpRequest>>,
    ) -> Result<Response<ResponseMessages>, Status> {
        let parts = HttpRequestStream::from_wire(request.into_inner());
        let response = mm_http::serve(self.router.clone(), parts).await.map_err(status)?;
        let messages = response.map(|part| part.map(wire::ServeHttpResponse::from).map_err(status));
        Ok(Response::new(Box::pin(messages)))
    }
}

/// Serves `hooks` on a fresh loopback port, in the background.
pub async fn spawn_hooks<H: PluginHooks>(hooks: H) -> SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind loopback");
    let addr = listener.local_addr().expect("local addr");
    let incoming = tokio_stream::wrappers::TcpListenerStream::new(listener);
    tokio::spawn(
        tonic::transport::Server::builder()
            .add_service(PluginHooksServer::new(hooks))
            .serve_with_incoming(incoming),
    );
    addr
}
