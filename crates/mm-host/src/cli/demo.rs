//! `mm-host demo`: builds `examples/hello`, runs it under the host and drives a short
//! scenario that shows its hooks at work.

use std::path::{Path, PathBuf};
use std::process::Stdio;

use mm_types::{CommandArgs, Post};
use serde_json::Value;
use tokio::io::{AsyncBufReadExt, BufReader};

use crate::manifest::Manifest;
use crate::supervisor::PluginSpec;

use super::output::Printer;
use super::session::Session;
use super::{CliError, DemoArgs, http_get};

/// The example's package (and binary) name.
const EXAMPLE_PACKAGE: &str = "mm-example-hello";
/// The example's folder, relative to the workspace root.
const EXAMPLE_DIR: &str = "examples/hello";
/// What the scenario posts: the example filters the word "darn".
const BANNED_MESSAGE: &str = "Well darn it, the build is green!";
/// The example's KV key for its greeting counter.
const COUNTER_KEY: &str = "greetings";

pub(super) async fn demo(args: DemoArgs, printer: Printer) -> Result<(), CliError> {
    let root = workspace_root()?;
    printer.step(&format!("Building {EXAMPLE_DIR} ({EXAMPLE_PACKAGE})"));
    let binary = build_example(&root).await?;
    printer.ok(&format!("built {}", binary.display()));

    let manifest = Manifest::from_file(root.join(EXAMPLE_DIR).join("plugin.json"))
        .map_err(|e| CliError(e.to_string()))?;
    let mut spec = PluginSpec::from_binary(&binary)
        .and_then(|spec| spec.with_manifest(manifest))
        .map_err(|e| CliError(e.to_string()))?;
    // A stock server's net/rpc unless asked otherwise: the example's manifest also carries the
    // fork's `runtime: "python"`, which alone would pick gRPC.
    let protocol = args.protocol.map_or(mm_proto::protocol::Protocol::NetRpc, Into::into);
    spec = spec.with_protocol(protocol);
    let mut session = Session::start(spec, args.port, &[], printer).await?;
    session.print_summary();

    printer.step("Scenario");
    let failures = scenario(&mut session).await;
    if failures == 0 {
        printer.ok("scenario passed: handshake, OnActivate, a filtered post, /hello, the KV counter and the HTTP route");
    } else {
        printer.problem(&format!("scenario: {failures} step(s) failed"));
    }

    if args.exit_after_scenario {
        session.stop().await;
    } else {
        session.print_summary();
        session.serve_until_interrupted().await?;
    }
    if failures == 0 { Ok(()) } else { Err(CliError(format!("{failures} scenario step(s) failed"))) }
}

/// The SDK's source tree: the demo builds the example from it.
fn workspace_root() -> Result<PathBuf, CliError> {
    super::built_from_sdk(&format!("{EXAMPLE_DIR}/Cargo.toml")).map_err(|root| {
        CliError(format!(
            "the demo builds {EXAMPLE_DIR} from the SDK's source tree, which is not at {} any more; run it from a checkout \
             with `cargo run -p mm-host -- demo`",
            root.display()
        ))
    })
}

/// `cargo build -p mm-host -p mm-example-hello` (release when this binary is), and the example's path
/// from cargo's JSON messages (so any `CARGO_TARGET_DIR` works).
async fn build_example(root: &Path) -> Result<PathBuf, CliError> {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut command = tokio::process::Command::new(&cargo);
    command
        .current_dir(root)
        // With mm-host itself in the same build, the dependencies get the same features as in
        // `cargo build -p mm-host -p mm-example-hello` (the README's first command), so they
        // are compiled once; `-p mm-example-hello` alone would compile most of them again.
        .args(["build", "-p", "mm-host", "-p", EXAMPLE_PACKAGE, "--bin", "mm-host", "--bin", EXAMPLE_PACKAGE])
        .arg("--message-format=json-render-diagnostics")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        // Cargo's progress and any compiler errors go straight to the user.
        .stderr(Stdio::inherit());
    if !cfg!(debug_assertions) {
        command.arg("--release");
    }
    let mut child =
        command.spawn().map_err(|e| CliError(format!("cannot run {}: {e}", Path::new(&cargo).display())))?;
    let Some(stdout) = child.stdout.take() else {
        return Err(CliError("cargo's output pipe is missing".to_owned()));
    };
    let mut lines = BufReader::new(stdout).lines();
    let mut executable = None;
    while let Ok(Some(line)) = lines.next_line().await {
        if let Some(path) = artifact_executable(&line) {
            executable = Some(path);
        }
    }
    let status = child.wait().await.map_err(|e| CliError(format!("waiting for cargo: {e}")))?;
    if !status.success() {
        return Err(CliError(format!("building {EXAMPLE_PACKAGE} failed ({status})")));
    }
    executable.ok_or_else(|| CliError(format!("cargo built {EXAMPLE_PACKAGE} but named no executable")))
}

