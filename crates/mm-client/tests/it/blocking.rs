//! The blocking client: the same surface, usable from plain threads.

#![allow(unreachable_pub, missing_docs)]

use crate::support;

use std::time::Duration;

use mm_client::ErrorKind;
use mm_types::{ChannelId, Page, Post, UserId, wire};

/// A server on a runtime of its own, as a Mattermost server would be to a sync plugin.
fn server() -> (tokio::runtime::Runtime, support::ApiServer) {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let server = runtime.block_on(support::ApiServer::start());
    (runtime, server)
}

#[test]
fn blocking_calls_return_results_from_plain_threads() {
    let (_runtime, server) = server();
    let client = mm_client::blocking::Client::connect(&server.target()).unwrap();
    let threads: Vec<_> = (0..4)
        .map(|i| {
            let client = client.clone();
            std::thread::spawn(move || {
                let user = client.users().get(&UserId::from_raw(format!("user-{i}")))?;
                let page = client
                    .users()
                    .list()
                    .in_channel(&ChannelId::from_raw("c"))
                    .page(Page::first(10))
                    .send()?;
                client.posts().create(Post::new(ChannelId::from_raw("c"), format!("from thread {i}")))?;
                Ok::<_, mm_client::Error>((user, page))
            })
        })
        .collect();
    for thread in threads {
        thread.join().unwrap().unwrap();
    }
    assert_eq!(server.calls("GetUser").len(), 4);
    assert_eq!(server.calls("GetUsers").len(), 4);
    let mut messages: Vec<String> = server
        .calls("CreatePost")
        .iter()
        .map(|c| {
            prost::Message::decode(c.body.clone()).map(|r: wire::CreatePostRequest| r.post.unwrap().message)
        })
        .collect::<Result<_, _>>()
        .unwrap();
    messages.sort();
    assert_eq!(messages, ["from thread 0", "from thread 1", "from thread 2", "from thread 3"]);
}

#[test]
fn blocking_errors_and_timeouts_are_the_same_as_async() {
    let (_runtime, server) = server();
    server.on("GetUser", support::status(tonic::Code::NotFound, "app.user.missing: No such user."));
    server.on(
        "GetChannel",
        std::sync::Arc::new(|_| {
            Box::pin(async {
                tokio::time::sleep(Duration::from_secs(30)).await;
                Err(tonic::Status::internal("late"))
            })
        }),
    );
    let client = mm_client::blocking::Client::builder()
        .target(&server.target())
        .unwrap()
        .timeout(Duration::from_millis(100))
        .connect_blocking()
        .unwrap();
    let err = client.users().get(&UserId::from_raw("u")).unwrap_err();
    assert!(err.is_not_found());
    let err = client.channels().get(&ChannelId::from_raw("c")).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Timeout);
}

#[test]
fn a_blocking_client_hands_out_an_async_twin_on_the_same_connection() {
    let (runtime, server) = server();
    let client = mm_client::blocking::Client::connect(&server.target()).unwrap();
    let twin = client.to_async();
    runtime.block_on(async { twin.users().get(&UserId::from_raw("u")).await }).unwrap();
    assert_eq!(server.calls("GetUser").len(), 1);
}
