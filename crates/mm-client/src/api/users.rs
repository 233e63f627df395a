//! Users, statuses, custom statuses, sessions, access tokens and permission checks.

use std::collections::HashMap;

use bytes::Bytes;
use mm_types::Page;
use mm_types::convert::IntoWire;
use mm_types::{
    AccountState, ChannelId, ChannelMemberSort, CustomStatus, GroupId, Permission, PostId, Role, Session,
    SessionId, Status, TeamId, Timestamp, TokenId, User, UserAccessToken, UserAuth, UserId, UserSort,
    UserStatus, ViewUsersRestrictions, wire,
};

use super::{ids, opt_id, strings};
use crate::client::{ApiClient, from_wire, payload};
use crate::mode::{ApiCall, Mode};
use crate::pages::paged_builder;

/// Users, statuses, custom statuses, sessions, access tokens and permission checks:
/// `client.users()`.
#[derive(Debug)]
pub struct Users<'a, M: Mode> {
    client: &'a ApiClient<M>,
}

impl<M: Mode> ApiClient<M> {
    /// Users, statuses, sessions, access tokens and permissions.
    pub fn users(&self) -> Users<'_, M> {
        Users { client: self }
    }
}

impl<'a, M: Mode> Users<'a, M> {
    /// Creates a user (`CreateUser`) and returns it as stored.
    ///
    /// ```no_run
    /// # async fn demo(client: mm_client::Client) -> mm_client::Result<()> {
    /// use mm_types::User;
    /// let user = User { username: "alice".into(), email: "alice@example.com".into(), password: "s3cret-Passw0rd".into(), ..Default::default() };
    /// let created = client.users().create(user).await?;
    /// assert!(!created.id.is_empty());
    /// # Ok(()) }
    /// ```
    pub fn create(&self, user: User) -> M::Output<User> {
        let request = wire::CreateUserRequest { user: Some(user.into_wire()) };
        self.client.call(request, |r| payload(r.user, "user"))
    }

    /// Deactivates a user (`DeleteUser`; the account is kept, marked deleted).
    pub fn delete(&self, user_id: &UserId) -> M::Output<()> {
        let request = wire::DeleteUserRequest { user_id: user_id.to_string() };
        self.client.call(request, |_| Ok(()))
    }

