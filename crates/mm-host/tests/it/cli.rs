//! The `mm-host` command line as a user runs it: `run` with a plugin until Ctrl-C, its errors,
//! and `demo` (which builds and drives `examples/hello`).

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use crate::command_line;

use command_line::{RunningHost, assert_contains, http_request, mm_host, mm_host_command};

const FIXTURE: &str = env!("CARGO_BIN_EXE_mm-host-fixture-plugin");
/// A plugin on the SDK runtime; posting `panic` makes its MessageHasBeenPosted hook panic.
const SDK_FIXTURE: &str = env!("CARGO_BIN_EXE_mm-host-sdk-fixture");
/// A generous bound so a broken CLI fails the test instead of hanging it.
const PATIENCE: Duration = Duration::from_secs(300);

#[cfg(unix)]
#[test]
fn run_shows_every_step_and_stops_gracefully_on_ctrl_c() {
    let dir = tempfile::tempdir().unwrap();
    let record = dir.path().join("record.txt");
    let mut child = mm_host_command(&[
        "run",
        FIXTURE,
        "--protocol",
        "grpc",
        "--port",
        "0",
        "--plugin-id",
        "com.example.cli-run",
    ])
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
fn run_stops_gracefully_on_sigterm_as_on_ctrl_c() {
    let dir = tempfile::tempdir().unwrap();
    let record = dir.path().join("record.txt");
    let record_env = record.to_str().unwrap();
    let mut host = RunningHost::start(
        &["run", FIXTURE, "--protocol", "grpc", "--port", "0", "--plugin-id", "com.example.cli-term"],
        &[("MM_HOST_FIXTURE_RECORD", record_env)],
    );
    host.wait_for(PATIENCE, |out| out.contains("Serving; press Ctrl-C to stop"));
    host.signal("TERM");
    assert!(host.finish(PATIENCE), "exits with success:\n{}", host.output);
    assert_contains(
        &host.output,
        &[
            "==> Stopping com.example.cli-term",
            "com.example.cli-term stopping: OnDeactivate, Shutdown",
            "com.example.cli-term stopped: the process exited by itself (exit code 0)",
        ],
    );
    let recorded = std::fs::read_to_string(&record).unwrap();
    assert!(recorded.contains("OnDeactivate\nShutdown\n"), "{recorded}");
}

#[test]
fn a_deactivated_plugin_leaves_the_host_serving_until_stopped() {
    const ID: &str = "com.example.cli-crashes";
    let mut host = RunningHost::start(
        &["run", FIXTURE, "--protocol", "grpc", "--port", "0", "--plugin-id", ID],
        &[("MM_HOST_FIXTURE_MODE", "crash")],
    );
    host.wait_for(PATIENCE, |out| out.contains(&format!("{ID} is deactivated")));
    assert_contains(&host.output, &[&format!("{ID} deactivated after 3 failures within the restart window")]);
    let (base, token) = host.rest_api();
    let auth = format!("Bearer {token}");
    // The REST API still answers, the plugin's routes answer as the server's router does.
    let (status, body) = http_request(&base, "GET", "/api/v4/system/ping", &[], "");
    assert_eq!((status, body.as_str()), (200, r#"{"status":"OK"}"#));
    let (status, me) = http_request(&base, "GET", "/api/v4/users/me", &[("Authorization", &auth)], "");
    assert_eq!(status, 200, "{me}");
    let (status, body) =
        http_request(&base, "GET", &format!("/plugins/{ID}/anything"), &[("Authorization", &auth)], "");
    assert_eq!((status, body.as_str()), (404, "404 page not found\n"));

    host.signal("TERM");
    assert!(!host.finish(PATIENCE), "the session ends with an error:\n{}", host.output);
    assert_contains(&host.output, &[&format!("error: plugin {ID} failed too often and was deactivated")]);
    assert!(!host.output.contains(&format!("Stopping {ID}")), "nothing left to stop:\n{}", host.output);
}

#[test]
fn run_explains_an_activation_failure() {
    let (ok, output) = mm_host(
        &["run", FIXTURE, "--protocol", "grpc", "--port", "0", "--plugin-id", "com.example.cli-fail"],
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

/// Runs the SDK fixture under `mm-host run`, makes one hook panic, and returns the lines about
/// the plugin that mention the panic (its own output, and the host's report of the failed call).
fn plugin_panic_lines(backtrace: &str) -> (Vec<String>, String) {
    const ID: &str = "com.example.sdk-panics";
    let env = [("RUST_BACKTRACE", backtrace), ("RUST_LIB_BACKTRACE", backtrace)];
    let mut host = RunningHost::start(&["run", SDK_FIXTURE, "--port", "0", "--plugin-id", ID], &env);
    host.wait_for(PATIENCE, |out| {
        out.contains("Serving; press Ctrl-C to stop") && out.contains("sdk fixture activated")
    });
    let (base, token) = host.rest_api();
    let auth = format!("Bearer {token}");
    let (status, channels) = http_request(&base, "GET", "/api/v4/channels", &[("Authorization", &auth)], "");
    assert_eq!(status, 200, "{channels}");
    let channels: Vec<serde_json::Value> = serde_json::from_str(&channels).unwrap();
    let town_square =
        channels.iter().find(|c| c["name"] == "town-square").expect("town square")["id"].clone();
    for message in ["panic", "after the panic"] {
        let post = serde_json::json!({"channel_id": town_square, "message": message}).to_string();
        let (status, body) = http_request(
            &base,
            "POST",
            "/api/v4/posts",
            &[("Authorization", &auth), ("Content-Type", "application/json")],
            &post,
        );
        assert_eq!(status, 201, "{body}");
    }
    // The plugin survived its panic and handled the next post.
    host.wait_for(PATIENCE, |out| out.contains("post seen text=\"after the panic\""));
    host.signal("INT");
    assert!(host.finish(PATIENCE), "{}", host.output);
    let lines = host
        .output
        .lines()
        .filter(|l| l.contains(&format!("[{ID}]")) && l.contains("the sdk fixture panics on request"))
        .map(str::to_owned)
        .collect();
    (lines, host.output.clone())
}

/// `tests/fixtures/sdk_plugin.rs:<line>:`, the line of the SDK fixture's `panic!` (read from
/// the source, so that the fixture can change).
fn sdk_panic_location() -> String {
    let source = include_str!("../fixtures/sdk_plugin.rs");
    let line =
        source.lines().position(|l| l.trim_start().starts_with("panic!(")).expect("the fixture panics") + 1;
    format!("tests/fixtures/sdk_plugin.rs:{line}:")
}

#[test]
fn a_panic_in_a_plugin_hook_is_one_error_line_with_its_message_and_location() {
    let (lines, output) = plugin_panic_lines("0");
    let errors: Vec<&String> = lines.iter().filter(|l| l.contains(" ERROR ")).collect();
    assert_eq!(errors.len(), 1, "one error line for the panic:\n{output}");
    assert!(!lines.iter().any(|l| l.contains(" INFO ")), "no plain-text panic output:\n{output}");
    // Besides the plugin's report, the host says which call failed (a warning of its own).
    let failed_call =
        "WARN  hook call failed: hook MessageHasBeenPosted panicked: the sdk fixture panics on request";
    assert_eq!(lines.iter().filter(|l| l.contains(failed_call)).count(), 1, "{output}");
    assert_eq!(lines.len(), 2, "{output}");
    let line = errors[0];
    assert!(line.contains("[com.example.sdk-panics] ERROR"), "at error level: {line}");
    assert!(line.contains("the sdk fixture panics on request"), "the message: {line}");
    assert!(line.contains(&sdk_panic_location()), "the location file:line: {line}");
    assert!(!line.contains("backtrace="), "no backtrace unless RUST_BACKTRACE asks: {line}");
}

#[test]
fn a_panic_report_carries_a_backtrace_when_rust_backtrace_asks_still_on_one_line() {
    let (lines, output) = plugin_panic_lines("1");
    let errors: Vec<&String> = lines.iter().filter(|l| l.contains(" ERROR ")).collect();
    assert_eq!(errors.len(), 1, "one error line for the panic:\n{output}");
    assert!(!lines.iter().any(|l| l.contains(" INFO ")), "no plain-text panic output:\n{output}");
    assert!(errors[0].contains(&sdk_panic_location()), "{}", errors[0]);
    assert!(errors[0].contains("backtrace=\""), "{}", errors[0]);
    assert!(!output.contains("\n   0: "), "the backtrace stays inside its line:\n{output}");
}

#[test]
fn demo_builds_the_example_and_shows_its_hooks_at_work() {
    let _hello = command_line::hello_binary_lock();
    let (ok, output) = mm_host(&["demo", "--exit-after-scenario", "--port", "0"], &[]);
    assert!(ok, "{output}");
    assert_contains(
        &output,
        &[
            "==> Building examples/hello (mm-example-hello)",
            "Starting plugin com.example.hello over net/rpc (the protocol of stock servers)",
            "com.example.hello handshake: net/rpc on unix ",
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
    // The plugin knows its id from the plugin.json built into it.
    assert_contains(&output, &[r#""plugin":"com.example.hello""#]);
}
