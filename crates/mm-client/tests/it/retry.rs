//! Retries: only where safe, never a duplicate `CreatePost`, and within a budget.

#![allow(unreachable_pub, missing_docs)]

use crate::support;

use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use mm_client::{Client, ErrorKind, RetryPolicy, RpcRequest, RpcResponse, RpcService};
use mm_types::{ChannelId, Post, UserId, wire};
use support::{ApiServer, respond, status, valid_response};
use tower::{Service, ServiceExt};

fn fast_retries() -> RetryPolicy {
    RetryPolicy::default().initial_backoff(Duration::from_millis(5)).max_backoff(Duration::from_millis(20))
}

fn output_of(method: &str) -> bytes::Bytes {
    valid_response(&support::plugin_api().methods().find(|m| m.name() == method).unwrap().output())
}

/// A user layer that restarts the server (on the same port) after the first failed attempt,
/// before the retry layer decides what to do: a deterministic "server came back".
#[derive(Clone)]
struct RestartAfterFirstFailure {
    inner: RpcService,
    server: Arc<Mutex<Option<ApiServer>>>,
    stopped: ApiServer,
    attempts: Arc<Mutex<Vec<(String, u32)>>>,
}

impl Service<RpcRequest> for RestartAfterFirstFailure {
    type Response = RpcResponse;
    type Error = mm_client::Error;
    type Future = support::BoxFuture<mm_client::Result<RpcResponse>>;

    fn poll_ready(&mut self, _cx: &mut std::task::Context<'_>) -> std::task::Poll<mm_client::Result<()>> {
        std::task::Poll::Ready(Ok(()))
    }

    fn call(&mut self, request: RpcRequest) -> Self::Future {
        let this = self.clone();
        Box::pin(async move {
            this.attempts.lock().unwrap().push((request.method.name.to_string(), request.attempt));
            let result = this.inner.clone().oneshot(request).await;
            if result.is_err() && this.server.lock().unwrap().is_none() {
                let restarted = this.stopped.restart().await;
                *this.server.lock().unwrap() = Some(restarted);
            }
            result
        })
    }
}

/// A connected client whose server is then stopped; the layer brings it back.
async fn client_with_restarting_server() -> (Client, ApiServer, Arc<Mutex<Vec<(String, u32)>>>) {
    let server = ApiServer::start().await;
    let slot = Arc::new(Mutex::new(None));
    let attempts = Arc::new(Mutex::new(Vec::new()));
    let layer_server = server.clone();
    let layer_slot = Arc::clone(&slot);
    let layer_attempts = Arc::clone(&attempts);
    let client = Client::builder()
        .target(&server.target())
        .unwrap()
        .retry(fast_retries())
        .layer(tower::layer::layer_fn(move |inner| RestartAfterFirstFailure {
            inner,
            server: Arc::clone(&layer_slot),
            stopped: layer_server.clone(),
            attempts: Arc::clone(&layer_attempts),
        }))
        .connect()
        .await
        .unwrap();
    server.stop().await;
    (client, server, attempts)
}

#[tokio::test]
async fn an_idempotent_call_recovers_across_a_server_restart() {
    let (client, server, attempts) = client_with_restarting_server().await;
    client.kv().set("survives", "restart").await.expect("KVSet succeeds once the server is back");
    assert_eq!(server.calls("KVSet").len(), 1);
    assert_eq!(*attempts.lock().unwrap(), vec![("KVSet".to_string(), 1), ("KVSet".to_string(), 2)]);

    // And a read-only call retried on UNAVAILABLE answered by a live server.
    let failures = Arc::new(AtomicU32::new(0));
    let f = Arc::clone(&failures);
    server.on(
        "GetUser",
        respond(move |_| {
            if f.fetch_add(1, Ordering::SeqCst) == 0 {
                Err(tonic::Status::unavailable("app.server.shutting_down: Try again."))
            } else {
                Ok(output_of("GetUser"))
            }
        }),
    );
    client.users().get(&UserId::from_raw("u")).await.expect("retried after UNAVAILABLE");
    assert_eq!(server.calls("GetUser").len(), 2);
}

#[tokio::test]
async fn a_create_post_that_reached_the_server_is_never_repeated() {
    let server = ApiServer::start().await;
    server.on("CreatePost", status(tonic::Code::Unavailable, "app.post.create.unavailable: Try again."));
    let client =
        Client::builder().target(&server.target()).unwrap().retry(fast_retries()).connect().await.unwrap();
    let err = client.posts().create(Post::new(ChannelId::from_raw("c"), "once")).await.unwrap_err();
    assert!(err.is_unavailable());
    assert_eq!(err.rpc(), Some("CreatePost"));
    assert_eq!(server.calls("CreatePost").len(), 1, "CreatePost must not be sent twice");

    // The same answer for an idempotent call is retried up to the limit.
    server.on("UpdatePost", status(tonic::Code::Unavailable, "app.post.update.unavailable: Try again."));
    let limited = Client::builder()
        .target(&server.target())
        .unwrap()
        .retry(fast_retries().max_attempts(3))
        .connect()
        .await
        .unwrap();
    let err = limited.posts().update(Post::new(ChannelId::from_raw("c"), "edit")).await.unwrap_err();
    assert!(err.is_unavailable());
    assert_eq!(server.calls("UpdatePost").len(), 3);
}

