//! Error mapping: both ways the server reports failures, and every `ErrorKind`.

#![allow(unreachable_pub, missing_docs)]

use crate::support;

use std::collections::HashMap;
use std::time::Duration;

use bytes::Bytes;
use mm_client::{Client, Code, ErrorKind, RetryPolicy};
use mm_types::{UserId, wire};
use support::{ApiServer, message, respond, status};

fn user_id() -> UserId {
    UserId::from_raw("user-err")
}

async fn client(server: &ApiServer) -> Client {
    Client::builder()
        .target(&server.target())
        .unwrap()
        .retry(RetryPolicy::disabled())
        .connect()
        .await
        .unwrap()
}

#[tokio::test]
async fn an_app_error_inside_an_ok_response_keeps_every_field() {
    let server = ApiServer::start().await;
    let mut params = prost_types_struct();
    params.fields.insert(
        "Key".into(),
        mm_proto::prost_types::Value {
            kind: Some(mm_proto::prost_types::value::Kind::StringValue("missing-key".into())),
        },
    );
    server.on(
        "KVGet",
        message(wire::KvGetResponse {
            error: Some(wire::AppError {
                id: "app.plugin.kv.get.app_error".into(),
                message: "Failed to get the value.".into(),
                detailed_error: "sql: no rows".into(),
                request_id: "req-42".into(),
                status_code: 404,
                r#where: "PluginAPI.KVGet".into(),
                params: Some(params),
                skip_translation: false,
            }),
            value: Bytes::new(),
        }),
    );
    let client = client(&server).await;
    let err = client.kv().get("missing-key").await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Server);
    assert_eq!(err.rpc(), Some("KVGet"));
    assert!(err.is_not_found());
    assert_eq!(err.code(), Some(Code::NotFound));
    let app = err.app_error().expect("app error kept");
    assert_eq!(app.id, "app.plugin.kv.get.app_error");
    assert_eq!(app.message, "Failed to get the value.");
    assert_eq!(app.detailed_error, "sql: no rows");
    assert_eq!(app.request_id, "req-42");
    assert_eq!(app.status_code, 404);
    assert_eq!(app.location, "PluginAPI.KVGet");
    assert_eq!(app.params.as_ref().unwrap()["Key"], "missing-key");
    assert!(
        err.to_string().starts_with("KVGet: app.plugin.kv.get.app_error: Failed to get the value."),
        "{err}"
    );
}

fn prost_types_struct() -> mm_proto::prost_types::Struct {
    mm_proto::prost_types::Struct { fields: Default::default() }
}

#[tokio::test]
async fn a_grpc_status_is_parsed_back_into_an_app_error_with_its_http_status() {
    let server = ApiServer::start().await;
    let client = client(&server).await;
    let cases: &[(tonic::Code, &str, i32)] = &[
        (tonic::Code::NotFound, "app.user.missing_account.const: Unable to find the user.", 404),
        (
            tonic::Code::PermissionDenied,
            "api.context.permissions.app_error: You do not have permission.",
            403,
        ),
        (tonic::Code::InvalidArgument, "model.user.is_valid.email.app_error: Invalid email.", 400),
        (tonic::Code::AlreadyExists, "app.user.save.username_exists.app_error: Username taken.", 409),
        (tonic::Code::Unavailable, "app.cluster.unavailable: Try later.", 503),
        (tonic::Code::Unauthenticated, "api.context.session_expired.app_error: Session expired.", 401),
        (tonic::Code::ResourceExhausted, "app.rate_limit.app_error: Too many requests.", 429),
        (tonic::Code::Internal, "app.user.get.app_error: Something failed.", 500),
    ];
    for &(code, text, http) in cases {
        server.on("GetUser", status(code, text));
        let err = client.users().get(&user_id()).await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Server, "{text}");
        assert_eq!(err.code(), Some(Code::from(code)));
        let app = err.app_error().unwrap_or_else(|| panic!("no app error for {text}"));
        let (id, msg) = text.split_once(": ").unwrap();
        assert_eq!((app.id.as_str(), app.message.as_str(), app.status_code), (id, msg, http));
        assert_eq!(err.http_status(), Some(http));
        assert_eq!(err.is_not_found(), http == 404, "{text}");
        assert_eq!(err.is_permission_denied(), http == 403, "{text}");
        assert_eq!(err.is_invalid(), http == 400, "{text}");
        assert_eq!(err.is_conflict(), http == 409, "{text}");
        assert_eq!(err.is_unavailable(), http == 503, "{text}");
        assert!(!err.is_timeout());
    }
}

