//! `mm-host bundle`: validate the manifest, build the plugin in release mode and write one
//! `.tar.gz` per platform that a Mattermost server installs.

use std::collections::BTreeMap;

use crate::bundle::{self, BINARY_PATH, BundleError, BundleEvent, BundleOptions, EXTRA_DIRS, STUB_PATH};
use crate::manifest::{MANIFEST_FILE_NAME, ManifestError};

use super::output::Printer;
use super::{BundleArgs, CliError};

pub(super) async fn bundle(args: BundleArgs, printer: Printer) -> Result<(), CliError> {
    let mut options = BundleOptions::new(&args.plugin_dir);
    if let Some(package) = args.package {
        options = options.package(package);
    }
    for platform in args.target {
        options = options.platform(platform);
    }
    if let Some(binary) = args.binary {
        options = options.binary(binary);
    }
    if let Some(out) = args.out {
        options = options.out_dir(out);
    }
    // Building and archiving block; keep them off the async runtime's threads.
    let outcome = tokio::task::spawn_blocking(move || bundle::bundle(&options, |event| show(printer, event)))
        .await
        .map_err(|e| CliError(format!("the bundler stopped unexpectedly: {e}")))?;
    match outcome {
        Ok(_) => Ok(()),
        Err(BundleError::Manifest(ManifestError::Invalid { origin, problems })) => {
            for problem in &problems {
                printer.problem(&problem.to_string());
            }
            let count = problems.len();
            Err(CliError(format!(
                "plugin manifest {origin} is invalid ({count} problem{} above); nothing was built",
                if count == 1 { "" } else { "s" }
            )))
        }
        Err(error) => Err(CliError(error.to_string())),
    }
}

fn show(printer: Printer, event: &BundleEvent) {
    match event {
        BundleEvent::Validated { manifest } => {
            printer.step(&format!("Bundling {manifest}"));
            printer.ok(&format!("{MANIFEST_FILE_NAME} is valid"));
        }
        BundleEvent::Skipped { .. } => printer.info(&event.to_string()),
        BundleEvent::Building { platform, command } => {
            printer.step(&format!("Building for {platform}"));
            printer.info(command);
        }
        BundleEvent::BinaryReady { path, .. } => printer.ok(&format!("plugin binary {}", path.display())),
        BundleEvent::Written(written) => {
            for line in contents(&written.files) {
                printer.info(&line);
            }
            printer.ok(&format!("wrote {} ({})", written.path.display(), human_size(written.size)));
        }
    }
}

/// What a bundle holds, one line per part: the generated files, then each extra folder with
/// its file count, then single files the manifest named.
fn contents(files: &[String]) -> Vec<String> {
    let mut lines = vec![
        format!(
            "{MANIFEST_FILE_NAME} (server.executables: {BINARY_PATH} for stock servers; server.runtime \"python\", \
             server.executable \"{STUB_PATH}\" for gRPC servers)"
        ),
        format!("{BINARY_PATH} (the plugin binary, mode 0755: net/rpc on stock servers, gRPC on the fork)"),
        format!("{STUB_PATH} (stub the server passes as the argument; the plugin ignores it)"),
    ];
    let mut folders: BTreeMap<&str, usize> = BTreeMap::new();
    let mut others = Vec::new();
    for file in files {
        if let Some(dir) = EXTRA_DIRS.iter().find(|dir| file.starts_with(&format!("{dir}/"))) {
            *folders.entry(dir).or_default() += 1;
        } else if ![MANIFEST_FILE_NAME, BINARY_PATH, STUB_PATH].contains(&file.as_str()) {
            others.push(file.clone());
        }
    }
    for (dir, count) in folders {
        lines.push(format!("{dir}/ ({count} file{})", if count == 1 { "" } else { "s" }));
    }
    lines.extend(others);
    lines
}

fn human_size(bytes: u64) -> String {
    const MIB: f64 = 1024.0 * 1024.0;
    if bytes >= 1024 * 1024 {
        format!("{:.1} MiB", bytes as f64 / MIB)
    } else {
        format!("{:.1} KiB", bytes as f64 / 1024.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn summarises_the_contents() {
        let files: Vec<String> = [
            "assets/icon.svg",
            "assets/x/y.png",
            "plugin.json",
            "server/plugin.py",
            "venv/bin/python",
            "webapp/dist/main.js",
        ]
        .map(str::to_owned)
        .into();
        let lines = contents(&files);
        assert_eq!(lines.len(), 5, "{lines:?}");
        assert_eq!(lines[3], "assets/ (2 files)");
        assert_eq!(lines[4], "webapp/dist/ (1 file)");
        assert_eq!(human_size(2 * 1024 * 1024 + 200_000), "2.2 MiB");
        assert_eq!(human_size(2048), "2.0 KiB");
    }
}
