//! The plugin process's life: launch checks, failing and slow hooks, concurrency, and
//! shutdown by each trigger within the server's 2 s.

mod support;

use std::time::{Duration, Instant};

use mm_hooks::{Context, HookError, PostDecision, Runtime, ShutdownReason};
use mm_proto::go_plugin;
use mm_proto::go_plugin::grpc_controller_client::GrpcControllerClient;
use mm_proto::v1 as wire;
use mm_proto::v1::plugin_hooks_client::PluginHooksClient;
use support::{PluginProcess, SERVER_KILL_AFTER, id, req, run_to_exit, server_command, start_fake_api};
use tonic::Code;
use tonic_health::pb::health_check_response::ServingStatus;

/// Waits (boundedly) until the fixture's `/stats` satisfy `done`, and returns them.
async fn stats_until(plugin: &PluginProcess, done: impl Fn(&serde_json::Value) -> bool) -> serde_json::Value {
    for _ in 0..500 {
        let stats: serde_json::Value =
            serde_json::from_str(&plugin.command("/stats").await.unwrap()).unwrap();
        if done(&stats) {
            return stats;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!("the fixture's stats never reached the expected state");
}

fn send_signal(pid: i32, signal: &str) {
    let status =
        std::process::Command::new("kill").arg(format!("-{signal}")).arg(pid.to_string()).status().unwrap();
    assert!(status.success());
}

async fn activate(plugin: &PluginProcess) {
    let r = plugin.hooks().on_activate(req(wire::OnActivateRequest { context: None })).await.unwrap();
    assert_eq!(r.into_inner().error, None);
}

/// Asserts the plugin exited 0 in less than the 2 s the server waits before SIGKILL.
async fn assert_graceful_exit(plugin: &mut PluginProcess, since: Instant) {
    let (status, took) = plugin.wait_exit(since, SERVER_KILL_AFTER * 5).await;
    assert!(status.success(), "exit status {status}; stderr: {}", plugin.stderr.text());
    assert!(took < SERVER_KILL_AFTER, "exited after {took:?}; the server kills a plugin after 2 s");
}

// ----- Launch checks -----------------------------------------------------------------------

#[tokio::test]
async fn run_by_hand_it_says_it_needs_the_server_and_exits_1() {
    for cookie in [None, Some("wrong value")] {
        let mut command = tokio::process::Command::new(support::FIXTURE);
        command.arg("ignored-argument").env_remove("MATTERMOST_PLUGIN");
        if let Some(value) = cookie {
            command.env("MATTERMOST_PLUGIN", value);
        }
        let (status, stdout, stderr) = run_to_exit(command).await;
        assert_eq!(status.code(), Some(1), "{cookie:?}");
        assert_eq!(stdout, "", "nothing on stdout, no handshake");
        assert!(stderr.contains("must be started by a Mattermost server, not run by hand"), "{stderr}");
    }
}

#[tokio::test]
async fn a_bad_environment_fails_the_launch_with_a_clear_message() {
    let api = start_fake_api().await;
    let closed_port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let unreachable = format!("127.0.0.1:{closed_port}");
    let cases: Vec<(&str, String, &str)> = vec![
        ("PLUGIN_MIN_PORT", "30000".into(), "PLUGIN_MIN_PORT: 30000 is greater than PLUGIN_MAX_PORT (25000)"),
        ("PLUGIN_MAX_PORT", "lots".into(), "PLUGIN_MAX_PORT: \\\"lots\\\" is not a port number"),
        ("PLUGIN_PROTOCOL_VERSIONS", "2".into(), "this plugin speaks version 1"),
        (
            "MATTERMOST_PLUGIN_API_TARGET",
            "not-an-address".into(),
            "environment variable MATTERMOST_PLUGIN_API_TARGET: PluginAPI target \\\"not-an-address\\\" has no port",
        ),
        (
            "MATTERMOST_PLUGIN_API_TARGET",
            unreachable.clone(),
            "cannot connect to the Mattermost PluginAPI at 127.0.0.1:",
        ),
    ];
    for (variable, value, expected) in cases {
        let mut command = server_command(&api);
        command.env(variable, &value);
        let (status, stdout, stderr) = run_to_exit(command).await;
        assert_eq!(status.code(), Some(1), "{variable}={value}: {stderr}");
        assert_eq!(stdout, "", "{variable}={value}: no handshake");
        let line = stderr
            .lines()
            .find(|l| l.contains("plugin failed to start"))
            .unwrap_or_else(|| panic!("{stderr}"));
        let entry: serde_json::Value = serde_json::from_str(line).expect("an hclog JSON line");
        assert_eq!(entry["@level"], "error");
        assert!(line.contains(expected), "{variable}={value}: {line}");
    }

    // With no port free in the range, binding fails the same way.
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port().to_string();
    let mut command = server_command(&api);
    command.env("PLUGIN_MIN_PORT", &port).env("PLUGIN_MAX_PORT", &port);
    let (status, stdout, stderr) = run_to_exit(command).await;
    assert_eq!((status.code(), stdout.as_str()), (Some(1), ""));
    assert!(stderr.contains(&format!("no free port on 127.0.0.1 in {port}..={port}")), "{stderr}");
}

#[tokio::test]
async fn a_unix_socket_is_used_when_asked_and_only_the_owner_can_open_it() {
    use std::os::unix::fs::PermissionsExt;
    let api = start_fake_api().await;
    let dir = std::env::temp_dir().join(format!("mm-hooks-unix-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let mut command = server_command(&api);
    command.env("PLUGIN_UNIX_SOCKET_DIR", &dir);
    let mut plugin = PluginProcess::launch(command).await;
    let path =
        plugin.handshake.strip_prefix("1|1|unix|").and_then(|r| r.strip_suffix("|grpc")).unwrap().to_owned();
    assert!(path.starts_with(dir.to_str().unwrap()), "{path}");
    assert_eq!(std::fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o600);
    assert_eq!(plugin.health("plugin").await, ServingStatus::Serving);
    let implemented =
        plugin.hooks().implemented(req(wire::ImplementedRequest { context: None })).await.unwrap();
    assert_eq!(implemented.into_inner().hooks.len(), 41);

    let since = Instant::now();
    GrpcControllerClient::new(plugin.channel.clone()).shutdown(go_plugin::Empty {}).await.unwrap();
    assert_graceful_exit(&mut plugin, since).await;
    assert!(!std::path::Path::new(&path).exists(), "the socket is removed at exit");
    std::fs::remove_dir_all(&dir).unwrap();
}

// ----- Failing, slow and concurrent hooks ----------------------------------------------------

#[tokio::test]
async fn a_panicking_hook_fails_only_its_own_call() {
    let api = start_fake_api().await;
    let plugin = PluginProcess::launch(server_command(&api)).await;
    let mut hooks = plugin.hooks();

    // A hook with an AppError in its response answers with one.
    let err = plugin.command("/panic").await.unwrap_err();
    assert!(
        err.message().contains("plugin.execute_command.error: hook panicked: the fixture panics on request"),
        "{err}"
    );

    // A hook without one answers with an error status (the server falls back and logs it).
    let status = hooks
        .message_has_been_posted(req(wire::MessageHasBeenPostedRequest {
            context: None,
            plugin_context: None,
            post: Some(wire::Post { message: "panic".into(), ..Default::default() }),
        }))
        .await
        .unwrap_err();
    assert_eq!(status.code(), Code::Internal);
    assert_eq!(status.message(), "hook MessageHasBeenPosted panicked: the fixture panics on request");

    // A returned error goes the same way.
    let status = hooks
        .message_has_been_posted(req(wire::MessageHasBeenPostedRequest {
            context: None,
            plugin_context: None,
            post: Some(wire::Post { message: "fail".into(), ..Default::default() }),
        }))
        .await
        .unwrap_err();
    assert_eq!(
        (status.code(), status.message()),
        (Code::Internal, "hook MessageHasBeenPosted failed: the fixture fails on request")
    );

    // ServeHTTP panicking while it builds its response.
    let request = wire::ServeHttpRequest {
        init: Some(wire::ServeHttpRequestInit {
            method: "GET".into(),
            url: "/panic".into(),
            ..Default::default()
        }),
        body_chunk: Default::default(),
        body_complete: true,
    };
    let status = hooks.serve_http(futures_util::stream::iter([request])).await.unwrap_err();
    assert_eq!(
        (status.code(), status.message()),
        (Code::Internal, "hook ServeHTTP panicked: the fixture panics in ServeHTTP")
    );

    // A request missing what the hook needs is the server's mistake.
    let status = hooks
        .message_will_be_posted(req(wire::MessageWillBePostedRequest {
            context: None,
            plugin_context: None,
            post: None,
        }))
        .await
        .unwrap_err();
    assert_eq!((status.code(), status.message()), (Code::InvalidArgument, "post is required"));

    // The plugin keeps serving.
    assert_eq!(plugin.command("/echo still here").await.unwrap(), "still here");
    assert_eq!(plugin.health("plugin").await, ServingStatus::Serving);
    // Each of the three panics is one error line, from the panic hook of `mm_hooks::logging`,
    // with its message and location; the runtime's own report of it is not written again.
    let stderr = plugin.stderr.text();
    let lines: Vec<serde_json::Value> = stderr.lines().filter_map(|l| serde_json::from_str(l).ok()).collect();
    let panics: Vec<&serde_json::Value> = lines.iter().filter(|l| l.get("panic").is_some()).collect();
    // Each report points at the `panic!` in the fixture's source that fired.
    let fixtures = "crates/mm-hooks/tests/fixtures/all_hooks";
    let workspace = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let mut messages = Vec::new();
    for report in &panics {
        assert_eq!(
            (report["@level"].as_str(), report["@module"].as_str()),
            (Some("error"), Some("panic")),
            "{report}"
        );
        let location = report["location"].as_str().unwrap_or_default();
        let mut parts = location.rsplitn(3, ':');
        let (_column, line, file) = (parts.next(), parts.next(), parts.next().unwrap_or_default());
        assert!(file.starts_with(fixtures), "a fixture location: {report}");
        let line: usize = line.and_then(|l| l.parse().ok()).unwrap_or_else(|| panic!("a line in {report}"));
        let source = std::fs::read_to_string(workspace.join(file)).unwrap();
        let text = source.lines().nth(line - 1).unwrap_or_default();
        assert!(text.contains("panic!("), "{file}:{line} is a panic!: {text:?}");
        let message = report["@message"].as_str().unwrap_or_default();
        assert!(message.starts_with(&format!("panicked at {file}:{line}:")), "{report}");
        assert!(
            message.ends_with(&format!(": {}", report["panic"].as_str().unwrap_or_default())),
            "{report}"
        );
        messages.push(report["panic"].as_str().unwrap_or_default().to_owned());
    }
    assert_eq!(
        messages,
        ["the fixture panics on request", "the fixture panics on request", "the fixture panics in ServeHTTP"],
        "one error line per panic: {stderr}"
    );
}

#[tokio::test]
async fn hooks_honour_the_deadline_and_are_dropped_when_cancelled() {
    let api = start_fake_api().await;
    let plugin = PluginProcess::launch(server_command(&api)).await;
    let sleep = |millis: u64| wire::ExecuteCommandRequest {
        context: None,
        plugin_context: None,
        args: Some(wire::CommandArgs { command: format!("/sleep {millis}"), ..Default::default() }),
    };

    // Deadline: a hook still running when the server's grpc-timeout passes is stopped.
    let mut request = tonic::Request::new(sleep(60_000));
    request.set_timeout(Duration::from_millis(300));
    let status = plugin.hooks().execute_command(request).await.unwrap_err();
    assert!(matches!(status.code(), Code::DeadlineExceeded | Code::Cancelled), "{status:?}");
    let stats = stats_until(&plugin, |s| s["sleeps_dropped"] == 1).await;
    assert_eq!((stats["sleeps_started"].as_u64(), stats["sleeps_finished"].as_u64()), (Some(1), Some(0)));

    // Cancellation: the server gives up on the call (the client drops it); the hook's future
    // is dropped, not left running.
    let mut hooks = plugin.hooks();
    let call = tokio::spawn(async move { hooks.execute_command(req(sleep(60_000))).await });
    stats_until(&plugin, |s| s["sleeps_started"] == 2).await;
    call.abort();
    let stats = stats_until(&plugin, |s| s["sleeps_dropped"] == 2).await;
    assert_eq!(stats["sleeps_finished"], 0);

    // A hook that finishes in time is unaffected.
    assert_eq!(
        plugin.hooks().execute_command(req(sleep(10))).await.unwrap().into_inner().response.unwrap().text,
        "slept"
    );
}

#[tokio::test]
async fn hooks_run_concurrently() {
    let api = start_fake_api().await;
    let plugin = PluginProcess::launch(server_command(&api)).await;
    // Each call waits on a barrier that opens only when all 8 wait at once: with hooks run
    // one at a time, the first would wait forever (and fail at its deadline).
    let calls: Vec<_> = (0..8)
        .map(|_| {
            let mut hooks = plugin.hooks();
            tokio::spawn(async move {
                let mut request = tonic::Request::new(wire::ExecuteCommandRequest {
                    context: None,
                    plugin_context: None,
                    args: Some(wire::CommandArgs { command: "/barrier 8".into(), ..Default::default() }),
                });
                request.set_timeout(Duration::from_secs(20));
                hooks.execute_command(request).await
            })
        })
        .collect();
    for call in calls {
        let response = call.await.unwrap().expect("released");
        assert_eq!(response.into_inner().response.unwrap().text, "released");
    }
}

// ----- Shutdown triggers ------------------------------------------------------------------------

#[tokio::test]
async fn shutdown_by_the_controller_lets_calls_in_progress_finish() {
    let api = start_fake_api().await;
    let mut plugin = PluginProcess::launch(server_command(&api)).await;
    activate(&plugin).await;
    let mut hooks = plugin.hooks();
    let in_progress = tokio::spawn(async move {
        hooks
            .execute_command(req(wire::ExecuteCommandRequest {
                context: None,
                plugin_context: None,
                args: Some(wire::CommandArgs { command: "/sleep 300".into(), ..Default::default() }),
            }))
            .await
    });
    stats_until(&plugin, |s| s["sleeps_started"] == 1).await;

    let since = Instant::now();
    GrpcControllerClient::new(plugin.channel.clone()).shutdown(go_plugin::Empty {}).await.unwrap();
    let response = in_progress.await.unwrap().expect("the call in progress completes");
    assert_eq!(response.into_inner().response.unwrap().text, "slept");
    assert_graceful_exit(&mut plugin, since).await;
    let stderr = plugin.stderr.text();
    assert!(stderr.contains("the server called GRPCController/Shutdown"), "{stderr}");
    // Activated and not deactivated by the server: the runtime ran on_deactivate itself.
    assert!(stderr.contains("fixture on_deactivate ran"), "{stderr}");
}

#[tokio::test]
async fn shutdown_on_sigterm_and_sigint() {
    let api = start_fake_api().await;
    for signal in ["TERM", "INT"] {
        let mut plugin = PluginProcess::launch(server_command(&api)).await;
        activate(&plugin).await;
        let since = Instant::now();
        send_signal(plugin.pid(), signal);
        assert_graceful_exit(&mut plugin, since).await;
        let stderr = plugin.stderr.text();
        assert!(stderr.contains(&format!("received SIG{signal}")), "{stderr}");
        assert!(stderr.contains("fixture on_deactivate ran"), "{stderr}");
    }
}

#[tokio::test]
async fn shutdown_when_the_server_is_gone() {
    let api = start_fake_api().await;
    let mut plugin = PluginProcess::launch(server_command(&api)).await;
    activate(&plugin).await;
    assert_eq!(plugin.command("/echo up").await.unwrap(), "up");

    // The server goes away without calling Shutdown (it crashed, and its process is not the
    // plugin's parent here): its PluginAPI stops listening and its hook connection closes.
    let since = Instant::now();
    drop(api);
    let channel = std::mem::replace(
        &mut plugin.channel,
        tonic::transport::Endpoint::from_static("http://unused").connect_lazy(),
    );
    drop(channel);
    assert_graceful_exit(&mut plugin, since).await;
    let stderr = plugin.stderr.text();
    assert!(stderr.contains("the server is gone"), "took {:?}: {stderr}", since.elapsed());
    // on_deactivate runs; its API call cannot reach a server that is gone (its time limit
    // keeps the exit within the 2 s).
    assert!(stderr.contains("\"entry\":\"OnDeactivate\""), "{stderr}");
}

#[tokio::test]
async fn a_dropped_hook_connection_is_served_again_while_the_server_is_there() {
    let api = start_fake_api().await;
    let mut plugin = PluginProcess::launch(server_command(&api)).await;
    activate(&plugin).await;
    assert_eq!(plugin.command("/echo before").await.unwrap(), "before");

    // The hook connection drops (as after an HTTP/2 GOAWAY) while the server lives on.
    let channel = std::mem::replace(
        &mut plugin.channel,
        tonic::transport::Endpoint::from_static("http://unused").connect_lazy(),
    );
    drop(channel);
    let waiting = "serving on until it reconnects";
    for _ in 0..500 {
        if plugin.stderr.text().contains(waiting) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let stderr = plugin.stderr.text();
    assert!(stderr.contains(waiting), "the plugin noticed the drop and asked the server: {stderr}");

    // The server dials again and is served.
    let address = plugin.handshake.split('|').nth(3).unwrap().to_owned();
    plugin.channel = tonic::transport::Endpoint::from_shared(format!("http://{address}"))
        .unwrap()
        .connect()
        .await
        .unwrap();
    assert_eq!(plugin.command("/echo after").await.unwrap(), "after");
    assert_eq!(plugin.health("plugin").await, ServingStatus::Serving);
    assert!(!plugin.stderr.text().contains("plugin shutting down"), "{}", plugin.stderr.text());

    // It still stops when asked.
    let since = Instant::now();
    GrpcControllerClient::new(plugin.channel.clone()).shutdown(go_plugin::Empty {}).await.unwrap();
    assert_graceful_exit(&mut plugin, since).await;
    assert!(plugin.stderr.text().contains("the server called GRPCController/Shutdown"));
}

#[tokio::test]
async fn shutdown_when_the_parent_process_exits() {
    let api = start_fake_api().await;
    // A shell stands in for the server: it starts the plugin (which inherits its pipes and
    // the server's environment) and then dies without a word.
    let mut server = server_command(&api);
    let mut shell = tokio::process::Command::new("sh");
    shell
        .arg("-c")
        .arg("\"$0\" plugin.py & wait")
        .arg(support::FIXTURE)
        .envs(server.as_std_mut().get_envs().filter_map(|(k, v)| Some((k.to_owned(), v?.to_owned()))))
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .kill_on_drop(true);
    let mut plugin = PluginProcess::launch(shell).await;
    activate(&plugin).await;

    let since = Instant::now();
    send_signal(plugin.pid(), "KILL");
    plugin.child.wait().await.unwrap();
    // The plugin, re-parented, notices and shuts down; its stderr closing marks its exit.
    assert!(plugin.stderr.wait_closed(SERVER_KILL_AFTER * 5).await, "the plugin did not exit");
    let took = since.elapsed();
    let stderr = plugin.stderr.text();
    assert!(stderr.contains("the parent process exited"), "{stderr}");
    assert!(stderr.contains("fixture on_deactivate ran"), "{stderr}");
    assert!(stderr.contains("\"@message\":\"plugin stopped\""), "{stderr}");
    assert!(took < SERVER_KILL_AFTER, "stopped after {took:?}; the server kills a plugin after 2 s");
}

// ----- In-process hosts -------------------------------------------------------------------------

struct Shouter;

#[mm_hooks::plugin]
impl mm_hooks::Plugin for Shouter {
    async fn on_activate(&self, cx: &Context) -> Result<(), HookError> {
        if cx.plugin_id() != Some("com.example.shouter") {
            return Err(HookError::msg("unexpected plugin id"));
        }
        cx.client().kv().set("shouter", "on").await?;
        Ok(())
    }

    async fn message_will_be_posted(&self, _cx: &Context, mut post: mm_types::Post) -> PostDecision {
        post.message = post.message.to_uppercase();
        PostDecision::Replace(post)
    }
}

#[tokio::test]
async fn the_builder_serves_a_plugin_in_process() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let api = start_fake_api().await;
    let client = mm_hooks::Client::connect(&api.addr.to_string()).await.unwrap();
    let serving = Runtime::builder()
        .listener(listener)
        .client(client)
        .plugin_id("com.example.shouter")
        .serve(Shouter)
        .unwrap();
    let line = serving.local_addr().handshake_line();
    let addr = line.split('|').nth(3).unwrap().to_owned();
    let channel =
        tonic::transport::Endpoint::from_shared(format!("http://{addr}")).unwrap().connect().await.unwrap();
    let mut hooks = PluginHooksClient::new(channel);

    let implemented =
        hooks.implemented(req(wire::ImplementedRequest { context: None })).await.unwrap().into_inner();
    assert_eq!(implemented.hooks, ["OnActivate", "MessageWillBePosted"]);
    let r = hooks.on_activate(req(wire::OnActivateRequest { context: None })).await.unwrap().into_inner();
    assert_eq!(r.error, None);
    let r = hooks
        .message_will_be_posted(req(wire::MessageWillBePostedRequest {
            context: None,
            plugin_context: None,
            post: Some(wire::Post { id: id('p'), message: "quiet".into(), ..Default::default() }),
        }))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(r.modified_post.unwrap().message, "QUIET");
    assert_eq!(api.log.calls(), ["KVSet shouter=on"]);

    serving.shutdown_handle().shutdown();
    let reason = serving.wait().await.unwrap();
    assert_eq!(reason, ShutdownReason::Requested);
    // Once stopped, the hooks are refused.
    assert!(hooks.implemented(req(wire::ImplementedRequest { context: None })).await.is_err());
}

/// Sync code in a hook: the blocking twin of the API client inside `cx.spawn_blocking`.
struct SyncWriter;

#[mm_hooks::plugin]
impl mm_hooks::Plugin for SyncWriter {
    async fn on_activate(&self, cx: &Context) -> Result<(), HookError> {
        // On the async worker the twin refuses instead of stalling the runtime...
        let api = cx.blocking_client()?;
        let refused = api.kv().set("sync", "no").unwrap_err();
        assert_eq!(refused.kind(), mm_client::ErrorKind::BlockingInAsync);
        // ...and in the blocking section it works.
        cx.spawn_blocking(move || api.kv().set("sync", "yes")).await??;
        Ok(())
    }
}

#[tokio::test(flavor = "current_thread")]
async fn sync_code_in_a_hook_uses_the_blocking_client_without_stalling_the_runtime() {
    // One thread runs the fake API server, the plugin and the test: blocking it would deadlock.
    let api = start_fake_api().await;
    let client = mm_hooks::Client::connect(&api.addr.to_string()).await.unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let serving = Runtime::builder().listener(listener).client(client).serve(SyncWriter).unwrap();
    let line = serving.local_addr().handshake_line();
    let addr = line.split('|').nth(3).unwrap().to_owned();
    let channel =
        tonic::transport::Endpoint::from_shared(format!("http://{addr}")).unwrap().connect().await.unwrap();
    let mut hooks = PluginHooksClient::new(channel);
    let r = hooks.on_activate(req(wire::OnActivateRequest { context: None })).await.unwrap().into_inner();
    assert_eq!(r.error, None);
    assert_eq!(api.log.calls(), ["KVSet sync=yes"]);
    serving.shutdown_handle().shutdown();
    serving.wait().await.unwrap();
}

// ----- Request storms ---------------------------------------------------------------------------

/// Opens `count` gRPC streams to `path` on one raw HTTP/2 connection and resets each in the
/// same flush as it opens (how a server's cancellations reach a plugin too busy to accept
/// them), then asks for the health of `plugin` on that same connection: whether it is still
/// served.
async fn health_after_rapid_resets(address: &str, count: usize, path: &str) -> Result<ServingStatus, String> {
    use prost::Message as _;
    let socket = tokio::net::TcpStream::connect(address).await.map_err(|e| e.to_string())?;
    let (client, connection) = h2::client::handshake(socket).await.map_err(|e| e.to_string())?;
    let driver = tokio::spawn(connection);
    let mut client = client.ready().await.map_err(|e| e.to_string())?;
    let grpc = |path: &str| {
        http::Request::post(format!("http://{address}{path}"))
            .header("content-type", "application/grpc")
            .header("te", "trailers")
            .body(())
            .unwrap()
    };
    // No await between the streams: the connection task sends them all at once.
    for _ in 0..count {
        let (_response, mut stream) = client.send_request(grpc(path), false).map_err(|e| e.to_string())?;
        stream.send_reset(h2::Reason::CANCEL);
    }
    let (response, mut stream) =
        client.send_request(grpc("/grpc.health.v1.Health/Check"), false).map_err(|e| e.to_string())?;
    let message = tonic_health::pb::HealthCheckRequest { service: "plugin".into() }.encode_to_vec();
    let mut frame = vec![0u8];
    frame.extend_from_slice(&u32::try_from(message.len()).unwrap().to_be_bytes());
    frame.extend_from_slice(&message);
    stream.send_data(frame.into(), true).map_err(|e| e.to_string())?;
    let mut body = response.await.map_err(|e| format!("the health check after the resets: {e}"))?.into_body();
    let mut answer = Vec::new();
    while let Some(chunk) = body.data().await {
        let chunk = chunk.map_err(|e| format!("reading the health answer: {e}"))?;
        let _ = body.flow_control().release_capacity(chunk.len());
        answer.extend_from_slice(&chunk);
    }
    driver.abort();
    let reply = tonic_health::pb::HealthCheckResponse::decode(answer.get(5..).unwrap_or_default())
        .map_err(|e| format!("the health answer {answer:?}: {e}"))?;
    Ok(reply.status())
}

#[tokio::test(flavor = "current_thread")]
async fn the_servers_connection_survives_a_burst_of_cancelled_hooks() {
    let api = start_fake_api().await;
    let plugin = PluginProcess::launch(server_command(&api)).await;
    let address = plugin.handshake.split('|').nth(3).unwrap().to_owned();
    // A thousand hook calls the server gives up on at once: far past h2's default of 20
    // streams reset before they are accepted, after which it would answer GOAWAY.
    let status = health_after_rapid_resets(
        &address,
        1_000,
        "/mattermost.pluginapi.v1.PluginHooks/MessageWillBePosted",
    )
    .await
    .expect("the same connection is still served");
    assert_eq!(status, ServingStatus::Serving);
    assert_eq!(plugin.command("/echo still here").await.unwrap(), "still here");
}
