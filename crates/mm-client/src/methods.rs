//! The table of the 236 PluginAPI methods, with the retry safety of each.
//!
//! Each [`RpcMethod`] names one RPC of `mattermost.pluginapi.v1.PluginAPI`. Layers see it on
//! every [`RpcRequest`](crate::RpcRequest), so they can log the name or decide per method.
//!
//! The classification is conservative, because a retried write may apply twice:
//! - [`Safety::ReadOnly`]: `Get*`, `List*`, `Search*`, `Has*`, `Count*`, `Is*`, `Read*`, `Load*`
//!   (`GetDirectChannel` and `GetGroupChannel` may create the channel, once: still safe);
//! - [`Safety::Idempotent`]: writes of a full state, where a second application changes
//!   nothing: `Update*`, `Save*`, `Patch*`, `Set*`, `Upsert*`, `KVSet`, `KVSetWithExpiry`,
//!   `KVDelete`, `KVDeleteAll`, `EnsureBotUser`;
//! - [`Safety::Unsafe`]: everything else (`Create*`, `Add*`, `Send*`, `Upload*`, `Execute*`,
//!   `Publish*`, `Log*`, `Install*`, `Register*`, `Delete*` whose repeat reports an error,
//!   compare-and-set...). These are retried only when the request provably never left.
//!
//! This file was generated once from the wire contract; edit it by hand.

use std::fmt;

/// Whether an RPC may be sent again after a failure that may have reached the server.
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

/// One PluginAPI RPC: its name, its HTTP/2 path and its retry safety.
#[derive(Debug, PartialEq, Eq, Hash)]
pub struct RpcMethod {
    /// The RPC name, such as `"GetUser"`.
    pub name: &'static str,
    /// The gRPC path, such as `"/mattermost.pluginapi.v1.PluginAPI/GetUser"`.
    pub path: &'static str,
    /// Whether it may be repeated.
    pub safety: Safety,
    /// The proto file (and client group) it belongs to, such as `"users"`.
    pub group: &'static str,
}

impl fmt::Display for RpcMethod {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name)
    }
}

impl RpcMethod {
    /// Looks a method up by RPC name.
    ///
    /// ```
    /// use mm_client::methods::{RpcMethod, Safety};
    /// let m = RpcMethod::by_name("CreatePost").unwrap();
    /// assert_eq!(m.safety, Safety::Unsafe);
    /// assert_eq!(m.path, "/mattermost.pluginapi.v1.PluginAPI/CreatePost");
    /// ```
    pub fn by_name(name: &str) -> Option<&'static RpcMethod> {
        ALL.iter().copied().find(|m| m.name == name)
    }
}

macro_rules! methods {
    ($($konst:ident = $name:literal, $safety:ident, $group:literal;)*) => {
        $(
            #[doc = concat!("`", $name, "` (", $group, ").")]
            pub static $konst: RpcMethod = RpcMethod {
                name: $name,
                path: concat!("/mattermost.pluginapi.v1.PluginAPI/", $name),
                safety: Safety::$safety,
                group: $group,
            };
        )*

        /// Every PluginAPI method, in the order of the service definition.
        pub static ALL: &[&RpcMethod] = &[$(&$konst),*];
    };
}

