#![allow(unreachable_pub, missing_docs)]

//! The JSON payload helper of `client.realtime()`: what reaches the server, and what never
//! leaves the client.

use crate::support;

use mm_client::ErrorKind;
use mm_types::convert::IntoWire;
use mm_types::{JsonMap, WebsocketBroadcast, wire};
use prost::Message;
use serde_json::json;

#[derive(serde::Serialize)]
struct Progress {
    job: String,
    percent: u8,
    steps: Vec<&'static str>,
}

#[tokio::test]
async fn a_serde_payload_arrives_as_the_event_payload() {
    let server = support::ApiServer::start().await;
    let client = mm_client::Client::connect(&server.target()).await.expect("connect");
    let progress = Progress { job: "export".into(), percent: 40, steps: vec!["read", "zip"] };
    let broadcast = WebsocketBroadcast::to_user(mm_types::Id::from_raw("user-progress"));

    client
        .realtime()
        .publish_websocket_event_json("progress", &progress, broadcast.clone())
        .await
        .expect("published");

    let calls = server.calls("PublishWebSocketEvent");
    assert_eq!(calls.len(), 1);
    let received = wire::PublishWebSocketEventRequest::decode(calls[0].body.clone()).unwrap();
    let expected: JsonMap =
        json!({"job": "export", "percent": 40, "steps": ["read", "zip"]}).as_object().cloned().unwrap();
    assert_eq!(
        received,
        wire::PublishWebSocketEventRequest {
            event: "progress".into(),
            payload: Some(expected.into_wire()),
            broadcast: Some(broadcast.into_wire()),
        }
    );
}

#[tokio::test]
async fn a_payload_that_is_not_an_object_is_refused_before_sending() {
    let server = support::ApiServer::start().await;
    let client = mm_client::Client::connect(&server.target()).await.expect("connect");

    let err = client
        .realtime()
        .publish_websocket_event_json("progress", &[1, 2, 3], WebsocketBroadcast::everyone())
        .await
        .expect_err("an array is not an object");

    assert_eq!(err.kind(), ErrorKind::InvalidInput);
    assert_eq!(err.rpc(), Some("PublishWebSocketEvent"));
    assert!(server.calls("PublishWebSocketEvent").is_empty(), "nothing may be sent");
}

#[test]
fn the_blocking_client_refuses_the_same_payload() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let server = runtime.block_on(support::ApiServer::start());
    let client = mm_client::blocking::Client::connect(&server.target()).expect("connect");

    let err = client
        .realtime()
        .publish_websocket_event_json("progress", "just text", WebsocketBroadcast::everyone())
        .expect_err("a string is not an object");

    assert_eq!(err.kind(), ErrorKind::InvalidInput);
    assert!(server.calls("PublishWebSocketEvent").is_empty(), "nothing may be sent");
}
