//! Users: accounts, activation, roles, statuses, custom statuses, profile images, permissions.

use std::collections::HashMap;

use bytes::Bytes;
use mm_types::{ChannelId, CustomStatus, Role, Status, TeamId, User, UserAuth, UserId, UserStatus};

use super::errors::{bad_request, not_found};
use super::{AppResult, State, Store, page};

/// Usernames the server keeps for itself.
const RESERVED_USERNAMES: &[&str] = &["all", "channel", "here", "matterbot", "system"];

/// Where Mattermost keeps a user's custom status (`props["customStatus"]`, as JSON).
pub(crate) const CUSTOM_STATUS_PROP: &str = "customStatus";

/// Permissions of every active user (the `system_user` role, simplified).
const SYSTEM_USER_PERMISSIONS: &[&str] = &[
    "create_team",
    "list_public_teams",
    "join_public_teams",
    "create_direct_channel",
    "create_group_channel",
    "view_members",
    "create_emojis",
    "create_post_ephemeral",
];

/// Permissions of team members (the `team_user` role, simplified).
const TEAM_USER_PERMISSIONS: &[&str] = &[
    "view_team",
    "list_team_channels",
    "join_public_channels",
    "read_public_channel",
    "create_public_channel",
    "create_private_channel",
    "invite_user",
    "add_user_to_team",
    "use_slash_commands",
];

/// Permissions of channel members (the `channel_user` role, simplified).
const CHANNEL_USER_PERMISSIONS: &[&str] = &[
    "read_channel",
    "read_channel_content",
    "create_post",
    "edit_post",
    "delete_post",
    "add_reaction",
    "remove_reaction",
    "upload_file",
    "use_channel_mentions",
    "use_slash_commands",
    "manage_public_channel_members",
    "manage_private_channel_members",
    "manage_public_channel_properties",
    "manage_private_channel_properties",
];

/// Filters of `GetUsers` (all optional; an empty query lists every active and inactive user).
#[derive(Debug, Clone, Default)]
pub(crate) struct UserQuery {
    pub(crate) in_team: Option<TeamId>,
    pub(crate) not_in_team: Option<TeamId>,
    pub(crate) in_channel: Option<ChannelId>,
    pub(crate) not_in_channel: Option<ChannelId>,
    pub(crate) without_team: bool,
    pub(crate) inactive_only: bool,
    pub(crate) active_only: bool,
    pub(crate) roles: Vec<Role>,
    pub(crate) updated_after: i64,
    pub(crate) page: i32,
    pub(crate) per_page: i32,
}

fn missing_account(id: &str) -> mm_types::AppError {
    not_found("app.user.missing_account.const", format!("Unable to find the user ({id})."))
}

/// Mattermost's username rule: 1 to 64 of `a-z 0-9 . - _`, starting with a letter, not reserved.
pub(crate) fn validate_username(username: &str) -> AppResult<()> {
    let valid = (1..=64).contains(&username.len())
        && username.starts_with(|c: char| c.is_ascii_lowercase())
        && username.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || ".-_".contains(c))
        && !RESERVED_USERNAMES.contains(&username);
    if valid {
        Ok(())
    } else {
        Err(bad_request(
            "model.user.is_valid.username.app_error",
            format!(
                "Invalid username {username:?}: use 1 to 64 lowercase letters, digits, '.', '-' or '_', \
                 starting with a letter."
            ),
        ))
    }
}

fn validate_email(email: &str) -> AppResult<()> {
    let valid = email.len() <= 128
        && email.split_once('@').is_some_and(|(local, domain)| !local.is_empty() && !domain.is_empty())
        && !email.contains(char::is_whitespace);
    if valid {
        Ok(())
    } else {
        Err(bad_request("model.user.is_valid.email.app_error", format!("Invalid email {email:?}.")))
    }
}

