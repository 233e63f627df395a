//! The plugins the host knows about, running or not, and what the PluginAPI's plugin calls do
//! with them: `GetBundlePath`, `GetPlugins`, `GetPluginStatus`, `EnablePlugin`,
//! `DisablePlugin` and `RemovePlugin` (server/channels/app/plugin.go, plugin_install.go).
//!
//! A plugin is known once a [`Supervisor`](crate::supervisor::Supervisor) working with the
//! host launches it (its folder, manifest and launch are recorded), once its manifest is set
//! ([`Host::set_manifest`]) or its folder ([`Host::set_plugin_dir`]), and while it is
//! registered. Only plugins a supervisor launched can be started and stopped again from the
//! PluginAPI: the host holds no process of its own.

use std::path::PathBuf;

use mm_types::{AppError, Manifest, PluginState, PluginStatus};
use serde_json::{Value, json};

use crate::Host;
use crate::store::errors::{app_error, not_found};
use crate::supervisor::{PluginSpec, WeakSupervisor};

/// What the host knows of a plugin besides its manifest.
#[derive(Debug, Clone, Default)]
pub(crate) struct KnownPlugin {
    /// The folder it runs from (`GetBundlePath`, `PluginStatus.plugin_path`).
    dir: Option<PathBuf>,
    /// How it was launched, to launch it again (`EnablePlugin`).
    launch: Option<(PluginSpec, WeakSupervisor)>,
    /// The manifest's settings defaults, keys lower-cased (`LoadPluginConfiguration`).
    settings_defaults: serde_json::Map<String, Value>,
}

/// The manifest's settings defaults by lower-cased key (a setting without a default is `null`,
/// as the server's map holds Go's nil).
fn settings_defaults(manifest: &crate::manifest::Manifest) -> serde_json::Map<String, Value> {
    manifest
        .settings_schema
        .iter()
        .flat_map(|schema| &schema.settings)
        .filter(|setting| !setting.key.is_empty())
        .map(|setting| (setting.key.to_lowercase(), setting.default.clone().unwrap_or(Value::Null)))
        .collect()
}

/// The object at `key` in `map`, made an empty object when missing or not an object.
fn object_entry<'a>(
    map: &'a mut serde_json::Map<String, Value>,
    key: &str,
) -> Option<&'a mut serde_json::Map<String, Value>> {
    let entry = map.entry(key).or_insert_with(|| json!({}));
    if !entry.is_object() {
        *entry = json!({});
    }
    entry.as_object_mut()
}

/// The error id of plugin calls mm-host cannot carry out for a plugin no supervisor launched.
pub const NOT_SUPERVISED_ERROR_ID: &str = "mm_host.plugin.not_supervised.app_error";

fn not_installed() -> AppError {
    not_found("app.plugin.not_installed.app_error", "Plugin is not installed.")
}

pub(crate) fn not_supervised(plugin_id: &str, action: &str) -> AppError {
    app_error(
        NOT_SUPERVISED_ERROR_ID,
        format!(
            "mm-host cannot {action} {plugin_id}: no supervisor of this host launched it (a plugin the test \
             kit runs in-process is started and stopped with TestHost::start_plugin and stop_plugin)"
        ),
        501,
    )
}

impl Host {
    /// Sets the folder `GetBundlePath` answers for a plugin, for plugins no supervisor launched
    /// (those the test kit runs in-process); a plugin launched by a supervisor gets its folder
    /// from its [`PluginSpec`].
    pub fn set_plugin_dir(&self, plugin_id: &str, dir: impl Into<PathBuf>) {
        let dir = dir.into();
        let dir = std::path::absolute(&dir).unwrap_or(dir);
        self.with_known(|known| known.entry(plugin_id.to_string()).or_default().dir = Some(dir));
    }

    /// The folder `GetBundlePath` answers for a plugin: the folder it was launched from (a
    /// plugin folder, the folder of a `plugin.json`, or a bare binary's folder), the one set
    /// with [`set_plugin_dir`](Self::set_plugin_dir), or else what the server answers,
    /// `PluginSettings.Directory` joined with the plugin id, made absolute
    /// (`<current dir>/plugins/<id>` with the default configuration).
    pub fn bundle_path(&self, plugin_id: &str) -> PathBuf {
        if let Some(dir) = self.with_known(|known| known.get(plugin_id).and_then(|k| k.dir.clone())) {
            return dir;
        }
        self.plugins_dir().join(plugin_id)
    }

    /// `PluginSettings.Directory`, made absolute (`<current dir>/plugins` by default, as the
    /// server): where plugins are installed.
    pub(crate) fn plugins_dir(&self) -> PathBuf {
        let config = self.store().config();
        let dir = config.pointer("/PluginSettings/Directory").and_then(Value::as_str).unwrap_or("./plugins");
        std::path::absolute(dir).unwrap_or_else(|_| PathBuf::from(dir))
    }

    /// Whether the host knows the plugin (running, launched, installed or given a manifest).
    pub(crate) fn is_known(&self, plugin_id: &str) -> bool {
        self.known_ids().iter().any(|id| id == plugin_id)
    }

