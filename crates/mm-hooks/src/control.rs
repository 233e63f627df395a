//! go-plugin's support services: `plugin.GRPCController` (the host asks the plugin to exit)
//! and `plugin.GRPCStdio` (the host reads stdout/stderr over gRPC).

use futures_util::StreamExt;
use mm_proto::go_plugin;
use mm_proto::go_plugin::grpc_controller_server::GrpcController;
use mm_proto::go_plugin::grpc_stdio_server::GrpcStdio;
use tokio_util::sync::CancellationToken;
use tonic::{Request, Response, Status};

use crate::runtime::{ShutdownReason, ShutdownTrigger};

type BoxStream<T> = std::pin::Pin<Box<dyn futures_util::Stream<Item = Result<T, Status>> + Send + 'static>>;

/// `plugin.GRPCController`: `Shutdown` starts a graceful shutdown.
#[derive(Debug)]
pub(crate) struct Controller {
    pub(crate) trigger: ShutdownTrigger,
}

#[tonic::async_trait]
impl GrpcController for Controller {
    async fn shutdown(
        &self,
        _request: Request<go_plugin::Empty>,
    ) -> Result<Response<go_plugin::Empty>, Status> {
        tracing::info!("the server asked the plugin to shut down");
        self.trigger.fire(ShutdownReason::Controller);
        Ok(Response::new(go_plugin::Empty {}))
    }
}

/// `plugin.GRPCStdio`: the plugin writes its log to stderr, which go-plugin reads directly,
/// and nothing but the handshake to stdout, so the stream carries no data; it stays open
/// until shutdown, as go-plugin expects, then ends.
#[derive(Debug)]
pub(crate) struct Stdio {
    pub(crate) stopping: CancellationToken,
}

#[tonic::async_trait]
impl GrpcStdio for Stdio {
    async fn stream_stdio(
        &self,
        _request: Request<()>,
    ) -> Result<Response<BoxStream<go_plugin::StdioData>>, Status> {
        let stopping = self.stopping.clone();
        let stream = futures_util::stream::once(async move {
            stopping.cancelled_owned().await;
            None::<Result<go_plugin::StdioData, Status>>
        })
        .filter_map(futures_util::future::ready);
        Ok(Response::new(Box::pin(stream)))
    }
}
