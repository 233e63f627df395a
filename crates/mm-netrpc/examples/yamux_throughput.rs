//! Measures one yamux stream's throughput between two sessions of this crate over a unix
//! socket. Run in release mode:
//!
//! ```sh
//! cargo run -p mm-netrpc --release --example yamux_throughput -- 2048   # MiB to send
//! ```

use std::time::Instant;

use mm_netrpc::yamux::{Config, Session};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mib: usize = std::env::args().nth(1).map(|a| a.parse()).transpose()?.unwrap_or(1024);
    let (a, b) = tokio::net::UnixStream::pair()?;
    let client = Session::client(a, Config::default());
    let server = Session::server(b, Config::default());

    let receiver = tokio::spawn(async move {
        let mut stream = server.accept().await.expect("a stream");
        let mut buf = vec![0u8; 256 * 1024];
        let mut total = 0usize;
        loop {
            let n = stream.read(&mut buf).await?;
            if n == 0 {
                return Ok::<_, std::io::Error>(total);
            }
            total += n;
        }
    });

    let chunk = vec![0x5au8; 1024 * 1024];
    let mut stream = client.open().await?;
    let start = Instant::now();
    for _ in 0..mib {
        stream.write_all(&chunk).await?;
    }
    stream.shutdown().await?;
    let received = receiver.await??;
    let elapsed = start.elapsed();
    assert_eq!(received, mib * chunk.len());
    let rate = received as f64 / elapsed.as_secs_f64() / 1e9;
    #[allow(clippy::print_stdout)]
    {
        println!("{mib} MiB in {elapsed:.2?}: {rate:.2} GB/s");
    }
    Ok(())
}
