//! Events between the instances of a plugin running on the nodes of a cluster.

use bytes::Bytes;
use mm_proto::v1 as wire;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use crate::enums::string_enum;
use crate::error::{Error, Result};
use crate::wire_struct;

/// An event one instance of a plugin sends to its instances on other cluster nodes
/// (`PublishPluginClusterEvent`, received in `OnPluginClusterEvent`).
///
/// ```
/// use mm_types::PluginClusterEvent;
/// use serde_json::json;
/// let event = PluginClusterEvent::from_json("cache_invalidate", &json!({"key": "users"})).unwrap();
/// let data: serde_json::Value = event.json().unwrap();
/// assert_eq!(data["key"], "users");
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct PluginClusterEvent {
    /// The event's name, chosen by the plugin.
    pub id: String,
    /// The payload (base64 in JSON).
    #[serde(with = "crate::json::base64_bytes")]
    pub data: Bytes,
}

impl PluginClusterEvent {
    /// An event named `id` carrying `data`.
    pub fn new(id: impl Into<String>, data: impl Into<Bytes>) -> Self {
        PluginClusterEvent { id: id.into(), data: data.into() }
    }

    /// An event named `id` carrying `value` as JSON.
    pub fn from_json<T: Serialize + ?Sized>(id: impl Into<String>, value: &T) -> Result<Self> {
        let data =
            serde_json::to_vec(value).map_err(|source| Error::Json { what: "a cluster event", source })?;
        Ok(PluginClusterEvent::new(id, data))
    }

    /// The payload read as JSON.
    pub fn json<T: DeserializeOwned>(&self) -> Result<T> {
        serde_json::from_slice(&self.data).map_err(|source| Error::Json { what: "a cluster event", source })
    }
}

wire_struct! {
    PluginClusterEvent <=> wire::PluginClusterEvent { id, data }
}

string_enum! {
    /// How a cluster event is delivered.
    pub enum ClusterSendType {
        /// Sent once; may be lost if a node is unreachable.
        BestEffort = "best_effort",
        /// Retried until every node received it.
        Reliable = "reliable",
    }
    default = BestEffort;
}

/// How a cluster event is delivered, and to which node.
///
/// ```
/// use mm_types::{ClusterSendType, PluginClusterEventSendOptions};
/// let opts = PluginClusterEventSendOptions::reliable().to_node("node-2");
/// assert_eq!(opts.send_type, ClusterSendType::Reliable);
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct PluginClusterEventSendOptions {
    /// Best effort or reliable.
    pub send_type: ClusterSendType,
    /// The node to send to (empty: every other node).
    pub target_id: String,
}

impl PluginClusterEventSendOptions {
    /// Best-effort delivery to every other node.
    pub fn best_effort() -> Self {
        PluginClusterEventSendOptions { send_type: ClusterSendType::BestEffort, ..Default::default() }
    }

    /// Reliable delivery to every other node.
    pub fn reliable() -> Self {
        PluginClusterEventSendOptions { send_type: ClusterSendType::Reliable, ..Default::default() }
    }

    /// Sends to one node only.
    pub fn to_node(mut self, node_id: impl Into<String>) -> Self {
        self.target_id = node_id.into();
        self
    }
}

wire_struct! {
    PluginClusterEventSendOptions <=> wire::PluginClusterEventSendOptions { send_type, target_id }
}
