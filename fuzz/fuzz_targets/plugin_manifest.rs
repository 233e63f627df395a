//! `plugin.json` as the host reads and validates it: the lenient read, the full validation,
//! the executable path rule, and writing it back.
//!
//! Checked: nothing panics; `from_json` accepts exactly the manifests whose problems do not
//! block running; an executable path accepted for a platform is relative, clean and inside
//! the plugin folder; a manifest written back reads with the same fields and problems.

#![no_main]

use libfuzzer_sys::fuzz_target;
use mm_host::manifest::Manifest;

const PLATFORMS: [&str; 4] = ["linux-amd64", "linux-arm64", "darwin-arm64", "windows-amd64"];

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let strict = Manifest::from_json(text);
    let Ok(manifest) = serde_json::from_str::<Manifest>(text) else {
        assert!(strict.is_err(), "a manifest that does not parse was accepted");
        return;
    };
    let problems = manifest.problems();
    assert_eq!(manifest.validate().is_ok(), problems.is_empty());
    match (&strict, manifest.validate_runnable()) {
        (Ok(read), Ok(())) => assert_eq!(read, &manifest),
        (Err(_), Err(_)) => {}
        (strict, runnable) => panic!("from_json {strict:?} but validate_runnable {runnable:?}"),
    }
    for problem in &problems {
        let shown = problem.to_string();
        assert!(shown.starts_with(&format!("`{}`: ", problem.field())), "{shown}");
    }

    for platform in PLATFORMS {
        let written = manifest.server_executable_for(platform);
        match manifest.server_executable_in_folder_for(platform) {
            Ok(Some(path)) => {
                assert!(written.is_some());
                assert!(!path.is_empty() && !path.starts_with('/') && !path.starts_with(".."), "{path:?}");
                assert!(
                    path.split('/').all(|part| !matches!(part, "" | "." | "..")),
                    "{path:?} is not clean"
                );
            }
            Ok(None) => assert!(written.is_none()),
            Err(problem) => {
                assert!(written.is_some());
                assert!(problem.field().starts_with("server.executable"), "{problem}");
            }
        }
    }

    let again: Manifest =
        serde_json::from_str(&manifest.to_json_pretty()).expect("a written manifest reads back");
    // Typed fields only: `extra` keeps numbers, which serde_json may read back a bit off.
    let executables = |m: &Manifest| {
        m.server.as_ref().map(|s| (s.executable.clone(), s.executables.clone(), s.runtime.clone()))
    };
    assert_eq!((&again.id, &again.name, &again.version), (&manifest.id, &manifest.name, &manifest.version));
    assert_eq!(executables(&again), executables(&manifest));
    assert_eq!(again.problems(), problems);
});