#[tokio::test]
async fn a_refused_connection_is_retried_for_any_rpc() {
    let (client, server, attempts) = client_with_restarting_server().await;
    let post = client.posts().create(Post::new(ChannelId::from_raw("c"), "after restart")).await;
    assert!(post.is_ok(), "{post:?}");
    assert_eq!(server.calls("CreatePost").len(), 1, "exactly one CreatePost reached the server");
    assert_eq!(attempts.lock().unwrap().len(), 2);
}

#[tokio::test]
async fn the_retry_budget_stops_retries_when_exhausted() {
    let server = ApiServer::start().await;
    server.on("GetUser", status(tonic::Code::Unavailable, "app.down: Down."));
    let client = Client::builder()
        .target(&server.target())
        .unwrap()
        .retry(fast_retries().budget(Duration::from_secs(10), 0, 0.0))
        .connect()
        .await
        .unwrap();
    let err = client.users().get(&UserId::from_raw("u")).await.unwrap_err();
    assert!(err.is_unavailable());
    assert_eq!(server.calls("GetUser").len(), 1, "no budget, no retry");
}

#[tokio::test]
async fn errors_that_are_not_unavailable_are_not_retried() {
    let server = ApiServer::start().await;
    server.on("GetUser", status(tonic::Code::NotFound, "app.user.missing: Missing."));
    let client =
        Client::builder().target(&server.target()).unwrap().retry(fast_retries()).connect().await.unwrap();
    let err = client.users().get(&UserId::from_raw("u")).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Server);
    assert_eq!(server.calls("GetUser").len(), 1);
}

#[tokio::test]
async fn user_layers_see_every_attempt_and_can_add_metadata() {
    let server = ApiServer::start().await;
    let client = Client::builder()
        .target(&server.target())
        .unwrap()
        .layer(tower::util::MapRequestLayer::new(|mut request: RpcRequest| {
            request.metadata.insert("x-plugin-trace", http::HeaderValue::from_static("on"));
            request
        }))
        .connect()
        .await
        .unwrap();
    client.users().get(&UserId::from_raw("u")).await.unwrap();
    let call = server.calls("GetUser").pop().unwrap();
    assert_eq!(call.metadata.get("x-plugin-trace").map(String::as_str), Some("on"));
    let _: Option<wire::GetUserRequest> = server.last("GetUser");
}

// ----- Transport failures of a stressed server (raw HTTP/2) -----------------------------------

use prost::Message as _;
use support::raw_h2::{Misbehave, RawServer};

fn kv_value(value: &'static [u8]) -> bytes::Bytes {
    bytes::Bytes::from(
        wire::KvGetResponse { error: None, value: bytes::Bytes::from_static(value) }.encode_to_vec(),
    )
}

async fn client_of(server: &RawServer) -> Client {
    Client::builder().target(&server.target()).unwrap().retry(fast_retries()).connect().await.unwrap()
}

#[tokio::test]
async fn a_read_only_call_is_retried_after_each_kind_of_broken_connection() {
    let plans: [(&str, support::raw_h2::Plan); 3] = [
        ("connection dropped", |n| if n == 0 { Misbehave::DropConnection } else { Misbehave::Answer }),
        ("GOAWAY", |n| if n == 0 { Misbehave::GoAway } else { Misbehave::Answer }),
        ("stream refused", |n| if n == 0 { Misbehave::RefuseStream } else { Misbehave::Answer }),
    ];
    for (what, plan) in plans {
        let server = RawServer::start(plan, kv_value(b"still here")).await;
        let client = client_of(&server).await;
        let value = client.kv().get("key").await;
        assert_eq!(value.unwrap().as_deref(), Some(&b"still here"[..]), "KVGet after {what}");
        assert_eq!(server.requests(), 2, "{what}: the first attempt failed, the second was answered");
    }
}

#[tokio::test]
async fn a_call_that_may_have_run_is_not_repeated_but_a_refused_stream_is() {
    let create = wire::CreatePostResponse { error: None, post: Some(Default::default()) };
    let answer = bytes::Bytes::from(create.encode_to_vec());
    for plan in [
        (|n| if n == 0 { Misbehave::DropConnection } else { Misbehave::Answer }) as support::raw_h2::Plan,
        |n| if n == 0 { Misbehave::GoAway } else { Misbehave::Answer },
    ] {
        let server = RawServer::start(plan, answer.clone()).await;
        let err = client_of(&server).await.posts().create(Post::new(ChannelId::from_raw("c"), "once")).await;
        let err = err.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Transport, "{err:?}");
        assert!(!err.is_never_sent(), "{err:?}");
        assert_eq!(server.requests(), 1, "a CreatePost the server may have run is not sent again: {err}");
    }
    // REFUSED_STREAM says the server did not process the stream (RFC 9113, 8.7): any call may
    // be sent again.
    let server =
        RawServer::start(|n| if n == 0 { Misbehave::RefuseStream } else { Misbehave::Answer }, answer).await;
    let post = client_of(&server).await.posts().create(Post::new(ChannelId::from_raw("c"), "once")).await;
    assert!(post.is_ok(), "{post:?}");
    assert_eq!(server.requests(), 2);
}