fn default_notify_props() -> HashMap<String, String> {
    [
        ("email", "true"),
        ("push", "mention"),
        ("desktop", "mention"),
        ("desktop_sound", "true"),
        ("mention_keys", ""),
        ("channel", "true"),
        ("first_name", "false"),
        ("comments", "never"),
        ("push_status", "away"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect()
}

/// What the server returns for a user: never the password or the MFA secret.
pub(crate) fn sanitized(user: &User) -> User {
    User { password: String::new(), mfa_secret: String::new(), ..user.clone() }
}

impl State {
    /// Creates a user with the server's checks and defaults (role `system_user`, locale `en`).
    pub(crate) fn create_user(&mut self, mut user: User) -> AppResult<User> {
        user.username = user.username.trim().to_lowercase();
        user.email = user.email.trim().to_lowercase();
        validate_username(&user.username)?;
        validate_email(&user.email)?;
        self.check_unique(&user, None)?;
        let now = self.tick();
        user.id = if user.id.is_empty() { UserId::generate() } else { user.id };
        if self.users.contains_key(&user.id) {
            return Err(bad_request("app.user.save.existing.app_error", "The user already exists."));
        }
        user.create_at = now;
        user.update_at = now;
        user.delete_at = None;
        if user.roles.trim().is_empty() {
            user.roles = "system_user".to_string();
        }
        if user.locale.is_empty() {
            user.locale = "en".to_string();
        }
        if user.notify_props.is_empty() {
            user.notify_props = default_notify_props();
        }
        if !user.password.is_empty() {
            user.last_password_update = Some(now);
        }
        self.users.insert(user.id.clone(), user.clone());
        Ok(sanitized(&user))
    }

    fn check_unique(&self, user: &User, except: Option<&UserId>) -> AppResult<()> {
        for other in self.users.values().filter(|u| Some(&u.id) != except) {
            if other.username == user.username {
                return Err(bad_request(
                    "app.user.save.username_exists.app_error",
                    "An account with that username already exists.",
                ));
            }
            if !user.email.is_empty() && other.email == user.email {
                return Err(bad_request(
                    "app.user.save.email_exists.app_error",
                    "An account with that email already exists.",
                ));
            }
        }
        Ok(())
    }

    /// The stored user (with secrets), or the server's 404.
    pub(crate) fn user(&self, id: &UserId) -> AppResult<&User> {
        self.users.get(id).ok_or_else(|| missing_account(id.as_str()))
    }

    pub(crate) fn user_mut(&mut self, id: &UserId) -> AppResult<&mut User> {
        self.users.get_mut(id).ok_or_else(|| missing_account(id.as_str()))
    }

    pub(crate) fn user_by_email(&self, email: &str) -> AppResult<User> {
        let email = email.trim().to_lowercase();
        self.users.values().find(|u| u.email == email).map(sanitized).ok_or_else(|| missing_account(&email))
    }

    pub(crate) fn user_by_username(&self, username: &str) -> AppResult<User> {
        let username = username.trim().trim_start_matches('@').to_lowercase();
        self.users
            .values()
            .find(|u| u.username == username)
            .map(sanitized)
            .ok_or_else(|| missing_account(&username))
    }

    /// Users sorted by username.
    fn sorted_users<'a>(&'a self, keep: impl Fn(&User) -> bool + 'a) -> Vec<User> {
        let mut users: Vec<User> = self.users.values().filter(|u| keep(u)).map(sanitized).collect();
        users.sort_by(|a, b| a.username.cmp(&b.username));
        users
    }

    pub(crate) fn users_by_ids(&self, ids: &[UserId]) -> Vec<User> {
        ids.iter().filter_map(|id| self.users.get(id)).map(sanitized).collect()
    }

    pub(crate) fn users_by_usernames(&self, names: &[String]) -> Vec<User> {
        names.iter().filter_map(|n| self.user_by_username(n).ok()).collect()
    }

    pub(crate) fn is_team_member(&self, team: &TeamId, user: &UserId) -> bool {
        self.team_members.get(&(team.clone(), user.clone())).is_some_and(|m| m.delete_at.is_none())
    }

    pub(crate) fn is_channel_member(&self, channel: &ChannelId, user: &UserId) -> bool {
        self.channel_members.contains_key(&(channel.clone(), user.clone()))
    }

    pub(crate) fn query_users(&self, q: &UserQuery) -> Vec<User> {
        let users = self.sorted_users(|u| {
            let member_of_any_team =
                self.team_members.iter().any(|((_, uid), m)| uid == &u.id && m.delete_at.is_none());
            q.in_team.as_ref().is_none_or(|t| self.is_team_member(t, &u.id))
                && q.not_in_team.as_ref().is_none_or(|t| !self.is_team_member(t, &u.id))
                && q.in_channel.as_ref().is_none_or(|c| self.is_channel_member(c, &u.id))
                && q.not_in_channel.as_ref().is_none_or(|c| !self.is_channel_member(c, &u.id))
                && (!q.without_team || !member_of_any_team)
                && (!q.inactive_only || u.delete_at.is_some())
                && (!q.active_only || u.delete_at.is_none())
                && (q.roles.is_empty() || q.roles.iter().any(|r| u.has_role(r)))
                && u.update_at.as_millis() > q.updated_after
        });
        page(users, q.page, q.per_page)
    }

    pub(crate) fn users_in_team(&self, team: &TeamId, page_no: i32, per_page: i32) -> Vec<User> {
        let users = self.sorted_users(|u| self.is_team_member(team, &u.id));
        page(users, page_no, per_page)
    }

    /// Members of a channel sorted by `username` (default) or `status` (online first).
    pub(crate) fn users_in_channel(
        &self,
        channel: &ChannelId,
        sort_by: &str,
        page_no: i32,
        per_page: i32,
    ) -> AppResult<Vec<User>> {
        self.channel(channel)?;
        let mut users = self.sorted_users(|u| self.is_channel_member(channel, &u.id));
        if sort_by == "status" {
            let rank = |id: &UserId| match self.status_of(id).status {
                UserStatus::Online => 0,
                UserStatus::Away => 1,
                UserStatus::DoNotDisturb => 2,
                _ => 3,
            };
            users.sort_by_key(|u| rank(&u.id));
        }
        Ok(page(users, page_no, per_page))
    }

    /// Users whose username, names, nickname or e-mail start with `term` (case-insensitive).
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn search_users(
        &self,
        term: &str,
        team: Option<&TeamId>,
        not_in_team: Option<&TeamId>,
        in_channel: Option<&ChannelId>,
        not_in_channel: Option<&ChannelId>,
        allow_inactive: bool,
        without_team: bool,
        roles: &[Role],
        limit: i32,
    ) -> Vec<User> {
        let term = term.trim().trim_start_matches('@').to_lowercase();
        let matches = |u: &User| {
            term.is_empty()
                || [&u.username, &u.first_name, &u.last_name, &u.nickname, &u.email]
                    .iter()
                    .any(|field| field.to_lowercase().starts_with(&term))
                || u.full_name().to_lowercase().starts_with(&term)
        };
        let mut users = self.sorted_users(|u| {
            matches(u)
                && (allow_inactive || u.delete_at.is_none())
                && team.is_none_or(|t| self.is_team_member(t, &u.id))
                && not_in_team.is_none_or(|t| !self.is_team_member(t, &u.id))
                && in_channel.is_none_or(|c| self.is_channel_member(c, &u.id))
                && not_in_channel.is_none_or(|c| !self.is_channel_member(c, &u.id))
                && (!without_team || !self.team_members.keys().any(|(_, uid)| uid == &u.id))
                && (roles.is_empty() || roles.iter().any(|r| u.has_role(r)))
        });
        // The server caps searches at 100 results and uses that when no limit is given.
        let limit = if limit <= 0 { 100 } else { limit.min(100) } as usize;
        users.truncate(limit);
        users
    }

    /// Replaces a user's profile fields; id, creation time and password are kept.
    pub(crate) fn update_user(&mut self, mut user: User) -> AppResult<User> {
        let existing = self.user(&user.id)?.clone();
        user.username = user.username.trim().to_lowercase();
        user.email = user.email.trim().to_lowercase();
        validate_username(&user.username)?;
        validate_email(&user.email)?;
        self.check_unique(&user, Some(&user.id))?;
        user.create_at = existing.create_at;
        user.password = existing.password;
        user.mfa_secret = existing.mfa_secret;
        user.delete_at = existing.delete_at;
        user.is_bot = existing.is_bot;
        user.update_at = self.tick();
        self.users.insert(user.id.clone(), user.clone());
        Ok(sanitized(&user))
    }

    /// Activates or deactivates a user; deactivation also ends their sessions.
    pub(crate) fn set_user_active(&mut self, id: &UserId, active: bool) -> AppResult<User> {
        let now = self.tick();
        let user = self.user_mut(id)?;
        user.delete_at = if active { None } else { Some(now) };
        user.update_at = now;
        let user = sanitized(user);
        if !active {
            self.sessions.retain(|_, s| &s.user_id != id);
            if let Some(bot) = self.bots.get_mut(id) {
                bot.delete_at = Some(now);
                bot.update_at = now;
            }
        } else if let Some(bot) = self.bots.get_mut(id) {
            bot.delete_at = None;
            bot.update_at = now;
        }
        Ok(user)
    }

    pub(crate) fn update_user_roles(&mut self, id: &UserId, roles: &str) -> AppResult<User> {
        let now = self.tick();
        let user = self.user_mut(id)?;
        user.roles = roles.split_whitespace().collect::<Vec<_>>().join(" ");
        user.update_at = now;
        Ok(sanitized(user))
    }

    pub(crate) fn update_user_auth(&mut self, id: &UserId, auth: UserAuth) -> AppResult<UserAuth> {
        let now = self.tick();
        let user = self.user_mut(id)?;
        user.auth_data = auth.auth_data.clone();
        user.auth_service = auth.auth_service.clone();
        user.update_at = now;
        Ok(auth)
    }

    /// A user's status; users who never had one are offline.
    pub(crate) fn status_of(&self, id: &UserId) -> Status {
        self.statuses.get(id).cloned().unwrap_or_else(|| Status {
            user_id: id.clone(),
            status: UserStatus::Offline,
            ..Status::default()
        })
    }

    pub(crate) fn user_status(&self, id: &UserId) -> AppResult<Status> {
        self.user(id)?;
        Ok(self.status_of(id))
    }

    pub(crate) fn set_user_status(&mut self, id: &UserId, status: &str, dnd_end: i64) -> AppResult<Status> {
        self.user(id)?;
        let status = match status {
            "online" => UserStatus::Online,
            "away" => UserStatus::Away,
            "dnd" => UserStatus::DoNotDisturb,
            "offline" => UserStatus::Offline,
            other => {
                return Err(bad_request(
                    "api.plugin.update_user_status.bad_status",
                    format!("Unable to set the user status. Unknown user status {other:?}."),
                ));
            }
        };
        let now = self.tick();
        let status = Status {
            user_id: id.clone(),
            manual: true,
            last_activity_at: Some(now),
            dnd_end_time: if status == UserStatus::DoNotDisturb { dnd_end } else { 0 },
            status,
        };
        self.statuses.insert(id.clone(), status.clone());
        Ok(status)
    }

    pub(crate) fn set_custom_status(&mut self, id: &UserId, status: &CustomStatus) -> AppResult<()> {
        if status.text.chars().count() > 100 {
            return Err(bad_request(
                "api.custom_status.set_custom_statuses.update.app_error",
                "The custom status text may be at most 100 characters long.",
            ));
        }
        if status.emoji.is_empty() && status.text.is_empty() {
            return Err(bad_request(
                "api.custom_status.set_custom_statuses.update.app_error",
                "A custom status needs an emoji or a text.",
            ));
        }
        let json = serde_json::to_string(status).map_err(|e| {
            super::errors::app_error(
                "api.custom_status.set_custom_statuses.update.app_error",
                e.to_string(),
                500,
            )
        })?;
        let now = self.tick();
        let user = self.user_mut(id)?;
        user.props.insert(CUSTOM_STATUS_PROP.to_string(), json);
        user.update_at = now;
        Ok(())
    }

    pub(crate) fn remove_custom_status(&mut self, id: &UserId) -> AppResult<()> {
        let now = self.tick();
        let user = self.user_mut(id)?;
        user.props.remove(CUSTOM_STATUS_PROP);
        user.update_at = now;
        Ok(())
    }

    pub(crate) fn set_profile_image(&mut self, id: &UserId, data: Bytes) -> AppResult<()> {
        if data.is_empty() {
            return Err(bad_request("api.user.upload_profile_user.empty.app_error", "The image is empty."));
        }
        let now = self.tick();
        let user = self.user_mut(id)?;
        user.last_picture_update = Some(now);
        user.update_at = now;
        self.profile_images.insert(id.clone(), data);
        Ok(())
    }

    /// The image set for the user, or the host's default avatar.
    pub(crate) fn profile_image(&self, id: &UserId) -> AppResult<Bytes> {
        self.user(id)?;
        Ok(self.profile_images.get(id).cloned().unwrap_or_else(|| Bytes::from_static(DEFAULT_AVATAR_PNG)))
    }

    /// Whether `user` has `permission` system-wide: always for system admins, the basic user
    /// permissions for everyone else.
    pub(crate) fn has_permission(&self, user: &UserId, permission: &str) -> bool {
        match self.users.get(user) {
            Some(u) if u.delete_at.is_none() => {
                u.is_system_admin() || SYSTEM_USER_PERMISSIONS.contains(&permission)
            }
            _ => false,
        }
    }

    /// Team permissions: system admins always; team admins for every team permission; members
    /// for the basic team permissions.
    pub(crate) fn has_team_permission(&self, user: &UserId, team: &TeamId, permission: &str) -> bool {
        if self.has_permission(user, permission) {
            return true;
        }
        match self.team_members.get(&(team.clone(), user.clone())) {
            Some(m) if m.delete_at.is_none() => {
                m.scheme_admin
                    || m.roles.split_whitespace().any(|r| r == "team_admin")
                    || TEAM_USER_PERMISSIONS.contains(&permission)
                    || CHANNEL_USER_PERMISSIONS.contains(&permission) && permission != "read_channel"
            }
            _ => false,
        }
    }

    /// Channel permissions: system admins always; channel members for the basic channel
    /// permissions; team permissions of the channel's team apply too.
    pub(crate) fn has_channel_permission(
        &self,
        user: &UserId,
        channel: &ChannelId,
        permission: &str,
    ) -> bool {
        if self.has_permission(user, permission) {
            return true;
        }
        let Some(ch) = self.channels.get(channel) else { return false };
        if let Some(m) = self.channel_members.get(&(channel.clone(), user.clone()))
            && (m.scheme_admin
                || m.roles.split_whitespace().any(|r| r == "channel_admin")
                || CHANNEL_USER_PERMISSIONS.contains(&permission))
        {
            return true;
        }
        match &ch.team_id {
            Some(team) => {
                TEAM_USER_PERMISSIONS.contains(&permission)
                    && self.has_team_permission(user, team, permission)
            }
            None => false,
        }
    }
}

/// Whether any of `roles` grants `permission`, with the same simplified role table.
pub(crate) fn roles_grant(roles: &[String], permission: &str) -> bool {
    roles.iter().any(|role| match role.as_str() {
        "system_admin" => true,
        "system_user" => SYSTEM_USER_PERMISSIONS.contains(&permission),
        "team_admin" => {
            TEAM_USER_PERMISSIONS.contains(&permission) || CHANNEL_USER_PERMISSIONS.contains(&permission)
        }
        "team_user" => TEAM_USER_PERMISSIONS.contains(&permission),
        "channel_admin" | "channel_user" => CHANNEL_USER_PERMISSIONS.contains(&permission),
        _ => false,
    })
}

/// A 1x1 grey PNG: the avatar of users who never set a profile image.
const DEFAULT_AVATAR_PNG: &[u8] = &[
    0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52, 0x00,
    0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x00, 0x00, 0x00, 0x00, 0x3a, 0x7e, 0x9b, 0x55, 0x00,
    0x00, 0x00, 0x0a, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9c, 0x63, 0x68, 0x00, 0x00, 0x00, 0x82, 0x00, 0x81,
    0x4c, 0x17, 0xd7, 0xdf, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82,
];

impl Store {
    /// The user with this id (without password).
    pub fn user(&self, id: &UserId) -> Option<User> {
        self.lock().users.get(id).map(sanitized)
    }

    /// The user with this username (with or without `@`).
    pub fn user_by_username(&self, username: &str) -> Option<User> {
        self.lock().user_by_username(username).ok()
    }

    /// Every user, sorted by username.
    pub fn users(&self) -> Vec<User> {
        self.lock().sorted_users(|_| true)
    }

    /// A user's status (offline when never set).
    pub fn status(&self, id: &UserId) -> Status {
        self.lock().status_of(id)
    }

    /// A user's custom status, when set.
    pub fn custom_status(&self, id: &UserId) -> Option<CustomStatus> {
        let state = self.lock();
        let json = state.users.get(id)?.props.get(CUSTOM_STATUS_PROP)?;
        serde_json::from_str(json).ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usernames_follow_the_servers_rule() {
        for ok in ["alice", "a", "bob.smith", "x_y-z9"] {
            assert!(validate_username(ok).is_ok(), "{ok}");
        }
        for bad in ["", "9lives", "Alice", "has space", "all", "here", &"a".repeat(65)] {
            assert!(validate_username(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn listings_and_searches_filter_by_system_role() {
        let mut state = State::default();
        let user = |name: &str| User {
            username: name.into(),
            email: format!("{name}@example.com"),
            password: "s3cret-Passw0rd".into(),
            ..User::default()
        };
        let admin = state.create_user(user("dana")).unwrap();
        state.update_user_roles(&admin.id, "system_user system_admin").unwrap();
        state.create_user(user("dave")).unwrap();
        let names = |users: Vec<User>| users.into_iter().map(|u| u.username).collect::<Vec<_>>();

        let admins = UserQuery { roles: vec![Role::SYSTEM_ADMIN], per_page: 60, ..UserQuery::default() };
        assert_eq!(names(state.query_users(&admins)), ["dana"]);
        let everyone = UserQuery { roles: vec![Role::SYSTEM_USER], per_page: 60, ..UserQuery::default() };
        assert_eq!(names(state.query_users(&everyone)).len(), 2);
        let found = state.search_users("da", None, None, None, None, false, false, &[Role::SYSTEM_ADMIN], 0);
        assert_eq!(names(found), ["dana"]);
    }

    #[test]
    fn roles_grant_the_simplified_permissions() {
        let roles = |r: &[&str]| r.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert!(roles_grant(&roles(&["system_admin"]), "manage_system"));
        assert!(roles_grant(&roles(&["system_user"]), "create_team"));
        assert!(!roles_grant(&roles(&["system_user"]), "manage_system"));
        assert!(roles_grant(&roles(&["channel_user"]), "create_post"));
        assert!(!roles_grant(&roles(&["unknown_role"]), "create_post"));
    }
}
