//! The values both sides of a plugin process must agree on, outside the messages: go-plugin's
//! launch environment and handshake line, Mattermost's magic cookie, and the reason string that
//! dismisses a post.
//!
//! A Mattermost server starts a plugin as a child process with the variables below, reads one
//! handshake line from its stdout, then speaks one of two protocols with it: the gRPC protocol of
//! the multi-language fork ([`Protocol::Grpc`]) or go-plugin's net/rpc with gob encoding, as every
//! stock server does ([`Protocol::NetRpc`]).
//!
//! ```
//! use mm_proto::protocol::{self, Protocol};
//! assert_eq!(protocol::handshake_line("tcp", "127.0.0.1:10001", Protocol::Grpc), "1|1|tcp|127.0.0.1:10001|grpc");
//! assert_eq!(protocol::handshake_line("unix", "/tmp/p/sock", Protocol::NetRpc), "1|1|unix|/tmp/p/sock|netrpc|");
//! ```

use std::fmt;

/// The variable of go-plugin's magic cookie for Mattermost plugins; a plugin started without it
/// (by hand) refuses to run.
pub const MAGIC_COOKIE_KEY: &str = "MATTERMOST_PLUGIN";

/// The value of [`MAGIC_COOKIE_KEY`].
pub const MAGIC_COOKIE_VALUE: &str = "Securely message teams, anywhere.";

/// The variable holding the address of the server's PluginAPI listener for this plugin
/// (`127.0.0.1:<port>`). Only the gRPC fork sets it, so its presence also selects
/// [`Protocol::Grpc`]; a stock server hands the API over the net/rpc connection instead.
pub const API_TARGET_ENV: &str = "MATTERMOST_PLUGIN_API_TARGET";

/// go-plugin's variable with the lowest TCP port the plugin may listen on.
pub const MIN_PORT_ENV: &str = "PLUGIN_MIN_PORT";

/// go-plugin's variable with the highest TCP port the plugin may listen on.
pub const MAX_PORT_ENV: &str = "PLUGIN_MAX_PORT";

/// go-plugin's variable with the application protocol versions the server offers (`1`).
pub const PROTOCOL_VERSIONS_ENV: &str = "PLUGIN_PROTOCOL_VERSIONS";

/// go-plugin's variable naming a folder for the plugin's unix socket; when set the plugin
/// listens there instead of on a TCP port.
pub const UNIX_SOCKET_DIR_ENV: &str = "PLUGIN_UNIX_SOCKET_DIR";

/// go-plugin's core protocol version, the first field of the handshake line; the only one that
/// exists.
pub const CORE_PROTOCOL_VERSION: u32 = 1;

/// The application protocol version Mattermost offers (`PLUGIN_PROTOCOL_VERSIONS=1`), the second
/// field of the handshake line.
pub const APP_PROTOCOL_VERSION: u32 = 1;

/// The rejection reason with which `MessageWillBePosted` tells the server to drop a post
/// silently: the server's `plugin.DismissPostError`, on both protocols.
pub const DISMISS_POST_REASON: &str = "plugin.message_will_be_posted.dismiss_post";

/// The `AppError` id under which a plain Go `error` from a stock server travels in a
/// response's `error` field (Go sends it as a `*plugin.ErrorString{Code, Err}`, not an
/// `AppError`); a non-zero `Code` is appended (`plugin.error_string.1`: Go's `io.EOF`...).
/// Clients report such an error as a plain error, not as the server's `AppError`.
pub const PLAIN_ERROR_ID: &str = "plugin.error_string";

/// The RPC protocol a plugin process speaks with the server, as named in the handshake line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum Protocol {
    /// gRPC, as the multi-language fork of the server speaks it (`PluginHooks` and `PluginAPI`).
    Grpc,
    /// go-plugin's net/rpc with gob encoding over yamux, as every stock server speaks it.
    NetRpc,
}

impl Protocol {
    /// Both protocols.
    pub const ALL: [Protocol; 2] = [Protocol::Grpc, Protocol::NetRpc];

    /// The name in the handshake line: `grpc` or `netrpc`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Protocol::Grpc => "grpc",
            Protocol::NetRpc => "netrpc",
        }
    }
}

impl fmt::Display for Protocol {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The handshake line a plugin prints on stdout, without the newline:
/// `CORE|APP|NETWORK|ADDRESS|PROTOCOL`, such as `1|1|tcp|127.0.0.1:10001|grpc`.
///
/// `network` is `tcp` or `unix`. The net/rpc line ends with the empty sixth field go-plugin
/// writes for "no TLS certificate" (`1|1|unix|/tmp/p/sock|netrpc|`); the gRPC line of this SDK
/// leaves it out, which the server reads the same way.
pub fn handshake_line(network: &str, address: &str, protocol: Protocol) -> String {
    let line = format!("{CORE_PROTOCOL_VERSION}|{APP_PROTOCOL_VERSION}|{network}|{address}|{protocol}");
    match protocol {
        Protocol::Grpc => line,
        Protocol::NetRpc => line + "|",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn handshake_lines_follow_go_plugin() {
        assert_eq!(handshake_line("tcp", "127.0.0.1:1", Protocol::Grpc), "1|1|tcp|127.0.0.1:1|grpc");
        assert_eq!(handshake_line("unix", "/s", Protocol::NetRpc), "1|1|unix|/s|netrpc|");
        assert_eq!(Protocol::ALL.map(Protocol::as_str), ["grpc", "netrpc"]);
    }
}

/// A header name in Go's canonical form (`textproto.CanonicalMIMEHeaderKey`), the form the
/// keys of a Go `http.Header` have: the first letter and each letter after a `-` upper case,
/// the rest lower case (`content-type` -> `Content-Type`). A name with a byte outside HTTP's
/// token characters stays as it is, as in Go.
pub fn canonical_header_key(name: &str) -> String {
    let token = |b: u8| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b);
    if !name.bytes().all(token) {
        return name.to_owned();
    }
    let mut upper = true;
    name.chars()
        .map(|c| {
            let out = if upper { c.to_ascii_uppercase() } else { c.to_ascii_lowercase() };
            upper = c == '-';
            out
        })
        .collect()
}

#[cfg(test)]
mod header_key_tests {
    use super::canonical_header_key;

    #[test]
    fn header_keys_take_go_canonical_form() {
        assert_eq!(canonical_header_key("content-TYPE"), "Content-Type");
        assert_eq!(canonical_header_key("x-forwarded-for"), "X-Forwarded-For");
        assert_eq!(canonical_header_key("mattermost-plugin-id"), "Mattermost-Plugin-Id");
        assert_eq!(canonical_header_key("etag"), "Etag");
        assert_eq!(canonical_header_key("x-a_b"), "X-A_b");
        assert_eq!(canonical_header_key("x_odd name"), "x_odd name");
    }
}