/// The executable of the example's binary target in one cargo JSON message, if it is that.
fn artifact_executable(line: &str) -> Option<PathBuf> {
    let message: Value = serde_json::from_str(line).ok()?;
    if message["reason"] != "compiler-artifact" || message["target"]["name"] != EXAMPLE_PACKAGE {
        return None;
    }
    message["executable"].as_str().map(PathBuf::from)
}

/// Drives the example through the host; returns how many steps failed.
async fn scenario(session: &mut Session) -> usize {
    let printer = session.printer;
    let host = session.host.clone();
    let seed = host.seed().clone();
    let plugin_id = session.plugin_id.clone();
    let mut failures = 0;
    let mut check = |passed: bool, text: &str| {
        if passed {
            printer.ok(text);
        } else {
            printer.problem(text);
            failures += 1;
        }
    };

    // OnActivate already ran (its log line with the server version is above); the plugin is
    // now registered with the host, so events reach its hooks.
    check(
        host.plugin_ids().contains(&plugin_id),
        "OnActivate ran: the plugin logged the server version (above) and is registered with the host",
    );

    // MessageWillBePosted: alice posts the banned word in Town Square.
    let mut post = Post::new(seed.town_square.id.clone(), BANNED_MESSAGE);
    post.user_id = seed.alice.id.clone();
    match session.while_printing(host.create_post(post)).await {
        Ok(stored) => check(
            stored.message != BANNED_MESSAGE && !stored.message.contains("darn"),
            &format!(
                "MessageWillBePosted: @{} posted {BANNED_MESSAGE:?}, stored as {:?}",
                seed.alice.username, stored.message
            ),
        ),
        Err(error) => check(false, &format!("creating a post failed: {error}")),
    }

    // ExecuteCommand: /hello twice, counting in the KV store.
    for text in ["/hello Rustacean", "/hello"] {
        let args = CommandArgs {
            command: text.to_owned(),
            user_id: seed.alice.id.clone(),
            channel_id: seed.town_square.id.clone(),
            team_id: seed.team.id.clone(),
            ..CommandArgs::default()
        };
        match session.while_printing(host.execute_command(args)).await {
            Ok(response) => check(
                response.text.starts_with("Hello"),
                &format!("ExecuteCommand: {text} -> {:?}", response.text),
            ),
            Err(error) => check(false, &format!("{text} failed: {error}")),
        }
    }
    host.settle().await;
    let counter =
        host.store().kv_get(&plugin_id, COUNTER_KEY).map(|v| String::from_utf8_lossy(&v).into_owned());
    check(
        counter.as_deref() == Some("2"),
        &format!("KV store: {plugin_id} / {COUNTER_KEY} = {}", counter.as_deref().unwrap_or("(none)")),
    );

    // ServeHTTP: the plugin's route through the host's HTTP front.
    let url = format!("{}/plugins/{plugin_id}/hello", host.http_url().unwrap_or_default());
    match session.while_printing(http_get::get(&url)).await {
        Ok((status, body)) => {
            check(status == 200, &format!("ServeHTTP: GET {url} -> {status} {}", body.trim()))
        }
        Err(error) => check(false, &error.to_string()),
    }
    failures
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_example_executable_in_cargo_messages() {
        let line = r#"{"reason":"compiler-artifact","target":{"name":"mm-example-hello","kind":["bin"]},"executable":"/t/debug/mm-example-hello"}"#;
        assert_eq!(artifact_executable(line), Some(PathBuf::from("/t/debug/mm-example-hello")));
        let lib = r#"{"reason":"compiler-artifact","target":{"name":"mm-example-hello","kind":["lib"]},"executable":null}"#;
        assert_eq!(artifact_executable(lib), None);
        let other = r#"{"reason":"compiler-artifact","target":{"name":"tokio"},"executable":null}"#;
        assert_eq!(artifact_executable(other), None);
        assert_eq!(artifact_executable("not json"), None);
        assert_eq!(artifact_executable(r#"{"reason":"build-finished","success":true}"#), None);
    }

    #[test]
    fn the_example_is_in_the_source_tree() {
        let root = workspace_root().unwrap();
        Manifest::from_file(root.join(EXAMPLE_DIR).join("plugin.json")).unwrap();
    }
}
