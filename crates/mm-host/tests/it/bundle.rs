//! Plugin bundles: manifest validation (every rule, each naming its field), the `mm-host
//! bundle` command, and an unpacked bundle of `examples/hello` started the way the server
//! starts it (handshake, health, activation, clean stop).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

use mm_host::bundle::{BundleOptions, Platform};
use mm_host::manifest::{Manifest, ManifestError, ManifestProblem};
use mm_host::supervisor::{API_TARGET_ENV, MAGIC_COOKIE_KEY, MAGIC_COOKIE_VALUE, PluginSpec};
use mm_host::testkit::TestHost;
use serde_json::{Value, json};

use crate::command_line;

use command_line::{assert_contains, mm_host, mm_host_command};

/// A generous bound so a broken plugin fails the test instead of hanging it.
const PATIENCE: Duration = Duration::from_secs(120);
const HELLO_ID: &str = "com.example.hello";

// --- Manifest validation ---------------------------------------------------------------

/// A manifest that passes every rule, with `patch` merged in (a `null` removes a key).
fn manifest_with(patch: Value) -> Manifest {
    let mut base = json!({
        "id": "com.example.valid",
        "name": "Valid",
        "version": "1.0.0",
        "min_server_version": "10.0.0",
        "server": {"executable": "server/plugin.py", "runtime": "python"},
        "settings_schema": {"settings": [
            {"key": "Word", "type": "text", "placeholder": "a word"},
            {"key": "Mode", "type": "dropdown", "options": [{"display_name": "Fast", "value": "fast"}]}
        ]}
    });
    for (key, value) in patch.as_object().unwrap() {
        if value.is_null() {
            base.as_object_mut().unwrap().remove(key);
        } else {
            base[key] = value.clone();
        }
    }
    // Reading checks only what running needs; validate() checks the rest.
    serde_json::from_value(base).unwrap()
}

fn settings(list: Value) -> Value {
    json!({"settings": list})
}

/// The problems of a manifest, checking that `validate` reports exactly them.
fn problems(manifest: &Manifest) -> Vec<ManifestProblem> {
    let problems = manifest.problems();
    match manifest.validate() {
        Ok(()) => assert!(problems.is_empty()),
        Err(ManifestError::Invalid { problems: reported, .. }) => assert_eq!(reported, problems),
        Err(other) => panic!("unexpected error kind: {other}"),
    }
    problems
}

#[test]
fn a_complete_manifest_is_valid() {
    assert_eq!(problems(&manifest_with(json!({}))), []);
    let example = Manifest::from_dir(workspace_root().join("examples/hello")).unwrap();
    assert_eq!(problems(&example), [], "examples/hello/plugin.json");
}

