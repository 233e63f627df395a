//! Running the real `mm-host` binary from integration tests.

use std::process::{Command, Stdio};

/// The `mm-host` binary cargo built for these tests.
const MM_HOST: &str = env!("CARGO_BIN_EXE_mm-host");

/// `mm-host args...` as the tests run it: plain output (no colours, no `RUST_LOG` from the
/// caller's environment), no input.
pub(crate) fn mm_host_command(args: &[&str]) -> Command {
    let mut command = Command::new(MM_HOST);
    command.args(args).env("NO_COLOR", "1").env_remove("RUST_LOG").stdin(Stdio::null());
    command
}

/// Runs `mm-host args...` to the end with `env` added; returns (success, stdout then stderr).
pub(crate) fn mm_host(args: &[&str], env: &[(&str, &str)]) -> (bool, String) {
    let output = mm_host_command(args).envs(env.iter().copied()).output().expect("mm-host runs");
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&output.stderr);
    (output.status.success(), format!("{stdout}\n--- stderr ---\n{stderr}"))
}

/// Fails with the whole output when one of `needles` is not in it.
pub(crate) fn assert_contains(output: &str, needles: &[&str]) {
    for needle in needles {
        assert!(output.contains(needle), "missing {needle:?} in:\n{output}");
    }
}
