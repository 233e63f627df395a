//! Plugins on a test host: in-process from a plugin value (the `mm-hooks` runtime on a
//! loopback listener), or as a binary through the supervisor, as the server would run it.

use std::sync::Mutex;
use std::time::Duration;

use mm_hooks::{ListenAddr, Runtime, ShutdownHandle};

use crate::supervisor::{
    PluginAddress, PluginConnection, PluginSpec, Supervisor, call_on_activate, call_on_deactivate,
};
use mm_hooks::Hook;

use crate::{HookCaller, Host, HostError};

/// How long OnActivate and OnDeactivate may take, as on the server.
const LIFECYCLE_TIMEOUT: Duration = Duration::from_secs(30);

/// The plugins a test host started, to stop them with it.
#[derive(Debug, Default)]
pub(crate) struct Started {
    in_process: Mutex<Vec<(String, PluginConnection, ShutdownHandle)>>,
    supervisor: Mutex<Option<Supervisor>>,
}

fn plugin_error(plugin_id: &str, message: impl std::fmt::Display) -> HostError {
    HostError::Plugin { plugin_id: plugin_id.to_string(), message: message.to_string() }
}

impl Started {
    /// Serves `plugin` in this process and starts it as the server would: health check,
    /// `Implemented`, `OnActivate` (when listed), then registration with the host.
    pub(crate) async fn start_in_process<P: mm_hooks::Plugin>(
        &self,
        host: &Host,
        plugin_id: &str,
        plugin: P,
    ) -> Result<PluginConnection, HostError> {
        // The plugin.json built into the plugin, as the server knows it from the bundle: its
        // settings defaults fill LoadPluginConfiguration.
        if let Some(json) = plugin.__manifest_json() {
            match crate::manifest::Manifest::from_json(json) {
                Ok(mut manifest) => {
                    manifest.id = plugin_id.to_string();
                    host.set_plugin_manifest(&manifest);
                }
                Err(e) => {
                    tracing::warn!(target: "mm_host::testkit", plugin = %plugin_id, "its built-in plugin.json is not valid: {e}")
                }
            }
        }
        let api = host.api_target(plugin_id).await?;
        let client = mm_client::Client::connect(&api.to_string())
            .await
            .map_err(|e| plugin_error(plugin_id, format!("cannot connect its PluginAPI client: {e}")))?;
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .map_err(|e| HostError::io("binding the plugin's hook listener", e))?;
        let serving = Runtime::builder()
            .listener(listener)
            .client(client)
            .plugin_id(plugin_id.to_string())
            .serve(plugin)
            .map_err(|e| plugin_error(plugin_id, format!("the runtime did not start: {e}")))?;
        let address = match serving.local_addr() {
            ListenAddr::Tcp(addr) => PluginAddress::Tcp(*addr),
            ListenAddr::Unix(path) => PluginAddress::Unix(path.clone()),
            other => return Err(plugin_error(plugin_id, format!("unexpected hook address {other:?}"))),
        };
        let shutdown = serving.shutdown_handle();
        // The runtime task ends on shutdown; its outcome is only of interest to logs.
        let id = plugin_id.to_string();
        tokio::spawn(async move {
            if let Err(e) = serving.wait().await {
                tracing::warn!(target: "mm_host::testkit", plugin = %id, "the plugin runtime failed: {e}");
            }
        });
        let connection = match PluginConnection::connect(plugin_id, address).await {
            Ok(connection) => connection,
            Err(e) => {
                shutdown.shutdown();
                return Err(plugin_error(plugin_id, e));
            }
        };
        if connection.implements(Hook::OnActivate.rpc_name())
            && let Err(e) = call_on_activate(&connection, LIFECYCLE_TIMEOUT).await
        {
            shutdown.shutdown();
            return Err(plugin_error(plugin_id, e.message()));
        }
        host.register_plugin(HookCaller::from(&connection));
        self.lock_in_process().push((plugin_id.to_string(), connection.clone(), shutdown));
        Ok(connection)
    }

    /// Launches a plugin binary (or `plugin.json`, or plugin folder) through the supervisor.
    pub(crate) async fn start_binary(
        &self,
        host: &Host,
        spec: PluginSpec,
    ) -> Result<PluginConnection, HostError> {
        let supervisor = {
            let mut slot = self.supervisor.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
            slot.get_or_insert_with(|| Supervisor::builder(std::sync::Arc::new(host.clone())).build()).clone()
        };
        let id = spec.plugin_id().to_string();
        supervisor.start(spec).await.map_err(|e| plugin_error(&id, e))
    }

    /// Stops a plugin: `OnDeactivate` (when listed), unregistration, shutdown.
    pub(crate) async fn stop(&self, host: &Host, plugin_id: &str) -> Result<(), HostError> {
        let found = {
            let mut started = self.lock_in_process();
            let index = started.iter().position(|(id, _, _)| id == plugin_id);
            index.map(|i| started.remove(i))
        };
        if let Some((_, connection, shutdown)) = found {
            host.unregister_plugin(plugin_id);
            if connection.implements(Hook::OnDeactivate.rpc_name())
                && let Err(e) = call_on_deactivate(&connection, LIFECYCLE_TIMEOUT).await
            {
                tracing::warn!(target: "mm_host::testkit", plugin = plugin_id, "{e}");
            }
            shutdown.shutdown();
            return Ok(());
        }
        let supervisor = self.supervisor.lock().unwrap_or_else(std::sync::PoisonError::into_inner).clone();
        match supervisor {
            Some(supervisor) => {
                supervisor.stop(plugin_id).await.map(|_| ()).map_err(|e| plugin_error(plugin_id, e))
            }
            None => Err(plugin_error(plugin_id, "no such plugin was started")),
        }
    }

    /// Stops every plugin.
    pub(crate) async fn stop_all(&self, host: &Host) {
        let ids: Vec<String> = self.lock_in_process().iter().map(|(id, _, _)| id.clone()).collect();
        for id in ids {
            let _ = self.stop(host, &id).await;
        }
        let supervisor = self.supervisor.lock().unwrap_or_else(std::sync::PoisonError::into_inner).clone();
        if let Some(supervisor) = supervisor {
            supervisor.stop_all().await;
        }
    }

    /// Without waiting: asks in-process plugins to shut down (binaries are killed when the
    /// supervisor's children are dropped).
    pub(crate) fn shutdown_now(&self) {
        for (_, _, shutdown) in self.lock_in_process().drain(..) {
            shutdown.shutdown();
        }
    }

    fn lock_in_process(&self) -> std::sync::MutexGuard<'_, Vec<(String, PluginConnection, ShutdownHandle)>> {
        self.in_process.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}
