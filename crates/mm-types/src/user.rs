//! Users, presence, custom statuses, sessions and access tokens.

use std::collections::HashMap;

use mm_proto::v1 as wire;
use serde::{Deserialize, Serialize};

use crate::enums::string_enum;
use crate::id::{ChannelId, RemoteId, SessionId, TeamId, TokenId, UserId};
use crate::json::json_blob;
use crate::role::Role;
use crate::team::TeamMember;
use crate::timestamp::Timestamp;
use crate::wire_struct;

/// A Mattermost user account: a person or a bot (`is_bot`).
///
/// ```
/// use mm_types::User;
/// let user = User { username: "alice".into(), email: "alice@example.com".into(), ..Default::default() };
/// assert!(user.id.is_empty()); // not created yet
/// ```
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct User {
    /// The user's id (empty until the server creates the user).
    pub id: UserId,
    /// When the account was created.
    pub create_at: Timestamp,
    /// When the account last changed.
    pub update_at: Timestamp,
    /// When the account was deactivated, if it is.
    #[serde(with = "crate::timestamp::zero_as_none")]
    pub delete_at: Option<Timestamp>,
    /// The unique username (without `@`).
    pub username: String,
    /// The password (only ever set when creating a user; the server never returns it).
    pub password: String,
    /// The id of the user at the external authentication service, if any.
    pub auth_data: Option<String>,
    /// The authentication service (`""` for e-mail/password, `ldap`, `saml`, `gitlab`...).
    pub auth_service: String,
    /// The e-mail address.
    pub email: String,
    /// Whether the e-mail address is verified.
    pub email_verified: bool,
    /// The nickname.
    pub nickname: String,
    /// The first name.
    pub first_name: String,
    /// The last name.
    pub last_name: String,
    /// The position (job title).
    pub position: String,
    /// Space-separated role names, such as `system_user system_admin`.
    pub roles: String,
    /// Whether the user accepted marketing e-mail.
    pub allow_marketing: bool,
    /// Free-form properties.
    #[serde(deserialize_with = "crate::json::null_as_default")]
    pub props: HashMap<String, String>,
    /// Notification settings (`email`, `push`, `desktop`, `mention_keys`...).
    #[serde(deserialize_with = "crate::json::null_as_default")]
    pub notify_props: HashMap<String, String>,
    /// When the password last changed.
    #[serde(with = "crate::timestamp::zero_as_none")]
    pub last_password_update: Option<Timestamp>,
    /// When the profile picture last changed.
    #[serde(with = "crate::timestamp::zero_as_none")]
    pub last_picture_update: Option<Timestamp>,
    /// Failed login attempts since the last success.
    pub failed_attempts: i32,
    /// The user's locale, such as `en`.
    pub locale: String,
    /// Timezone settings (`useAutomaticTimezone`, `automaticTimezone`, `manualTimezone`).
    #[serde(deserialize_with = "crate::json::null_as_default")]
    pub timezone: HashMap<String, String>,
    /// Whether multi-factor authentication is active.
    pub mfa_active: bool,
    /// The MFA secret (never returned by the server).
    pub mfa_secret: String,
    /// The remote cluster the user comes from, for shared-channel users.
    pub remote_id: Option<RemoteId>,
    /// When the user was last active.
    #[serde(with = "crate::timestamp::zero_as_none")]
    pub last_activity_at: Option<Timestamp>,
    /// Whether the account is a bot.
    pub is_bot: bool,
    /// The bot's description, for bots.
    pub bot_description: String,
    /// When the bot's icon last changed.
    #[serde(with = "crate::timestamp::zero_as_none")]
    pub bot_last_icon_update: Option<Timestamp>,
    /// The terms of service the user accepted.
    pub terms_of_service_id: String,
    /// When the user accepted the terms of service.
    #[serde(with = "crate::timestamp::zero_as_none")]
    pub terms_of_service_create_at: Option<Timestamp>,
    /// Whether to skip the welcome e-mail when creating the user.
    pub disable_welcome_email: bool,
    /// When the user last logged in.
    #[serde(with = "crate::timestamp::zero_as_none")]
    pub last_login: Option<Timestamp>,
}

impl User {
    /// Whether the account is deactivated.
    pub fn is_deleted(&self) -> bool {
        self.delete_at.is_some()
    }

    /// The role names, one by one.
    pub fn roles(&self) -> impl Iterator<Item = &str> {
        self.roles.split_whitespace()
    }

    /// Whether the user has `role` among its system roles.
    ///
    /// ```
    /// use mm_types::{Role, User};
    /// let user = User { roles: "system_user system_admin".into(), ..Default::default() };
    /// assert!(user.has_role(&Role::SYSTEM_ADMIN));
    /// assert!(!user.has_role(&Role::SYSTEM_GUEST));
    /// ```
    pub fn has_role(&self, role: &Role) -> bool {
        self.roles().any(|r| r == role.as_str())
    }

    /// Whether the user is a system administrator.
    pub fn is_system_admin(&self) -> bool {
        self.has_role(&Role::SYSTEM_ADMIN)
    }

    /// "First Last" when the user has a name, otherwise the username.
    pub fn full_name(&self) -> String {
        let full = format!("{} {}", self.first_name, self.last_name);
        let full = full.trim();
        if full.is_empty() { self.username.clone() } else { full.to_string() }
    }
}

wire_struct! {
    User <=> wire::User {
        id, create_at, update_at, delete_at, username, password, auth_data, auth_service, email,
        email_verified, nickname, first_name, last_name, position, roles, allow_marketing, props,
        notify_props, last_password_update, last_picture_update, failed_attempts, locale, timezone,
        mfa_active, mfa_secret, remote_id, last_activity_at, is_bot, bot_description,
        bot_last_icon_update, terms_of_service_id, terms_of_service_create_at, disable_welcome_email,
        last_login,
    }
}

