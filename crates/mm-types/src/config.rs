//! The server configuration, as the JSON document the server sends.

use crate::error::Result;
use crate::json::json_blob;

json_blob! {
    /// The server configuration (`model.Config` as JSON), as `GetConfig`, `SaveConfig` and the
    /// `ConfigurationWillBeSaved` hook carry it.
    ///
    /// The document is kept exactly as the server sent it, so a plugin that changes one
    /// setting sends every other setting back unchanged, including settings this SDK does not
    /// know. Read it with [`pointer`](crate::RawJson::pointer), [`to_value`](crate::RawJson::to_value)
    /// or [`parse`](crate::RawJson::parse) into a struct of the settings you need.
    ///
    /// ```
    /// use mm_types::ServerConfig;
    /// use serde_json::json;
    /// let config = ServerConfig::from_value(&json!({
    ///     "ServiceSettings": {"SiteURL": "https://chat.example.com", "EnableDeveloper": false}
    /// })).unwrap();
    /// assert_eq!(config.site_url().unwrap().as_deref(), Some("https://chat.example.com"));
    ///
    /// #[derive(serde::Deserialize)]
    /// #[serde(rename_all = "PascalCase")]
    /// struct Service { enable_developer: bool }
    /// #[derive(serde::Deserialize)]
    /// #[serde(rename_all = "PascalCase")]
    /// struct Settings { service_settings: Service }
    /// assert!(!config.parse::<Settings>().unwrap().service_settings.enable_developer);
    /// ```
    pub struct ServerConfig <=> ConfigJson { config_json }
}

impl ServerConfig {
    /// `ServiceSettings.SiteURL`, the URL users reach the server at, when it is set.
    pub fn site_url(&self) -> Result<Option<String>> {
        Ok(match self.pointer("/ServiceSettings/SiteURL")? {
            Some(serde_json::Value::String(url)) if !url.is_empty() => Some(url),
            _ => None,
        })
    }
}
