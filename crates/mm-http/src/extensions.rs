//! What the server tells a plugin about a request besides the request itself, kept in the
//! request's extensions, and helpers to read it.

use std::fmt;
use std::net::{IpAddr, SocketAddr};

use http::HeaderMap;
use mm_types::{PluginContext, UserId};

use crate::headers::MATTERMOST_USER_ID;

/// The HTTP client's address as the server saw it (`ip:port`, Go's `RemoteAddr`).
///
/// [`serve`](crate::serve) puts it in every request's extensions; with the `axum` feature an
/// `axum::extract::ConnectInfo<SocketAddr>` is added too when it parses.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct RemoteAddr(String);

impl RemoteAddr {
    /// Wraps an address as the server reports it.
    pub fn new(addr: impl Into<String>) -> Self {
        RemoteAddr(addr.into())
    }

    /// The address as the server sent it.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The address as a socket address, when it is one (`127.0.0.1:5000`, `[::1]:5000`).
    pub fn socket_addr(&self) -> Option<SocketAddr> {
        self.0.parse().ok()
    }

    /// The client's IP address, when the address holds one (with or without a port).
    pub fn ip(&self) -> Option<IpAddr> {
        self.socket_addr().map(|a| a.ip()).or_else(|| self.0.parse().ok())
    }
}

impl fmt::Display for RemoteAddr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The request target exactly as the client sent it, including `/plugins/<id>` (Go's
/// `RequestURI`); the request's own URI is the path inside the plugin.
///
/// With the `axum` feature it is also available as `axum::extract::OriginalUri`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct RequestUri(String);

impl RequestUri {
    /// Wraps a request target.
    pub fn new(uri: impl Into<String>) -> Self {
        RequestUri(uri.into())
    }

    /// The request target as the client sent it.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for RequestUri {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The id of the authenticated user, from the `Mattermost-User-Id` header.
///
/// The server removes that header from what the client sent and sets it only when the request
/// comes from a logged-in session, so its presence is proof of authentication. A value that is
/// not a well-formed Mattermost id is treated as absent.
///
/// ```
/// let mut headers = http::HeaderMap::new();
/// assert!(mm_http::mattermost_user_id(&headers).is_none());
/// headers.insert("Mattermost-User-Id", "8ds6pkzokfbf3r1ihxzrpiuxye".parse().unwrap());
/// assert_eq!(mm_http::mattermost_user_id(&headers).unwrap().as_str(), "8ds6pkzokfbf3r1ihxzrpiuxye");
/// ```
pub fn mattermost_user_id(headers: &HeaderMap) -> Option<UserId> {
    let value = headers.get(MATTERMOST_USER_ID)?.to_str().ok()?;
    if value.is_empty() {
        return None;
    }
    match UserId::parse(value) {
        Ok(id) => Some(id),
        Err(error) => {
            tracing::warn!(%error, "ignoring a malformed Mattermost-User-Id header");
            None
        }
    }
}

mod sealed {
    pub trait Sealed {}
    impl<B> Sealed for http::Request<B> {}
    impl Sealed for http::request::Parts {}
}

/// Mattermost's additions to a request, for handlers that take the whole `http::Request`
/// (or its `Parts`) rather than axum extractors.
///
/// ```
/// use mm_http::RequestExt;
/// let request = http::Request::builder().uri("/hello").body(()).unwrap();
/// assert!(request.mattermost_user_id().is_none());
/// assert!(request.plugin_context().is_none());
/// ```
pub trait RequestExt: sealed::Sealed {
    /// The authenticated user's id, when the request comes from a logged-in session
    /// (see [`mattermost_user_id`]).
    fn mattermost_user_id(&self) -> Option<UserId>;

    /// The session and request that made the call.
    fn plugin_context(&self) -> Option<&PluginContext>;

    /// The HTTP client's address.
    fn remote_addr(&self) -> Option<&RemoteAddr>;

    /// The request target as the client sent it, with `/plugins/<id>`.
    fn request_uri(&self) -> Option<&RequestUri>;
}

impl<B> RequestExt for http::Request<B> {
    fn mattermost_user_id(&self) -> Option<UserId> {
        mattermost_user_id(self.headers())
    }

    fn plugin_context(&self) -> Option<&PluginContext> {
        self.extensions().get()
    }

    fn remote_addr(&self) -> Option<&RemoteAddr> {
        self.extensions().get()
    }

    fn request_uri(&self) -> Option<&RequestUri> {
        self.extensions().get()
    }
}

impl RequestExt for http::request::Parts {
    fn mattermost_user_id(&self) -> Option<UserId> {
        mattermost_user_id(&self.headers)
    }

    fn plugin_context(&self) -> Option<&PluginContext> {
        self.extensions.get()
    }

    fn remote_addr(&self) -> Option<&RemoteAddr> {
        self.extensions.get()
    }

    fn request_uri(&self) -> Option<&RequestUri> {
        self.extensions.get()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn remote_addresses_parse_with_or_without_port() {
        let v4 = RemoteAddr::new("10.0.0.7:52114");
        assert_eq!(v4.socket_addr().map(|a| a.port()), Some(52114));
        assert_eq!(v4.ip(), "10.0.0.7".parse().ok());
        assert_eq!(RemoteAddr::new("[::1]:80").ip(), "::1".parse().ok());
        assert_eq!(RemoteAddr::new("192.168.1.1").ip(), "192.168.1.1".parse().ok());
        assert_eq!(RemoteAddr::new("somewhere").ip(), None);
    }

    #[test]
    fn malformed_or_empty_user_ids_count_as_absent() {
        let mut headers = HeaderMap::new();
        headers.insert(MATTERMOST_USER_ID, "".parse().unwrap());
        assert!(mattermost_user_id(&headers).is_none());
        headers.insert(MATTERMOST_USER_ID, "admin".parse().unwrap());
        assert!(mattermost_user_id(&headers).is_none());
    }
}
