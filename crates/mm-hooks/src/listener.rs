//! Where the hook server listens: a loopback TCP port (the default go-plugin handshake) or a
//! unix socket only the plugin's user can open.

use std::fmt;
use std::io;
use std::net::SocketAddr;
use std::ops::RangeInclusive;
use std::os::unix::fs::{DirBuilderExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use futures_util::Stream;
use mm_proto::protocol::{Protocol, handshake_line};
use tokio::net::{TcpListener, TcpStream, UnixListener, UnixStream};
use tokio_util::sync::CancellationToken;

use crate::conn::{ConnectionCount, TrackedConnection};
use crate::runtime_error::RuntimeError;

/// The address the hook server listens on, as announced in the handshake.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ListenAddr {
    /// A TCP address (`127.0.0.1:<port>`).
    Tcp(SocketAddr),
    /// A unix socket path.
    Unix(PathBuf),
}

impl ListenAddr {
    /// The go-plugin handshake line: `1|1|tcp|127.0.0.1:<port>|grpc` (core protocol 1, app
    /// protocol 1, network, address, protocol), without the newline.
    pub fn handshake_line(&self) -> String {
        match self {
            ListenAddr::Tcp(addr) => handshake_line("tcp", &addr.to_string(), Protocol::Grpc),
            ListenAddr::Unix(path) => handshake_line("unix", &path.display().to_string(), Protocol::Grpc),
        }
    }
}

impl fmt::Display for ListenAddr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ListenAddr::Tcp(addr) => write!(f, "{addr}"),
            ListenAddr::Unix(path) => write!(f, "unix:{}", path.display()),
        }
    }
}

/// A bound listener for the hook server.
pub struct Listener {
    kind: Kind,
}

enum Kind {
    Tcp(TcpListener),
    /// The socket, and the private folder created for it (removed on drop), if any.
    Unix(UnixListener, PathBuf, Option<SocketDir>),
}

impl Listener {
    /// Serves on a TCP listener the caller bound.
    pub fn tcp(listener: TcpListener) -> Self {
        Listener { kind: Kind::Tcp(listener) }
    }

    /// Serves on a unix socket the caller bound at `path`.
    pub fn unix(listener: UnixListener, path: impl Into<PathBuf>) -> Self {
        Listener { kind: Kind::Unix(listener, path.into(), None) }
    }

    /// Binds the first free port on 127.0.0.1 in `ports`, trying them in order as go-plugin
    /// does.
    pub fn bind_loopback(ports: RangeInclusive<u16>) -> Result<Self, RuntimeError> {
        let (first, last) = (*ports.start(), *ports.end());
        let mut last_error = None;
        for port in ports {
            match std::net::TcpListener::bind(("127.0.0.1", port)) {
                Ok(listener) => {
                    listener.set_nonblocking(true).map_err(|e| RuntimeError::Bind(e.to_string()))?;
                    let listener =
                        TcpListener::from_std(listener).map_err(|e| RuntimeError::Bind(e.to_string()))?;
                    return Ok(Listener::tcp(listener));
                }
                Err(e) => last_error = Some(e),
            }
        }
        Err(RuntimeError::Bind(format!(
            "no free port on 127.0.0.1 in {first}..={last} (last error: {})",
            last_error.map_or_else(|| "empty range".to_owned(), |e| e.to_string())
        )))
    }