    /// Lists users with filters and paging (`GetUsers`); finish with `.send()` or `.await`.
    ///
    /// ```no_run
    /// # async fn demo(client: mm_client::Client, channel: mm_types::ChannelId) -> mm_client::Result<()> {
    /// let page = client.users().list().in_channel(&channel).account_state(mm_types::AccountState::Active).page(mm_types::Page::first(100)).await?;
    /// # Ok(()) }
    /// ```
    pub fn list(&self) -> GetUsers<'a, M> {
        GetUsers { client: self.client, request: wire::GetUsersRequest::default(), page: Page::default() }
    }

    /// Gets users by id (`GetUsersByIds`).
    pub fn get_by_ids(&self, user_ids: &[UserId]) -> M::Output<Vec<User>> {
        let request = wire::GetUsersByIdsRequest { user_ids: ids(user_ids) };
        self.client.call(request, |r| from_wire(r.users))
    }

    /// Gets a user by id (`GetUser`).
    ///
    /// ```no_run
    /// # async fn demo(client: mm_client::Client, id: mm_types::UserId) -> mm_client::Result<()> {
    /// let user = client.users().get(&id).await?;
    /// println!("{} <{}>", user.username, user.email);
    /// # Ok(()) }
    /// ```
    pub fn get(&self, user_id: &UserId) -> M::Output<User> {
        let request = wire::GetUserRequest { user_id: user_id.to_string() };
        self.client.call(request, |r| payload(r.user, "user"))
    }

    /// Gets a user by e-mail address (`GetUserByEmail`).
    pub fn get_by_email(&self, email: &str) -> M::Output<User> {
        let request = wire::GetUserByEmailRequest { email: email.to_owned() };
        self.client.call(request, |r| payload(r.user, "user"))
    }

    /// Gets a user by username, without `@` (`GetUserByUsername`).
    pub fn get_by_username(&self, username: &str) -> M::Output<User> {
        let request = wire::GetUserByUsernameRequest { name: username.to_owned() };
        self.client.call(request, |r| payload(r.user, "user"))
    }

    /// Gets users by username (`GetUsersByUsernames`).
    pub fn get_by_usernames<S: AsRef<str>>(&self, usernames: &[S]) -> M::Output<Vec<User>> {
        let request = wire::GetUsersByUsernamesRequest { usernames: strings(usernames) };
        self.client.call(request, |r| from_wire(r.users))
    }

    /// A page of a team's members as users (`GetUsersInTeam`).
    pub fn in_team(&self, team_id: &TeamId, page: Page) -> M::Output<Vec<User>> {
        let request = wire::GetUsersInTeamRequest {
            team_id: team_id.to_string(),
            page: page.wire_index(),
            per_page: page.wire_per_page(),
        };
        self.client.call(request, |r| from_wire(r.users))
    }

    /// Updates a user (`UpdateUser`) and returns it as stored.
    pub fn update(&self, user: User) -> M::Output<User> {
        let request = wire::UpdateUserRequest { user: Some(user.into_wire()) };
        self.client.call(request, |r| payload(r.user, "user"))
    }

    /// A user's presence (`GetUserStatus`).
    pub fn status(&self, user_id: &UserId) -> M::Output<Status> {
        let request = wire::GetUserStatusRequest { user_id: user_id.to_string() };
        self.client.call(request, |r| payload(r.status, "status"))
    }

    /// The presence of several users (`GetUserStatusesByIds`).
    pub fn statuses(&self, user_ids: &[UserId]) -> M::Output<Vec<Status>> {
        let request = wire::GetUserStatusesByIdsRequest { user_ids: ids(user_ids) };
        self.client.call(request, |r| from_wire(r.statuses))
    }

    /// Sets a user's presence (`UpdateUserStatus`).
    pub fn update_status(&self, user_id: &UserId, status: UserStatus) -> M::Output<Status> {
        let request =
            wire::UpdateUserStatusRequest { user_id: user_id.to_string(), status: status.into_wire() };
        self.client.call(request, |r| payload(r.status, "status"))
    }

    /// Sets "do not disturb" until `until` (`SetUserStatusTimedDND`; the server takes whole
    /// seconds, so the milliseconds are dropped).
    pub fn set_timed_dnd(&self, user_id: &UserId, until: Timestamp) -> M::Output<Status> {
        let request = wire::SetUserStatusTimedDndRequest {
            user_id: user_id.to_string(),
            end_time: until.as_millis().div_euclid(1000),
        };
        self.client.call(request, |r| payload(r.status, "status"))
    }

    /// Activates or deactivates a user (`UpdateUserActive`).
    pub fn update_active(&self, user_id: &UserId, state: AccountState) -> M::Output<()> {
        let request =
            wire::UpdateUserActiveRequest { user_id: user_id.to_string(), active: state.is_active() };
        self.client.call(request, |_| Ok(()))
    }

    /// Sets a user's custom status (`UpdateUserCustomStatus`).
    pub fn update_custom_status(&self, user_id: &UserId, custom_status: CustomStatus) -> M::Output<()> {
        let request = wire::UpdateUserCustomStatusRequest {
            user_id: user_id.to_string(),
            custom_status: Some(custom_status.into_wire()),
        };
        self.client.call(request, |_| Ok(()))
    }

    /// Clears a user's custom status (`RemoveUserCustomStatus`).
    pub fn remove_custom_status(&self, user_id: &UserId) -> M::Output<()> {
        let request = wire::RemoveUserCustomStatusRequest { user_id: user_id.to_string() };
        self.client.call(request, |_| Ok(()))
    }

    /// A page of a channel's members as users, sorted by `sort` (`GetUsersInChannel`).
    pub fn in_channel(
        &self,
        channel_id: &ChannelId,
        sort: ChannelMemberSort,
        page: Page,
    ) -> M::Output<Vec<User>> {
        let request = wire::GetUsersInChannelRequest {
            channel_id: channel_id.to_string(),
            sort_by: sort.into(),
            page: page.wire_index(),
            per_page: page.wire_per_page(),
        };
        self.client.call(request, |r| from_wire(r.users))
    }

    /// LDAP attributes of a user, by attribute name (`GetLDAPUserAttributes`).
    pub fn ldap_attributes<S: AsRef<str>>(
        &self,
        user_id: &UserId,
        attributes: &[S],
    ) -> M::Output<HashMap<String, String>> {
        let request = wire::GetLdapUserAttributesRequest {
            user_id: user_id.to_string(),
            attributes: strings(attributes),
        };
        self.client.call(request, |r| Ok(r.attributes))
    }

    /// Searches users by name, username, nickname or e-mail (`SearchUsers`); finish with
    /// `.send()` or `.await`.
    ///
    /// ```no_run
    /// # async fn demo(client: mm_client::Client, team: mm_types::TeamId) -> mm_client::Result<()> {
    /// let found = client.users().search("ali").in_team(&team).limit(10).await?;
    /// # Ok(()) }
    /// ```
    pub fn search(&self, term: &str) -> SearchUsers<'a, M> {
        SearchUsers {
            client: self.client,
            request: wire::SearchUsersRequest { term: term.to_owned(), limit: 100, ..Default::default() },
        }
    }

    /// A user's profile image (`GetProfileImage`).
    pub fn profile_image(&self, user_id: &UserId) -> M::Output<Bytes> {
        let request = wire::GetProfileImageRequest { user_id: user_id.to_string() };
        self.client.call(request, |r| Ok(r.image))
    }

    /// Sets a user's profile image (`SetProfileImage`).
    pub fn set_profile_image(&self, user_id: &UserId, image: impl Into<Bytes>) -> M::Output<()> {
        let request = wire::SetProfileImageRequest { user_id: user_id.to_string(), data: image.into() };
        self.client.call(request, |_| Ok(()))
    }

    /// Whether a user has a system-wide permission such as
    /// [`Permission::MANAGE_SYSTEM`] (`HasPermissionTo`).
    pub fn has_permission(&self, user_id: &UserId, permission: &Permission) -> M::Output<bool> {
        let request = wire::HasPermissionToRequest {
            user_id: user_id.to_string(),
            permission_id: permission.as_str().to_owned(),
        };
        self.client.call(request, |r| Ok(r.has_permission))
    }

    /// Whether a user has a permission in a team (`HasPermissionToTeam`).
    pub fn has_permission_to_team(
        &self,
        user_id: &UserId,
        team_id: &TeamId,
        permission: &Permission,
    ) -> M::Output<bool> {
        let request = wire::HasPermissionToTeamRequest {
            user_id: user_id.to_string(),
            team_id: team_id.to_string(),
            permission_id: permission.as_str().to_owned(),
        };
        self.client.call(request, |r| Ok(r.has_permission))
    }

    /// Whether a user has a permission in a channel (`HasPermissionToChannel`).
    pub fn has_permission_to_channel(
        &self,
        user_id: &UserId,
        channel_id: &ChannelId,
        permission: &Permission,
    ) -> M::Output<bool> {
        let request = wire::HasPermissionToChannelRequest {
            user_id: user_id.to_string(),
            channel_id: channel_id.to_string(),
            permission_id: permission.as_str().to_owned(),
        };
        self.client.call(request, |r| Ok(r.has_permission))
    }

    /// Shows "*user* is typing..." in a channel, or in a thread when `parent` is given
    /// (`PublishUserTyping`).
    pub fn publish_typing(
        &self,
        user_id: &UserId,
        channel_id: &ChannelId,
        parent: Option<&PostId>,
    ) -> M::Output<()> {
        let request = wire::PublishUserTypingRequest {
            user_id: user_id.to_string(),
            channel_id: channel_id.to_string(),
            parent_id: opt_id(parent),
        };
        self.client.call(request, |_| Ok(()))
    }

    /// Changes how a user authenticates (`UpdateUserAuth`).
    pub fn update_auth(&self, user_id: &UserId, auth: UserAuth) -> M::Output<UserAuth> {
        let request =
            wire::UpdateUserAuthRequest { user_id: user_id.to_string(), user_auth: Some(auth.into_wire()) };
        self.client.call(request, |r| payload(r.user_auth, "user_auth"))
    }

    /// Replaces a user's system roles with `roles` (`UpdateUserRoles`; the wire's
    /// space-separated list).
    pub fn update_roles(&self, user_id: &UserId, roles: &[Role]) -> M::Output<User> {
        let request =
            wire::UpdateUserRolesRequest { user_id: user_id.to_string(), new_roles: Role::join(roles) };
        self.client.call(request, |r| payload(r.user, "user"))
    }

    /// A login session (`GetSession`).
    pub fn session(&self, session_id: &SessionId) -> M::Output<Session> {
        let request = wire::GetSessionRequest { session_id: session_id.to_string() };
        self.client.call(request, |r| payload(r.session, "session"))
    }

    /// Creates a login session (`CreateSession`).
    pub fn create_session(&self, session: Session) -> M::Output<Session> {
        let request = wire::CreateSessionRequest { session: Some(session.into_wire()) };
        self.client.call(request, |r| payload(r.session, "session"))
    }

    /// Moves a session's expiry to `new_expiry` (`ExtendSessionExpiry`).
    pub fn extend_session_expiry(&self, session_id: &SessionId, new_expiry: Timestamp) -> M::Output<()> {
        let request = wire::ExtendSessionExpiryRequest {
            session_id: session_id.to_string(),
            new_expiry: new_expiry.as_millis(),
        };
        self.client.call(request, |_| Ok(()))
    }

    /// Revokes a session (`RevokeSession`).
    pub fn revoke_session(&self, session_id: &SessionId) -> M::Output<()> {
        let request = wire::RevokeSessionRequest { session_id: session_id.to_string() };
        self.client.call(request, |_| Ok(()))
    }

    /// Creates a personal access token (`CreateUserAccessToken`); the answer holds the
    /// token itself, which the server never shows again.
    pub fn create_access_token(&self, token: UserAccessToken) -> M::Output<UserAccessToken> {
        let request = wire::CreateUserAccessTokenRequest { token: Some(token.into_wire()) };
        self.client.call(request, |r| payload(r.token, "token"))
    }

    /// Revokes a personal access token (`RevokeUserAccessToken`).
    pub fn revoke_access_token(&self, token_id: &TokenId) -> M::Output<()> {
        let request = wire::RevokeUserAccessTokenRequest { token_id: token_id.to_string() };
        self.client.call(request, |_| Ok(()))
    }

    /// Whether any of the roles grants a permission (`RolesGrantPermission`).
    pub fn roles_grant_permission(&self, role_names: &[Role], permission: &Permission) -> M::Output<bool> {
        let request = wire::RolesGrantPermissionRequest {
            role_names: strings(role_names),
            permission_id: permission.as_str().to_owned(),
        };
        self.client.call(request, |r| Ok(r.has_permission))
    }
}

