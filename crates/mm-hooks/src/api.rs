//! The connection to the server's PluginAPI.
//!
//! Interim seam until `mm-client` lands: the runtime checks the address and connects a gRPC
//! channel at startup, so a plugin with a bad or unreachable API target fails at launch with
//! a clear message. The hook context gets `mm_client::Client` from here once it exists.

use std::time::Duration;

use tonic::transport::{Channel, Endpoint};

use crate::runtime_error::RuntimeError;

/// How long startup waits for the PluginAPI connection (the server's handshake timeout is 10 s).
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);

/// Checks that `target` is `host:port`.
pub(crate) fn check_target(target: &str) -> Result<(), String> {
    let bad = |why: &str| Err(format!("{target:?} is not a host:port address ({why})"));
    let Some((host, port)) = target.rsplit_once(':') else {
        return bad("no port");
    };
    if host.is_empty() {
        return bad("no host");
    }
    if port.parse::<u16>().map_or(true, |p| p == 0) {
        return bad("the port is not 1-65535");
    }
    if target.contains('/') || target.contains(char::is_whitespace) {
        return bad("unexpected characters");
    }
    Ok(())
}

/// Connects to the PluginAPI at `target` (plaintext HTTP/2, as the server listens).
pub(crate) async fn connect(target: &str) -> Result<Channel, RuntimeError> {
    let failed = |reason: String| RuntimeError::ApiConnection { target: target.to_owned(), reason };
    let endpoint = Endpoint::from_shared(format!("http://{target}"))
        .map_err(|e| failed(e.to_string()))?
        .connect_timeout(CONNECT_TIMEOUT);
    endpoint.connect().await.map_err(|e| {
        let mut reason = e.to_string();
        let mut source = std::error::Error::source(&e);
        while let Some(cause) = source {
            reason.push_str(": ");
            reason.push_str(&cause.to_string());
            source = cause.source();
        }
        failed(reason)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets_are_host_and_port() {
        assert!(check_target("127.0.0.1:8065").is_ok());
        assert!(check_target("[::1]:8065").is_ok());
        for bad in ["", "localhost", ":80", "127.0.0.1:0", "127.0.0.1:http", "http://127.0.0.1:80", "a b:1"] {
            assert!(check_target(bad).is_err(), "{bad}");
        }
    }

    #[tokio::test]
    async fn an_unreachable_server_is_a_clear_error() {
        // A port that was just free: nothing listens there.
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let err = connect(&format!("127.0.0.1:{port}")).await.unwrap_err().to_string();
        assert!(
            err.starts_with(&format!("cannot connect to the Mattermost PluginAPI at 127.0.0.1:{port}")),
            "{err}"
        );
    }
}
