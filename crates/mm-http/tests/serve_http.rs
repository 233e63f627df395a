//! ServeHTTP end to end through real gRPC streams on loopback: the host-side bridge forwards
//! HTTP requests to a plugin that runs `mm_http::serve` with an axum router.

mod support;

use bytes::Bytes;
use http::StatusCode;
use http_body_util::{BodyExt, Empty, Full};
use mm_host::plugin_http::Caller;
use mm_types::UserId;
use support::*;

const USER: &str = "8ds6pkzokfbf3r1ihxzrpiuxye";

#[tokio::test]
async fn get_with_query_and_multi_value_headers() {
    let setup = setup().await;
    let get = request("GET", "/inspect?x=1&y=a%20b&x=2")
        .header("host", "chat.example.com")
        .header("accept", "text/html")
        .header("accept", "application/json")
        .header("user-agent", "test-agent/1.0")
        .header("accept-language", "fr-CA")
        .header("x-custom", "v1")
        // A client cannot pretend to be someone: only the caller's authentication names the user.
        .header("mattermost-user-id", "forgedforgedforgedforged00")
        .body(Empty::<Bytes>::new())
        .expect("request");
    let caller = Caller::user(UserId::parse(USER).expect("id")).with_remote_addr("10.1.2.3:4567");
    let response = within("forward", setup.host.forward(get, caller)).await;
    assert_eq!(response.status(), StatusCode::OK);
    let seen: Inspected = serde_json::from_str(&text(response).await).expect("json");

    assert_eq!(seen.method, "GET");
    assert_eq!(seen.uri, "/inspect?x=1&y=a%20b&x=2");
    assert_eq!(seen.version, "HTTP/1.1");
    let values = |name: &str| {
        seen.headers.iter().filter(|(k, _)| k == name).map(|(_, v)| v.as_str()).collect::<Vec<_>>()
    };
    assert_eq!(values("accept"), ["text/html", "application/json"]);
    assert_eq!(values("x-custom"), ["v1"]);
    assert_eq!(values("host"), ["chat.example.com"]);
    assert_eq!(values("mattermost-user-id"), [USER]);
    assert_eq!(seen.user_id.as_deref(), Some(USER));
    assert_eq!(seen.plugin_context.ip_address, "10.1.2.3");
    assert_eq!(seen.plugin_context.user_agent, "test-agent/1.0");
    assert_eq!(seen.plugin_context.accept_language, "fr-CA");
    assert!(seen.plugin_context.request_id.is_some());
    assert_eq!(seen.remote_addr, "10.1.2.3:4567");
    assert_eq!(seen.connect_info.as_deref(), Some("10.1.2.3:4567"));
    assert_eq!(seen.request_uri, "/plugins/com.example.test/inspect?x=1&y=a%20b&x=2");
    assert_eq!(seen.original_uri, "/plugins/com.example.test/inspect?x=1&y=a%20b&x=2");
    assert_eq!(seen.body_len, 0);

    // The plugin root, and an anonymous caller whose forged header is dropped.
    let root =
        request("GET", "?q=1").header("Mattermost-User-Id", USER).body(Empty::<Bytes>::new()).expect("r");
    let seen: Inspected = serde_json::from_str(&text(setup.forward(root).await).await).expect("json");
    assert_eq!(seen.uri, "/?q=1");
    assert_eq!(seen.user_id, None);
    assert!(seen.headers.iter().all(|(k, _)| k != "mattermost-user-id"));
}

#[tokio::test]
async fn the_given_plugin_context_reaches_the_handler() {
    let setup = setup().await;
    let context = mm_types::PluginContext {
        session_id: Some(mm_types::SessionId::from_raw("s1")),
        request_id: Some(mm_types::RequestId::from_raw("r1")),
        ip_address: "192.0.2.1".into(),
        accept_language: "de".into(),
        user_agent: "ua".into(),
    };
    let request = request("GET", "/inspect").body(Empty::<Bytes>::new()).expect("request");
    let response =
        setup.host.forward(request, Caller::anonymous().with_plugin_context(context.clone())).await;
    let seen: Inspected = serde_json::from_str(&text(response).await).expect("json");
    assert_eq!(seen.plugin_context, context);
}