/// Filters and paging for [`Users::list`] (`GetUsers`). Defaults: page 0, 60 per page.
#[derive(Debug)]
#[must_use = "a builder does nothing until sent"]
pub struct GetUsers<'a, M: Mode> {
    client: &'a ApiClient<M>,
    request: wire::GetUsersRequest,
    page: Page,
}

impl<M: Mode> GetUsers<'_, M> {
    /// Only members of this team.
    pub fn in_team(mut self, team_id: &TeamId) -> Self {
        self.request.in_team_id = team_id.to_string();
        self
    }

    /// Only users who are not members of this team.
    pub fn not_in_team(mut self, team_id: &TeamId) -> Self {
        self.request.not_in_team_id = team_id.to_string();
        self
    }

    /// Only members of this channel.
    pub fn in_channel(mut self, channel_id: &ChannelId) -> Self {
        self.request.in_channel_id = channel_id.to_string();
        self
    }

    /// Only users who are not members of this channel.
    pub fn not_in_channel(mut self, channel_id: &ChannelId) -> Self {
        self.request.not_in_channel_id = channel_id.to_string();
        self
    }

    /// Only members of this group.
    pub fn in_group(mut self, group_id: &GroupId) -> Self {
        self.request.in_group_id = group_id.to_string();
        self
    }

    /// Only users who are not members of this group.
    pub fn not_in_group(mut self, group_id: &GroupId) -> Self {
        self.request.not_in_group_id = group_id.to_string();
        self
    }

    /// Only users allowed by the groups that constrain the team or channel.
    pub fn group_constrained(mut self) -> Self {
        self.request.group_constrained = true;
        self
    }

    /// Only users in no team.
    pub fn without_team(mut self) -> Self {
        self.request.without_team = true;
        self
    }

    /// Only active, or only deactivated, users (default: both).
    pub fn account_state(mut self, state: AccountState) -> Self {
        self.request.active = state.is_active();
        self.request.inactive = !state.is_active();
        self
    }

    /// Only users with this system role.
    pub fn role(mut self, role: &Role) -> Self {
        self.request.role = role.as_str().to_owned();
        self
    }

    /// Only users with one of these system roles.
    pub fn roles(mut self, roles: &[Role]) -> Self {
        self.request.roles = strings(roles);
        self
    }

    /// Only users with one of these channel roles (with [`in_channel`](Self::in_channel)).
    pub fn channel_roles(mut self, roles: &[Role]) -> Self {
        self.request.channel_roles = strings(roles);
        self
    }

    /// Only users with one of these team roles (with [`in_team`](Self::in_team)).
    pub fn team_roles(mut self, roles: &[Role]) -> Self {
        self.request.team_roles = strings(roles);
        self
    }

    /// The sort order; each applies with some filters only (see [`UserSort`]).
    pub fn sort(mut self, sort: UserSort) -> Self {
        self.request.sort = sort.into();
        self
    }

    /// Which page to get, and its size (default: the first page of 60).
    pub fn page(mut self, page: Page) -> Self {
        self.page = page;
        self
    }

    /// Only users updated after this time.
    pub fn updated_after(mut self, time: Timestamp) -> Self {
        self.request.updated_after = time.as_millis();
        self
    }

    /// Only users visible through these teams and channels.
    pub fn view_restrictions(mut self, restrictions: ViewUsersRestrictions) -> Self {
        self.request.view_restrictions = Some(restrictions.into_wire());
        self
    }

    /// Sends the query.
    pub fn send(self) -> M::Output<Vec<User>> {
        self.client.run(self.fetch(self.page))
    }

    /// The call for one page.
    fn fetch(&self, page: Page) -> ApiCall<Vec<User>> {
        let request = wire::GetUsersRequest {
            page: page.wire_index(),
            per_page: page.wire_per_page(),
            ..self.request.clone()
        };
        self.client.call_async(request, |r| from_wire(r.users))
    }
}

