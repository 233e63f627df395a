//! Plugin management, manifests and inter-plugin HTTP.

use std::collections::HashMap;
use std::path::PathBuf;

use bytes::Bytes;
use mm_types::{IfInstalled, Manifest, PluginId, PluginStatus, wire};

use crate::client::{ApiClient, from_wire, payload};
use crate::error::{Error, Result};
use crate::mode::Mode;

/// Plugin management, manifests and inter-plugin HTTP: `client.plugins()`.
///
/// ```no_run
/// # async fn demo(client: mm_client::Client, channel: mm_types::ChannelId, user: mm_types::UserId) -> mm_client::Result<()> {
/// for manifest in client.plugins().list().await? {
///     println!("{} {}", manifest.id, manifest.version);
/// }
/// # Ok(()) }
/// ```
#[derive(Debug)]
pub struct Plugins<'a, M: Mode> {
    client: &'a ApiClient<M>,
}

impl<M: Mode> ApiClient<M> {
    /// Plugin management, manifests and inter-plugin HTTP.
    pub fn plugins(&self) -> Plugins<'_, M> {
        Plugins { client: self }
    }
}

impl<M: Mode> Plugins<'_, M> {
    /// The absolute path of the plugin's unpacked bundle on the server (`GetBundlePath`).
    pub fn bundle_path(&self) -> M::Output<PathBuf> {
        let request = wire::GetBundlePathRequest {};
        self.client.call(request, |r| Ok(PathBuf::from(r.path)))
    }

    /// The manifests of every installed plugin (`GetPlugins`).
    pub fn list(&self) -> M::Output<Vec<Manifest>> {
        let request = wire::GetPluginsRequest {};
        self.client.call(request, |r| from_wire(r.manifests))
    }

    /// Enables a plugin by id (`EnablePlugin`).
    pub fn enable(&self, id: &PluginId) -> M::Output<()> {
        let request = wire::EnablePluginRequest { id: id.as_str().to_owned() };
        self.client.call(request, |_| Ok(()))
    }

    /// Disables a plugin by id (`DisablePlugin`).
    pub fn disable(&self, id: &PluginId) -> M::Output<()> {
        let request = wire::DisablePluginRequest { id: id.as_str().to_owned() };
        self.client.call(request, |_| Ok(()))
    }

    /// Uninstalls a plugin by id (`RemovePlugin`).
    pub fn remove(&self, id: &PluginId) -> M::Output<()> {
        let request = wire::RemovePluginRequest { id: id.as_str().to_owned() };
        self.client.call(request, |_| Ok(()))
    }

    /// A plugin's state (running, failed...) (`GetPluginStatus`).
    pub fn status(&self, id: &PluginId) -> M::Output<PluginStatus> {
        let request = wire::GetPluginStatusRequest { id: id.as_str().to_owned() };
        self.client.call(request, |r| payload(r.status, "status"))
    }

    /// Installs a plugin from its bundle (`.tar.gz`) (`InstallPlugin`); `if_installed` says
    /// whether an installed plugin with the same id is replaced or the install fails.
    pub fn install(&self, bundle: impl Into<Bytes>, if_installed: IfInstalled) -> M::Output<Manifest> {
        let request =
            wire::InstallPluginRequest { file_data: bundle.into(), replace: if_installed.replaces() };
        self.client.call(request, |r| payload(r.manifest, "manifest"))
    }

    /// The plugin's id (`GetPluginID`). Mattermost servers answer `UNIMPLEMENTED` today (a
    /// plugin knows its id from its manifest); the call is kept for servers that implement it.
    pub fn id(&self) -> M::Output<String> {
        let request = wire::GetPluginIdRequest {};
        self.client.call(request, |r| Ok(r.plugin_id))
    }

    /// Sends an HTTP request to another plugin's `ServeHTTP` through the server
    /// (`PluginHTTP`); the path starts with the other plugin's id (`/com.example.other/api`).
    /// Repeated headers are joined with `, `.
    ///
    /// ```no_run
    /// # async fn demo(client: mm_client::Client) -> mm_client::Result<()> {
    /// let request = http::Request::post("/com.example.other/api/sync").body(bytes::Bytes::from("{}")).unwrap();
    /// let response = client.plugins().http(request).await?;
    /// assert!(response.status().is_success());
    /// # Ok(()) }
    /// ```
    pub fn http(&self, request: http::Request<Bytes>) -> M::Output<http::Response<Bytes>> {
        let (parts, body) = request.into_parts();
        // Both forms: the joined one for gRPC servers, every value apart for stock servers.
        let mut headers: HashMap<String, String> = HashMap::new();
        let mut header_values: HashMap<String, wire::StringList> = HashMap::new();
        for (name, value) in &parts.headers {
            let value = String::from_utf8_lossy(value.as_bytes()).into_owned();
            header_values.entry(name.as_str().to_owned()).or_default().values.push(value.clone());
            headers
                .entry(name.as_str().to_owned())
                .and_modify(|joined| {
                    joined.push_str(", ");
                    joined.push_str(&value);
                })
                .or_insert(value);
        }
        let request = wire::PluginHttpRequest {
            method: parts.method.as_str().to_owned(),
            url: parts.uri.to_string(),
            headers,
            body,
            header_values,
        };
        self.client.call(request, http_response)
    }
}

/// Builds the `http::Response` of a `PluginHTTP` answer; values HTTP cannot carry are a
/// malformed response.
fn http_response(r: wire::PluginHttpResponse) -> Result<http::Response<Bytes>> {
    let status =
        u16::try_from(r.status_code).ok().and_then(|code| http::StatusCode::from_u16(code).ok()).ok_or_else(
            || Error::malformed(format!("PluginHTTP answered the invalid status {}", r.status_code)),
        )?;
    let mut response = http::Response::new(r.body);
    *response.status_mut() = status;
    // Every value apart when the server kept them so (stock servers), else the joined form.
    let headers: Vec<(String, Vec<String>)> = if r.header_values.is_empty() {
        r.headers.into_iter().map(|(name, value)| (name, vec![value])).collect()
    } else {
        r.header_values.into_iter().map(|(name, values)| (name, values.values)).collect()
    };
    for (name, values) in headers {
        let name = http::HeaderName::from_bytes(name.as_bytes()).map_err(|e| {
            Error::malformed(format!("PluginHTTP answered the invalid header name {name:?}: {e}"))
        })?;
        for value in values {
            let value = http::HeaderValue::from_str(&value).map_err(|e| {
                Error::malformed(format!("PluginHTTP answered an invalid value for {name}: {e}"))
            })?;
            response.headers_mut().append(name.clone(), value);
        }
    }
    Ok(response)
}