#[tokio::test]
async fn statuses_that_are_not_app_errors_keep_code_and_message() {
    let server = ApiServer::start().await;
    let client = client(&server).await;
    server.on("GetUser", status(tonic::Code::Internal, "internal error: database is gone"));
    let err = client.users().get(&user_id()).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Server);
    assert_eq!(err.code(), Some(Code::Internal));
    assert!(err.app_error().is_none());
    assert!(err.to_string().contains("internal error: database is gone"), "{err}");

    server.on("CreateUser", status(tonic::Code::InvalidArgument, "user is required"));
    let err = client.users().create(Default::default()).await.unwrap_err();
    assert!(err.is_invalid());
    assert!(err.app_error().is_none());
}

#[tokio::test]
async fn a_server_deadline_exceeded_is_a_timeout() {
    let server = ApiServer::start().await;
    let client = client(&server).await;
    server.on("GetUser", status(tonic::Code::DeadlineExceeded, "context deadline exceeded"));
    let err = client.users().get(&user_id()).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Timeout);
    assert!(err.is_timeout());
}

#[tokio::test]
async fn a_refused_connection_is_a_transport_error() {
    // A port nothing listens on: bind, note the port, close.
    let addr = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap()
    };
    let err = Client::connect(&addr.to_string()).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Transport);
    assert!(err.is_unavailable());

    let lazy = Client::builder()
        .target(&addr.to_string())
        .unwrap()
        .retry(RetryPolicy::disabled())
        .connect_lazy()
        .unwrap();
    let err = lazy.users().get(&user_id()).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Transport, "{err:?}");
    assert_eq!(err.rpc(), Some("GetUser"));
    assert!(err.is_unavailable());
    assert!(err.is_never_sent(), "a refused connection proves the request never left: {err:?}");
}

#[tokio::test]
async fn a_slow_answer_is_a_timeout_and_the_deadline_reaches_the_server() {
    let server = ApiServer::start().await;
    server.on(
        "GetUser",
        std::sync::Arc::new(|_| {
            Box::pin(async {
                tokio::time::sleep(Duration::from_secs(30)).await;
                Err(tonic::Status::internal("too late"))
            })
        }),
    );
    let client = client(&server).await;
    let err = client.with_timeout(Duration::from_millis(200)).users().get(&user_id()).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Timeout);
    assert!(err.is_timeout());
    assert_eq!(err.rpc(), Some("GetUser"));
    let sent = server.calls("GetUser");
    assert_eq!(sent.len(), 1);
    assert!(sent[0].grpc_timeout.is_some(), "the gRPC deadline is sent: {:?}", sent[0].metadata);
}

#[tokio::test]
async fn the_per_call_timeout_overrides_the_builder_default() {
    let server = ApiServer::start().await;
    server.on(
        "GetUser",
        std::sync::Arc::new(|_| {
            Box::pin(async {
                tokio::time::sleep(Duration::from_millis(300)).await;
                Ok(support::valid_response(
                    &support::plugin_api().methods().find(|m| m.name() == "GetUser").unwrap().output(),
                ))
            })
        }),
    );
    let client = Client::builder()
        .target(&server.target())
        .unwrap()
        .timeout(Duration::from_millis(50))
        .connect()
        .await
        .unwrap();
    assert!(client.users().get(&user_id()).await.unwrap_err().is_timeout());
    let user = client.with_timeout(Duration::from_secs(60)).users().get(&user_id()).await;
    assert!(user.is_ok(), "{user:?}");
    assert!(client.without_timeout().users().get(&user_id()).await.is_ok());
}

