//! Serving a plugin to a stock Mattermost server: go-plugin's net/rpc protocol.
//!
//! Every released server runs plugins this way. The plugin listens on a unix socket and prints
//! `1|1|unix|<path>|netrpc|`; the server connects, runs a yamux session over the connection,
//! asks go-plugin's dispenser for `"hooks"` and calls `Plugin.<Hook>` on the stream it gets,
//! with Go's gob encoding. When it activates the plugin (`OnActivate`) it hands over a broker
//! id on which it serves its API; the plugin dials it and the [`Client`](mm_client::Client)
//! in every hook's context calls the API there.
//!
//! The hooks run through the same [`Dispatcher`] as over gRPC: the gob arguments decode into
//! the same request messages (the mapping `mm_proto::netrpc` generates), and the responses
//! encode back as the Go reply structs. Hooks that carry byte streams (`ServeHTTP`,
//! `ServeMetrics`, `FileWillBeUploaded`) and `OnActivate` (which dials the API) are handled
//! here by hand.

mod hooks;
mod http;

use std::io::Write;
use std::sync::Arc;
use std::time::Duration;

use mm_netrpc::handshake::HandshakeConfig;
use mm_netrpc::plugin::{Listener, StopReason};

use crate::dispatch::{Dispatcher, Shared};
use crate::plugin::Plugin;
use crate::runtime::{
    DEFAULT_DEACTIVATE_TIMEOUT, DEFAULT_DRAIN_TIMEOUT, ShutdownReason, ShutdownTrigger, deactivate_if_needed,
    watch_parent,
};
use crate::runtime_error::RuntimeError;

/// How long the server may take to connect after the handshake line (it allows itself 3 s to
/// start a plugin, handshake included).
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// What `run` does when the server speaks net/rpc (no `MATTERMOST_PLUGIN_API_TARGET`).
pub(crate) async fn launch<P: Plugin>(plugin: P) -> Result<ShutdownReason, RuntimeError> {
    let config = HandshakeConfig::MATTERMOST;
    let listener = Listener::bind(&config)
        .map_err(|e| RuntimeError::NetRpc { what: "opening the plugin's socket", source: e })?;
    write_handshake(&listener.handshake_line())?;

    let api = mm_client::NetRpcApi::new();
    let client = mm_client::Client::builder().service(api.clone());
    let shared = Arc::new(Shared::new(plugin, client, None));
    let dispatcher = Dispatcher::new(shared.clone());
    let trigger = ShutdownTrigger::default();
    tokio::spawn(watch_parent(trigger.clone()));
    let signals = watch_signals(trigger.clone())?;

    let service_api = api.clone();
    let dispenser = move |name: &str,
                          broker: &mm_netrpc::broker::Broker|
          -> Result<Arc<dyn mm_netrpc::rpc::Service>, String> {
        if name != "hooks" {
            return Err(format!("this plugin dispenses \"hooks\", not {name:?}"));
        }
        Ok(Arc::new(hooks::HookServer::new(dispatcher.clone(), service_api.clone(), broker.clone())))
    };

    let connection = tokio::select! {
        accepted = tokio::time::timeout(CONNECT_TIMEOUT, listener.accept(dispenser)) => match accepted {
            Ok(Ok(connection)) => connection,
            Ok(Err(e)) => return Err(RuntimeError::NetRpc { what: "accepting the server's connection", source: e }),
            Err(_) => return Err(RuntimeError::Config("the server did not connect within 10 s of the handshake")),
        },
        () = trigger.token.cancelled() => return Ok(trigger.reason()),
    };
    tracing::info!("plugin serving hooks over net/rpc");

    let reason = tokio::select! {
        stop = connection.stopped() => match stop {
            StopReason::Quit => ShutdownReason::Controller,
            other => {
                tracing::info!(reason = %other, "the server's connection ended");
                ShutdownReason::ConnectionClosed
            }
        },
        () = trigger.token.cancelled() => trigger.reason(),
    };
    signals.abort();

    tracing::info!(reason = %reason, "plugin shutting down");
    shared.in_flight.close();
    if tokio::time::timeout(DEFAULT_DRAIN_TIMEOUT, shared.in_flight.wait()).await.is_err() {
        tracing::warn!(
            calls = shared.in_flight.len(),
            "hook calls still running after the drain timeout; cancelling them"
        );
    }
    deactivate_if_needed(&shared, DEFAULT_DEACTIVATE_TIMEOUT).await;
    shared.root.cancel();
    api.disconnect();
    drop(connection);
    tracing::info!(reason = %reason, "plugin stopped");
    Ok(reason)
}

/// SIGTERM shuts down gracefully; SIGINT is ignored, as go-plugin's plugins ignore it (a
/// Ctrl-C at the server's terminal reaches its plugins too; the server stops them itself).
fn watch_signals(trigger: ShutdownTrigger) -> Result<tokio::task::JoinHandle<()>, RuntimeError> {
    use tokio::signal::unix::{SignalKind, signal};
    let io = |source| RuntimeError::Io { what: "installing signal handlers", source };
    let mut term = signal(SignalKind::terminate()).map_err(io)?;
    let mut int = signal(SignalKind::interrupt()).map_err(io)?;
    Ok(tokio::spawn(async move {
        loop {
            tokio::select! {
                _ = term.recv() => {
                    trigger.fire(ShutdownReason::Signal("SIGTERM"));
                    return;
                }
                _ = int.recv() => tracing::debug!("SIGINT ignored: the server stops its plugins itself"),
                () = trigger.token.cancelled() => return,
            }
        }
    }))
}

fn write_handshake(line: &str) -> Result<(), RuntimeError> {
    let mut stdout = std::io::stdout().lock();
    writeln!(stdout, "{line}")
        .and_then(|()| stdout.flush())
        .map_err(|source| RuntimeError::Io { what: "writing the handshake to stdout", source })
}
