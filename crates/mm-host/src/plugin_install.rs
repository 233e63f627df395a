//! Installing a plugin from an uploaded bundle, as the server's `InstallPlugin` and
//! `POST /api/v4/plugins` do (server/channels/app/plugin_install.go): unpack the `.tar.gz`,
//! find its `plugin.json` (at the top or in its single folder), refuse an installed id unless
//! replacing, move it to `PluginSettings.Directory/<id>`, and make it startable.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use mm_types::AppError;

use crate::Host;
use crate::manifest::{MANIFEST_FILE_NAME, Manifest};
use crate::store::errors::app_error;
use crate::supervisor::{PluginSpec, WeakSupervisor};

/// Most bytes an unpacked bundle may hold (a zip bomb stops here, not at the disk's end).
const MAX_UNPACKED: u64 = 2 << 30;

/// A bundle whose plugin cannot run here (no executable for this platform, a bad path).
fn not_runnable(error: crate::supervisor::SupervisorError) -> AppError {
    app_error("app.plugin.install.app_error", format!("Unable to install plugin: {error}"), 400)
}

/// The server's 500 for a failed file operation while installing: `doing` and the error.
fn filesystem_error(doing: String) -> impl FnOnce(std::io::Error) -> AppError {
    move |e| {
        app_error(
            "app.plugin.filesystem.app_error",
            format!("Encountered filesystem error: {doing}: {e}"),
            500,
        )
    }
}

impl Host {
    /// Allows or forbids installing uploaded plugins: `PluginSettings.EnableUploads` (off by
    /// default, as on a server), with `PluginSettings.Enable` on. `mm-host run` allows them
    /// so that `mm-host deploy` works against it.
    pub async fn set_plugin_uploads(&self, enabled: bool) -> Result<(), AppError> {
        self.save_plugin_settings("the plugin settings", |plugin_settings| {
            plugin_settings.insert("Enable".to_owned(), true.into());
            plugin_settings.insert("EnableUploads".to_owned(), enabled.into());
        })
        .await
    }

    /// The server's check before installing an uploaded plugin: 501 unless
    /// `PluginSettings.Enable` and `EnableUploads` are on.
    pub(crate) fn plugin_uploads_allowed(&self) -> Result<(), AppError> {
        let config = self.store().config();
        let on =
            |pointer: &str| config.pointer(pointer).and_then(serde_json::Value::as_bool).unwrap_or(false);
        if on("/PluginSettings/Enable") && on("/PluginSettings/EnableUploads") {
            Ok(())
        } else {
            Err(app_error(
                "app.plugin.upload_disabled.app_error",
                "Plugins and/or plugin uploads have been disabled.",
                501,
            ))
        }
    }

    /// Makes `supervisor` the one that launches the plugins this host installs, unless a live
    /// one already does (the first supervisor built with the host: `mm-host run`'s, a test
    /// host's).
    pub(crate) fn offer_installer(&self, supervisor: WeakSupervisor) {
        let mut installer = self.inner.installer.write().unwrap_or_else(std::sync::PoisonError::into_inner);
        if installer.as_ref().and_then(WeakSupervisor::upgrade).is_none() {
            *installer = Some(supervisor);
        }
    }

    /// Installs the plugin in `bundle` (a `.tar.gz` as `mm-host bundle` writes it) into
    /// `PluginSettings.Directory/<id>` and returns its manifest; `replace` overwrites an
    /// installed plugin of the same id (stopping it, and starting the new one if the old one
    /// ran), as the server's `force`. The plugin is not started: enable it
    /// (`POST /api/v4/plugins/<id>/enable`, `EnablePlugin`).
    pub async fn install_plugin_bundle(&self, bundle: &[u8], replace: bool) -> Result<Manifest, AppError> {
        let plugins_dir = self.plugins_dir();
        let created = !plugins_dir.exists();
        let installed = self.install_into(&plugins_dir, bundle, replace).await;
        if installed.is_err() && created {
            // A failed first install leaves no empty `plugins` folder behind.
            let _ = std::fs::remove_dir(&plugins_dir);
        }
        installed
    }

