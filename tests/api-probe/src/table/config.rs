//! Server and plugin configuration.

use mattermost_plugin::serde_json::{Value, json};
use mattermost_plugin::types::{JsonMap, ServerConfig};

use super::{Entry, Vals, e, one, unit, with};

fn server_config(v: Vals) -> ServerConfig {
    let value = json!({
        "ServiceSettings": {"SiteURL": "https://probe.example.com", "EnableDeveloper": true},
        "TeamSettings": {"SiteName": v.text("site")},
    });
    ServerConfig::from_value(&value).unwrap_or_default()
}

fn plugin_config(v: Vals) -> JsonMap {
    let mut map = JsonMap::new();
    map.insert("ProbeSetting".into(), v.text("setting").into());
    map.insert("Nested".into(), json!({"n": 3, "on": true}));
    map
}

pub(super) fn entries() -> Vec<Entry> {
    vec![
        e("GetConfig", |c, _| one(args![], c.config().get())),
        e("GetUnsanitizedConfig", |c, _| one(args![], c.config().get_unsanitized())),
        e("SaveConfig", |c, v| {
            let config = server_config(v);
            unit(args![config], c.config().save(&config))
        }),
        e("GetPluginConfig", |c, _| one(args![], c.config().plugin_config())),
        e("SavePluginConfig", |c, v| {
            unit(args![plugin_config(v)], c.config().save_plugin_config(plugin_config(v)))
        }),
        // `dest` is an output: nothing crosses (`[null]`); the result is what the SDK decoded.
        e("LoadPluginConfiguration", |c, _| {
            with(vec![Value::Null], c.config().load_plugin_configuration::<Value>(), |config| vec![config])
        }),
    ]
}
