//! Posts, threads, post lists, reactions and post search.

use std::collections::HashMap;

use mm_proto::v1 as wire;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::enums::string_enum;
use crate::file::FileInfo;
use crate::id::{ChannelId, FileId, PostId, RemoteId, UserId};
use crate::json::JsonMap;
use crate::timestamp::Timestamp;
use crate::user::User;
use crate::wire_struct;

string_enum! {
    /// The kind of a post: a regular message, a system message, or a plugin's custom type.
    pub enum PostType {
        /// A message written by a user or a bot.
        Regular = "",
        /// A user joined the channel.
        SystemJoinChannel = "system_join_channel",
        /// A user left the channel.
        SystemLeaveChannel = "system_leave_channel",
        /// A user was added to the channel.
        SystemAddToChannel = "system_add_to_channel",
        /// A user was removed from the channel.
        SystemRemoveFromChannel = "system_remove_from_channel",
        /// A user joined the team.
        SystemJoinTeam = "system_join_team",
        /// A user left the team.
        SystemLeaveTeam = "system_leave_team",
        /// The channel header changed.
        SystemHeaderChange = "system_header_change",
        /// The channel display name changed.
        SystemDisplayNameChange = "system_displayname_change",
        /// The channel purpose changed.
        SystemPurposeChange = "system_purpose_change",
        /// The channel was archived.
        SystemChannelDeleted = "system_channel_deleted",
        /// An ephemeral message from the system.
        SystemEphemeral = "system_ephemeral",
        /// A message with Slack-style attachments.
        SlackAttachment = "slack_attachment",
    }
    default = Regular;
}

impl PostType {
    /// Whether this is a system message (its type starts with `system_`).
    pub fn is_system(&self) -> bool {
        self.as_str().starts_with("system_")
    }
}

/// A message in a channel, a reply in a thread, or a system message.
///
/// ```
/// use mm_types::{ChannelId, Post, PostId};
/// let channel = ChannelId::parse("4xp9fdt77pncbef59f4k1qe83o").unwrap();
/// let root = PostId::parse("qb1o8ncuftba5rjbjrwdjq8o6c").unwrap();
/// let mut reply = Post::new(channel, "Thanks!").in_thread(root.clone());
/// reply.set_prop("from_plugin", true);
/// assert_eq!(reply.root_id, Some(root));
/// assert_eq!(reply.prop("from_plugin"), Some(&serde_json::json!(true)));
/// ```
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Post {
    /// The post's id (empty until created).
    pub id: PostId,
    /// When the post was created.
    pub create_at: Timestamp,
    /// When the post last changed (edits, reactions, replies).
    pub update_at: Timestamp,
    /// When the message was last edited, if it was.
    #[serde(with = "crate::timestamp::zero_as_none")]
    pub edit_at: Option<Timestamp>,
    /// When the post was deleted, if it was.
    #[serde(with = "crate::timestamp::zero_as_none")]
    pub delete_at: Option<Timestamp>,
    /// Whether the post is pinned to the channel.
    pub is_pinned: bool,
    /// The author.
    pub user_id: UserId,
    /// The channel.
    pub channel_id: ChannelId,
    /// The thread's root post, for replies.
    #[serde(with = "crate::id::empty_as_none")]
    pub root_id: Option<PostId>,
    /// The original post, for edit history entries.
    #[serde(with = "crate::id::empty_as_none")]
    pub original_id: Option<PostId>,
    /// The message (Markdown).
    pub message: String,
    /// The message before the server's changes, when there were any.
    pub message_source: String,
    /// Regular, system, or a plugin's custom type.
    #[serde(rename = "type")]
    pub kind: PostType,
    /// Free-form properties (attachments, `from_bot`, `override_username`...).
    pub props: Option<JsonMap>,
    /// Space-separated hashtags found in the message.
    pub hashtags: String,
    /// Files attached to the post.
    #[serde(deserialize_with = "crate::json::null_as_default")]
    pub file_ids: Vec<FileId>,
    /// The client's id for a post being sent, to match it when it comes back.
    pub pending_post_id: String,
    /// Whether anyone reacted to the post.
    pub has_reactions: bool,
    /// The remote cluster the post comes from, for shared channels.
    pub remote_id: Option<RemoteId>,
    /// Replies in the thread (for root posts).
    pub reply_count: i64,
    /// When the last reply was made.
    #[serde(with = "crate::timestamp::zero_as_none")]
    pub last_reply_at: Option<Timestamp>,
    /// Users who replied in the thread.
    #[serde(deserialize_with = "crate::json::null_as_default")]
    pub participants: Vec<User>,
    /// Whether the current user follows the thread.
    pub is_following: Option<bool>,
    /// Data the server computes: embeds, reactions, files, images, priority.
    pub metadata: Option<PostMetadata>,
}

