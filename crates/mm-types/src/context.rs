//! The contexts that travel with hook calls.

use mm_proto::v1 as wire;
use serde::{Deserialize, Serialize};

use crate::id::{RequestId, SessionId, UserId};
use crate::wire_struct;

/// Who and what triggered a hook: the session and request of the user action, where the
/// server has them (`plugin.Context` in Go).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct PluginContext {
    /// The session of the user whose action triggered the hook, if any.
    #[serde(with = "crate::id::empty_as_none")]
    pub session_id: Option<SessionId>,
    /// The id of the server request that triggered the hook.
    #[serde(with = "crate::id::empty_as_none")]
    pub request_id: Option<RequestId>,
    /// The client's IP address.
    pub ip_address: String,
    /// The client's `Accept-Language`.
    pub accept_language: String,
    /// The client's `User-Agent`.
    pub user_agent: String,
}

wire_struct! {
    PluginContext <=> wire::PluginContext {
        session_id,
        request_id,
        ip_address,
        accept_language,
        user_agent,
    }
}

/// Field 1 of every hook request. The server leaves it empty today; it is kept so that
/// nothing a newer server sends is lost.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct RequestContext {
    /// The id of the plugin the call is for.
    pub plugin_id: String,
    /// The request id.
    #[serde(with = "crate::id::empty_as_none")]
    pub request_id: Option<RequestId>,
    /// The session id.
    #[serde(with = "crate::id::empty_as_none")]
    pub session_id: Option<SessionId>,
    /// The user id.
    #[serde(with = "crate::id::empty_as_none")]
    pub user_id: Option<UserId>,
}

wire_struct! {
    RequestContext <=> wire::RequestContext {
        plugin_id,
        request_id,
        session_id,
        user_id,
    }
}
