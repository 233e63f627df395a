//! Reach entries: plugin management, manifests and inter-plugin HTTP.

use std::collections::HashMap;

use bytes::Bytes;
use mm_types::{IfInstalled, PluginId, wire};

use super::Reach;

pub async fn run(r: &mut Reach) {
    let c = r.client.clone();
    let g = c.plugins();
    r.check("GetBundlePath", g.bundle_path(), wire::GetBundlePathRequest {}).await;
    r.check("GetPlugins", g.list(), wire::GetPluginsRequest {}).await;
    r.check(
        "EnablePlugin",
        g.enable(&PluginId::new("EnablePlugin.id")),
        wire::EnablePluginRequest { id: "EnablePlugin.id".into() },
    )
    .await;
    r.check(
        "DisablePlugin",
        g.disable(&PluginId::new("DisablePlugin.id")),
        wire::DisablePluginRequest { id: "DisablePlugin.id".into() },
    )
    .await;
    r.check(
        "RemovePlugin",
        g.remove(&PluginId::new("RemovePlugin.id")),
        wire::RemovePluginRequest { id: "RemovePlugin.id".into() },
    )
    .await;
    r.check(
        "GetPluginStatus",
        g.status(&PluginId::new("GetPluginStatus.id")),
        wire::GetPluginStatusRequest { id: "GetPluginStatus.id".into() },
    )
    .await;
    r.check(
        "InstallPlugin",
        g.install(Bytes::from_static(b"InstallPlugin.file_data"), IfInstalled::Replace),
        wire::InstallPluginRequest {
            file_data: Bytes::from_static(b"InstallPlugin.file_data"),
            replace: true,
        },
    )
    .await;
    r.check("GetPluginID", g.id(), wire::GetPluginIdRequest {}).await;
    r.server.on(
        "PluginHTTP",
        crate::support::message(wire::PluginHttpResponse {
            error: None,
            status_code: 201,
            headers: HashMap::from([("content-type".to_string(), "application/json".to_string())]),
            body: Bytes::from_static(b"{\"ok\":true}"),
            header_values: HashMap::new(),
        }),
    );
    let request = http::Request::post("/com.example.other/api/sync?full=1")
        .header("x-one", "a")
        .header("x-one", "b")
        .header("content-type", "application/json")
        .body(Bytes::from_static(b"{\"since\":5}"))
        .unwrap();
    let response = r
        .check(
            "PluginHTTP",
            g.http(request),
            wire::PluginHttpRequest {
                method: "POST".into(),
                url: "/com.example.other/api/sync?full=1".into(),
                headers: HashMap::from([
                    ("x-one".to_string(), "a, b".to_string()),
                    ("content-type".to_string(), "application/json".to_string()),
                ]),
                body: Bytes::from_static(b"{\"since\":5}"),
                header_values: HashMap::from([
                    ("x-one".to_string(), wire::StringList { values: vec!["a".into(), "b".into()] }),
                    (
                        "content-type".to_string(),
                        wire::StringList { values: vec!["application/json".into()] },
                    ),
                ]),
            },
        )
        .await;
    assert_eq!(response.status(), http::StatusCode::CREATED);
    assert_eq!(response.headers()["content-type"], "application/json");
    assert_eq!(response.body().as_ref(), b"{\"ok\":true}");
}