#[test]
fn a_missing_or_empty_id_is_reported() {
    for id in [json!(null), json!("")] {
        let found = problems(&manifest_with(json!({ "id": id })));
        assert_eq!(found, [ManifestProblem::IdMissing]);
        assert_eq!(found[0].field(), "id");
    }
    let err = Manifest::from_json(r#"{"name":"no id"}"#).unwrap_err();
    assert_eq!(err.problems(), [ManifestProblem::IdMissing], "reading refuses it too: {err}");
}

#[test]
fn an_id_outside_the_servers_rules_is_reported() {
    let long = "a".repeat(191);
    for (id, expected) in [
        ("ab", ManifestProblem::IdLength { id: "ab".into() }),
        (long.as_str(), ManifestProblem::IdLength { id: long.clone() }),
        (
            "com.example/hello",
            ManifestProblem::IdCharacter { id: "com.example/hello".into(), character: '/' },
        ),
        ("héllo", ManifestProblem::IdCharacter { id: "héllo".into(), character: 'é' }),
    ] {
        let found = problems(&manifest_with(json!({ "id": id })));
        assert_eq!(found, [expected], "{id}");
        assert!(found[0].to_string().starts_with("`id`: "), "{}", found[0]);
    }
    // The edges are allowed.
    for id in ["abc", "a".repeat(190).as_str(), "A-b_c.9"] {
        assert_eq!(problems(&manifest_with(json!({ "id": id }))), [], "{id}");
    }
}

#[test]
fn a_missing_name_is_reported() {
    for name in [json!(null), json!("  ")] {
        let found = problems(&manifest_with(json!({ "name": name })));
        assert_eq!(found, [ManifestProblem::NameMissing]);
        assert_eq!(found[0].field(), "name");
    }
}

#[test]
fn a_missing_or_non_semver_version_is_reported() {
    let found = problems(&manifest_with(json!({ "version": null })));
    assert_eq!(found, [ManifestProblem::VersionMissing]);
    assert_eq!(found[0].field(), "version");
    for bad in ["v1.0.0", "1.0", "1.0.0.0", "01.0.0", "latest"] {
        let found = problems(&manifest_with(json!({ "version": bad })));
        assert!(
            matches!(&found[..], [ManifestProblem::NotSemver { field: "version", value, .. }] if value == bad),
            "{bad}: {found:?}"
        );
    }
    for good in ["0.1.0", "2.10.3-rc.1", "1.0.0+build.7"] {
        assert_eq!(problems(&manifest_with(json!({ "version": good }))), [], "{good}");
    }
}

#[test]
fn a_non_semver_min_server_version_is_reported() {
    let found = problems(&manifest_with(json!({ "min_server_version": "10.0" })));
    assert!(
        matches!(&found[..], [ManifestProblem::NotSemver { field: "min_server_version", .. }]),
        "{found:?}"
    );
    assert_eq!(found[0].field(), "min_server_version");
    assert!(found[0].to_string().contains("\"10.0\" is not a semantic version"), "{}", found[0]);
    // It is optional.
    assert_eq!(problems(&manifest_with(json!({ "min_server_version": null }))), []);
}

#[test]
fn a_url_that_is_not_http_is_reported() {
    let found = problems(&manifest_with(
        json!({ "homepage_url": "example.com", "support_url": "https://ok.example" }),
    ));
    assert_eq!(found, [ManifestProblem::NotHttpUrl { field: "homepage_url", value: "example.com".into() }]);
}

#[test]
fn a_server_section_without_executable_is_reported() {
    let found = problems(&manifest_with(json!({ "server": {"runtime": "python"} })));
    assert_eq!(found, [ManifestProblem::ServerExecutableMissing]);
    assert_eq!(found[0].field(), "server.executable");
}

#[test]
fn an_unknown_or_missing_setting_type_is_reported() {
    let found = problems(&manifest_with(json!({ "settings_schema": settings(json!([
        {"key": "A", "type": "checkbox"},
        {"key": "B"},
        {"key": "C", "type": "Bool"}
    ])) })));
    let fields: Vec<String> = found.iter().map(ManifestProblem::field).collect();
    assert_eq!(
        fields,
        [
            "settings_schema.settings[0].type",
            "settings_schema.settings[1].type",
            "settings_schema.settings[2].type"
        ]
    );
    assert_eq!(
        found[0],
        ManifestProblem::SettingType {
            setting: "settings_schema.settings[0]".into(),
            kind: "checkbox".into()
        }
    );
    assert!(found[0].to_string().contains("unknown setting type \"checkbox\" (expected one of bool, dropdown, generated, radio, text, longtext, number, username, custom)"), "{}", found[0]);
    assert!(found[1].to_string().contains("the setting type is missing"), "{}", found[1]);
    // Every type the server knows is accepted.
    for kind in mm_host::manifest::SETTING_TYPES {
        let options = if matches!(kind, "dropdown" | "radio") {
            json!([{"display_name": "One", "value": "1"}])
        } else {
            Value::Null
        };
        let schema = settings(json!([{"key": "K", "type": kind, "options": options}]));
        assert_eq!(problems(&manifest_with(json!({ "settings_schema": schema }))), [], "{kind}");
    }
}

#[test]
fn duplicate_setting_keys_are_reported_case_insensitively() {
    let found = problems(&manifest_with(json!({ "settings_schema": {
        "settings": [{"key": "Word", "type": "text"}, {"key": "word", "type": "longtext"}],
        "sections": [{"key": "S", "settings": [{"key": "WORD", "type": "bool"}]}]
    } })));
    assert_eq!(
        found,
        [
            ManifestProblem::SettingKeyDuplicate {
                setting: "settings_schema.settings[1]".into(),
                key: "word".into(),
                first: "settings_schema.settings[0]".into(),
            },
            ManifestProblem::SettingKeyDuplicate {
                setting: "settings_schema.sections[0].settings[0]".into(),
                key: "WORD".into(),
                first: "settings_schema.settings[0]".into(),
            },
        ]
    );
    assert_eq!(found[1].field(), "settings_schema.sections[0].settings[0].key");
}

#[test]
fn a_missing_setting_key_is_reported_except_for_custom_settings() {
    let found = problems(&manifest_with(json!({ "settings_schema": settings(json!([
        {"type": "bool", "display_name": "No key"},
        {"type": "custom", "display_name": "Custom without key is fine"}
    ])) })));
    assert_eq!(
        found,
        [ManifestProblem::SettingKeyMissing {
            setting: "settings_schema.settings[0]".into(),
            kind: "bool".into()
        }]
    );
    assert_eq!(found[0].field(), "settings_schema.settings[0].key");
}

#[test]
fn dropdown_and_radio_settings_need_options() {
    let found = problems(&manifest_with(json!({ "settings_schema": settings(json!([
        {"key": "A", "type": "dropdown"},
        {"key": "B", "type": "radio", "options": []},
        {"key": "C", "type": "radio", "options": [{"display_name": "", "value": "x"}]},
        {"key": "D", "type": "text", "options": [{"display_name": "X", "value": "x"}]}
    ])) })));
    assert_eq!(
        found,
        [
            ManifestProblem::SettingOptionsMissing {
                setting: "settings_schema.settings[0]".into(),
                kind: "dropdown".into()
            },
            ManifestProblem::SettingOptionsMissing {
                setting: "settings_schema.settings[1]".into(),
                kind: "radio".into()
            },
            ManifestProblem::SettingOptionIncomplete {
                option: "settings_schema.settings[2].options[0]".into()
            },
            ManifestProblem::SettingOptionsUnexpected {
                setting: "settings_schema.settings[3]".into(),
                kind: "text".into()
            },
        ]
    );
    assert_eq!(found[0].field(), "settings_schema.settings[0].options");
}

#[test]
fn fields_a_setting_type_does_not_use_are_reported() {
    let found = problems(&manifest_with(json!({ "settings_schema": settings(json!([
        {"key": "A", "type": "bool", "placeholder": "nope"},
        {"key": "B", "type": "text", "regenerate_help_text": "nope"},
        {"key": "C", "type": "generated", "placeholder": "ok", "regenerate_help_text": "ok"}
    ])) })));
    let fields: Vec<String> = found.iter().map(ManifestProblem::field).collect();
    assert_eq!(
        fields,
        ["settings_schema.settings[0].placeholder", "settings_schema.settings[1].regenerate_help_text"]
    );
}

#[test]
fn every_problem_is_reported_at_once() {
    let manifest = manifest_with(json!({
        "id": "x",
        "version": "one",
        "settings_schema": settings(json!([{"key": "K", "type": "slider"}])),
    }));
    let err = manifest.validate().unwrap_err();
    let fields: Vec<String> = err.problems().iter().map(ManifestProblem::field).collect();
    assert_eq!(fields, ["id", "version", "settings_schema.settings[0].type"], "{err}");
}

// --- The command line ------------------------------------------------------------------

#[test]
fn bundle_refuses_an_invalid_manifest_before_building() {
    let dir = tempfile::tempdir().unwrap();
    let manifest = json!({
        "id": "ab",
        "name": "Broken",
        "version": "v1",
        "settings_schema": {"settings": [
            {"key": "Mode", "type": "dropdown"},
            {"key": "Mode", "type": "checkbox"}
        ]}
    });
    std::fs::write(dir.path().join("plugin.json"), manifest.to_string()).unwrap();
    // A Cargo.toml that cannot build: the command must stop before it gets there.
    std::fs::write(dir.path().join("Cargo.toml"), "this is not toml [").unwrap();
    let (ok, output) = mm_host(&["bundle", dir.path().to_str().unwrap()], &[]);
    assert!(!ok, "{output}");
    assert_contains(
        &output,
        &[
            "✗ `id`: plugin id \"ab\" must be 3 to 190 characters long (it has 2)",
            "✗ `version`: \"v1\" is not a semantic version MAJOR.MINOR.PATCH (e.g. \"1.2.3\"): a leading 'v' is not allowed",
            "✗ `settings_schema.settings[0].options`: a \"dropdown\" setting needs a non-empty `options` list",
            "✗ `settings_schema.settings[1].type`: unknown setting type \"checkbox\"",
            "✗ `settings_schema.settings[1].key`: setting key \"Mode\" is already used by settings_schema.settings[0]",
            &format!(
                "error: plugin manifest {} is invalid (5 problems above); nothing was built",
                dir.path().join("plugin.json").display()
            ),
        ],
    );
    assert!(!output.contains("Building"), "{output}");
    assert!(!dir.path().join("dist").exists(), "nothing is written");
}

#[test]
fn bundle_explains_a_missing_manifest_and_a_bad_target() {
    let dir = tempfile::tempdir().unwrap();
    let (ok, output) = mm_host(&["bundle", dir.path().to_str().unwrap()], &[]);
    assert!(!ok, "{output}");
    assert_contains(&output, &["error: cannot read plugin manifest", "plugin.json"]);

    let (ok, output) = mm_host(&["bundle", dir.path().to_str().unwrap(), "--target", "windows-amd64"], &[]);
    assert!(!ok, "{output}");
    assert_contains(
        &output,
        &["unknown platform \"windows-amd64\" (expected one of: linux-amd64, linux-arm64)"],
    );
}

#[test]
fn bundle_refuses_a_binary_for_another_platform() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("plugin.json"), manifest_with(json!({})).to_json_pretty()).unwrap();
    let script = dir.path().join("plugin.sh");
    std::fs::write(&script, "#!/bin/sh\n").unwrap();
    let (ok, output) =
        mm_host(&["bundle", dir.path().to_str().unwrap(), "--binary", script.to_str().unwrap()], &[]);
    assert!(!ok, "{output}");
    assert_contains(&output, &["is not a Linux executable for linux-amd64: it is not an ELF file"]);
    let (ok, output) = mm_host(
        &[
            "bundle",
            dir.path().to_str().unwrap(),
            "--binary",
            script.to_str().unwrap(),
            "--target",
            "linux-amd64",
            "--target",
            "linux-arm64",
        ],
        &[],
    );
    assert!(!ok, "{output}");
    assert_contains(
        &output,
        &["--binary gives one prebuilt binary, so it needs exactly one --target (got 2)"],
    );
}