impl Post {
    /// A new post with a message in a channel; the server fills in the id, author and times.
    pub fn new(channel_id: ChannelId, message: impl Into<String>) -> Self {
        Post { channel_id, message: message.into(), ..Default::default() }
    }

    /// Makes the post a reply in the thread of `root_id`.
    pub fn in_thread(mut self, root_id: PostId) -> Self {
        self.root_id = Some(root_id);
        self
    }

    /// Sets the author.
    pub fn by(mut self, user_id: UserId) -> Self {
        self.user_id = user_id;
        self
    }

    /// Sets the post type.
    pub fn with_kind(mut self, kind: PostType) -> Self {
        self.kind = kind;
        self
    }

    /// Sets a property, returning the post.
    pub fn with_prop(mut self, key: impl Into<String>, value: impl Into<Value>) -> Self {
        self.set_prop(key, value);
        self
    }

    /// Sets a property.
    pub fn set_prop(&mut self, key: impl Into<String>, value: impl Into<Value>) {
        self.props.get_or_insert_with(JsonMap::new).insert(key.into(), value.into());
    }

    /// A property, if set.
    pub fn prop(&self, key: &str) -> Option<&Value> {
        self.props.as_ref()?.get(key)
    }

    /// Whether the post is a reply in a thread.
    pub fn is_reply(&self) -> bool {
        self.root_id.is_some()
    }

    /// Whether the post was deleted.
    pub fn is_deleted(&self) -> bool {
        self.delete_at.is_some()
    }

    /// The id of the thread this post belongs to: its root, or itself for a root post.
    pub fn thread_id(&self) -> &PostId {
        self.root_id.as_ref().unwrap_or(&self.id)
    }
}

wire_struct! {
    Post <=> wire::Post {
        id, create_at, update_at, edit_at, delete_at, is_pinned, user_id, channel_id, root_id,
        original_id, message, message_source, kind = r#type, props, hashtags, file_ids,
        pending_post_id, has_reactions, remote_id, reply_count, last_reply_at, participants,
        is_following, metadata,
    }
}

/// Data the server computes for a post.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct PostMetadata {
    /// Embedded previews.
    #[serde(deserialize_with = "crate::json::null_as_default")]
    pub embeds: Vec<PostEmbed>,
    /// Reactions.
    #[serde(deserialize_with = "crate::json::null_as_default")]
    pub reactions: Vec<Reaction>,
    /// Attached files.
    #[serde(deserialize_with = "crate::json::null_as_default")]
    pub files: Vec<FileInfo>,
    /// Dimensions of linked images, by URL.
    #[serde(deserialize_with = "crate::json::null_as_default")]
    pub images: HashMap<String, PostImage>,
    /// Priority and acknowledgement settings.
    pub priority: Option<PostPriority>,
    /// Acknowledgements.
    #[serde(deserialize_with = "crate::json::null_as_default")]
    pub acknowledgements: Vec<PostAcknowledgement>,
}

wire_struct! {
    PostMetadata <=> wire::PostMetadata { embeds, reactions, files, images, priority, acknowledgements }
}

/// An embedded preview in a post.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct PostEmbed {
    /// `image`, `link`, `message_attachment`, `opengraph`, `permalink`...
    #[serde(rename = "type")]
    pub kind: String,
    /// The embedded URL.
    pub url: String,
    /// Type-specific data.
    pub data: Option<JsonMap>,
}

wire_struct! {
    PostEmbed <=> wire::PostEmbed { kind = r#type, url, data }
}

/// Dimensions of an image linked from a post.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct PostImage {
    /// Width in pixels.
    pub width: i32,
    /// Height in pixels.
    pub height: i32,
    /// Image format (`png`, `gif`...).
    pub format: String,
    /// Frames, for animations.
    pub frame_count: i64,
}

wire_struct! {
    PostImage <=> wire::PostImage { width, height, format, frame_count }
}

