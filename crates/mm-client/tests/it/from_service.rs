//! A client over a service of the test's own (`tower::service_fn`): how a plugin author tests
//! code that calls the PluginAPI without a server, with the client's whole stack on top.

#![allow(unreachable_pub, missing_docs)]

use std::sync::{Arc, Mutex};
use std::time::Duration;

use mm_client::rpc::wire;
use mm_client::{Client, Code, ErrorKind, RetryPolicy, RpcRequest, RpcResponse};
use mm_types::{ChannelId, Post, UserId};

/// A fake server that answers `GetUser` and records every request it sees.
fn fake_server(
    seen: Arc<Mutex<Vec<(String, u32)>>>,
) -> impl tower::Service<
    RpcRequest,
    Response = RpcResponse,
    Error = mm_client::Error,
    Future = impl Future<Output = mm_client::Result<RpcResponse>> + Send,
> + Clone
+ Send
+ Sync
+ 'static {
    tower::service_fn(move |request: RpcRequest| {
        seen.lock().unwrap().push((request.method.name.to_string(), request.attempt));
        let answer = match request.downcast_ref::<wire::GetUserRequest>() {
            Some(get) => {
                let user =
                    wire::User { id: get.user_id.clone(), username: "alice".into(), ..Default::default() };
                RpcResponse::message(wire::GetUserResponse { user: Some(user), ..Default::default() })
            }
            // Every other call: the server's AppError, the in-body way.
            None => {
                let error = wire::AppError {
                    id: "api.post.create_post.town_square_read_only".into(),
                    message: "This channel is read-only.".into(),
                    status_code: 403,
                    ..Default::default()
                };
                RpcResponse::message(wire::CreatePostResponse { error: Some(error), ..Default::default() })
            }
        };
        async move { Ok(answer) }
    })
}

#[tokio::test]
async fn typed_methods_run_over_a_service_function() {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let client = Client::from_service(fake_server(Arc::clone(&seen)));
    let id = UserId::from_raw("u".repeat(26));
    let user = client.users().get(&id).await.unwrap();
    assert_eq!((user.id, user.username.as_str()), (id, "alice"));

    let refused = client.posts().create(Post::new(ChannelId::from_raw("c"), "hi")).await.unwrap_err();
    assert!(refused.is_permission_denied(), "{refused:?}");
    assert_eq!(refused.rpc(), Some("CreatePost"));
    assert_eq!(refused.app_error().unwrap().id, "api.post.create_post.town_square_read_only");
    assert_eq!(*seen.lock().unwrap(), vec![("GetUser".to_string(), 1), ("CreatePost".to_string(), 1)]);
    assert!(client.target().is_none());
}

#[tokio::test]
async fn the_stack_retries_over_the_service_and_the_longest_timeout_does_not_overflow() {
    let calls = Arc::new(Mutex::new(0u32));
    let counter = Arc::clone(&calls);
    let flaky = tower::service_fn(move |request: RpcRequest| {
        let attempt = {
            let mut calls = counter.lock().unwrap();
            *calls += 1;
            *calls
        };
        async move {
            assert_eq!(request.attempt, attempt, "the retry layer numbers attempts");
            if attempt == 1 {
                Err(mm_client::Error::status(Code::Unavailable, "app.server.shutting_down: Try again."))
            } else {
                Ok(RpcResponse::message(wire::GetServerVersionResponse {
                    version: "10.11.0".into(),
                    ..Default::default()
                }))
            }
        }
    });
    let retries = RetryPolicy::default()
        .initial_backoff(Duration::from_millis(1))
        .max_backoff(Duration::from_millis(5));
    let client = Client::builder().retry(retries).service(flaky).with_timeout(Duration::MAX);
    assert_eq!(client.system().server_version().await.unwrap(), "10.11.0");
    assert_eq!(*calls.lock().unwrap(), 2);
}

#[tokio::test]
async fn a_response_of_the_wrong_type_is_malformed_not_a_panic() {
    let wrong =
        tower::service_fn(|_: RpcRequest| async { Ok(RpcResponse::message(wire::KvGetResponse::default())) });
    let client = Client::builder().retry(RetryPolicy::disabled()).service(wrong);
    let err = client.users().get(&UserId::from_raw("u")).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::MalformedResponse);
    assert_eq!(err.rpc(), Some("GetUser"));
}
