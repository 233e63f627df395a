//! The rules a manifest must follow: the server's (`Manifest.IsValid` at install time) plus the
//! few a bundle needs (a version, usable setting keys). Every broken rule is reported, each
//! naming the field it is about.

use std::collections::HashMap;
use std::fmt;

use serde_json::Value;

use super::executable_path::{PathRefusal, clean_in_folder};
use super::{Manifest, PluginSetting};

/// The shortest plugin id the server accepts.
pub(crate) const MIN_ID_LENGTH: usize = 3;
/// The longest plugin id the server accepts.
pub(crate) const MAX_ID_LENGTH: usize = 190;

/// The setting types the server knows (`type` of a setting in `settings_schema`).
pub const SETTING_TYPES: [&str; 9] =
    ["bool", "dropdown", "generated", "radio", "text", "longtext", "number", "username", "custom"];

/// One rule of the server or the bundler a manifest breaks. [`field`](Self::field) names the
/// manifest field (a JSON path such as `settings_schema.settings[2].type`).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ManifestProblem {
    /// `id` is missing or empty.
    IdMissing,
    /// `id` is shorter than 3 or longer than 190 characters.
    IdLength {
        /// The id.
        id: String,
    },
    /// `id` holds a character other than `a-z A-Z 0-9 . _ -`.
    IdCharacter {
        /// The id.
        id: String,
        /// The first character that is not allowed.
        character: char,
    },
    /// `name` is missing or blank (the server refuses such plugins).
    NameMissing,
    /// `version` is missing (the bundle's file name and the server's plugin list need one).
    VersionMissing,
    /// `version` or `min_server_version` is not a semantic version (`MAJOR.MINOR.PATCH`).
    NotSemver {
        /// `version` or `min_server_version`.
        field: &'static str,
        /// The value.
        value: String,
        /// What is wrong with it.
        reason: String,
    },
    /// `homepage_url`, `support_url` or `release_notes_url` is not an http(s) URL.
    NotHttpUrl {
        /// The field.
        field: &'static str,
        /// The value.
        value: String,
    },
    /// `server` has neither `executable` nor `executables`.
    ServerExecutableMissing,
    /// `server.executable` or an entry of `server.executables` does not stay inside the plugin
    /// folder: absolute, or leaving it with `..` once cleaned (the server's rule).
    ServerExecutablePath {
        /// The platform key of the `executables` entry, or `None` for `executable`.
        platform: Option<String>,
        /// The path as written.
        path: String,
        /// Why it is refused.
        reason: String,
    },
    /// A setting's `type` is missing or not one of [`SETTING_TYPES`].
    SettingType {
        /// The setting's path, such as `settings_schema.settings[2]`.
        setting: String,
        /// The type given (empty when missing).
        kind: String,
    },
    /// A setting has no `key` (only `custom` settings may go without one).
    SettingKeyMissing {
        /// The setting's path.
        setting: String,
        /// The setting's type.
        kind: String,
    },
    /// Two settings share a key (the server stores keys case-insensitively).
    SettingKeyDuplicate {
        /// The later setting's path.
        setting: String,
        /// The key.
        key: String,
        /// The path of the setting that uses it first.
        first: String,
    },
    /// A `dropdown` or `radio` setting has no `options`.
    SettingOptionsMissing {
        /// The setting's path.
        setting: String,
        /// The setting's type.
        kind: String,
    },
    /// A setting other than `dropdown` or `radio` has `options`.
    SettingOptionsUnexpected {
        /// The setting's path.
        setting: String,
        /// The setting's type.
        kind: String,
    },
    /// An option has an empty `display_name` or `value`.
    SettingOptionIncomplete {
        /// The option's path, such as `settings_schema.settings[2].options[0]`.
        option: String,
    },
    /// A setting has a field its type does not use (`placeholder` outside text-like types,
    /// `regenerate_help_text` outside `generated`).
    SettingFieldUnexpected {
        /// The field's path, such as `settings_schema.settings[1].placeholder`.
        field: String,
        /// The setting's type.
        kind: String,
    },
}

