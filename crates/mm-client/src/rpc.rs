//! The RPC table, and the request and response every layer of the stack sees.
//!
//! Every PluginAPI call is one [`RpcRequest`]: the method from the generated table
//! ([`methods`], re-exported from `mm-proto`) and the typed request message, shared and
//! type-erased. The transport at the bottom of the stack encodes it for its protocol (gRPC
//! encodes protobuf) and answers an [`RpcResponse`]: the encoded response, or a response
//! already decoded by a transport or a test double.
//!
//! The table ties each request type to its method and response ([`Rpc`]), so a typed call
//! names no method:
//!
//! ```no_run
//! # async fn demo(client: mm_client::Client) -> mm_client::Result<()> {
//! use mm_client::rpc::wire;
//! let response = client.rpc(wire::GetServerVersionRequest {}).await?;
//! println!("{}", response.version);
//! # Ok(()) }
//! ```

use std::any::Any;
use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::Bytes;
use tower::util::BoxCloneSyncService;

use crate::error::{Error, Result};

pub use mm_proto::rpc::{
    ErrorConvention, Rpc, RpcMessage, RpcMethod, RpcResponseMessage, Safety, methods, take_message,
};

/// The wire messages (prost types of `mattermost.pluginapi.v1`): requests and responses for
/// [`ApiClient::rpc`](crate::ApiClient::rpc) and for test doubles built with
/// [`Client::from_service`](crate::Client::from_service).
pub use mm_proto::v1 as wire;

/// One PluginAPI call on its way to the server: the method and the typed request message.
///
/// Layers can read the method (name, path, [`Safety`]), the typed request
/// ([`downcast_ref`](Self::downcast_ref)), the time budget and deadline, add metadata (gRPC
/// headers), and see which attempt this is. Cloning is cheap: the message is shared.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct RpcRequest {
    /// The RPC being called.
    pub method: &'static RpcMethod,
    /// The request message, type-erased; its type is the method's request type.
    pub message: Arc<dyn RpcMessage>,
    /// The time budget of the whole call (all attempts), if any.
    pub timeout: Option<Duration>,
    /// When the call must be over; set by the stack from `timeout`, sent to the
    /// server as the gRPC deadline.
    pub deadline: Option<Instant>,
    /// Metadata (gRPC headers) to send with the request.
    pub metadata: http::HeaderMap,
    /// Which attempt this is, from 1 (set by the retry loop).
    pub attempt: u32,
}

impl RpcRequest {
    /// A request for `R`'s method, with no timeout.
    ///
    /// ```
    /// use mm_client::RpcRequest;
    /// use mm_client::rpc::wire;
    /// let request = RpcRequest::new(wire::GetUserRequest { user_id: "u1".into() });
    /// assert_eq!(request.method.name, "GetUser");
    /// assert_eq!(request.downcast_ref::<wire::GetUserRequest>().unwrap().user_id, "u1");
    /// ```
    pub fn new<R: Rpc>(request: R) -> Self {
        RpcRequest {
            method: R::METHOD,
            message: Arc::new(request),
            timeout: None,
            deadline: None,
            metadata: http::HeaderMap::new(),
            attempt: 1,
        }
    }

    /// The typed request, if it is a `T`.
    pub fn downcast_ref<T: Any>(&self) -> Option<&T> {
        self.message.downcast_ref()
    }

    /// The time left before the deadline (`None`: no deadline).
    pub fn remaining(&self) -> Option<Duration> {
        self.deadline.map(|d| d.saturating_duration_since(Instant::now()))
    }
}

/// The server's answer to an [`RpcRequest`].
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct RpcResponse {
    /// The response message.
    pub body: ResponseBody,
    /// Metadata (gRPC headers) the server sent.
    pub metadata: http::HeaderMap,
}

/// A response message, as the transport hands it over.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum ResponseBody {
    /// The protobuf encoding, decoded at the call site (the gRPC transport).
    Protobuf(Bytes),
    /// The typed message, already decoded (another protocol's transport, a test double).
    Message(Arc<dyn RpcMessage>),
}

impl RpcResponse {
    /// A response from its protobuf encoding.
    pub fn protobuf(body: Bytes) -> Self {
        RpcResponse { body: ResponseBody::Protobuf(body), metadata: http::HeaderMap::new() }
    }

    /// A response from the typed message: how a test double answers.
    ///
    /// ```
    /// use mm_client::RpcResponse;
    /// use mm_client::rpc::wire;
    /// let response = RpcResponse::message(wire::GetServerVersionResponse { version: "10.11.0".into(), ..Default::default() });
    /// assert_eq!(response.len(), 9);
    /// ```
    pub fn message<M: RpcResponseMessage>(message: M) -> Self {
        RpcResponse { body: ResponseBody::Message(Arc::new(message)), metadata: http::HeaderMap::new() }
    }

    /// The size of the response message's protobuf encoding, in bytes.
    pub fn len(&self) -> usize {
        match &self.body {
            ResponseBody::Protobuf(bytes) => bytes.len(),
            ResponseBody::Message(message) => message.protobuf_len(),
        }
    }

    /// Whether the response message encodes to nothing (all fields at their defaults).
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The typed response message: decoded from protobuf, or taken out of a typed body.
    pub(crate) fn into_message<M: RpcResponseMessage>(self) -> Result<M> {
        match self.body {
            ResponseBody::Protobuf(bytes) => M::decode(bytes)
                .map_err(|e| Error::malformed(format!("the response does not decode: {e}")).with_source(e)),
            ResponseBody::Message(message) => take_message(message).ok_or_else(|| {
                Error::malformed(format!("the response is not a {}", std::any::type_name::<M>()))
            }),
        }
    }
}

/// The type-erased RPC service the client calls: the whole middleware stack over the
/// transport. User layers wrap services of this type.
pub type RpcService = BoxCloneSyncService<RpcRequest, RpcResponse, Error>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typed_and_encoded_responses_give_the_same_message() {
        let message = wire::KvGetResponse { value: Bytes::from_static(b"v"), ..Default::default() };
        let typed: wire::KvGetResponse = RpcResponse::message(message.clone()).into_message().unwrap();
        let bytes = Bytes::from(prost::Message::encode_to_vec(&message));
        let decoded: wire::KvGetResponse = RpcResponse::protobuf(bytes).into_message().unwrap();
        assert_eq!((typed, decoded), (message.clone(), message));
    }

    #[test]
    fn a_response_of_another_type_is_malformed() {
        let response = RpcResponse::message(wire::KvGetResponse::default());
        let error = response.into_message::<wire::GetUserResponse>().unwrap_err();
        assert_eq!(error.kind(), crate::ErrorKind::MalformedResponse);
        assert!(error.to_string().contains("GetUserResponse"), "{error}");
    }
}