#[test]
fn bundle_builds_a_standalone_crate_with_cargo() {
    // A tiny crate outside any workspace, named by a relative path as a user types it.
    let parent = tempfile::tempdir().unwrap();
    let crate_dir = parent.path().join("tiny-plugin");
    std::fs::create_dir_all(crate_dir.join("src")).unwrap();
    std::fs::write(
        crate_dir.join("Cargo.toml"),
        "[package]\nname = \"tiny-plugin\"\nversion = \"0.1.0\"\nedition = \"2024\"\n\n[workspace]\n",
    )
    .unwrap();
    std::fs::write(crate_dir.join("src/main.rs"), "fn main() {}\n").unwrap();
    let manifest = manifest_with(json!({ "id": "com.example.tiny", "version": "0.2.0" }));
    std::fs::write(crate_dir.join("plugin.json"), manifest.to_json_pretty()).unwrap();
    std::fs::create_dir_all(crate_dir.join("assets/img")).unwrap();
    std::fs::write(crate_dir.join("assets/img/icon.svg"), "<svg/>").unwrap();

    let output = mm_host_command(&["bundle", "tiny-plugin", "--target", "linux-amd64"])
        .current_dir(parent.path())
        .output()
        .expect("mm-host runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{stdout}\n{}", String::from_utf8_lossy(&output.stderr));
    let cargo_toml = std::path::absolute(crate_dir.join("Cargo.toml")).unwrap();
    assert_contains(
        &stdout,
        &[
            "==> Building for linux-amd64",
            &format!(
                "cargo build --release --message-format=json-render-diagnostics --manifest-path {} --target x86_64-unknown-linux-gnu",
                cargo_toml.display()
            ),
            "/x86_64-unknown-linux-gnu/release/tiny-plugin",
            "assets/ (1 file)",
            "✓ wrote tiny-plugin/dist/com.example.tiny-0.2.0-linux-amd64.tar.gz (",
        ],
    );
    let unpacked = tempfile::tempdir().unwrap();
    let names: Vec<String> =
        unpack(&crate_dir.join("dist/com.example.tiny-0.2.0-linux-amd64.tar.gz"), unpacked.path())
            .into_iter()
            .map(|(name, _)| name)
            .collect();
    assert!(names.contains(&"com.example.tiny/assets/img/icon.svg".to_owned()), "{names:?}");
    assert!(names.contains(&"com.example.tiny/venv/bin/python".to_owned()), "{names:?}");
}

