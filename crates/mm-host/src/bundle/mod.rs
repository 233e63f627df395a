//! Plugin bundles: one `.tar.gz` per platform that both kinds of Mattermost server install:
//! every stock server (go-plugin net/rpc) and the multi-language fork (gRPC).
//!
//! A bundle holds one folder named after the plugin id:
//!
//! ```text
//! com.example.hello/plugin.json        the manifest: server.executables {"linux-amd64":
//!                                      "venv/bin/python"}, server.runtime "python",
//!                                      server.executable "server/plugin.py"
//! com.example.hello/server/plugin.py   a stub: the gRPC server's one argument, ignored
//! com.example.hello/venv/bin/python    the plugin binary (mode 0755)
//! com.example.hello/assets/...         when the plugin folder has them
//! com.example.hello/webapp/dist/...
//! ```
//!
//! A **stock server** ignores `server.runtime` (its manifest has no such key), picks
//! `server.executables["<os>-<arch>"]` and runs the binary directly; started without
//! `MATTERMOST_PLUGIN_API_TARGET`, the plugin speaks go-plugin net/rpc. **The fork** takes its
//! gRPC plugin path for a manifest with `server.runtime: "python"` and starts
//! `<plugin>/venv/bin/python <executable>` in the plugin folder, with
//! `MATTERMOST_PLUGIN_API_TARGET` set. Any program works in the interpreter's place, so the
//! bundle puts the native plugin binary there, once, for both; the plugin ignores its
//! argument. See [`bundled_manifest`]. [`bundle`] validates the manifest first
//! ([`Manifest::validate`]), builds the plugin in release mode for each platform (or takes a
//! prebuilt binary), and writes `<out>/<id>-<version>-<platform>.tar.gz`, reproducibly.
//!
//! ```no_run
//! use mm_host::bundle::{BundleOptions, Platform, bundle};
//!
//! let options = BundleOptions::new("examples/hello").platform(Platform::LinuxAmd64);
//! for written in bundle(&options, |event| println!("{event}"))? {
//!     println!("{}", written.path.display());
//! }
//! # Ok::<(), mm_host::bundle::BundleError>(())
//! ```

mod archive;
mod cargo_build;
mod error;
mod layout;
mod platform;

use std::fmt;
use std::path::{Path, PathBuf};

use crate::manifest::{MANIFEST_FILE_NAME, Manifest, ManifestError};

pub use error::BundleError;
pub use layout::{BINARY_PATH, EXTRA_DIRS, STUB_PATH, bundled_manifest, stub_script};
pub use platform::Platform;

use cargo_build::BuildRequest;
use layout::Layout;

/// What to bundle and where to write it.
#[derive(Debug, Clone)]
pub struct BundleOptions {
    plugin_dir: PathBuf,
    package: Option<String>,
    platforms: Vec<Platform>,
    binary: Option<PathBuf>,
    out_dir: Option<PathBuf>,
}

impl BundleOptions {
    /// Bundles the plugin in `plugin_dir` (the folder of `plugin.json`, normally also of the
    /// plugin's `Cargo.toml`).
    pub fn new(plugin_dir: impl Into<PathBuf>) -> Self {
        BundleOptions {
            plugin_dir: plugin_dir.into(),
            package: None,
            platforms: Vec::new(),
            binary: None,
            out_dir: None,
        }
    }

    /// Builds this package (`cargo build -p NAME`) instead of the folder's own.
    pub fn package(mut self, name: impl Into<String>) -> Self {
        self.package = Some(name.into());
        self
    }

    /// Adds a platform. Without any: linux-amd64, plus linux-arm64 when its Rust target is
    /// installed. A platform asked for explicitly must be installed.
    pub fn platform(mut self, platform: Platform) -> Self {
        if !self.platforms.contains(&platform) {
            self.platforms.push(platform);
        }
        self
    }

    /// Bundles this prebuilt binary instead of building (one platform only).
    pub fn binary(mut self, path: impl Into<PathBuf>) -> Self {
        self.binary = Some(path.into());
        self
    }

    /// Where bundles are written (default `<plugin_dir>/dist`).
    pub fn out_dir(mut self, dir: impl Into<PathBuf>) -> Self {
        self.out_dir = Some(dir.into());
        self
    }

    /// The plugin folder.
    pub fn plugin_dir(&self) -> &Path {
        &self.plugin_dir
    }

    /// The folder bundles are written to.
    pub fn resolved_out_dir(&self) -> PathBuf {
        self.out_dir.clone().unwrap_or_else(|| self.plugin_dir.join("dist"))
    }
}

/// A bundle written to disk.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Bundle {
    /// The platform it is for.
    pub platform: Platform,
    /// The `.tar.gz` file.
    pub path: PathBuf,
    /// Its size in bytes.
    pub size: u64,
    /// The plugin binary that went in as `venv/bin/python`.
    pub binary: PathBuf,
    /// The files inside the plugin folder (`plugin.json`, `venv/bin/python`, ...), sorted;
    /// the archive holds them under `<id>/`.
    pub files: Vec<String>,
}

