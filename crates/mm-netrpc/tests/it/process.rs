//! The host side launching real processes: the Rust example plugin, and plugins that break the
//! handshake.

use std::process::Command;
use std::time::Duration;

use mm_netrpc::ErrorKind;
use mm_netrpc::handshake::PluginAddress;
use mm_netrpc::host::PluginCommand;
use mm_netrpc::rpc::{Router, Server};
use tokio::io::AsyncReadExt;

use crate::support::{example_plugin, pattern};

mm_gob::gob_struct! {
    #[derive(Debug, Default)]
    pub(crate) struct AddArgs = "AddArgs" {
        pub(crate) a: i64 = "A",
        pub(crate) b: i64 = "B",
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_host_runs_the_rust_example_plugin_end_to_end() {
    let mut command = Command::new(example_plugin());
    command.env("RUST_LOG", "info");
    let mut plugin = PluginCommand::from_command(command).spawn().await.unwrap();
    let mut stderr = plugin.take_stderr().expect("stderr is piped");
    let logs = tokio::spawn(async move {
        let mut text = String::new();
        let _ = stderr.read_to_string(&mut text).await;
        text
    });
    let Some(PluginAddress::Unix(socket)) = plugin.handshake().map(|h| h.address.clone()) else {
        panic!("a unix socket handshake")
    };
    assert!(socket.file_name().unwrap().to_string_lossy().starts_with("plugin"));

    plugin.ping().await.unwrap();
    assert!(!socket.exists(), "the plugin removes its socket once the host is connected");
    let hooks = plugin.dispense("hooks").await.unwrap();
    assert_eq!(hooks.call::<String>("Plugin.Echo", &"hi").await.unwrap(), "hi");
    let mut calls = Vec::new();
    for i in 0..1000i64 {
        let hooks = hooks.clone();
        calls.push(tokio::spawn(
            async move { hooks.call::<i64>("Plugin.Add", &AddArgs { a: i, b: 1 }).await },
        ));
    }
    for (i, call) in calls.into_iter().enumerate() {
        assert_eq!(call.await.unwrap().unwrap(), i as i64 + 1);
    }
    let big = bytes::Bytes::from(pattern(1 << 20, 3));
    assert!(hooks.call::<bytes::Bytes>("Plugin.EchoBytes", &big).await.unwrap() == big);

    let broker = plugin.broker().clone();
    let id = broker.next_id();
    tokio::spawn(async move {
        let stream = broker.accept(id).await.unwrap();
        let api = Router::new()
            .method("Hello", |who: String| async move { Ok::<_, String>(format!("hello, {who}")) });
        Server::new().register("Plugin", api).serve(stream).await
    });
    assert_eq!(hooks.call::<String>("Plugin.DialBack", &id).await.unwrap(), "hello, rust");

    let status = plugin.shutdown().await.unwrap().expect("a process");
    let logs = logs.await.unwrap();
    assert!(status.success(), "the plugin exited by itself after Quit: {status}\n{logs}");
    assert!(logs.contains("the host asked the plugin to quit"), "{logs}");
    assert!(!logs.contains("ERROR"), "a quit is no error: {logs}");
}

fn sh(script: &str) -> PluginCommand {
    let mut command = Command::new("sh");
    command.args(["-c", script]);
    PluginCommand::from_command(command).start_timeout(Duration::from_secs(5))
}

#[tokio::test]
async fn anything_before_the_handshake_is_an_error_naming_the_line() {
    let err = sh("echo 'starting up...'; sleep 5").spawn().await.unwrap_err();
    assert_eq!(
        err.kind(),
        &ErrorKind::Handshake("Unrecognized remote plugin message: starting up...".into())
    );
}

#[tokio::test]
async fn a_grpc_plugin_is_refused_like_a_stock_server_does() {
    let err = sh("echo '1|1|tcp|127.0.0.1:10000|grpc'; sleep 5").spawn().await.unwrap_err();
    assert_eq!(err.kind(), &ErrorKind::UnsupportedProtocol { protocol: "grpc".into() });
    assert_eq!(err.to_string(), "unsupported plugin protocol \"grpc\". Supported: [netrpc]");
}

#[tokio::test]
async fn a_plugin_that_exits_before_its_handshake() {
    let err = sh("echo oops >&2; exit 3").spawn().await.unwrap_err();
    assert!(matches!(err.kind(), ErrorKind::PluginExited(status) if status.contains('3')), "{err:?}");
}

#[tokio::test]
async fn a_plugin_that_prints_nothing_in_time() {
    let err = sh("sleep 10").start_timeout(Duration::from_millis(300)).spawn().await.unwrap_err();
    assert!(matches!(err.kind(), ErrorKind::StartTimeout(_)), "{err:?}");
}

#[tokio::test]
async fn the_magic_cookie_is_passed_and_checked() {
    let err = sh("test \"$MATTERMOST_PLUGIN\" = 'Securely message teams, anywhere.' && test \"$PLUGIN_PROTOCOL_VERSIONS\" = 1 && test \"$PLUGIN_MIN_PORT\" = 10000 && test \"$PLUGIN_MAX_PORT\" = 25000 && echo cookie-ok; sleep 5")
        .spawn()
        .await
        .unwrap_err();
    assert_eq!(err.kind(), &ErrorKind::Handshake("Unrecognized remote plugin message: cookie-ok".into()));

    // Started by hand, the example refuses to run.
    let output = Command::new(example_plugin()).env_remove("MATTERMOST_PLUGIN").output().unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert!(output.stdout.is_empty(), "nothing on stdout");
    assert!(String::from_utf8_lossy(&output.stderr).contains("not meant to be executed directly"));
}
