//! The host's side of a running plugin: its gRPC channel, hooks client and `Implemented` list.

use std::collections::BTreeSet;
use std::sync::Arc;
use std::time::Duration;

use hyper_util::rt::TokioIo;
use mm_proto::go_plugin::Empty as GoPluginEmpty;
use mm_proto::go_plugin::grpc_controller_client::GrpcControllerClient;
use mm_proto::v1::plugin_hooks_client::PluginHooksClient;
use mm_proto::v1::{ImplementedRequest, OnActivateRequest, OnDeactivateRequest};
use mm_types::AppError;
use tonic::transport::{Channel, Endpoint, Uri};
use tonic_health::pb::HealthCheckRequest;
use tonic_health::pb::health_check_response::ServingStatus;
use tonic_health::pb::health_client::HealthClient;

use super::error::{SupervisorError, SupervisorErrorKind};
use super::handshake::PluginAddress;
use crate::events::{GrpcHooks, HookLink, HookTransport};
use mm_proto::protocol::Protocol;

/// The health service name go-plugin checks.
pub(crate) const HEALTH_SERVICE: &str = "plugin";

/// A running plugin as the host sees it: its id, a connected hooks client over the protocol
/// it runs on, and the hooks it listed in `Implemented`.
///
/// Cheap to clone (the connection is shared). The host calls only the hooks in
/// [`implemented`](Self::implemented), like the server.
#[derive(Debug, Clone)]
pub struct PluginConnection {
    id: Arc<str>,
    link: HookLink,
    implemented: Arc<BTreeSet<String>>,
    address: Option<PluginAddress>,
}

impl PluginConnection {
    /// A gRPC connection from parts: for plugins served in-process (the test kit) or reached
    /// another way. `channel` reaches the plugin's gRPC services; `implemented` holds exact
    /// hook RPC names.
    pub fn new(
        id: impl Into<String>,
        channel: Channel,
        implemented: impl IntoIterator<Item = String>,
    ) -> Self {
        Self::over(id, HookLink::Grpc(GrpcHooks::new(channel)), implemented)
    }

    /// A connection over `link` (gRPC or net/rpc); `implemented` holds exact hook names.
    pub fn over(
        id: impl Into<String>,
        link: HookLink,
        implemented: impl IntoIterator<Item = String>,
    ) -> Self {
        PluginConnection {
            id: Arc::from(id.into()),
            link,
            implemented: Arc::new(implemented.into_iter().collect()),
            address: None,
        }
    }

    /// Connects to a plugin serving gRPC at `address`, checks its health and asks
    /// `Implemented` (as the fork's server does right after the handshake), with the server's
    /// limits.
    pub async fn connect(id: impl Into<String>, address: PluginAddress) -> Result<Self, SupervisorError> {
        let id = id.into();
        let channel = open_channel(&id, &address, CONNECT_TIMEOUT).await?;
        check_health(&id, &channel, PING_TIMEOUT).await?;
        let implemented = call_implemented(&id, &channel, IMPLEMENTED_TIMEOUT).await?;
        let mut connection = PluginConnection::new(id, channel, implemented);
        connection.address = Some(address);
        Ok(connection)
    }

    /// The plugin id.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// The plugin's hooks over the protocol it runs on.
    pub fn link(&self) -> &HookLink {
        &self.link
    }

    /// The protocol the plugin runs on.
    pub fn protocol(&self) -> Protocol {
        self.link.protocol()
    }

    /// A `PluginHooks` client for a plugin running on gRPC (a cheap clone sharing the
    /// connection), with unlimited message sizes as go-plugin dials plugins; `None` over net/rpc.
    pub fn hooks(&self) -> Option<PluginHooksClient<Channel>> {
        self.channel().map(hooks_client)
    }

    /// The gRPC channel to a plugin running on gRPC (clones share the connection); `None`
    /// over net/rpc.
    pub fn channel(&self) -> Option<Channel> {
        match &self.link {
            HookLink::Grpc(grpc) => Some(grpc.channel()),
            _ => None,
        }
    }

