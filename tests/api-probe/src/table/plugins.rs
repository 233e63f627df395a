//! Plugins: management, the bundle, inter-plugin HTTP.

use std::collections::BTreeMap;

use mattermost_plugin::axum::http;
use mattermost_plugin::serde_json::{Value, json};
use mattermost_plugin::types::{IfInstalled, PluginId};

use super::{Entry, e, one, unit, with};
use crate::report::digest;

/// The bytes of a stream argument: 64 KiB and some, of the harness's test pattern.
pub(super) fn stream() -> Vec<u8> {
    (0..64 * 1024 + 123i64).map(|i| ((i % 251) as u8) ^ ((i / 251) as u8)).collect()
}

/// Headers in the report's form: name -> values, in order.
fn header_form(headers: &http::HeaderMap) -> Value {
    let mut out: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (name, value) in headers {
        out.entry(name.as_str().to_owned())
            .or_default()
            .push(String::from_utf8_lossy(value.as_bytes()).into());
    }
    json!(out)
}

pub(super) fn entries() -> Vec<Entry> {
    vec![
        e("GetBundlePath", |c, _| one(args![], c.plugins().bundle_path())),
        e("GetPlugins", |c, _| one(args![], c.plugins().list())),
        e("EnablePlugin", |c, v| unit(args![v.text("id")], c.plugins().enable(&PluginId::new(v.text("id"))))),
        e("DisablePlugin", |c, v| {
            unit(args![v.text("id")], c.plugins().disable(&PluginId::new(v.text("id"))))
        }),
        e("RemovePlugin", |c, v| unit(args![v.text("id")], c.plugins().remove(&PluginId::new(v.text("id"))))),
        e("GetPluginStatus", |c, v| {
            one(args![v.text("id")], c.plugins().status(&PluginId::new(v.text("id"))))
        }),
        e("InstallPlugin", |c, _| {
            let bundle = stream();
            one(vec![digest(&bundle), Value::Bool(true)], c.plugins().install(bundle, IfInstalled::Replace))
        }),
        e("GetPluginID", |c, _| one(args![], c.plugins().id())),
        e("PluginHTTP", |c, v| {
            let body = format!("probe body for {}", v.text("body")).into_bytes();
            let url = "/probe.target/inter?q=1&q=2";
            let request = http::Request::post(url)
                .header("X-Probe", "one")
                .header("X-Probe", "two")
                .body(body.clone().into())
                .unwrap_or_default();
            let reported = json!({"method": "POST", "url": url, "header": header_form(request.headers()), "body": digest(&body)});
            with(vec![reported], c.plugins().http(request), |response| {
                vec![json!({
                    "status_code": response.status().as_u16(),
                    "header": header_form(response.headers()),
                    "body": digest(response.body()),
                })]
            })
        }),
    ]
}
