//! Idiomatic domain types for Mattermost server plugins.
//!
//! `mm-types` is the data layer of the SDK and does no I/O: users, teams, channels, posts,
//! files, bots, commands, KV options, hook payloads and the rest of what travels between a
//! Mattermost server and a plugin, as Rust types that feel native:
//!
//! - **typed ids** ([`UserId`], [`ChannelId`], ...): one cannot be passed for another;
//!   [`Id::parse`] validates Mattermost's 26-character ids where input comes from outside;
//! - **enums that keep unknown values** from newer servers ([`ChannelType`], [`UserStatus`],
//!   [`PreferenceCategory`]...);
//! - **[`Timestamp`]** for Mattermost's millisecond times, convertible to `SystemTime`;
//!   `Option<Timestamp>` where `0` means "never";
//! - **JSON** as `serde_json` values ([`JsonMap`] for `props`) and [`RawJson`] for JSON blobs,
//!   each kind with its own newtype ([`ServerConfig`], [`EmailNotification`], [`SamlAssertion`],
//!   [`SyncMsg`]) that keeps the document exactly as the server sent it;
//! - **serde** with Mattermost's JSON field names, so the same types read REST and webhook JSON
//!   (including Go's `null` for empty lists and maps);
//! - **lossless conversions** with the wire messages of `mm-proto`, for the SDK's own crates
//!   (the client, the runtime, the local host): a value that cannot convert gives an
//!   [`Error`], never a panic. They are not part of this crate's public API (hidden from the
//!   docs), so a change of the wire layer is not a change of the domain types.
//!
//! Types people create have `Default` and builders:
//!
//! ```
//! use mm_types::{ChannelId, CommandResponse, Post, WebsocketBroadcast};
//! let channel = ChannelId::parse("4xp9fdt77pncbef59f4k1qe83o").unwrap();
//! let post = Post::new(channel.clone(), "Hello from Rust").with_prop("from_plugin", true);
//! assert_eq!(post.message, "Hello from Rust");
//!
//! let reply = CommandResponse::ephemeral("Done.");
//! let audience = WebsocketBroadcast::to_channel(channel);
//! # let _ = (reply, audience);
//! ```
//!
//! # Domains
//!
//! | domain | types |
//! |---|---|
//! | users | [`User`], [`Status`], [`CustomStatus`], [`Session`], [`UserAccessToken`], [`UserAuth`], [`ViewUsersRestrictions`], [`SamlAssertion`] |
//! | teams | [`Team`], [`TeamMember`], [`TeamMemberWithError`], [`TeamUnread`], [`TeamStats`] |
//! | channels | [`Channel`], [`ChannelMember`], [`ChannelStats`], [`ChannelBannerInfo`], [`ChannelMemberIdentifier`], [`SidebarCategoryWithChannels`], [`OrderedSidebarCategories`] |
//! | posts | [`Post`], [`Draft`], [`ScheduledPost`], [`ScheduledPostRepeat`], [`PostList`], [`PostMetadata`], [`PostEmbed`], [`PostImage`], [`PostPriority`], [`PostAcknowledgement`], [`Reaction`], [`SearchParams`], [`SearchParameter`], [`PostSearchResults`] |
//! | files | [`FileInfo`], [`FileData`], [`FileDownloadType`], [`FileUploadResponse`], [`GetFileInfosOptions`], [`UploadSession`] |
//! | emoji, KV store | [`Emoji`], [`KvSetOptions`] |
//! | bots, OAuth | [`Bot`], [`BotPatch`], [`BotGetOptions`], [`OAuthApp`] |
//! | slash commands | [`Command`], [`CommandArgs`], [`CommandResponse`] |
//! | preferences | [`Preference`] |
//! | groups | [`Group`], [`GroupMember`], [`GroupSyncable`], [`GroupSearchOpts`], [`CreateDefaultMembershipParams`] |
//! | shared channels | [`SharedChannel`], [`RemoteCluster`], [`SyncMsg`], [`SyncResponse`], [`RegisterPluginOpts`], [`GetPostsSinceForSyncCursor`] |
//! | properties | [`PropertyGroup`], [`PropertyField`], [`PropertyFieldSearchOpts`], [`PropertyValue`], [`PropertyValueSearchOpts`], [`PropertyRequestOptions`] |
//! | access control (stock servers only) | [`AccessControlPolicy`], [`AccessControlPolicyRule`], [`CelExpressionError`], [`AccessDecision`], [`VisualExpression`], [`Condition`], [`AccessControlPolicyTestResponse`] |
//! | notifications | [`PushNotification`], [`EmailNotification`], [`EmailNotificationContent`] |
//! | real time, cluster | [`WebSocketRequest`], [`WebsocketBroadcast`], [`PluginClusterEvent`], [`PluginClusterEventSendOptions`] |
//! | dialogs | [`OpenDialogRequest`], [`Dialog`], [`DialogElement`], [`DialogElementOption`] |
//! | plugins, logging | [`Manifest`], [`PluginStatus`], [`OnInstallEvent`], [`KeyValuePair`], [`AuditRecord`] |
//! | call parameters | [`Page`], [`Deleted`], [`AccountState`], [`IfInstalled`], [`IfNotShared`], [`Role`], [`Permission`], [`UserSort`], [`ChannelMemberSort`], [`EmojiSort`], [`FileSort`], [`SortOrder`] |
//! | server | [`ServerConfig`], [`ProductLimits`], [`FilesLimits`], [`MessagesLimits`], [`TeamsLimits`] |
//! | hooks and errors | [`PluginContext`], [`RequestContext`], [`AppError`], [`HttpRequestInit`], [`HttpResponseInit`], [`HttpHeader`] |
//!
//! Every entity message of the protocol has a domain type here except `Empty`, `StringMap`
//! and `StringList`, which are wire-only containers (a `StringList` inside a map converts to
//! `Vec<String>`). The `<Method>Request` / `<Method>Response` envelopes of the RPCs are mapped
//! by `mm-client` and `mm-hooks`, which build them from these types.