// --- A real bundle of examples/hello ---------------------------------------------------

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..").canonicalize().unwrap()
}

/// A debug build of examples/hello (as the CLI's demo test does); its binary's path from
/// cargo's JSON messages, so any target dir works.
fn build_hello() -> PathBuf {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let output = Command::new(cargo)
        .current_dir(workspace_root())
        .args(["build", "-p", "mm-example-hello", "--message-format=json-render-diagnostics"])
        .stdin(Stdio::null())
        .stderr(Stdio::inherit())
        .output()
        .expect("cargo runs");
    assert!(output.status.success(), "building examples/hello failed");
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .filter_map(|line| serde_json::from_str::<Value>(line).ok())
        .filter(|m| m["reason"] == "compiler-artifact" && m["target"]["name"] == "mm-example-hello")
        .find_map(|m| m["executable"].as_str().map(PathBuf::from))
        .expect("cargo names the example's executable")
}

/// One archive entry as the server's extraction sees it.
#[derive(Debug, PartialEq, Eq)]
struct EntryInfo {
    directory: bool,
    mode: u32,
    mtime: u64,
    uid: u64,
}

/// Reads the archive's entries (in order) and unpacks it into `into`.
fn unpack(archive: &Path, into: &Path) -> Vec<(String, EntryInfo)> {
    let open = || tar::Archive::new(flate2::read::GzDecoder::new(std::fs::File::open(archive).unwrap()));
    let mut entries = Vec::new();
    let mut reader = open();
    for entry in reader.entries().unwrap() {
        let entry = entry.unwrap();
        let header = entry.header();
        entries.push((
            entry.path().unwrap().to_string_lossy().into_owned(),
            EntryInfo {
                directory: header.entry_type().is_dir(),
                mode: header.mode().unwrap(),
                mtime: header.mtime().unwrap(),
                uid: header.uid().unwrap(),
            },
        ));
    }
    let mut reader = open();
    reader.set_preserve_permissions(true);
    reader.unpack(into).unwrap();
    entries
}

