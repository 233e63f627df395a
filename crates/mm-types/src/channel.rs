//! Channels, channel membership, statistics and sidebar categories.

use std::collections::HashMap;

use mm_proto::v1 as wire;
use serde::{Deserialize, Serialize};

use crate::enums::{int_enum, string_enum};
use crate::id::{CategoryId, ChannelId, SchemeId, TeamId, UserId};
use crate::json::JsonMap;
use crate::timestamp::Timestamp;
use crate::wire_struct;

int_enum! {
    /// The kind of a channel.
    pub enum ChannelType {
        /// A public channel anyone on the team may join (`"O"`).
        Open = 1 / "O",
        /// A private channel (`"P"`).
        Private = 2 / "P",
        /// A direct message between two users (`"D"`).
        Direct = 3 / "D",
        /// A group message between three to eight users (`"G"`).
        Group = 4 / "G",
    }
    default = Open;
}

impl ChannelType {
    /// Whether channels of this kind belong to no team (direct and group messages).
    pub fn is_team_less(&self) -> bool {
        matches!(self, ChannelType::Direct | ChannelType::Group)
    }
}

/// A channel: public, private, direct message or group message.
///
/// ```
/// use mm_types::{Channel, ChannelType, TeamId};
/// let team = TeamId::parse("9qh5o5zfftdfzqm4ex5c5j7mga").unwrap();
/// let channel = Channel::new(team, "town-square", "Town Square").with_kind(ChannelType::Private);
/// assert_eq!(serde_json::to_value(&channel).unwrap()["type"], "P");
/// ```
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Channel {
    /// The channel's id (empty until created).
    pub id: ChannelId,
    /// When the channel was created.
    pub create_at: Timestamp,
    /// When the channel last changed.
    pub update_at: Timestamp,
    /// When the channel was archived, if it is.
    #[serde(with = "crate::timestamp::zero_as_none")]
    pub delete_at: Option<Timestamp>,
    /// The team (`None` for direct and group messages).
    #[serde(with = "crate::id::empty_as_none")]
    pub team_id: Option<TeamId>,
    /// Public, private, direct or group.
    #[serde(rename = "type")]
    pub kind: ChannelType,
    /// The name shown to users.
    pub display_name: String,
    /// The URL name (unique in the team).
    pub name: String,
    /// The header (Markdown).
    pub header: String,
    /// The purpose.
    pub purpose: String,
    /// When the last post was made.
    #[serde(with = "crate::timestamp::zero_as_none")]
    pub last_post_at: Option<Timestamp>,
    /// Posts in the channel.
    pub total_msg_count: i64,
    /// When members' extra data last changed.
    #[serde(with = "crate::timestamp::zero_as_none")]
    pub extra_update_at: Option<Timestamp>,
    /// The user who created the channel (`None` for channels made by the system).
    #[serde(with = "crate::id::empty_as_none")]
    pub creator_id: Option<UserId>,
    /// The permission scheme, if the channel has its own.
    pub scheme_id: Option<SchemeId>,
    /// Free-form properties.
    pub props: Option<JsonMap>,
    /// Whether membership is managed by groups.
    pub group_constrained: Option<bool>,
    /// Whether automatic translation is on.
    #[serde(rename = "autotranslation")]
    pub auto_translation: bool,
    /// Whether the channel is shared with remote clusters.
    pub shared: Option<bool>,
    /// Root posts in the channel.
    pub total_msg_count_root: i64,
    /// The data-retention policy applied, if any.
    pub policy_id: Option<String>,
    /// When the last root post was made.
    #[serde(with = "crate::timestamp::zero_as_none")]
    pub last_root_post_at: Option<Timestamp>,
    /// The banner shown at the top of the channel.
    pub banner_info: Option<ChannelBannerInfo>,
    /// Whether an access policy is enforced.
    pub policy_enforced: bool,
    /// Whether the access policy is active.
    pub policy_is_active: bool,
    /// The sidebar category new members get the channel in.
    pub default_category_name: String,
}

impl Channel {
    /// A new public channel in `team`; set other fields with struct update or `with_*`.
    pub fn new(team_id: TeamId, name: impl Into<String>, display_name: impl Into<String>) -> Self {
        Channel {
            team_id: Some(team_id),
            name: name.into(),
            display_name: display_name.into(),
            kind: ChannelType::Open,
            ..Default::default()
        }
    }

    /// Sets the channel type.
    pub fn with_kind(mut self, kind: ChannelType) -> Self {
        self.kind = kind;
        self
    }

    /// Sets the purpose.
    pub fn with_purpose(mut self, purpose: impl Into<String>) -> Self {
        self.purpose = purpose.into();
        self
    }

    /// Sets the header.
    pub fn with_header(mut self, header: impl Into<String>) -> Self {
        self.header = header.into();
        self
    }

    /// Whether the channel is archived.
    pub fn is_deleted(&self) -> bool {
        self.delete_at.is_some()
    }
}

