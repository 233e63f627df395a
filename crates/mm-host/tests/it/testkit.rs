//! The test kit end to end with a plugin written with `mm-hooks` and served in-process.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use axum::Router;
use axum::routing::{get, post};
use http::{HeaderMap, Method};
use mm_hooks::http::{HttpRequestStream, HttpResponseStream};
use mm_hooks::{Context, HookError, Plugin, PostDecision};
use mm_host::testkit::TestHost;
use mm_types::{Command, CommandArgs, CommandResponse, Post};

const ID: &str = "com.example.greeter";

/// Filters a word, counts posts in its KV store, answers `/greet` and serves HTTP routes.
#[derive(Clone, Default)]
struct Greeter {
    deactivations: Arc<AtomicUsize>,
}

async fn hello(headers: HeaderMap) -> String {
    match mm_http::mattermost_user_id(&headers) {
        Some(user) => format!("hello {user}"),
        None => "hello stranger".to_string(),
    }
}

#[mm_hooks::plugin]
impl Plugin for Greeter {
    async fn on_activate(&self, cx: &Context) -> Result<(), HookError> {
        cx.client().commands().register(Command::new("greet")).await?;
        cx.client().log().info("greeter activated", Vec::new()).await?;
        Ok(())
    }

    async fn on_deactivate(&self, _cx: &Context) -> Result<(), HookError> {
        self.deactivations.fetch_add(1, Ordering::SeqCst);
        Ok(())
    }

    async fn message_will_be_posted(&self, _cx: &Context, post: Post) -> PostDecision {
        if post.message.contains("darn") {
            PostDecision::Replace(Post { message: post.message.replace("darn", "d**n"), ..post })
        } else {
            PostDecision::Allow
        }
    }

    async fn message_has_been_posted(&self, cx: &Context, _post: Post) -> Result<(), HookError> {
        let kv = cx.client().kv();
        let count = match kv.get("posts").await? {
            Some(bytes) => String::from_utf8_lossy(&bytes).parse::<u64>().unwrap_or(0),
            None => 0,
        };
        kv.set("posts", (count + 1).to_string()).await?;
        Ok(())
    }

    async fn execute_command(&self, _cx: &Context, args: CommandArgs) -> Result<CommandResponse, HookError> {
        Ok(CommandResponse::ephemeral(format!("Hello, {}!", args.text())))
    }

    async fn serve_http(
        &self,
        _cx: &Context,
        request: HttpRequestStream,
    ) -> Result<HttpResponseStream, HookError> {
        let routes = Router::new()
            .route("/hello", get(hello))
            .route("/echo", post(|body: String| async move { body }));
        mm_http::serve(routes, request).await
    }
}

#[tokio::test]
async fn an_in_process_plugin_sees_events_and_serves_http() {
    let host = TestHost::start().await.unwrap();
    let greeter = Greeter::default();
    let connection = host.start_plugin(ID, greeter.clone()).await.unwrap();
    assert!(connection.implements("ServeHTTP"));
    assert!(host.logs().iter().any(|l| l.plugin_id == ID && l.message == "greeter activated"));

    let alice = host.alice().id.clone();
    let channel = host.town_square().id.clone();
    let post = host.create_post(&alice, &channel, "well darn").await.unwrap();
    assert_eq!(post.message, "well d**n");
    host.create_post(&alice, &channel, "again").await.unwrap();
    assert_eq!(host.kv_get(ID, "posts").unwrap(), "2", "MessageHasBeenPosted ran for each post");

    let reply = host.execute_command(&alice, &channel, "/greet world").await.unwrap();
    assert_eq!(reply.text, "Hello, world!");
    assert_eq!(host.ephemeral_posts(&alice).last().unwrap().message, "Hello, world!");

    let hello = host.http_get(&format!("/plugins/{ID}/hello")).await.unwrap();
    assert_eq!(hello.status, 200);
    assert_eq!(
        hello.text(),
        format!("hello {}", host.admin().id),
        "authenticated: Mattermost-User-Id is set"
    );
    let anonymous = host.http(Method::GET, &format!("/plugins/{ID}/hello")).anonymous().send().await.unwrap();
    assert_eq!(anonymous.text(), "hello stranger");
    let spoofed = host
        .http(Method::GET, &format!("/plugins/{ID}/hello"))
        .anonymous()
        .header("Mattermost-User-Id", "spoofed")
        .send()
        .await
        .unwrap();
    assert_eq!(spoofed.text(), "hello stranger", "a client cannot set Mattermost-User-Id");
    let echo = host.http_post(&format!("/plugins/{ID}/echo"), "ping").await.unwrap();
    assert_eq!(echo.text(), "ping");
    let missing = host.http_get(&format!("/plugins/{ID}/nope")).await.unwrap();
    assert_eq!(missing.status, 404);

    host.stop_plugin(ID).await.unwrap();
    assert_eq!(greeter.deactivations.load(Ordering::SeqCst), 1, "OnDeactivate ran");
    let after = host.http_get(&format!("/plugins/{ID}/hello")).await.unwrap();
    assert_eq!(after.status, 404, "a stopped plugin has no routes");
    let command = host.execute_command(&alice, &channel, "/greet again").await.unwrap_err();
    assert_eq!(command.status_code, 404, "its commands are gone");
}

/// Lists no ServeHTTP.
struct Silent;

#[mm_hooks::plugin]
impl Plugin for Silent {}