#[tokio::test]
async fn an_oversized_request_is_refused_before_sending() {
    let server = ApiServer::start().await;
    let client = client(&server).await;
    let image = Bytes::from(vec![7u8; 5 * 1024 * 1024]);
    let err = client.users().set_profile_image(&user_id(), image).await.unwrap_err();
    match err.kind() {
        ErrorKind::PayloadTooLarge { size, limit } => {
            assert!(size > 5 * 1024 * 1024);
            assert_eq!(limit, 4 * 1024 * 1024);
        }
        other => panic!("expected PayloadTooLarge, got {other:?}"),
    }
    assert_eq!(err.rpc(), Some("SetProfileImage"));
    assert!(err.to_string().contains("4194304"), "{err}");
    assert!(server.calls("SetProfileImage").is_empty(), "nothing was sent");
}

#[tokio::test]
async fn a_missing_payload_or_undecodable_answer_is_a_malformed_response() {
    let server = ApiServer::start().await;
    let client = client(&server).await;
    server.on("GetUser", message(wire::GetUserResponse { error: None, user: None }));
    let err = client.users().get(&user_id()).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::MalformedResponse);
    assert!(err.to_string().contains("user"), "{err}");

    server.on("GetChannel", respond(|_| Ok(Bytes::from_static(&[0xff, 0xff, 0xff]))));
    let err = client.channels().get(&mm_types::ChannelId::from_raw("c")).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::MalformedResponse);

    // A JSON value in props that cannot be represented (a Value with no kind).
    let mut fields = std::collections::BTreeMap::new();
    fields.insert("broken".to_string(), mm_proto::prost_types::Value { kind: None });
    let post = wire::Post { props: Some(mm_proto::prost_types::Struct { fields }), ..Default::default() };
    server.on("GetPost", message(wire::GetPostResponse { error: None, post: Some(post) }));
    let err = client.posts().get(&mm_types::PostId::from_raw("p")).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::MalformedResponse, "{err:?}");
}

#[tokio::test]
async fn a_response_above_the_client_limit_is_refused_as_malformed() {
    let server = ApiServer::start().await;
    server.on(
        "GetProfileImage",
        message(wire::GetProfileImageResponse { error: None, image: Bytes::from(vec![1u8; 4096]) }),
    );
    let client =
        Client::builder().target(&server.target()).unwrap().max_response_size(1024).connect().await.unwrap();
    let err = client.users().profile_image(&user_id()).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::MalformedResponse, "{err:?}");
    assert!(err.to_string().contains("max_response_size"), "{err}");
}

#[tokio::test]
async fn bad_targets_are_configuration_errors() {
    for target in
        ["", "not an address", "127.0.0.1", "https://127.0.0.1:1", "unix:", "http://127.0.0.1:80/path"]
    {
        let err = Client::builder().target(target).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Configuration, "{target:?}");
    }
    let err = Client::builder().connect_lazy().unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Configuration);
    assert!(err.to_string().contains("MATTERMOST_PLUGIN_API_TARGET"), "{err}");
}

#[tokio::test]
async fn values_that_cannot_be_sent_are_invalid_input() {
    let server = ApiServer::start().await;
    let client = client(&server).await;
    // JSON objects need string keys.
    let mut value = HashMap::new();
    value.insert((1, 2), "pair");
    let err = client.kv().json().set("k", &value).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidInput);
    assert!(err.is_invalid());
    assert!(server.calls("KVSet").is_empty());
}

#[tokio::test]
async fn a_compare_and_set_that_never_wins_is_contention() {
    let server = ApiServer::start().await;
    server.on("KVGet", message(wire::KvGetResponse { error: None, value: Bytes::from_static(b"1") }));
    server.on("KVCompareAndSet", message(wire::KvCompareAndSetResponse { error: None, success: false }));
    let client = client(&server).await;
    let err =
        client.kv().json().modify("counter", |n: Option<u64>| Some(n.unwrap_or(0) + 1)).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Contention);
    assert!(err.is_conflict());
    assert_eq!(server.calls("KVCompareAndSet").len(), mm_client::api::MODIFY_ATTEMPTS as usize);
}

