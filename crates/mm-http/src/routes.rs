//! A tower service given once as a plugin's HTTP handler: `plugin.with_http(router)`.

use http_body::Body as HttpBody;
use mm_hooks::http::{HttpRequestStream, HttpResponseStream};
use mm_hooks::{Context, HookError, HttpHandler, Plugin, WithHttp};
use tower::Service;

use crate::body::Body;
use crate::error::BoxError;
use crate::serve::serve_with_extensions;

/// A tower service (an `axum::Router`) as a plugin's [`HttpHandler`]: each request is served
/// by a clone of it (a `Router` clone shares its routes), as [`serve`](crate::serve) does.
///
/// Besides what [`serve`](crate::serve) puts in a request's extensions, the handler finds the
/// call's [`Context`] and the plugin's API [`Client`](mm_hooks::Client) there (in axum:
/// `Extension<Context>`, `Extension<Client>`).
#[derive(Debug, Clone)]
pub struct Routes<S> {
    service: S,
}

impl<S> Routes<S> {
    /// Serves every request with `service`.
    pub fn new(service: S) -> Self {
        Routes { service }
    }
}

impl<S, B> HttpHandler for Routes<S>
where
    S: Service<http::Request<Body>, Response = http::Response<B>> + Clone + Send + Sync + 'static,
    S::Future: Send + 'static,
    S::Error: Into<BoxError>,
    B: HttpBody + Send + 'static,
    B::Error: Into<BoxError>,
{
    async fn serve(&self, cx: &Context, request: HttpRequestStream) -> Result<HttpResponseStream, HookError> {
        let mut extensions = http::Extensions::new();
        extensions.insert(cx.client().clone());
        extensions.insert(cx.clone());
        serve_with_extensions(self.service.clone(), request, extensions).await
    }
}

/// `with_http` on every plugin: hand over the HTTP routes once (example in the
/// [crate docs](crate#plugin-side)).
pub trait PluginHttpExt: Plugin + Sized {
    /// This plugin with its ServeHTTP requests answered by `service` (an `axum::Router` or any
    /// tower service of `http::Request<`[`Body`]`>`), given once: the runtime serves every
    /// request with it on either protocol, and the plugin's own `serve_http` is not called.
    fn with_http<S>(self, service: S) -> WithHttp<Self, Routes<S>>
    where
        Routes<S>: HttpHandler,
    {
        WithHttp::new(self, Routes::new(service))
    }
}

impl<P: Plugin> PluginHttpExt for P {}
