//! Arbitrary bytes as the messages of one net/rpc connection into our server (a `Plugin`
//! service with methods of several argument types). The server must answer or close the
//! connection, never panic, and finish once the input ends.
//!
//! Seeds: `crates/mm-netrpc/tests/vectors/01-h2p.bin` and `07-h2p.bin` without their first
//! 4 bytes (the broker id).
#![no_main]

use std::collections::HashMap;
use std::time::Duration;

use libfuzzer_sys::fuzz_target;
use mm_gob::{Interface, Limits, Value};
use mm_netrpc::rpc::{Router, Server};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

mm_gob::gob_struct! {
    #[derive(Debug, Default)]
    struct Post = "Post" {
        id: String = "Id",
        create_at: i64 = "CreateAt",
        props: HashMap<String, Option<Interface>> = "Props",
        file_ids: Vec<String> = "FileIds",
    }
}

mm_gob::gob_struct! {
    #[derive(Debug, Default)]
    struct Args = "Z_MessageWillBePostedArgs" {
        a: Option<HashMap<String, String>> = "A",
        b: Option<Post> = "B",
    }
}

fuzz_target!(|data: &[u8]| {
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    rt.block_on(async {
        let service = Router::new()
            .method("Echo", |s: String| async move { Ok::<_, String>(s) })
            .method("Add", |n: i64| async move { Ok::<_, String>(n.wrapping_add(1)) })
            .method("Implemented", |_: ()| async move { Ok::<_, String>(vec!["OnActivate".to_string()]) })
            .method("Hook", |args: Args| async move { Ok::<_, String>(args.b.unwrap_or_default()) })
            .method("Any", |v: Value| async move { Ok::<_, String>(v) })
            .method("Dispense", |s: String| async move {
                if s.is_empty() { Err("empty".to_string()) } else { Ok(1u32) }
            });
        let server = Server::new().register("Plugin", service).with_limits(Limits {
            max_message_len: 1 << 20,
            max_depth: 48,
            max_types: 256,
        });
        let (ours, peer) = tokio::io::duplex(64 * 1024);
        let (mut peer_read, mut peer_write) = tokio::io::split(peer);
        let input = data.to_vec();
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
            let (_, _, _) = tokio::join!(feed, drain, server.serve(ours));
        };
        tokio::time::timeout(Duration::from_secs(10), run)
            .await
            .expect("the server must finish when the input ends");
    });
});
