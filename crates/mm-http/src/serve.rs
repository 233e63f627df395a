//! The plugin side: a ServeHTTP request stream handled by a tower service.

use std::panic::AssertUnwindSafe;

use futures_util::{FutureExt, StreamExt};
use http::StatusCode;
use http_body::Body as HttpBody;
use mm_hooks::HookError;
use mm_hooks::http::{HttpRequestStream, HttpResponseStream};
use tower::{Service, ServiceExt};

use crate::body::Body;
use crate::error::BoxError;
use crate::request;
use crate::response::{ResponseStream, panic_message, plain_response};

/// Handles one ServeHTTP call with `service` (an `axum::Router` or any tower service of
/// `http::Request<`[`Body`]`>`), returning the response stream for the hook to answer with.
///
/// - The request body streams from the call as the handler reads it (see [`Body`]); the
///   handler may answer before reading it.
/// - The response head goes out as soon as the handler returns it; the body follows in parts of
///   at most 64 KiB, flushed whenever the handler pauses (see the [`response`
///   rules](crate#flushing)); trailers are ignored.
/// - A first message without a request head is an error the runtime answers with gRPC
///   `INVALID_ARGUMENT` ([`HookError::invalid_argument`]). A head with an invalid method, URL or
///   header is answered with HTTP 400 and a short text, without calling the service.
/// - A service error, or a panic in the service or its response body, is answered with
///   HTTP 500 when the head was not sent yet; later, it ends the stream with an error (the
///   server cuts the response). Other requests are not affected.
/// - When the server cancels the call, the runtime drops the future and the stream, and with
///   them the handler.
///
/// The request's extensions hold the [`PluginContext`](mm_types::PluginContext), the client's
/// [`RemoteAddr`](crate::RemoteAddr) and the original [`RequestUri`](crate::RequestUri).
pub async fn serve<S, B>(service: S, request: HttpRequestStream) -> Result<HttpResponseStream, HookError>
where
    S: Service<http::Request<Body>, Response = http::Response<B>> + Send + 'static,
    S::Future: Send + 'static,
    S::Error: Into<BoxError>,
    B: HttpBody + Send + 'static,
    B::Error: Into<BoxError>,
{
    serve_with_extensions(service, request, http::Extensions::new()).await
}

/// Like [`serve`], and puts `context` in the request's extensions, so handlers can reach it
/// (in axum, with `Extension<C>`); meant for the hook's context (API client, plugin id...).
pub async fn serve_with_context<S, B, C>(
    service: S,
    context: C,
    request: HttpRequestStream,
) -> Result<HttpResponseStream, HookError>
where
    S: Service<http::Request<Body>, Response = http::Response<B>> + Send + 'static,
    S::Future: Send + 'static,
    S::Error: Into<BoxError>,
    B: HttpBody + Send + 'static,
    B::Error: Into<BoxError>,
    C: Clone + Send + Sync + 'static,
{
    let mut extensions = http::Extensions::new();
    extensions.insert(context);
    serve_with_extensions(service, request, extensions).await
}

pub(crate) async fn serve_with_extensions<S, B>(
    service: S,
    mut request: HttpRequestStream,
    extensions: http::Extensions,
) -> Result<HttpResponseStream, HookError>
where
    S: Service<http::Request<Body>, Response = http::Response<B>> + Send + 'static,
    S::Future: Send + 'static,
    S::Error: Into<BoxError>,
    B: HttpBody + Send + 'static,
    B::Error: Into<BoxError>,
{
    let first = match request.next().await {
        Some(first) => first?,
        None => {
            return Err(HookError::invalid_argument(
                "the ServeHTTP request stream ended before its first message",
            ));
        }
    };
    let Some(init) = first.init else {
        return Err(HookError::invalid_argument("the first ServeHTTP request message has no init"));
    };
    let content_length = init.content_length();
    let body = Body::from_request_stream(request, first.body_chunk, first.body_complete, content_length);
    let mut http_request = match request::from_init(init, body) {
        Ok(http_request) => http_request,
        Err(bad) => {
            tracing::debug!(reason = %bad.0, "ServeHTTP request rejected with 400");
            return Ok(plain_response(StatusCode::BAD_REQUEST, &bad.0));
        }
    };
    http_request.extensions_mut().extend(extensions);

    // `oneshot` waits for readiness and calls the service; a panic in any of that, or in the
    // handler's future, is caught here and answered with 500.
    match AssertUnwindSafe(service.oneshot(http_request)).catch_unwind().await {
        Ok(Ok(response)) => Ok(Box::pin(ResponseStream::new(response))),
        Ok(Err(error)) => {
            let error: BoxError = error.into();
            tracing::error!(%error, "ServeHTTP service failed");
            Ok(plain_response(StatusCode::INTERNAL_SERVER_ERROR, "Internal Server Error"))
        }
        Err(payload) => {
            tracing::error!(panic = panic_message(payload.as_ref()), "ServeHTTP handler panicked");
            Ok(plain_response(StatusCode::INTERNAL_SERVER_ERROR, "Internal Server Error"))
        }
    }
}