#[tokio::test(flavor = "multi_thread")]
async fn a_bundle_of_the_example_unpacks_and_starts_like_on_the_server() {
    let hello = command_line::hello_binary_lock();
    let binary = build_hello();
    let out = tempfile::tempdir().unwrap();
    let hello_dir = workspace_root().join("examples/hello");

    // The command, with the binary built above.
    let (ok, output) = mm_host(
        &[
            "bundle",
            hello_dir.to_str().unwrap(),
            "--binary",
            binary.to_str().unwrap(),
            "--out",
            out.path().to_str().unwrap(),
        ],
        &[],
    );
    assert!(ok, "{output}");
    let archive = out.path().join("com.example.hello-0.1.0-linux-amd64.tar.gz");
    assert_contains(
        &output,
        &[
            "==> Bundling Hello (Rust) 0.1.0 (com.example.hello)",
            "✓ plugin.json is valid",
            &format!("✓ plugin binary {}", binary.display()),
            "plugin.json (server.executables: venv/bin/python for stock servers; server.runtime \"python\", \
             server.executable \"server/plugin.py\" for gRPC servers)",
            "venv/bin/python (the plugin binary, mode 0755: net/rpc on stock servers, gRPC on the fork)",
            &format!("✓ wrote {} (", archive.display()),
        ],
    );
    assert_eq!(output.matches("✓ wrote ").count(), 1, "one line per bundle: {output}");

    // The same inputs give the same bytes.
    let again = tempfile::tempdir().unwrap();
    let written = mm_host::bundle::bundle(
        &BundleOptions::new(&hello_dir).binary(&binary).platform(Platform::LinuxAmd64).out_dir(again.path()),
        |_| {},
    )
    .unwrap();
    assert_eq!(written.len(), 1);
    assert_eq!(written[0].files, ["plugin.json", "server/plugin.py", "venv/bin/python"]);
    assert_eq!(std::fs::read(&archive).unwrap(), std::fs::read(&written[0].path).unwrap(), "reproducible");

    // Layout and modes.
    let unpacked = tempfile::tempdir().unwrap();
    let entries = unpack(&archive, unpacked.path());
    let names: Vec<&str> = entries.iter().map(|(name, _)| name.as_str()).collect();
    assert_eq!(
        names,
        [
            "com.example.hello/",
            "com.example.hello/plugin.json",
            "com.example.hello/server/",
            "com.example.hello/server/plugin.py",
            "com.example.hello/venv/",
            "com.example.hello/venv/bin/",
            "com.example.hello/venv/bin/python",
        ]
    );
    let modes: BTreeMap<&str, (bool, u32)> =
        entries.iter().map(|(name, info)| (name.as_str(), (info.directory, info.mode))).collect();
    assert_eq!(modes["com.example.hello/venv/bin/python"], (false, 0o755));
    assert_eq!(modes["com.example.hello/plugin.json"], (false, 0o644));
    assert_eq!(modes["com.example.hello/server/plugin.py"], (false, 0o644));
    assert!(entries.iter().filter(|(_, i)| i.directory).all(|(_, i)| i.mode == 0o755));
    let first = &entries[0].1;
    assert!(entries.iter().all(|(_, i)| i.mtime == first.mtime && i.uid == 0), "fixed times and owner");

    let plugin_dir = unpacked.path().join(HELLO_ID);
    let bundled_binary = plugin_dir.join("venv/bin/python");
    assert_eq!(std::fs::read(&bundled_binary).unwrap(), std::fs::read(&binary).unwrap());
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&bundled_binary).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o755, "executable after unpacking");
    }
    // From here on the test runs the unpacked copy, not the build's binary.
    drop(hello);

    // The manifest: the binary as the stock server's executable for this platform only, the
    // gRPC path for the fork, the stub as the fallback on every other platform, the rest kept.
    let manifest = Manifest::from_dir(&plugin_dir).unwrap();
    let server = manifest.server.as_ref().unwrap();
    assert_eq!(server.runtime, "python");
    assert_eq!(server.executable, "server/plugin.py");
    assert_eq!(
        server.executables.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect::<Vec<_>>(),
        [("linux-amd64", "venv/bin/python")]
    );
    assert_eq!(manifest.server_executable_for("linux-arm64"), Some("server/plugin.py"));
    for platform in ["linux-amd64", "linux-arm64", "darwin-arm64", "windows-amd64"] {
        let executable = manifest.server_executable_for(platform).unwrap();
        assert!(plugin_dir.join(executable).is_file(), "{platform} resolves to a file of the bundle");
    }
    let source = Manifest::from_dir(&hello_dir).unwrap();
    assert_eq!(
        (
            manifest.id.as_str(),
            manifest.name.as_str(),
            manifest.version.as_str(),
            &manifest.min_server_version
        ),
        (source.id.as_str(), source.name.as_str(), source.version.as_str(), &source.min_server_version)
    );
    assert_eq!(manifest.description, source.description);
    assert!(manifest.validate().is_ok());

    // The stub is Python that explains itself (checked with a real Python when there is one).
    let stub = std::fs::read_to_string(plugin_dir.join("server/plugin.py")).unwrap();
    assert!(stub.contains("native Rust plugin") && stub.contains("sys.exit(1)"), "{stub}");
    if let Ok(run) = Command::new("python3").arg(plugin_dir.join("server/plugin.py")).output() {
        assert_eq!(run.status.code(), Some(1));
        assert!(String::from_utf8_lossy(&run.stderr).contains("is a native Rust plugin"));
    }

    launch_like_a_stock_server(&plugin_dir, &manifest).await;
    let host = TestHost::start().await.unwrap();
    launch_like_the_server(&host, &plugin_dir).await;
    run_under_the_supervisor(&host, &plugin_dir).await;
    host.shutdown().await;
}

