//! The plugin manifest (`plugin.json`): what a Mattermost server reads before it starts a plugin.
//!
//! Only the parts the local host and the bundler need are typed (id, name, version, server
//! executables and runtime, settings schema); every other key is kept in
//! [`Manifest::extra`] so a manifest read and written back loses nothing.
//!
//! Reading a manifest checks what running it needs (a valid id, a server executable that stays
//! inside the plugin folder, see [`Manifest::server_executable_in_folder`]);
//! [`Manifest::validate`] checks every rule a server applies when it installs a plugin, plus
//! the bundler's (a version, usable setting keys), and reports all broken rules at once, each
//! a [`ManifestProblem`] naming its field.
//!
//! ```
//! use mm_host::manifest::Manifest;
//!
//! let manifest = Manifest::from_json(r#"{
//!     "id": "com.example.hello",
//!     "name": "Hello",
//!     "version": "0.1.0",
//!     "server": { "executable": "server/dist/plugin" }
//! }"#).unwrap();
//! assert_eq!(manifest.id, "com.example.hello");
//! assert_eq!(manifest.server_executable().unwrap(), "server/dist/plugin");
//! ```

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

mod executable_path;
mod validate;

pub use validate::{ManifestProblem, SETTING_TYPES};

/// The file name of a plugin manifest inside a plugin folder.
pub const MANIFEST_FILE_NAME: &str = "plugin.json";

/// A plugin manifest (`plugin.json`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Manifest {
    /// The plugin id, such as `com.example.hello`.
    #[serde(default)]
    pub id: String,
    /// The display name.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub name: String,
    /// A one-line description.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub description: String,
    /// The plugin version (semantic versioning).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub version: String,
    /// The oldest server version the plugin supports.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub min_server_version: String,
    /// The server part of the plugin; absent for webapp-only plugins.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub server: Option<ManifestServer>,
    /// The settings shown in the System Console.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub settings_schema: Option<SettingsSchema>,
    /// Every other key of the manifest (webapp, props, icon, ...), kept as it was.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// The `server` section of a manifest.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ManifestServer {
    /// Executables per platform, keyed `<os>-<arch>` as Go names them (`linux-amd64`,
    /// `darwin-arm64`, `windows-amd64`, ...), paths relative to the plugin folder.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub executables: BTreeMap<String, String>,
    /// The executable for any platform without an entry in `executables`.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub executable: String,
    /// The runtime that starts the plugin (`"python"` selects the gRPC protocol on the server).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub runtime: String,
    /// Every other key of the section, kept as it was.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// The `settings_schema` section: the plugin's settings in the System Console.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SettingsSchema {
    /// Text above the settings.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub header: String,
    /// Text below the settings.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub footer: String,
    /// The settings, in display order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub settings: Vec<PluginSetting>,
    /// Every other key of the section (sections, ...), kept as it was.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// One plugin setting.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct PluginSetting {
    /// The key in the plugin configuration.
    #[serde(default)]
    pub key: String,
    /// The label.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub display_name: String,
    /// The kind of input: `bool`, `dropdown`, `generated`, `radio`, `text`, `longtext`,
    /// `number`, `username`, `custom`.
    #[serde(default, rename = "type")]
    pub kind: String,
    /// Help shown under the input.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub help_text: String,
    /// Placeholder of text inputs.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub placeholder: String,
    /// The value used until an administrator sets one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default: Option<Value>,
    /// Every other key of the setting (options, secret, ...), kept as it was.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// Why a manifest could not be read.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ManifestError {
    /// The file could not be read.
    #[error("cannot read plugin manifest {path}: {source}")]
    Io {
        /// The manifest's path.
        path: PathBuf,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
    /// The file is not a JSON manifest.
    #[error("plugin manifest {origin} is not valid JSON: {source}")]
    Json {
        /// Where the manifest came from (a path, or `<string>`).
        origin: String,
        /// The parse error.
        #[source]
        source: serde_json::Error,
    },
    /// The manifest is well-formed JSON but breaks rules of the server or the bundler.
    #[error("plugin manifest {origin} is invalid: {}", join_problems(.problems))]
    Invalid {
        /// Where the manifest came from (a path, `<string>`, or the plugin id).
        origin: String,
        /// Every broken rule, in field order (never empty).
        problems: Vec<ManifestProblem>,
    },
}

impl ManifestError {
    /// The broken rules, for [`ManifestError::Invalid`]; empty for the other kinds.
    pub fn problems(&self) -> &[ManifestProblem] {
        match self {
            ManifestError::Invalid { problems, .. } => problems,
            _ => &[],
        }
    }
}