#[test]
fn a_blocking_client_inside_a_runtime_is_an_error_not_a_deadlock() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let server = runtime.block_on(ApiServer::start());
    let target = server.target();
    // Built on a plain thread: fine.
    let blocking = mm_client::blocking::Client::connect(&target).unwrap();
    assert!(blocking.users().get(&user_id()).is_ok());
    // Used from async code: a clear error.
    let err = runtime.block_on(async { blocking.users().get(&user_id()) }).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::BlockingInAsync);
    assert!(err.to_string().contains("spawn_blocking"), "{err}");
    // Sync code in the crate's spawn_blocking may block, even with a runtime current.
    let inside = blocking.clone();
    let answer = runtime
        .block_on(async { mm_client::blocking::spawn_blocking(move || inside.users().get(&user_id())).await })
        .unwrap();
    assert!(answer.is_ok(), "{answer:?}");
    // Built from async code: the same error, and dropping it there does not panic.
    let err = runtime.block_on(async { mm_client::blocking::Client::connect(&target) }).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::BlockingInAsync);
    runtime.block_on(async move { drop(blocking) });
}

#[tokio::test(flavor = "current_thread")]
async fn a_blocking_twin_of_an_async_client_shares_its_connection_without_deadlock() {
    // The server runs on this same single-threaded runtime: blocking its thread would
    // deadlock, so the twin refuses there and works in spawn_blocking.
    let server = ApiServer::start().await;
    let client = client(&server).await;
    let blocking = client.to_blocking().unwrap();
    let err = blocking.users().get(&user_id()).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::BlockingInAsync);
    let answer = mm_client::blocking::spawn_blocking(move || blocking.users().get(&user_id())).await.unwrap();
    assert!(answer.is_ok(), "{answer:?}");
    assert_eq!(server.calls("GetUser").len(), 1);
}

#[test]
fn to_blocking_outside_a_runtime_is_a_configuration_error() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let server = runtime.block_on(ApiServer::start());
    let client = runtime.block_on(client(&server));
    let err = client.to_blocking().unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Configuration);
}

#[tokio::test]
async fn a_stock_only_rpc_over_grpc_fails_at_once_as_unsupported() {
    // No server at all: the call must not wait for one (nor retry), whatever the target.
    let addr = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap()
    };
    let client = Client::builder().target(&addr.to_string()).unwrap().connect_lazy().unwrap();
    let channel = mm_types::ChannelId::from_raw("c");
    let err = client.channels().restore(&channel).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Unsupported, "{err:?}");
    assert!(err.is_unsupported());
    assert_eq!(err.rpc(), Some("RestoreChannel"));
    assert_eq!(
        err.to_string(),
        "RestoreChannel: the gRPC protocol has no RPC RestoreChannel; only the stock servers' net/rpc protocol has it"
    );
    let toast = client.realtime().send_toast(&user_id(), "", "Saved.", "").await.unwrap_err();
    assert_eq!((toast.kind(), toast.rpc()), (ErrorKind::Unsupported, Some("SendToastMessage")));
    let policy = client.access_control().get_policy("p").await.unwrap_err();
    assert_eq!((policy.kind(), policy.rpc()), (ErrorKind::Unsupported, Some("GetAccessControlPolicy")));
    assert!(policy.to_string().contains("gRPC"), "{policy}");
    let options = mm_types::PropertyRequestOptions::acting_as("system");
    let upsert = client.properties().upsert_values_with_options(Vec::new(), options).await.unwrap_err();
    assert_eq!(
        (upsert.kind(), upsert.rpc()),
        (ErrorKind::Unsupported, Some("UpsertPropertyValuesWithOptions"))
    );
    let remote = mm_types::RemoteId::from_raw("r");
    let image =
        client.shared_channels().receive_profile_image(&remote, &user_id(), vec![1u8]).await.unwrap_err();
    assert_eq!(
        (image.kind(), image.rpc()),
        (ErrorKind::Unsupported, Some("ReceiveSharedChannelProfileImageSyncMsg"))
    );
}
