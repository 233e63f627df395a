//! The example plugin (`examples/axum_plugin.rs`) served by the mm-hooks runtime and driven
//! through the host-side bridge over real gRPC streams: every route it shows.

mod support;

#[path = "../examples/axum_plugin.rs"]
#[allow(dead_code, unreachable_pub)]
mod example;

use bytes::Bytes;
use http::StatusCode;
use http_body_util::{BodyExt, Empty, Full};
use mm_host::plugin_http::{Caller, PluginHttp};
use mm_types::UserId;
use serde_json::{Value, json};
use support::*;

const ALICE: &str = "8ds6pkzokfbf3r1ihxzrpiuxye";
const BOB: &str = "4xp9fdt77pncbef59f4k1qe83o";

async fn example_host() -> PluginHttp<tonic::transport::Channel> {
    let addr = spawn_plugin(example::HttpPlugin::new()).await;
    PluginHttp::new(connect(addr).await, "com.example.test")
}

fn as_user(id: &str) -> Caller {
    Caller::user(UserId::parse(id).expect("id"))
}

async fn json_of(response: http::Response<mm_host::plugin_http::ResponseBody>) -> Value {
    serde_json::from_str(&text(response).await).expect("json")
}

fn json_request(method: &str, path: &str, body: Value) -> http::Request<Full<Bytes>> {
    request(method, path)
        .header("content-type", "application/json")
        .body(Full::new(Bytes::from(body.to_string())))
        .expect("request")
}

fn get(path: &str) -> http::Request<Empty<Bytes>> {
    request("GET", path).body(Empty::new()).expect("request")
}

#[tokio::test]
async fn hello_greets_guests_and_users_with_the_request_and_plugin_ids() {
    let host = example_host().await;
    let guest = json_of(host.forward(get("/api/hello"), Caller::anonymous()).await).await;
    assert_eq!(guest["greeting"], "Hello, guest!");
    assert_eq!(guest["plugin_id"], "com.example.test");
    assert_eq!(guest["request_id"].as_str().map(str::len), Some(mm_types::ID_LEN));
    let alice = json_of(host.forward(get("/api/hello"), as_user(ALICE)).await).await;
    assert_eq!(alice["greeting"], format!("Hello, {ALICE}!"));
}

#[tokio::test]
async fn notes_belong_to_the_logged_in_user() {
    let host = example_host().await;
    let note = json!({ "text": "buy milk" });
    let anonymous = host.forward(json_request("POST", "/api/notes", note.clone()), Caller::anonymous()).await;
    assert_eq!(anonymous.status(), StatusCode::UNAUTHORIZED);

    let created = host.forward(json_request("POST", "/api/notes", note), as_user(ALICE)).await;
    assert_eq!(created.status(), StatusCode::CREATED);
    assert_eq!(json_of(created).await, json!({ "author": ALICE, "text": "buy milk" }));

    let empty =
        host.forward(json_request("POST", "/api/notes", json!({ "text": " " })), as_user(ALICE)).await;
    assert_eq!(empty.status(), StatusCode::BAD_REQUEST);
    assert_eq!(json_of(empty).await, json!({ "error": "a note needs some text" }));

    let mine = json_of(host.forward(get("/api/notes"), as_user(ALICE)).await).await;
    assert_eq!(mine, json!([{ "author": ALICE, "text": "buy milk" }]));
    let theirs = json_of(host.forward(get("/api/notes"), as_user(BOB)).await).await;
    assert_eq!(theirs, json!([]));
}

#[tokio::test]
async fn uploads_are_echoed_back() {
    let host = example_host().await;
    let upload = Bytes::from(pattern(0, 3 * 1024 * 1024 + 1));
    let request = request("POST", "/upload/echo")
        .header("content-type", "image/png")
        .body(Full::new(upload.clone()))
        .expect("request");
    let response = host.forward(request, as_user(ALICE)).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["content-type"], "image/png");
    let echoed = within("echo", response.into_body().collect()).await.expect("body").to_bytes();
    assert!(echoed == upload, "echoed bytes differ");
}

#[tokio::test]
async fn events_stream_as_they_are_produced() {
    let host = example_host().await;
    let response = host.forward(get("/events?count=3&interval_ms=1"), Caller::anonymous()).await;
    assert_eq!(response.headers()["content-type"], "text/event-stream");
    let all = text(response).await;
    let ids: Vec<&str> = all.lines().filter_map(|l| l.strip_prefix("id: ")).collect();
    assert_eq!(ids, ["1", "2", "3"]);
    assert!(all.contains("event: tick\nid: 3\ndata: tick 3 of 3\n"), "{all}");

    // The second tick is a minute away: the first can only arrive now if it was streamed.
    let response = host.forward(get("/events?count=2&interval_ms=60000"), Caller::anonymous()).await;
    let mut body = response.into_body();
    let first =
        within("first tick", body.frame()).await.expect("frame").expect("ok").into_data().expect("data");
    let first = String::from_utf8(first.to_vec()).expect("utf-8");
    assert!(first.contains("data: tick 1 of 2"), "{first}");
}