/// A stock server runs `server.executables["linux-amd64"]` directly, with go-plugin's
/// environment and no `MATTERMOST_PLUGIN_API_TARGET`: the plugin answers with go-plugin's
/// net/rpc handshake on a unix socket (the stock conformance test in Go runs such bundles on
/// the real server code; this checks the bundle's side of it).
async fn launch_like_a_stock_server(plugin_dir: &Path, manifest: &Manifest) {
    let executable = manifest.server_executable_for("linux-amd64").unwrap();
    let (mut child, line, _lines) = start_with_handshake(plugin_dir, executable, None, None).await;
    let socket = line
        .strip_prefix("1|1|unix|")
        .and_then(|rest| rest.strip_suffix("|netrpc|"))
        .unwrap_or_else(|| panic!("handshake line {line:?} is not 1|1|unix|<path>|netrpc|"));
    assert!(Path::new(socket).exists(), "the plugin listens on {socket}");
    child.kill().await.unwrap();
}

/// Output lines of a plugin process after its handshake line.
type StdoutLines = tokio::io::Lines<tokio::io::BufReader<tokio::process::ChildStdout>>;

/// Starts `program` (relative to `plugin_dir`, with `argument` if any) in the plugin folder
/// with go-plugin's environment, plus `MATTERMOST_PLUGIN_API_TARGET` when `api_target` is
/// given (the fork sets it, a stock server does not), and reads its handshake line.
async fn start_with_handshake(
    plugin_dir: &Path,
    program: &str,
    argument: Option<&str>,
    api_target: Option<String>,
) -> (tokio::process::Child, String, StdoutLines) {
    use tokio::io::{AsyncBufReadExt, BufReader};

    let mut command = tokio::process::Command::new(plugin_dir.join(program));
    command.args(argument).current_dir(plugin_dir);
    match api_target {
        Some(target) => command.env(API_TARGET_ENV, target),
        None => command.env_remove(API_TARGET_ENV),
    };
    let mut child = command
        .env(MAGIC_COOKIE_KEY, MAGIC_COOKIE_VALUE)
        .env("PLUGIN_MIN_PORT", "10000")
        .env("PLUGIN_MAX_PORT", "25000")
        .env("PLUGIN_PROTOCOL_VERSIONS", "1")
        .env_remove("PLUGIN_CLIENT_CERT")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .expect("the bundled binary starts");
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let line =
        tokio::time::timeout(PATIENCE, lines.next_line()).await.expect("a handshake line").unwrap().unwrap();
    (child, line, lines)
}

/// `venv/bin/python server/plugin.py` in the plugin folder with the server's environment:
/// the handshake line, the health service, then `GRPCController/Shutdown` and a clean exit.
async fn launch_like_the_server(host: &TestHost, plugin_dir: &Path) {
    let api_target = host.host().api_target(HELLO_ID).await.unwrap();
    let (mut child, line, mut lines) = start_with_handshake(
        plugin_dir,
        "venv/bin/python",
        Some("server/plugin.py"),
        Some(api_target.to_string()),
    )
    .await;
    // Later stdout lines are log lines; keep the pipe drained.
    tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });

    let port: u16 = line
        .strip_prefix("1|1|tcp|127.0.0.1:")
        .and_then(|rest| rest.strip_suffix("|grpc"))
        .and_then(|port| port.parse().ok())
        .unwrap_or_else(|| panic!("handshake line {line:?} is not 1|1|tcp|127.0.0.1:<port>|grpc"));
    assert!((10000..=25000).contains(&port), "port {port} within PLUGIN_MIN_PORT..=PLUGIN_MAX_PORT");

    let channel = tonic::transport::Endpoint::from_shared(format!("http://127.0.0.1:{port}"))
        .unwrap()
        .connect()
        .await
        .expect("the plugin's gRPC server answers");
    let health = tonic_health::pb::health_client::HealthClient::new(channel.clone())
        .check(tonic_health::pb::HealthCheckRequest { service: "plugin".into() })
        .await
        .expect("health check")
        .into_inner();
    assert_eq!(health.status(), tonic_health::pb::health_check_response::ServingStatus::Serving);

    mm_proto::go_plugin::grpc_controller_client::GrpcControllerClient::new(channel)
        .shutdown(mm_proto::go_plugin::Empty {})
        .await
        .expect("Shutdown answers");
    let status = tokio::time::timeout(PATIENCE, child.wait()).await.expect("exits after Shutdown").unwrap();
    assert!(status.success(), "clean exit: {status}");
}

