//! The go-plugin handshake line a plugin prints as its first stdout line:
//! `CORE-VERSION|APP-VERSION|NETWORK|ADDRESS|PROTOCOL`, for example `1|1|tcp|127.0.0.1:10001|grpc`.

use std::fmt;
use std::net::SocketAddr;
use std::path::PathBuf;

use mm_proto::protocol::{APP_PROTOCOL_VERSION, CORE_PROTOCOL_VERSION, Protocol};

/// Where a plugin serves its gRPC services, as its handshake announced.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum PluginAddress {
    /// A TCP address (the plugin binds 127.0.0.1 inside `PLUGIN_MIN_PORT..=PLUGIN_MAX_PORT`).
    Tcp(SocketAddr),
    /// A unix domain socket path.
    Unix(PathBuf),
}

impl fmt::Display for PluginAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PluginAddress::Tcp(addr) => write!(f, "tcp {addr}"),
            PluginAddress::Unix(path) => write!(f, "unix {}", path.display()),
        }
    }
}

/// A parsed handshake line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Handshake {
    pub(crate) address: PluginAddress,
}

/// Parses a handshake line, accepting what the server running `expected` accepts: core
/// version 1, app version 1, `tcp` or `unix`, and the protocol (`grpc` on the fork; `netrpc`
/// or none on a stock server, whose go-plugin reads a missing protocol as net/rpc). A sixth
/// field (go-plugin's TLS certificate) is refused: the server runs plugins without TLS.
pub(crate) fn parse_handshake(line: &str, expected: Protocol) -> Result<Handshake, String> {
    let line = line.trim_end_matches(['\r', '\n']).trim();
    let parts: Vec<&str> = line.split('|').collect();
    if parts.len() < 4 {
        return Err(format!(
            "expected `1|1|tcp|127.0.0.1:<port>|grpc` as the first stdout line, got {line:?}"
        ));
    }
    let core: u32 =
        parts[0].parse().map_err(|_| format!("core protocol version {:?} is not a number", parts[0]))?;
    if core != CORE_PROTOCOL_VERSION {
        return Err(format!(
            "core protocol version {core} is not supported (expected {CORE_PROTOCOL_VERSION})"
        ));
    }
    let app: u32 =
        parts[1].parse().map_err(|_| format!("app protocol version {:?} is not a number", parts[1]))?;
    if app != APP_PROTOCOL_VERSION {
        return Err(format!(
            "app protocol version {app} is not offered by the server (PLUGIN_PROTOCOL_VERSIONS={APP_PROTOCOL_VERSION})"
        ));
    }
    let address = match parts[2] {
        "tcp" => PluginAddress::Tcp(
            parts[3].parse().map_err(|_| format!("tcp address {:?} is not host:port", parts[3]))?,
        ),
        "unix" if !parts[3].is_empty() => PluginAddress::Unix(PathBuf::from(parts[3])),
        other => return Err(format!("network {other:?} with address {:?} is not supported", parts[3])),
    };
    // go-plugin treats a missing protocol as its old net/rpc protocol.
    let announced = match parts.get(4).copied() {
        None | Some("") if expected == Protocol::NetRpc => Protocol::NetRpc,
        None => {
            return Err("protocol is missing (expected \"grpc\"; a plugin without it speaks net/rpc, \
                        which the fork's gRPC path does not run)"
                .into());
        }
        Some(protocol) if protocol == Protocol::Grpc.as_str() => Protocol::Grpc,
        Some(protocol) if protocol == Protocol::NetRpc.as_str() => Protocol::NetRpc,
        Some(other) => {
            return Err(format!("protocol {other:?} is not supported (expected {:?})", expected.as_str()));
        }
    };
    if announced != expected {
        return Err(match expected {
            Protocol::Grpc => format!(
                "protocol \"{}\" is not supported (expected \"grpc\": the manifest selects the fork's gRPC runtime)",
                announced.as_str()
            ),
            _ => format!(
                "unsupported plugin protocol \"{}\": a stock server runs plugins over net/rpc (the plugin \
                 speaks only the fork's gRPC; run it with `--protocol grpc`)",
                announced.as_str()
            ),
        });
    }
    if parts.get(5).is_some_and(|cert| !cert.is_empty()) {
        return Err("the handshake carries a TLS certificate, but the server runs plugins without TLS".into());
    }
    if parts.len() > 6 {
        return Err(format!("too many fields in handshake line {line:?}"));
    }
    Ok(Handshake { address })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_tcp_and_unix() {
        let hs = parse_handshake("1|1|tcp|127.0.0.1:10001|grpc\n", Protocol::Grpc).unwrap();
        assert_eq!(hs.address, PluginAddress::Tcp("127.0.0.1:10001".parse().unwrap()));
        let hs = parse_handshake("1|1|unix|/tmp/plugin123/sock|grpc\r\n", Protocol::Grpc).unwrap();
        assert_eq!(hs.address, PluginAddress::Unix("/tmp/plugin123/sock".into()));
        // An empty sixth field (no certificate) is what go-plugin writes without TLS.
        assert!(parse_handshake("1|1|tcp|127.0.0.1:1|grpc|", Protocol::Grpc).is_ok());
        // A stock plugin's line, and an old one without the protocol.
        let hs = parse_handshake("1|1|unix|/tmp/plugin252686117|netrpc|\n", Protocol::NetRpc).unwrap();
        assert_eq!(hs.address, PluginAddress::Unix("/tmp/plugin252686117".into()));
        assert!(parse_handshake("1|1|unix|/tmp/p", Protocol::NetRpc).is_ok());
    }

    #[test]
    fn rejects_what_the_server_rejects() {
        for (line, needle) in [
            ("hello world", "first stdout line"),
            ("2|1|tcp|127.0.0.1:1|grpc", "core protocol version 2"),
            ("x|1|tcp|127.0.0.1:1|grpc", "not a number"),
            ("1|2|tcp|127.0.0.1:1|grpc", "app protocol version 2"),
            ("1|1|udp|127.0.0.1:1|grpc", "\"udp\""),
            ("1|1|tcp|localhost|grpc", "host:port"),
            ("1|1|tcp|127.0.0.1:1|netrpc", "\"netrpc\""),
            ("1|1|tcp|127.0.0.1:1", "protocol is missing"),
            ("1|1|tcp|127.0.0.1:1|grpc|Q0VSVA==", "TLS"),
            ("1|1|unix||grpc", "not supported"),
        ] {
            let err = parse_handshake(line, Protocol::Grpc).unwrap_err();
            assert!(err.contains(needle), "{line}: {err}");
        }
        let err = parse_handshake("1|1|tcp|127.0.0.1:1|grpc", Protocol::NetRpc).unwrap_err();
        assert!(err.contains("unsupported plugin protocol \"grpc\""), "{err}");
    }
}
