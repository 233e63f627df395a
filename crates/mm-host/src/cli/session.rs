//! One plugin running under the local host: start, summary, wait, graceful stop.

use std::future::Future;
use std::sync::Arc;

use tokio::signal::unix::{Signal, SignalKind, signal};
use tokio::sync::broadcast::{self, error::RecvError, error::TryRecvError};

use crate::Host;
use crate::supervisor::{PluginSpec, Supervisor, SupervisorEvent};

use super::CliError;
use super::output::Printer;

/// The port Mattermost listens on by default; the host uses it when free.
pub(crate) const DEFAULT_PORT: u16 = 8065;

/// A running host with one supervised plugin.
#[derive(Debug)]
pub(crate) struct Session {
    pub(crate) host: Host,
    pub(crate) supervisor: Supervisor,
    pub(crate) plugin_id: String,
    events: broadcast::Receiver<SupervisorEvent>,
    gave_up: bool,
    signals: StopSignals,
    pub(crate) printer: Printer,
    /// `--watch`: the plugin folder to rebuild from and what its sources looked like.
    watch: Option<(std::path::PathBuf, super::watch::Snapshot)>,
}

/// SIGINT (Ctrl-C) and SIGTERM, listened to from the start, so either stops the session
/// gracefully even while the plugin is still starting.
#[derive(Debug)]
struct StopSignals {
    interrupt: Signal,
    terminate: Signal,
}

impl StopSignals {
    fn listen() -> Result<StopSignals, CliError> {
        let listen = |kind: SignalKind, name: &str| {
            signal(kind).map_err(|e| CliError(format!("cannot listen for {name}: {e}")))
        };
        Ok(StopSignals {
            interrupt: listen(SignalKind::interrupt(), "SIGINT")?,
            terminate: listen(SignalKind::terminate(), "SIGTERM")?,
        })
    }

    /// The next SIGINT or SIGTERM, by name.
    async fn next(&mut self) -> &'static str {
        tokio::select! {
            _ = self.interrupt.recv() => "SIGINT",
            _ = self.terminate.recv() => "SIGTERM",
        }
    }
}

impl Session {
    /// Starts the host (HTTP front on `port`, or 8065 falling back to any free port) and the
    /// plugin, printing progress.
    pub(crate) async fn start(
        spec: PluginSpec,
        port: Option<u16>,
        settings: &[(String, serde_json::Value)],
        printer: Printer,
    ) -> Result<Session, CliError> {
        let signals = StopSignals::listen()?;
        let host = start_host(port, printer).await?;
        let url = host.http_url().unwrap_or_default();
        printer.ok(&format!(
            "local Mattermost stand-in at {url} (server version {})",
            crate::DEFAULT_SERVER_VERSION
        ));

        let supervisor = Supervisor::builder(Arc::new(host.clone())).build();
        // A development host: `mm-host deploy` may upload bundles to it (the supervisor just
        // built runs them).
        host.set_plugin_uploads(true).await.map_err(|e| CliError(format!("allowing plugin uploads: {e}")))?;
        let plugin_id = spec.plugin_id().to_owned();
        if let Some(manifest) = spec.manifest() {
            host.set_manifest(manifest.summary());
        }
        for (key, value) in settings {
            host.set_plugin_setting(&plugin_id, key, value.clone())
                .await
                .map_err(|e| CliError(format!("the setting {key}: {e}")))?;
            printer.info(&format!("setting {} = {value}", key.to_lowercase()));
        }
        let mut session = Session {
            events: supervisor.subscribe(),
            host,
            supervisor,
            plugin_id,
            gave_up: false,
            signals,
            printer,
            watch: None,
        };

        printer.step(&format!(
            "Starting plugin {} over {}",
            session.plugin_id,
            protocol_name(spec.protocol())
        ));
        let supervisor = session.supervisor.clone();
        if let Err(error) = session.while_printing(supervisor.start(spec)).await {
            session.host.shutdown();
            return Err(CliError(error.to_string()));
        }
        Ok(session)
    }

    /// Runs `work` while printing supervisor events, then prints the events it caused.
    pub(crate) async fn while_printing<F: Future>(&mut self, work: F) -> F::Output {
        tokio::pin!(work);
        let output = loop {
            tokio::select! {
                biased;
                event = self.events.recv() => self.show(event),
                output = &mut work => break output,
            }
        };
        loop {
            match self.events.try_recv() {
                Ok(event) => self.show(Ok(event)),
                Err(TryRecvError::Lagged(missed)) => self.show(Err(RecvError::Lagged(missed))),
                Err(TryRecvError::Empty | TryRecvError::Closed) => break,
            }
        }
        output
    }

    fn show(&mut self, event: Result<SupervisorEvent, RecvError>) {
        match event {
            Ok(event) => {
                self.printer.event(&event);
                if matches!(&event, SupervisorEvent::GaveUp { plugin_id, .. } if *plugin_id == self.plugin_id)
                {
                    self.gave_up = true;
                }
            }
            Err(RecvError::Lagged(missed)) => {
                self.printer.problem(&format!("({missed} supervisor events not shown)"))
            }
            Err(RecvError::Closed) => {}
        }
    }

