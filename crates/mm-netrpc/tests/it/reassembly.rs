//! Property tests: captured bytes cut at arbitrary points and delivered piece by piece must
//! give the same streams (yamux) and the same calls (net/rpc with values spanning messages).

use std::sync::{Arc, Mutex};

use mm_gob::Value;
use mm_netrpc::rpc::{Args, Call, Refusal, Server, Service};
use mm_netrpc::yamux::{Config, Session, Stream};
use proptest::prelude::*;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::support::{capture_direction, vector};

/// Cut points (sorted, deduplicated) inside `len` bytes.
fn cuts(len: usize) -> impl Strategy<Value = Vec<usize>> {
    proptest::collection::vec(1..len, 0..40).prop_map(|mut cuts| {
        cuts.sort_unstable();
        cuts.dedup();
        cuts
    })
}

/// Writes `data` in the pieces the cut points make, yielding between pieces.
async fn write_in_pieces<W: AsyncWriteExt + Unpin>(w: &mut W, data: &[u8], cuts: &[usize]) {
    let mut at = 0;
    for &cut in cuts.iter().chain(std::iter::once(&data.len())) {
        w.write_all(&data[at..cut]).await.unwrap();
        w.flush().await.unwrap();
        tokio::task::yield_now().await;
        at = cut;
    }
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap()
}

async fn read_n(stream: &mut Stream, n: usize) -> Vec<u8> {
    let mut out = vec![0u8; n];
    stream.read_exact(&mut out).await.unwrap();
    out
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn yamux_reassembles_the_captured_session_however_it_is_cut(cuts in cuts(8323)) {
        let h2p = capture_direction(0);
        prop_assume!(h2p.len() == 8323);
        runtime().block_on(async {
            let (ours, mut peer) = tokio::io::duplex(1 << 20);
            let session = Session::server(ours, Config::default().with_keepalive_interval(None));
            let feeding = tokio::spawn(async move {
                write_in_pieces(&mut peer, &h2p, &cuts).await;
                peer
            });
            let mut streams = Vec::new();
            for _ in 0..4 {
                streams.push(session.accept().await.unwrap());
            }
            assert_eq!(streams.iter().map(Stream::id).collect::<Vec<_>>(), [1, 3, 5, 7]);
            assert_eq!(read_n(&mut streams[0], 104).await, vector("01-h2p.bin"));
            assert_eq!(read_n(&mut streams[3], 4288).await, vector("07-h2p.bin"));
            drop(feeding.await.unwrap());
        });
    }

    #[test]
    fn netrpc_serves_the_captured_hook_calls_however_they_are_cut(cuts in cuts(4284)) {
        let requests = vector("07-h2p.bin")[4..].to_vec();
        prop_assume!(requests.len() == 4284);
        runtime().block_on(async {
            let seen = Arc::new(Mutex::new(Vec::new()));
            let server = Server::new().register("Plugin", AnyMethod(seen.clone()));
            let (mut host, plugin) = tokio::io::duplex(1 << 20);
            let serving = tokio::spawn(async move { server.serve(plugin).await });
            write_in_pieces(&mut host, &requests, &cuts).await;
            host.shutdown().await.unwrap();
            serving.await.unwrap().unwrap();
            let mut seen = seen.lock().unwrap().clone();
            seen.sort();
            assert_eq!(seen, [
                "ExecuteCommand", "ExecuteCommand", "Implemented", "MessageWillBePosted",
                "OnActivate", "OnDeactivate", "ServeHTTP",
            ]);
        });
    }
}

/// Accepts every method, decoding its arguments schema-less.
struct AnyMethod(Arc<Mutex<Vec<String>>>);

impl Service for AnyMethod {
    fn call(&self, method: &str, args: &mut Args<'_>) -> Result<Call, Refusal> {
        let value: Value = args.decode()?;
        if method == "MessageWillBePosted" {
            // The value that spans two messages: Props["nested"] survived.
            let props = value.field("B").and_then(|post| post.field("Props")).expect("the post's Props");
            assert!(props.get("nested").is_some(), "{props:?}");
        }
        self.0.lock().unwrap().push(method.to_string());
        Ok(Call::new(async { Ok::<_, String>(()) }))
    }
}