wire_struct! {
    Channel <=> wire::Channel {
        id, create_at, update_at, delete_at, team_id, kind = r#type, display_name, name, header,
        purpose, last_post_at, total_msg_count, extra_update_at, creator_id, scheme_id, props,
        group_constrained, auto_translation, shared, total_msg_count_root, policy_id,
        last_root_post_at, banner_info, policy_enforced, policy_is_active, default_category_name,
    }
}

/// The banner shown at the top of a channel.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ChannelBannerInfo {
    /// Whether the banner shows.
    pub enabled: Option<bool>,
    /// The banner text.
    pub text: Option<String>,
    /// The background color, as CSS.
    pub background_color: Option<String>,
}

wire_struct! {
    ChannelBannerInfo <=> wire::ChannelBannerInfo { enabled, text, background_color }
}

/// Counts of a channel's members, guests, pinned posts and files.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ChannelStats {
    /// The channel.
    pub channel_id: ChannelId,
    /// Members.
    pub member_count: i64,
    /// Guest members.
    pub guest_count: i64,
    /// Pinned posts.
    pub pinnedpost_count: i64,
    /// Files.
    pub files_count: i64,
}

wire_struct! {
    ChannelStats <=> wire::ChannelStats { channel_id, member_count, guest_count, pinnedpost_count, files_count }
}

/// A user's membership in a channel, with read state and notification settings.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ChannelMember {
    /// The channel.
    pub channel_id: ChannelId,
    /// The member.
    pub user_id: UserId,
    /// Space-separated explicit role names.
    pub roles: String,
    /// When the member last viewed the channel.
    #[serde(with = "crate::timestamp::zero_as_none")]
    pub last_viewed_at: Option<Timestamp>,
    /// Posts the member has seen.
    pub msg_count: i64,
    /// Unread mentions.
    pub mention_count: i64,
    /// Unread mentions in root posts.
    pub mention_count_root: i64,
    /// Root posts the member has seen.
    pub msg_count_root: i64,
    /// Notification settings (`desktop`, `push`, `mark_unread`...).
    #[serde(deserialize_with = "crate::json::null_as_default")]
    pub notify_props: HashMap<String, String>,
    /// When the membership last changed.
    pub last_update_at: Timestamp,
    /// Whether the member is a guest under the channel's scheme.
    pub scheme_guest: bool,
    /// Whether the member is a user under the channel's scheme.
    pub scheme_user: bool,
    /// Whether the member is an admin under the channel's scheme.
    pub scheme_admin: bool,
    /// Unread urgent mentions.
    pub urgent_mention_count: i64,
    /// Roles granted beyond the channel scheme's (stock servers send it; the gRPC protocol does
    /// not carry it).
    pub explicit_roles: String,
}

wire_struct! {
    ChannelMember <=> wire::ChannelMember {
        channel_id, user_id, roles, last_viewed_at, msg_count, mention_count, mention_count_root,
        msg_count_root, notify_props, last_update_at, scheme_guest, scheme_user, scheme_admin,
        urgent_mention_count, explicit_roles,
    }
}

/// Names one channel membership.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(default)]
pub struct ChannelMemberIdentifier {
    /// The channel.
    pub channel_id: ChannelId,
    /// The user.
    pub user_id: UserId,
}

wire_struct! {
    ChannelMemberIdentifier <=> wire::ChannelMemberIdentifier { channel_id, user_id }
}

string_enum! {
    /// The kind of a sidebar category.
    pub enum SidebarCategoryType {
        /// A category the user made.
        Custom = "custom",
        /// Favorites.
        Favorites = "favorites",
        /// Channels.
        Channels = "channels",
        /// Direct messages.
        DirectMessages = "direct_messages",
    }
    default = Custom;
}

/// A user's sidebar category and the channels in it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct SidebarCategoryWithChannels {
    /// The category id (empty when creating one).
    pub id: CategoryId,
    /// The user whose sidebar this is.
    pub user_id: UserId,
    /// The team.
    pub team_id: TeamId,
    /// The name shown.
    pub display_name: String,
    /// Custom, favorites, channels or direct messages.
    #[serde(rename = "type")]
    pub kind: SidebarCategoryType,
    /// How channels are sorted (`""`, `alpha`, `recent`, `manual` on the server; as a number here).
    pub sorting: i32,
    /// Whether the category is muted.
    pub muted: bool,
    /// Whether the category is collapsed.
    pub collapsed: bool,
    /// The channels, in order.
    #[serde(deserialize_with = "crate::json::null_as_default")]
    pub channel_ids: Vec<ChannelId>,
}

wire_struct! {
    SidebarCategoryWithChannels <=> wire::SidebarCategoryWithChannels {
        id, user_id, team_id, display_name, kind = r#type, sorting, muted, collapsed, channel_ids,
    }
}

/// A user's sidebar categories in display order.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct OrderedSidebarCategories {
    /// The categories.
    #[serde(deserialize_with = "crate::json::null_as_default")]
    pub categories: Vec<SidebarCategoryWithChannels>,
    /// Category ids in display order.
    #[serde(deserialize_with = "crate::json::null_as_default")]
    pub order: Vec<CategoryId>,
}

wire_struct! {
    OrderedSidebarCategories <=> wire::OrderedSidebarCategories { categories, order }
}
