//! `cargo build` of the plugin (release for one platform when bundling, debug for this machine
//! when `mm-host run` runs a plugin folder), and the binary's path from cargo's JSON messages
//! (so workspace members, standalone crates and any target dir work alike).

use std::io::{BufRead as _, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use serde_json::Value;

use super::error::BundleError;
use super::platform::Platform;

/// What to build: the plugin folder's own package, or a named package.
#[derive(Debug, Clone)]
pub(crate) struct BuildRequest<'a> {
    pub(crate) plugin_dir: &'a Path,
    pub(crate) package: Option<&'a str>,
    /// The platform to cross-build for (`--target`); `None` builds for this machine.
    pub(crate) platform: Option<Platform>,
    /// `--release`, as bundles are built; debug for a quick local run.
    pub(crate) release: bool,
}

impl BuildRequest<'_> {
    /// The `Cargo.toml` of the plugin folder, when there is one, as an absolute path (cargo
    /// runs in the plugin folder, where a relative path would no longer point to it).
    fn cargo_toml(&self) -> Option<PathBuf> {
        let path = self.plugin_dir.join("Cargo.toml");
        path.is_file().then(|| std::path::absolute(&path).unwrap_or(path))
    }

    /// The arguments after `cargo`.
    pub(crate) fn args(&self) -> Result<Vec<String>, BundleError> {
        let mut args: Vec<String> = vec!["build".to_owned()];
        if self.release {
            args.push("--release".to_owned());
        }
        args.push("--message-format=json-render-diagnostics".to_owned());
        match (self.cargo_toml(), self.package) {
            (None, None) => return Err(BundleError::NoCargoProject { dir: self.plugin_dir.to_path_buf() }),
            (Some(cargo_toml), _) => {
                args.push("--manifest-path".to_owned());
                args.push(cargo_toml.display().to_string());
            }
            (None, Some(_)) => {}
        }
        if let Some(package) = self.package {
            args.push("-p".to_owned());
            args.push(package.to_owned());
        }
        if let Some(platform) = self.platform {
            args.push("--target".to_owned());
            args.push(platform.rust_target().to_owned());
        }
        Ok(args)
    }

    /// The command as a user would type it (for messages).
    pub(crate) fn command_line(&self) -> String {
        match self.args() {
            Ok(args) => format!("cargo {}", args.join(" ")),
            Err(_) => "cargo build".to_owned(),
        }
    }

    /// Runs the build (cargo's progress and diagnostics go to this process's stderr) and
    /// returns the plugin binary.
    pub(crate) fn run(&self) -> Result<PathBuf, BundleError> {
        let args = self.args()?;
        let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
        let mut child = Command::new(&cargo)
            .args(&args)
            // Without a Cargo.toml here, cargo finds the workspace around the folder.
            .current_dir(self.plugin_dir)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .map_err(|source| BundleError::Spawn { program: cargo.to_string_lossy().into_owned(), source })?;
        let mut artifacts = Vec::new();
        if let Some(stdout) = child.stdout.take() {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                artifacts.extend(BinArtifact::from_message(&line));
            }
        }
        let status = child.wait().map_err(|source| BundleError::Spawn { program: "cargo".into(), source })?;
        if !status.success() {
            return Err(BundleError::Build { command: self.command_line(), status: status.to_string() });
        }
        self.pick(artifacts)
    }

    /// The one binary of the plugin's package among the built ones.
    fn pick(&self, artifacts: Vec<BinArtifact>) -> Result<PathBuf, BundleError> {
        let own_manifest = self.cargo_toml().map(|path| path.canonicalize().unwrap_or(path));
        let mut ours: Vec<BinArtifact> = artifacts
            .into_iter()
            .filter(|artifact| match (self.package, &own_manifest) {
                // `-p` builds only that package's binaries.
                (Some(_), _) | (None, None) => true,
                (None, Some(own)) => {
                    artifact.manifest_path.canonicalize().unwrap_or(artifact.manifest_path.clone()) == *own
                }
            })
            .collect();
        ours.dedup_by(|a, b| a.executable == b.executable);
        match ours.len() {
            1 => Ok(ours.remove(0).executable),
            0 => Err(BundleError::Artifact {
                command: self.command_line(),
                problem: "built no binary of the plugin's package (is it a library, or a workspace root?)"
                    .to_owned(),
            }),
            _ => Err(BundleError::Artifact {
                command: self.command_line(),
                problem: format!(
                    "built several binaries ({}), and a bundle holds one",
                    ours.iter().map(|a| a.name.as_str()).collect::<Vec<_>>().join(", ")
                ),
            }),
        }
    }
}

