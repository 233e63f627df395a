//! The server configuration (a JSON document, as `model.Config` marshals it) and the plugin
//! settings inside it (`PluginSettings.Plugins.<plugin id>`).

use mm_types::JsonMap;
use serde_json::{Value, json};

use super::errors::bad_request;
use super::{AppResult, State, Store};

/// What the server shows instead of a secret in a sanitized configuration.
pub(crate) const FAKE_SETTING: &str = "********";

/// Secret settings, as JSON pointers, replaced by `********` in `GetConfig`.
const SECRET_SETTINGS: &[&str] = &[
    "/SqlSettings/DataSource",
    "/SqlSettings/AtRestEncryptKey",
    "/EmailSettings/SMTPPassword",
    "/FileSettings/PublicLinkSalt",
    "/FileSettings/AmazonS3SecretAccessKey",
    "/GitLabSettings/Secret",
    "/LdapSettings/BindPassword",
    "/ElasticsearchSettings/Password",
];

/// The configuration a new host starts with: the settings plugins commonly read, with the
/// server's defaults, and `SiteURL` pointing at the host's HTTP front.
pub fn default_config(site_url: &str) -> Value {
    json!({
        "ServiceSettings": {
            "SiteURL": site_url,
            "ListenAddress": ":8065",
            "EnableDeveloper": true,
            "EnableTesting": false,
            "EnableBotAccountCreation": true,
            "EnableUserAccessTokens": true,
            "EnablePostUsernameOverride": false,
            "EnablePostIconOverride": false,
            "EnableCommands": true,
            "EnableCustomEmoji": false,
            "ExperimentalGroupUnreadChannels": "disabled"
        },
        "TeamSettings": {
            "SiteName": "Mattermost (mm-host)",
            "MaxUsersPerTeam": 50,
            "EnableOpenServer": true,
            "TeammateNameDisplay": "username",
            "MaxChannelsPerTeam": 2000
        },
        "SqlSettings": {"DriverName": "memory", "DataSource": "mm-host in-memory store", "AtRestEncryptKey": ""},
        "LogSettings": {"EnableConsole": true, "ConsoleLevel": "DEBUG"},
        "FileSettings": {
            "EnableFileAttachments": true,
            "MaxFileSize": 104857600,
            "DriverName": "memory",
            "EnablePublicLink": false,
            "PublicLinkSalt": "",
            "AmazonS3SecretAccessKey": ""
        },
        "EmailSettings": {"SendEmailNotifications": false, "SMTPPassword": "", "FeedbackEmail": ""},
        "PrivacySettings": {"ShowEmailAddress": true, "ShowFullName": true},
        "GitLabSettings": {"Enable": false, "Secret": ""},
        "LdapSettings": {"Enable": false, "BindPassword": ""},
        "ElasticsearchSettings": {"Password": ""},
        "PluginSettings": {
            "Enable": true,
            "EnableUploads": false,
            "Directory": "./plugins",
            "Plugins": {},
            "PluginStates": {}
        }
    })
}

/// The configuration with secrets replaced, as `GetConfig` returns it.
pub fn sanitize_config(config: &Value) -> Value {
    let mut config = config.clone();
    for pointer in SECRET_SETTINGS {
        if let Some(Value::String(secret)) = config.pointer_mut(pointer)
            && !secret.is_empty()
        {
            *secret = FAKE_SETTING.to_string();
        }
    }
    config
}

impl State {
    /// Replaces the configuration. Secrets sent back as `********` keep their stored value,
    /// as on the server.
    pub(crate) fn save_config(&mut self, mut config: Value) -> AppResult<()> {
        if !config.is_object() {
            return Err(bad_request(
                "model.config.is_valid.app_error",
                "The configuration must be a JSON object.",
            ));
        }
        for pointer in SECRET_SETTINGS {
            let is_fake = matches!(config.pointer(pointer), Some(Value::String(s)) if s == FAKE_SETTING);
            if is_fake {
                let stored = self.config.pointer(pointer).cloned().unwrap_or(Value::String(String::new()));
                if let Some(slot) = config.pointer_mut(pointer) {
                    *slot = stored;
                }
            }
        }
        self.config = config;
        Ok(())
    }

    /// A plugin's settings (`PluginSettings.Plugins.<id>`), empty when none were saved.
    pub(crate) fn plugin_config(&self, plugin: &str) -> JsonMap {
        match self.config.pointer("/PluginSettings/Plugins").and_then(|p| p.get(plugin.to_lowercase())) {
            Some(Value::Object(map)) => map.clone(),
            _ => JsonMap::new(),
        }
    }

    /// A copy of the configuration with a plugin's settings replaced (not saved).
    pub(crate) fn with_plugin_config(&self, plugin: &str, settings: JsonMap) -> Value {
        let mut config = self.config.clone();
        insert_plugin_config(&mut config, plugin, settings);
        config
    }

    pub(crate) fn site_url(&self) -> String {
        self.config
            .pointer("/ServiceSettings/SiteURL")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string()
    }
}

/// Puts a plugin's settings at `PluginSettings.Plugins.<id>` (ids are lowercase there),
/// making the objects on the way; a configuration that is not an object is left alone.
fn insert_plugin_config(config: &mut Value, plugin: &str, settings: JsonMap) {
    let Some(root) = config.as_object_mut() else { return };
    let settings_root = root.entry("PluginSettings").or_insert_with(|| json!({}));
    if !settings_root.is_object() {
        *settings_root = json!({});
    }
    let plugins = settings_root.as_object_mut().map(|ps| ps.entry("Plugins").or_insert_with(|| json!({})));
    if let Some(plugins) = plugins {
        if !plugins.is_object() {
            *plugins = json!({});
        }
        if let Some(map) = plugins.as_object_mut() {
            map.insert(plugin.to_lowercase(), Value::Object(settings));
        }
    }
}

impl Store {
    /// The full configuration document (secrets included).
    pub fn config(&self) -> Value {
        self.lock().config.clone()
    }

    /// A plugin's settings.
    pub fn plugin_config(&self, plugin_id: &str) -> JsonMap {
        self.lock().plugin_config(plugin_id)
    }
}