/// A post's priority and acknowledgement settings.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct PostPriority {
    /// `""`, `important` or `urgent`.
    pub priority: Option<String>,
    /// Whether readers are asked to acknowledge.
    pub requested_ack: Option<bool>,
    /// Whether mentions are notified repeatedly until acknowledged.
    pub persistent_notifications: Option<bool>,
}

wire_struct! {
    PostPriority <=> wire::PostPriority { priority, requested_ack, persistent_notifications }
}

/// A user's acknowledgement of a post.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct PostAcknowledgement {
    /// Who acknowledged.
    pub user_id: UserId,
    /// The post.
    pub post_id: PostId,
    /// When.
    pub acknowledged_at: Timestamp,
}

wire_struct! {
    PostAcknowledgement <=> wire::PostAcknowledgement { user_id, post_id, acknowledged_at }
}

/// Posts keyed by id, with their display order and paging cursors (a channel page or a thread).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct PostList {
    /// Post ids, newest first.
    #[serde(deserialize_with = "crate::json::null_as_default")]
    pub order: Vec<PostId>,
    /// The posts, by id.
    #[serde(deserialize_with = "crate::json::null_as_default")]
    pub posts: HashMap<PostId, Post>,
    /// The id to page forward from.
    #[serde(with = "crate::id::empty_as_none")]
    pub next_post_id: Option<PostId>,
    /// The id to page backward from.
    #[serde(with = "crate::id::empty_as_none")]
    pub prev_post_id: Option<PostId>,
    /// When the first post hidden by cloud limits was created, if posts are hidden (Go's
    /// `FirstInaccessiblePostTime`, 0 in JSON when none is). A gRPC server only says whether
    /// posts are hidden: then the time is `Some` of the epoch.
    #[serde(with = "crate::timestamp::zero_as_none")]
    pub first_inaccessible_post_time: Option<Timestamp>,
    /// Whether there are more posts after this page.
    pub has_next: bool,
}

impl PostList {
    /// The posts in `order` (ids missing from `posts` are skipped).
    pub fn iter(&self) -> impl Iterator<Item = &Post> {
        self.order.iter().filter_map(|id| self.posts.get(id))
    }

    /// How many posts are in display order.
    pub fn len(&self) -> usize {
        self.order.len()
    }

    /// Whether the list is empty.
    pub fn is_empty(&self) -> bool {
        self.order.is_empty()
    }
}

impl crate::convert::FromWire<wire::PostList> for PostList {
    fn from_wire(wire: wire::PostList) -> crate::Result<Self> {
        use crate::convert::field;
        // The time when the server sent it (stock servers), else the contract's flag.
        let first_inaccessible_post_time =
            match (wire.first_inaccessible_post_at, wire.first_inaccessible_post_time) {
                (0, false) => None,
                (millis, _) => Some(Timestamp::from_millis(millis)),
            };
        Ok(PostList {
            order: field(wire.order, "PostList", "order")?,
            posts: field(wire.posts, "PostList", "posts")?,
            next_post_id: field(wire.next_post_id, "PostList", "next_post_id")?,
            prev_post_id: field(wire.prev_post_id, "PostList", "prev_post_id")?,
            first_inaccessible_post_time,
            has_next: wire.has_next,
        })
    }
}

impl crate::convert::IntoWire<wire::PostList> for PostList {
    fn into_wire(self) -> wire::PostList {
        wire::PostList {
            order: self.order.into_wire(),
            posts: self.posts.into_wire(),
            next_post_id: self.next_post_id.into_wire(),
            prev_post_id: self.prev_post_id.into_wire(),
            first_inaccessible_post_time: self.first_inaccessible_post_time.is_some(),
            first_inaccessible_post_at: self.first_inaccessible_post_time.map_or(0, Timestamp::as_millis),
            has_next: self.has_next,
        }
    }
}

impl TryFrom<wire::PostList> for PostList {
    type Error = crate::Error;
    fn try_from(wire: wire::PostList) -> crate::Result<Self> {
        crate::convert::FromWire::from_wire(wire)
    }
}

impl From<PostList> for wire::PostList {
    fn from(value: PostList) -> Self {
        crate::convert::IntoWire::into_wire(value)
    }
}

/// An emoji reaction by a user on a post.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Reaction {
    /// Who reacted.
    pub user_id: UserId,
    /// The post.
    pub post_id: PostId,
    /// The emoji name, without colons (`+1`, `tada`...).
    pub emoji_name: String,
    /// When.
    pub create_at: Timestamp,
    /// When it last changed.
    pub update_at: Timestamp,
    /// When it was removed, if it was.
    #[serde(with = "crate::timestamp::zero_as_none")]
    pub delete_at: Option<Timestamp>,
    /// The remote cluster it comes from, for shared channels.
    pub remote_id: Option<RemoteId>,
    /// The post's channel.
    pub channel_id: Option<ChannelId>,
}