    /// Prints where the plugin and the REST API answer.
    pub(crate) fn print_summary(&self) {
        let printer = self.printer;
        let url = self.host.http_url().unwrap_or_default();
        let token = &self.host.seed().admin_token;
        printer.step(&format!("{} is running", self.plugin_id));
        let serves_http =
            self.supervisor.connection(&self.plugin_id).is_some_and(|c| c.implements("ServeHTTP"));
        if serves_http {
            printer.info(&format!("plugin HTTP routes: {url}/plugins/{}/", self.plugin_id));
        } else {
            printer.info("plugin HTTP routes: none (the plugin does not implement ServeHTTP)");
        }
        printer
            .info(&format!("REST API:           {url}/api/v4   (Authorization: Bearer {token}, user admin)"));
        printer.info(&format!(
            "try:                curl -H 'Authorization: Bearer {token}' {url}/api/v4/users/me"
        ));
    }

    /// Serves until SIGINT (Ctrl-C) or SIGTERM, then stops the plugin gracefully. A plugin that
    /// is deactivated meanwhile (it failed too often) does not end the session: as on a
    /// server, its routes answer 404 and the REST API keeps serving; the session then ends
    /// with an error once stopped, so scripts see that the plugin did not survive.
    pub(crate) async fn serve_until_interrupted(mut self) -> Result<(), CliError> {
        self.printer.step("Serving; press Ctrl-C to stop");
        let mut announced = false;
        let mut events_open = true;
        let signal = loop {
            if self.gave_up && !announced {
                announced = true;
                self.printer.problem(&format!(
                    "{id} is deactivated (it failed too often): /plugins/{id}/ answers 404 as on a server, the \
                     REST API keeps serving; press Ctrl-C to stop",
                    id = self.plugin_id
                ));
            }
            tokio::select! {
                signal = self.signals.next() => break signal,
                event = self.events.recv(), if events_open => {
                    events_open = !matches!(event, Err(RecvError::Closed));
                    self.show(event);
                }
                () = tokio::time::sleep(super::watch::POLL), if self.watch.is_some() => {
                    self.rebuild_if_changed().await;
                    announced = false;
                }
            }
        };
        tracing::debug!(signal, "stopping");
        if self.gave_up {
            self.printer.step("Stopping");
            self.host.shutdown();
            return Err(CliError(format!("plugin {} failed too often and was deactivated", self.plugin_id)));
        }
        self.stop().await;
        Ok(())
    }

    /// Rebuilds and restarts the plugin on changes to the plugin folder (`--watch`).
    pub(crate) fn watch(&mut self, dir: std::path::PathBuf) {
        let snapshot = super::watch::Snapshot::take(&dir);
        self.printer.info(&format!("watching {} (src/, Cargo.toml, build.rs, plugin.json)", dir.display()));
        self.watch = Some((dir, snapshot));
    }

    async fn rebuild_if_changed(&mut self) {
        let Some((dir, before)) = &self.watch else { return };
        let dir = dir.clone();
        let now = super::watch::Snapshot::take(&dir);
        if now == *before {
            return;
        }
        self.watch = Some((dir.clone(), now));
        self.printer.step("Sources changed: rebuilding");
        let spec = match super::run::build(&dir, &self.printer).await {
            Ok(spec) => spec,
            Err(error) => {
                // The running plugin (if any) keeps serving; the next change tries again.
                self.printer.problem(&format!("{error}; the running plugin is unchanged"));
                return;
            }
        };
        let supervisor = self.supervisor.clone();
        let plugin_id = self.plugin_id.clone();
        if supervisor.connection(&plugin_id).is_some()
            && let Err(error) = self.while_printing(supervisor.stop(&plugin_id)).await
        {
            self.printer.problem(&error.to_string());
        }
        self.gave_up = false;
        match self.while_printing(supervisor.start(spec)).await {
            Ok(_) => self.print_summary(),
            Err(error) => self.printer.problem(&format!("{error}; fix the plugin and save again")),
        }
    }

    /// Stops the plugin (OnDeactivate, Shutdown, kill after 2 s) and the host.
    pub(crate) async fn stop(mut self) {
        self.printer.step(&format!("Stopping {}", self.plugin_id));
        let supervisor = self.supervisor.clone();
        let plugin_id = self.plugin_id.clone();
        if let Err(error) = self.while_printing(supervisor.stop(&plugin_id)).await {
            self.printer.problem(&error.to_string());
        }
        self.host.shutdown();
    }
}

/// How the CLI names a protocol.
fn protocol_name(protocol: mm_proto::protocol::Protocol) -> &'static str {
    match protocol {
        mm_proto::protocol::Protocol::Grpc => "gRPC (the multi-language fork's protocol)",
        _ => "net/rpc (the protocol of stock servers)",
    }
}

async fn start_host(port: Option<u16>, printer: Printer) -> Result<Host, CliError> {
    match port {
        Some(port) => Host::builder().http_port(port).start().await.map_err(|e| {
            CliError(format!("{e} (choose another port with --port, or --port 0 for any free one)"))
        }),
        None => match Host::builder().http_port(DEFAULT_PORT).start().await {
            Ok(host) => Ok(host),
            Err(error) => {
                printer.info(&format!("port {DEFAULT_PORT} is not available ({error}); using a free port"));
                Host::builder().http_port(0).start().await.map_err(|e| CliError(e.to_string()))
            }
        },
    }
}
