//! Server configuration and the plugin's own configuration.

use mm_types::convert::IntoWire;
use mm_types::{JsonMap, RawJson, ServerConfig, wire};

use serde::de::DeserializeOwned;

use crate::client::{ApiClient, from_wire};
use crate::error::Error;
use crate::mode::Mode;

/// Server configuration and the plugin's own configuration: `client.config()`.
///
/// ```no_run
/// # async fn demo(client: mm_client::Client, channel: mm_types::ChannelId, user: mm_types::UserId) -> mm_client::Result<()> {
/// let config = client.config().get().await?;
/// println!("site URL: {:?}", config.site_url()?);
/// # Ok(()) }
/// ```
#[derive(Debug)]
pub struct Config<'a, M: Mode> {
    client: &'a ApiClient<M>,
}

impl<M: Mode> ApiClient<M> {
    /// Server configuration and the plugin's own configuration.
    pub fn config(&self) -> Config<'_, M> {
        Config { client: self }
    }
}

impl<M: Mode> Config<'_, M> {
    /// The server configuration, with secrets removed (`GetConfig`).
    pub fn get(&self) -> M::Output<ServerConfig> {
        let request = wire::GetConfigRequest {};
        self.client.call(request, |r| Ok(ServerConfig::new(RawJson::from_bytes(r.config_json))))
    }

    /// The server configuration with its secrets (passwords, keys): handle with care (`GetUnsanitizedConfig`).
    pub fn get_unsanitized(&self) -> M::Output<ServerConfig> {
        let request = wire::GetUnsanitizedConfigRequest {};
        self.client.call(request, |r| Ok(ServerConfig::new(RawJson::from_bytes(r.config_json))))
    }

    /// Replaces the server configuration (`SaveConfig`).
    pub fn save(&self, config: &ServerConfig) -> M::Output<()> {
        let request = wire::SaveConfigRequest { config_json: config.as_bytes().clone() };
        self.client.call(request, |_| Ok(()))
    }

    /// The plugin's settings as stored in the server configuration (`PluginSettings.Plugins.<id>`) (`GetPluginConfig`).
    /// A plugin without stored settings gets an empty map (a stock server answers Go's nil map,
    /// which travels as nothing).
    pub fn plugin_config(&self) -> M::Output<JsonMap> {
        let request = wire::GetPluginConfigRequest {};
        self.client.call(request, |r| r.config.map_or_else(|| Ok(JsonMap::default()), from_wire))
    }

    /// Replaces the plugin's settings in the server configuration (`SavePluginConfig`).
    pub fn save_plugin_config(&self, config: JsonMap) -> M::Output<()> {
        let request = wire::SavePluginConfigRequest { config: Some(config.into_wire()) };
        self.client.call(request, |_| Ok(()))
    }

    /// Reads the plugin's settings into your own serde type (`LoadPluginConfiguration`): the
    /// values of the settings declared in the plugin manifest, keyed by setting key, the
    /// manifest's defaults filled in by the server. Keys match your struct's fields as Go's
    /// `encoding/json` matches them: the exact name first, else in any case. The server hands
    /// the keys over lower-cased, so `#[serde(rename_all = "PascalCase")]` fields named like the
    /// manifest's keys load on every server. No settings read as `{}`, so a struct whose
    /// fields have defaults always loads.
    ///
    /// ```no_run
    /// # async fn demo(client: mm_client::Client) -> mm_client::Result<()> {
    /// #[derive(serde::Deserialize, Default)]
    /// #[serde(default, rename_all = "PascalCase")]
    /// struct Configuration { greeting: String, enable_reminders: bool }
    ///
    /// let config: Configuration = client.config().load_plugin_configuration().await?;
    /// # Ok(()) }
    /// ```
    pub fn load_plugin_configuration<T: DeserializeOwned + Send + 'static>(&self) -> M::Output<T> {
        let request = wire::LoadPluginConfigurationRequest {};
        self.client.call(request, |r| {
            let json: &[u8] = if r.config_json.is_empty() { b"{}" } else { &r.config_json };
            crate::go_fields::from_slice(json).map_err(|e| {
                Error::malformed(format!(
                    "the plugin configuration does not fit {}: {e}",
                    std::any::type_name::<T>()
                ))
                .with_source(e)
            })
        })
    }
}