impl ManifestProblem {
    /// The manifest field the problem is about, as a JSON path (`id`,
    /// `settings_schema.settings[2].type`, ...).
    pub fn field(&self) -> String {
        match self {
            ManifestProblem::IdMissing
            | ManifestProblem::IdLength { .. }
            | ManifestProblem::IdCharacter { .. } => "id".to_owned(),
            ManifestProblem::NameMissing => "name".to_owned(),
            ManifestProblem::VersionMissing => "version".to_owned(),
            ManifestProblem::NotSemver { field, .. } | ManifestProblem::NotHttpUrl { field, .. } => {
                (*field).to_owned()
            }
            ManifestProblem::ServerExecutableMissing => "server.executable".to_owned(),
            ManifestProblem::ServerExecutablePath { platform: None, .. } => "server.executable".to_owned(),
            ManifestProblem::ServerExecutablePath { platform: Some(platform), .. } => {
                format!("server.executables.{platform}")
            }
            ManifestProblem::SettingType { setting, .. } => format!("{setting}.type"),
            ManifestProblem::SettingKeyMissing { setting, .. }
            | ManifestProblem::SettingKeyDuplicate { setting, .. } => format!("{setting}.key"),
            ManifestProblem::SettingOptionsMissing { setting, .. }
            | ManifestProblem::SettingOptionsUnexpected { setting, .. } => format!("{setting}.options"),
            ManifestProblem::SettingOptionIncomplete { option } => option.clone(),
            ManifestProblem::SettingFieldUnexpected { field, .. } => field.clone(),
        }
    }

    /// Whether the host cannot even run a plugin with this problem on `platform` (a bad id, no
    /// executable, an executable path for this platform that leaves the plugin folder); the
    /// other problems only stop a server from installing it.
    pub(crate) fn blocks_running(&self, manifest: &Manifest, platform: &str) -> bool {
        match self {
            ManifestProblem::IdMissing
            | ManifestProblem::IdLength { .. }
            | ManifestProblem::IdCharacter { .. }
            | ManifestProblem::ServerExecutableMissing => true,
            ManifestProblem::ServerExecutablePath { platform: entry, .. } => {
                manifest.server_executable_source(platform) == Some(entry.as_deref())
            }
            _ => false,
        }
    }
}

impl fmt::Display for ManifestProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "`{}`: ", self.field())?;
        match self {
            ManifestProblem::IdMissing => {
                f.write_str("the plugin id is missing (e.g. \"com.example.my-plugin\")")
            }
            ManifestProblem::IdLength { id } => write!(
                f,
                "plugin id {id:?} must be {MIN_ID_LENGTH} to {MAX_ID_LENGTH} characters long (it has {})",
                id.chars().count()
            ),
            ManifestProblem::IdCharacter { id, character } => write!(
                f,
                "plugin id {id:?} contains {character:?}; allowed are letters, digits, '.', '_' and '-'"
            ),
            ManifestProblem::NameMissing => {
                f.write_str("the display name is missing (the server requires one)")
            }
            ManifestProblem::VersionMissing => {
                f.write_str("the plugin version is missing (a semantic version such as \"0.1.0\")")
            }
            ManifestProblem::NotSemver { value, reason, .. } => {
                write!(f, "{value:?} is not a semantic version MAJOR.MINOR.PATCH (e.g. \"1.2.3\"): {reason}")
            }
            ManifestProblem::NotHttpUrl { value, .. } => {
                write!(f, "{value:?} is not an http:// or https:// URL")
            }
            ManifestProblem::ServerExecutableMissing => {
                f.write_str("`server` has neither `executable` nor `executables`")
            }
            ManifestProblem::ServerExecutablePath { path, reason, .. } => {
                write!(f, "the executable path {path:?} {reason}")
            }
            ManifestProblem::SettingType { kind, .. } if kind.is_empty() => {
                write!(f, "the setting type is missing (one of {})", SETTING_TYPES.join(", "))
            }
            ManifestProblem::SettingType { kind, .. } => {
                write!(f, "unknown setting type {kind:?} (expected one of {})", SETTING_TYPES.join(", "))
            }
            ManifestProblem::SettingKeyMissing { kind, .. } => {
                write!(f, "a {kind:?} setting needs a key (only \"custom\" settings may go without)")
            }
            ManifestProblem::SettingKeyDuplicate { key, first, .. } => {
                write!(f, "setting key {key:?} is already used by {first} (keys are case-insensitive)")
            }
            ManifestProblem::SettingOptionsMissing { kind, .. } => {
                write!(f, "a {kind:?} setting needs a non-empty `options` list")
            }
            ManifestProblem::SettingOptionsUnexpected { kind, .. } => {
                write!(f, "only \"dropdown\" and \"radio\" settings have options, not {kind:?}")
            }
            ManifestProblem::SettingOptionIncomplete { .. } => {
                f.write_str("an option needs a non-empty `display_name` and `value`")
            }
            ManifestProblem::SettingFieldUnexpected { kind, .. } => {
                write!(f, "a {kind:?} setting does not use this field")
            }
        }
    }
}

