//! `mm-host new`: the project it creates in a temporary folder builds, passes its own tests
//! (the plugin in process and as its binary on both protocols) and bundles, as a new user
//! would run it: `mm-host new <id> && cd <dir> && cargo test && mm-host bundle`.

use std::path::PathBuf;
use std::process::Command;

use crate::command_line;

use command_line::{assert_contains, bundle_prebuilt, mm_host};

/// The target folder this test was built in (`<target>/debug/deps/new_project-…`): the new
/// project builds there too, so the SDK's crates are not compiled from nothing again.
fn target_dir() -> PathBuf {
    let exe = std::env::current_exe().expect("the test's path");
    exe.ancestors().nth(3).expect("<target>/<profile>/deps/<test>").to_path_buf()
}

#[test]
fn a_new_project_passes_its_tests_and_bundles() {
    let dir = tempfile::tempdir().unwrap();
    let project = dir.path().join("greeter");
    let project_arg = project.to_str().unwrap();
    let (ok, output) = mm_host(&["new", "com.example.greeter", "--dir", project_arg], &[]);
    assert!(ok, "{output}");
    assert_contains(&output, &["created", "com.example.greeter", "cargo test"]);
    for file in [
        "Cargo.toml",
        "Cargo.lock",
        "plugin.json",
        "src/lib.rs",
        "src/main.rs",
        "tests/plugin.rs",
        "README.md",
    ] {
        assert!(project.join(file).is_file(), "{file} was not created");
    }
    let (ok, output) = mm_host(&["new", "com.example.greeter", "--dir", project_arg], &[]);
    assert!(!ok, "a second `new` into the same folder must refuse: {output}");
    assert_contains(&output, &["already exists and is not empty"]);
    let (ok, output) = mm_host(&["new", "Not An Id"], &[]);
    assert!(!ok, "{output}");
    assert_contains(&output, &["is not a plugin id"]);

    let target = target_dir();
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let tested = Command::new(cargo)
        .arg("test")
        .current_dir(&project)
        .env("CARGO_TARGET_DIR", &target)
        .output()
        .expect("cargo runs");
    let log =
        format!("{}\n{}", String::from_utf8_lossy(&tested.stdout), String::from_utf8_lossy(&tested.stderr));
    assert!(tested.status.success(), "cargo test of the new project failed:\n{log}");
    assert_contains(
        &log,
        &[
            "answers_the_command_with_the_greeting_setting ... ok",
            "the_built_binary_runs_on_both_protocols ... ok",
        ],
    );

    // `mm-host bundle` with the binary `cargo test` built (a release build would add minutes).
    bundle_prebuilt(
        &project,
        &target.join("debug/greeter"),
        &dir.path().join("dist"),
        "com.example.greeter-0.1.0-linux-amd64.tar.gz",
    );
}
