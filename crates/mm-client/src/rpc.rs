//! The request and response every layer of the stack sees: one RPC on encoded bytes.

use std::time::{Duration, Instant};

use bytes::Bytes;
use tower::util::BoxCloneSyncService;

use crate::error::Error;
use crate::methods::RpcMethod;

/// One PluginAPI call on its way to the server: the method and the encoded protobuf request.
///
/// Layers can read the method (name, path, [`Safety`](crate::methods::Safety)), clone the body
/// cheaply (it is [`Bytes`]) to send it again, and add gRPC metadata.
#[derive(Debug, Clone)]
pub struct RpcRequest {
    /// The RPC being called.
    pub method: &'static RpcMethod,
    /// The encoded request message.
    pub body: Bytes,
    /// The time budget of the whole call (all attempts), if any.
    pub timeout: Option<Duration>,
    /// When the call must be over; set by the timeout layer from `timeout`, sent to the
    /// server as the gRPC deadline.
    pub deadline: Option<Instant>,
    /// Metadata (gRPC headers) to send with the request.
    pub metadata: http::HeaderMap,
    /// Which attempt this is, from 1 (set by the retry layer).
    pub attempt: u32,
}

impl RpcRequest {
    /// A request for `method` with an encoded body and no timeout.
    pub fn new(method: &'static RpcMethod, body: Bytes) -> Self {
        RpcRequest {
            method,
            body,
            timeout: None,
            deadline: None,
            metadata: http::HeaderMap::new(),
            attempt: 1,
        }
    }

    /// The time left before the deadline (`None`: no deadline).
    pub fn remaining(&self) -> Option<Duration> {
        self.deadline.map(|d| d.saturating_duration_since(Instant::now()))
    }
}

/// The server's answer to an [`RpcRequest`]: the encoded response message.
#[derive(Debug, Clone)]
pub struct RpcResponse {
    /// The encoded response message.
    pub body: Bytes,
    /// Metadata (gRPC headers) the server sent.
    pub metadata: http::HeaderMap,
}

/// The type-erased RPC service the client calls: the whole middleware stack over the
/// transport. User layers wrap services of this type.
pub type RpcService = BoxCloneSyncService<RpcRequest, RpcResponse, Error>;