impl std::error::Error for ManifestProblem {}

/// Every problem of `manifest`, in field order.
pub(crate) fn problems(manifest: &Manifest) -> Vec<ManifestProblem> {
    let mut problems = Vec::new();
    if let Err(problem) = check_id(&manifest.id) {
        problems.push(problem);
    }
    if manifest.name.trim().is_empty() {
        problems.push(ManifestProblem::NameMissing);
    }
    if manifest.version.is_empty() {
        problems.push(ManifestProblem::VersionMissing);
    }
    for (field, value) in
        [("version", &manifest.version), ("min_server_version", &manifest.min_server_version)]
    {
        if let (false, Err(reason)) = (value.is_empty(), check_semver(value)) {
            problems.push(ManifestProblem::NotSemver { field, value: value.clone(), reason });
        }
    }
    for field in ["homepage_url", "support_url", "release_notes_url"] {
        if let Some(value) = manifest.extra.get(field).and_then(Value::as_str)
            && !value.is_empty()
            && !is_http_url(value)
        {
            problems.push(ManifestProblem::NotHttpUrl { field, value: value.to_owned() });
        }
    }
    if let Some(server) = &manifest.server
        && server.executable.is_empty()
        && server.executables.values().all(String::is_empty)
    {
        problems.push(ManifestProblem::ServerExecutableMissing);
    }
    if let Some(server) = &manifest.server {
        let entries = server.executables.iter().map(|(platform, path)| (Some(platform), path));
        for (platform, path) in std::iter::once((None, &server.executable)).chain(entries) {
            if path.is_empty() {
                continue;
            }
            if let Err(refusal) = clean_in_folder(path) {
                problems.push(path_problem(platform.cloned(), path, refusal));
            }
        }
    }
    check_settings(manifest, &mut problems);
    problems
}

pub(crate) fn path_problem(platform: Option<String>, path: &str, refusal: PathRefusal) -> ManifestProblem {
    ManifestProblem::ServerExecutablePath { platform, path: path.to_owned(), reason: refusal.to_string() }
}

/// The id rules of the server: 3 to 190 characters from `a-z A-Z 0-9 . _ -`.
pub(crate) fn check_id(id: &str) -> Result<(), ManifestProblem> {
    if id.is_empty() {
        return Err(ManifestProblem::IdMissing);
    }
    let length = id.chars().count();
    if !(MIN_ID_LENGTH..=MAX_ID_LENGTH).contains(&length) {
        return Err(ManifestProblem::IdLength { id: id.to_owned() });
    }
    if let Some(character) = id.chars().find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-')))
    {
        return Err(ManifestProblem::IdCharacter { id: id.to_owned(), character });
    }
    Ok(())
}