awaitable_builder!(GetUsers, Vec<User>);
paged_builder!(GetUsers, User);

/// Filters for [`Users::search`] (`SearchUsers`). Default limit: 100.
#[derive(Debug)]
#[must_use = "a builder does nothing until sent"]
pub struct SearchUsers<'a, M: Mode> {
    client: &'a ApiClient<M>,
    request: wire::SearchUsersRequest,
}

impl<M: Mode> SearchUsers<'_, M> {
    /// Only members of this team.
    pub fn in_team(mut self, team_id: &TeamId) -> Self {
        self.request.team_id = team_id.to_string();
        self
    }

    /// Only users who are not members of this team.
    pub fn not_in_team(mut self, team_id: &TeamId) -> Self {
        self.request.not_in_team_id = team_id.to_string();
        self
    }

    /// Only members of this channel.
    pub fn in_channel(mut self, channel_id: &ChannelId) -> Self {
        self.request.in_channel_id = channel_id.to_string();
        self
    }

    /// Only users who are not members of this channel.
    pub fn not_in_channel(mut self, channel_id: &ChannelId) -> Self {
        self.request.not_in_channel_id = channel_id.to_string();
        self
    }

    /// Only members of this group.
    pub fn in_group(mut self, group_id: &GroupId) -> Self {
        self.request.in_group_id = group_id.to_string();
        self
    }

    /// Only users who are not members of this group.
    pub fn not_in_group(mut self, group_id: &GroupId) -> Self {
        self.request.not_in_group_id = group_id.to_string();
        self
    }

    /// Only users allowed by the groups that constrain the team or channel.
    pub fn group_constrained(mut self) -> Self {
        self.request.group_constrained = true;
        self
    }

    /// Finds deactivated users too.
    pub fn include_deactivated(mut self) -> Self {
        self.request.allow_inactive = true;
        self
    }

    /// Only users in no team.
    pub fn without_team(mut self) -> Self {
        self.request.without_team = true;
        self
    }

    /// At most this many results.
    pub fn limit(mut self, limit: i32) -> Self {
        self.request.limit = limit;
        self
    }

    /// Only users with this system role.
    pub fn role(mut self, role: &Role) -> Self {
        self.request.role = role.as_str().to_owned();
        self
    }

    /// Only users with one of these system roles.
    pub fn roles(mut self, roles: &[Role]) -> Self {
        self.request.roles = strings(roles);
        self
    }

    /// Only users with one of these channel roles.
    pub fn channel_roles(mut self, roles: &[Role]) -> Self {
        self.request.channel_roles = strings(roles);
        self
    }

    /// Only users with one of these team roles.
    pub fn team_roles(mut self, roles: &[Role]) -> Self {
        self.request.team_roles = strings(roles);
        self
    }

    /// Sends the search.
    pub fn send(self) -> M::Output<Vec<User>> {
        self.client.call(self.request, |r| from_wire(r.users))
    }
}

awaitable_builder!(SearchUsers, Vec<User>);
