//! Property: however a body is split into chunks (empty ones included, large ones included),
//! the other side of the real gRPC stream reassembles exactly the same bytes, in both
//! directions, and no message on the wire carries more than 64 KiB.

mod support;

use std::convert::Infallible;
use std::sync::OnceLock;

use bytes::Bytes;
use futures_util::StreamExt;
use http_body_util::{BodyExt, StreamBody};
use mm_proto::SERVE_HTTP_CHUNK_SIZE;
use mm_proto::v1 as wire;
use proptest::prelude::*;
use support::*;

/// One plugin and one runtime for all cases.
fn fixture() -> &'static (tokio::runtime::Runtime, Setup) {
    static FIXTURE: OnceLock<(tokio::runtime::Runtime, Setup)> = OnceLock::new();
    FIXTURE.get_or_init(|| {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("runtime");
        let setup = runtime.block_on(setup());
        (runtime, setup)
    })
}

/// Chunk lengths (some empty, some beyond 64 KiB) and whether the producer pauses before each.
fn splits() -> impl Strategy<Value = Vec<(usize, bool)>> {
    let length = prop_oneof![
        3 => Just(0usize),
        6 => 1usize..2_000,
        2 => 2_000usize..70_000,
        1 => 60_000usize..150_000,
    ];
    prop::collection::vec((length, any::<bool>()), 0..12)
}

fn total(split: &[(usize, bool)]) -> usize {
    split.iter().map(|(len, _)| len).sum()
}

/// The pattern cut into the chunks of `split`.
fn chunks(split: &[(usize, bool)]) -> Vec<Bytes> {
    let mut offset = 0;
    split
        .iter()
        .map(|(len, _)| {
            let chunk = Bytes::from(pattern(offset, *len));
            offset += len;
            chunk
        })
        .collect()
}

fn config() -> ProptestConfig {
    ProptestConfig { cases: 32, failure_persistence: None, ..ProptestConfig::default() }
}

proptest! {
    #![proptest_config(config())]

    /// Server to plugin at the message level: any split of the request body, sent as
    /// ServeHTTP messages, reaches the handler intact (it echoes it back).
    #[test]
    fn request_messages_reassemble_in_the_plugin(split in splits(), declare_length in any::<bool>()) {
        let (runtime, setup) = fixture();
        let size = total(&split);
        let mut chunks = chunks(&split);
        if chunks.is_empty() {
            chunks.push(Bytes::new());
        }
        let last = chunks.len() - 1;
        let init = wire::ServeHttpRequestInit {
            method: "POST".into(),
            url: "/echo".into(),
            content_length: if declare_length { size as i64 } else { -1 },
            ..Default::default()
        };
        let messages: Vec<_> = chunks
            .into_iter()
            .enumerate()
            .map(|(i, chunk)| wire::ServeHttpRequest {
                init: (i == 0).then(|| init.clone()),
                body_chunk: chunk,
                body_complete: i == last,
            })
            .collect();
        let replies: Vec<wire::ServeHttpResponse> = runtime.block_on(async {
            let mut client = connect(setup.addr).await;
            let replies = client.serve_http(futures_util::stream::iter(messages)).await.expect("call").into_inner();
            within("replies", replies.collect::<Vec<_>>()).await.into_iter().collect::<Result<_, _>>().expect("ok")
        });
        prop_assert_eq!(replies[0].init.as_ref().map(|h| h.status_code), Some(200));
        prop_assert!(replies.iter().all(|r| r.body_chunk.len() <= SERVE_HTTP_CHUNK_SIZE));
        let body: Vec<u8> = replies.iter().flat_map(|r| r.body_chunk.to_vec()).collect();
        prop_assert_eq!(body.len(), size);
        prop_assert!(body == pattern(0, size));
    }

    /// Plugin to server: any frames a handler's body yields (with pauses between them) go out
    /// as messages of at most 64 KiB that reassemble to the same bytes, both on the wire and
    /// through the host-side bridge.
    #[test]
    fn response_frames_reassemble_on_the_server(split in splits()) {
        let (runtime, setup) = fixture();
        let size = total(&split);
        let spec = serde_json::to_vec(&split).expect("json");
        let replies: Vec<wire::ServeHttpResponse> = runtime.block_on(async {
            let init = wire::ServeHttpRequestInit {
                method: "POST".into(),
                url: "/frames".into(),
                headers: vec![wire::HttpHeader { key: "Content-Type".into(), values: vec!["application/json".into()] }],
                content_length: spec.len() as i64,
                ..Default::default()
            };
            let first = wire::ServeHttpRequest { init: Some(init), body_chunk: Bytes::from(spec.clone()), body_complete: true };
            let mut client = connect(setup.addr).await;
            let replies = client.serve_http(futures_util::stream::iter([first])).await.expect("call").into_inner();
            within("replies", replies.collect::<Vec<_>>()).await.into_iter().collect::<Result<_, _>>().expect("ok")
        });
        prop_assert_eq!(replies[0].init.as_ref().map(|h| h.status_code), Some(200));
        prop_assert!(replies.iter().all(|r| r.body_chunk.len() <= SERVE_HTTP_CHUNK_SIZE));
        prop_assert_eq!(replies.iter().filter(|r| r.body_complete).count(), 1);
        prop_assert!(replies.last().expect("a reply").body_complete);
        let body: Vec<u8> = replies.iter().flat_map(|r| r.body_chunk.to_vec()).collect();
        prop_assert!(body == pattern(0, size));

        let through_host = runtime.block_on(async {
            let request = request("POST", "/frames").header("content-type", "application/json").body(http_body_util::Full::new(Bytes::from(spec))).expect("request");
            let response = setup.forward(request).await;
            within("read", response.into_body().collect()).await.expect("body").to_bytes()
        });
        prop_assert!(through_host == pattern(0, size));
    }

    /// Host to plugin: any frames of an HTTP request body (with pauses) reach the handler
    /// intact through the host-side bridge.
    #[test]
    fn request_frames_reassemble_through_the_bridge(split in splits()) {
        let (runtime, setup) = fixture();
        let size = total(&split);
        let pauses: Vec<bool> = split.iter().map(|(_, pause)| *pause).collect();
        let frames = futures_util::stream::iter(chunks(&split).into_iter().zip(pauses)).then(|(chunk, pause)| async move {
            if pause {
                tokio::task::yield_now().await;
            }
            Ok::<_, Infallible>(http_body::Frame::data(chunk))
        });
        let echoed = runtime.block_on(async {
            let request = request("POST", "/echo").body(StreamBody::new(frames)).expect("request");
            let response = setup.forward(request).await;
            within("read", response.into_body().collect()).await.expect("body").to_bytes()
        });
        prop_assert_eq!(echoed.len(), size);
        prop_assert!(echoed == pattern(0, size));
    }
}