/// Strict semantic versioning as the server parses it: `MAJOR.MINOR.PATCH`, optional
/// `-PRERELEASE` and `+BUILD`, no leading zeros, no leading `v`.
pub(crate) fn check_semver(value: &str) -> Result<(), String> {
    if value.starts_with(['v', 'V']) {
        return Err("a leading 'v' is not allowed".to_owned());
    }
    let (rest, build) = match value.split_once('+') {
        Some((rest, build)) => (rest, Some(build)),
        None => (value, None),
    };
    let (core, pre) = match rest.split_once('-') {
        Some((core, pre)) => (core, Some(pre)),
        None => (rest, None),
    };
    let numbers: Vec<&str> = core.split('.').collect();
    if numbers.len() != 3 {
        return Err(format!("expected 3 dot-separated numbers, found {}", numbers.len()));
    }
    for (name, number) in ["major", "minor", "patch"].iter().zip(&numbers) {
        if number.is_empty() || !number.bytes().all(|b| b.is_ascii_digit()) {
            return Err(format!("the {name} number {number:?} is not a number"));
        }
        if number.len() > 1 && number.starts_with('0') {
            return Err(format!("the {name} number {number:?} has a leading zero"));
        }
        if number.parse::<u64>().is_err() {
            return Err(format!("the {name} number {number:?} is too large"));
        }
    }
    for (part, identifiers) in [("pre-release", pre), ("build metadata", build)] {
        let Some(identifiers) = identifiers else { continue };
        for identifier in identifiers.split('.') {
            if identifier.is_empty() {
                return Err(format!("the {part} has an empty identifier"));
            }
            if !identifier.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-') {
                return Err(format!(
                    "the {part} identifier {identifier:?} has characters other than 0-9A-Za-z-"
                ));
            }
            let numeric = identifier.bytes().all(|b| b.is_ascii_digit());
            if part == "pre-release" && numeric && identifier.len() > 1 && identifier.starts_with('0') {
                return Err(format!("the pre-release identifier {identifier:?} has a leading zero"));
            }
        }
    }
    Ok(())
}

fn is_http_url(value: &str) -> bool {
    let rest = value.strip_prefix("https://").or_else(|| value.strip_prefix("http://"));
    rest.is_some_and(|rest| {
        let host = rest.split(['/', '?', '#']).next().unwrap_or_default();
        !host.is_empty() && !value.contains(char::is_whitespace)
    })
}

/// The settings of `settings_schema.settings` and of every `settings_schema.sections[].settings`.
fn check_settings(manifest: &Manifest, problems: &mut Vec<ManifestProblem>) {
    let Some(schema) = &manifest.settings_schema else { return };
    let mut settings: Vec<(String, PluginSetting)> = schema
        .settings
        .iter()
        .enumerate()
        .map(|(i, setting)| (format!("settings_schema.settings[{i}]"), setting.clone()))
        .collect();
    let sections =
        schema.extra.get("sections").and_then(Value::as_array).map(Vec::as_slice).unwrap_or_default();
    for (s, section) in sections.iter().enumerate() {
        let listed = section.get("settings").and_then(Value::as_array).map(Vec::as_slice).unwrap_or_default();
        for (i, value) in listed.iter().enumerate() {
            // A setting that is not even an object reads as an empty one: no type, no key.
            let setting = serde_json::from_value(value.clone()).unwrap_or_default();
            settings.push((format!("settings_schema.sections[{s}].settings[{i}]"), setting));
        }
    }

    let mut first_use: HashMap<String, String> = HashMap::new();
    for (path, setting) in &settings {
        check_setting(path, setting, problems);
        if setting.key.is_empty() {
            continue;
        }
        match first_use.get(&setting.key.to_ascii_lowercase()) {
            Some(first) => problems.push(ManifestProblem::SettingKeyDuplicate {
                setting: path.clone(),
                key: setting.key.clone(),
                first: first.clone(),
            }),
            None => {
                first_use.insert(setting.key.to_ascii_lowercase(), path.clone());
            }
        }
    }
}