    /// Records a plugin a supervisor is about to launch.
    pub(crate) fn record_launch(&self, spec: &PluginSpec, supervisor: WeakSupervisor) {
        let defaults = spec.manifest().map(settings_defaults).unwrap_or_default();
        if let Some(manifest) = spec.manifest() {
            self.set_manifest(manifest.summary());
        }
        self.with_known(|known| {
            known.insert(
                spec.plugin_id().to_string(),
                KnownPlugin {
                    dir: Some(spec.dir().to_path_buf()),
                    launch: Some((spec.clone(), supervisor)),
                    settings_defaults: defaults,
                },
            );
        });
    }

    /// Takes what the server takes from a plugin's `plugin.json`: the manifest `GetPlugins`
    /// answers and the settings defaults `LoadPluginConfiguration` fills in. For plugins no
    /// supervisor launched (the test kit's in-process plugins); a launched plugin's manifest is
    /// read from its spec.
    pub fn set_plugin_manifest(&self, manifest: &crate::manifest::Manifest) {
        self.set_manifest(manifest.summary());
        let defaults = settings_defaults(manifest);
        self.with_known(|known| known.entry(manifest.id.clone()).or_default().settings_defaults = defaults);
    }

    /// What `LoadPluginConfiguration` answers, as the server builds it: the manifest's
    /// defaults, then the stored settings over them, every key lower-cased.
    pub(crate) fn plugin_settings(&self, plugin_id: &str) -> serde_json::Map<String, Value> {
        let mut settings = self
            .with_known(|known| known.get(plugin_id).map(|k| k.settings_defaults.clone()))
            .unwrap_or_default();
        for (key, value) in self.store().plugin_config(plugin_id) {
            settings.insert(key.to_lowercase(), value);
        }
        settings
    }

    /// Sets one of a plugin's settings as an administrator does in the System Console (which
    /// stores the key lower-cased), saving the configuration (`OnConfigurationChange` runs).
    pub async fn set_plugin_setting(
        &self,
        plugin_id: &str,
        key: &str,
        value: impl Into<Value>,
    ) -> Result<(), AppError> {
        let mut settings = self.store().plugin_config(plugin_id);
        settings.insert(key.to_lowercase(), value.into());
        self.save_plugin_config(plugin_id, settings).await
    }

    /// The ids of the plugins the host knows, sorted.
    fn known_ids(&self) -> Vec<String> {
        let mut ids = self.plugin_ids();
        ids.extend(self.with_known(|known| known.keys().cloned().collect::<Vec<_>>()));
        ids.extend(
            self.inner.manifests.read().unwrap_or_else(std::sync::PoisonError::into_inner).keys().cloned(),
        );
        ids.sort();
        ids.dedup();
        ids
    }

    fn manifest_of(&self, plugin_id: &str) -> Manifest {
        let manifests = self.inner.manifests.read().unwrap_or_else(std::sync::PoisonError::into_inner);
        manifests
            .get(plugin_id)
            .cloned()
            .unwrap_or_else(|| Manifest { id: plugin_id.to_string(), ..Manifest::default() })
    }

    /// The manifests `GetPlugins` answers: the running plugins', then the others' (the
    /// server's active, then inactive), each by id.
    pub(crate) fn plugin_manifests(&self) -> Vec<Manifest> {
        let running = self.plugin_ids();
        let (active, inactive): (Vec<String>, Vec<String>) =
            self.known_ids().into_iter().partition(|id| running.contains(id));
        active.iter().chain(&inactive).map(|id| self.manifest_of(id)).collect()
    }

    /// A plugin's status as `GetPluginStatus` answers it: running or not, with its folder;
    /// the server's 404 for a plugin it does not know.
    pub(crate) fn plugin_status(&self, plugin_id: &str) -> Result<PluginStatus, AppError> {
        if !self.is_known(plugin_id) {
            return Err(not_installed());
        }
        let manifest = self.manifest_of(plugin_id);
        let running = self.plugin(plugin_id).is_some();
        Ok(PluginStatus {
            plugin_id: manifest.id,
            plugin_path: self.bundle_path(plugin_id).display().to_string(),
            state: if running { PluginState::Running } else { PluginState::NotRunning },
            name: manifest.name,
            description: manifest.description,
            version: manifest.version,
        })
    }

    /// `EnablePlugin`: as the server, the id lowercased, 404 for an unknown plugin,
    /// `PluginSettings.PluginStates.<id>.Enable` saved (running `OnConfigurationChange`), and a
    /// plugin that is not running started in the background by the supervisor that launched
    /// it (the server activates it after the call too); 501 when none did.
    pub(crate) async fn enable_plugin(&self, plugin_id: &str) -> Result<(), AppError> {
        let id = plugin_id.to_lowercase();
        let launch = self.launch_of(&id)?;
        let running = self.plugin(&id).is_some();
        let supervisor = match (&launch, running) {
            (_, true) => None,
            (Some((spec, supervisor)), false) => match supervisor.upgrade() {
                Some(supervisor) => Some((spec.clone(), supervisor)),
                None => return Err(not_supervised(&id, "start")),
            },
            (None, false) => return Err(not_supervised(&id, "start")),
        };
        self.save_plugin_state(&id, true).await?;
        if let Some((spec, supervisor)) = supervisor
            && supervisor.connection(&id).is_none()
        {
            tokio::spawn(async move {
                if let Err(e) = supervisor.start(spec).await {
                    tracing::error!(target: "mm_host::api", plugin = %id, "EnablePlugin: {e}");
                }
            });
        }
        Ok(())
    }