#[tokio::test]
async fn response_status_and_multi_value_headers_come_back() {
    let setup = setup().await;
    let response = setup.forward(request("GET", "/status").body(Empty::<Bytes>::new()).expect("r")).await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let all = |name| {
        response
            .headers()
            .get_all(name)
            .iter()
            .map(|v| v.to_str().expect("text").to_owned())
            .collect::<Vec<_>>()
    };
    assert_eq!(all("x-multi"), ["one", "two"]);
    assert_eq!(all("set-cookie"), ["a=1", "b=2"]);
    assert_eq!(text(response).await, "made");
}

#[tokio::test]
async fn the_user_extractor_rejects_anonymous_requests_with_401() {
    let setup = setup().await;
    let anonymous = setup.forward(request("GET", "/whoami").body(Empty::<Bytes>::new()).expect("r")).await;
    assert_eq!(anonymous.status(), StatusCode::UNAUTHORIZED);
    let request = request("GET", "/whoami").body(Empty::<Bytes>::new()).expect("r");
    let known = setup.host.forward(request, Caller::user(UserId::parse(USER).expect("id"))).await;
    assert_eq!(known.status(), StatusCode::OK);
    assert_eq!(text(known).await, USER);
}

#[tokio::test]
async fn an_upload_is_echoed_back_as_it_streams() {
    let setup = setup().await;
    let size = 5 * 1024 * 1024 + 17;
    let body = Full::new(Bytes::from(pattern(0, size)));
    let response = setup
        .forward(request("POST", "/echo").header("content-type", "application/x-test").body(body).expect("r"))
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["content-type"], "application/x-test");
    let echoed = within("read", response.into_body().collect()).await.expect("body").to_bytes();
    assert_eq!(echoed.len(), size);
    assert!(echoed == pattern(0, size), "echoed bytes differ");
}

#[tokio::test]
async fn a_large_download_streams_in_order() {
    let setup = setup().await;
    let size = 3 * 1024 * 1024 + 5;
    let response = setup
        .forward(
            request("GET", &format!("/download?n={size}&frame=200000"))
                .body(Empty::<Bytes>::new())
                .expect("r"),
        )
        .await;
    let bytes = within("read", response.into_body().collect()).await.expect("body").to_bytes();
    assert!(bytes == pattern(0, size), "downloaded bytes differ");
}

#[tokio::test]
async fn server_sent_events_arrive_before_the_handler_finishes() {
    let setup = setup().await;
    let response = setup.forward(request("GET", "/sse").body(Empty::<Bytes>::new()).expect("r")).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["content-type"], "text/event-stream");
    let mut body = response.into_body();
    // The handler is parked on the gate until the test opens it, so this first event can only
    // arrive if it was streamed (and flushed) while the handler was still running.
    let first =
        within("first event", body.frame()).await.expect("frame").expect("ok").into_data().expect("data");
    assert_eq!(first, "data: first\n\n");
    setup.shared.sse_gate.notify_one();
    let rest = within("rest", body.collect()).await.expect("body").to_bytes();
    assert_eq!(rest, "data: second\n\n");
}

#[tokio::test]
async fn the_plugin_may_answer_before_reading_the_body() {
    let setup = setup().await;
    let (tx, body) = channel_body();
    tx.send(Bytes::from_static(b"first chunk of a body that never completes")).await.expect("send");
    let response = setup.forward(request("POST", "/early").body(body).expect("r")).await;
    assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(text(response).await, "too big, not reading it");
    drop(tx);
}

