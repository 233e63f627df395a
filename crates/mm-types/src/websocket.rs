//! WebSocket: messages clients send to plugins, and who receives the events plugins publish.

use mm_proto::v1 as wire;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::id::{ChannelId, TeamId, UserId};
use crate::json::JsonMap;
use crate::wire_struct;

/// A message a client sent over its WebSocket connection (`WebSocketMessageHasBeenPosted`).
///
/// ```
/// use mm_types::WebSocketRequest;
/// use serde_json::json;
/// let request: WebSocketRequest =
///     serde_json::from_value(json!({"seq": 7, "action": "custom_com.example_ping", "data": {"n": 1}})).unwrap();
/// assert_eq!(request.get("n"), Some(&json!(1)));
/// ```
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct WebSocketRequest {
    /// The client's sequence number for the message.
    pub seq: i64,
    /// The action (`user_typing`, or `custom_<plugin id>_<name>` for plugins).
    pub action: String,
    /// The action's data.
    pub data: Option<JsonMap>,
}

impl WebSocketRequest {
    /// A data field, if set.
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.data.as_ref()?.get(key)
    }
}

wire_struct! {
    WebSocketRequest <=> wire::WebSocketRequest { seq, action, data }
}

/// Who receives a WebSocket event a plugin publishes: everyone by default, or one user, one
/// channel's members or one team's members, minus some users or connections.
///
/// ```
/// use mm_types::{ChannelId, UserId, WebsocketBroadcast};
/// let channel = ChannelId::parse("4xp9fdt77pncbef59f4k1qe83o").unwrap();
/// let me = UserId::parse("8ds6pkzokfbf3r1ihxzrpiuxye").unwrap();
/// let broadcast = WebsocketBroadcast::to_channel(channel.clone()).omit_user(me).reliable();
/// assert_eq!(broadcast.channel_id, Some(channel));
/// assert!(broadcast.reliable_cluster_send);
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct WebsocketBroadcast {
    /// Users who do not receive the event.
    #[serde(deserialize_with = "crate::json::null_as_default")]
    pub omit_users: Vec<UserId>,
    /// The one user who receives it, if limited to a user.
    #[serde(with = "crate::id::empty_as_none")]
    pub user_id: Option<UserId>,
    /// The channel whose members receive it, if limited to a channel.
    #[serde(with = "crate::id::empty_as_none")]
    pub channel_id: Option<ChannelId>,
    /// The team whose members receive it, if limited to a team.
    #[serde(with = "crate::id::empty_as_none")]
    pub team_id: Option<TeamId>,
    /// A WebSocket connection id: the only one that receives the event, or with
    /// `omit_connection_id`, the one that does not.
    pub connection_id: String,
    /// Whether `connection_id` is left out instead of being the only receiver.
    pub omit_connection_id: bool,
    /// Whether other cluster nodes must receive the event reliably.
    pub reliable_cluster_send: bool,
    /// Whether the event may be sent without the server's ordering guarantees, for speed.
    pub contention_free_broadcast: bool,
}

impl WebsocketBroadcast {
    /// Everyone connected.
    pub fn everyone() -> Self {
        WebsocketBroadcast::default()
    }

    /// One user's connections.
    pub fn to_user(user_id: UserId) -> Self {
        WebsocketBroadcast { user_id: Some(user_id), ..Default::default() }
    }

    /// The members of a channel.
    pub fn to_channel(channel_id: ChannelId) -> Self {
        WebsocketBroadcast { channel_id: Some(channel_id), ..Default::default() }
    }

    /// The members of a team.
    pub fn to_team(team_id: TeamId) -> Self {
        WebsocketBroadcast { team_id: Some(team_id), ..Default::default() }
    }

    /// Leaves a user out.
    pub fn omit_user(mut self, user_id: UserId) -> Self {
        self.omit_users.push(user_id);
        self
    }

    /// Sends only to one connection.
    pub fn only_connection(mut self, connection_id: impl Into<String>) -> Self {
        self.connection_id = connection_id.into();
        self.omit_connection_id = false;
        self
    }

    /// Leaves one connection out.
    pub fn omit_connection(mut self, connection_id: impl Into<String>) -> Self {
        self.connection_id = connection_id.into();
        self.omit_connection_id = true;
        self
    }

    /// Asks other cluster nodes to receive the event reliably.
    pub fn reliable(mut self) -> Self {
        self.reliable_cluster_send = true;
        self
    }
}

wire_struct! {
    WebsocketBroadcast <=> wire::WebsocketBroadcast {
        omit_users, user_id, channel_id, team_id, connection_id, omit_connection_id,
        reliable_cluster_send, contention_free_broadcast,
    }
}
