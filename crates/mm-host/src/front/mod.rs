//! The HTTP front on 127.0.0.1: a small subset of Mattermost's REST API v4 with its JSON
//! shapes, and the plugins' routes under `/plugins/<id>/...`, both following the server's
//! rules:
//!
//! - REST authentication, CSRF and error answers: [`auth`], [`errors`], [`json_body`];
//! - REST permissions per route: [`rest`], [`permissions`];
//! - what a plugin request carries (headers, cookies and query parameters stripped, the
//!   user id set only from a valid session): [`plugin_request`].
//!
//! Every REST answer has an `X-Request-Id` header, and errors carry the same id in
//! `request_id`. The routes are listed in the docs of [`Host`](crate::Host).

mod auth;
mod cookies;
mod errors;
mod go_query;
mod json_body;
mod permissions;
mod plugin_admin;
mod plugin_request;
mod plugins;
mod rest;

use axum::extract::Request;
use axum::http::HeaderValue;
use axum::middleware::{self, Next};
use axum::response::Response;
use mm_types::RequestId;
use tokio::net::TcpListener;

use crate::Host;
use errors::ErrorReply;

/// The header with the id of a REST request.
const REQUEST_ID_HEADER: &str = "x-request-id";

/// Serves the front on `listener` until the host shuts down.
pub(crate) fn spawn(host: Host, listener: TcpListener) {
    let mut shutdown = host.shutdown_signal();
    let api = rest::router()
        .merge(plugin_admin::router())
        // Any other path under the API, or a method a route does not take, is the server's 404.
        .route("/api/v4/{*rest}", axum::routing::any(|| async { errors::page_not_found() }))
        .method_not_allowed_fallback(|| async { errors::page_not_found() })
        .layer(middleware::from_fn(request_id));
    let app = api.merge(plugins::router()).with_state(host);
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

/// Gives each REST request an id (in its extensions, for hooks' context), answers it in
/// `X-Request-Id`, and stamps it on error bodies.
async fn request_id(mut request: Request, next: Next) -> Response {
    let id = RequestId::generate();
    request.extensions_mut().insert(id.clone());
    let mut response = next.run(request).await;
    if let Some(ErrorReply(mut error)) = response.extensions_mut().remove::<ErrorReply>() {
        error.request_id = id.to_string();
        response = ErrorReply(error).into_response();
    }
    if let Ok(value) = HeaderValue::from_str(id.as_str()) {
        response.headers_mut().insert(REQUEST_ID_HEADER, value);
    }
    response
}