fn join_problems(problems: &[ManifestProblem]) -> String {
    problems.iter().map(ToString::to_string).collect::<Vec<_>>().join("; ")
}

impl Manifest {
    /// Parses and validates a manifest from JSON text.
    pub fn from_json(json: &str) -> Result<Manifest, ManifestError> {
        Self::parse(json, "<string>")
    }

    /// Reads and validates `path` (a `plugin.json` file).
    pub fn from_file(path: impl AsRef<Path>) -> Result<Manifest, ManifestError> {
        let path = path.as_ref();
        let text = std::fs::read_to_string(path)
            .map_err(|source| ManifestError::Io { path: path.to_path_buf(), source })?;
        Self::parse(&text, &path.display().to_string())
    }

    /// Reads `<dir>/plugin.json`.
    pub fn from_dir(dir: impl AsRef<Path>) -> Result<Manifest, ManifestError> {
        Self::from_file(dir.as_ref().join(MANIFEST_FILE_NAME))
    }

    fn parse(json: &str, origin: &str) -> Result<Manifest, ManifestError> {
        let manifest: Manifest = serde_json::from_str(json)
            .map_err(|source| ManifestError::Json { origin: origin.to_owned(), source })?;
        manifest.check(origin, true)?;
        Ok(manifest)
    }

    /// Checks every rule a server applies when it installs the plugin (id, name, semantic
    /// versions, URLs, server executable, settings schema) and the bundler's own (a
    /// `version`, a `key` for every non-`custom` setting, no duplicate keys, options for
    /// `dropdown` and `radio`). Reports all broken rules at once.
    ///
    /// ```
    /// use mm_host::manifest::{Manifest, ManifestProblem};
    ///
    /// let manifest = Manifest::from_json(r#"{"id": "com.example.x", "name": "X", "version": "v1"}"#).unwrap();
    /// let error = manifest.validate().unwrap_err();
    /// assert!(matches!(error.problems(), [ManifestProblem::NotSemver { field: "version", .. }]));
    /// assert_eq!(error.problems()[0].field(), "version");
    /// ```
    pub fn validate(&self) -> Result<(), ManifestError> {
        self.check(&self.origin_label(), false)
    }

    /// Checks only what running the plugin needs: a valid id and, when there is a `server`
    /// section, an executable whose path for this machine stays inside the plugin folder (what
    /// reading a manifest checks).
    pub fn validate_runnable(&self) -> Result<(), ManifestError> {
        self.check(&self.origin_label(), true)
    }

    /// Every rule [`validate`](Self::validate) finds broken, in field order.
    pub fn problems(&self) -> Vec<ManifestProblem> {
        validate::problems(self)
    }

    fn check(&self, origin: &str, runnable_only: bool) -> Result<(), ManifestError> {
        let platform = current_platform();
        let problems: Vec<ManifestProblem> = self
            .problems()
            .into_iter()
            .filter(|p| !runnable_only || p.blocks_running(self, &platform))
            .collect();
        if problems.is_empty() {
            Ok(())
        } else {
            Err(ManifestError::Invalid { origin: origin.to_owned(), problems })
        }
    }

    fn origin_label(&self) -> String {
        if self.id.is_empty() { "<without id>".to_owned() } else { format!("of {}", self.id) }
    }

    /// The executable for this machine, relative to the plugin folder, chosen as the server
    /// does: `server.executables["<os>-<arch>"]`, else `server.executable`.
    pub fn server_executable(&self) -> Option<&str> {
        self.server_executable_for(&current_platform())
    }

    /// The executable for a platform key such as `linux-amd64`, as written in the manifest.
    pub fn server_executable_for(&self, platform: &str) -> Option<&str> {
        let server = self.server.as_ref()?;
        match self.server_executable_source(platform)? {
            Some(key) => server.executables.get(key).map(String::as_str),
            None => Some(server.executable.as_str()),
        }
    }

    /// Which entry gives the executable for `platform`: `Some(Some(key))` for
    /// `server.executables[key]`, `Some(None)` for `server.executable`, `None` for neither.
    fn server_executable_source(&self, platform: &str) -> Option<Option<&str>> {
        let server = self.server.as_ref()?;
        if let Some((key, _)) = server.executables.get_key_value(platform).filter(|(_, p)| !p.is_empty()) {
            return Some(Some(key.as_str()));
        }
        (!server.executable.is_empty()).then_some(None)
    }

