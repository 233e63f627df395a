//! The PluginAPI server: one loopback listener per plugin, answering from the host.
//!
//! Errors follow the server's two conventions (see the contract): the RPCs of
//! `posts.proto`, `kv.proto` and `files.proto` answer gRPC OK with the `AppError` in the
//! response's `error` field; every other RPC answers a gRPC status `"<id>: <message>"` whose
//! code comes from the HTTP status. RPCs the host does not implement answer UNIMPLEMENTED with
//! `mm-host does not implement PluginAPI/<Method>`.

#[macro_use]
mod not_implemented;
mod inter_plugin;
mod replies;
mod service;

use std::net::SocketAddr;

use mm_proto::v1::plugin_api_server::PluginApiServer;
use tokio::net::TcpListener;
use tonic::transport::server::TcpIncoming;

pub use not_implemented::UNIMPLEMENTED_RPCS;

use crate::{Host, HostError};

/// Largest message the listener accepts: the server's limit (grpc-go's default, 4 MiB).
pub(crate) const MAX_MESSAGE_SIZE: usize = mm_proto::SERVER_MAX_MESSAGE_SIZE;

/// Starts a PluginAPI listener for `plugin_id` on a free loopback port.
pub(crate) async fn serve(host: Host, plugin_id: &str) -> Result<SocketAddr, HostError> {
    let bind_to = SocketAddr::from(([127, 0, 0, 1], 0));
    let listener =
        TcpListener::bind(bind_to).await.map_err(|e| HostError::bind("the PluginAPI", bind_to, e))?;
    let addr = listener.local_addr().map_err(|e| HostError::io("reading the PluginAPI address", e))?;
    let service = PluginApiServer::new(service::ApiService::new(host.clone(), plugin_id))
        .max_decoding_message_size(MAX_MESSAGE_SIZE)
        .max_encoding_message_size(usize::MAX);
    let mut shutdown = host.shutdown_signal();
    let plugin = plugin_id.to_string();
    tokio::spawn(async move {
        let result = tonic::transport::Server::builder()
            .layer(tower::util::MapResponseLayer::new(replies::too_large_is_resource_exhausted))
            .add_service(service)
            // TCP_NODELAY: without it, small answers wait for the client's delayed ACK (~40 ms).
            .serve_with_incoming_shutdown(TcpIncoming::from(listener).with_nodelay(Some(true)), async move {
                let _ = shutdown.wait_for(|stop| *stop).await;
            })
            .await;
        if let Err(e) = result {
            tracing::error!(target: "mm_host::api", plugin = %plugin, "the PluginAPI listener failed: {e}");
        }
    });
    tracing::debug!(target: "mm_host::api", plugin = plugin_id, %addr, "PluginAPI listening");
    Ok(addr)
}
