//! Arbitrary bytes as the peer's frame stream into a yamux session of ours (the first byte
//! picks client or server mode). Every accepted stream is read to its end and answered, so
//! windows, credits, FIN and RST paths run. The session must end (the input ends with EOF)
//! without a panic, and within a bounded time.
//!
//! Seed: `crates/mm-netrpc/tests/vectors/session.cap`'s host-to-plugin bytes.
#![no_main]

use std::time::Duration;

use libfuzzer_sys::fuzz_target;
use mm_netrpc::yamux::{Config, Session};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

fuzz_target!(|data: &[u8]| {
    let Some((&mode, frames)) = data.split_first() else { return };
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    rt.block_on(async {
        let (ours, mut peer) = tokio::io::duplex(64 * 1024);
        let config = Config::default()
            .with_keepalive_interval(None)
            .with_stream_open_timeout(None)
            .with_stream_close_timeout(None)
            .with_accept_backlog(16);
        let session =
            if mode & 1 == 0 { Session::server(ours, config) } else { Session::client(ours, config) };
        let acceptor = tokio::spawn({
            let session = session.clone();
            async move {
                while let Some(mut stream) = session.accept().await {
                    tokio::spawn(async move {
                        let mut buf = vec![0u8; 4096];
                        while let Ok(n) = stream.read(&mut buf).await {
                            if n == 0 || stream.write_all(&buf[..n.min(16)]).await.is_err() {
                                break;
                            }
                        }
                        if mode & 2 == 0 {
                            let _ = stream.shutdown().await;
                        } else {
                            stream.reset();
                        }
                    });
                }
            }
        });
        let input = frames.to_vec();
        let (mut peer_read, mut peer_write) = tokio::io::split(&mut peer);
        let feed = async move {
            let _ = peer_write.write_all(&input).await;
            let _ = peer_write.shutdown().await;
        };
        let drain = async move {
            let mut sink = vec![0u8; 64 * 1024];
            while let Ok(n) = peer_read.read(&mut sink).await {
                if n == 0 {
                    break;
                }
            }
        };
        let run = async {
            tokio::join!(feed, drain, session.closed());
        };
        tokio::time::timeout(Duration::from_secs(10), run)
            .await
            .expect("the session must end when the input does");
        drop(session);
        let _ = acceptor.await;
    });
});
