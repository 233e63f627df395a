//! `PluginHTTP`: one plugin calling another's HTTP routes (`/<plugin id>/path`), through the
//! destination's ServeHTTP, with `Mattermost-Plugin-ID` naming the caller as the server does.

use crate::plugin_http::Caller;
use bytes::Bytes;
use http_body_util::BodyExt;
use mm_proto::v1 as wire;

use crate::Host;

/// The header that tells the destination plugin which plugin calls.
const PLUGIN_ID_HEADER: &str = "Mattermost-Plugin-ID";

fn answer(status: u16, body: &str) -> wire::PluginHttpResponse {
    wire::PluginHttpResponse {
        error: None,
        status_code: i32::from(status),
        headers: Default::default(),
        body: Bytes::copy_from_slice(body.as_bytes()),
        header_values: Default::default(),
    }
}

pub(crate) async fn forward(
    host: &Host,
    source: &str,
    request: wire::PluginHttpRequest,
) -> wire::PluginHttpResponse {
    let path = request.url.trim_start_matches('/');
    let Some((destination, rest)) = path.split_once('/') else {
        return answer(400, "Not enough URL. Form of URL should be /<pluginid>/*");
    };
    let Some(plugin) = host.plugin(destination) else {
        return answer(404, &format!("the plugin {destination:?} is not running"));
    };
    let mut builder = http::Request::builder()
        .method(request.method.as_str())
        .uri(format!("/plugins/{destination}/{rest}"));
    if request.header_values.is_empty() {
        for (name, value) in &request.headers {
            builder = builder.header(name.as_str(), value.as_str());
        }
    } else {
        for (name, values) in &request.header_values {
            for value in &values.values {
                builder = builder.header(name.as_str(), value.as_str());
            }
        }
    }
    let http_request =
        match builder.header(PLUGIN_ID_HEADER, source).body(http_body_util::Full::new(request.body)) {
            Ok(r) => r,
            Err(e) => return answer(400, &format!("invalid request: {e}")),
        };
    let response = plugin.http().forward(http_request, Caller::anonymous()).await;
    let (parts, body) = response.into_parts();
    let body = match body.collect().await {
        Ok(collected) => collected.to_bytes(),
        Err(e) => return answer(502, &format!("the plugin's answer broke off: {e}")),
    };
    let mut headers = std::collections::HashMap::new();
    let mut header_values = std::collections::HashMap::new();
    for name in parts.headers.keys() {
        let values: Vec<String> =
            parts.headers.get_all(name).iter().filter_map(|v| v.to_str().ok()).map(str::to_owned).collect();
        headers.insert(name.as_str().to_string(), values.join(", "));
        header_values.insert(name.as_str().to_string(), wire::StringList { values });
    }
    wire::PluginHttpResponse {
        error: None,
        status_code: i32::from(parts.status.as_u16()),
        headers,
        body,
        header_values,
    }
}
