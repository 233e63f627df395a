//! Shared helpers: a started host and a PluginAPI client for one plugin id.

#![allow(dead_code, unreachable_pub)]

use mm_host::Host;
use mm_proto::v1::plugin_api_client::PluginApiClient;
use tonic::transport::Channel;

pub mod fake_plugin;

/// A host (with its HTTP front) and a PluginAPI client connected as `plugin_id`.
pub async fn host_and_api(plugin_id: &str) -> (Host, PluginApiClient<Channel>) {
    let host = Host::start().await.expect("host starts");
    let api = api_client(&host, plugin_id).await;
    (host, api)
}

/// A PluginAPI client connected to the listener of `plugin_id`.
pub async fn api_client(host: &Host, plugin_id: &str) -> PluginApiClient<Channel> {
    let addr = host.api_target(plugin_id).await.expect("PluginAPI listener");
    let channel = Channel::from_shared(format!("http://{addr}")).unwrap().connect().await.expect("connects");
    PluginApiClient::new(channel).max_decoding_message_size(usize::MAX).max_encoding_message_size(usize::MAX)
}

/// Registers `/trigger` as a command of `plugin_id`, through that plugin's PluginAPI.
pub async fn register_command(host: &Host, plugin_id: &str, trigger: &str) {
    let mut api = api_client(host, plugin_id).await;
    let command = mm_proto::v1::Command { trigger: trigger.to_string(), ..Default::default() };
    api.register_command(mm_proto::v1::RegisterCommandRequest { command: Some(command) })
        .await
        .expect("registered");
}