impl Reaction {
    /// A reaction of `user_id` with `emoji_name` on `post_id`.
    pub fn new(user_id: UserId, post_id: PostId, emoji_name: impl Into<String>) -> Self {
        Reaction { user_id, post_id, emoji_name: emoji_name.into(), ..Default::default() }
    }
}

wire_struct! {
    Reaction <=> wire::Reaction { user_id, post_id, emoji_name, create_at, update_at, delete_at, remote_id, channel_id }
}

/// Parsed post search parameters (`SearchPostsInTeam`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct SearchParams {
    /// The search terms.
    pub terms: String,
    /// Whether any term may match (instead of all).
    pub is_or_search: bool,
    /// The searcher's timezone offset, in seconds.
    pub time_zone_offset: i64,
    /// The page.
    pub page: i32,
    /// Results per page.
    pub per_page: i32,
    /// Whether archived channels are searched.
    pub include_deleted_channels: bool,
    /// Channel names to search in (`in:`).
    #[serde(deserialize_with = "crate::json::null_as_default")]
    pub in_channels: Vec<String>,
    /// Channel names to skip.
    #[serde(deserialize_with = "crate::json::null_as_default")]
    pub excluded_channels: Vec<String>,
    /// Usernames whose posts match (`from:`).
    #[serde(deserialize_with = "crate::json::null_as_default")]
    pub from_users: Vec<String>,
    /// Usernames whose posts are skipped.
    #[serde(deserialize_with = "crate::json::null_as_default")]
    pub excluded_users: Vec<String>,
    /// Dates before which posts are skipped.
    #[serde(deserialize_with = "crate::json::null_as_default")]
    pub excluded_before_date: Vec<String>,
    /// Dates after which posts are skipped.
    #[serde(deserialize_with = "crate::json::null_as_default")]
    pub excluded_after_date: Vec<String>,
    /// Dates whose posts are skipped.
    #[serde(deserialize_with = "crate::json::null_as_default")]
    pub excluded_dates: Vec<String>,
    /// File extensions to match.
    #[serde(deserialize_with = "crate::json::null_as_default")]
    pub extensions: Vec<String>,
}

wire_struct! {
    SearchParams <=> wire::SearchParams {
        terms, is_or_search, time_zone_offset, page, per_page, include_deleted_channels,
        in_channels, excluded_channels, from_users, excluded_users, excluded_before_date,
        excluded_after_date, excluded_dates, extensions,
    }
}

/// A post search as a user would type it, with paging (`SearchPostsInTeamForUser`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct SearchParameter {
    /// The search text, with modifiers such as `from:` and `in:`.
    pub terms: String,
    /// Whether any term may match (instead of all).
    pub is_or_search: bool,
    /// The searcher's timezone offset, in seconds.
    pub time_zone_offset: i64,
    /// The page.
    pub page: i32,
    /// Results per page.
    pub per_page: i32,
    /// Whether archived channels are searched.
    pub include_deleted_channels: bool,
}

wire_struct! {
    SearchParameter <=> wire::SearchParameter { terms, is_or_search, time_zone_offset, page, per_page, include_deleted_channels }
}

/// Posts found by a search, with the matched words of each.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct PostSearchResults {
    /// Post ids in result order.
    #[serde(deserialize_with = "crate::json::null_as_default")]
    pub order: Vec<PostId>,
    /// The posts, by id.
    #[serde(deserialize_with = "crate::json::null_as_default")]
    pub posts: HashMap<PostId, Post>,
    /// The words that matched, by post id.
    #[serde(deserialize_with = "crate::json::null_as_default")]
    pub matches: HashMap<PostId, Vec<String>>,
}

wire_struct! {
    PostSearchResults <=> wire::PostSearchResults { order, posts, matches }
}

impl crate::convert::FromWire<wire::StringList> for Vec<String> {
    fn from_wire(wire: wire::StringList) -> crate::Result<Self> {
        Ok(wire.values)
    }
}

impl crate::convert::IntoWire<wire::StringList> for Vec<String> {
    fn into_wire(self) -> wire::StringList {
        wire::StringList { values: self }
    }
}
