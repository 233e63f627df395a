//! Configuration and preferences: `ConfigurationWillBeSaved`, `OnConfigurationChange`,
//! `PreferencesHaveChanged`.

use mm_types::{AppError, JsonMap, Preference, ServerConfig, UserId};

use crate::Host;

impl Host {
    /// Saves the server configuration as the server does: each plugin's
    /// `ConfigurationWillBeSaved` may change it or refuse it (its error is returned), then it is
    /// stored and every plugin gets `OnConfigurationChange`.
    pub async fn save_config(&self, config: ServerConfig) -> Result<(), AppError> {
        let mut config = config;
        for plugin in self.plugins() {
            config = plugin.configuration_will_be_saved(config).await?;
        }
        let value = config.to_value().map_err(|e| {
            AppError::new(
                "model.config.is_valid.app_error",
                format!("The configuration is not valid JSON: {e}"),
            )
            .with_status(400)
        })?;
        self.store().with(|s| s.save_config(value))?;
        self.after_each(|plugin| async move { plugin.on_configuration_change().await });
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
        let cx = self.plugin_context();
        self.after_each(move |plugin| {
            let (cx, preferences) = (cx.clone(), preferences.clone());
            async move { plugin.preferences_have_changed(&cx, &preferences).await }
        });
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
