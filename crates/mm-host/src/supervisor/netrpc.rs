//! A plugin on a stock server's protocol (go-plugin net/rpc): the steps after the handshake
//! line, as the server's `plugin.Environment` takes them.
//!
//! Dial the plugin's socket and run the yamux client (streams 1, 3, 5), `Dispenser.Dispense
//! ("hooks")`, `Plugin.Implemented`, then `Plugin.OnActivate` with two ids of the host's
//! broker: the PluginAPI served there as `Plugin` (the same handlers as over gRPC) and the DB
//! driver connection (refused: mm-host has no database). `OnActivate` is called whether or not
//! the plugin listed it, as the server does. Health is `Control.Ping`; stopping is
//! `OnDeactivate`, `Control.Quit` and closing the session.

use std::sync::Arc;
use std::time::Duration;

use mm_netrpc::host::PluginClient;
use mm_netrpc::rpc::{Args, Call, Refusal, Service};
use mm_proto::netrpc::special::{ErrorReturns, OnActivateArgs};

use super::connection::{activation_outcome, secs};
use super::error::{SupervisorError, SupervisorErrorKind};
use super::handshake::PluginAddress;
use crate::events::NetRpcHooks;

/// Dials the plugin and starts the session.
pub(crate) async fn connect(
    id: &str,
    address: &PluginAddress,
    timeout: Duration,
) -> Result<PluginClient, SupervisorError> {
    let connect_error = |e: &dyn std::fmt::Display| {
        SupervisorError::new(
            SupervisorErrorKind::Connect,
            id,
            format!("connecting to the plugin at {address}: {e}"),
        )
    };
    let connecting = async {
        match address {
            PluginAddress::Unix(path) => {
                let io = tokio::net::UnixStream::connect(path).await.map_err(|e| connect_error(&e))?;
                mm_netrpc::host::connect(io, false).await.map_err(|e| connect_error(&e))
            }
            PluginAddress::Tcp(addr) => {
                let io = tokio::net::TcpStream::connect(addr).await.map_err(|e| connect_error(&e))?;
                let _ = io.set_nodelay(true);
                mm_netrpc::host::connect(io, false).await.map_err(|e| connect_error(&e))
            }
        }
    };
    tokio::time::timeout(timeout, connecting).await.map_err(|_| {
        SupervisorError::new(
            SupervisorErrorKind::Connect,
            id,
            format!("connecting to the plugin at {address} took longer than {}", secs(timeout)),
        )
    })?
}

/// `Dispenser.Dispense("hooks")`: the plugin's hooks object.
pub(crate) async fn dispense_hooks(
    id: &str,
    client: &PluginClient,
    timeout: Duration,
) -> Result<NetRpcHooks, SupervisorError> {
    let error = |message: String| SupervisorError::new(SupervisorErrorKind::Connect, id, message);
    let rpc = tokio::time::timeout(timeout, client.dispense("hooks"))
        .await
        .map_err(|_| error(format!("Dispenser.Dispense(\"hooks\") did not answer within {}", secs(timeout))))?
        .map_err(|e| error(format!("Dispenser.Dispense(\"hooks\") failed: {e}")))?;
    Ok(NetRpcHooks::new(rpc, client.broker().clone()))
}

/// `Plugin.Implemented`: the hook names.
pub(crate) async fn call_implemented(
    id: &str,
    hooks: &NetRpcHooks,
    timeout: Duration,
) -> Result<Vec<String>, SupervisorError> {
    let error = |message: String| SupervisorError::new(SupervisorErrorKind::Implemented, id, message);
    tokio::time::timeout(timeout, hooks.rpc().call::<Vec<String>>("Plugin.Implemented", &()))
        .await
        .map_err(|_| error(format!("Implemented did not answer within {}", secs(timeout))))?
        .map_err(|e| error(format!("Implemented failed: {e}")))
}

/// `Control.Ping`, the stock server's health check.
pub(crate) async fn ping(id: &str, client: &PluginClient, timeout: Duration) -> Result<(), SupervisorError> {
    let error = |message: String| SupervisorError::new(SupervisorErrorKind::Health, id, message);
    tokio::time::timeout(timeout, client.ping())
        .await
        .map_err(|_| error(format!("Control.Ping did not answer within {}", secs(timeout))))?
        .map_err(|e| error(format!("Control.Ping failed: {e}")))
}

/// `Plugin.OnActivate`: serves `api` and the (refusing) DB driver on two new ids of the host's
/// broker, hands both ids over and reads the answer; an `AppError` means activation failed.
pub(crate) async fn activate(
    id: &str,
    client: &PluginClient,
    hooks: &NetRpcHooks,
    api: Arc<dyn Service>,
    timeout: Duration,
) -> Result<(), SupervisorError> {
    let broker = client.broker();
    let api_mux_id = broker.serve_object(api);
    let driver_mux_id = broker.serve_object(NO_DATABASE);
    let args = OnActivateArgs { api_mux_id, driver_mux_id };
    let call = hooks.rpc().call::<ErrorReturns>("Plugin.OnActivate", &args);
    let answer = match tokio::time::timeout(timeout, call).await {
        Err(_) => Err(format!("OnActivate did not answer within {}", secs(timeout))),
        Ok(Err(e)) => Err(format!("OnActivate failed: {e}")),
        Ok(Ok(reply)) => Ok(reply.a),
    };
    activation_outcome(id, answer)
}

/// `Control.Quit` and the session closed, as go-plugin's `Kill` does before it waits for the
/// process; a plugin that does not answer within `limit` is left to the caller's kill.
pub(crate) async fn quit(id: &str, client: PluginClient, limit: Duration) {
    match tokio::time::timeout(limit, client.shutdown()).await {
        Ok(Ok(_)) => {}
        Ok(Err(e)) => tracing::debug!(target: "mm_host::supervisor", plugin = id, "Control.Quit: {e}"),
        Err(_) => {
            tracing::debug!(target: "mm_host::supervisor", plugin = id, "Control.Quit did not answer within {}", secs(limit))
        }
    }
}

/// A net/rpc object that refuses every call, saying why: the DB driver connection (mm-host has
/// no database) and the API of a plugin whose supervisor works with no host.
pub(crate) struct Refusing(pub(crate) &'static str);

/// What the DB driver connection answers.
const NO_DATABASE: Refusing = Refusing("mm-host has no database (the DB driver connection)");

/// What the API answers when the registry serves none.
pub(crate) const NO_PLUGIN_API: Refusing = Refusing("no PluginAPI is served to this plugin");

impl Service for Refusing {
    fn call(&self, method: &str, _args: &mut Args<'_>) -> Result<Call, Refusal> {
        let text = format!("{}: Plugin.{method} cannot be served", self.0);
        Ok(Call::new(async move { Err::<(), _>(text) }))
    }
}