    async fn install_into(
        &self,
        plugins_dir: &Path,
        bundle: &[u8],
        replace: bool,
    ) -> Result<Manifest, AppError> {
        std::fs::create_dir_all(plugins_dir)
            .map_err(filesystem_error(format!("creating {}", plugins_dir.display())))?;
        let staging = Staging::new(plugins_dir);
        unpack(bundle, staging.path())?;
        let root = manifest_folder(staging.path())?;
        let manifest = Manifest::from_file(root.join(MANIFEST_FILE_NAME)).map_err(|e| {
            app_error(
                "app.plugin.manifest.app_error",
                format!("Unable to find manifest for extracted plugin: {e}"),
                400,
            )
        })?;
        // A bundle this machine cannot run (no executable for it) is refused before anything
        // installed is touched.
        PluginSpec::from_dir(&root).map_err(not_runnable)?;
        let id = manifest.id.clone();
        let dest = plugins_dir.join(&id);
        let was_running = self.plugin(&id).is_some();
        if dest.exists() || self.is_known(&id) {
            if !replace {
                return Err(app_error(
                    "app.plugin.install_id.app_error",
                    "Unable to install plugin. A plugin with the same ID is already installed.",
                    400,
                ));
            }
            if was_running {
                self.stop_for_replace(&id).await?;
            }
            if dest.exists() {
                std::fs::remove_dir_all(&dest)
                    .map_err(filesystem_error(format!("removing {}", dest.display())))?;
            }
        }
        std::fs::rename(&root, &dest)
            .map_err(filesystem_error(format!("moving the plugin to {}", dest.display())))?;
        let spec = PluginSpec::from_dir(&dest).map_err(not_runnable)?;
        self.set_plugin_manifest(&manifest);
        let installer =
            self.inner.installer.read().unwrap_or_else(std::sync::PoisonError::into_inner).clone();
        self.record_install(&spec, installer.clone());
        tracing::info!(target: "mm_host::plugins", plugin = %id, dir = %dest.display(), "installed");
        if was_running && let Some(supervisor) = installer.as_ref().and_then(WeakSupervisor::upgrade) {
            supervisor.start(spec).await.map_err(|e| {
                app_error(
                    "app.plugin.restart.app_error",
                    format!("Unable to restart plugin on upgrade: {e}"),
                    500,
                )
            })?;
        }
        Ok(manifest)
    }

    /// Stops a running plugin that an upload replaces.
    async fn stop_for_replace(&self, plugin_id: &str) -> Result<(), AppError> {
        let supervisor = self
            .launch_supervisor(plugin_id)
            .ok_or_else(|| crate::installed_plugins::not_supervised(plugin_id, "replace"))?;
        supervisor.stop(plugin_id).await.map(drop).map_err(|e| {
            app_error("app.plugin.deactivate.app_error", format!("Unable to deactivate plugin: {e}"), 500)
        })
    }
}

/// A fresh folder inside the plugins folder (so the final move is a rename), removed when
/// dropped with whatever is left in it.
struct Staging(PathBuf);

impl Staging {
    fn new(plugins_dir: &Path) -> Staging {
        static NEXT: AtomicU64 = AtomicU64::new(0);
        let name = format!(".upload-{}-{}", std::process::id(), NEXT.fetch_add(1, Ordering::Relaxed));
        Staging(plugins_dir.join(name))
    }

    fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Unpacks a `.tar.gz` into `dir`; entries that would land outside it are refused by `tar`.
fn unpack(bundle: &[u8], dir: &Path) -> Result<(), AppError> {
    let bad = |e: std::io::Error| {
        app_error("app.plugin.extract.app_error", format!("Unable to extract plugin file: {e}"), 400)
    };
    std::fs::create_dir_all(dir).map_err(bad)?;
    let gz = flate2::read::GzDecoder::new(bundle).take(MAX_UNPACKED);
    let mut archive = tar::Archive::new(gz);
    archive.set_preserve_permissions(true);
    archive.unpack(dir).map_err(bad)
}

/// The folder holding `plugin.json`: `dir` itself, or its only subfolder (a bundle's layout).
fn manifest_folder(dir: &Path) -> Result<PathBuf, AppError> {
    if dir.join(MANIFEST_FILE_NAME).is_file() {
        return Ok(dir.to_path_buf());
    }
    let entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|entries| entries.filter_map(Result::ok).map(|entry| entry.path()).collect())
        .unwrap_or_default();
    match entries.as_slice() {
        [only] if only.is_dir() && only.join(MANIFEST_FILE_NAME).is_file() => Ok(only.clone()),
        _ => Err(app_error(
            "app.plugin.manifest.app_error",
            "Unable to find manifest for extracted plugin: no plugin.json at the top of the bundle or in its \
             only folder",
            400,
        )),
    }
}
