//! `mm-host run`: one plugin under the local host until Ctrl-C.

use std::path::Path;

use crate::manifest::MANIFEST_FILE_NAME;
use crate::supervisor::PluginSpec;

use super::output::Printer;
use super::session::Session;
use super::{CliError, RunArgs};

pub(super) async fn run(args: RunArgs, printer: Printer) -> Result<(), CliError> {
    let crate_dir = plugin_crate(&args.plugin);
    if args.watch && crate_dir.is_none() {
        return Err(CliError(format!(
            "--watch needs a plugin folder with its crate (Cargo.toml and plugin.json); {} is not one",
            args.plugin.display()
        )));
    }
    let mut spec = match crate_dir {
        Some(dir) => build(dir, &printer).await?,
        None => PluginSpec::from_path(&args.plugin).map_err(|e| CliError(e.to_string()))?,
    };
    if let Some(id) = args.plugin_id {
        spec = spec.with_plugin_id(id).map_err(|e| CliError(e.to_string()))?;
    }
    if let Some(protocol) = args.protocol {
        spec = spec.with_protocol(protocol.into());
    }
    if let Some(manifest) = spec.manifest() {
        printer.step(&format!("Plugin {manifest}"));
    }
    let mut session = Session::start(spec, args.port, &args.settings, printer).await?;
    session.print_summary();
    if args.watch
        && let Some(dir) = crate_dir
    {
        session.watch(dir.to_path_buf());
    }
    session.serve_until_interrupted().await
}

/// The plugin folder when `path` is one with its crate (`Cargo.toml` and `plugin.json`).
fn plugin_crate(path: &Path) -> Option<&Path> {
    (path.join("Cargo.toml").is_file() && path.join(MANIFEST_FILE_NAME).is_file()).then_some(path)
}

/// Builds the crate in `dir` (debug, for this machine) and runs the binary with the folder's
/// `plugin.json`, as the server runs the bundle.
pub(super) async fn build(dir: &Path, printer: &Printer) -> Result<PluginSpec, CliError> {
    printer.step(&format!("Building the plugin in {}", dir.display()));
    let owned = dir.to_path_buf();
    let binary = tokio::task::spawn_blocking(move || crate::bundle::build_for_this_machine(&owned))
        .await
        .map_err(|e| CliError(format!("the build did not finish: {e}")))?
        .map_err(|e| CliError(e.to_string()))?;
    PluginSpec::from_binary(&binary)
        .and_then(|spec| spec.with_manifest_file(dir.join(MANIFEST_FILE_NAME)))
        .map_err(|e| CliError(e.to_string()))
}