    /// Binds a unix socket in a new folder inside `dir` that only this user can enter
    /// (mode 0700; the socket itself is 0600). Both are removed when the listener is dropped.
    pub fn bind_unix_in(dir: &Path) -> Result<Self, RuntimeError> {
        let bind_error =
            |what: &str, e: io::Error| RuntimeError::Bind(format!("{what} in {}: {e}", dir.display()));
        let folder = dir.join(format!(
            "mm-plugin-{}-{:08x}",
            std::process::id(),
            u32::from_le_bytes(mm_types::__random_bytes())
        ));
        std::fs::DirBuilder::new()
            .mode(0o700)
            .create(&folder)
            .map_err(|e| bind_error("cannot create a socket folder", e))?;
        let guard = SocketDir(folder.clone());
        let path = folder.join("plugin.sock");
        let listener = UnixListener::bind(&path).map_err(|e| bind_error("cannot bind a unix socket", e))?;
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600))
            .map_err(|e| bind_error("cannot restrict the socket's permissions", e))?;
        Ok(Listener { kind: Kind::Unix(listener, path, Some(guard)) })
    }

    /// The address to announce in the handshake.
    pub fn local_addr(&self) -> Result<ListenAddr, RuntimeError> {
        match &self.kind {
            Kind::Tcp(l) => l
                .local_addr()
                .map(ListenAddr::Tcp)
                .map_err(|source| RuntimeError::Io { what: "reading the listener's address", source }),
            Kind::Unix(_, path, _) => Ok(ListenAddr::Unix(path.clone())),
        }
    }

    /// The accepted connections, counted and closable, as tonic's incoming stream.
    pub(crate) fn into_incoming(self, count: Arc<ConnectionCount>, close: CancellationToken) -> Incoming {
        match self.kind {
            Kind::Tcp(listener) => Incoming::Tcp(Box::pin(futures_util::stream::unfold(
                (listener, count, close),
                |(listener, count, close)| async move {
                    let accepted = listener.accept().await.map(|(stream, _)| {
                        // gRPC messages are small and latency-bound: do not wait to fill packets.
                        let _ = stream.set_nodelay(true);
                        TrackedConnection::new(stream, &count, &close)
                    });
                    Some((accepted, (listener, count, close)))
                },
            ))),
            Kind::Unix(listener, _, dir) => Incoming::Unix(Box::pin(futures_util::stream::unfold(
                (listener, count, close, dir),
                |(listener, count, close, dir)| async move {
                    let accepted = listener
                        .accept()
                        .await
                        .map(|(stream, _)| TrackedConnection::new(stream, &count, &close));
                    Some((accepted, (listener, count, close, dir)))
                },
            ))),
        }
    }
}

impl From<TcpListener> for Listener {
    fn from(listener: TcpListener) -> Self {
        Listener::tcp(listener)
    }
}

impl fmt::Debug for Listener {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.kind {
            Kind::Tcp(l) => f.debug_tuple("Listener::Tcp").field(&l.local_addr().ok()).finish(),
            Kind::Unix(_, path, _) => f.debug_tuple("Listener::Unix").field(path).finish(),
        }
    }
}

type ConnStream<IO> = std::pin::Pin<Box<dyn Stream<Item = io::Result<TrackedConnection<IO>>> + Send>>;

/// The incoming connections of either kind.
pub(crate) enum Incoming {
    Tcp(ConnStream<TcpStream>),
    Unix(ConnStream<UnixStream>),
}

/// A folder created for a unix socket; removed with its contents when dropped.
struct SocketDir(PathBuf);

impl Drop for SocketDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn loopback_binding_skips_ports_in_use() {
        let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = taken.local_addr().unwrap().port();
        let Ok(listener) = Listener::bind_loopback(port..=port.saturating_add(50)) else {
            return; // every port after it is taken too on this machine: nothing to check
        };
        let ListenAddr::Tcp(addr) = listener.local_addr().unwrap() else { panic!("tcp") };
        assert_ne!(addr.port(), port);
        assert!(addr.ip().is_loopback());
        assert!(listener.local_addr().unwrap().handshake_line().starts_with("1|1|tcp|127.0.0.1:"));

        let err = Listener::bind_loopback(port..=port).unwrap_err();
        assert!(err.to_string().contains(&format!("no free port on 127.0.0.1 in {port}..={port}")), "{err}");
    }

    #[tokio::test]
    async fn unix_sockets_are_private_and_cleaned_up() {
        let base = std::env::temp_dir().join(format!("mm-hooks-test-{}", std::process::id()));
        std::fs::create_dir_all(&base).unwrap();
        let listener = Listener::bind_unix_in(&base).unwrap();
        let ListenAddr::Unix(path) = listener.local_addr().unwrap() else { panic!("unix") };
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&path), 0o600);
        assert_eq!(mode(path.parent().unwrap()), 0o700);
        assert_eq!(
            listener.local_addr().unwrap().handshake_line(),
            format!("1|1|unix|{}|grpc", path.display())
        );
        drop(listener);
        assert!(!path.parent().unwrap().exists());
        std::fs::remove_dir_all(&base).unwrap();
    }
}
