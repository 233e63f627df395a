//! go-plugin's handshake: the magic cookie in the plugin's environment and the one line the
//! plugin prints on stdout, `CORE|APP|NETWORK|ADDRESS|PROTOCOL|CERT`.

use std::borrow::Cow;
use std::fmt;
use std::net::SocketAddr;
use std::path::PathBuf;

use crate::error::{Error, ErrorKind};

/// go-plugin's core protocol version (`CoreProtocolVersion`).
pub const CORE_PROTOCOL_VERSION: u32 = 1;

/// The protocol name of net/rpc plugins in the handshake line.
pub const PROTOCOL_NETRPC: &str = "netrpc";

/// The longest handshake line the host reads (Go's `bufio.Scanner` limit).
pub const MAX_LINE_LEN: usize = 64 * 1024;

/// What host and plugin agree on before they talk: the application protocol version and the
/// magic cookie (an environment variable the host sets, so a plugin binary started by hand
/// says it is a plugin instead of waiting for a connection).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HandshakeConfig {
    /// The application protocol version (the APP field of the handshake line).
    pub protocol_version: u32,
    /// The cookie's environment variable.
    pub magic_cookie_key: Cow<'static, str>,
    /// The value it must hold.
    pub magic_cookie_value: Cow<'static, str>,
}

impl HandshakeConfig {
    /// Mattermost's: version 1, `MATTERMOST_PLUGIN=Securely message teams, anywhere.`
    pub const MATTERMOST: HandshakeConfig = HandshakeConfig {
        protocol_version: 1,
        magic_cookie_key: Cow::Borrowed("MATTERMOST_PLUGIN"),
        magic_cookie_value: Cow::Borrowed("Securely message teams, anywhere."),
    };
}

/// Where the plugin listens.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PluginAddress {
    /// A unix socket path (what go-plugin uses on Unix).
    Unix(PathBuf),
    /// A TCP address (go-plugin on Windows, or `127.0.0.1:port`).
    Tcp(SocketAddr),
}

impl fmt::Display for PluginAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PluginAddress::Unix(path) => write!(f, "unix|{}", path.display()),
            PluginAddress::Tcp(addr) => write!(f, "tcp|{addr}"),
        }
    }
}

/// A parsed handshake line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Handshake {
    /// The application protocol version the plugin speaks.
    pub app_version: u32,
    /// Where to dial.
    pub address: PluginAddress,
}

impl Handshake {
    /// The line a net/rpc plugin prints, without the trailing newline:
    /// `1|1|unix|/tmp/plugin123|netrpc|`.
    pub fn to_line(&self) -> String {
        format!("{CORE_PROTOCOL_VERSION}|{}|{}|{PROTOCOL_NETRPC}|", self.app_version, self.address)
    }

    /// Parses the first line a plugin printed, with the host rules of go-plugin as Mattermost
    /// configures it: at least four `|`-separated fields, core version 1, the application
    /// version of `config`, network `unix` or `tcp` with a valid address, protocol `netrpc`
    /// (missing means netrpc; `grpc` is refused as a stock server does), no AutoMTLS
    /// certificate. Surrounding whitespace is ignored, fields after the sixth too.
    ///
    /// ```
    /// use mm_netrpc::handshake::{Handshake, HandshakeConfig, PluginAddress};
    ///
    /// let line = "1|1|unix|/tmp/plugin252686117|netrpc|\n";
    /// let handshake = Handshake::parse(line, &HandshakeConfig::MATTERMOST)?;
    /// assert_eq!(handshake.address, PluginAddress::Unix("/tmp/plugin252686117".into()));
    ///
    /// let err = Handshake::parse("1|1|tcp|127.0.0.1:10000|grpc", &HandshakeConfig::MATTERMOST).unwrap_err();
    /// assert!(err.to_string().contains("unsupported plugin protocol \"grpc\""));
    /// # Ok::<(), mm_netrpc::Error>(())
    /// ```
    pub fn parse(line: &str, config: &HandshakeConfig) -> Result<Handshake, Error> {
        let bad = |message: String| Error::new(ErrorKind::Handshake(message));
        let line = line.trim();
        let parts: Vec<&str> = line.split('|').collect();
        if parts.len() < 4 {
            return Err(bad(format!("Unrecognized remote plugin message: {}", shorten(line))));
        }
        let core = parse_version(parts[0])
            .ok_or_else(|| bad(format!("error parsing core protocol version {:?}", shorten(parts[0]))))?;
        if core != CORE_PROTOCOL_VERSION {
            return Err(bad(format!(
                "incompatible core API version with plugin. Plugin version: {core}, Core version: {CORE_PROTOCOL_VERSION}"
            )));
        }
        let app_version = parse_version(parts[1])
            .ok_or_else(|| bad(format!("error parsing plugin protocol version {:?}", shorten(parts[1]))))?;
        if app_version != config.protocol_version {
            return Err(bad(format!(
                "incompatible API version with plugin. Plugin version: {app_version}, Client versions: [{}]",
                config.protocol_version
            )));
        }
        let address = match parts[2] {
            "unix" => {
                if parts[3].is_empty() || parts[3].contains('\0') {
                    return Err(bad(format!("invalid unix socket path {:?}", shorten(parts[3]))));
                }
                PluginAddress::Unix(PathBuf::from(parts[3]))
            }
            "tcp" => PluginAddress::Tcp(
                parts[3].parse().map_err(|_| bad(format!("invalid tcp address {:?}", shorten(parts[3]))))?,
            ),
            other => return Err(bad(format!("unknown address type: {}", shorten(other)))),
        };
        let protocol = parts.get(4).copied().unwrap_or(PROTOCOL_NETRPC);
        if protocol != PROTOCOL_NETRPC {
            return Err(Error::new(ErrorKind::UnsupportedProtocol {
                protocol: shorten(protocol).into_owned(),
            }));
        }
        // go-plugin treats a sixth field longer than 50 characters as an AutoMTLS certificate,
        // which Mattermost never requests.
        if parts.get(5).is_some_and(|cert| cert.len() > 50) {
            return Err(bad("the plugin sent a TLS certificate (AutoMTLS), which is not supported".into()));
        }
        Ok(Handshake { app_version, address })
    }
}

