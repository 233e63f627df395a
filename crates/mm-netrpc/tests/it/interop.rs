//! Against real Go: hashicorp/go-plugin v1.8.0 (yamux v0.1.2) launching our Rust plugin, and
//! our host launching a Go plugin. Skipped, with a notice, when `go` is not installed.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

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

/// The Go programs of `tests/go`, built once; `None` without Go.
fn go_programs() -> Option<&'static PathBuf> {
    static BUILT: OnceLock<Option<PathBuf>> = OnceLock::new();
    BUILT
        .get_or_init(|| {
            if Command::new("go").arg("version").output().is_err() {
                #[allow(clippy::print_stderr)]
                {
                    eprintln!("NOTICE: `go` is not installed; skipping the Go interop tests");
                }
                return None;
            }
            let out = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("netrpc-go");
            let status = Command::new("go")
                .current_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/go"))
                .args(["build", "-o"])
                .arg(format!("{}/", out.display()))
                .arg("./...")
                .status()
                .expect("go runs");
            assert!(status.success(), "building the Go test programs failed");
            Some(out)
        })
        .as_ref()
}

#[tokio::test]
async fn go_plugin_client_drives_the_rust_plugin() {
    let Some(bin) = go_programs() else { return };
    let plugin = example_plugin();
    // One run with an idle period past yamux's 30 s keepalive: both sides ping, both answer.
    let output = tokio::process::Command::new(bin.join("gohost"))
        .arg("-plugin")
        .arg(&plugin)
        .args(["-calls", "1000", "-idle", "35s"])
        .output()
        .await
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success() && stdout.starts_with("OK"),
        "gohost failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn our_host_drives_a_go_plugin() {
    let Some(bin) = go_programs() else { return };
    let mut plugin = PluginCommand::new(bin.join("goplugin")).spawn().await.unwrap();
    let mut stderr = plugin.take_stderr().unwrap();
    let logs = tokio::spawn(async move {
        let mut text = String::new();
        let _ = stderr.read_to_string(&mut text).await;
        text
    });
    plugin.ping().await.unwrap();
    let hooks = plugin.dispense("hooks").await.unwrap();
    assert_eq!(hooks.call::<String>("Plugin.Echo", &"hello from Rust").await.unwrap(), "hello from Rust");

    let mut calls = Vec::new();
    for i in 0..1000i64 {
        let hooks = hooks.clone();
        calls.push(tokio::spawn(
            async move { hooks.call::<i64>("Plugin.Add", &AddArgs { a: i, b: 1000 }).await },
        ));
    }
    for (i, call) in calls.into_iter().enumerate() {
        assert_eq!(call.await.unwrap().unwrap(), i as i64 + 1000);
    }
    let big = bytes::Bytes::from(pattern(1 << 20, 4));
    assert!(hooks.call::<bytes::Bytes>("Plugin.EchoBytes", &big).await.unwrap() == big);

    let err = hooks.call::<String>("Plugin.Nope", &"x").await.unwrap_err();
    assert_eq!(err.server_error(), Some("rpc: can't find method Plugin.Nope"));
    let err = hooks.call::<()>("Plugin.Fail", &"it broke").await.unwrap_err();
    assert_eq!(err.server_error(), Some("it broke"));

    let broker = plugin.broker().clone();
    let id = broker.next_id();
    tokio::spawn(async move {
        let stream = broker.accept(id).await.unwrap();
        let api = Router::new()
            .method("Hello", |who: String| async move { Ok::<_, String>(format!("hello, {who}")) });
        Server::new().register("Plugin", api).serve(stream).await
    });
    assert_eq!(hooks.call::<String>("Plugin.DialBack", &(id as u32)).await.unwrap(), "hello, go");

    let status = plugin.shutdown().await.unwrap().expect("a process");
    let logs = logs.await.unwrap();
    assert!(status.success(), "the Go plugin exited by itself after Quit: {status}\n{logs}");
}
