//! What to launch: a plugin binary, a `plugin.json`, or a plugin folder.

use std::ffi::{OsStr, OsString};
use std::path::{Path, PathBuf};

use mm_proto::protocol::Protocol;

use crate::manifest::{MANIFEST_FILE_NAME, Manifest, validate_plugin_id};

use super::error::{SupervisorError, SupervisorErrorKind};

/// A plugin to launch: the program, its one argument, its folder and id.
///
/// The server starts a plugin from its folder with the manifest's executable path (cleaned,
/// and refused when it is absolute or leaves the folder) as the one argument; [`PluginSpec::from_path`] does the same for a folder or a `plugin.json`, and for
/// a bare binary uses the binary's folder and its path. A manifest on the gRPC path
/// (`server.runtime: "python"`, or an executable ending in `.py`) runs the plugin folder's
/// interpreter, `venv/bin/python` first, with the executable as its argument, as the server
/// does: that is where a bundle made by `mm-host bundle` keeps the plugin binary.
///
/// The protocol follows the server's rule too: a manifest on the gRPC path runs over the
/// fork's gRPC, any other plugin (a bare binary included) over go-plugin net/rpc, as every
/// stock server runs it; [`with_protocol`](Self::with_protocol) overrides it.
///
/// ```no_run
/// use mm_host::supervisor::PluginSpec;
///
/// let spec = PluginSpec::from_path("target/debug/mm-example-hello")?
///     .with_plugin_id("com.example.hello")?
///     .env("RUST_LOG", "debug");
/// assert_eq!(spec.plugin_id(), "com.example.hello");
/// # Ok::<(), mm_host::supervisor::SupervisorError>(())
/// ```
#[derive(Debug, Clone)]
pub struct PluginSpec {
    id: String,
    program: PathBuf,
    argument: OsString,
    dir: PathBuf,
    env: Vec<(OsString, OsString)>,
    manifest: Option<Manifest>,
    protocol: Protocol,
}

impl PluginSpec {
    /// A binary, a `plugin.json` file or a plugin folder (one holding `plugin.json`).
    pub fn from_path(path: impl AsRef<Path>) -> Result<PluginSpec, SupervisorError> {
        let path = path.as_ref();
        let label = path.display().to_string();
        let meta = std::fs::metadata(path).map_err(|e| {
            SupervisorError::new(SupervisorErrorKind::Spec, &label, format!("cannot open {label}"))
                .with_source(e)
        })?;
        if meta.is_dir() {
            Self::from_dir(path)
        } else if path.file_name() == Some(OsStr::new(MANIFEST_FILE_NAME))
            || path.extension().is_some_and(|e| e == "json")
        {
            Self::from_manifest_file(path)
        } else {
            Self::from_binary(path)
        }
    }

    /// A bare plugin binary. Its id is the file name (made a valid plugin id) unless set with
    /// [`with_plugin_id`](Self::with_plugin_id); its folder is the binary's folder.
    pub fn from_binary(path: impl AsRef<Path>) -> Result<PluginSpec, SupervisorError> {
        let path = path.as_ref();
        let label = path.display().to_string();
        let program = absolute(path, &label)?;
        check_executable(&program, &label)?;
        let dir = program.parent().map(Path::to_path_buf).unwrap_or_else(|| PathBuf::from("."));
        let stem = program.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
        Ok(PluginSpec {
            id: id_from_file_name(&stem),
            argument: program.clone().into_os_string(),
            program,
            dir,
            env: Vec::new(),
            manifest: None,
            protocol: Protocol::NetRpc,
        })
    }

    /// A plugin folder holding `plugin.json`.
    pub fn from_dir(dir: impl AsRef<Path>) -> Result<PluginSpec, SupervisorError> {
        Self::from_manifest_file(dir.as_ref().join(MANIFEST_FILE_NAME))
    }

    /// A `plugin.json`; the plugin folder is the file's folder.
    pub fn from_manifest_file(path: impl AsRef<Path>) -> Result<PluginSpec, SupervisorError> {
        let path = path.as_ref();
        let label = path.display().to_string();
        let manifest = Manifest::from_file(path).map_err(|e| SupervisorError::manifest(&label, e))?;
        let manifest_path = absolute(path, &label)?;
        let dir = manifest_path.parent().map(Path::to_path_buf).unwrap_or_else(|| PathBuf::from("."));
        Self::from_manifest(manifest, dir)
    }

