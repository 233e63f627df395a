//! The Go toolchain: finding it and building the Go module under `crates/mm-bench/go/`.

use std::path::{Path, PathBuf};
use std::process::Stdio;

use crate::error::BenchError;

/// The Go module of the stock bench host and the Go baseline plugin (in this crate's source).
pub const GO_MODULE_DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/go");

/// Names another `go` program than the one on the PATH.
pub const GO_ENV: &str = "MM_BENCH_GO";

/// A Go toolchain that answered `go version`.
#[derive(Debug, Clone)]
pub struct Go {
    program: PathBuf,
    version: String,
}

impl Go {
    /// Finds `go` (or [`GO_ENV`]); the error says why there is none, for a skip notice.
    pub fn find() -> Result<Go, String> {
        let program = PathBuf::from(std::env::var_os(GO_ENV).unwrap_or_else(|| "go".into()));
        let output =
            std::process::Command::new(&program).arg("version").stdin(Stdio::null()).output().map_err(
                |e| format!("`{} version` did not run ({e}); install Go or set {GO_ENV}", program.display()),
            )?;
        let text = String::from_utf8_lossy(&output.stdout);
        // go version go1.26.8 linux/amd64
        match text.split_whitespace().nth(2) {
            Some(version) if output.status.success() && version.starts_with("go") => {
                Ok(Go { program, version: version.trim_start_matches("go").to_string() })
            }
            _ => Err(format!("`{} version` answered {:?}", program.display(), text.trim())),
        }
    }

    /// The version (`1.26.8`).
    pub fn version(&self) -> &str {
        &self.version
    }

    /// `go build -trimpath -o <out> <package>` in [`GO_MODULE_DIR`], without cgo (as the
    /// Mattermost plugin starter template builds plugins). Go's build cache makes repeated
    /// builds cheap; the first one downloads server/public from the Go module proxy.
    pub async fn build(&self, package: &str, out: &Path) -> Result<(), BenchError> {
        let output = tokio::process::Command::new(&self.program)
            .args(["build", "-trimpath", "-o"])
            .arg(out)
            .arg(package)
            .current_dir(GO_MODULE_DIR)
            .env("CGO_ENABLED", "0")
            .stdin(Stdio::null())
            .output()
            .await
            .map_err(|e| BenchError::io(format!("running go build {package}"), e))?;
        if !output.status.success() {
            return Err(BenchError::Go(format!(
                "go build {package} in {GO_MODULE_DIR} failed:\n{}",
                String::from_utf8_lossy(&output.stderr).trim_end()
            )));
        }
        Ok(())
    }
}
