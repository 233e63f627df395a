//! How the supervisor meets the host: where a plugin's PluginAPI listener is, and which
//! plugins are running (so events can call their hooks).

use std::fmt;
use std::future::Future;
use std::pin::Pin;

use super::WeakSupervisor;
use super::connection::PluginConnection;
use super::spec::PluginSpec;

/// A boxed future, for the object-safe [`PluginRegistry`].
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// The host side the supervisor works with (`mm_host::Host` implements it).
///
/// The supervisor asks for the PluginAPI address before each launch (the server gives each
/// plugin its own listener, so the host knows who calls), registers the plugin once it is
/// activated and unregisters it when it stops or fails.
pub trait PluginRegistry: Send + Sync + fmt::Debug + 'static {
    /// `supervisor` is about to launch the plugin `spec` describes (before asking for its
    /// PluginAPI address, so the plugin's first calls already see it): the host records its
    /// folder and manifest (`GetBundlePath`, `GetPlugins`, `GetPluginStatus`) and how to start
    /// and stop it again (`EnablePlugin`, `DisablePlugin`). Does nothing by default.
    fn launching(&self, spec: &PluginSpec, supervisor: WeakSupervisor) {
        let _ = (spec, supervisor);
    }

    /// A supervisor working with this host was built: the host may launch the plugins it
    /// installs (`POST /api/v4/plugins`, `InstallPlugin`) with it. Does nothing by default.
    fn supervisor_built(&self, supervisor: WeakSupervisor) {
        let _ = supervisor;
    }

    /// The `host:port` of the PluginAPI listener for `plugin_id`, passed to the plugin as
    /// `MATTERMOST_PLUGIN_API_TARGET`.
    fn api_target<'a>(&'a self, plugin_id: &'a str) -> BoxFuture<'a, std::io::Result<String>>;

    /// The PluginAPI a plugin running on net/rpc gets, served as `Plugin` on the broker id its
    /// `OnActivate` names; `broker` is the host's broker of the plugin's session (for the byte
    /// streams some methods read). `None` (the default): every call is refused, saying so.
    fn net_rpc_api(
        &self,
        plugin_id: &str,
        broker: &mm_netrpc::broker::Broker,
    ) -> Option<std::sync::Arc<dyn mm_netrpc::rpc::Service>> {
        let _ = (plugin_id, broker);
        None
    }

    /// The plugin is activated; hooks may be called through `connection`.
    fn register(&self, connection: PluginConnection);

    /// The plugin stopped or failed; its connection must not be used any more.
    fn unregister(&self, plugin_id: &str);
}

/// A registry with one fixed PluginAPI address for every plugin that keeps no record of
/// running plugins: for running plugins against a PluginAPI served elsewhere (tests, tools).
#[derive(Debug, Clone)]
pub struct FixedApiTarget(String);

impl FixedApiTarget {
    /// Every plugin gets `target` (`127.0.0.1:<port>`).
    pub fn new(target: impl Into<String>) -> Self {
        FixedApiTarget(target.into())
    }
}

impl PluginRegistry for FixedApiTarget {
    fn api_target<'a>(&'a self, _plugin_id: &'a str) -> BoxFuture<'a, std::io::Result<String>> {
        Box::pin(async move { Ok(self.0.clone()) })
    }

    fn register(&self, _connection: PluginConnection) {}

    fn unregister(&self, _plugin_id: &str) {}
}
