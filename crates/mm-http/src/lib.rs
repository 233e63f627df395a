//! ServeHTTP as real streaming HTTP for Mattermost plugins.
//!
//! The Mattermost server forwards the HTTP requests for `/plugins/<id>/...` to the plugin as a
//! ServeHTTP gRPC stream. `mm-http` turns that stream into an `http::Request` whose [`Body`]
//! streams the request body as it arrives, runs any tower service on it (an `axum::Router`
//! plugs in directly), and streams the `http::Response` back, so a plugin can take a 1 GiB
//! upload or push server-sent events with flat memory.
//!
//! # Plugin side
//!
//! Hand a service (an `axum::Router`) over once with [`PluginHttpExt::with_http`]: the runtime
//! serves every request with it, and handlers find the PluginAPI `Client` and the call's
//! `Context` in the request's extensions:
//!
//! ```no_run
//! use axum::{Extension, Router, routing::get};
//! use mm_hooks::{Client, Plugin};
//! use mm_http::PluginHttpExt;
//!
//! struct MyPlugin;
//!
//! #[mm_hooks::plugin]
//! impl Plugin for MyPlugin {}
//!
//! async fn version(Extension(client): Extension<Client>) -> String {
//!     client.system().server_version().await.map(|v| v.to_string()).unwrap_or_else(|e| e.to_string())
//! }
//!
//! fn main() -> std::process::ExitCode {
//!     let router = Router::new().route("/version", get(version));
//!     mm_hooks::run(MyPlugin.with_http(router))
//! }
//! ```
//!
//! Or, in the plugin's own ServeHTTP hook, hand the request stream and a service to [`serve`]
//! (or to [`serve_with_context`], which also gives handlers a value of yours):
//!
//! ```no_run
//! use axum::{Router, routing::get};
//! use mm_hooks::http::{HttpRequestStream, HttpResponseStream};
//! use mm_hooks::{Context, HookError, Plugin};
//!
//! struct MyPlugin {
//!     router: Router,
//! }
//!
//! #[mm_hooks::plugin]
//! impl Plugin for MyPlugin {
//!     async fn serve_http(&self, _cx: &Context, request: HttpRequestStream) -> Result<HttpResponseStream, HookError> {
//!         mm_http::serve(self.router.clone(), request).await
//!     }
//! }
//!
//! fn main() -> std::process::ExitCode {
//!     let router = Router::new().route("/hello", get(|| async { "hello" }));
//!     mm_hooks::run(MyPlugin { router })
//! }
//! ```
//!
//! What the handler gets:
//!
//! - the method, the URI *inside* the plugin (`/hello?x=1`, without `/plugins/<id>`), the
//!   headers (with `Host`), and a streaming [`Body`] that reads the call only as fast as the
//!   handler does (memory stays flat for any body size);
//! - in the extensions: the [`PluginContext`](mm_types::PluginContext) (session id, request
//!   id, IP, user agent, accept language), the client's [`RemoteAddr`] and the original
//!   [`RequestUri`]; with the `axum` feature also `ConnectInfo<SocketAddr>` and `OriginalUri`;
//! - the authenticated user: [`MattermostUserId`] as an axum extractor (401 when absent,
//!   `Option<MattermostUserId>` for optional), or [`RequestExt::mattermost_user_id`] /
//!   [`mattermost_user_id`] on a plain `http::Request`.
//!
//! What goes back: the head as soon as the handler returns it, then the body in chunks of at
//! most 64 KiB ([`mm_proto::SERVE_HTTP_CHUNK_SIZE`]). Errors and panics become HTTP 500 while
//! the head is unsent; a bad request head becomes HTTP 400; see [`serve`] for every case.
//!
//! ## Flushing
//!
//! A response part is sent with `flush` when the handler's body has nothing more ready at that
//! moment: the head of a response whose body is not ready yet, each burst of a server-sent
//! event stream, the answer of a long poll. Parts followed by data that is already available
//! are not flushed, so bulk downloads are not slowed down, and the last part needs no flush
//! because it ends the response.
//!
//! # Server side
//!
//! What the Mattermost server does with such a stream (forward an `http::Request` to a
//! plugin's `PluginHooks` client and stream the answer back) lives in `mm-host`
//! (`mm_host::plugin_http`), so that plugins do not compile it.
//!
//! # A complete plugin
//!
//! `examples/axum_plugin.rs`: an axum router with JSON routes, `MattermostUserId`, an upload
//! echo and server-sent events, served by the plugin's ServeHTTP hook (its tests drive it
//! through real gRPC streams):
#![cfg_attr(feature = "axum", doc = concat!("\n```no_run\n", include_str!("../examples/axum_plugin.rs"), "```"))]

mod body;
mod error;
mod extensions;
#[cfg(feature = "axum")]
mod extract;
mod headers;
mod request;
mod response;
mod routes;
mod serve;

pub use body::Body;
pub use error::{BoxError, Error, ErrorKind};
pub use extensions::{RemoteAddr, RequestExt, RequestUri, mattermost_user_id};
#[cfg(feature = "axum")]
pub use extract::{MattermostUserId, MissingUserId};
pub use headers::MATTERMOST_USER_ID;
pub use routes::{PluginHttpExt, Routes};
pub use serve::{serve, serve_with_context};

/// Header conversions shared with the server side of ServeHTTP (`mm-host`); not public API.
#[doc(hidden)]
pub mod __private {
    pub use crate::headers::{InvalidHeader, parse_header, to_wire};
}