methods! {
    // users
    CREATE_USER = "CreateUser", Unsafe, "users";
    DELETE_USER = "DeleteUser", Unsafe, "users";
    GET_USERS = "GetUsers", ReadOnly, "users";
    GET_USERS_BY_IDS = "GetUsersByIds", ReadOnly, "users";
    GET_USER = "GetUser", ReadOnly, "users";
    GET_USER_BY_EMAIL = "GetUserByEmail", ReadOnly, "users";
    GET_USER_BY_USERNAME = "GetUserByUsername", ReadOnly, "users";
    GET_USERS_BY_USERNAMES = "GetUsersByUsernames", ReadOnly, "users";
    GET_USERS_IN_TEAM = "GetUsersInTeam", ReadOnly, "users";
    UPDATE_USER = "UpdateUser", Idempotent, "users";
    GET_USER_STATUS = "GetUserStatus", ReadOnly, "users";
    GET_USER_STATUSES_BY_IDS = "GetUserStatusesByIds", ReadOnly, "users";
    UPDATE_USER_STATUS = "UpdateUserStatus", Idempotent, "users";
    SET_USER_STATUS_TIMED_DND = "SetUserStatusTimedDND", Idempotent, "users";
    UPDATE_USER_ACTIVE = "UpdateUserActive", Idempotent, "users";
    UPDATE_USER_CUSTOM_STATUS = "UpdateUserCustomStatus", Idempotent, "users";
    REMOVE_USER_CUSTOM_STATUS = "RemoveUserCustomStatus", Unsafe, "users";
    GET_USERS_IN_CHANNEL = "GetUsersInChannel", ReadOnly, "users";
    GET_LDAP_USER_ATTRIBUTES = "GetLDAPUserAttributes", ReadOnly, "users";
    SEARCH_USERS = "SearchUsers", ReadOnly, "users";
    GET_PROFILE_IMAGE = "GetProfileImage", ReadOnly, "users";
    SET_PROFILE_IMAGE = "SetProfileImage", Idempotent, "users";
    HAS_PERMISSION_TO = "HasPermissionTo", ReadOnly, "users";
    HAS_PERMISSION_TO_TEAM = "HasPermissionToTeam", ReadOnly, "users";
    HAS_PERMISSION_TO_CHANNEL = "HasPermissionToChannel", ReadOnly, "users";
    PUBLISH_USER_TYPING = "PublishUserTyping", Unsafe, "users";
    UPDATE_USER_AUTH = "UpdateUserAuth", Idempotent, "users";
    UPDATE_USER_ROLES = "UpdateUserRoles", Idempotent, "users";
    GET_SESSION = "GetSession", ReadOnly, "users";
    CREATE_SESSION = "CreateSession", Unsafe, "users";
    EXTEND_SESSION_EXPIRY = "ExtendSessionExpiry", Unsafe, "users";
    REVOKE_SESSION = "RevokeSession", Unsafe, "users";
    CREATE_USER_ACCESS_TOKEN = "CreateUserAccessToken", Unsafe, "users";
    REVOKE_USER_ACCESS_TOKEN = "RevokeUserAccessToken", Unsafe, "users";
    ROLES_GRANT_PERMISSION = "RolesGrantPermission", Unsafe, "users";
    // teams
    CREATE_TEAM = "CreateTeam", Unsafe, "teams";
    DELETE_TEAM = "DeleteTeam", Unsafe, "teams";
    GET_TEAMS = "GetTeams", ReadOnly, "teams";
    GET_TEAM = "GetTeam", ReadOnly, "teams";
    GET_TEAM_BY_NAME = "GetTeamByName", ReadOnly, "teams";
    GET_TEAMS_UNREAD_FOR_USER = "GetTeamsUnreadForUser", ReadOnly, "teams";
    UPDATE_TEAM = "UpdateTeam", Idempotent, "teams";
    SEARCH_TEAMS = "SearchTeams", ReadOnly, "teams";
    GET_TEAMS_FOR_USER = "GetTeamsForUser", ReadOnly, "teams";
    CREATE_TEAM_MEMBER = "CreateTeamMember", Unsafe, "teams";
    CREATE_TEAM_MEMBERS = "CreateTeamMembers", Unsafe, "teams";
    CREATE_TEAM_MEMBERS_GRACEFULLY = "CreateTeamMembersGracefully", Unsafe, "teams";
    DELETE_TEAM_MEMBER = "DeleteTeamMember", Unsafe, "teams";
    GET_TEAM_MEMBERS = "GetTeamMembers", ReadOnly, "teams";
    GET_TEAM_MEMBER = "GetTeamMember", ReadOnly, "teams";
    GET_TEAM_MEMBERS_FOR_USER = "GetTeamMembersForUser", ReadOnly, "teams";
    UPDATE_TEAM_MEMBER_ROLES = "UpdateTeamMemberRoles", Idempotent, "teams";
    GET_TEAM_ICON = "GetTeamIcon", ReadOnly, "teams";
    SET_TEAM_ICON = "SetTeamIcon", Idempotent, "teams";
    REMOVE_TEAM_ICON = "RemoveTeamIcon", Unsafe, "teams";
    GET_TEAM_STATS = "GetTeamStats", ReadOnly, "teams";
    // channels
    CREATE_CHANNEL = "CreateChannel", Unsafe, "channels";
    DELETE_CHANNEL = "DeleteChannel", Unsafe, "channels";
    GET_PUBLIC_CHANNELS_FOR_TEAM = "GetPublicChannelsForTeam", ReadOnly, "channels";
    GET_CHANNEL = "GetChannel", ReadOnly, "channels";
    GET_CHANNEL_BY_NAME = "GetChannelByName", ReadOnly, "channels";
    GET_CHANNEL_BY_NAME_FOR_TEAM_NAME = "GetChannelByNameForTeamName", ReadOnly, "channels";
    GET_CHANNELS_FOR_TEAM_FOR_USER = "GetChannelsForTeamForUser", ReadOnly, "channels";
    GET_CHANNEL_STATS = "GetChannelStats", ReadOnly, "channels";
    GET_DIRECT_CHANNEL = "GetDirectChannel", ReadOnly, "channels";
    GET_GROUP_CHANNEL = "GetGroupChannel", ReadOnly, "channels";
    UPDATE_CHANNEL = "UpdateChannel", Idempotent, "channels";
    SEARCH_CHANNELS = "SearchChannels", ReadOnly, "channels";
    ADD_CHANNEL_MEMBER = "AddChannelMember", Unsafe, "channels";
    ADD_USER_TO_CHANNEL = "AddUserToChannel", Unsafe, "channels";
    GET_CHANNEL_MEMBER = "GetChannelMember", ReadOnly, "channels";
    GET_CHANNEL_MEMBERS = "GetChannelMembers", ReadOnly, "channels";
    GET_CHANNEL_MEMBERS_BY_IDS = "GetChannelMembersByIds", ReadOnly, "channels";
    GET_CHANNEL_MEMBERS_FOR_USER = "GetChannelMembersForUser", ReadOnly, "channels";
    UPDATE_CHANNEL_MEMBER_ROLES = "UpdateChannelMemberRoles", Idempotent, "channels";
    UPDATE_CHANNEL_MEMBER_NOTIFICATIONS = "UpdateChannelMemberNotifications", Idempotent, "channels";
    PATCH_CHANNEL_MEMBERS_NOTIFICATIONS = "PatchChannelMembersNotifications", Idempotent, "channels";
    DELETE_CHANNEL_MEMBER = "DeleteChannelMember", Unsafe, "channels";
    CREATE_CHANNEL_SIDEBAR_CATEGORY = "CreateChannelSidebarCategory", Unsafe, "channels";
    GET_CHANNEL_SIDEBAR_CATEGORIES = "GetChannelSidebarCategories", ReadOnly, "channels";
    UPDATE_CHANNEL_SIDEBAR_CATEGORIES = "UpdateChannelSidebarCategories", Idempotent, "channels";
    // posts
    CREATE_POST = "CreatePost", Unsafe, "posts";
    ADD_REACTION = "AddReaction", Unsafe, "posts";
    REMOVE_REACTION = "RemoveReaction", Unsafe, "posts";
    GET_REACTIONS = "GetReactions", ReadOnly, "posts";
    SEND_EPHEMERAL_POST = "SendEphemeralPost", Unsafe, "posts";
    UPDATE_EPHEMERAL_POST = "UpdateEphemeralPost", Idempotent, "posts";
    DELETE_EPHEMERAL_POST = "DeleteEphemeralPost", Unsafe, "posts";
    DELETE_POST = "DeletePost", Unsafe, "posts";
    GET_POST_THREAD = "GetPostThread", ReadOnly, "posts";
    GET_POST = "GetPost", ReadOnly, "posts";
    GET_POSTS_SINCE = "GetPostsSince", ReadOnly, "posts";
    GET_POSTS_AFTER = "GetPostsAfter", ReadOnly, "posts";
    GET_POSTS_BEFORE = "GetPostsBefore", ReadOnly, "posts";
    GET_POSTS_FOR_CHANNEL = "GetPostsForChannel", ReadOnly, "posts";
    UPDATE_POST = "UpdatePost", Idempotent, "posts";
    SEARCH_POSTS_IN_TEAM = "SearchPostsInTeam", ReadOnly, "posts";
    SEARCH_POSTS_IN_TEAM_FOR_USER = "SearchPostsInTeamForUser", ReadOnly, "posts";
    // emoji
    GET_EMOJI_LIST = "GetEmojiList", ReadOnly, "emoji";
    GET_EMOJI_BY_NAME = "GetEmojiByName", ReadOnly, "emoji";
    GET_EMOJI = "GetEmoji", ReadOnly, "emoji";
    GET_EMOJI_IMAGE = "GetEmojiImage", ReadOnly, "emoji";
    // kv
    KV_SET = "KVSet", Idempotent, "kv";
    KV_COMPARE_AND_SET = "KVCompareAndSet", Unsafe, "kv";
    KV_COMPARE_AND_DELETE = "KVCompareAndDelete", Unsafe, "kv";
    KV_SET_WITH_OPTIONS = "KVSetWithOptions", Unsafe, "kv";
    KV_SET_WITH_EXPIRY = "KVSetWithExpiry", Idempotent, "kv";
    KV_GET = "KVGet", Unsafe, "kv";
    KV_DELETE = "KVDelete", Idempotent, "kv";
    KV_DELETE_ALL = "KVDeleteAll", Idempotent, "kv";
    KV_LIST = "KVList", Unsafe, "kv";
    // config
    LOAD_PLUGIN_CONFIGURATION = "LoadPluginConfiguration", ReadOnly, "config";
    GET_CONFIG = "GetConfig", ReadOnly, "config";
    GET_UNSANITIZED_CONFIG = "GetUnsanitizedConfig", ReadOnly, "config";
    SAVE_CONFIG = "SaveConfig", Idempotent, "config";
    GET_PLUGIN_CONFIG = "GetPluginConfig", ReadOnly, "config";
    SAVE_PLUGIN_CONFIG = "SavePluginConfig", Idempotent, "config";
    // plugins
    GET_BUNDLE_PATH = "GetBundlePath", ReadOnly, "plugins";
    GET_PLUGINS = "GetPlugins", ReadOnly, "plugins";
    ENABLE_PLUGIN = "EnablePlugin", Unsafe, "plugins";
    DISABLE_PLUGIN = "DisablePlugin", Unsafe, "plugins";
    REMOVE_PLUGIN = "RemovePlugin", Unsafe, "plugins";
    GET_PLUGIN_STATUS = "GetPluginStatus", ReadOnly, "plugins";
    INSTALL_PLUGIN = "InstallPlugin", Unsafe, "plugins";
    GET_PLUGIN_ID = "GetPluginID", ReadOnly, "plugins";
    PLUGIN_HTTP = "PluginHTTP", Unsafe, "plugins";
    // logging
    LOG_DEBUG = "LogDebug", Unsafe, "logging";
    LOG_INFO = "LogInfo", Unsafe, "logging";
    LOG_ERROR = "LogError", Unsafe, "logging";
    LOG_WARN = "LogWarn", Unsafe, "logging";
    LOG_AUDIT_REC = "LogAuditRec", Unsafe, "logging";
    LOG_AUDIT_REC_WITH_LEVEL = "LogAuditRecWithLevel", Unsafe, "logging";
    // files
    COPY_FILE_INFOS = "CopyFileInfos", Unsafe, "files";
    GET_FILE_INFO = "GetFileInfo", ReadOnly, "files";
    SET_FILE_SEARCHABLE_CONTENT = "SetFileSearchableContent", Idempotent, "files";
    GET_FILE_INFOS = "GetFileInfos", ReadOnly, "files";
    GET_FILE = "GetFile", ReadOnly, "files";
    GET_FILE_LINK = "GetFileLink", ReadOnly, "files";
    READ_FILE = "ReadFile", ReadOnly, "files";
    UPLOAD_FILE = "UploadFile", Unsafe, "files";
    CREATE_UPLOAD_SESSION = "CreateUploadSession", Unsafe, "files";
    UPLOAD_DATA = "UploadData", Unsafe, "files";
    GET_UPLOAD_SESSION = "GetUploadSession", ReadOnly, "files";
    // bots
    CREATE_BOT = "CreateBot", Unsafe, "bots";
    PATCH_BOT = "PatchBot", Idempotent, "bots";
    GET_BOT = "GetBot", ReadOnly, "bots";
    GET_BOTS = "GetBots", ReadOnly, "bots";
    UPDATE_BOT_ACTIVE = "UpdateBotActive", Idempotent, "bots";
    PERMANENT_DELETE_BOT = "PermanentDeleteBot", Unsafe, "bots";
    ENSURE_BOT_USER = "EnsureBotUser", Idempotent, "bots";
    // system
    GET_LICENSE = "GetLicense", ReadOnly, "system";
    IS_ENTERPRISE_READY = "IsEnterpriseReady", ReadOnly, "system";
    GET_SERVER_VERSION = "GetServerVersion", ReadOnly, "system";
    GET_SYSTEM_INSTALL_DATE = "GetSystemInstallDate", ReadOnly, "system";
    GET_DIAGNOSTIC_ID = "GetDiagnosticId", ReadOnly, "system";
    GET_TELEMETRY_ID = "GetTelemetryId", ReadOnly, "system";
    GET_CLOUD_LIMITS = "GetCloudLimits", ReadOnly, "system";
    REQUEST_TRIAL_LICENSE = "RequestTrialLicense", Unsafe, "system";
    // commands
    REGISTER_COMMAND = "RegisterCommand", Unsafe, "commands";
    UNREGISTER_COMMAND = "UnregisterCommand", Unsafe, "commands";
    EXECUTE_SLASH_COMMAND = "ExecuteSlashCommand", Unsafe, "commands";
    CREATE_COMMAND = "CreateCommand", Unsafe, "commands";
    LIST_COMMANDS = "ListCommands", ReadOnly, "commands";
    LIST_CUSTOM_COMMANDS = "ListCustomCommands", ReadOnly, "commands";
    LIST_PLUGIN_COMMANDS = "ListPluginCommands", ReadOnly, "commands";
    LIST_BUILT_IN_COMMANDS = "ListBuiltInCommands", ReadOnly, "commands";
    GET_COMMAND = "GetCommand", ReadOnly, "commands";
    UPDATE_COMMAND = "UpdateCommand", Idempotent, "commands";
    DELETE_COMMAND = "DeleteCommand", Unsafe, "commands";
    // preferences
    GET_PREFERENCE_FOR_USER = "GetPreferenceForUser", ReadOnly, "preferences";
    GET_PREFERENCES_FOR_USER = "GetPreferencesForUser", ReadOnly, "preferences";
    UPDATE_PREFERENCES_FOR_USER = "UpdatePreferencesForUser", Idempotent, "preferences";
    DELETE_PREFERENCES_FOR_USER = "DeletePreferencesForUser", Unsafe, "preferences";
    // oauth
    CREATE_O_AUTH_APP = "CreateOAuthApp", Unsafe, "oauth";
    GET_O_AUTH_APP = "GetOAuthApp", ReadOnly, "oauth";
    UPDATE_O_AUTH_APP = "UpdateOAuthApp", Idempotent, "oauth";
    DELETE_O_AUTH_APP = "DeleteOAuthApp", Unsafe, "oauth";
    // groups
    GET_GROUP = "GetGroup", ReadOnly, "groups";
    GET_GROUP_BY_NAME = "GetGroupByName", ReadOnly, "groups";
    GET_GROUP_MEMBER_USERS = "GetGroupMemberUsers", ReadOnly, "groups";
    GET_GROUPS_BY_SOURCE = "GetGroupsBySource", ReadOnly, "groups";
    GET_GROUPS_FOR_USER = "GetGroupsForUser", ReadOnly, "groups";
    UPSERT_GROUP_MEMBER = "UpsertGroupMember", Idempotent, "groups";
    UPSERT_GROUP_MEMBERS = "UpsertGroupMembers", Idempotent, "groups";
    GET_GROUP_BY_REMOTE_ID = "GetGroupByRemoteID", ReadOnly, "groups";
    CREATE_GROUP = "CreateGroup", Unsafe, "groups";
    UPDATE_GROUP = "UpdateGroup", Idempotent, "groups";
    DELETE_GROUP = "DeleteGroup", Unsafe, "groups";
    RESTORE_GROUP = "RestoreGroup", Unsafe, "groups";
    DELETE_GROUP_MEMBER = "DeleteGroupMember", Unsafe, "groups";
    GET_GROUP_SYNCABLE = "GetGroupSyncable", ReadOnly, "groups";
    GET_GROUP_SYNCABLES = "GetGroupSyncables", ReadOnly, "groups";
    UPSERT_GROUP_SYNCABLE = "UpsertGroupSyncable", Idempotent, "groups";
    UPDATE_GROUP_SYNCABLE = "UpdateGroupSyncable", Idempotent, "groups";
    DELETE_GROUP_SYNCABLE = "DeleteGroupSyncable", Unsafe, "groups";
    GET_GROUPS = "GetGroups", ReadOnly, "groups";
    CREATE_DEFAULT_SYNCABLE_MEMBERSHIPS = "CreateDefaultSyncableMemberships", Unsafe, "groups";
    DELETE_GROUP_CONSTRAINED_MEMBERSHIPS = "DeleteGroupConstrainedMemberships", Unsafe, "groups";
    // shared_channels
    REGISTER_PLUGIN_FOR_SHARED_CHANNELS = "RegisterPluginForSharedChannels", Unsafe, "shared_channels";
    UNREGISTER_PLUGIN_FOR_SHARED_CHANNELS = "UnregisterPluginForSharedChannels", Unsafe, "shared_channels";
    SHARE_CHANNEL = "ShareChannel", Unsafe, "shared_channels";
    UPDATE_SHARED_CHANNEL = "UpdateSharedChannel", Idempotent, "shared_channels";
    UNSHARE_CHANNEL = "UnshareChannel", Unsafe, "shared_channels";
    UPDATE_SHARED_CHANNEL_CURSOR = "UpdateSharedChannelCursor", Idempotent, "shared_channels";
    SYNC_SHARED_CHANNEL = "SyncSharedChannel", Unsafe, "shared_channels";
    INVITE_REMOTE_TO_CHANNEL = "InviteRemoteToChannel", Unsafe, "shared_channels";
    UNINVITE_REMOTE_FROM_CHANNEL = "UninviteRemoteFromChannel", Unsafe, "shared_channels";
    // properties
    CREATE_PROPERTY_FIELD = "CreatePropertyField", Unsafe, "properties";
    GET_PROPERTY_FIELD = "GetPropertyField", ReadOnly, "properties";
    GET_PROPERTY_FIELDS = "GetPropertyFields", ReadOnly, "properties";
    UPDATE_PROPERTY_FIELD = "UpdatePropertyField", Idempotent, "properties";
    DELETE_PROPERTY_FIELD = "DeletePropertyField", Unsafe, "properties";
    SEARCH_PROPERTY_FIELDS = "SearchPropertyFields", ReadOnly, "properties";
    COUNT_PROPERTY_FIELDS = "CountPropertyFields", ReadOnly, "properties";
    COUNT_PROPERTY_FIELDS_FOR_TARGET = "CountPropertyFieldsForTarget", ReadOnly, "properties";
    CREATE_PROPERTY_VALUE = "CreatePropertyValue", Unsafe, "properties";
    GET_PROPERTY_VALUE = "GetPropertyValue", ReadOnly, "properties";
    GET_PROPERTY_VALUES = "GetPropertyValues", ReadOnly, "properties";
    UPDATE_PROPERTY_VALUE = "UpdatePropertyValue", Idempotent, "properties";
    UPSERT_PROPERTY_VALUE = "UpsertPropertyValue", Idempotent, "properties";
    DELETE_PROPERTY_VALUE = "DeletePropertyValue", Unsafe, "properties";
    SEARCH_PROPERTY_VALUES = "SearchPropertyValues", ReadOnly, "properties";
    REGISTER_PROPERTY_GROUP = "RegisterPropertyGroup", Unsafe, "properties";
    GET_PROPERTY_GROUP = "GetPropertyGroup", ReadOnly, "properties";
    GET_PROPERTY_FIELD_BY_NAME = "GetPropertyFieldByName", ReadOnly, "properties";
    UPDATE_PROPERTY_FIELDS = "UpdatePropertyFields", Idempotent, "properties";
    UPDATE_PROPERTY_VALUES = "UpdatePropertyValues", Idempotent, "properties";
    UPSERT_PROPERTY_VALUES = "UpsertPropertyValues", Idempotent, "properties";
    DELETE_PROPERTY_VALUES_FOR_TARGET = "DeletePropertyValuesForTarget", Unsafe, "properties";
    DELETE_PROPERTY_VALUES_FOR_FIELD = "DeletePropertyValuesForField", Unsafe, "properties";
    // realtime
    PUBLISH_WEB_SOCKET_EVENT = "PublishWebSocketEvent", Unsafe, "realtime";
    PUBLISH_PLUGIN_CLUSTER_EVENT = "PublishPluginClusterEvent", Unsafe, "realtime";
    REGISTER_COLLECTION_AND_TOPIC = "RegisterCollectionAndTopic", Unsafe, "realtime";
    // notifications
    SEND_MAIL = "SendMail", Unsafe, "notifications";
    SEND_PUSH_NOTIFICATION = "SendPushNotification", Unsafe, "notifications";
    // dialogs
    OPEN_INTERACTIVE_DIALOG = "OpenInteractiveDialog", Unsafe, "dialogs";
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_has_every_method_once() {
        assert_eq!(ALL.len(), 236);
        let mut names: Vec<_> = ALL.iter().map(|m| m.name).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), 236);
    }

    #[test]
    fn writes_that_may_duplicate_are_unsafe() {
        for name in ["CreatePost", "AddReaction", "SendMail", "KVCompareAndSet", "UploadFile", "LogInfo"] {
            assert_eq!(RpcMethod::by_name(name).unwrap().safety, Safety::Unsafe, "{name}");
        }
        for name in ["KVSet", "UpdatePost", "GetUser", "SearchUsers", "KVDelete"] {
            assert!(RpcMethod::by_name(name).unwrap().safety.is_retry_safe(), "{name}");
        }
    }
}
