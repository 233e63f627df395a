//! The heads of ServeHTTP requests and responses.
//!
//! The bodies stream separately (see `mm-http`); these types hold what is sent once per
//! request or response.

use mm_proto::v1 as wire;
use serde::{Deserialize, Serialize};

use crate::context::PluginContext;
use crate::wire_struct;

/// One HTTP header with all its values; the key is in canonical MIME form (`Content-Type`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct HttpHeader {
    /// The header name.
    pub key: String,
    /// Its values, in order.
    #[serde(deserialize_with = "crate::json::null_as_default")]
    pub values: Vec<String>,
}

wire_struct! {
    HttpHeader <=> wire::HttpHeader { key, values }
}

/// The head of an HTTP request to a plugin, as the server forwards it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct HttpRequestInit {
    /// The session and request that made the call, where known.
    pub plugin_context: Option<PluginContext>,
    /// The method (`GET`, `POST`...).
    pub method: String,
    /// The path and query inside the plugin (`/hello?x=1`, without `/plugins/<id>`).
    pub url: String,
    /// The protocol (`HTTP/1.1`).
    pub proto: String,
    /// The protocol's major version.
    pub proto_major: i32,
    /// The protocol's minor version.
    pub proto_minor: i32,
    /// The headers, in no fixed order.
    #[serde(deserialize_with = "crate::json::null_as_default")]
    pub headers: Vec<HttpHeader>,
    /// The `Host` the client asked for.
    pub host: String,
    /// The client's address (`ip:port`).
    pub remote_addr: String,
    /// The full request URI as the client sent it (with `/plugins/<id>`).
    pub request_uri: String,
    /// The body length, `-1` when unknown.
    pub content_length: i64,
}

impl HttpRequestInit {
    /// The body length, when the client declared it.
    pub fn content_length(&self) -> Option<u64> {
        u64::try_from(self.content_length).ok()
    }
}

wire_struct! {
    HttpRequestInit <=> wire::ServeHttpRequestInit {
        plugin_context, method, url, proto, proto_major, proto_minor, headers, host, remote_addr,
        request_uri, content_length,
    }
}

/// The head of a plugin's HTTP response.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct HttpResponseInit {
    /// The status code; `0` means 200, and a value outside 100..=999 makes the server answer 500.
    pub status_code: i32,
    /// The headers.
    #[serde(deserialize_with = "crate::json::null_as_default")]
    pub headers: Vec<HttpHeader>,
}

wire_struct! {
    HttpResponseInit <=> wire::ServeHttpResponseInit { status_code, headers }
}
