//! `mm-host deploy` against a running `mm-host run`: the bundle is uploaded
//! (`POST /api/v4/plugins`), installed into the host's `./plugins`, enabled, and its routes
//! answer; a second deploy replaces the running plugin.

use std::time::Duration;

use crate::command_line;

use command_line::{RunningHost, assert_contains, bundle_prebuilt, http_request, mm_host};

/// A plugin on the SDK runtime with a `/stats` route.
const SDK_FIXTURE: &str = env!("CARGO_BIN_EXE_mm-host-sdk-fixture");
const DEPLOYED: &str = "com.example.deployed";
const PATIENCE: Duration = Duration::from_secs(120);

#[test]
fn deploy_installs_enables_and_replaces_a_bundle_on_a_running_host() {
    let dir = tempfile::tempdir().unwrap();
    // The bundle: the fixture binary with a manifest of its own, as `mm-host bundle` packs it.
    let plugin_dir = dir.path().join("deployed");
    std::fs::create_dir_all(&plugin_dir).unwrap();
    std::fs::write(
        plugin_dir.join("plugin.json"),
        format!(
            r#"{{"id": "{DEPLOYED}", "name": "Deployed", "version": "0.2.0",
                "server": {{"executables": {{"linux-amd64": "server/dist/plugin-linux-amd64"}}}}}}"#
        ),
    )
    .unwrap();
    let bundle = bundle_prebuilt(
        &plugin_dir,
        std::path::Path::new(SDK_FIXTURE),
        &dir.path().join("dist"),
        &format!("{DEPLOYED}-0.2.0-linux-amd64.tar.gz"),
    );

    // A host running another plugin, in a folder of its own (its ./plugins is where uploads go).
    let host_dir = dir.path().join("host");
    std::fs::create_dir_all(&host_dir).unwrap();
    let mut host = RunningHost::start_in(
        &host_dir,
        &["run", SDK_FIXTURE, "--port", "0", "--plugin-id", "com.example.first"],
        &[],
    );
    host.wait_for(PATIENCE, |out| out.contains("Serving; press Ctrl-C"));
    let (base, token) = host.rest_api();

    // Without a token the server's 401; with a bad bundle its 400.
    let (ok, output) =
        mm_host(&["deploy", "--url", &base, "--token", "wrong", bundle.to_str().unwrap()], &[]);
    assert!(!ok, "{output}");
    assert_contains(&output, &["refused the token (401)"]);
    let junk = dir.path().join("junk.tar.gz");
    std::fs::write(&junk, b"not a bundle").unwrap();
    let (ok, output) = mm_host(&["deploy", "--url", &base, "--token", &token, junk.to_str().unwrap()], &[]);
    assert!(!ok, "{output}");
    assert_contains(&output, &["refused the upload (400)", "app.plugin.extract.app_error"]);

    // A bundle with no executable for this machine is refused before anything is installed.
    let foreign = dir.path().join("foreign.tar.gz");
    write_bundle_for_windows_only(&foreign);
    let (ok, output) =
        mm_host(&["deploy", "--url", &base, "--token", &token, foreign.to_str().unwrap()], &[]);
    assert!(!ok, "{output}");
    assert_contains(&output, &["refused the upload (400)", "app.plugin.install.app_error"]);
    assert!(!host_dir.join("plugins").join(DEPLOYED).exists(), "nothing installed");

    let (ok, output) = mm_host(&["deploy", "--url", &base, "--token", &token, bundle.to_str().unwrap()], &[]);
    assert!(ok, "{output}");
    assert_contains(&output, &[&format!("installed {DEPLOYED} 0.2.0"), &format!("enabled {DEPLOYED}")]);
    assert!(
        host_dir.join("plugins").join(DEPLOYED).join("plugin.json").is_file(),
        "installed into ./plugins/<id>"
    );
    let stats = wait_for_route(&base);
    assert_eq!(stats, "http=0 post=0");

    // Deploying again replaces the running plugin (the server's `force`) and starts the new one.
    let (ok, output) = mm_host(&["deploy", "--url", &base, "--token", &token, bundle.to_str().unwrap()], &[]);
    assert!(ok, "{output}");
    assert_eq!(wait_for_route(&base), "http=0 post=0");
    host.signal("INT");
    assert!(host.finish(PATIENCE), "{}", host.output);
}

/// `GET /plugins/<deployed>/stats` once the plugin answers (enabling starts it in the
/// background, as on the server).
fn wait_for_route(base: &str) -> String {
    let deadline = std::time::Instant::now() + PATIENCE;
    loop {
        let (status, body) = http_request(base, "GET", &format!("/plugins/{DEPLOYED}/stats"), &[], "");
        if status == 200 {
            return body;
        }
        assert!(std::time::Instant::now() < deadline, "the deployed plugin never answered: {status} {body}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// A bundle whose only executable is for `windows-amd64` (which no Unix host runs).
fn write_bundle_for_windows_only(path: &std::path::Path) {
    let manifest = format!(
        r#"{{"id": "{DEPLOYED}", "version": "0.2.0", "server": {{"executables": {{"windows-amd64": "server/plugin.exe"}}}}}}"#
    );
    let gz = flate2::write::GzEncoder::new(std::fs::File::create(path).unwrap(), flate2::Compression::fast());
    let mut archive = tar::Builder::new(gz);
    for (name, data) in [("plugin.json", manifest.as_bytes()), ("server/plugin.exe", &b"MZ"[..])] {
        let mut header = tar::Header::new_gnu();
        header.set_size(data.len() as u64);
        header.set_mode(0o755);
        header.set_cksum();
        archive.append_data(&mut header, format!("{DEPLOYED}/{name}"), data).unwrap();
    }
    archive.into_inner().unwrap().finish().unwrap();
}
