//! The plugin side of the tests: the mm-hooks runtime serving a plugin whose ServeHTTP hook
//! runs `mm_http::serve` with an axum router, on loopback, exactly as a plugin process does.

use std::net::SocketAddr;

use mm_hooks::http::{HttpRequestStream, HttpResponseStream};
use mm_hooks::{Context, HookError, Plugin, Runtime};

/// A plugin whose HTTP routes are `router`.
pub struct RouterPlugin {
    pub router: axum::Router,
}

#[mm_hooks::plugin]
impl Plugin for RouterPlugin {
    async fn serve_http(
        &self,
        cx: &Context,
        request: HttpRequestStream,
    ) -> Result<HttpResponseStream, HookError> {
        mm_http::serve_with_context(self.router.clone(), cx.clone(), request).await
    }
}

/// Serves `plugin` with the mm-hooks runtime on a fresh loopback port, in the background.
/// ServeHTTP does not call the PluginAPI, so the plugin's API client connects lazily to an
/// address nothing listens on.
pub async fn spawn_plugin<P: Plugin>(plugin: P) -> SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind loopback");
    let addr = listener.local_addr().expect("local addr");
    let client = mm_hooks::Client::builder()
        .target("127.0.0.1:9")
        .and_then(|builder| builder.connect_lazy())
        .expect("lazy API client");
    let serving = Runtime::builder()
        .listener(listener)
        .client(client)
        .plugin_id("com.example.test")
        .serve(plugin)
        .expect("serve the plugin");
    // Keep it serving for the rest of the test.
    tokio::spawn(serving.wait());
    addr
}
