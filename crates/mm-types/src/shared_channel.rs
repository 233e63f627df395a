//! Shared channels: channels shared with remote clusters, the remotes themselves, and the
//! sync messages plugins exchange with them.

use mm_proto::v1 as wire;
use serde::{Deserialize, Serialize};

use crate::channel::ChannelType;
use crate::id::{ChannelId, PostId, RemoteId, TeamId, UserId};
use crate::json::json_blob;
use crate::timestamp::Timestamp;
use crate::wire_struct;

/// A remote Mattermost cluster (or a plugin acting as one) connected for shared channels.
///
/// ```
/// use mm_types::RemoteCluster;
/// let remote = RemoteCluster {
///     name: "partner".into(),
///     plugin_id: "com.example.bridge".into(),
///     topics: "share incident".into(),
///     ..Default::default()
/// };
/// assert!(remote.is_plugin());
/// assert_eq!(remote.topics().collect::<Vec<_>>(), ["share", "incident"]);
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct RemoteCluster {
    /// The remote's id.
    pub remote_id: RemoteId,
    /// The team on the remote side (deprecated by Mattermost; usually empty).
    #[serde(with = "crate::id::empty_as_none")]
    pub remote_team_id: Option<TeamId>,
    /// The remote's unique name.
    pub name: String,
    /// The name shown.
    pub display_name: String,
    /// The remote's site URL (empty for plugin remotes).
    pub site_url: String,
    /// The local team invitations from the remote go to, if set.
    #[serde(with = "crate::id::empty_as_none")]
    pub default_team_id: Option<TeamId>,
    /// When the connection was created.
    pub create_at: Timestamp,
    /// When the connection was deleted, if it was.
    #[serde(with = "crate::timestamp::zero_as_none")]
    pub delete_at: Option<Timestamp>,
    /// When the remote last answered a ping.
    #[serde(with = "crate::timestamp::zero_as_none")]
    pub last_ping_at: Option<Timestamp>,
    /// When users were last synced with the remote as a whole.
    #[serde(with = "crate::timestamp::zero_as_none")]
    pub last_global_user_sync_at: Option<Timestamp>,
    /// The token the remote sends to this server (secret).
    pub token: String,
    /// The token this server sends to the remote (secret).
    pub remote_token: String,
    /// Space-separated topics the remote subscribes to.
    pub topics: String,
    /// Who created the connection.
    pub creator_id: UserId,
    /// The plugin behind the remote, for plugin remotes.
    pub plugin_id: String,
    /// Option flags (see [`RemoteCluster::OPTION_AUTO_SHARE_DMS`] and
    /// [`RemoteCluster::OPTION_AUTO_INVITED`]).
    pub options: u32,
}

impl RemoteCluster {
    /// Option flag: new direct and group messages with the remote's users are shared
    /// automatically.
    pub const OPTION_AUTO_SHARE_DMS: u32 = 1;
    /// Option flag: the remote is invited to every shared channel automatically.
    pub const OPTION_AUTO_INVITED: u32 = 1 << 1;

    /// Whether a plugin stands for the remote.
    pub fn is_plugin(&self) -> bool {
        !self.plugin_id.is_empty()
    }

    /// Whether the connection was deleted.
    pub fn is_deleted(&self) -> bool {
        self.delete_at.is_some()
    }

    /// Whether an option flag is set.
    pub fn has_option(&self, flag: u32) -> bool {
        self.options & flag == flag
    }

    /// The topics, one by one.
    pub fn topics(&self) -> impl Iterator<Item = &str> {
        self.topics.split_whitespace()
    }
}

wire_struct! {
    RemoteCluster <=> wire::RemoteCluster {
        remote_id, remote_team_id, name, display_name, site_url, default_team_id, create_at,
        delete_at, last_ping_at, last_global_user_sync_at, token, remote_token, topics, creator_id,
        plugin_id, options,
    }
}

