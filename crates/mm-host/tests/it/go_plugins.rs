//! Stock Go plugins (`plugin.ClientMain` of server/public v0.4.4) under mm-host, over net/rpc
//! as every stock server runs them: the all-hooks Go stand-in of `tests/stock-conformance`
//! (built here with Go) through the test kit and through `mm-host run`, and the study's
//! reference plugin (`../shared/netrpc/reference-host/cmd/demoplugin`) when that folder is next
//! to the repository.
//!
//! Needs the Go toolchain on PATH (the module proxy serves server/public).

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use mm_host::supervisor::{PluginSpec, Protocol};
use mm_host::testkit::TestHost;
use mm_proto::v1 as wire;
use mm_types::Post;

use crate::command_line;

use command_line::{RunningHost, assert_contains, http_request};

const ALLHOOKS_ID: &str = "com.mattermost.stock-conformance.allhooks";
const DEMO_ID: &str = "com.mattermost.netrpc-demo";
/// A generous bound so a broken host fails the test instead of hanging it.
const PATIENCE: Duration = Duration::from_secs(300);

fn repository() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Builds `package` of the Go module in `module` into a plugin folder with a manifest for `id`.
fn go_plugin(module: &Path, package: &str, id: &str) -> tempfile::TempDir {
    let folder = tempfile::tempdir().expect("temp dir");
    let binary = folder.path().join("server/dist/plugin");
    let output = Command::new("go")
        .args(["build", "-o"])
        .arg(&binary)
        .arg(package)
        .current_dir(module)
        .output()
        .expect("the Go toolchain runs (go on PATH)");
    assert!(
        output.status.success(),
        "go build {package} failed:\n{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    let platform = mm_host::manifest::current_platform();
    let manifest = serde_json::json!({
        "id": id,
        "name": id,
        "version": "0.1.0",
        "server": {"executables": {platform: "server/dist/plugin"}},
    });
    std::fs::write(folder.path().join("plugin.json"), manifest.to_string()).expect("manifest");
    folder
}

/// Calls the plugin's ExecuteCommand hook directly (these Go plugins register no commands,
/// so the host's command table would not route to them): the answer, or the AppError.
async fn command(host: &TestHost, plugin_id: &str, text: &str) -> Result<String, wire::AppError> {
    let caller = host.host().plugin(plugin_id).expect("the plugin runs");
    let request = wire::ExecuteCommandRequest {
        args: Some(wire::CommandArgs {
            user_id: host.alice().id.to_string(),
            channel_id: host.town_square().id.to_string(),
            command: text.to_owned(),
            ..Default::default()
        }),
        ..Default::default()
    };
    let answer = caller.call(request).await.expect("ExecuteCommand is listed").expect("the hook answers");
    match answer.error {
        Some(error) => Err(error),
        None => Ok(answer.response.map(|r| r.text).unwrap_or_default()),
    }
}

fn allhooks() -> tempfile::TempDir {
    go_plugin(&repository().join("tests/stock-conformance"), "./plugins/allhooks", ALLHOOKS_ID)
}

#[tokio::test]
async fn the_go_all_hooks_plugin_runs_over_net_rpc_with_hooks_api_and_http() {
    let folder = allhooks();
    let host = TestHost::start().await.expect("host");
    let spec = PluginSpec::from_dir(folder.path()).expect("spec");
    assert_eq!(spec.protocol(), Protocol::NetRpc, "a manifest without runtime python runs on net/rpc");
    let connection = host.start_plugin_spec(spec).await.expect("the Go plugin starts");
    assert_eq!(connection.protocol(), Protocol::NetRpc);
    assert_eq!(connection.implemented().len(), 51, "{:?}", connection.implemented());
    // OnActivate called the API over the broker connection.
    assert_eq!(host.kv_get(ALLHOOKS_ID, "fixture_state").as_deref(), Some(&b"active"[..]));

    let alice = host.alice().id.clone();
    let town_square = host.town_square().id.clone();
    let changed = host.create_post(&alice, &town_square, "hello from mm-host").await.expect("post");
    assert_eq!(changed.message, "HELLO FROM MM-HOST");
    assert_eq!(changed.props.as_ref().and_then(|p| p.get("fixture")), Some(&serde_json::json!(true)));
    let rejected = host.create_post(&alice, &town_square, "reject").await.expect_err("rejected");
    assert!(rejected.to_string().contains("rejected by the fixture"), "{rejected}");
    // The stock server decodes the reply into the post it sent: the plugin's cleared message
    // and deleted prop come back as they were, its new prop is added.
    let clear = Post::new(town_square.clone(), "clear").by(alice.clone()).with_prop("keep_me", "yes");
    let merged = host.post(clear).await.expect("post");
    assert_eq!(merged.message, "clear");
    assert_eq!(merged.prop("keep_me"), Some(&serde_json::json!("yes")));
    assert_eq!(merged.prop("cleared"), Some(&serde_json::json!(true)));

    let echo = command(&host, ALLHOOKS_ID, "/echo over net/rpc").await.expect("/echo");
    assert_eq!(echo, "over net/rpc");
    let failed = command(&host, ALLHOOKS_ID, "/fail").await.expect_err("/fail fails");
    assert_eq!(failed.id, "plugin.fixture.failed");
    assert_eq!(failed.status_code, 400);
    host.settle().await;
    let journal = command(&host, ALLHOOKS_ID, "/journal").await.expect("/journal");
    assert!(journal.contains("OnActivate config_changes=1"), "{journal}");
    assert!(journal.contains("message=HELLO FROM MM-HOST"), "{journal}");

    let base = format!("/plugins/{ALLHOOKS_ID}");
    let headers = host.http_get(&format!("{base}/headers?x=1&x=2")).await.expect("GET /headers");
    assert_eq!(headers.status, 200, "{}", headers.text());
    let seen: serde_json::Value = headers.json().expect("JSON");
    assert_eq!(seen["method"], "GET");
    assert_eq!(seen["path"], "/headers");
    assert_eq!(seen["query"]["x"], serde_json::json!(["1", "2"]));
    assert_eq!(headers.header("content-type"), Some("application/json"));

    let payload = "x".repeat(300_000);
    let echoed = host
        .http(axum::http::Method::PUT, &format!("{base}/anything?q=1"))
        .body(payload.clone())
        .send()
        .await
        .expect("PUT echo");
    assert_eq!(echoed.status, 201, "{}", echoed.text());
    assert_eq!(echoed.header("x-echo-method"), Some("PUT"));
    assert_eq!(echoed.text(), format!("PUT /anything?q=1\n{payload}"));

    let size = 3 * 1024 * 1024 + 17;
    let download = host.http_get(&format!("{base}/download?bytes={size}")).await.expect("download");
    assert_eq!(download.status, 200);
    assert_eq!(download.body.len(), size);
    let pattern = |i: usize| ((i % 251) ^ ((i / 251) % 256)) as u8;
    assert!(download.body.iter().enumerate().all(|(i, b)| *b == pattern(i)), "the test pattern");

    let panicked = host.http_get(&format!("{base}/panic")).await.expect("GET /panic");
    assert_eq!(panicked.status, 500, "a panicking Go handler answers 500");
    let after = host.http_get(&format!("{base}/stats")).await.expect("GET /stats");
    assert_eq!(after.status, 200, "the plugin keeps serving");

    host.stop_plugin(ALLHOOKS_ID).await.expect("stop");
    assert_eq!(
        host.kv_get(ALLHOOKS_ID, "fixture_state").as_deref(),
        Some(&b"inactive"[..]),
        "OnDeactivate ran"
    );
    host.shutdown().await;
}

#[cfg(unix)]
#[test]
fn mm_host_run_serves_a_go_plugin_over_net_rpc() {
    let folder = allhooks();
    let args = [
        "run",
        folder.path().to_str().unwrap(),
        "--port",
        "0",
        "--setting",
        "Greeting=hi",
        "--setting",
        "Max=3",
    ];
    let mut host = RunningHost::start(&args, &[]);
    host.wait_for(PATIENCE, |out| out.contains("Serving; press Ctrl-C to stop"));
    assert_contains(
        &host.output,
        &[
            &format!("==> Starting plugin {ALLHOOKS_ID} over net/rpc (the protocol of stock servers)"),
            &format!("{ALLHOOKS_ID} handshake: net/rpc on unix "),
            &format!("{ALLHOOKS_ID} health: Control.Ping answered"),
            &format!("{ALLHOOKS_ID} activated"),
            "setting greeting = \"hi\"",
            "setting max = 3",
        ],
    );
    let (base, _token) = host.rest_api();
    let (status, body) =
        http_request(&base, "POST", &format!("/plugins/{ALLHOOKS_ID}/echo-me"), &[], "over the CLI");
    assert_eq!(status, 201, "{body}");
    // The echo flushes its first line, so the body arrives chunked: look for both parts.
    assert!(body.contains("POST /echo-me\n") && body.contains("over the CLI"), "{body}");
    host.signal("INT");
    assert!(host.finish(PATIENCE), "mm-host stops cleanly:\n{}", host.output);
}

/// The study's reference Go plugin, when its folder is next to the repository (it is not part
/// of it): activation with API calls, `/demo`, MessageWillBePosted and ServeHTTP `/echo`.
#[tokio::test]
#[allow(clippy::print_stderr, reason = "says in the test output why nothing ran")]
async fn the_reference_demo_plugin_runs_when_present() {
    let module = repository().join("../shared/netrpc/reference-host");
    if !module.join("cmd/demoplugin").is_dir() {
        eprintln!("{} is absent: the reference plugin is not run", module.display());
        return;
    }
    let folder = go_plugin(&module, "./cmd/demoplugin", DEMO_ID);
    let host = TestHost::start().await.expect("host");
    let connection =
        host.start_plugin_spec(PluginSpec::from_dir(folder.path()).expect("spec")).await.expect("starts");
    assert_eq!(connection.protocol(), Protocol::NetRpc);
    let version = mm_host::DEFAULT_SERVER_VERSION;
    assert_eq!(host.kv_get(DEMO_ID, "activated_on").as_deref(), Some(version.as_bytes()));

    let alice = host.alice().id.clone();
    let town_square = host.town_square().id.clone();
    let reply = command(&host, DEMO_ID, "/demo now").await.expect("/demo");
    assert!(reply.starts_with(&format!("server={version} kv=\"/demo now\" post_id=")), "{reply}");
    let failed = command(&host, DEMO_ID, "/fail").await.expect_err("/fail");
    assert_eq!((failed.id.as_str(), failed.status_code), ("demo.fail", 418));
    let seen = host.create_post(&alice, &town_square, "plain").await.expect("post");
    assert_eq!(seen.message, "plain [seen by netrpc-demo]");
    let rejected = host.create_post(&alice, &town_square, "reject-me").await.expect_err("rejected");
    assert!(rejected.to_string().contains("rejected by demo plugin"), "{rejected}");

    let echo = host
        .http(axum::http::Method::POST, &format!("/plugins/{DEMO_ID}/echo?a=b"))
        .body("echo body")
        .send()
        .await
        .expect("POST /echo");
    assert_eq!(echo.status, 200, "{}", echo.text());
    assert_eq!(echo.header("x-echo-method"), Some("POST"));
    assert_eq!(echo.header("x-echo-query"), Some("a=b"));
    assert_eq!(echo.text(), "echo body");
    host.shutdown().await;
}