string_enum! {
    /// A user's presence.
    pub enum UserStatus {
        /// Online.
        Online = "online",
        /// Away.
        Away = "away",
        /// Do not disturb.
        DoNotDisturb = "dnd",
        /// Offline.
        Offline = "offline",
    }
    default = Offline;
}

/// A user's presence and how it was set.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Status {
    /// Whose status this is.
    pub user_id: UserId,
    /// The presence.
    pub status: UserStatus,
    /// Whether the user set it by hand (rather than by activity).
    pub manual: bool,
    /// When the user was last active.
    #[serde(with = "crate::timestamp::zero_as_none")]
    pub last_activity_at: Option<Timestamp>,
    /// When a timed "do not disturb" ends (seconds since the epoch, as the server stores it).
    pub dnd_end_time: i64,
}

wire_struct! {
    Status <=> wire::Status { user_id, status, manual, last_activity_at, dnd_end_time }
}

string_enum! {
    /// How long a custom status lasts.
    pub enum CustomStatusDuration {
        /// No expiry.
        DontClear = "",
        /// Thirty minutes.
        ThirtyMinutes = "thirty_minutes",
        /// One hour.
        OneHour = "one_hour",
        /// Four hours.
        FourHours = "four_hours",
        /// Until the end of today.
        Today = "today",
        /// Until the end of this week.
        ThisWeek = "this_week",
        /// Until `expires_at`.
        DateAndTime = "date_and_time",
    }
    default = DontClear;
}

/// A user's custom status: an emoji and a text, optionally expiring.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct CustomStatus {
    /// The emoji name, without colons.
    pub emoji: String,
    /// The status text.
    pub text: String,
    /// How long it lasts.
    pub duration: CustomStatusDuration,
    /// When it expires, if it does.
    #[serde(with = "crate::timestamp::zero_as_none")]
    pub expires_at: Option<Timestamp>,
}

wire_struct! {
    CustomStatus <=> wire::CustomStatus { emoji, text, duration, expires_at }
}

/// How a user authenticates.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct UserAuth {
    /// The id of the user at the authentication service.
    pub auth_data: Option<String>,
    /// The authentication service (`""` for e-mail/password, `ldap`, `saml`...).
    pub auth_service: String,
}

wire_struct! {
    UserAuth <=> wire::UserAuth { auth_data, auth_service }
}

/// A login session.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Session {
    /// The session id.
    pub id: SessionId,
    /// The session token (secret).
    pub token: String,
    /// When the session was created.
    pub create_at: Timestamp,
    /// When the session expires, if it does.
    #[serde(with = "crate::timestamp::zero_as_none")]
    pub expires_at: Option<Timestamp>,
    /// When the session was last used.
    #[serde(with = "crate::timestamp::zero_as_none")]
    pub last_activity_at: Option<Timestamp>,
    /// The user the session belongs to.
    pub user_id: UserId,
    /// The device id, for mobile sessions.
    pub device_id: String,
    /// Space-separated role names.
    pub roles: String,
    /// Whether the session came from OAuth.
    pub is_oauth: bool,
    /// Whether the user was notified that the session expired.
    pub expired_notify: bool,
    /// Free-form properties (`platform`, `os`, `browser`...).
    #[serde(deserialize_with = "crate::json::null_as_default")]
    pub props: HashMap<String, String>,
    /// The user's team memberships, as cached in the session.
    #[serde(deserialize_with = "crate::json::null_as_default")]
    pub team_members: Vec<TeamMember>,
    /// Whether this is a local-mode session.
    pub local: bool,
}

impl Session {
    /// Whether the session has expired at `now`.
    pub fn is_expired_at(&self, now: Timestamp) -> bool {
        self.expires_at.is_some_and(|at| at <= now)
    }
}

wire_struct! {
    Session <=> wire::Session {
        id, token, create_at, expires_at, last_activity_at, user_id, device_id, roles, is_oauth,
        expired_notify, props, team_members, local,
    }
}

/// A personal access token.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct UserAccessToken {
    /// The token's id.
    pub id: TokenId,
    /// The token itself (only returned when it is created).
    pub token: String,
    /// The user the token acts as.
    pub user_id: UserId,
    /// What the token is for.
    pub description: String,
    /// Whether the token can be used.
    pub is_active: bool,
}

wire_struct! {
    UserAccessToken <=> wire::UserAccessToken { id, token, user_id, description, is_active }
}

/// Limits a user query to users visible through some teams and channels.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ViewUsersRestrictions {
    /// Teams whose members may be returned.
    #[serde(deserialize_with = "crate::json::null_as_default")]
    pub teams: Vec<TeamId>,
    /// Channels whose members may be returned.
    #[serde(deserialize_with = "crate::json::null_as_default")]
    pub channels: Vec<ChannelId>,
}

wire_struct! {
    ViewUsersRestrictions <=> wire::ViewUsersRestrictions { teams, channels }
}

json_blob! {
    /// The SAML assertion of a login (`saml2.AssertionInfo` as JSON), as `OnSAMLLogin` carries
    /// it: the name id, the attribute values and the session's validity.
    ///
    /// The document is kept as the server sent it; read it with
    /// [`parse`](crate::RawJson::parse), [`pointer`](crate::RawJson::pointer) or
    /// [`to_value`](crate::RawJson::to_value).
    pub struct SamlAssertion <=> SamlAssertionInfoJson { assertion_json }
}
