//! Configuration and preferences: `ConfigurationWillBeSaved`, `OnConfigurationChange`,
//! `PreferencesHaveChanged`.

use mm_hooks::requests;
use mm_types::convert::FromWire;
use mm_types::{AppError, JsonMap, Preference, ServerConfig, UserId};

use super::{HookCaller, app_error};
use crate::Host;

/// `ConfigurationWillBeSaved`: the configuration to save (the plugin's, or the one it got), or
/// the plugin's error.
async fn configuration_will_be_saved(
    plugin: &HookCaller,
    config: ServerConfig,
) -> Result<ServerConfig, AppError> {
    let Some(Ok(answer)) = plugin.call(requests::configuration_will_be_saved(config.clone())).await else {
        return Ok(config);
    };
    if let Some(error) = answer.error {
        return Err(app_error(error));
    }
    match answer.modified_config.map(ServerConfig::from_wire) {
        Some(Ok(modified)) if !modified.is_empty() => Ok(modified),
        _ => Ok(config),
    }
}

/// `OnConfigurationChange`; the plugin's error is logged, as the server does.
async fn on_configuration_change(plugin: HookCaller) {
    if let Some(Ok(answer)) = plugin.call(requests::on_configuration_change()).await
        && let Some(error) = answer.error
    {
        tracing::warn!(
            target: "mm_host::hooks",
            plugin = plugin.plugin_id(),
            "OnConfigurationChange failed: {}: {}",
            error.id,
            error.message
        );
    }
}

impl Host {
    /// Saves the server configuration as the server does: each plugin's
    /// `ConfigurationWillBeSaved` may change it or refuse it (its error is returned), then it is
    /// stored and every plugin gets `OnConfigurationChange`.
    pub async fn save_config(&self, config: ServerConfig) -> Result<(), AppError> {
        let mut config = config;
        for plugin in self.plugins() {
            config = configuration_will_be_saved(&plugin, config).await?;
        }
        let value = config.to_value().map_err(|e| {
            AppError::new(
                "model.config.is_valid.app_error",
                format!("The configuration is not valid JSON: {e}"),
            )
            .with_status(400)
        })?;
        self.store().with(|s| s.save_config(value))?;
        self.after_each(on_configuration_change);
        Ok(())
    }

    /// Saves one plugin's settings (`PluginSettings.Plugins.<id>`), through [`save_config`](Self::save_config).
    pub async fn save_plugin_config(&self, plugin_id: &str, settings: JsonMap) -> Result<(), AppError> {
        let config = self.store().with(|s| s.with_plugin_config(plugin_id, settings));
        let blob = ServerConfig::from_value(&config)
            .map_err(|e| AppError::new("model.config.is_valid.app_error", e.to_string()).with_status(400))?;
        self.save_config(blob).await
    }

    /// Saves a user's preferences, then runs `PreferencesHaveChanged`.
    pub async fn update_preferences(
        &self,
        user_id: &UserId,
        preferences: Vec<Preference>,
    ) -> Result<(), AppError> {
        self.store().with(|s| s.save_preferences(user_id, &preferences))?;
        self.notify_each(requests::preferences_have_changed(Some(self.plugin_context()), preferences));
        Ok(())
    }

    /// Deletes some of a user's preferences (no hook runs, as on the server).
    pub async fn delete_preferences(
        &self,
        user_id: &UserId,
        preferences: Vec<Preference>,
    ) -> Result<(), AppError> {
        self.store().with(|s| s.delete_preferences(user_id, &preferences))
    }
}
