//! Why a bundle could not be made.

use std::path::PathBuf;

use crate::manifest::ManifestError;

use super::platform::Platform;

/// Why `mm-host bundle` (or [`bundle`](super::bundle)) failed. Each kind says what to do.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum BundleError {
    /// `plugin.json` is missing, unreadable, or breaks rules (see [`ManifestError::problems`]).
    #[error(transparent)]
    Manifest(#[from] ManifestError),
    /// A `--target` that is not a platform the bundler knows.
    #[error("unknown platform {given:?} (expected one of: {})", Platform::keys())]
    UnknownPlatform {
        /// What was given.
        given: String,
    },
    /// The Rust target of a requested platform is not installed.
    #[error(
        "cannot build for {platform}: the Rust target {triple} is not installed. Install it with \
         `rustup target add {triple}`, plus a linker for it ({linker_hint})",
        triple = platform.rust_target(),
        linker_hint = platform.linker_hint()
    )]
    TargetNotInstalled {
        /// The platform.
        platform: Platform,
    },
    /// `--binary` was given with more than one platform.
    #[error("--binary gives one prebuilt binary, so it needs exactly one --target (got {count})")]
    BinaryNeedsOnePlatform {
        /// How many platforms were asked for.
        count: usize,
    },
    /// A binary is not a Linux executable for the platform it is bundled for.
    #[error("{} is not a Linux executable for {platform}: {found}", path.display())]
    BinaryMismatch {
        /// The binary.
        path: PathBuf,
        /// The platform it was meant for.
        platform: Platform,
        /// What it is instead.
        found: String,
    },
    /// There is no `Cargo.toml` in the plugin folder and no `--package` to build.
    #[error(
        "{} has no Cargo.toml: pass --package NAME to build the plugin's package of the surrounding \
         workspace, or --binary PATH to bundle a binary built already",
        dir.display()
    )]
    NoCargoProject {
        /// The plugin folder.
        dir: PathBuf,
    },
    /// A program (cargo, rustup) could not be started.
    #[error("cannot run {program}: {source}")]
    Spawn {
        /// The program.
        program: String,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
    /// `cargo build` failed (its errors were shown as they came).
    #[error("`{command}` failed ({status}); see cargo's messages above")]
    Build {
        /// The command line.
        command: String,
        /// How it ended.
        status: String,
    },
    /// `cargo build` succeeded without producing exactly one binary.
    #[error("`{command}` {problem}; pass --package NAME to pick the plugin's package, or --binary PATH")]
    Artifact {
        /// The command line.
        command: String,
        /// What is wrong (no binary, several binaries).
        problem: String,
    },
    /// A file the manifest names is not in the plugin folder.
    #[error("`{field}` names {}, which does not exist; build it before bundling", path.display())]
    MissingFile {
        /// The manifest field (`webapp.bundle_path`, `icon_path`).
        field: &'static str,
        /// The missing file.
        path: PathBuf,
    },
    /// A path the manifest names is absolute or leaves the plugin folder with `..`.
    #[error(
        "`{field}` names {path:?}, which is outside the plugin folder; name a file inside it, relative \
         to plugin.json"
    )]
    PathOutsideFolder {
        /// The manifest field (`webapp.bundle_path`, `icon_path`).
        field: &'static str,
        /// The path as written.
        path: String,
    },
    /// A path the manifest names exists but is not a regular file.
    #[error("`{field}` names {}, which is not a file", path.display())]
    NotAFile {
        /// The manifest field.
        field: &'static str,
        /// The path.
        path: PathBuf,
    },
    /// A file or folder to pack is, or goes through, a symbolic link that leads outside the
    /// plugin folder: packing it would ship a file of this machine in the bundle.
    #[error(
        "{} is a symbolic link to {}, outside the plugin folder {}; bundles carry only the plugin \
         folder's own files: copy what the plugin needs into the folder instead",
        link.display(),
        target.display(),
        folder.display()
    )]
    LinkOutsideFolder {
        /// The link (or the path going through it), inside the plugin folder.
        link: PathBuf,
        /// Where it leads, fully resolved.
        target: PathBuf,
        /// The plugin folder, resolved.
        folder: PathBuf,
    },
    /// A symbolic link to pack leads nowhere.
    #[error("{} is a symbolic link to {}, which does not exist", link.display(), target.display())]
    BrokenLink {
        /// The link.
        link: PathBuf,
        /// Its target as written.
        target: PathBuf,
    },
    /// A symbolic link to a folder leads back to a folder that contains it (packing it would
    /// never end).
    #[error("{} is a symbolic link to {}, a folder that contains it (a loop)", link.display(), target.display())]
    LinkLoop {
        /// The link.
        link: PathBuf,
        /// The folder it leads back to.
        target: PathBuf,
    },
    /// Reading the plugin's files or writing the bundle failed.
    #[error("cannot {what} {}: {source}", path.display())]
    Io {
        /// What the bundler was doing.
        what: &'static str,
        /// The file or folder.
        path: PathBuf,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
}

impl BundleError {
    pub(crate) fn io(what: &'static str, path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        BundleError::Io { what, path: path.into(), source }
    }
}
