//! The tables of stock methods and hooks: what a transport needs to send a typed message as
//! `Plugin.<Method>` and to read the answer back as a typed message.

use std::any::Any;
use std::fmt;
use std::sync::Arc;

use mm_gob::{Decoder, Encode, MessageQueue, TypeRef, ValueWriter};

use crate::rpc::RpcMessage;

/// One `plugin.API` method or `plugin.Hooks` hook of a stock server.
pub struct Method {
    /// The Go method name: the net/rpc service method is `Plugin.<go_name>`.
    pub go_name: &'static str,
    /// The proto service its request belongs to (`PluginAPI`, `StockPluginAPI`, `PluginHooks`,
    /// `StockPluginHooks`).
    pub service: &'static str,
    /// The gob codecs of its request and response; `None` for methods the transport maps by
    /// hand (byte streams and broker ids: `OnActivate`, `ServeHTTP`, `FileWillBeUploaded`,
    /// `UploadData`, `InstallPlugin`, `PluginHTTP`, the `Log*` calls...).
    pub codec: Option<Codec>,
}

/// The gob codecs of one method, type-erased: the request and response are the prost
/// messages of the method (`GetUserRequest`, `GetUserResponse`), encoded as the Go
/// `Z_<Method>Args` and `Z_<Method>Returns`.
#[derive(Clone, Copy)]
pub struct Codec {
    /// The request as an encodable value, if `message` is this method's request type.
    pub request: View,
    /// The response as an encodable value, if `message` is this method's response type.
    pub response: View,
    /// Decodes a request (what the side serving the method receives).
    pub decode_request: fn(&mut Decoder, &mut MessageQueue) -> mm_gob::Result<Arc<dyn RpcMessage>>,
    /// Decodes a response (what the calling side receives).
    pub decode_response: fn(&mut Decoder, &mut MessageQueue) -> mm_gob::Result<Arc<dyn RpcMessage>>,
}

impl Method {
    /// The net/rpc service method: `Plugin.<go_name>`.
    pub fn service_method(&self) -> String {
        format!("Plugin.{}", self.go_name)
    }

    /// Whether the gRPC contract has it too (the others exist on stock servers only).
    pub fn in_grpc_contract(&self) -> bool {
        !self.service.starts_with("Stock")
    }
}

impl fmt::Debug for Method {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Method")
            .field("go_name", &self.go_name)
            .field("service", &self.service)
            .field("mapped_by_hand", &self.codec.is_none())
            .finish()
    }
}

impl fmt::Debug for Codec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Codec")
    }
}

/// How a codec sees a message: as the encodable Go struct, if it is the codec's type.
pub type View = fn(&dyn Any) -> Option<&(dyn Encode + Sync)>;

/// A typed message encoded through a codec's [`View`] of it: what a transport hands to net/rpc
/// to send a request or answer with a response it only holds as `Arc<dyn RpcMessage>`.
///
/// Made only when the view accepts the message, so encoding cannot meet a wrong type.
pub struct ErasedMessage {
    value: Arc<dyn Any + Send + Sync>,
    view: View,
}

impl ErasedMessage {
    /// `message` seen through `view`; `None` when it is not the view's type.
    pub fn new(message: Arc<dyn RpcMessage>, view: View) -> Option<ErasedMessage> {
        Self::from_any(message.into_any(), view)
    }

    /// A message of a static type seen through `view`; `None` when it is not the view's type.
    pub fn of<T: Any + Send + Sync>(message: T, view: View) -> Option<ErasedMessage> {
        Self::from_any(Arc::new(message), view)
    }

    fn from_any(value: Arc<dyn Any + Send + Sync>, view: View) -> Option<ErasedMessage> {
        view(&*value)?;
        Some(ErasedMessage { value, view })
    }

    fn inner(&self) -> mm_gob::Result<&(dyn Encode + Sync)> {
        (self.view)(&*self.value).ok_or_else(|| {
            mm_gob::Error::new(mm_gob::ErrorKind::InvalidValue, "the message is not of its codec's type")
        })
    }
}

impl fmt::Debug for ErasedMessage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ErasedMessage")
    }
}

impl Encode for ErasedMessage {
    fn go_type(&self) -> TypeRef {
        match self.inner() {
            Ok(inner) => inner.go_type(),
            Err(_) => TypeRef::from(&mm_gob::builtin::EMPTY_STRUCT),
        }
    }

    fn is_zero(&self) -> bool {
        false
    }

    fn encode(&self, w: &mut ValueWriter<'_>) -> mm_gob::Result<()> {
        self.inner()?.encode(w)
    }
}

/// The API method with this Go name.
pub fn api_method(go_name: &str) -> Option<&'static Method> {
    super::API.iter().find(|m| m.go_name == go_name)
}

/// The hook with this Go name.
pub fn hook(go_name: &str) -> Option<&'static Method> {
    super::HOOKS.iter().find(|m| m.go_name == go_name)
}
