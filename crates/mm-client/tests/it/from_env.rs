//! `from_env` reads `MATTERMOST_PLUGIN_API_TARGET`. Environment variables cannot be changed
//! safely inside a test process, so the test runs itself as a child with the variable set.

#![allow(unreachable_pub, missing_docs, clippy::print_stdout)]

use crate::support;

use std::process::Command;

const CHILD: &str = "MM_CLIENT_FROM_ENV_CHILD";
const TEST: &str = "from_env::from_env_reads_and_validates_the_variable";

/// In the child: report what `from_env` did on one line.
fn child() {
    match mm_client::blocking::Client::from_env() {
        Ok(client) => match client.users().get(&mm_types::UserId::from_raw("u")) {
            Ok(_) => println!("RESULT ok"),
            Err(e) => println!("RESULT call-failed {e}"),
        },
        Err(e) => println!("RESULT {:?} {e}", e.kind()),
    }
}

fn run_child(target: Option<&str>) -> String {
    let mut command = Command::new(std::env::current_exe().unwrap());
    command.args(["--exact", TEST, "--nocapture", "--test-threads=1"]).env(CHILD, "1");
    match target {
        Some(value) => command.env(mm_client::TARGET_ENV, value),
        None => command.env_remove(mm_client::TARGET_ENV),
    };
    let output = command.output().expect("run the test binary");
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    // The test harness prints its own text before ours on the same line.
    stdout
        .lines()
        .find_map(|l| l.find("RESULT ").map(|at| l[at..].to_string()))
        .unwrap_or_else(|| panic!("child said: {stdout}"))
}

#[test]
fn from_env_reads_and_validates_the_variable() {
    if std::env::var_os(CHILD).is_some() {
        child();
        return;
    }
    let missing = run_child(None);
    assert!(missing.starts_with("RESULT Configuration"), "{missing}");
    assert!(missing.contains("MATTERMOST_PLUGIN_API_TARGET is not set"), "{missing}");

    let malformed = run_child(Some("definitely not an address"));
    assert!(malformed.starts_with("RESULT Configuration"), "{malformed}");
    assert!(malformed.contains("MATTERMOST_PLUGIN_API_TARGET=\"definitely not an address\""), "{malformed}");

    let runtime = tokio::runtime::Runtime::new().unwrap();
    let server = runtime.block_on(support::ApiServer::start());
    let ok = run_child(Some(&server.target()));
    assert_eq!(ok, "RESULT ok");
    assert_eq!(server.calls("GetUser").len(), 1);
}
