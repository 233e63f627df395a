//! The HTTP front on 127.0.0.1: a small subset of Mattermost's REST API v4 with its JSON
//! shapes, and the plugins' routes under `/plugins/<id>/...`.
//!
//! Authentication is `Authorization: Bearer <token>` with a session token or a personal
//! access token; the seeded admin's token is [`DEFAULT_ADMIN_TOKEN`](crate::DEFAULT_ADMIN_TOKEN)
//! unless the host was built with another. Errors use Mattermost's JSON error shape
//! (`{"id", "message", "detailed_error", "request_id", "status_code"}`).
//!
//!
//! The routes are listed in the docs of [`Host`](crate::Host).

mod auth;
mod plugins;
mod rest;

use tokio::net::TcpListener;

use crate::Host;

/// Serves the front on `listener` until the host shuts down.
pub(crate) fn spawn(host: Host, listener: TcpListener) {
    let mut shutdown = host.shutdown_signal();
    let app = rest::router().merge(plugins::router()).with_state(host);
    tokio::spawn(async move {
        let service = app.into_make_service_with_connect_info::<std::net::SocketAddr>();
        let served = axum::serve(listener, service)
            .with_graceful_shutdown(async move {
                let _ = shutdown.wait_for(|stop| *stop).await;
            })
            .await;
        if let Err(e) = served {
            tracing::error!(target: "mm_host::front", "the HTTP front failed: {e}");
        }
    });
}