    /// The hook names the plugin listed in `Implemented` (exact RPC names).
    pub fn implemented(&self) -> &BTreeSet<String> {
        &self.implemented
    }

    /// Whether the plugin listed `hook` (an RPC name such as `MessageWillBePosted`).
    pub fn implements(&self, hook: &str) -> bool {
        self.implemented.contains(hook)
    }

    /// Where the plugin serves, when known.
    pub fn address(&self) -> Option<&PluginAddress> {
        self.address.as_ref()
    }

    pub(crate) fn with_address(mut self, address: PluginAddress) -> Self {
        self.address = Some(address);
        self
    }
}

pub(crate) const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
pub(crate) const PING_TIMEOUT: Duration = Duration::from_secs(10);
pub(crate) const IMPLEMENTED_TIMEOUT: Duration = Duration::from_secs(30);

pub(crate) fn hooks_client(channel: Channel) -> PluginHooksClient<Channel> {
    PluginHooksClient::new(channel)
        .max_decoding_message_size(usize::MAX)
        .max_encoding_message_size(usize::MAX)
}

/// Dials the plugin. No HTTP/2 keepalive pings: the health checks keep watch instead.
pub(crate) async fn open_channel(
    id: &str,
    address: &PluginAddress,
    timeout: Duration,
) -> Result<Channel, SupervisorError> {
    let connect_error = |e: tonic::transport::Error| {
        SupervisorError::new(
            SupervisorErrorKind::Connect,
            id,
            format!("cannot connect to the plugin at {address}"),
        )
        .with_source(e)
    };
    let result = match address {
        PluginAddress::Tcp(addr) => {
            let endpoint = Endpoint::from_shared(format!("http://{addr}")).map_err(connect_error)?;
            tokio::time::timeout(timeout, endpoint.connect_timeout(timeout).tcp_nodelay(true).connect()).await
        }
        PluginAddress::Unix(path) => {
            let path = path.clone();
            // The URI is a placeholder: the connector ignores it and dials the socket.
            let endpoint = Endpoint::from_static("http://plugin.sock");
            let connector = tower::service_fn(move |_: Uri| {
                let path = path.clone();
                async move { tokio::net::UnixStream::connect(path).await.map(TokioIo::new) }
            });
            tokio::time::timeout(timeout, endpoint.connect_with_connector(connector)).await
        }
    };
    match result {
        Ok(channel) => channel.map_err(connect_error),
        Err(_) => Err(SupervisorError::new(
            SupervisorErrorKind::Connect,
            id,
            format!("connecting to the plugin at {address} took longer than {}", secs(timeout)),
        )),
    }
}

/// One gRPC health ping for service `plugin`; SERVING is healthy.
pub(crate) async fn check_health(
    id: &str,
    channel: &Channel,
    timeout: Duration,
) -> Result<(), SupervisorError> {
    let mut client = HealthClient::new(channel.clone());
    let request = HealthCheckRequest { service: HEALTH_SERVICE.to_owned() };
    let answer = tokio::time::timeout(timeout, client.check(request)).await.map_err(|_| {
        SupervisorError::new(
            SupervisorErrorKind::Health,
            id,
            format!("the health check did not answer within {}", secs(timeout)),
        )
    })?;
    let response = answer.map_err(|status| {
        SupervisorError::new(
            SupervisorErrorKind::Health,
            id,
            format!("the health check failed: {} ({:?})", status.message(), status.code()),
        )
    })?;
    let status = response.into_inner().status;
    if status == ServingStatus::Serving as i32 {
        Ok(())
    } else {
        let name = ServingStatus::try_from(status).map(|s| s.as_str_name()).unwrap_or("unknown status");
        Err(SupervisorError::new(
            SupervisorErrorKind::Health,
            id,
            format!("the health service reports \"{HEALTH_SERVICE}\" as {name}, not SERVING"),
        ))
    }
}

