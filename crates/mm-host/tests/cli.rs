//! The `mm-host` command line as a user runs it: `run` with a plugin until Ctrl-C, its errors,
//! and `demo` (which builds and drives `examples/hello`).

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

mod command_line;

use command_line::{assert_contains, mm_host, mm_host_command};

const FIXTURE: &str = env!("CARGO_BIN_EXE_mm-host-fixture-plugin");
/// A generous bound so a broken CLI fails the test instead of hanging it.
const PATIENCE: Duration = Duration::from_secs(300);

#[cfg(unix)]
#[test]
fn run_shows_every_step_and_stops_gracefully_on_ctrl_c() {
    let dir = tempfile::tempdir().unwrap();
    let record = dir.path().join("record.txt");
    let mut child = mm_host_command(&["run", FIXTURE, "--port", "0", "--plugin-id", "com.example.cli-run"])
        .env("MM_HOST_FIXTURE_RECORD", &record)
        .stdout(Stdio::piped())
        .spawn()
        .expect("mm-host runs");
    let (lines_tx, lines_rx) = mpsc::channel();
    let stdout = child.stdout.take().unwrap();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            let Ok(line) = line else { break };
            if lines_tx.send(line).is_err() {
                break;
            }
        }
    });

    // The plugin's log lines come through its stderr pipe, read concurrently with the hook
    // answers, so one may be printed just after "Serving": wait for both.
    const PLUGIN_LOG_LINE: &str = "[com.example.cli-run] INFO  fixture: fixture activated mode=normal";
    let mut output = String::new();
    while !(output.contains("Serving; press Ctrl-C to stop") && output.contains(PLUGIN_LOG_LINE)) {
        let line =
            lines_rx.recv_timeout(PATIENCE).unwrap_or_else(|_| panic!("no progress; so far:\n{output}"));
        output.push_str(&line);
        output.push('\n');
    }
    assert_contains(
        &output,
        &[
            "local Mattermost stand-in at http://127.0.0.1:",
            "==> Starting plugin com.example.cli-run",
            "com.example.cli-run process started (pid ",
            "com.example.cli-run handshake: gRPC on tcp 127.0.0.1:",
            "com.example.cli-run health: \"plugin\" is SERVING",
            "com.example.cli-run Implemented: MessageWillBePosted, OnActivate, OnDeactivate (ignored unknown names: NotAHook)",
            PLUGIN_LOG_LINE,
            "com.example.cli-run activated",
            "plugin HTTP routes: none (the plugin does not implement ServeHTTP)",
            "REST API:           http://127.0.0.1:",
        ],
    );

    // Ctrl-C.
    let status = Command::new("kill").args(["-INT", &child.id().to_string()]).status().expect("kill runs");
    assert!(status.success());
    let exit = child.wait().expect("mm-host exits");
    while let Ok(line) = lines_rx.recv_timeout(PATIENCE) {
        output.push_str(&line);
        output.push('\n');
    }
    assert!(exit.success(), "{exit:?}\n{output}");
    assert_contains(
        &output,
        &[
            "==> Stopping com.example.cli-run",
            "com.example.cli-run stopping: OnDeactivate, Shutdown",
            "com.example.cli-run stopped: the process exited by itself (exit code 0)",
        ],
    );
    let recorded = std::fs::read_to_string(&record).unwrap();
    assert!(recorded.contains("OnDeactivate\nShutdown\n"), "{recorded}");
}

#[test]
fn run_explains_an_activation_failure() {
    let (ok, output) = mm_host(
        &["run", FIXTURE, "--port", "0", "--plugin-id", "com.example.cli-fail"],
        &[("MM_HOST_FIXTURE_MODE", "activate-error")],
    );
    assert!(!ok, "{output}");
    assert_contains(
        &output,
        &[
            "com.example.cli-fail Implemented:",
            "error: plugin com.example.cli-fail: activation failed: OnActivate answered fixture.on_activate.bad_config: The fixture refuses to activate.",
        ],
    );
}

#[test]
fn run_explains_a_missing_plugin() {
    let (ok, output) = mm_host(&["run", "/nonexistent/plugin-binary", "--port", "0"], &[]);
    assert!(!ok, "{output}");
    assert_contains(
        &output,
        &["error: plugin /nonexistent/plugin-binary: cannot open /nonexistent/plugin-binary"],
    );
}

#[test]
fn run_refuses_an_executable_outside_the_plugin_folder_naming_the_field() {
    let dir = tempfile::tempdir().unwrap();
    let plugin = dir.path().join("plugin");
    std::fs::create_dir(&plugin).unwrap();
    // The path names a real executable (the fixture), reached by leaving the plugin folder.
    let escape = format!("../../../../../../../../..{FIXTURE}");
    let manifest = serde_json::json!({"id": "com.example.escape", "server": {"executable": escape}});
    std::fs::write(plugin.join("plugin.json"), manifest.to_string()).unwrap();
    let (ok, output) = mm_host(&["run", plugin.to_str().unwrap(), "--port", "0"], &[]);
    assert!(!ok, "{output}");
    assert_contains(
        &output,
        &["error: plugin ", "`server.executable`: the executable path ", "leaves the plugin folder"],
    );
    assert!(!output.contains("process started"), "nothing was launched:\n{output}");
}

#[test]
fn demo_builds_the_example_and_shows_its_hooks_at_work() {
    let (ok, output) = mm_host(&["demo", "--exit-after-scenario", "--port", "0"], &[]);
    assert!(ok, "{output}");
    assert_contains(
        &output,
        &[
            "==> Building examples/hello (mm-example-hello)",
            "com.example.hello handshake: gRPC on tcp 127.0.0.1:",
            "com.example.hello Implemented: ExecuteCommand, MessageWillBePosted, OnActivate, ServeHTTP",
            "hello is active on Mattermost 10.11.0",
            "com.example.hello activated",
            "plugin HTTP routes: http://127.0.0.1:",
            r#"MessageWillBePosted: @alice posted "Well darn it, the build is green!", stored as "Well **** it, the build is green!""#,
            r#"ExecuteCommand: /hello Rustacean -> "Hello, Rustacean! (greeting #1 from Rust)""#,
            "KV store: com.example.hello / greetings = 2",
            "/plugins/com.example.hello/hello -> 200 {",
            r#""greetings":2"#,
            "scenario passed",
            "com.example.hello stopped: the process exited by itself (exit code 0)",
        ],
    );
}
