//! Reach entries: server configuration and the plugin's own configuration.

use mm_types::convert::IntoWire;
use mm_types::wire;

use super::{Reach, fx};

pub async fn run(r: &mut Reach) {
    let c = r.client.clone();
    let g = c.config();
    r.check("GetConfig", g.get(), wire::GetConfigRequest {}).await;
    r.check("GetUnsanitizedConfig", g.get_unsanitized(), wire::GetUnsanitizedConfigRequest {}).await;
    r.check(
        "SaveConfig",
        g.save(&fx::server_config()),
        wire::SaveConfigRequest { config_json: fx::server_config().as_bytes().clone() },
    )
    .await;
    r.check("GetPluginConfig", g.plugin_config(), wire::GetPluginConfigRequest {}).await;
    r.check(
        "SavePluginConfig",
        g.save_plugin_config(fx::json_map()),
        wire::SavePluginConfigRequest { config: Some(fx::json_map().into_wire()) },
    )
    .await;
    let config: serde_json::Value = r
        .check(
            "LoadPluginConfiguration",
            g.load_plugin_configuration::<serde_json::Value>(),
            wire::LoadPluginConfigurationRequest {},
        )
        .await;
    assert_eq!(config, serde_json::json!({}), "no settings read as an empty object");
}
