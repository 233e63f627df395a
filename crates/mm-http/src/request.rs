//! The request head a plugin receives, turned into an `http::Request`.

use http::header::{HOST, HeaderValue};
use http::{Method, Request, Uri, Version};
use mm_types::HttpRequestInit;

use crate::body::Body;
use crate::extensions::{RemoteAddr, RequestUri};
use crate::headers;

/// Why a request head cannot become an `http::Request`; answered with HTTP 400 and this text.
#[derive(Debug)]
pub(crate) struct BadRequest(pub(crate) String);

/// Builds the request a handler sees from the head the server sent.
///
/// The URI is the path inside the plugin (`url`); the server's `host` becomes the `Host` header
/// (Go keeps it apart from the other headers); the plugin context, the client's address and
/// the original request target go to the extensions.
pub(crate) fn from_init(init: HttpRequestInit, body: Body) -> Result<Request<Body>, BadRequest> {
    let method = Method::from_bytes(init.method.as_bytes())
        .map_err(|_| BadRequest(format!("invalid method {:?}", init.method)))?;
    // Go writes the URL of a request for the plugin's root as "" or "?query".
    let target = if init.url.is_empty() || init.url.starts_with('?') {
        format!("/{}", init.url)
    } else {
        init.url.clone()
    };
    let uri: Uri = target.parse().map_err(|_| BadRequest(format!("invalid URL {:?}", init.url)))?;

    let mut request = Request::new(body);
    *request.method_mut() = method;
    *request.uri_mut() = uri;
    *request.version_mut() = version(init.proto_major, init.proto_minor);
    headers::extend_strict(request.headers_mut(), &init.headers)
        .map_err(|e| BadRequest(format!("invalid header {:?}: {}", e.key, e.reason)))?;
    if !init.host.is_empty() && !request.headers().contains_key(HOST) {
        let host = HeaderValue::from_str(&init.host)
            .map_err(|_| BadRequest(format!("invalid host {:?}", init.host)))?;
        request.headers_mut().insert(HOST, host);
    }

    let remote_addr = RemoteAddr::new(init.remote_addr);
    let request_uri = RequestUri::new(init.request_uri);
    #[cfg(feature = "axum")]
    {
        if let Some(addr) = remote_addr.socket_addr() {
            request.extensions_mut().insert(axum::extract::ConnectInfo(addr));
        }
        if let Ok(original) = request_uri.as_str().parse::<Uri>() {
            request.extensions_mut().insert(axum::extract::OriginalUri(original));
        }
    }
    let extensions = request.extensions_mut();
    extensions.insert(init.plugin_context.unwrap_or_default());
    extensions.insert(remote_addr);
    extensions.insert(request_uri);
    Ok(request)
}

/// The HTTP version of the client's request; an unknown pair (or none) counts as HTTP/1.1, the
/// version a plugin handler can always answer in.
fn version(major: i32, minor: i32) -> Version {
    match (major, minor) {
        (0, 9) => Version::HTTP_09,
        (1, 0) => Version::HTTP_10,
        (2, _) => Version::HTTP_2,
        (3, _) => Version::HTTP_3,
        _ => Version::HTTP_11,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extensions::RequestExt;
    use mm_types::{HttpHeader, PluginContext};

    fn init(method: &str, url: &str) -> HttpRequestInit {
        HttpRequestInit { method: method.into(), url: url.into(), ..Default::default() }
    }

    #[test]
    fn the_head_becomes_an_http_request() {
        let head = HttpRequestInit {
            proto_major: 2,
            host: "chat.example.com".into(),
            remote_addr: "10.1.2.3:4567".into(),
            request_uri: "/plugins/com.example/api/items?page=2".into(),
            headers: vec![HttpHeader { key: "Accept".into(), values: vec!["a".into(), "b".into()] }],
            plugin_context: Some(PluginContext { user_agent: "curl".into(), ..Default::default() }),
            ..init("PUT", "/api/items?page=2")
        };
        let request = from_init(head, Body::empty()).expect("valid");
        assert_eq!(request.method(), Method::PUT);
        assert_eq!(request.uri().path(), "/api/items");
        assert_eq!(request.uri().query(), Some("page=2"));
        assert_eq!(request.version(), Version::HTTP_2);
        assert_eq!(request.headers()[HOST], "chat.example.com");
        assert_eq!(request.headers().get_all("accept").iter().count(), 2);
        assert_eq!(request.plugin_context().map(|c| c.user_agent.as_str()), Some("curl"));
        assert_eq!(request.remote_addr().map(RemoteAddr::as_str), Some("10.1.2.3:4567"));
        assert_eq!(
            request.request_uri().map(RequestUri::as_str),
            Some("/plugins/com.example/api/items?page=2")
        );
        #[cfg(feature = "axum")]
        {
            let connect = request.extensions().get::<axum::extract::ConnectInfo<std::net::SocketAddr>>();
            assert_eq!(connect.map(|c| c.0.port()), Some(4567));
            let original = request.extensions().get::<axum::extract::OriginalUri>().expect("original uri");
            assert_eq!(original.0.path(), "/plugins/com.example/api/items");
        }
    }

    #[test]
    fn the_plugin_root_may_come_as_an_empty_url() {
        assert_eq!(from_init(init("GET", ""), Body::empty()).expect("valid").uri(), "/");
        assert_eq!(from_init(init("GET", "?x=1"), Body::empty()).expect("valid").uri(), "/?x=1");
    }

    #[test]
    fn bad_heads_are_explained() {
        let text = |head| from_init(head, Body::empty()).unwrap_err().0;
        assert_eq!(text(init("G T", "/")), r#"invalid method "G T""#);
        assert_eq!(text(init("", "/")), r#"invalid method """#);
        assert_eq!(text(init("GET", "/a b")), r#"invalid URL "/a b""#);
        let header = HttpHeader { key: "X-Bad".into(), values: vec!["a\u{0}b".into()] };
        assert_eq!(
            text(HttpRequestInit { headers: vec![header], ..init("GET", "/") }),
            r#"invalid header "X-Bad": invalid header value"#
        );
        assert_eq!(
            text(HttpRequestInit { host: "a\nb".into(), ..init("GET", "/") }),
            r#"invalid host "a\nb""#
        );
    }
}