fn check_setting(path: &str, setting: &PluginSetting, problems: &mut Vec<ManifestProblem>) {
    let kind = setting.kind.as_str();
    if !SETTING_TYPES.contains(&kind) {
        problems.push(ManifestProblem::SettingType { setting: path.to_owned(), kind: kind.to_owned() });
        // The other rules depend on the type.
        return;
    }
    if setting.key.is_empty() && kind != "custom" {
        problems.push(ManifestProblem::SettingKeyMissing { setting: path.to_owned(), kind: kind.to_owned() });
    }
    let has_options = matches!(kind, "dropdown" | "radio");
    match setting.extra.get("options") {
        None | Some(Value::Null) if has_options => problems
            .push(ManifestProblem::SettingOptionsMissing { setting: path.to_owned(), kind: kind.to_owned() }),
        None | Some(Value::Null) => {}
        Some(_) if !has_options => problems.push(ManifestProblem::SettingOptionsUnexpected {
            setting: path.to_owned(),
            kind: kind.to_owned(),
        }),
        Some(Value::Array(options)) if options.is_empty() => problems
            .push(ManifestProblem::SettingOptionsMissing { setting: path.to_owned(), kind: kind.to_owned() }),
        Some(Value::Array(options)) => {
            for (i, option) in options.iter().enumerate() {
                let filled =
                    |name: &str| option.get(name).and_then(Value::as_str).is_some_and(|s| !s.is_empty());
                if !(filled("display_name") && filled("value")) {
                    problems.push(ManifestProblem::SettingOptionIncomplete {
                        option: format!("{path}.options[{i}]"),
                    });
                }
            }
        }
        Some(_) => problems
            .push(ManifestProblem::SettingOptionsMissing { setting: path.to_owned(), kind: kind.to_owned() }),
    }
    let text_like = matches!(kind, "generated" | "text" | "longtext" | "number" | "username" | "custom");
    if !setting.placeholder.is_empty() && !text_like {
        problems.push(ManifestProblem::SettingFieldUnexpected {
            field: format!("{path}.placeholder"),
            kind: kind.to_owned(),
        });
    }
    let regenerate = setting.extra.get("regenerate_help_text").and_then(Value::as_str).unwrap_or_default();
    if !regenerate.is_empty() && kind != "generated" {
        problems.push(ManifestProblem::SettingFieldUnexpected {
            field: format!("{path}.regenerate_help_text"),
            kind: kind.to_owned(),
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn semver_follows_the_strict_rules() {
        for good in
            ["0.1.0", "1.2.3", "10.0.0-rc.1", "1.0.0-alpha-1+build.5", "1.0.0+20130313144700", "0.0.0-0"]
        {
            assert_eq!(check_semver(good), Ok(()), "{good}");
        }
        for (bad, needle) in [
            ("v1.2.3", "leading 'v'"),
            ("1.2", "3 dot-separated"),
            ("1.2.3.4", "3 dot-separated"),
            ("01.2.3", "leading zero"),
            ("1.x.3", "not a number"),
            ("1.2.3-", "empty identifier"),
            ("1.2.3-01", "leading zero"),
            ("1.2.3+b_1", "0-9A-Za-z-"),
            ("", "3 dot-separated"),
            ("99999999999999999999.0.0", "too large"),
        ] {
            let err = check_semver(bad).unwrap_err();
            assert!(err.contains(needle), "{bad}: {err}");
        }
    }

    #[test]
    fn urls_need_a_scheme_and_host() {
        assert!(is_http_url("https://example.com/plugin"));
        assert!(is_http_url("http://localhost:8065"));
        assert!(!is_http_url("example.com"));
        assert!(!is_http_url("https://"));
        assert!(!is_http_url("ftp://example.com"));
    }
}
