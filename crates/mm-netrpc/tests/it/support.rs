//! Helpers shared by the test modules: capture vectors and a raw yamux peer.
#![allow(dead_code)] // not every helper is used by every module

use std::path::PathBuf;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::UnixStream;

pub(crate) const DATA: u8 = 0;
pub(crate) const WINDOW_UPDATE: u8 = 1;
pub(crate) const PING: u8 = 2;
pub(crate) const GO_AWAY: u8 = 3;
pub(crate) const SYN: u16 = 1;
pub(crate) const ACK: u16 = 2;
pub(crate) const FIN: u16 = 4;
pub(crate) const RST: u16 = 8;

/// A file of `tests/vectors/`.
pub(crate) fn vector(name: &str) -> Vec<u8> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/vectors").join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The records of `session.cap`: (direction: 0 host->plugin, 1 plugin->host, bytes).
pub(crate) fn capture_records() -> Vec<(u8, Vec<u8>)> {
    let raw = vector("session.cap");
    let mut records = Vec::new();
    let mut at = 0;
    while at < raw.len() {
        let dir = raw[at];
        let len = u32::from_le_bytes(raw[at + 9..at + 13].try_into().unwrap()) as usize;
        records.push((dir, raw[at + 13..at + 13 + len].to_vec()));
        at += 13 + len;
    }
    records
}

/// All bytes of one direction of the capture.
pub(crate) fn capture_direction(dir: u8) -> Vec<u8> {
    capture_records().into_iter().filter(|(d, _)| *d == dir).flat_map(|(_, b)| b).collect()
}

/// A 12-byte yamux header.
pub(crate) fn header(ty: u8, flags: u16, stream: u32, length: u32) -> [u8; 12] {
    let mut out = [0u8; 12];
    out[1] = ty;
    out[2..4].copy_from_slice(&flags.to_be_bytes());
    out[4..8].copy_from_slice(&stream.to_be_bytes());
    out[8..12].copy_from_slice(&length.to_be_bytes());
    out
}

/// A decoded header as read by the raw peer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct RawFrame {
    pub(crate) ty: u8,
    pub(crate) flags: u16,
    pub(crate) stream: u32,
    pub(crate) length: u32,
}

/// A peer that speaks yamux by hand, to provoke what a correct implementation never sends.
pub(crate) struct RawPeer {
    pub(crate) sock: UnixStream,
}

impl RawPeer {
    pub(crate) async fn send(&mut self, ty: u8, flags: u16, stream: u32, length: u32) {
        self.sock.write_all(&header(ty, flags, stream, length)).await.unwrap();
    }

    pub(crate) async fn send_data(&mut self, flags: u16, stream: u32, data: &[u8]) {
        self.send(DATA, flags, stream, data.len() as u32).await;
        self.sock.write_all(data).await.unwrap();
    }

    /// The next frame and its payload (DATA only); `None` at EOF.
    pub(crate) async fn next(&mut self) -> Option<(RawFrame, Vec<u8>)> {
        let mut raw = [0u8; 12];
        match self.sock.read_exact(&mut raw).await {
            Ok(_) => {}
            Err(_) => return None,
        }
        assert_eq!(raw[0], 0, "version");
        let frame = RawFrame {
            ty: raw[1],
            flags: u16::from_be_bytes([raw[2], raw[3]]),
            stream: u32::from_be_bytes(raw[4..8].try_into().unwrap()),
            length: u32::from_be_bytes(raw[8..12].try_into().unwrap()),
        };
        let mut payload = Vec::new();
        if frame.ty == DATA {
            payload.resize(frame.length as usize, 0);
            self.sock.read_exact(&mut payload).await.unwrap();
        }
        Some((frame, payload))
    }

    /// The next frame that is not a keepalive ping.
    pub(crate) async fn next_non_ping(&mut self) -> Option<(RawFrame, Vec<u8>)> {
        loop {
            let next = self.next().await?;
            if next.0.ty != PING {
                return Some(next);
            }
        }
    }
}

/// Deterministic test payload.
pub(crate) fn pattern(len: usize, seed: u8) -> Vec<u8> {
    (0..len).map(|i| (i as u32).wrapping_mul(2_654_435_761).to_be_bytes()[0] ^ seed).collect()
}

/// Logs to the test output when `RUST_LOG` is set.
pub(crate) fn init_tracing() {
    let _ = tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::from_default_env())
        .with_test_writer()
        .try_init();
}

/// The `netrpc_plugin` example, built (once per test run) in this build's target directory.
pub(crate) fn example_plugin() -> std::path::PathBuf {
    static BUILT: std::sync::OnceLock<std::path::PathBuf> = std::sync::OnceLock::new();
    BUILT
        .get_or_init(|| {
            let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
            let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("Cargo.toml");
            let status = std::process::Command::new(cargo)
                .arg("build")
                .arg("--manifest-path")
                .arg(&manifest)
                .args(["--example", "netrpc_plugin"])
                .stdin(std::process::Stdio::null())
                .status()
                .expect("cargo runs");
            assert!(status.success(), "building the netrpc_plugin example failed");
            // target/<profile>/deps/it-<hash> -> target/<profile>/examples/netrpc_plugin
            let exe = std::env::current_exe().unwrap();
            let profile_dir = exe.parent().and_then(|deps| deps.parent()).expect("a target directory");
            let path = profile_dir.join("examples").join("netrpc_plugin");
            assert!(path.exists(), "{} not found", path.display());
            path
        })
        .clone()
}
