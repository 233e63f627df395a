//! The http-stream plugin end to end through the test kit: its binary under the supervisor,
//! its routes through the host's HTTP front (the ServeHTTP stream).

use mattermost_plugin::serde_json::{Value, json};
use mattermost_plugin::testkit::{PluginSpec, Protocol, TestHost};
use mm_example_http_stream::PLUGIN_ID;

#[mattermost_plugin::test]
async fn http_over_net_rpc_as_on_a_stock_server() {
    json_routes_user_identity_and_server_sent_events(Protocol::NetRpc).await;
}

#[mattermost_plugin::test]
async fn http_over_grpc_as_on_the_fork() {
    json_routes_user_identity_and_server_sent_events(Protocol::Grpc).await;
}

async fn json_routes_user_identity_and_server_sent_events(protocol: Protocol) {
    let host = TestHost::start().await.expect("host");
    let spec = PluginSpec::from_path(env!("CARGO_BIN_EXE_mm-example-http-stream"))
        .and_then(|spec| spec.with_plugin_id(PLUGIN_ID))
        .expect("plugin binary")
        .with_protocol(protocol);
    let connection = host.start_plugin_spec(spec).await.expect("the plugin starts");
    assert_eq!(connection.protocol(), protocol);
    assert_eq!(connection.implemented().iter().collect::<Vec<_>>(), ["ServeHTTP"]);
    let base = format!("/plugins/{PLUGIN_ID}");

    let status = host.http_get(&format!("{base}/status")).await.expect("GET /status");
    assert_eq!(status.status, 200, "{}", status.text());
    let status: Value = status.json().expect("JSON");
    assert_eq!(status["plugin"], PLUGIN_ID);
    assert_eq!(status["server_version"], mattermost_plugin::testkit::DEFAULT_SERVER_VERSION);

    let me = host.http_get(&format!("{base}/me")).await.expect("GET /me");
    assert_eq!(me.status, 200, "{}", me.text());
    assert_eq!(me.json::<Value>().expect("JSON")["user_id"], host.admin().id.to_string());
    let anonymous =
        host.http(mattermost_plugin::axum::http::Method::GET, &format!("{base}/me")).anonymous().send().await;
    assert_eq!(anonymous.expect("GET /me").status, 401);

    let echo = host
        .http(mattermost_plugin::axum::http::Method::POST, &format!("{base}/echo"))
        .json(&json!({ "greeting": "hi", "n": [1, 2, 3] }))
        .send()
        .await
        .expect("POST /echo");
    assert_eq!(echo.status, 200, "{}", echo.text());
    let echo: Value = echo.json().expect("JSON");
    assert_eq!(echo["echo"], json!({ "greeting": "hi", "n": [1, 2, 3] }));
    assert_eq!(echo["from"], host.admin().id.to_string());

    let events = host.http_get(&format!("{base}/events?count=3")).await.expect("GET /events");
    assert_eq!(events.status, 200);
    assert_eq!(events.header("content-type"), Some("text/event-stream"));
    let text = events.text();
    let data: Vec<&str> = text.lines().filter_map(|l| l.strip_prefix("data: ")).collect();
    assert_eq!(data, [r#"{"n":0}"#, r#"{"n":1}"#, r#"{"n":2}"#], "{text}");
    assert_eq!(text.matches("event: tick").count(), 3, "{text}");

    let bad = host.http_get(&format!("{base}/events?count=lots")).await.expect("GET /events");
    assert_eq!(bad.status, 400);

    host.stop_plugin(PLUGIN_ID).await.expect("stop");
}