json_blob! {
    /// A shared-channel sync message (`model.SyncMsg` as JSON) that the server hands to a
    /// plugin remote in `OnSharedChannelsSyncMsg`: the channel, and the users, posts,
    /// reactions, acknowledgements and statuses to sync.
    ///
    /// The document is kept as the server sent it; read it with
    /// [`parse`](crate::RawJson::parse) or [`pointer`](crate::RawJson::pointer).
    ///
    /// ```
    /// use mm_types::SyncMsg;
    /// use serde_json::json;
    /// let msg = SyncMsg::from_value(&json!({"channel_id": "4xp9fdt77pncbef59f4k1qe83o", "posts": []})).unwrap();
    /// assert_eq!(msg.pointer("/channel_id").unwrap(), Some(json!("4xp9fdt77pncbef59f4k1qe83o")));
    /// ```
    pub struct SyncMsg <=> SyncMsgJson { sync_msg_json }
}

/// A plugin remote's answer to a sync message: how far it got and what failed.
///
/// ```
/// use mm_types::{PostId, SyncResponse, Timestamp};
/// let mut response = SyncResponse::default();
/// response.posts_last_update_at = Some(Timestamp::from_millis(1_700_000_000_000));
/// response.post_errors.push(PostId::from_raw("qb1o8ncuftba5rjbjrwdjq8o6c"));
/// assert!(response.has_errors());
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct SyncResponse {
    /// The `update_at` of the last user synced, if any.
    #[serde(with = "crate::timestamp::zero_as_none")]
    pub users_last_update_at: Option<Timestamp>,
    /// Users that failed to sync.
    #[serde(deserialize_with = "crate::json::null_as_default")]
    pub user_errors: Vec<UserId>,
    /// Users that synced.
    #[serde(deserialize_with = "crate::json::null_as_default")]
    pub users_syncd: Vec<UserId>,
    /// The `update_at` of the last post synced, if any.
    #[serde(with = "crate::timestamp::zero_as_none")]
    pub posts_last_update_at: Option<Timestamp>,
    /// Posts that failed to sync.
    #[serde(deserialize_with = "crate::json::null_as_default")]
    pub post_errors: Vec<PostId>,
    /// The `update_at` of the last reaction synced, if any.
    #[serde(with = "crate::timestamp::zero_as_none")]
    pub reactions_last_update_at: Option<Timestamp>,
    /// Reactions that failed to sync, as the remote identifies them.
    #[serde(deserialize_with = "crate::json::null_as_default")]
    pub reaction_errors: Vec<String>,
    /// The `update_at` of the last acknowledgement synced, if any.
    #[serde(with = "crate::timestamp::zero_as_none")]
    pub acknowledgements_last_update_at: Option<Timestamp>,
    /// Acknowledgements that failed to sync, as the remote identifies them.
    #[serde(deserialize_with = "crate::json::null_as_default")]
    pub acknowledgement_errors: Vec<String>,
    /// Users whose status failed to sync.
    #[serde(deserialize_with = "crate::json::null_as_default")]
    pub status_errors: Vec<UserId>,
}

impl SyncResponse {
    /// Whether anything failed to sync.
    pub fn has_errors(&self) -> bool {
        !(self.user_errors.is_empty()
            && self.post_errors.is_empty()
            && self.reaction_errors.is_empty()
            && self.acknowledgement_errors.is_empty()
            && self.status_errors.is_empty())
    }
}

wire_struct! {
    SyncResponse <=> wire::SyncResponse {
        users_last_update_at, user_errors, users_syncd, posts_last_update_at, post_errors,
        reactions_last_update_at, reaction_errors, acknowledgements_last_update_at,
        acknowledgement_errors, status_errors,
    }
}