    /// The executable for this machine as the server resolves it inside the plugin folder:
    /// cleaned (`./server//dist/../dist/plugin` is `server/dist/plugin`), refused when it is
    /// absolute or leaves the folder (`../x`, `a/../../x`), with the problem naming the field.
    /// `Ok(None)` when the manifest has no executable for this machine.
    ///
    /// ```
    /// use mm_host::manifest::Manifest;
    ///
    /// let good = Manifest::from_json(r#"{"id": "com.example.a", "server": {"executable": "a/../server/plugin"}}"#)?;
    /// assert_eq!(good.server_executable_in_folder()?.as_deref(), Some("server/plugin"));
    /// let bad = Manifest::from_json(r#"{"id": "com.example.b", "server": {"executable": "../escape"}}"#);
    /// assert!(bad.unwrap_err().to_string().contains("`server.executable`: the executable path \"../escape\" leaves the plugin folder"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn server_executable_in_folder(&self) -> Result<Option<String>, ManifestProblem> {
        self.server_executable_in_folder_for(&current_platform())
    }

    /// [`server_executable_in_folder`](Self::server_executable_in_folder) for a platform key.
    pub fn server_executable_in_folder_for(&self, platform: &str) -> Result<Option<String>, ManifestProblem> {
        let (Some(source), Some(path)) =
            (self.server_executable_source(platform), self.server_executable_for(platform))
        else {
            return Ok(None);
        };
        executable_path::clean_in_folder(path)
            .map(Some)
            .map_err(|refusal| validate::path_problem(source.map(str::to_owned), path, refusal))
    }

    /// Whether the server takes the gRPC path for this plugin: `server.runtime` is `"python"`
    /// or the executable ends in `.py`. It then runs `<plugin>/venv/bin/python <executable>`.
    pub fn uses_grpc_runtime(&self) -> bool {
        let Some(server) = &self.server else { return false };
        server.runtime == "python" || self.server_executable().is_some_and(|path| path.ends_with(".py"))
    }

    /// The plugin settings' default values, as the plugin configuration starts out.
    pub fn default_settings(&self) -> Map<String, Value> {
        let mut defaults = Map::new();
        for setting in self.settings_schema.iter().flat_map(|s| &s.settings) {
            if let (false, Some(value)) = (setting.key.is_empty(), &setting.default) {
                defaults.insert(setting.key.clone(), value.clone());
            }
        }
        defaults
    }

    /// The manifest's summary as the PluginAPI reports it (`GetPlugins`, `GetPluginStatus`).
    pub fn summary(&self) -> mm_types::Manifest {
        let text = |key: &str| self.extra.get(key).and_then(Value::as_str).unwrap_or_default().to_owned();
        mm_types::Manifest {
            id: self.id.clone(),
            name: self.name.clone(),
            description: self.description.clone(),
            homepage_url: text("homepage_url"),
            support_url: text("support_url"),
            release_notes_url: text("release_notes_url"),
            icon_path: text("icon_path"),
            version: self.version.clone(),
            min_server_version: self.min_server_version.clone(),
        }
    }

    /// The manifest as pretty JSON (what a bundler writes into the plugin folder).
    pub fn to_json_pretty(&self) -> String {
        // Serializing plain maps and strings cannot fail.
        serde_json::to_string_pretty(self).unwrap_or_default()
    }
}

impl fmt::Display for Manifest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.name.is_empty(), self.version.is_empty()) {
            (true, true) => f.write_str(&self.id),
            (true, false) => write!(f, "{} {}", self.id, self.version),
            (false, true) => write!(f, "{} ({})", self.name, self.id),
            (false, false) => write!(f, "{} {} ({})", self.name, self.version, self.id),
        }
    }
}

/// Checks a plugin id the way the server does: 3 to 190 characters from `a-z A-Z 0-9 . _ -`.
pub fn validate_plugin_id(id: &str) -> Result<(), String> {
    validate::check_id(id).map_err(|problem| problem.to_string())
}

/// This machine's platform key in Go's naming (`linux-amd64`, `darwin-arm64`, ...), the key of
/// [`ManifestServer::executables`].
pub fn current_platform() -> String {
    let os = match std::env::consts::OS {
        "macos" => "darwin",
        other => other,
    };
    let arch = match std::env::consts::ARCH {
        "x86_64" => "amd64",
        "aarch64" => "arm64",
        "x86" => "386",
        other => other,
    };
    format!("{os}-{arch}")
}

#[cfg(test)]
mod tests {
    use super::*;

