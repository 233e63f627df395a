//! The RPC table: every PluginAPI RPC, declared once.
//!
//! Generated at build time from the descriptors of `proto/` (and `stock/`) and the safety
//! sidecar `rpc.toml` by `mm-codegen`. For each RPC it holds:
//!
//! - an [`RpcMethod`] static in [`methods`] (`methods::GET_USER`): its name, path, group, retry
//!   [`Safety`], the [`ErrorConvention`] of its answers and whether it exists on gRPC;
//! - an [`Rpc`] impl on its request type, tying the request to its response and method, so
//!   that `client.call(v1::GetUserRequest { .. })` needs no method argument and a response of
//!   the wrong type does not compile;
//! - an [`RpcResponseMessage`] impl on its response type: access to the `AppError` that every
//!   response carries at field 1.
//!
//! ```
//! use mm_proto::rpc::{ErrorConvention, Rpc, RpcMethod, Safety, methods};
//! use mm_proto::v1;
//!
//! let get_user = <v1::GetUserRequest as Rpc>::METHOD;
//! assert!(std::ptr::eq(get_user, &methods::GET_USER));
//! assert_eq!(get_user.path, "/mattermost.pluginapi.v1.PluginAPI/GetUser");
//! assert_eq!((get_user.safety, get_user.errors), (Safety::ReadOnly, ErrorConvention::Status));
//! assert_eq!(RpcMethod::by_name("KVSet").map(|m| m.errors), Some(ErrorConvention::InBody));
//! ```
//!
//! Transports and layers see requests and responses as [`RpcMessage`]s: type-erased, cheap to
//! share, encodable to protobuf and downcastable to the typed message.

use std::any::Any;
use std::fmt;
use std::sync::Arc;

use bytes::Bytes;

use crate::v1::AppError;

/// Whether an RPC may be sent again after a failure that may have reached the server.
///
/// Declared per RPC in `rpc.toml`; the classification is conservative, because a retried
/// write may apply twice.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Safety {
    /// Reads only: always safe to repeat.
    ReadOnly,
    /// Writes a full state: repeating it leaves the same result.
    Idempotent,
    /// Repeating it may duplicate an effect (a second post, a second member...).
    Unsafe,
}

impl Safety {
    /// Whether a call that may have reached the server can be sent again.
    pub fn is_retry_safe(self) -> bool {
        matches!(self, Safety::ReadOnly | Safety::Idempotent)
    }
}

/// Where the Mattermost server puts an RPC's failure in a gRPC answer (see the contract).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorConvention {
    /// gRPC OK with the `AppError` in the response's `error` field: the RPCs of `posts.proto`,
    /// `kv.proto` and `files.proto`.
    InBody,
    /// A gRPC status whose message is `"<id>: <message>"`: every other RPC.
    Status,
}

/// One RPC of the table: its stable identity (compare with [`std::ptr::eq`] or by name), as
/// every layer and transport sees it.
#[derive(Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct RpcMethod {
    /// The RPC name, such as `"GetUser"`.
    pub name: &'static str,
    /// The gRPC path, such as `"/mattermost.pluginapi.v1.PluginAPI/GetUser"`.
    pub path: &'static str,
    /// The full name of its service, such as `"mattermost.pluginapi.v1.PluginAPI"`.
    pub service: &'static str,
    /// The proto file of its messages, which is also its client group, such as `"users"`.
    pub group: &'static str,
    /// The full proto name of its request message.
    pub request: &'static str,
    /// The full proto name of its response message.
    pub response: &'static str,
    /// Whether it may be repeated.
    pub safety: Safety,
    /// Where its failures travel in a gRPC answer.
    pub errors: ErrorConvention,
    /// Whether the gRPC protocol has it (`false`: only the stock servers' net/rpc protocol
    /// does, and a gRPC transport refuses it at once).
    pub grpc: bool,
}

