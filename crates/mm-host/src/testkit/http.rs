//! A small HTTP/1.1 client for calling the host's front from tests.

use std::fmt;
use std::net::SocketAddr;

use bytes::Bytes;
use http::{HeaderMap, HeaderName, HeaderValue, Method, Request, StatusCode};
use http_body_util::Full;

use crate::HostError;

/// A response from the host's HTTP front, body read whole.
#[derive(Clone)]
pub struct HttpResponse {
    /// The status.
    pub status: StatusCode,
    /// The headers.
    pub headers: HeaderMap,
    /// The body.
    pub body: Bytes,
}

impl HttpResponse {
    /// The body as text (lossy UTF-8).
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    /// The body parsed as JSON.
    pub fn json<T: serde::de::DeserializeOwned>(&self) -> Result<T, serde_json::Error> {
        serde_json::from_slice(&self.body)
    }

    /// A header's value as text, if present and readable.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
}

impl fmt::Debug for HttpResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HttpResponse")
            .field("status", &self.status)
            .field("headers", &self.headers)
            .field("body", &self.text())
            .finish()
    }
}

/// A request being built; send it with [`send`](HttpCall::send).
#[derive(Debug)]
#[must_use = "a request does nothing until sent"]
pub struct HttpCall {
    addr: SocketAddr,
    method: Method,
    path: String,
    headers: Vec<(HeaderName, HeaderValue)>,
    body: Bytes,
    token: Option<String>,
}

impl HttpCall {
    pub(crate) fn new(addr: SocketAddr, method: Method, path: &str, token: Option<String>) -> Self {
        HttpCall { addr, method, path: path.to_string(), headers: Vec::new(), body: Bytes::new(), token }
    }

    /// Adds a header (invalid names or values are skipped).
    pub fn header(mut self, name: &str, value: &str) -> Self {
        if let (Ok(name), Ok(value)) = (HeaderName::try_from(name), HeaderValue::try_from(value)) {
            self.headers.push((name, value));
        }
        self
    }

    /// Sets the body.
    pub fn body(mut self, body: impl Into<Bytes>) -> Self {
        self.body = body.into();
        self
    }

    /// Sets a JSON body and its content type.
    pub fn json(self, value: &serde_json::Value) -> Self {
        let body = serde_json::to_vec(value).unwrap_or_default();
        self.header("content-type", "application/json").body(body)
    }

    /// Sends no `Authorization` header (other credentials, such as a cookie or
    /// `?access_token=`, can still be added by hand).
    pub fn anonymous(mut self) -> Self {
        self.token = None;
        self
    }

    /// Authenticates with this bearer token.
    pub fn token(mut self, token: impl Into<String>) -> Self {
        self.token = Some(token.into());
        self
    }

    /// Sends the request and reads the whole response.
    pub async fn send(self) -> Result<HttpResponse, HostError> {
        let failed = |what: &str, e: &dyn fmt::Display| HostError::Http { message: format!("{what}: {e}") };
        let mut request =
            Request::builder().method(self.method).uri(&self.path).header("host", self.addr.to_string());
        for (name, value) in self.headers {
            request = request.header(name, value);
        }
        if let Some(token) = self.token {
            request = request.header("authorization", format!("Bearer {token}"));
        }
        let request = request.body(Full::new(self.body)).map_err(|e| failed("building the request", &e))?;
        let response =
            crate::http1::exchange(self.addr, request).await.map_err(|e| failed("the HTTP front", &e))?;
        let (parts, body) = response.into_parts();
        Ok(HttpResponse { status: parts.status, headers: parts.headers, body })
    }
}