    const FULL: &str = r#"{
        "id": "com.example.full",
        "name": "Full",
        "description": "Every section",
        "version": "1.2.3",
        "min_server_version": "9.0.0",
        "icon_path": "assets/icon.svg",
        "server": {
            "executables": {"linux-amd64": "server/dist/plugin-linux-amd64", "darwin-arm64": "server/dist/plugin-darwin-arm64"},
            "executable": "server/dist/plugin",
            "runtime": "python"
        },
        "webapp": {"bundle_path": "webapp/dist/main.js"},
        "settings_schema": {
            "header": "Settings",
            "settings": [
                {"key": "BannedWord", "display_name": "Banned word", "type": "text", "default": "darn"},
                {"key": "Enabled", "type": "bool", "default": true},
                {"key": "Mode", "type": "dropdown", "options": [{"display_name": "A", "value": "a"}]}
            ]
        }
    }"#;

    #[test]
    fn reads_every_typed_field_and_keeps_the_rest() {
        let m = Manifest::from_json(FULL).unwrap();
        assert_eq!(m.id, "com.example.full");
        assert_eq!(m.name, "Full");
        assert_eq!(m.version, "1.2.3");
        assert_eq!(m.min_server_version, "9.0.0");
        let server = m.server.as_ref().unwrap();
        assert_eq!(server.runtime, "python");
        assert_eq!(server.executables.len(), 2);
        assert_eq!(m.extra["icon_path"], "assets/icon.svg");
        assert_eq!(m.extra["webapp"]["bundle_path"], "webapp/dist/main.js");
        let schema = m.settings_schema.as_ref().unwrap();
        assert_eq!(schema.settings[0].kind, "text");
        assert_eq!(schema.settings[2].extra["options"][0]["value"], "a");
        assert_eq!(m.to_string(), "Full 1.2.3 (com.example.full)");
        let summary = m.summary();
        assert_eq!((summary.id.as_str(), summary.version.as_str()), ("com.example.full", "1.2.3"));
        assert_eq!(summary.icon_path, "assets/icon.svg");
        assert_eq!(summary.min_server_version, "9.0.0");
    }

    #[test]
    fn round_trips_through_json() {
        let m = Manifest::from_json(FULL).unwrap();
        let again = Manifest::from_json(&m.to_json_pretty()).unwrap();
        assert_eq!(m, again);
        let original: Value = serde_json::from_str(FULL).unwrap();
        let written: Value = serde_json::from_str(&m.to_json_pretty()).unwrap();
        assert_eq!(original, written);
    }

    #[test]
    fn picks_the_platform_executable_then_the_generic_one() {
        let m = Manifest::from_json(FULL).unwrap();
        assert_eq!(m.server_executable_for("linux-amd64"), Some("server/dist/plugin-linux-amd64"));
        assert_eq!(m.server_executable_for("darwin-arm64"), Some("server/dist/plugin-darwin-arm64"));
        assert_eq!(m.server_executable_for("windows-amd64"), Some("server/dist/plugin"));
        let only_map =
            Manifest::from_json(r#"{"id":"abc","server":{"executables":{"linux-amd64":"x"}}}"#).unwrap();
        assert_eq!(only_map.server_executable_for("darwin-arm64"), None);
    }

    #[test]
    fn collects_default_settings() {
        let m = Manifest::from_json(FULL).unwrap();
        let defaults = m.default_settings();
        assert_eq!(defaults.len(), 2);
        assert_eq!(defaults["BannedWord"], "darn");
        assert_eq!(defaults["Enabled"], true);
    }

    #[test]
    fn rejects_bad_ids_and_missing_executables() {
        for (json, needle) in [
            (r#"{"id":"ab"}"#, "3 to 190"),
            (r#"{"id":"has space"}"#, "' '"),
            (r#"{"id":"ok.id","server":{}}"#, "neither"),
        ] {
            let err = Manifest::from_json(json).unwrap_err();
            assert!(matches!(err, ManifestError::Invalid { .. }), "{err}");
            assert!(err.to_string().contains(needle), "{err}");
        }
        let err = Manifest::from_json("{").unwrap_err();
        assert!(matches!(err, ManifestError::Json { .. }), "{err}");
        assert!(err.problems().is_empty());
        let err = Manifest::from_json(r#"{"name":"no id"}"#).unwrap_err();
        assert_eq!(err.problems(), [ManifestProblem::IdMissing], "{err}");
    }

    #[test]
    fn reading_checks_what_running_needs_and_validate_everything() {
        // No name, no version, an unknown setting type: runnable, but not installable.
        let m = Manifest::from_json(
            r#"{"id":"com.example.lax","settings_schema":{"settings":[{"key":"A","type":"checkbox"}]}}"#,
        )
        .unwrap();
        assert!(m.validate_runnable().is_ok());
        let err = m.validate().unwrap_err();
        let fields: Vec<String> = err.problems().iter().map(ManifestProblem::field).collect();
        assert_eq!(fields, ["name", "version", "settings_schema.settings[0].type"], "{err}");
        assert!(
            err.to_string().starts_with("plugin manifest of com.example.lax is invalid: `name`: "),
            "{err}"
        );
        assert!(Manifest::from_json(FULL).unwrap().validate().is_ok());
    }

    fn with_executable(path: &str) -> Result<Manifest, ManifestError> {
        let json = serde_json::json!({"id": "com.example.path", "server": {"executable": path}});
        Manifest::from_json(&json.to_string())
    }

    #[test]
    fn an_absolute_executable_path_is_refused_naming_the_field() {
        let err = with_executable("/usr/bin/plugin").unwrap_err();
        assert_eq!(err.problems().len(), 1, "{err}");
        assert_eq!(err.problems()[0].field(), "server.executable");
        assert!(err.to_string().contains(r#"the executable path "/usr/bin/plugin" is absolute"#), "{err}");
    }

    #[test]
    fn an_executable_path_starting_with_dot_dot_is_refused() {
        let err = with_executable("../x").unwrap_err();
        assert_eq!(err.problems()[0].field(), "server.executable");
        assert!(err.to_string().contains(r#""../x" leaves the plugin folder"#), "{err}");
    }

    #[test]
    fn an_executable_path_leaving_the_folder_after_cleaning_is_refused() {
        let err = with_executable("a/../../x").unwrap_err();
        assert_eq!(err.problems()[0].field(), "server.executable");
        assert!(err.to_string().contains(r#""a/../../x" leaves the plugin folder"#), "{err}");
    }

    #[test]
    fn an_executable_path_that_stays_inside_is_cleaned() {
        let m = with_executable("a/../b").unwrap();
        assert_eq!(m.server_executable(), Some("a/../b"), "as written");
        assert_eq!(
            m.server_executable_in_folder().unwrap().as_deref(),
            Some("b"),
            "as the server resolves it"
        );
        assert!(m.problems().iter().all(|p| !p.field().starts_with("server")), "{:?}", m.problems());
    }

    #[test]
    fn only_the_executable_this_platform_uses_blocks_running_but_validate_names_every_bad_one() {
        let other = if current_platform() == "windows-amd64" { "plan9-386" } else { "windows-amd64" };
        let platform = current_platform();
        let json = serde_json::json!({
            "id": "com.example.paths", "name": "Paths", "version": "1.0.0",
            "server": {"executable": "/abs", "executables": {other: "../elsewhere", platform.clone(): "bin/ok"}}
        });
        let m = Manifest::from_json(&json.to_string()).expect("this platform's path is fine");
        assert_eq!(m.server_executable_in_folder().unwrap().as_deref(), Some("bin/ok"));
        let fields: Vec<String> =
            m.validate().unwrap_err().problems().iter().map(ManifestProblem::field).collect();
        assert_eq!(fields, ["server.executable".to_owned(), format!("server.executables.{other}")]);

        let json = serde_json::json!({"id": "com.example.paths", "server": {"executables": {platform.clone(): "x/../../y"}}});
        let err = Manifest::from_json(&json.to_string()).unwrap_err();
        assert_eq!(err.problems()[0].field(), format!("server.executables.{platform}"), "{err}");
    }

    #[test]
    fn the_grpc_runtime_is_chosen_by_runtime_or_a_py_executable() {
        let runtime = |json: &str| Manifest::from_json(json).unwrap().uses_grpc_runtime();
        assert!(runtime(r#"{"id":"abc","server":{"executable":"x","runtime":"python"}}"#));
        assert!(runtime(r#"{"id":"abc","server":{"executable":"server/plugin.py"}}"#));
        assert!(!runtime(r#"{"id":"abc","server":{"executable":"server/dist/plugin"}}"#));
        assert!(!runtime(r#"{"id":"abc"}"#));
    }

    #[test]
    fn reads_from_a_folder_and_reports_missing_files() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(MANIFEST_FILE_NAME), FULL).unwrap();
        assert_eq!(Manifest::from_dir(dir.path()).unwrap().id, "com.example.full");
        let err = Manifest::from_dir(dir.path().join("nope")).unwrap_err();
        assert!(matches!(err, ManifestError::Io { .. }));
        assert!(err.to_string().contains("nope"), "{err}");
    }

    #[test]
    fn names_this_platform_like_go() {
        let platform = current_platform();
        assert!(platform.contains('-'));
        assert!(!platform.contains("x86_64") && !platform.contains("macos"), "{platform}");
    }
}