/// The host's supervisor runs the unpacked folder the same way (the interpreter path, the
/// stub as argument) through activation, a hook call, and a graceful stop.
async fn run_under_the_supervisor(host: &TestHost, plugin_dir: &Path) {
    let spec = PluginSpec::from_dir(plugin_dir).unwrap();
    assert_eq!(spec.program(), plugin_dir.join("venv/bin/python"));
    // The manifest's executable for this platform, as the server resolves it: the binary itself.
    assert_eq!(spec.argument(), "venv/bin/python");
    assert_eq!(spec.dir(), plugin_dir);
    let connection = host.start_plugin_spec(spec).await.expect("starts and activates");
    assert!(connection.implemented().contains("OnActivate"));
    let answer = host
        .execute_command(&host.alice().id, &host.town_square().id, "/hello bundle")
        .await
        .expect("/hello answers");
    assert!(answer.text.starts_with("Hello, bundle!"), "{}", answer.text);
    host.stop_plugin(HELLO_ID).await.expect("stops gracefully");
}

// --- What the bundle packs: links and paths must stay inside the plugin folder -------------

/// A prebuilt linux-amd64 binary to bundle (the supervisor's fixture plugin).
const FIXTURE: &str = env!("CARGO_BIN_EXE_mm-host-fixture-plugin");

/// A plugin folder (inside a parent folder that also holds things outside the plugin).
struct PluginFolder {
    parent: tempfile::TempDir,
}

impl PluginFolder {
    fn new(manifest: Value) -> PluginFolder {
        let parent = tempfile::tempdir().unwrap();
        let dir = parent.path().join("plugin");
        std::fs::create_dir_all(dir.join("assets")).unwrap();
        let mut base = json!({"id": "com.example.links", "name": "Links", "version": "1.0.0"});
        for (key, value) in manifest.as_object().unwrap() {
            base[key] = value.clone();
        }
        std::fs::write(dir.join("plugin.json"), base.to_string()).unwrap();
        std::fs::write(parent.path().join("outside.svg"), "<svg>outside</svg>").unwrap();
        PluginFolder { parent }
    }

    fn dir(&self) -> PathBuf {
        self.parent.path().join("plugin")
    }

    fn link(&self, target: impl AsRef<Path>, link: &str) {
        std::os::unix::fs::symlink(target, self.dir().join(link)).unwrap();
    }

    fn bundle(&self) -> Result<Vec<mm_host::bundle::Bundle>, mm_host::bundle::BundleError> {
        let options = BundleOptions::new(self.dir())
            .binary(FIXTURE)
            .platform(Platform::LinuxAmd64)
            .out_dir(self.dir().join("dist"));
        mm_host::bundle::bundle(&options, |_| {})
    }

    fn assert_nothing_written(&self) {
        let dist = self.dir().join("dist");
        let written: Vec<_> =
            std::fs::read_dir(&dist).map(|d| d.flatten().map(|e| e.path()).collect()).unwrap_or_default();
        assert!(written.is_empty(), "no bundle and no .partial file: {written:?}");
    }
}

#[test]
fn bundle_refuses_a_link_to_a_file_outside_the_plugin_folder() {
    let plugin = PluginFolder::new(json!({}));
    plugin.link("/etc/passwd", "assets/passwd");
    let err = plugin.bundle().unwrap_err();
    assert!(matches!(err, mm_host::bundle::BundleError::LinkOutsideFolder { .. }), "{err}");
    let message = err.to_string();
    assert!(
        message.contains("assets/passwd is a symbolic link to /etc/passwd, outside the plugin folder"),
        "{message}"
    );
    plugin.assert_nothing_written();
}

#[test]
fn bundle_refuses_a_link_to_a_folder_outside_the_plugin_folder() {
    let plugin = PluginFolder::new(json!({}));
    let outside = plugin.parent.path().join("secrets");
    std::fs::create_dir(&outside).unwrap();
    std::fs::write(outside.join("key.pem"), "secret").unwrap();
    plugin.link(&outside, "assets/certs");
    let err = plugin.bundle().unwrap_err();
    assert!(err.to_string().contains("assets/certs is a symbolic link to"), "{err}");
    assert!(err.to_string().contains("secrets, outside the plugin folder"), "{err}");
    plugin.assert_nothing_written();

    // The same when `assets` itself is the link.
    let plugin = PluginFolder::new(json!({}));
    std::fs::remove_dir(plugin.dir().join("assets")).unwrap();
    plugin.link(&outside, "assets");
    let err = plugin.bundle().unwrap_err();
    assert!(err.to_string().contains("assets is a symbolic link to"), "{err}");
    plugin.assert_nothing_written();
}