    /// A manifest already read, with its plugin folder.
    pub fn from_manifest(manifest: Manifest, dir: impl Into<PathBuf>) -> Result<PluginSpec, SupervisorError> {
        let dir = dir.into();
        let id = manifest.id.clone();
        let executable = manifest
            .server_executable_in_folder()
            .map_err(|problem| SupervisorError::new(SupervisorErrorKind::Spec, &id, problem.to_string()))?;
        let Some(executable) = executable else {
            return Err(SupervisorError::new(
                SupervisorErrorKind::Spec,
                &id,
                format!(
                    "the manifest has no server executable for {} (set `server.executable` or `server.executables`)",
                    crate::manifest::current_platform()
                ),
            ));
        };
        let argument = OsString::from(&executable);
        let program =
            if manifest.uses_grpc_runtime() { interpreter(&dir, &id)? } else { dir.join(&executable) };
        check_executable(&program, &id)?;
        let protocol = protocol_of(&manifest);
        Ok(PluginSpec { id, program, argument, dir, env: Vec::new(), manifest: Some(manifest), protocol })
    }

    /// Sets the plugin id (checked like the server checks ids).
    pub fn with_plugin_id(mut self, id: impl Into<String>) -> Result<PluginSpec, SupervisorError> {
        let id = id.into();
        validate_plugin_id(&id)
            .map_err(|reason| SupervisorError::new(SupervisorErrorKind::Spec, &id, reason))?;
        self.id = id;
        Ok(self)
    }

    /// Attaches a manifest to a plugin given as a binary (its id becomes the manifest's), for
    /// running a freshly built binary with the metadata of its `plugin.json`.
    pub fn with_manifest(mut self, manifest: Manifest) -> Result<PluginSpec, SupervisorError> {
        manifest.validate_runnable().map_err(|e| SupervisorError::manifest(&manifest.id, e))?;
        self.id = manifest.id.clone();
        self.protocol = protocol_of(&manifest);
        self.manifest = Some(manifest);
        Ok(self)
    }

    /// Attaches the manifest in `path` (a `plugin.json`) to a plugin given as a binary; see
    /// [`with_manifest`](Self::with_manifest).
    pub fn with_manifest_file(self, path: impl AsRef<Path>) -> Result<PluginSpec, SupervisorError> {
        let path = path.as_ref();
        let label = path.display().to_string();
        let manifest = Manifest::from_file(path).map_err(|e| SupervisorError::manifest(&label, e))?;
        self.with_manifest(manifest)
    }

    /// Runs the plugin over `protocol` whatever its manifest says (to test a plugin on the
    /// other kind of server).
    pub fn with_protocol(mut self, protocol: Protocol) -> PluginSpec {
        self.protocol = protocol;
        self
    }

    /// The protocol the plugin is run with.
    pub fn protocol(&self) -> Protocol {
        self.protocol
    }

    /// Adds an environment variable for the plugin process (after the server's own and the
    /// protocol's, so it can override them, e.g. in tests).
    pub fn env(mut self, key: impl Into<OsString>, value: impl Into<OsString>) -> PluginSpec {
        self.env.push((key.into(), value.into()));
        self
    }

    /// The plugin id.
    pub fn plugin_id(&self) -> &str {
        &self.id
    }

    /// The program that is executed.
    pub fn program(&self) -> &Path {
        &self.program
    }

    /// The one argument the program gets (the manifest's executable path, as the server passes it).
    pub fn argument(&self) -> &OsStr {
        &self.argument
    }

    /// The working directory (the plugin folder).
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Extra environment variables.
    pub fn extra_env(&self) -> &[(OsString, OsString)] {
        &self.env
    }

    /// The manifest, when the plugin was given as a folder or `plugin.json`.
    pub fn manifest(&self) -> Option<&Manifest> {
        self.manifest.as_ref()
    }
}

/// The server's choice: the gRPC path for `runtime: "python"` (or a `.py` executable), net/rpc
/// for everything else.
fn protocol_of(manifest: &Manifest) -> Protocol {
    if manifest.uses_grpc_runtime() { Protocol::Grpc } else { Protocol::NetRpc }
}

/// Where the server looks for the interpreter of a gRPC-path plugin, in order, inside the
/// plugin folder. (It then tries `python3`/`python` on PATH; the host does not, since a
/// system Python cannot run a native plugin.)
const INTERPRETERS: [&str; 4] =
    ["venv/bin/python", "venv/bin/python3", ".venv/bin/python", ".venv/bin/python3"];