#[tokio::test]
async fn cancelling_mid_body_drops_the_handler() {
    let setup = setup().await;
    let mut started = setup.started();
    let mut dropped = setup.dropped();
    let (tx, body) = channel_body();
    tx.send(Bytes::from(vec![1u8; 100_000])).await.expect("send");
    let host = setup.host.clone();
    let call = tokio::spawn(async move {
        host.forward(request("POST", "/guarded-read").body(body).expect("r"), Caller::anonymous()).await
    });
    assert_eq!(within("handler start", started.recv()).await, Some("guarded_read"));
    // The HTTP client goes away while the handler waits for more body.
    call.abort();
    assert_eq!(within("handler drop", dropped.recv()).await, Some("guarded_read"));
    drop(tx);
}

#[tokio::test]
async fn dropping_a_streaming_response_drops_the_handlers_body() {
    let setup = setup().await;
    let mut dropped = setup.dropped();
    let response = setup.forward(request("GET", "/endless").body(Empty::<Bytes>::new()).expect("r")).await;
    let mut body = response.into_body();
    let tick = within("tick", body.frame()).await.expect("frame").expect("ok").into_data().expect("data");
    assert_eq!(tick, "tick\n");
    drop(body);
    assert_eq!(within("body drop", dropped.recv()).await, Some("endless"));
}

#[tokio::test]
async fn a_panicking_handler_answers_500_and_the_plugin_keeps_serving() {
    let setup = setup().await;
    let response = setup.forward(request("GET", "/panic").body(Empty::<Bytes>::new()).expect("r")).await;
    assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(text(response).await, "Internal Server Error\n");

    // After the head: the stream is cut, which the host sees as a failed body.
    let response =
        setup.forward(request("GET", "/panic-mid-body").body(Empty::<Bytes>::new()).expect("r")).await;
    assert_eq!(response.status(), StatusCode::OK);
    let mut body = response.into_body();
    let mut received = Vec::new();
    let error = loop {
        match within("frame", body.frame()).await {
            Some(Ok(frame)) => received.extend_from_slice(&frame.into_data().expect("data")),
            Some(Err(error)) => break error,
            None => panic!("the body ended normally after a panic"),
        }
    };
    assert_eq!(received, b"partial");
    assert_eq!(error.kind(), mm_http::ErrorKind::Stream);

    let response = setup.forward(request("GET", "/status").body(Empty::<Bytes>::new()).expect("r")).await;
    assert_eq!(response.status(), StatusCode::CREATED);
}

#[tokio::test]
async fn the_host_answers_404_without_serve_http_or_outside_the_prefix() {
    let setup = setup().await;
    let not_implemented = setup.host.clone().with_implemented_hooks(["OnActivate", "MessageWillBePosted"]);
    let request_to = |path| request("GET", path).body(Empty::<Bytes>::new()).expect("r");
    let response = not_implemented.forward(request_to("/status"), Caller::anonymous()).await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    let implemented = setup.host.clone().with_implemented_hooks(["ServeHTTP"]);
    assert_eq!(
        implemented.forward(request_to("/status"), Caller::anonymous()).await.status(),
        StatusCode::CREATED
    );

    let outside =
        http::Request::get("/plugins/com.example.other/status").body(Empty::<Bytes>::new()).expect("r");
    assert_eq!(setup.forward(outside).await.status(), StatusCode::NOT_FOUND);

    let custom = setup.host.clone().with_path_prefix("/mm/plugins/demo/");
    let response = custom
        .forward(
            http::Request::get("/mm/plugins/demo/status").body(Empty::<Bytes>::new()).expect("r"),
            Caller::anonymous(),
        )
        .await;
    assert_eq!(response.status(), StatusCode::CREATED);
}

#[tokio::test]
async fn the_bridge_is_a_tower_service() {
    use tower::ServiceExt;
    let setup = setup().await;
    let mut request = request("GET", "/whoami").body(Empty::<Bytes>::new()).expect("r");
    request.extensions_mut().insert(Caller::user(UserId::parse(USER).expect("id")));
    let response = setup.host.clone().oneshot(request).await.expect("infallible");
    assert_eq!(text(response).await, USER);
}