#[test]
fn links_inside_the_plugin_folder_are_packed_as_regular_files_with_the_targets_content() {
    let plugin = PluginFolder::new(json!({"icon_path": "assets/icon.svg"}));
    std::fs::create_dir_all(plugin.dir().join("art/sub")).unwrap();
    std::fs::write(plugin.dir().join("art/logo.svg"), "<svg>logo</svg>").unwrap();
    std::fs::write(plugin.dir().join("art/sub/deep.txt"), "deep").unwrap();
    plugin.link("../art/logo.svg", "assets/icon.svg");
    plugin.link("../art", "assets/art");
    let written = plugin.bundle().unwrap();
    assert_eq!(
        written[0].files,
        [
            "assets/art/logo.svg",
            "assets/art/sub/deep.txt",
            "assets/icon.svg",
            "plugin.json",
            "server/plugin.py",
            "venv/bin/python"
        ]
    );
    let unpacked = tempfile::tempdir().unwrap();
    let entries = unpack(&written[0].path, unpacked.path());
    let icon = unpacked.path().join("com.example.links/assets/icon.svg");
    assert!(std::fs::symlink_metadata(&icon).unwrap().file_type().is_file(), "a regular file, not a link");
    assert_eq!(std::fs::read_to_string(&icon).unwrap(), "<svg>logo</svg>");
    assert_eq!(
        std::fs::read_to_string(unpacked.path().join("com.example.links/assets/art/sub/deep.txt")).unwrap(),
        "deep"
    );
    let modes: BTreeMap<&str, (bool, u32)> =
        entries.iter().map(|(name, info)| (name.as_str(), (info.directory, info.mode))).collect();
    assert_eq!(modes["com.example.links/assets/icon.svg"], (false, 0o644));
}

#[test]
fn bundle_refuses_links_that_loop_or_lead_nowhere() {
    let plugin = PluginFolder::new(json!({}));
    plugin.link(".", "assets/again");
    let err = plugin.bundle().unwrap_err();
    assert!(err.to_string().contains("assets/again is a symbolic link to"), "{err}");
    assert!(err.to_string().contains("a folder that contains it (a loop)"), "{err}");
    plugin.assert_nothing_written();

    let plugin = PluginFolder::new(json!({}));
    plugin.link("gone.png", "assets/missing.png");
    let err = plugin.bundle().unwrap_err();
    assert!(
        err.to_string().contains("assets/missing.png is a symbolic link to gone.png, which does not exist"),
        "{err}"
    );
}

#[test]
fn a_named_file_outside_the_folder_is_not_reported_as_missing() {
    let plugin = PluginFolder::new(json!({"icon_path": "../outside.svg"}));
    assert!(plugin.parent.path().join("outside.svg").is_file(), "it exists, outside");
    let err = plugin.bundle().unwrap_err();
    assert!(
        matches!(err, mm_host::bundle::BundleError::PathOutsideFolder { field: "icon_path", .. }),
        "{err}"
    );
    assert_eq!(
        err.to_string(),
        "`icon_path` names \"../outside.svg\", which is outside the plugin folder; name a file inside it, relative to plugin.json"
    );
    assert!(!err.to_string().contains("does not exist"));

    let absolute = PluginFolder::new(json!({"webapp": {"bundle_path": "/etc/passwd"}}));
    let err = absolute.bundle().unwrap_err();
    assert!(
        err.to_string()
            .starts_with("`webapp.bundle_path` names \"/etc/passwd\", which is outside the plugin folder"),
        "{err}"
    );

    // A link inside the folder to a file outside is named as such.
    let linked = PluginFolder::new(json!({"icon_path": "assets/icon.svg"}));
    linked.link(linked.parent.path().join("outside.svg"), "assets/icon.svg");
    let err = linked.bundle().unwrap_err();
    assert!(err.to_string().contains("assets/icon.svg is a symbolic link to"), "{err}");

    // Missing and not-a-file stay distinct.
    let missing = PluginFolder::new(json!({"icon_path": "assets/none.svg"}));
    let err = missing.bundle().unwrap_err();
    assert!(
        err.to_string().contains("assets/none.svg, which does not exist; build it before bundling"),
        "{err}"
    );
    let folder = PluginFolder::new(json!({"icon_path": "assets"}));
    let err = folder.bundle().unwrap_err();
    assert!(err.to_string().ends_with("assets, which is not a file"), "{err}");
}

#[test]
fn bundle_leaves_no_partial_file_when_the_bundle_cannot_be_written() {
    let plugin = PluginFolder::new(json!({}));
    // A folder occupies the bundle's name: writing succeeds, putting it in place fails.
    let target = plugin.dir().join("dist/com.example.links-1.0.0-linux-amd64.tar.gz");
    std::fs::create_dir_all(target.join("occupied")).unwrap();
    let (ok, output) = mm_host(
        &["bundle", plugin.dir().to_str().unwrap(), "--binary", FIXTURE, "--target", "linux-amd64"],
        &[],
    );
    assert!(!ok, "{output}");
    assert_contains(&output, &[&format!("error: cannot write {}", target.display())]);
    let left: Vec<String> = std::fs::read_dir(plugin.dir().join("dist"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(left, ["com.example.links-1.0.0-linux-amd64.tar.gz"], "only the folder that was there");
}