fn interpreter(dir: &Path, label: &str) -> Result<PathBuf, SupervisorError> {
    INTERPRETERS.iter().map(|candidate| dir.join(candidate)).find(|path| path.is_file()).ok_or_else(|| {
        SupervisorError::new(
            SupervisorErrorKind::Spec,
            label,
            format!(
                "the manifest selects the gRPC runtime (`server.runtime: \"python\"`), so the plugin runs as \
                 `venv/bin/python <executable>`, but {} has none of {}; run an unpacked bundle \
                 (`mm-host bundle`) or the plugin binary itself",
                dir.display(),
                INTERPRETERS.join(", ")
            ),
        )
    })
}

fn absolute(path: &Path, label: &str) -> Result<PathBuf, SupervisorError> {
    std::path::absolute(path).map_err(|e| {
        SupervisorError::new(SupervisorErrorKind::Spec, label, format!("cannot resolve {}", path.display()))
            .with_source(e)
    })
}

fn check_executable(program: &Path, label: &str) -> Result<(), SupervisorError> {
    let meta = std::fs::metadata(program).map_err(|e| {
        SupervisorError::new(
            SupervisorErrorKind::Spec,
            label,
            format!("plugin executable {} not found", program.display()),
        )
        .with_source(e)
    })?;
    if !meta.is_file() {
        return Err(SupervisorError::new(
            SupervisorErrorKind::Spec,
            label,
            format!("plugin executable {} is not a file", program.display()),
        ));
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        if meta.permissions().mode() & 0o111 == 0 {
            return Err(SupervisorError::new(
                SupervisorErrorKind::Spec,
                label,
                format!("plugin executable {} is not executable (chmod +x it)", program.display()),
            ));
        }
    }
    Ok(())
}