    /// `DisablePlugin`: as the server, 404 for an unknown plugin, the plugin's state saved as
    /// disabled, its slash commands unregistered, and a running plugin stopped in the
    /// background (`OnDeactivate`, shutdown) by the supervisor that launched it; 501 for a
    /// running plugin no supervisor launched.
    pub(crate) async fn disable_plugin(&self, plugin_id: &str) -> Result<(), AppError> {
        let id = plugin_id.to_lowercase();
        let launch = self.launch_of(&id)?;
        let supervisor = match self.plugin(&id) {
            None => None,
            Some(_) => match launch.and_then(|(_, supervisor)| supervisor.upgrade()) {
                Some(supervisor) => Some(supervisor),
                None => return Err(not_supervised(&id, "stop")),
            },
        };
        self.save_plugin_state(&id, false).await?;
        self.store().with(|s| s.plugin_commands.retain(|pc| pc.plugin_id != id));
        if let Some(supervisor) = supervisor {
            tokio::spawn(async move {
                if let Err(e) = supervisor.stop(&id).await {
                    tracing::warn!(target: "mm_host::api", plugin = %id, "DisablePlugin: {e}");
                }
            });
        }
        Ok(())
    }

    /// `RemovePlugin`: [`disable_plugin`](Self::disable_plugin), then the host forgets the
    /// plugin (its folder stays on disk: mm-host runs plugins from the developer's folders,
    /// where the server would delete its own unpacked copy).
    pub(crate) async fn remove_plugin(&self, plugin_id: &str) -> Result<(), AppError> {
        self.disable_plugin(plugin_id).await?;
        let id = plugin_id.to_lowercase();
        self.with_known(|known| known.remove(&id));
        self.inner.manifests.write().unwrap_or_else(std::sync::PoisonError::into_inner).remove(&id);
        Ok(())
    }

    /// Records a plugin installed from a bundle: its folder and manifest, and the supervisor
    /// that will start it when it is enabled (none: enabling it answers 501).
    pub(crate) fn record_install(&self, spec: &PluginSpec, installer: Option<WeakSupervisor>) {
        match installer {
            Some(supervisor) => self.record_launch(spec, supervisor),
            None => self.set_plugin_dir(spec.plugin_id(), spec.dir()),
        }
    }

    /// The live supervisor that launched a plugin, if any.
    pub(crate) fn launch_supervisor(&self, plugin_id: &str) -> Option<crate::supervisor::Supervisor> {
        self.with_known(|known| known.get(plugin_id).and_then(|k| k.launch.as_ref().map(|(_, s)| s.clone())))
            .and_then(|supervisor| supervisor.upgrade())
    }

    /// How a known plugin was launched (`None`: not by a supervisor); 404 when unknown.
    fn launch_of(&self, plugin_id: &str) -> Result<Option<(PluginSpec, WeakSupervisor)>, AppError> {
        if !self.is_known(plugin_id) {
            return Err(not_installed());
        }
        Ok(self.with_known(|known| known.get(plugin_id).and_then(|k| k.launch.clone())))
    }

    /// Saves `PluginSettings.PluginStates.<id> = {"Enable": enable}` as the server's
    /// `EnablePlugin`/`DisablePlugin` do.
    async fn save_plugin_state(&self, plugin_id: &str, enable: bool) -> Result<(), AppError> {
        self.save_plugin_settings("the plugin state", |plugin_settings| {
            if let Some(states) = object_entry(plugin_settings, "PluginStates") {
                states.insert(plugin_id.to_string(), json!({ "Enable": enable }));
            }
        })
        .await
    }

    /// Edits the configuration's `PluginSettings` (created when missing) with `edit` and saves
    /// the configuration as the server does (`OnConfigurationChange` runs); `what` names the
    /// change in the error.
    pub(crate) async fn save_plugin_settings(
        &self,
        what: &str,
        edit: impl FnOnce(&mut serde_json::Map<String, Value>),
    ) -> Result<(), AppError> {
        let mut config = self.store().config();
        if let Some(plugin_settings) = config.as_object_mut().and_then(|c| object_entry(c, "PluginSettings"))
        {
            edit(plugin_settings);
        }
        let config = mm_types::ServerConfig::from_value(&config).map_err(|e| {
            AppError::new("app.plugin.config.app_error", format!("Unable to save {what}: {e}"))
                .with_status(500)
        })?;
        self.save_config(config).await
    }

    fn with_known<R>(&self, f: impl FnOnce(&mut std::collections::HashMap<String, KnownPlugin>) -> R) -> R {
        f(&mut self.inner.known_plugins.write().unwrap_or_else(std::sync::PoisonError::into_inner))
    }
}