/// A binary target cargo built.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct BinArtifact {
    pub(crate) name: String,
    pub(crate) manifest_path: PathBuf,
    pub(crate) executable: PathBuf,
}

impl BinArtifact {
    /// The binary in one line of cargo's JSON output, if it announces one.
    pub(crate) fn from_message(line: &str) -> Option<BinArtifact> {
        let message: Value = serde_json::from_str(line).ok()?;
        if message["reason"] != "compiler-artifact" {
            return None;
        }
        let kinds = message["target"]["kind"].as_array()?;
        if !kinds.iter().any(|kind| kind == "bin") {
            return None;
        }
        Some(BinArtifact {
            name: message["target"]["name"].as_str()?.to_owned(),
            manifest_path: PathBuf::from(message["manifest_path"].as_str()?),
            executable: PathBuf::from(message["executable"].as_str()?),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn message(name: &str, kind: &str, manifest: &str, executable: Option<&str>) -> String {
        serde_json::json!({
            "reason": "compiler-artifact",
            "package_id": "path+file:///w#0.1.0",
            "manifest_path": manifest,
            "target": {"name": name, "kind": [kind]},
            "executable": executable,
        })
        .to_string()
    }

    #[test]
    fn reads_binaries_from_cargo_messages() {
        let bin = message("plugin", "bin", "/w/p/Cargo.toml", Some("/t/release/plugin"));
        assert_eq!(
            BinArtifact::from_message(&bin),
            Some(BinArtifact {
                name: "plugin".into(),
                manifest_path: "/w/p/Cargo.toml".into(),
                executable: "/t/release/plugin".into()
            })
        );
        assert_eq!(BinArtifact::from_message(&message("plugin", "lib", "/w/p/Cargo.toml", None)), None);
        assert_eq!(
            BinArtifact::from_message(&message("build-script-build", "custom-build", "/w", None)),
            None
        );
        assert_eq!(BinArtifact::from_message(r#"{"reason":"build-finished","success":true}"#), None);
        assert_eq!(BinArtifact::from_message("Compiling..."), None);
    }

    #[test]
    fn builds_the_folders_package_or_the_named_one() {
        let dir = tempfile::tempdir().unwrap();
        let request = BuildRequest {
            plugin_dir: dir.path(),
            package: None,
            platform: Some(Platform::LinuxArm64),
            release: true,
        };
        assert!(matches!(request.args(), Err(BundleError::NoCargoProject { .. })));

        let named = BuildRequest { package: Some("my-plugin"), ..request.clone() };
        assert_eq!(
            named.command_line(),
            "cargo build --release --message-format=json-render-diagnostics -p my-plugin --target aarch64-unknown-linux-gnu"
        );

        std::fs::write(dir.path().join("Cargo.toml"), "[package]\nname = \"p\"\n").unwrap();
        let own = BuildRequest { platform: Some(Platform::LinuxAmd64), ..request };
        let cargo_toml = dir.path().join("Cargo.toml");
        assert_eq!(
            own.command_line(),
            format!(
                "cargo build --release --message-format=json-render-diagnostics --manifest-path {} --target x86_64-unknown-linux-gnu",
                cargo_toml.display()
            )
        );

        // A relative folder still names the right Cargo.toml from inside the folder.
        let relative = BuildRequest {
            plugin_dir: Path::new("."),
            package: None,
            platform: Some(Platform::LinuxAmd64),
            release: true,
        };
        let args = relative.args().unwrap();
        let manifest_path = Path::new(&args[args.iter().position(|a| a == "--manifest-path").unwrap() + 1]);
        assert!(manifest_path.is_absolute() && manifest_path.is_file(), "{}", manifest_path.display());

        let artifact = |name: &str, manifest: &Path| BinArtifact {
            name: name.into(),
            manifest_path: manifest.to_path_buf(),
            executable: PathBuf::from(format!("/t/{name}")),
        };
        let picked =
            own.pick(vec![artifact("tool", Path::new("/elsewhere/Cargo.toml")), artifact("p", &cargo_toml)]);
        assert_eq!(picked.unwrap(), PathBuf::from("/t/p"));
        let err = own.pick(vec![artifact("tool", Path::new("/elsewhere/Cargo.toml"))]).unwrap_err();
        assert!(err.to_string().contains("built no binary"), "{err}");
        let err = own.pick(vec![artifact("a", &cargo_toml), artifact("b", &cargo_toml)]).unwrap_err();
        assert!(err.to_string().contains("several binaries (a, b)"), "{err}");
    }
}
