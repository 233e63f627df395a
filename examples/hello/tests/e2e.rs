//! The hello plugin end to end through the test kit: its real binary launched the way the
//! server launches it, and the same plugin value served in-process; both driven with posts, a
//! slash command, the KV store and the HTTP route.

use mattermost_plugin::serde_json::Value;
use mattermost_plugin::testkit::{PluginSpec, Protocol, TestHost};
use mm_example_hello::{COUNTER_KEY, PLUGIN_ID, plugin};

/// The plugin's binary under the supervisor (handshake, health, Implemented, OnActivate),
/// over `protocol`.
async fn start_binary(protocol: Protocol) -> TestHost {
    let host = TestHost::start().await.expect("host");
    let spec = PluginSpec::from_path(env!("CARGO_BIN_EXE_mm-example-hello"))
        .and_then(|spec| spec.with_plugin_id(PLUGIN_ID))
        .expect("plugin binary")
        .with_protocol(protocol);
    let connection = host.start_plugin_spec(spec).await.expect("the plugin starts");
    assert_eq!(connection.protocol(), protocol);
    for hook in ["OnActivate", "MessageWillBePosted", "ExecuteCommand", "ServeHTTP"] {
        assert!(connection.implements(hook), "{hook} in {:?}", connection.implemented());
    }
    host
}

#[mattermost_plugin::test]
async fn hello_over_net_rpc_as_on_a_stock_server() {
    hello_filters_greets_counts_and_serves_http(Protocol::NetRpc).await;
}

#[mattermost_plugin::test]
async fn hello_over_grpc_as_on_the_fork() {
    hello_filters_greets_counts_and_serves_http(Protocol::Grpc).await;
}

async fn hello_filters_greets_counts_and_serves_http(protocol: Protocol) {
    let host = start_binary(protocol).await;
    let alice = host.alice().id.clone();
    let town_square = host.town_square().id.clone();

    // OnActivate registered /hello (and logged the server version on stderr).
    let reply = host.execute_command(&alice, &town_square, "/hello Rustacean").await.expect("/hello runs");
    assert_eq!(reply.text, "Hello, Rustacean! (greeting #1 from Rust)");
    let reply = host.execute_command(&alice, &town_square, "/hello").await.expect("/hello runs");
    assert_eq!(reply.text, "Hello, world! (greeting #2 from Rust)");
    assert_eq!(host.kv_get(PLUGIN_ID, COUNTER_KEY).as_deref(), Some(&b"2"[..]));

    let post = host.create_post(&alice, &town_square, "Well darn it, DARN!").await.expect("post");
    assert_eq!(post.message, "Well **** it, ****!");
    let clean = host.create_post(&alice, &town_square, "All good here").await.expect("post");
    assert_eq!(clean.message, "All good here");
    let stored: Vec<String> = host.posts_in_channel(&town_square).into_iter().map(|p| p.message).collect();
    assert!(stored.ends_with(&["Well **** it, ****!".to_owned(), "All good here".to_owned()]), "{stored:?}");

    let response = host.http_get(&format!("/plugins/{PLUGIN_ID}/hello")).await.expect("HTTP call");
    assert_eq!(response.status, 200, "{}", response.text());
    let body: Value = response.json().expect("JSON");
    assert_eq!(body["message"], "Hello from Rust");
    assert_eq!(body["greetings"], 2);
    // Known from the plugin.json built into the binary, whatever the server tells the plugin
    // (a stock server tells it nothing).
    assert_eq!(body["plugin"], PLUGIN_ID);
    let manifest: Value =
        mattermost_plugin::serde_json::from_str(include_str!("../plugin.json")).expect("plugin.json");
    assert_eq!(body["version"], manifest["version"]);

    let missing = host.http_get(&format!("/plugins/{PLUGIN_ID}/nope")).await.expect("HTTP call");
    assert_eq!(missing.status, 404);

    host.stop_plugin(PLUGIN_ID).await.expect("stop");
    // A stopped plugin no longer sees events: the banned word stays, /hello is gone.
    let after = host.create_post(&alice, &town_square, "darn").await.expect("post");
    assert_eq!(after.message, "darn");
    assert!(host.execute_command(&alice, &town_square, "/hello").await.is_err());
}

#[mattermost_plugin::test]
async fn the_same_plugin_runs_in_process_too() {
    let host = TestHost::start().await.expect("host");
    host.start_plugin(PLUGIN_ID, plugin()).await.expect("in-process start");
    let alice = host.alice().id.clone();
    let town_square = host.town_square().id.clone();
    let post = host.create_post(&alice, &town_square, "darn").await.expect("post");
    assert_eq!(post.message, "****");
    let reply = host.execute_command(&alice, &town_square, "/hello in-process").await.expect("/hello");
    assert_eq!(reply.text, "Hello, in-process! (greeting #1 from Rust)");
    let response = host.http_get(&format!("/plugins/{PLUGIN_ID}/hello")).await.expect("HTTP call");
    assert_eq!(response.status, 200, "{}", response.text());
    host.shutdown().await;
}