/// A valid plugin id from a file name: other characters become `-`, short names get a prefix.
fn id_from_file_name(stem: &str) -> String {
    let mut id: String = stem
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-') { c } else { '-' })
        .collect();
    if id.len() < 3 {
        id = format!("plugin-{id}");
    }
    id.truncate(190);
    id
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write_executable(path: &Path) {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, "#!/bin/sh\n").unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755)).unwrap();
        }
    }

    #[test]
    fn a_binary_runs_from_its_folder_with_its_path_as_argument() {
        let dir = tempfile::tempdir().unwrap();
        let bin = dir.path().join("my plugin");
        write_executable(&bin);
        let spec = PluginSpec::from_path(&bin).unwrap();
        assert_eq!(spec.plugin_id(), "my-plugin");
        assert_eq!(spec.program(), bin);
        assert_eq!(spec.argument(), bin.as_os_str());
        assert_eq!(spec.dir(), dir.path());
        assert!(spec.manifest().is_none());
        assert_eq!(spec.protocol(), Protocol::NetRpc, "like a stock server");
        let spec = spec.with_plugin_id("com.example.x").unwrap().env("A", "1");
        assert_eq!(spec.plugin_id(), "com.example.x");
        let manifest = Manifest::from_json(r#"{"id":"com.example.meta","name":"Meta"}"#).unwrap();
        let spec = spec.with_manifest(manifest).unwrap();
        assert_eq!(spec.plugin_id(), "com.example.meta");
        assert_eq!(spec.manifest().unwrap().name, "Meta");
        assert_eq!(spec.program(), bin, "the binary stays");
        assert_eq!(spec.extra_env(), &[("A".into(), "1".into())]);
    }

    #[test]
    fn a_folder_uses_the_manifest_executable() {
        let dir = tempfile::tempdir().unwrap();
        let platform = crate::manifest::current_platform();
        let manifest = format!(
            r#"{{"id":"com.example.folder","server":{{"executables":{{"{platform}":"server/dist/plugin-native"}},"executable":"server/dist/other"}}}}"#
        );
        std::fs::write(dir.path().join("plugin.json"), manifest).unwrap();
        write_executable(&dir.path().join("server/dist/plugin-native"));
        for spec in [
            PluginSpec::from_path(dir.path()).unwrap(),
            PluginSpec::from_path(dir.path().join("plugin.json")).unwrap(),
        ] {
            assert_eq!(spec.plugin_id(), "com.example.folder");
            assert_eq!(spec.argument(), "server/dist/plugin-native");
            assert_eq!(spec.program(), dir.path().join("server/dist/plugin-native"));
            assert_eq!(spec.dir(), dir.path());
            assert_eq!(spec.manifest().unwrap().id, "com.example.folder");
            assert_eq!(spec.protocol(), Protocol::NetRpc);
            assert_eq!(spec.with_protocol(Protocol::Grpc).protocol(), Protocol::Grpc);
        }
    }

    #[test]
    fn a_grpc_runtime_folder_runs_its_venv_interpreter_with_the_executable_as_argument() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("plugin.json"),
            r#"{"id":"com.example.bundled","server":{"executable":"server/plugin.py","runtime":"python"}}"#,
        )
        .unwrap();
        let err = PluginSpec::from_path(dir.path()).unwrap_err();
        assert!(err.to_string().contains("venv/bin/python, venv/bin/python3"), "{err}");
        write_executable(&dir.path().join(".venv/bin/python3"));
        let spec = PluginSpec::from_path(dir.path()).unwrap();
        assert_eq!(spec.program(), dir.path().join(".venv/bin/python3"));
        write_executable(&dir.path().join("venv/bin/python"));
        let spec = PluginSpec::from_path(dir.path()).unwrap();
        assert_eq!(spec.program(), dir.path().join("venv/bin/python"), "venv/bin/python comes first");
        assert_eq!(spec.argument(), "server/plugin.py");
        assert_eq!(spec.dir(), dir.path());
        assert_eq!(spec.protocol(), Protocol::Grpc);
    }

    #[test]
    fn clear_errors_for_missing_or_bad_plugins() {
        let dir = tempfile::tempdir().unwrap();
        let err = PluginSpec::from_path(dir.path().join("absent")).unwrap_err();
        assert_eq!(err.kind(), SupervisorErrorKind::Spec);
        assert!(err.to_string().contains("absent"), "{err}");

        let err = PluginSpec::from_path(dir.path()).unwrap_err();
        assert!(err.to_string().contains("plugin.json"), "{err}");

        std::fs::write(
            dir.path().join("plugin.json"),
            r#"{"id":"com.example.nobin","server":{"executable":"bin/x"}}"#,
        )
        .unwrap();
        let err = PluginSpec::from_path(dir.path()).unwrap_err();
        assert!(err.to_string().contains("not found"), "{err}");

        std::fs::write(dir.path().join("plugin.json"), r#"{"id":"com.example.webapp"}"#).unwrap();
        let err = PluginSpec::from_path(dir.path()).unwrap_err();
        assert!(err.to_string().contains("no server executable"), "{err}");

        #[cfg(unix)]
        {
            let plain = dir.path().join("not-exec");
            std::fs::write(&plain, "x").unwrap();
            let err = PluginSpec::from_path(&plain).unwrap_err();
            assert!(err.to_string().contains("not executable"), "{err}");
        }

        let bin = dir.path().join("ok");
        write_executable(&bin);
        let err = PluginSpec::from_path(&bin).unwrap().with_plugin_id("a b").unwrap_err();
        assert!(err.to_string().contains("' '"), "{err}");
    }

    #[test]
    fn executable_paths_are_cleaned_and_may_not_leave_the_folder() {
        let dir = tempfile::tempdir().unwrap();
        write_executable(&dir.path().join("server/plugin"));
        let manifest = |path: &str| Manifest {
            id: "com.example.path".into(),
            server: Some(crate::manifest::ManifestServer { executable: path.into(), ..Default::default() }),
            ..Manifest::default()
        };
        let spec = PluginSpec::from_manifest(manifest("server/tmp/../plugin"), dir.path()).unwrap();
        assert_eq!(spec.program(), dir.path().join("server/plugin"));
        assert_eq!(spec.argument(), "server/plugin", "the cleaned path, as the server passes it");
        for (path, needle) in [
            ("/bin/sh", "is absolute"),
            ("../x", "leaves the plugin folder"),
            ("a/../../x", "leaves the plugin folder"),
        ] {
            let err = PluginSpec::from_manifest(manifest(path), dir.path()).unwrap_err();
            assert_eq!(err.kind(), SupervisorErrorKind::Spec);
            assert!(err.to_string().contains("`server.executable`"), "{err}");
            assert!(err.to_string().contains(needle), "{err}");
        }
    }

    #[test]
    fn ids_from_file_names_are_valid() {
        for stem in ["x", "my plugin", "ok-name", "ünï"] {
            let id = id_from_file_name(stem);
            assert!(validate_plugin_id(&id).is_ok(), "{stem} -> {id}");
        }
    }
}