impl RpcMethod {
    /// Looks a method up by RPC name.
    ///
    /// ```
    /// use mm_proto::rpc::{RpcMethod, Safety};
    /// let m = RpcMethod::by_name("CreatePost").unwrap();
    /// assert_eq!(m.safety, Safety::Unsafe);
    /// assert_eq!(m.path, "/mattermost.pluginapi.v1.PluginAPI/CreatePost");
    /// ```
    pub fn by_name(name: &str) -> Option<&'static RpcMethod> {
        methods::by_name(name)
    }

    /// Looks a method up by gRPC path (`/mattermost.pluginapi.v1.PluginAPI/GetUser`).
    pub fn by_path(path: &str) -> Option<&'static RpcMethod> {
        methods::by_path(path)
    }

    /// Every method of the table ([`methods::ALL`]).
    pub fn all() -> &'static [&'static RpcMethod] {
        methods::ALL
    }
}

impl fmt::Display for RpcMethod {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name)
    }
}

/// A request message of the table: the type says which RPC it calls and what answers it.
///
/// Implemented (by the generated table) for every `<Method>Request` of the RPC services.
pub trait Rpc: prost::Message + fmt::Debug + Default + Clone + Send + Sync + 'static {
    /// The response message.
    type Response: RpcResponseMessage;
    /// The RPC this request calls.
    const METHOD: &'static RpcMethod;
}

/// A response message of the table: every one carries an optional `AppError` at field 1.
pub trait RpcResponseMessage: prost::Message + fmt::Debug + Default + Clone + Send + Sync + 'static {
    /// The error the server set, if any.
    fn error(&self) -> Option<&AppError>;
    /// Takes the error out, if the server set one.
    fn take_error(&mut self) -> Option<AppError>;
    /// A response carrying only `error` (how the in-body convention answers a failure).
    fn from_error(error: AppError) -> Self;
}

/// A message as transports and layers see it: type-erased, shareable behind an [`Arc`] (so a
/// retry sends the same request again without a copy), encodable to protobuf, and
/// downcastable to its type (`downcast_ref` on `dyn RpcMessage`).
///
/// Every prost message implements it.
pub trait RpcMessage: Any + Send + Sync + fmt::Debug {
    /// The length of its protobuf encoding, in bytes.
    fn protobuf_len(&self) -> usize;
    /// Its protobuf encoding.
    fn encode_protobuf(&self) -> Bytes;
    /// The message as [`Any`], to downcast by reference.
    fn as_any(&self) -> &dyn Any;
    /// The shared message as [`Any`], to downcast and take out.
    fn into_any(self: Arc<Self>) -> Arc<dyn Any + Send + Sync>;
}

impl<T: prost::Message + fmt::Debug + 'static> RpcMessage for T {
    fn protobuf_len(&self) -> usize {
        self.encoded_len()
    }

    fn encode_protobuf(&self) -> Bytes {
        Bytes::from(self.encode_to_vec())
    }

    fn as_any(&self) -> &dyn Any {
        self
    }

    fn into_any(self: Arc<Self>) -> Arc<dyn Any + Send + Sync> {
        self
    }
}

impl dyn RpcMessage {
    /// The message as a `T`, if it is one.
    ///
    /// ```
    /// use std::sync::Arc;
    /// use mm_proto::rpc::RpcMessage;
    /// use mm_proto::v1;
    /// let message: Arc<dyn RpcMessage> = Arc::new(v1::GetUserRequest { user_id: "u1".into() });
    /// assert_eq!(message.downcast_ref::<v1::GetUserRequest>().unwrap().user_id, "u1");
    /// assert!(message.downcast_ref::<v1::KvGetRequest>().is_none());
    /// ```
    pub fn downcast_ref<T: Any>(&self) -> Option<&T> {
        self.as_any().downcast_ref()
    }
}

/// Takes a `T` out of a shared message: without a copy when this is the only reference, by
/// cloning otherwise; `None` when it is not a `T`.
///
/// ```
/// use std::sync::Arc;
/// use mm_proto::rpc::{RpcMessage, take_message};
/// use mm_proto::v1;
/// let message: Arc<dyn RpcMessage> = Arc::new(v1::KvGetResponse::default());
/// let response: v1::KvGetResponse = take_message(message).unwrap();
/// assert!(response.error.is_none());
/// ```
pub fn take_message<T: Any + Clone + Send + Sync>(message: Arc<dyn RpcMessage>) -> Option<T> {
    let typed = message.into_any().downcast::<T>().ok()?;
    Some(Arc::try_unwrap(typed).unwrap_or_else(|shared| (*shared).clone()))
}

include!(concat!(env!("OUT_DIR"), "/rpc_table.rs"));
