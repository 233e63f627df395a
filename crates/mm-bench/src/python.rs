//! The Python baselines: a grpcio interpreter, stubs generated from this repository's
//! `proto/`, and the baseline scripts, all in a temporary folder.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::error::BenchError;

/// The baseline plugin (PluginHooks, health, go-plugin controller).
const PLUGIN_SCRIPT: &str = include_str!("../baselines/plugin.py");
/// The baseline PluginAPI client.
const API_CLIENT_SCRIPT: &str = include_str!("../baselines/api_client.py");
/// The proto folder the stubs are generated from.
const PROTO_DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../mm-proto/proto");
/// Picks the interpreter (default: `python3` on the `PATH`).
pub const PYTHON_ENV: &str = "MM_BENCH_PYTHON";

/// A ready Python baseline.
#[derive(Debug)]
pub struct Python {
    executable: PathBuf,
    version: String,
    grpcio: String,
    dir: tempfile::TempDir,
}

/// Whether to `pip install grpcio grpcio-tools` when they are missing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Install {
    /// Install them (the `compare` command).
    IfMissing,
    /// Never install (tests): a missing package is an error the caller reports as a skip.
    Never,
}

impl Python {
    /// Finds the interpreter, makes sure grpcio and grpcio-tools are importable, generates the
    /// stubs and writes the scripts.
    pub fn prepare(install: Install) -> Result<Python, BenchError> {
        let interpreter = std::env::var_os(PYTHON_ENV).unwrap_or_else(|| "python3".into());
        let probe = "import sys, grpc, grpc_tools; print(sys.executable); print(sys.version.split()[0]); print(grpc.__version__)";
        let mut found = run_python(Path::new(&interpreter), &["-c", probe]);
        if found.is_err() && install == Install::IfMissing {
            run_python(
                Path::new(&interpreter),
                &["-m", "pip", "install", "--quiet", "--disable-pip-version-check", "grpcio", "grpcio-tools"],
            )?;
            found = run_python(Path::new(&interpreter), &["-c", probe]);
        }
        let found = found?;
        let mut lines = found.lines();
        let (Some(executable), Some(version), Some(grpcio)) = (lines.next(), lines.next(), lines.next())
        else {
            return Err(BenchError::Python(format!("unexpected answer from the interpreter: {found:?}")));
        };
        let dir = tempfile::Builder::new()
            .prefix("mm-bench-python-")
            .tempdir()
            .map_err(|e| BenchError::io("creating a temporary folder for the Python stubs", e))?;
        let python = Python {
            executable: PathBuf::from(executable),
            version: version.to_string(),
            grpcio: grpcio.to_string(),
            dir,
        };
        python.generate_stubs()?;
        python.write_scripts()?;
        Ok(python)
    }

    fn generate_stubs(&self) -> Result<(), BenchError> {
        let proto = Path::new(PROTO_DIR);
        let mut files = Vec::new();
        collect_protos(proto, &mut files)?;
        let out = self.dir.path().display().to_string();
        let mut args = vec![
            "-m".to_string(),
            "grpc_tools.protoc".to_string(),
            format!("-I{}", proto.display()),
            format!("--python_out={out}"),
            format!("--grpc_python_out={out}"),
        ];
        args.extend(files.iter().map(|f| f.display().to_string()));
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        run_python(&self.executable, &args)?;
        Ok(())
    }

    fn write_scripts(&self) -> Result<(), BenchError> {
        // The plugin is launched as an executable, like a plugin binary: point its first line
        // at the interpreter that has grpcio.
        let body = PLUGIN_SCRIPT.split_once('\n').map_or(PLUGIN_SCRIPT, |(_, rest)| rest);
        let plugin = format!("#!{}\n{body}", self.executable.display());
        write(&self.plugin_path(), &plugin)?;
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(self.plugin_path(), std::fs::Permissions::from_mode(0o755))
            .map_err(|e| BenchError::io("making the Python plugin executable", e))?;
        write(&self.api_client_path(), API_CLIENT_SCRIPT)
    }

    /// The interpreter.
    pub fn executable(&self) -> &Path {
        &self.executable
    }

    /// `3.11.7`.
    pub fn version(&self) -> &str {
        &self.version
    }

    /// The grpcio version.
    pub fn grpcio_version(&self) -> &str {
        &self.grpcio
    }

    /// The executable baseline plugin (`PYTHONPATH` must be [`stubs_dir`](Self::stubs_dir)).
    pub fn plugin_path(&self) -> PathBuf {
        // Not `plugin.py`: the go-plugin stubs are the package `plugin` in the same folder.
        self.dir.path().join("baseline_plugin.py")
    }

    /// The baseline API client script.
    pub fn api_client_path(&self) -> PathBuf {
        self.dir.path().join("api_client.py")
    }

    /// Where the generated stubs are (the `PYTHONPATH` of the scripts).
    pub fn stubs_dir(&self) -> &Path {
        self.dir.path()
    }
}

fn write(path: &Path, text: &str) -> Result<(), BenchError> {
    std::fs::write(path, text).map_err(|e| BenchError::io(format!("writing {}", path.display()), e))
}

fn collect_protos(dir: &Path, out: &mut Vec<PathBuf>) -> Result<(), BenchError> {
    let entries =
        std::fs::read_dir(dir).map_err(|e| BenchError::io(format!("reading {}", dir.display()), e))?;
    for entry in entries {
        let path = entry.map_err(|e| BenchError::io(format!("reading {}", dir.display()), e))?.path();
        if path.is_dir() {
            collect_protos(&path, out)?;
        } else if path.extension().is_some_and(|e| e == "proto") {
            out.push(path);
        }
    }
    out.sort();
    Ok(())
}

/// Runs the interpreter and returns its standard output.
fn run_python(interpreter: &Path, args: &[&str]) -> Result<String, BenchError> {
    let output = Command::new(interpreter).args(args).output().map_err(|e| {
        BenchError::Python(format!(
            "cannot run {} ({e}); set {PYTHON_ENV} to a Python 3",
            interpreter.display()
        ))
    })?;
    if !output.status.success() {
        return Err(BenchError::Python(format!(
            "`{} {}` failed: {}",
            interpreter.display(),
            args.first().copied().unwrap_or_default(),
            String::from_utf8_lossy(&output.stderr).trim()
        )));
    }
    Ok(String::from_utf8_lossy(&output.stdout).into_owned())
}