impl Bundle {
    /// The archive's file name, `<id>-<version>-<platform>.tar.gz`.
    pub fn file_name(manifest: &Manifest, platform: Platform) -> String {
        format!("{}-{}-{}.tar.gz", manifest.id, manifest.version, platform.key())
    }
}

/// A step of [`bundle`], for progress output.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum BundleEvent {
    /// The manifest passed validation.
    Validated {
        /// The manifest as read.
        manifest: Box<Manifest>,
    },
    /// A default platform is left out.
    Skipped {
        /// The platform.
        platform: Platform,
        /// Why, and how to include it.
        reason: String,
    },
    /// `cargo build` starts for a platform.
    Building {
        /// The platform.
        platform: Platform,
        /// The command line.
        command: String,
    },
    /// The plugin binary for a platform is ready (built, or given).
    BinaryReady {
        /// The platform.
        platform: Platform,
        /// The binary.
        path: PathBuf,
    },
    /// A bundle was written.
    Written(Bundle),
}

impl fmt::Display for BundleEvent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BundleEvent::Validated { manifest } => write!(f, "{MANIFEST_FILE_NAME} of {manifest} is valid"),
            BundleEvent::Skipped { platform, reason } => write!(f, "{platform}: skipped ({reason})"),
            BundleEvent::Building { platform, command } => write!(f, "building for {platform}: {command}"),
            BundleEvent::BinaryReady { platform, path } => {
                write!(f, "plugin binary for {platform}: {}", path.display())
            }
            BundleEvent::Written(bundle) => {
                write!(f, "wrote {} ({} bytes)", bundle.path.display(), bundle.size)
            }
        }
    }
}

/// Validates the manifest, builds (or takes) the plugin binary for each platform, and writes
/// one bundle per platform; `on_event` hears each step. Returns the bundles written.
pub fn bundle(
    options: &BundleOptions,
    mut on_event: impl FnMut(&BundleEvent),
) -> Result<Vec<Bundle>, BundleError> {
    let manifest = read_manifest(&options.plugin_dir)?;
    on_event(&BundleEvent::Validated { manifest: Box::new(manifest.clone()) });

    let platforms = choose_platforms(options, platform::installed_rust_targets(), &mut on_event)?;
    let out_dir = options.resolved_out_dir();
    let mut written = Vec::new();
    for platform in platforms {
        let binary = match &options.binary {
            Some(binary) => binary.clone(),
            None => {
                let request = BuildRequest {
                    plugin_dir: &options.plugin_dir,
                    package: options.package.as_deref(),
                    platform: Some(platform),
                    release: true,
                };
                on_event(&BundleEvent::Building { platform, command: request.command_line() });
                request.run()?
            }
        };
        platform::check_binary(&binary, platform)?;
        on_event(&BundleEvent::BinaryReady { platform, path: binary.clone() });

        let layout = Layout::new(&options.plugin_dir, &manifest, &binary, platform)?;
        std::fs::create_dir_all(&out_dir).map_err(|e| BundleError::io("create folder", &out_dir, e))?;
        let path = out_dir.join(Bundle::file_name(&manifest, platform));
        let size = archive::write_archive(&layout, &path, archive::archive_mtime())?;
        let bundle = Bundle { platform, path, size, binary, files: layout.file_paths() };
        on_event(&BundleEvent::Written(bundle.clone()));
        written.push(bundle);
    }
    Ok(written)
}

/// Reads `<dir>/plugin.json` and checks every rule, naming the file in errors.
fn read_manifest(dir: &Path) -> Result<Manifest, BundleError> {
    let path = dir.join(MANIFEST_FILE_NAME);
    // Parsed without `Manifest::from_file`'s id check, so every problem is reported at once.
    let text =
        std::fs::read_to_string(&path).map_err(|source| ManifestError::Io { path: path.clone(), source })?;
    let manifest: Manifest = serde_json::from_str(&text)
        .map_err(|source| ManifestError::Json { origin: path.display().to_string(), source })?;
    let problems = manifest.problems();
    if problems.is_empty() {
        Ok(manifest)
    } else {
        Err(ManifestError::Invalid { origin: path.display().to_string(), problems }.into())
    }
}