/// A channel shared with remote clusters.
///
/// ```
/// use mm_types::{ChannelId, SharedChannel, TeamId, UserId};
/// let share = SharedChannel::new(
///     ChannelId::from_raw("4xp9fdt77pncbef59f4k1qe83o"),
///     TeamId::from_raw("9qh5o5zfftdfzqm4ex5c5j7mga"),
///     UserId::from_raw("8ds6pkzokfbf3r1ihxzrpiuxye"),
///     "incidents",
/// )
/// .with_display_name("Incidents")
/// .read_only();
/// assert!(share.read_only);
/// assert!(share.is_home());
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct SharedChannel {
    /// The channel.
    pub channel_id: ChannelId,
    /// Its team.
    pub team_id: TeamId,
    /// `"true"` when this server is the channel's home (the wire carries Go's boolean as text;
    /// see [`is_home`](Self::is_home)).
    pub home: String,
    /// Whether remotes may only read.
    pub read_only: bool,
    /// The name the channel is shared under.
    pub share_name: String,
    /// The display name it is shared under.
    pub share_display_name: String,
    /// The purpose it is shared with.
    pub share_purpose: String,
    /// The header it is shared with.
    pub share_header: String,
    /// Who shared it.
    pub creator_id: UserId,
    /// When it was shared.
    pub create_at: Timestamp,
    /// When the share last changed.
    pub update_at: Timestamp,
    /// The remote the channel comes from (`None` when this server is its home).
    #[serde(with = "crate::id::empty_as_none")]
    pub remote_id: Option<RemoteId>,
    /// The channel's type.
    #[serde(rename = "type")]
    pub kind: ChannelType,
}

impl SharedChannel {
    /// A share of a channel homed on this server.
    pub fn new(
        channel_id: ChannelId,
        team_id: TeamId,
        creator_id: UserId,
        share_name: impl Into<String>,
    ) -> Self {
        SharedChannel {
            channel_id,
            team_id,
            creator_id,
            home: "true".into(),
            share_name: share_name.into(),
            ..Default::default()
        }
    }

    /// Sets the display name it is shared under.
    pub fn with_display_name(mut self, display_name: impl Into<String>) -> Self {
        self.share_display_name = display_name.into();
        self
    }

    /// Sets the purpose it is shared with.
    pub fn with_purpose(mut self, purpose: impl Into<String>) -> Self {
        self.share_purpose = purpose.into();
        self
    }

    /// Sets the header it is shared with.
    pub fn with_header(mut self, header: impl Into<String>) -> Self {
        self.share_header = header.into();
        self
    }

    /// Makes the share read-only for remotes.
    pub fn read_only(mut self) -> Self {
        self.read_only = true;
        self
    }

    /// Whether this server is the channel's home.
    pub fn is_home(&self) -> bool {
        self.home == "true"
    }
}

wire_struct! {
    SharedChannel <=> wire::SharedChannel {
        channel_id, team_id, home, read_only, share_name, share_display_name, share_purpose,
        share_header, creator_id, create_at, update_at, remote_id, kind = r#type,
    }
}

/// How a plugin registers itself as a shared-channels remote.
///
/// ```
/// use mm_types::RegisterPluginOpts;
/// let opts = RegisterPluginOpts::new("com.example.bridge", "Example bridge").with_description("Bridges channels");
/// assert_eq!(opts.display_name, "Example bridge");
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct RegisterPluginOpts {
    /// The plugin's id.
    pub plugin_id: String,
    /// The remote's display name.
    pub display_name: String,
    /// A description of the remote.
    pub description: String,
}

impl RegisterPluginOpts {
    /// Options for plugin `plugin_id`, shown as `display_name`.
    pub fn new(plugin_id: impl Into<String>, display_name: impl Into<String>) -> Self {
        RegisterPluginOpts {
            plugin_id: plugin_id.into(),
            display_name: display_name.into(),
            ..Default::default()
        }
    }

    /// Sets the description.
    pub fn with_description(mut self, description: impl Into<String>) -> Self {
        self.description = description.into();
        self
    }
}

wire_struct! {
    RegisterPluginOpts <=> wire::RegisterPluginOpts { plugin_id, display_name, description }
}

/// How far posts of a shared channel have been synced to a remote.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct GetPostsSinceForSyncCursor {
    /// The `update_at` of the last post synced ([`Timestamp::ZERO`] to start from the
    /// beginning).
    pub last_post_update_at: Timestamp,
    /// The last post synced, to break ties between posts with the same `update_at`.
    #[serde(with = "crate::id::empty_as_none")]
    pub last_post_id: Option<PostId>,
}

wire_struct! {
    GetPostsSinceForSyncCursor <=> wire::GetPostsSinceForSyncCursor { last_post_update_at, last_post_id }
}