/// Digits only (no sign, no spaces), as a `u32`.
fn parse_version(field: &str) -> Option<u32> {
    if field.is_empty() || field.len() > 10 || !field.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    field.parse().ok()
}

/// Keeps error messages readable when a plugin prints something huge.
fn shorten(text: &str) -> Cow<'_, str> {
    const MAX: usize = 200;
    if text.len() <= MAX {
        return Cow::Borrowed(text);
    }
    let mut end = MAX;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    Cow::Owned(format!("{}... ({} bytes)", &text[..end], text.len()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(line: &str) -> Result<Handshake, Error> {
        Handshake::parse(line, &HandshakeConfig::MATTERMOST)
    }

    #[test]
    fn parses_the_captured_line_and_writes_it_back() {
        let line = "1|1|unix|/tmp/plugin252686117|netrpc|";
        let handshake = parse(line).unwrap();
        assert_eq!(
            handshake,
            Handshake { app_version: 1, address: PluginAddress::Unix("/tmp/plugin252686117".into()) }
        );
        assert_eq!(handshake.to_line(), line);
    }

    #[test]
    fn accepts_what_go_plugin_accepts() {
        assert!(matches!(parse("1|1|tcp|127.0.0.1:10000").unwrap().address, PluginAddress::Tcp(_)));
        assert!(parse("  1|1|unix|/tmp/p|netrpc|short|extra|fields\r\n").is_ok());
        assert!(parse("1|1|unix|/tmp/p|netrpc").is_ok());
    }

    #[test]
    fn refuses_everything_else_with_a_reason() {
        let cases = [
            ("hello from the plugin", "Unrecognized remote plugin message: hello from the plugin"),
            ("", "Unrecognized remote plugin message"),
            ("2|1|unix|/tmp/p|netrpc|", "incompatible core API version"),
            ("+1|1|unix|/tmp/p|netrpc|", "error parsing core protocol version"),
            ("1|2|unix|/tmp/p|netrpc|", "incompatible API version"),
            ("1|x|unix|/tmp/p|netrpc|", "error parsing plugin protocol version"),
            ("1|1|udp|/tmp/p|netrpc|", "unknown address type: udp"),
            ("1|1|unix||netrpc|", "invalid unix socket path"),
            ("1|1|tcp|localhost:80|netrpc|", "invalid tcp address"),
            ("1|1|unix|/tmp/p|grpc|", "unsupported plugin protocol \"grpc\""),
            ("1|1|unix|/tmp/p||", "unsupported plugin protocol \"\""),
            (
                "1|1|unix|/tmp/p|netrpc|MIIBkTCB+wIJAKHHIG11fOJ5MA0GCSqGSIb3DQEBCwUAMA0xCzAJBgNVBAYTAlVT",
                "AutoMTLS",
            ),
        ];
        for (line, want) in cases {
            let err = parse(line).unwrap_err().to_string();
            assert!(err.contains(want), "{line:?}: {err}");
        }
    }

    #[test]
    fn a_huge_line_is_shortened_in_the_error() {
        let line = "x".repeat(10_000);
        let err = parse(&line).unwrap_err().to_string();
        assert!(err.len() < 400 && err.contains("10000 bytes"), "{err}");
    }
}
