//! `mm-host run`: one plugin under the local host until Ctrl-C.

use crate::supervisor::PluginSpec;

use super::output::Printer;
use super::session::Session;
use super::{CliError, RunArgs};

pub(super) async fn run(args: RunArgs, printer: Printer) -> Result<(), CliError> {
    let mut spec = PluginSpec::from_path(&args.plugin).map_err(|e| CliError(e.to_string()))?;
    if let Some(id) = args.plugin_id {
        spec = spec.with_plugin_id(id).map_err(|e| CliError(e.to_string()))?;
    }
    if let Some(protocol) = args.protocol {
        spec = spec.with_protocol(protocol.into());
    }
    if let Some(manifest) = spec.manifest() {
        printer.step(&format!("Plugin {manifest}"));
    }
    let session = Session::start(spec, args.port, &args.settings, printer).await?;
    session.print_summary();
    session.serve_until_interrupted().await
}