// Transport plumbing for the SDK's own crates, not public API: the wire messages and the
// conversions to and from them.
#[doc(hidden)]
pub mod convert;
mod enums;
mod error;
mod id;
pub mod json;
mod random;

/// `N` random bytes from the operating system (for ids and tokens in the SDK's crates; not
/// part of the supported API).
#[doc(hidden)]
pub fn __random_bytes<const N: usize>() -> [u8; N] {
    random::bytes()
}
mod timestamp;

mod access_control;
mod app_error;
mod bot;
mod channel;
mod cluster;
mod command;
mod config;
mod context;
mod dialog;
mod draft;
mod emoji;
mod file;
mod filters;
mod group;
mod http;
mod kv;
mod limits;
mod logging;
mod notification;
mod oauth;
mod page;
mod plugin;
mod post;
mod preference;
mod property;
mod role;
mod shared_channel;
mod sort;
mod team;
mod user;
mod websocket;

pub use access_control::{
    AccessControlPolicy, AccessControlPolicyRule, AccessControlPolicyTestResponse, AccessDecision,
    CelExpressionError, Condition, VisualExpression,
};
pub use app_error::AppError;
pub use bot::{Bot, BotGetOptions, BotPatch};
pub use channel::{
    Channel, ChannelBannerInfo, ChannelMember, ChannelMemberIdentifier, ChannelStats, ChannelType,
    OrderedSidebarCategories, SidebarCategoryType, SidebarCategoryWithChannels,
};
pub use cluster::{ClusterSendType, PluginClusterEvent, PluginClusterEventSendOptions};
pub use command::{Command, CommandArgs, CommandMethod, CommandResponse, CommandResponseType};
pub use config::ServerConfig;
pub use context::{PluginContext, RequestContext};
pub use dialog::{Dialog, DialogElement, DialogElementOption, DialogElementType, OpenDialogRequest};
pub use draft::{Draft, ScheduledPost, ScheduledPostRepeat};
pub use emoji::Emoji;
pub use enums::UnknownValue;
pub use error::{Error, FieldPath, Result};
pub use file::{
    FileData, FileDownloadType, FileInfo, FileUploadResponse, GetFileInfosOptions, UploadSession, UploadType,
};
pub use filters::{AccountState, Deleted, IfInstalled, IfNotShared};
pub use group::{
    CreateDefaultMembershipParams, Group, GroupMember, GroupSearchOpts, GroupSource, GroupSyncable,
    GroupSyncableType,
};
pub use http::{HttpHeader, HttpRequestInit, HttpResponseInit};
pub use id::{
    CategoryId, ChannelId, CommandId, EmojiId, FileId, GroupId, ID_LEN, Id, Marker, OAuthAppId, PostId,
    PropertyFieldId, PropertyGroupId, PropertyValueId, RemoteId, RequestId, ScheduledPostId, SchemeId,
    SessionId, TeamId, TokenId, UploadId, UserId, marker,
};
pub use json::{JsonMap, RawJson};
pub use kv::KvSetOptions;
pub use limits::{FilesLimits, MessagesLimits, ProductLimits, TeamsLimits};
pub use logging::{AuditRecord, AuditStatus, KeyValuePair};
pub use notification::{EmailNotification, EmailNotificationContent, PushNotification, PushType};
pub use oauth::OAuthApp;
pub use page::Page;
pub use plugin::{Manifest, OnInstallEvent, PluginId, PluginState, PluginStatus};
pub use post::{
    Post, PostAcknowledgement, PostEmbed, PostImage, PostList, PostMetadata, PostPriority, PostSearchResults,
    PostType, Reaction, SearchParameter, SearchParams,
};
pub use preference::{Preference, PreferenceCategory};
pub use property::{
    PropertyField, PropertyFieldSearchOpts, PropertyFieldType, PropertyGroup, PropertyRequestOptions,
    PropertyValue, PropertyValueSearchOpts,
};
pub use role::{Permission, Role};
pub use shared_channel::{
    GetPostsSinceForSyncCursor, RegisterPluginOpts, RemoteCluster, SharedChannel, SyncMsg, SyncResponse,
};
pub use sort::{ChannelMemberSort, EmojiSort, FileSort, SortOrder, UserSort};
pub use team::{Team, TeamMember, TeamMemberWithError, TeamStats, TeamType, TeamUnread};
pub use timestamp::Timestamp;
pub use user::{
    CustomStatus, CustomStatusDuration, SamlAssertion, Session, Status, User, UserAccessToken, UserAuth,
    UserStatus, ViewUsersRestrictions,
};
pub use websocket::{WebSocketRequest, WebsocketBroadcast};

/// The wire messages of `mm-proto` that the domain types convert to and from (for the SDK's own
/// crates; not public API).
#[doc(hidden)]
pub use mm_proto::v1 as wire;