/// The platforms to bundle: the asked ones (each must be installed), or the defaults.
/// `installed` is rustup's list, `None` when unknown (then nothing is refused or skipped).
fn choose_platforms(
    options: &BundleOptions,
    installed: Option<Vec<String>>,
    on_event: &mut impl FnMut(&BundleEvent),
) -> Result<Vec<Platform>, BundleError> {
    let is_installed = |platform: Platform| {
        installed.as_ref().is_none_or(|targets| targets.iter().any(|t| t == platform.rust_target()))
    };
    if options.binary.is_some() {
        // No build: nothing to install. One binary is for one platform.
        return match options.platforms.as_slice() {
            [] => Ok(vec![Platform::LinuxAmd64]),
            [one] => Ok(vec![*one]),
            many => Err(BundleError::BinaryNeedsOnePlatform { count: many.len() }),
        };
    }
    if !options.platforms.is_empty() {
        if let Some(missing) = options.platforms.iter().copied().find(|p| !is_installed(*p)) {
            return Err(BundleError::TargetNotInstalled { platform: missing });
        }
        return Ok(options.platforms.clone());
    }
    if !is_installed(Platform::LinuxAmd64) {
        return Err(BundleError::TargetNotInstalled { platform: Platform::LinuxAmd64 });
    }
    let mut platforms = vec![Platform::LinuxAmd64];
    if is_installed(Platform::LinuxArm64) && installed.is_some() {
        platforms.push(Platform::LinuxArm64);
    } else {
        let triple = Platform::LinuxArm64.rust_target();
        let reason = match installed {
            Some(_) => format!(
                "the Rust target {triple} is not installed; `rustup target add {triple}` and a linker add it"
            ),
            None => format!("rustup is not available to tell whether the Rust target {triple} is installed"),
        };
        on_event(&BundleEvent::Skipped { platform: Platform::LinuxArm64, reason });
    }
    Ok(platforms)
}

/// Builds the plugin crate in `plugin_dir` for this machine in debug mode (cargo's progress on
/// stderr) and returns its binary: what `mm-host run <folder>` runs.
pub(crate) fn build_for_this_machine(plugin_dir: &Path) -> Result<PathBuf, BundleError> {
    cargo_build::BuildRequest { plugin_dir, package: None, platform: None, release: false }.run()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chosen(
        options: &BundleOptions,
        installed: Option<&[&str]>,
    ) -> (Result<Vec<Platform>, BundleError>, Vec<String>) {
        let mut events = Vec::new();
        let installed = installed.map(|list| list.iter().map(|s| (*s).to_owned()).collect());
        let result = choose_platforms(options, installed, &mut |e: &BundleEvent| events.push(e.to_string()));
        (result, events)
    }

    const AMD64: &str = "x86_64-unknown-linux-gnu";
    const ARM64: &str = "aarch64-unknown-linux-gnu";

    #[test]
    fn defaults_to_amd64_and_arm64_when_installed() {
        let options = BundleOptions::new(".");
        let (platforms, events) = chosen(&options, Some(&[AMD64, ARM64]));
        assert_eq!(platforms.unwrap(), [Platform::LinuxAmd64, Platform::LinuxArm64]);
        assert!(events.is_empty());

        let (platforms, events) = chosen(&options, Some(&[AMD64]));
        assert_eq!(platforms.unwrap(), [Platform::LinuxAmd64]);
        assert_eq!(events.len(), 1);
        assert!(
            events[0].starts_with(
                "linux-arm64: skipped (the Rust target aarch64-unknown-linux-gnu is not installed"
            )
        );

        let (platforms, events) = chosen(&options, None);
        assert_eq!(platforms.unwrap(), [Platform::LinuxAmd64]);
        assert!(events[0].contains("rustup is not available"), "{events:?}");
    }

    #[test]
    fn an_explicit_platform_must_be_installed() {
        let options = BundleOptions::new(".").platform(Platform::LinuxArm64);
        let err = chosen(&options, Some(&[AMD64])).0.unwrap_err();
        assert!(matches!(err, BundleError::TargetNotInstalled { platform: Platform::LinuxArm64 }));
        let text = err.to_string();
        assert!(text.contains("rustup target add aarch64-unknown-linux-gnu"), "{text}");
        assert!(text.contains("gcc-aarch64-linux-gnu"), "{text}");
        assert_eq!(chosen(&options, Some(&[AMD64, ARM64])).0.unwrap(), [Platform::LinuxArm64]);
        let err = chosen(&BundleOptions::new("."), Some(&[ARM64])).0.unwrap_err();
        assert!(matches!(err, BundleError::TargetNotInstalled { platform: Platform::LinuxAmd64 }));
    }

    #[test]
    fn a_prebuilt_binary_is_for_one_platform() {
        let options = BundleOptions::new(".").binary("/bin/plugin");
        assert_eq!(chosen(&options, Some(&[])).0.unwrap(), [Platform::LinuxAmd64]);
        let arm = options.clone().platform(Platform::LinuxArm64);
        assert_eq!(chosen(&arm, Some(&[])).0.unwrap(), [Platform::LinuxArm64], "no build, no target needed");
        let both = arm.platform(Platform::LinuxAmd64);
        let err = chosen(&both, Some(&[AMD64, ARM64])).0.unwrap_err();
        assert!(matches!(err, BundleError::BinaryNeedsOnePlatform { count: 2 }), "{err}");
    }

    #[test]
    fn names_bundles_by_id_version_and_platform() {
        let manifest = Manifest::from_json(r#"{"id":"com.example.x","version":"1.2.3"}"#).unwrap();
        assert_eq!(
            Bundle::file_name(&manifest, Platform::LinuxArm64),
            "com.example.x-1.2.3-linux-arm64.tar.gz"
        );
        assert_eq!(BundleOptions::new("p").resolved_out_dir(), Path::new("p/dist"));
        assert_eq!(BundleOptions::new("p").out_dir("/o").resolved_out_dir(), Path::new("/o"));
    }
}