/// Calls `Implemented` and returns the hook names.
pub(crate) async fn call_implemented(
    id: &str,
    channel: &Channel,
    timeout: Duration,
) -> Result<Vec<String>, SupervisorError> {
    let mut client = hooks_client(channel.clone());
    let mut request = tonic::Request::new(ImplementedRequest::default());
    request.set_timeout(timeout);
    let answer = tokio::time::timeout(timeout, client.implemented(request)).await.map_err(|_| {
        SupervisorError::new(
            SupervisorErrorKind::Implemented,
            id,
            format!("Implemented did not answer within {}", secs(timeout)),
        )
    })?;
    let response = answer
        .map_err(|status| {
            SupervisorError::new(
                SupervisorErrorKind::Implemented,
                id,
                format!("Implemented failed: {} ({:?})", status.message(), status.code()),
            )
        })?
        .into_inner();
    if let Some(error) = response.error {
        let app_error = app_error_from_wire(error);
        return Err(SupervisorError::new(
            SupervisorErrorKind::Implemented,
            id,
            format!("Implemented answered an error: {app_error}"),
        )
        .with_app_error(app_error));
    }
    Ok(response.hooks)
}

/// Calls `OnActivate` over the plugin's hooks; an `AppError` answer means activation failed.
pub(crate) async fn call_on_activate(
    connection: &PluginConnection,
    timeout: Duration,
) -> Result<(), SupervisorError> {
    let call = connection.link().call(OnActivateRequest::default(), timeout);
    let answer = match tokio::time::timeout(timeout, call).await {
        Err(_) => Err(format!("OnActivate did not answer within {}", secs(timeout))),
        Ok(Err(error)) => Err(format!("OnActivate failed: {error}")),
        Ok(Ok(response)) => Ok(response.error),
    };
    activation_outcome(connection.id(), answer)
}

/// What an `OnActivate` answer (or why there is none) means for the start.
pub(crate) fn activation_outcome(
    id: &str,
    answer: Result<Option<mm_proto::v1::AppError>, String>,
) -> Result<(), SupervisorError> {
    match answer {
        Ok(None) => Ok(()),
        Err(message) => Err(SupervisorError::new(SupervisorErrorKind::ActivationFailed, id, message)),
        Ok(Some(error)) => {
            let app_error = app_error_from_wire(error);
            Err(SupervisorError::new(
                SupervisorErrorKind::ActivationFailed,
                id,
                format!("activation failed: OnActivate answered {app_error}"),
            )
            .with_app_error(app_error))
        }
    }
}

/// Calls `OnDeactivate`; its error is returned for logging (the server only logs it).
pub(crate) async fn call_on_deactivate(
    connection: &PluginConnection,
    timeout: Duration,
) -> Result<(), String> {
    let call = connection.link().call(OnDeactivateRequest::default(), timeout);
    match tokio::time::timeout(timeout, call).await {
        Err(_) => Err(format!("OnDeactivate did not answer within {}", secs(timeout))),
        Ok(Err(error)) => Err(format!("OnDeactivate failed: {error}")),
        Ok(Ok(response)) => match response.error {
            None => Ok(()),
            Some(error) => Err(format!("OnDeactivate answered {}", app_error_from_wire(error))),
        },
    }
}

/// Asks the process to exit through go-plugin's `GRPCController/Shutdown`.
pub(crate) async fn call_shutdown(channel: Channel, timeout: Duration) -> Result<(), String> {
    let mut client = GrpcControllerClient::new(channel);
    let mut request = tonic::Request::new(GoPluginEmpty {});
    request.set_timeout(timeout);
    match tokio::time::timeout(timeout, client.shutdown(request)).await {
        Err(_) => Err(format!("GRPCController/Shutdown did not answer within {}", secs(timeout))),
        Ok(Err(status)) => {
            Err(format!("GRPCController/Shutdown failed: {} ({:?})", status.message(), status.code()))
        }
        Ok(Ok(_)) => Ok(()),
    }
}

fn app_error_from_wire(error: mm_proto::v1::AppError) -> AppError {
    let fallback = AppError::new(error.id.clone(), error.message.clone()).with_status(error.status_code);
    AppError::try_from(error).unwrap_or(fallback)
}

pub(crate) fn secs(duration: Duration) -> String {
    let secs = duration.as_secs_f64();
    if secs.fract() == 0.0 { format!("{secs:.0} s") } else { format!("{secs:.1} s") }
}