#[tokio::test]
async fn plugins_without_serve_http_answer_404_and_plugins_can_call_each_other() {
    let host = TestHost::start().await.unwrap();
    host.start_plugin("com.example.silent", Silent).await.unwrap();
    let response = host.http_get("/plugins/com.example.silent/anything").await.unwrap();
    assert_eq!(response.status, 404);

    host.start_plugin(ID, Greeter::default()).await.unwrap();
    // PluginHTTP: the silent plugin calls the greeter's route through its PluginAPI.
    let mut raw = mm_proto::v1::plugin_api_client::PluginApiClient::connect(format!(
        "http://{}",
        host.host().api_target("com.example.silent").await.unwrap()
    ))
    .await
    .unwrap();
    let answer = raw
        .plugin_http(mm_proto::v1::PluginHttpRequest {
            method: "POST".into(),
            url: format!("/{ID}/echo"),
            headers: Default::default(),
            body: "between plugins".into(),
            header_values: Default::default(),
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(answer.status_code, 200);
    assert_eq!(answer.body, "between plugins");
    host.shutdown().await;
}

#[tokio::test]
async fn a_plugin_binary_runs_under_the_supervisor_against_the_host() {
    let host = TestHost::start().await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let record = dir.path().join("record.txt");
    let spec = mm_host::supervisor::PluginSpec::from_binary(env!("CARGO_BIN_EXE_mm-host-fixture-plugin"))
        .unwrap()
        .with_protocol(mm_host::supervisor::Protocol::Grpc)
        .env("MM_HOST_FIXTURE_RECORD", record.as_os_str());
    let id = spec.plugin_id().to_string();
    let connection = host.start_plugin_spec(spec).await.unwrap();
    assert_eq!(connection.id(), id);
    assert_eq!(
        host.host().plugin_ids(),
        std::slice::from_ref(&id),
        "the supervisor registered it with the host"
    );

    let recorded = std::fs::read_to_string(&record).unwrap();
    let target = host.host().api_target(&id).await.unwrap();
    assert!(
        recorded.lines().any(|l| l == format!("env MATTERMOST_PLUGIN_API_TARGET={target}")),
        "the plugin got its own PluginAPI listener: {recorded}"
    );
    host.stop_plugin(&id).await.unwrap();
    assert!(host.host().plugin_ids().is_empty(), "unregistered when stopped");
}

/// Settings as a real server hands them over: the manifest's defaults, the administrator's
/// values stored under lower-cased keys, read by a PascalCase struct; on both protocols.
#[tokio::test]
async fn settings_load_with_manifest_defaults_and_lower_cased_keys_on_both_protocols() {
    use mm_host::supervisor::{PluginSpec, Protocol};
    const ID: &str = "com.example.settings";
    let folder = tempfile::tempdir().unwrap();
    std::fs::copy(env!("CARGO_BIN_EXE_mm-host-sdk-fixture"), folder.path().join("plugin")).unwrap();
    let manifest = serde_json::json!({
        "id": ID,
        "name": "Settings",
        "version": "0.1.0",
        "server": {"executable": "plugin"},
        "settings_schema": {"settings": [
            {"key": "Greeting", "type": "text", "default": "hello"},
            {"key": "EnableReminders", "type": "bool", "default": false},
            {"key": "MaxItems", "type": "number", "default": 5},
        ]},
    });
    std::fs::write(folder.path().join("plugin.json"), manifest.to_string()).unwrap();

    for protocol in [Protocol::NetRpc, Protocol::Grpc] {
        let host = TestHost::start().await.unwrap();
        host.set_plugin_setting(ID, "EnableReminders", true).await.unwrap();
        let stored = host.host().store().plugin_config(ID);
        assert_eq!(stored.keys().collect::<Vec<_>>(), ["enablereminders"], "stored as the server stores it");

        let spec = PluginSpec::from_dir(folder.path()).unwrap().with_protocol(protocol);
        host.start_plugin_spec(spec).await.unwrap();
        let alice = host.alice().id.clone();
        let town_square = host.town_square().id.clone();
        host.create_post(&alice, &town_square, "settings").await.unwrap();
        let loaded = host.kv_get(ID, "settings").expect("the plugin stored what it loaded");
        let loaded: serde_json::Value = serde_json::from_slice(&loaded).unwrap();
        assert_eq!(
            loaded,
            serde_json::json!({"Greeting": "hello", "EnableReminders": true, "MaxItems": 5}),
            "over {protocol}"
        );
        host.shutdown().await;
    }
}

#[tokio::test]
async fn optional_turns_only_a_missing_object_into_none() {
    use mm_client::OptionalExt;

    let host = TestHost::start().await.unwrap();
    let api = host.host().api_target(ID).await.unwrap();
    let client = mm_client::Client::connect(&api.to_string()).await.unwrap();

    let alice = client.users().get(&host.alice().id).await.optional().unwrap();
    assert_eq!(alice.map(|u| u.username), Some(host.alice().username.clone()));

    let missing = mm_types::UserId::generate();
    assert!(client.users().get(&missing).await.optional().unwrap().is_none());
    assert!(client.users().get_by_username("nobody-here").await.optional().unwrap().is_none());

    // A refused request is not "missing": it stays an error.
    let invalid = client.users().create(mm_types::User::default()).await.optional().unwrap_err();
    assert!(!invalid.is_not_found(), "{invalid}");
    assert!(invalid.is_invalid(), "{invalid}");
}
