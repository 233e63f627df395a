//! The PluginAPI server: one loopback listener per plugin, answering from the host.
//!
//! Every RPC has a handler registered by its request type on one [router](router::ApiRouter)
//! (`handlers/`, one file per group of domains). The router serves them over gRPC: it decodes
//! by path and applies each RPC's error convention from the RPC table: the RPCs of
//! `posts.proto`, `kv.proto` and `files.proto` answer gRPC OK with the `AppError` in the
//! response's `error` field; every other RPC answers a gRPC status `"<id>: <message>"` whose
//! code comes from the HTTP status. RPCs the host does not implement answer UNIMPLEMENTED with
//! `mm-host does not implement PluginAPI/<Method>`. Plugins on a stock server's protocol get
//! the same handlers over net/rpc ([`netrpc`]), on their own connection.

mod handlers;
mod inter_plugin;
mod netrpc;
mod router;

use std::net::SocketAddr;
use std::sync::{Arc, OnceLock};

use mm_proto::rpc::RpcMethod;
use tokio::net::TcpListener;
use tonic::Code;
use tonic::transport::server::TcpIncoming;

use crate::{Host, HostError};

/// Largest message the listener accepts: the server's limit (grpc-go's default, 4 MiB).
pub(crate) const MAX_MESSAGE_SIZE: usize = mm_proto::SERVER_MAX_MESSAGE_SIZE;

/// The router with every handler, built once and shared by every plugin's listener.
fn router() -> Arc<router::ApiRouter> {
    static ROUTER: OnceLock<Arc<router::ApiRouter>> = OnceLock::new();
    Arc::clone(ROUTER.get_or_init(|| Arc::new(handlers::plugin_api())))
}

/// The PluginAPI RPCs the host does not implement, derived from the RPC table and the router:
/// each answers UNIMPLEMENTED with `mm-host does not implement PluginAPI/<name>`.
///
/// ```
/// // Every gRPC PluginAPI RPC has a handler.
/// assert!(mm_host::unimplemented_rpcs().is_empty());
/// ```
pub fn unimplemented_rpcs() -> Vec<&'static str> {
    let router = router();
    RpcMethod::all().iter().filter(|m| m.grpc && !router.handles(m)).map(|m| m.name).collect()
}

/// The PluginAPI of `plugin_id` as a net/rpc `Plugin` object (what a stock server serves on the
/// broker id of `OnActivate`); `broker` is the host's broker of the plugin's session.
pub(crate) fn net_rpc_service(
    host: Host,
    plugin_id: &str,
    broker: mm_netrpc::broker::Broker,
) -> Arc<dyn mm_netrpc::rpc::Service> {
    Arc::new(netrpc::NetRpcApi::new(router(), router::Api::new(host, plugin_id), broker))
}

/// Starts a PluginAPI listener for `plugin_id` on a free loopback port.
pub(crate) async fn serve(host: Host, plugin_id: &str) -> Result<SocketAddr, HostError> {
    let bind_to = SocketAddr::from(([127, 0, 0, 1], 0));
    let listener =
        TcpListener::bind(bind_to).await.map_err(|e| HostError::bind("the PluginAPI", bind_to, e))?;
    let addr = listener.local_addr().map_err(|e| HostError::io("reading the PluginAPI address", e))?;
    let service = router::GrpcApi::new(router(), router::Api::new(host.clone(), plugin_id), MAX_MESSAGE_SIZE);
    let mut shutdown = host.shutdown_signal();
    let plugin = plugin_id.to_string();
    tokio::spawn(async move {
        let result = api_server_builder()
            .layer(tower::util::MapResponseLayer::new(too_large_is_resource_exhausted))
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

/// The HTTP/2 settings of a PluginAPI listener, for real traffic: its peers are the plugin's
/// processes on loopback, whose calls are cancelled in bursts when the requests or hooks that
/// made them are abandoned.
fn api_server_builder() -> tonic::transport::Server {
    tonic::transport::Server::builder()
        // Each cancelled call resets its stream; a host busy with a storm accepts streams late,
        // and h2's default of 20 queued resets (a rapid-reset guard meant for untrusted
        // clients) would answer GOAWAY and fail every call on the connection. 16,384 absorbs
        // any burst a plugin causes and still bounds a misbehaving one (a few MB).
        .http2_max_pending_accept_reset_streams(Some(16_384))
        // hyper's default cap (1,024) counts over a connection's whole life: a plugin's.
        .http2_max_local_error_reset_streams(None)
        // No stream cap, as the server's grpc-go: an API call may run hooks of the same plugin
        // that call the API again, and a cap reached by such calls would deadlock them.
        .max_concurrent_streams(None)
        // A ping after 60 s of silence, answered within 20 s, frees the connection of a
        // plugin that hangs without closing it; patient enough for a plugin under load.
        .http2_keepalive_interval(Some(std::time::Duration::from_secs(60)))
        .http2_keepalive_timeout(Some(std::time::Duration::from_secs(20)))
}

/// tonic answers OUT_OF_RANGE for a request over the size limit where grpc-go (the server)
/// answers RESOURCE_EXHAUSTED; the host never answers OUT_OF_RANGE itself, so any such answer
/// is that one and gets the server's code.
fn too_large_is_resource_exhausted<B>(mut response: http::Response<B>) -> http::Response<B> {
    let out_of_range = (Code::OutOfRange as i32).to_string();
    if response.headers().get("grpc-status").is_some_and(|v| v.as_bytes() == out_of_range.as_bytes()) {
        let exhausted = (Code::ResourceExhausted as i32).to_string();
        if let Ok(value) = http::HeaderValue::from_str(&exhausted) {
            response.headers_mut().insert("grpc-status", value);
        }
    }
    response
}
