//! The PluginAPI methods, grouped by domain as in `api.proto`.

use bytes::Bytes;
use mm_proto::v1 as wire;
use mm_proto::v1::plugin_api_server::PluginApi;
use mm_types::convert::FromWire;
use mm_types::{
    AppError, Bot, BotGetOptions, BotPatch, Channel, ChannelMemberIdentifier, Command, CommandArgs,
    CreateDefaultMembershipParams, CustomStatus, GetFileInfosOptions, GetPostsSinceForSyncCursor, Group,
    GroupSearchOpts, GroupSource, GroupSyncable, GroupSyncableType, Id, JsonMap, KvSetOptions, OAuthApp,
    Post, Preference, PropertyField, PropertyFieldSearchOpts, PropertyValue, PropertyValueSearchOpts,
    Reaction, RegisterPluginOpts, SearchParameter, SearchParams, ServerConfig, Session, SharedChannel,
    SidebarCategoryWithChannels, Team, TeamMemberWithError, UploadSession, User, UserAccessToken, UserAuth,
};
use serde_json::{Value, json};
use tonic::{Request, Response, Status};

use super::replies::{Reply, by_status, domain, in_body, required, status_of};
use crate::Host;
use crate::store::{
    AppResult, LogEntry, LogLevel, OutboundKind, PostsPage, UserQuery, errors, sanitize_config,
};

/// The PluginAPI as one plugin sees it.
pub(crate) struct ApiService {
    host: Host,
    plugin_id: String,
}

impl ApiService {
    pub(crate) fn new(host: Host, plugin_id: &str) -> Self {
        ApiService { host, plugin_id: plugin_id.to_string() }
    }

    fn with<R>(&self, f: impl FnOnce(&mut crate::store::State) -> R) -> R {
        self.host.store().with(f)
    }

    fn log(&self, level: LogLevel, msg: String, pairs: Vec<wire::KeyValuePair>) -> Reply<()> {
        let fields: Vec<(String, Value)> = pairs
            .into_iter()
            .map(|pair| {
                let value =
                    pair.value.map(Value::from_wire).transpose().unwrap_or(None).unwrap_or(Value::Null);
                (pair.key, value)
            })
            .collect();
        let entry = LogEntry {
            plugin_id: self.plugin_id.clone(),
            level,
            message: msg,
            fields,
            time: mm_types::Timestamp::now(),
        };
        match level {
            LogLevel::Debug => {
                tracing::debug!(target: "mm_host::plugin", plugin = %entry.plugin_id, "{entry}")
            }
            LogLevel::Info => tracing::info!(target: "mm_host::plugin", plugin = %entry.plugin_id, "{entry}"),
            LogLevel::Warn => tracing::warn!(target: "mm_host::plugin", plugin = %entry.plugin_id, "{entry}"),
            LogLevel::Error => {
                tracing::error!(target: "mm_host::plugin", plugin = %entry.plugin_id, "{entry}")
            }
        }
        self.with(|s| s.logs.push(entry));
        Ok(Response::new(()))
    }

    fn record(&self, kind: OutboundKind, payload: Value) {
        self.with(|s| s.record(&self.plugin_id, kind, payload));
    }

    fn config_json(&self, sanitized: bool) -> Bytes {
        let config = self.host.store().config();
        let config = if sanitized { sanitize_config(&config) } else { config };
        Bytes::from(serde_json::to_vec(&config).unwrap_or_default())
    }
}

fn id<M>(value: String) -> Id<M> {
    Id::from_raw(value)
}

fn ids<M>(values: Vec<String>) -> Vec<Id<M>> {
    values.into_iter().map(Id::from_raw).collect()
}

fn opt_id<M>(value: String) -> Option<Id<M>> {
    (!value.is_empty()).then(|| Id::from_raw(value))
}

fn wires<D: Into<W>, W>(items: Vec<D>) -> Vec<W> {
    items.into_iter().map(Into::into).collect()
}

fn json_error(e: impl std::fmt::Display) -> AppError {
    errors::bad_request("api.marshal_error", format!("Invalid JSON: {e}"))
}

#[tonic::async_trait]
impl PluginApi for ApiService {
    // --- users ---

    async fn create_user(&self, r: Request<wire::CreateUserRequest>) -> Reply<wire::CreateUserResponse> {
        let user: User = domain(required(r.into_inner().user, "user")?)?;
        let created = self.host.create_user(user).await;
        by_status(created, |u| wire::CreateUserResponse { error: None, user: Some(u.into()) })
    }

    async fn delete_user(&self, r: Request<wire::DeleteUserRequest>) -> Reply<wire::DeleteUserResponse> {
        // The PluginAPI's DeleteUser deactivates the account, as on the server.
        let result = self.host.set_user_active(&id(r.into_inner().user_id), false).await;
        by_status(result, |_| wire::DeleteUserResponse { error: None })
    }

    async fn get_users(&self, r: Request<wire::GetUsersRequest>) -> Reply<wire::GetUsersResponse> {
        let r = r.into_inner();
        let mut roles = r.roles;
        if !r.role.is_empty() {
            roles.push(r.role);
        }
        let query = UserQuery {
            in_team: opt_id(r.in_team_id),
            not_in_team: opt_id(r.not_in_team_id),
            in_channel: opt_id(r.in_channel_id),
            not_in_channel: opt_id(r.not_in_channel_id),
            without_team: r.without_team,
            inactive_only: r.inactive,
            active_only: r.active,
            roles,
            updated_after: r.updated_after,
            page: r.page,
            per_page: r.per_page,
        };
        let users = self.with(|s| s.query_users(&query));
        Ok(Response::new(wire::GetUsersResponse { error: None, users: wires(users) }))
    }

    async fn get_users_by_ids(
        &self,
        r: Request<wire::GetUsersByIdsRequest>,
    ) -> Reply<wire::GetUsersByIdsResponse> {
        let users = self.with(|s| s.users_by_ids(&ids(r.into_inner().user_ids)));
        Ok(Response::new(wire::GetUsersByIdsResponse { error: None, users: wires(users) }))
    }

    async fn get_user(&self, r: Request<wire::GetUserRequest>) -> Reply<wire::GetUserResponse> {
        let user = self.with(|s| s.user(&id(r.into_inner().user_id)).map(crate::store::sanitized_user));
        by_status(user, |u| wire::GetUserResponse { error: None, user: Some(u.into()) })
    }

    async fn get_user_by_email(
        &self,
        r: Request<wire::GetUserByEmailRequest>,
    ) -> Reply<wire::GetUserByEmailResponse> {
        let user = self.with(|s| s.user_by_email(&r.into_inner().email));
        by_status(user, |u| wire::GetUserByEmailResponse { error: None, user: Some(u.into()) })
    }

    async fn get_user_by_username(
        &self,
        r: Request<wire::GetUserByUsernameRequest>,
    ) -> Reply<wire::GetUserByUsernameResponse> {
        let user = self.with(|s| s.user_by_username(&r.into_inner().name));
        by_status(user, |u| wire::GetUserByUsernameResponse { error: None, user: Some(u.into()) })
    }

    async fn get_users_by_usernames(
        &self,
        r: Request<wire::GetUsersByUsernamesRequest>,
    ) -> Reply<wire::GetUsersByUsernamesResponse> {
        let users = self.with(|s| s.users_by_usernames(&r.into_inner().usernames));
        Ok(Response::new(wire::GetUsersByUsernamesResponse { error: None, users: wires(users) }))
    }

    async fn get_users_in_team(
        &self,
        r: Request<wire::GetUsersInTeamRequest>,
    ) -> Reply<wire::GetUsersInTeamResponse> {
        let r = r.into_inner();
        let team = id(r.team_id);
        let users =
            self.with(|s| s.team(&team).map(|_| ()).map(|()| s.users_in_team(&team, r.page, r.per_page)));
        by_status(users, |users| wire::GetUsersInTeamResponse { error: None, users: wires(users) })
    }

    async fn update_user(&self, r: Request<wire::UpdateUserRequest>) -> Reply<wire::UpdateUserResponse> {
        let user: User = domain(required(r.into_inner().user, "user")?)?;
        let updated = self.with(|s| s.update_user(user));
        by_status(updated, |u| wire::UpdateUserResponse { error: None, user: Some(u.into()) })
    }

    async fn get_user_status(
        &self,
        r: Request<wire::GetUserStatusRequest>,
    ) -> Reply<wire::GetUserStatusResponse> {
        let status = self.with(|s| s.user_status(&id(r.into_inner().user_id)));
        by_status(status, |st| wire::GetUserStatusResponse { error: None, status: Some(st.into()) })
    }

    async fn get_user_statuses_by_ids(
        &self,
        r: Request<wire::GetUserStatusesByIdsRequest>,
    ) -> Reply<wire::GetUserStatusesByIdsResponse> {
        let statuses = self.with(|s| {
            ids(r.into_inner().user_ids)
                .iter()
                .filter(|u| s.users.contains_key(*u))
                .map(|u| s.status_of(u))
                .collect::<Vec<_>>()
        });
        Ok(Response::new(wire::GetUserStatusesByIdsResponse { error: None, statuses: wires(statuses) }))
    }

    async fn update_user_status(
        &self,
        r: Request<wire::UpdateUserStatusRequest>,
    ) -> Reply<wire::UpdateUserStatusResponse> {
        let r = r.into_inner();
        let status = self.with(|s| s.set_user_status(&id(r.user_id), &r.status, 0));
        by_status(status, |st| wire::UpdateUserStatusResponse { error: None, status: Some(st.into()) })
    }

    async fn set_user_status_timed_dnd(
        &self,
        r: Request<wire::SetUserStatusTimedDndRequest>,
    ) -> Reply<wire::SetUserStatusTimedDndResponse> {
        let r = r.into_inner();
        let status = self.with(|s| s.set_user_status(&id(r.user_id), "dnd", r.end_time));
        by_status(status, |st| wire::SetUserStatusTimedDndResponse { error: None, status: Some(st.into()) })
    }

    async fn update_user_active(
        &self,
        r: Request<wire::UpdateUserActiveRequest>,
    ) -> Reply<wire::UpdateUserActiveResponse> {
        let r = r.into_inner();
        let result = self.host.set_user_active(&id(r.user_id), r.active).await;
        by_status(result, |_| wire::UpdateUserActiveResponse { error: None })
    }

    async fn update_user_custom_status(
        &self,
        r: Request<wire::UpdateUserCustomStatusRequest>,
    ) -> Reply<wire::UpdateUserCustomStatusResponse> {
        let r = r.into_inner();
        let status: CustomStatus = domain(required(r.custom_status, "custom_status")?)?;
        let result = self.with(|s| s.set_custom_status(&id(r.user_id), &status));
        by_status(result, |()| wire::UpdateUserCustomStatusResponse { error: None })
    }

    async fn remove_user_custom_status(
        &self,
        r: Request<wire::RemoveUserCustomStatusRequest>,
    ) -> Reply<wire::RemoveUserCustomStatusResponse> {
        let result = self.with(|s| s.remove_custom_status(&id(r.into_inner().user_id)));
        by_status(result, |()| wire::RemoveUserCustomStatusResponse { error: None })
    }

    async fn get_users_in_channel(
        &self,
        r: Request<wire::GetUsersInChannelRequest>,
    ) -> Reply<wire::GetUsersInChannelResponse> {
        let r = r.into_inner();
        let users = self.with(|s| s.users_in_channel(&id(r.channel_id), &r.sort_by, r.page, r.per_page));
        by_status(users, |users| wire::GetUsersInChannelResponse { error: None, users: wires(users) })
    }

    async fn search_users(&self, r: Request<wire::SearchUsersRequest>) -> Reply<wire::SearchUsersResponse> {
        let r = r.into_inner();
        let mut roles = r.roles;
        if !r.role.is_empty() {
            roles.push(r.role);
        }
        let (team, not_in_team) = (opt_id(r.team_id), opt_id(r.not_in_team_id));
        let (in_channel, not_in_channel) = (opt_id(r.in_channel_id), opt_id(r.not_in_channel_id));
        let users = self.with(|s| {
            s.search_users(
                &r.term,
                team.as_ref(),
                not_in_team.as_ref(),
                in_channel.as_ref(),
                not_in_channel.as_ref(),
                r.allow_inactive,
                r.without_team,
                &roles,
                r.limit,
            )
        });
        Ok(Response::new(wire::SearchUsersResponse { error: None, users: wires(users) }))
    }

    async fn get_profile_image(
        &self,
        r: Request<wire::GetProfileImageRequest>,
    ) -> Reply<wire::GetProfileImageResponse> {
        let image = self.with(|s| s.profile_image(&id(r.into_inner().user_id)));
        by_status(image, |image| wire::GetProfileImageResponse { error: None, image })
    }

    async fn set_profile_image(
        &self,
        r: Request<wire::SetProfileImageRequest>,
    ) -> Reply<wire::SetProfileImageResponse> {
        let r = r.into_inner();
        let result = self.with(|s| s.set_profile_image(&id(r.user_id), r.data));
        by_status(result, |()| wire::SetProfileImageResponse { error: None })
    }

    async fn has_permission_to(
        &self,
        r: Request<wire::HasPermissionToRequest>,
    ) -> Reply<wire::HasPermissionToResponse> {
        let r = r.into_inner();
        let has_permission = self.with(|s| s.has_permission(&id(r.user_id), &r.permission_id));
        Ok(Response::new(wire::HasPermissionToResponse { error: None, has_permission }))
    }

    async fn has_permission_to_team(
        &self,
        r: Request<wire::HasPermissionToTeamRequest>,
    ) -> Reply<wire::HasPermissionToTeamResponse> {
        let r = r.into_inner();
        let has_permission =
            self.with(|s| s.has_team_permission(&id(r.user_id), &id(r.team_id), &r.permission_id));
        Ok(Response::new(wire::HasPermissionToTeamResponse { error: None, has_permission }))
    }

    async fn has_permission_to_channel(
        &self,
        r: Request<wire::HasPermissionToChannelRequest>,
    ) -> Reply<wire::HasPermissionToChannelResponse> {
        let r = r.into_inner();
        let has_permission =
            self.with(|s| s.has_channel_permission(&id(r.user_id), &id(r.channel_id), &r.permission_id));
        Ok(Response::new(wire::HasPermissionToChannelResponse { error: None, has_permission }))
    }

    async fn publish_user_typing(
        &self,
        r: Request<wire::PublishUserTypingRequest>,
    ) -> Reply<wire::PublishUserTypingResponse> {
        let r = r.into_inner();
        self.record(
            OutboundKind::UserTyping,
            json!({"user_id": r.user_id, "channel_id": r.channel_id, "parent_id": r.parent_id}),
        );
        Ok(Response::new(wire::PublishUserTypingResponse { error: None }))
    }

    async fn update_user_auth(
        &self,
        r: Request<wire::UpdateUserAuthRequest>,
    ) -> Reply<wire::UpdateUserAuthResponse> {
        let r = r.into_inner();
        let auth: UserAuth = domain(required(r.user_auth, "user_auth")?)?;
        let result = self.with(|s| s.update_user_auth(&id(r.user_id), auth));
        by_status(result, |auth| wire::UpdateUserAuthResponse { error: None, user_auth: Some(auth.into()) })
    }

    async fn update_user_roles(
        &self,
        r: Request<wire::UpdateUserRolesRequest>,
    ) -> Reply<wire::UpdateUserRolesResponse> {
        let r = r.into_inner();
        let user = self.with(|s| s.update_user_roles(&id(r.user_id), &r.new_roles));
        by_status(user, |u| wire::UpdateUserRolesResponse { error: None, user: Some(u.into()) })
    }

    async fn get_session(&self, r: Request<wire::GetSessionRequest>) -> Reply<wire::GetSessionResponse> {
        let session = self.with(|s| s.session(&id(r.into_inner().session_id)));
        by_status(session, |session| wire::GetSessionResponse { error: None, session: Some(session.into()) })
    }

    async fn create_session(
        &self,
        r: Request<wire::CreateSessionRequest>,
    ) -> Reply<wire::CreateSessionResponse> {
        let session: Session = domain(required(r.into_inner().session, "session")?)?;
        let session = self.with(|s| s.create_session(session));
        by_status(session, |session| wire::CreateSessionResponse {
            error: None,
            session: Some(session.into()),
        })
    }

    async fn extend_session_expiry(
        &self,
        r: Request<wire::ExtendSessionExpiryRequest>,
    ) -> Reply<wire::ExtendSessionExpiryResponse> {
        let r = r.into_inner();
        let result = self.with(|s| s.extend_session(&id(r.session_id), r.new_expiry));
        by_status(result, |()| wire::ExtendSessionExpiryResponse { error: None })
    }

    async fn revoke_session(
        &self,
        r: Request<wire::RevokeSessionRequest>,
    ) -> Reply<wire::RevokeSessionResponse> {
        let result = self.with(|s| s.revoke_session(&id(r.into_inner().session_id)));
        by_status(result, |()| wire::RevokeSessionResponse { error: None })
    }

    async fn create_user_access_token(
        &self,
        r: Request<wire::CreateUserAccessTokenRequest>,
    ) -> Reply<wire::CreateUserAccessTokenResponse> {
        let token: UserAccessToken = domain(required(r.into_inner().token, "token")?)?;
        let token = self.with(|s| s.create_access_token(token));
        by_status(token, |t| wire::CreateUserAccessTokenResponse { error: None, token: Some(t.into()) })
    }

    async fn revoke_user_access_token(
        &self,
        r: Request<wire::RevokeUserAccessTokenRequest>,
    ) -> Reply<wire::RevokeUserAccessTokenResponse> {
        let result = self.with(|s| s.revoke_access_token(&id(r.into_inner().token_id)));
        by_status(result, |()| wire::RevokeUserAccessTokenResponse { error: None })
    }

    async fn roles_grant_permission(
        &self,
        r: Request<wire::RolesGrantPermissionRequest>,
    ) -> Reply<wire::RolesGrantPermissionResponse> {
        let r = r.into_inner();
        let has_permission = crate::store::roles_grant(&r.role_names, &r.permission_id);
        Ok(Response::new(wire::RolesGrantPermissionResponse { error: None, has_permission }))
    }

    // --- teams ---

    async fn create_team(&self, r: Request<wire::CreateTeamRequest>) -> Reply<wire::CreateTeamResponse> {
        let team: Team = domain(required(r.into_inner().team, "team")?)?;
        let team = self.with(|s| s.create_team(team));
        by_status(team, |t| wire::CreateTeamResponse { error: None, team: Some(t.into()) })
    }

    async fn delete_team(&self, r: Request<wire::DeleteTeamRequest>) -> Reply<wire::DeleteTeamResponse> {
        let result = self.with(|s| s.delete_team(&id(r.into_inner().team_id)));
        by_status(result, |()| wire::DeleteTeamResponse { error: None })
    }

    async fn get_teams(&self, _r: Request<wire::GetTeamsRequest>) -> Reply<wire::GetTeamsResponse> {
        let teams = self.with(|s| s.all_teams());
        Ok(Response::new(wire::GetTeamsResponse { error: None, teams: wires(teams) }))
    }

    async fn get_team(&self, r: Request<wire::GetTeamRequest>) -> Reply<wire::GetTeamResponse> {
        let team = self.with(|s| s.team(&id(r.into_inner().team_id)).cloned());
        by_status(team, |t| wire::GetTeamResponse { error: None, team: Some(t.into()) })
    }

    async fn get_team_by_name(
        &self,
        r: Request<wire::GetTeamByNameRequest>,
    ) -> Reply<wire::GetTeamByNameResponse> {
        let team = self.with(|s| s.team_by_name(&r.into_inner().name));
        by_status(team, |t| wire::GetTeamByNameResponse { error: None, team: Some(t.into()) })
    }

    async fn get_teams_unread_for_user(
        &self,
        r: Request<wire::GetTeamsUnreadForUserRequest>,
    ) -> Reply<wire::GetTeamsUnreadForUserResponse> {
        let unreads = self.with(|s| s.team_unreads(&id(r.into_inner().user_id)));
        by_status(unreads, |u| wire::GetTeamsUnreadForUserResponse { error: None, team_unreads: wires(u) })
    }

    async fn update_team(&self, r: Request<wire::UpdateTeamRequest>) -> Reply<wire::UpdateTeamResponse> {
        let team: Team = domain(required(r.into_inner().team, "team")?)?;
        let team = self.with(|s| s.update_team(team));
        by_status(team, |t| wire::UpdateTeamResponse { error: None, team: Some(t.into()) })
    }

    async fn search_teams(&self, r: Request<wire::SearchTeamsRequest>) -> Reply<wire::SearchTeamsResponse> {
        let teams = self.with(|s| s.search_teams(&r.into_inner().term));
        Ok(Response::new(wire::SearchTeamsResponse { error: None, teams: wires(teams) }))
    }

    async fn get_teams_for_user(
        &self,
        r: Request<wire::GetTeamsForUserRequest>,
    ) -> Reply<wire::GetTeamsForUserResponse> {
        let teams = self.with(|s| s.teams_for_user(&id(r.into_inner().user_id)));
        by_status(teams, |t| wire::GetTeamsForUserResponse { error: None, teams: wires(t) })
    }

    async fn create_team_member(
        &self,
        r: Request<wire::CreateTeamMemberRequest>,
    ) -> Reply<wire::CreateTeamMemberResponse> {
        let r = r.into_inner();
        let member = self.host.join_team(&id(r.team_id), &id(r.user_id), None).await;
        by_status(member, |m| wire::CreateTeamMemberResponse { error: None, team_member: Some(m.into()) })
    }

    async fn create_team_members(
        &self,
        r: Request<wire::CreateTeamMembersRequest>,
    ) -> Reply<wire::CreateTeamMembersResponse> {
        let r = r.into_inner();
        let (team, requestor) = (id(r.team_id), opt_id(r.requestor_id));
        let mut members = Vec::new();
        for user in ids(r.user_ids) {
            match self.host.join_team(&team, &user, requestor.as_ref()).await {
                Ok(member) => members.push(member),
                Err(e) => return Err(status_of(&e)),
            }
        }
        Ok(Response::new(wire::CreateTeamMembersResponse { error: None, team_members: wires(members) }))
    }

    async fn create_team_members_gracefully(
        &self,
        r: Request<wire::CreateTeamMembersGracefullyRequest>,
    ) -> Reply<wire::CreateTeamMembersGracefullyResponse> {
        let r = r.into_inner();
        let (team, requestor) = (id(r.team_id), opt_id(r.requestor_id));
        let mut results = Vec::new();
        for user in ids(r.user_ids) {
            let outcome = self.host.join_team(&team, &user, requestor.as_ref()).await;
            results.push(match outcome {
                Ok(member) => TeamMemberWithError { user_id: user, member: Some(member), error: None },
                Err(error) => TeamMemberWithError { user_id: user, member: None, error: Some(error) },
            });
        }
        Ok(Response::new(wire::CreateTeamMembersGracefullyResponse {
            error: None,
            team_members: wires(results),
        }))
    }

    async fn delete_team_member(
        &self,
        r: Request<wire::DeleteTeamMemberRequest>,
    ) -> Reply<wire::DeleteTeamMemberResponse> {
        let r = r.into_inner();
        let requestor = opt_id(r.requestor_id);
        let result = self.host.leave_team(&id(r.team_id), &id(r.user_id), requestor.as_ref()).await;
        by_status(result, |()| wire::DeleteTeamMemberResponse { error: None })
    }

    async fn get_team_members(
        &self,
        r: Request<wire::GetTeamMembersRequest>,
    ) -> Reply<wire::GetTeamMembersResponse> {
        let r = r.into_inner();
        let members = self.with(|s| s.team_members_of(&id(r.team_id), r.page, r.per_page));
        by_status(members, |m| wire::GetTeamMembersResponse { error: None, team_members: wires(m) })
    }

    async fn get_team_member(
        &self,
        r: Request<wire::GetTeamMemberRequest>,
    ) -> Reply<wire::GetTeamMemberResponse> {
        let r = r.into_inner();
        let member = self.with(|s| s.team_member(&id(r.team_id), &id(r.user_id)));
        by_status(member, |m| wire::GetTeamMemberResponse { error: None, team_member: Some(m.into()) })
    }

    async fn get_team_members_for_user(
        &self,
        r: Request<wire::GetTeamMembersForUserRequest>,
    ) -> Reply<wire::GetTeamMembersForUserResponse> {
        let r = r.into_inner();
        let members = self.with(|s| s.team_members_for_user(&id(r.user_id), r.page, r.per_page));
        by_status(members, |m| wire::GetTeamMembersForUserResponse { error: None, team_members: wires(m) })
    }

    async fn update_team_member_roles(
        &self,
        r: Request<wire::UpdateTeamMemberRolesRequest>,
    ) -> Reply<wire::UpdateTeamMemberRolesResponse> {
        let r = r.into_inner();
        let member = self.with(|s| s.update_team_member_roles(&id(r.team_id), &id(r.user_id), &r.new_roles));
        by_status(member, |m| wire::UpdateTeamMemberRolesResponse {
            error: None,
            team_member: Some(m.into()),
        })
    }

    async fn get_team_icon(&self, r: Request<wire::GetTeamIconRequest>) -> Reply<wire::GetTeamIconResponse> {
        let icon = self.with(|s| s.team_icon(&id(r.into_inner().team_id)));
        by_status(icon, |icon| wire::GetTeamIconResponse { error: None, icon })
    }

    async fn set_team_icon(&self, r: Request<wire::SetTeamIconRequest>) -> Reply<wire::SetTeamIconResponse> {
        let r = r.into_inner();
        let result = self.with(|s| s.set_team_icon(&id(r.team_id), r.data));
        by_status(result, |()| wire::SetTeamIconResponse { error: None })
    }

    async fn remove_team_icon(
        &self,
        r: Request<wire::RemoveTeamIconRequest>,
    ) -> Reply<wire::RemoveTeamIconResponse> {
        let result = self.with(|s| s.remove_team_icon(&id(r.into_inner().team_id)));
        by_status(result, |()| wire::RemoveTeamIconResponse { error: None })
    }

    async fn get_team_stats(
        &self,
        r: Request<wire::GetTeamStatsRequest>,
    ) -> Reply<wire::GetTeamStatsResponse> {
        let stats = self.with(|s| s.team_stats(&id(r.into_inner().team_id)));
        by_status(stats, |st| wire::GetTeamStatsResponse { error: None, team_stats: Some(st.into()) })
    }

    // --- channels ---

    async fn create_channel(
        &self,
        r: Request<wire::CreateChannelRequest>,
    ) -> Reply<wire::CreateChannelResponse> {
        let channel: Channel = domain(required(r.into_inner().channel, "channel")?)?;
        let channel = self.host.create_channel(channel).await;
        by_status(channel, |c| wire::CreateChannelResponse { error: None, channel: Some(c.into()) })
    }

    async fn delete_channel(
        &self,
        r: Request<wire::DeleteChannelRequest>,
    ) -> Reply<wire::DeleteChannelResponse> {
        let result = self.with(|s| s.delete_channel(&id(r.into_inner().channel_id)));
        by_status(result, |_| wire::DeleteChannelResponse { error: None })
    }

    async fn get_public_channels_for_team(
        &self,
        r: Request<wire::GetPublicChannelsForTeamRequest>,
    ) -> Reply<wire::GetPublicChannelsForTeamResponse> {
        let r = r.into_inner();
        let channels = self.with(|s| s.public_channels(&id(r.team_id), r.page, r.per_page));
        by_status(channels, |c| wire::GetPublicChannelsForTeamResponse { error: None, channels: wires(c) })
    }

    async fn get_channel(&self, r: Request<wire::GetChannelRequest>) -> Reply<wire::GetChannelResponse> {
        let channel = self.with(|s| s.channel(&id(r.into_inner().channel_id)).cloned());
        by_status(channel, |c| wire::GetChannelResponse { error: None, channel: Some(c.into()) })
    }

    async fn get_channel_by_name(
        &self,
        r: Request<wire::GetChannelByNameRequest>,
    ) -> Reply<wire::GetChannelByNameResponse> {
        let r = r.into_inner();
        let channel = self.with(|s| s.channel_by_name(&id(r.team_id), &r.name, r.include_deleted));
        by_status(channel, |c| wire::GetChannelByNameResponse { error: None, channel: Some(c.into()) })
    }

    async fn get_channel_by_name_for_team_name(
        &self,
        r: Request<wire::GetChannelByNameForTeamNameRequest>,
    ) -> Reply<wire::GetChannelByNameForTeamNameResponse> {
        let r = r.into_inner();
        let channel = self.with(|s| {
            let team = s.team_by_name(&r.team_name)?;
            s.channel_by_name(&team.id, &r.channel_name, r.include_deleted)
        });
        by_status(channel, |c| wire::GetChannelByNameForTeamNameResponse {
            error: None,
            channel: Some(c.into()),
        })
    }

    async fn get_channels_for_team_for_user(
        &self,
        r: Request<wire::GetChannelsForTeamForUserRequest>,
    ) -> Reply<wire::GetChannelsForTeamForUserResponse> {
        let r = r.into_inner();
        let channels = self.with(|s| s.channels_for_user(&id(r.team_id), &id(r.user_id), r.include_deleted));
        by_status(channels, |c| wire::GetChannelsForTeamForUserResponse { error: None, channels: wires(c) })
    }

    async fn get_channel_stats(
        &self,
        r: Request<wire::GetChannelStatsRequest>,
    ) -> Reply<wire::GetChannelStatsResponse> {
        let stats = self.with(|s| s.channel_stats(&id(r.into_inner().channel_id)));
        by_status(stats, |st| wire::GetChannelStatsResponse { error: None, channel_stats: Some(st.into()) })
    }

    async fn get_direct_channel(
        &self,
        r: Request<wire::GetDirectChannelRequest>,
    ) -> Reply<wire::GetDirectChannelResponse> {
        let r = r.into_inner();
        let channel = self.host.direct_channel(&id(r.user_id_1), &id(r.user_id_2)).await;
        by_status(channel, |c| wire::GetDirectChannelResponse { error: None, channel: Some(c.into()) })
    }

    async fn get_group_channel(
        &self,
        r: Request<wire::GetGroupChannelRequest>,
    ) -> Reply<wire::GetGroupChannelResponse> {
        let channel = self.host.group_channel(&ids(r.into_inner().user_ids)).await;
        by_status(channel, |c| wire::GetGroupChannelResponse { error: None, channel: Some(c.into()) })
    }

    async fn update_channel(
        &self,
        r: Request<wire::UpdateChannelRequest>,
    ) -> Reply<wire::UpdateChannelResponse> {
        let channel: Channel = domain(required(r.into_inner().channel, "channel")?)?;
        let channel = self.with(|s| s.update_channel(channel));
        by_status(channel, |c| wire::UpdateChannelResponse { error: None, channel: Some(c.into()) })
    }

    async fn search_channels(
        &self,
        r: Request<wire::SearchChannelsRequest>,
    ) -> Reply<wire::SearchChannelsResponse> {
        let r = r.into_inner();
        let channels = self.with(|s| s.search_channels(&id(r.team_id), &r.term));
        by_status(channels, |c| wire::SearchChannelsResponse { error: None, channels: wires(c) })
    }

    async fn add_channel_member(
        &self,
        r: Request<wire::AddChannelMemberRequest>,
    ) -> Reply<wire::AddChannelMemberResponse> {
        let r = r.into_inner();
        let member = self.host.join_channel(&id(r.channel_id), &id(r.user_id), None).await;
        by_status(member, |m| wire::AddChannelMemberResponse { error: None, channel_member: Some(m.into()) })
    }

    async fn add_user_to_channel(
        &self,
        r: Request<wire::AddUserToChannelRequest>,
    ) -> Reply<wire::AddUserToChannelResponse> {
        let r = r.into_inner();
        let actor = opt_id(r.as_user_id);
        let member = self.host.join_channel(&id(r.channel_id), &id(r.user_id), actor.as_ref()).await;
        by_status(member, |m| wire::AddUserToChannelResponse { error: None, channel_member: Some(m.into()) })
    }

    async fn get_channel_member(
        &self,
        r: Request<wire::GetChannelMemberRequest>,
    ) -> Reply<wire::GetChannelMemberResponse> {
        let r = r.into_inner();
        let member = self.with(|s| s.channel_member(&id(r.channel_id), &id(r.user_id)));
        by_status(member, |m| wire::GetChannelMemberResponse { error: None, channel_member: Some(m.into()) })
    }

    async fn get_channel_members(
        &self,
        r: Request<wire::GetChannelMembersRequest>,
    ) -> Reply<wire::GetChannelMembersResponse> {
        let r = r.into_inner();
        let members = self.with(|s| s.channel_members_of(&id(r.channel_id), r.page, r.per_page));
        by_status(members, |m| wire::GetChannelMembersResponse { error: None, channel_members: wires(m) })
    }

    async fn get_channel_members_by_ids(
        &self,
        r: Request<wire::GetChannelMembersByIdsRequest>,
    ) -> Reply<wire::GetChannelMembersByIdsResponse> {
        let r = r.into_inner();
        let members = self.with(|s| s.channel_members_by_ids(&id(r.channel_id), &ids(r.user_ids)));
        by_status(members, |m| wire::GetChannelMembersByIdsResponse {
            error: None,
            channel_members: wires(m),
        })
    }

    async fn get_channel_members_for_user(
        &self,
        r: Request<wire::GetChannelMembersForUserRequest>,
    ) -> Reply<wire::GetChannelMembersForUserResponse> {
        let r = r.into_inner();
        let members =
            self.with(|s| s.channel_members_for_user(&id(r.team_id), &id(r.user_id), r.page, r.per_page));
        by_status(members, |m| wire::GetChannelMembersForUserResponse {
            error: None,
            channel_members: wires(m),
        })
    }

    async fn update_channel_member_roles(
        &self,
        r: Request<wire::UpdateChannelMemberRolesRequest>,
    ) -> Reply<wire::UpdateChannelMemberRolesResponse> {
        let r = r.into_inner();
        let member =
            self.with(|s| s.update_channel_member_roles(&id(r.channel_id), &id(r.user_id), &r.new_roles));
        by_status(member, |m| wire::UpdateChannelMemberRolesResponse {
            error: None,
            channel_member: Some(m.into()),
        })
    }

    async fn update_channel_member_notifications(
        &self,
        r: Request<wire::UpdateChannelMemberNotificationsRequest>,
    ) -> Reply<wire::UpdateChannelMemberNotificationsResponse> {
        let r = r.into_inner();
        let member = self.with(|s| {
            s.update_channel_member_notify_props(&id(r.channel_id), &id(r.user_id), r.notifications)
        });
        by_status(member, |m| wire::UpdateChannelMemberNotificationsResponse {
            error: None,
            channel_member: Some(m.into()),
        })
    }

    async fn patch_channel_members_notifications(
        &self,
        r: Request<wire::PatchChannelMembersNotificationsRequest>,
    ) -> Reply<wire::PatchChannelMembersNotificationsResponse> {
        let r = r.into_inner();
        let members: Vec<ChannelMemberIdentifier> = domain(r.members)?;
        let result = self.with(|s| {
            // All or nothing: check every membership before changing any.
            for m in &members {
                s.channel_member(&m.channel_id, &m.user_id)?;
            }
            for m in &members {
                s.update_channel_member_notify_props(&m.channel_id, &m.user_id, r.notify_props.clone())?;
            }
            Ok(())
        });
        by_status(result, |()| wire::PatchChannelMembersNotificationsResponse { error: None })
    }

    async fn delete_channel_member(
        &self,
        r: Request<wire::DeleteChannelMemberRequest>,
    ) -> Reply<wire::DeleteChannelMemberResponse> {
        let r = r.into_inner();
        let result = self.host.leave_channel(&id(r.channel_id), &id(r.user_id), None).await;
        by_status(result, |()| wire::DeleteChannelMemberResponse { error: None })
    }

    async fn create_channel_sidebar_category(
        &self,
        r: Request<wire::CreateChannelSidebarCategoryRequest>,
    ) -> Reply<wire::CreateChannelSidebarCategoryResponse> {
        let r = r.into_inner();
        let category: SidebarCategoryWithChannels = domain(required(r.new_category, "new_category")?)?;
        let created = self.with(|s| s.create_sidebar_category(&id(r.user_id), &id(r.team_id), category));
        by_status(created, |c| wire::CreateChannelSidebarCategoryResponse {
            error: None,
            category: Some(c.into()),
        })
    }

    async fn get_channel_sidebar_categories(
        &self,
        r: Request<wire::GetChannelSidebarCategoriesRequest>,
    ) -> Reply<wire::GetChannelSidebarCategoriesResponse> {
        let r = r.into_inner();
        let categories = self.with(|s| s.sidebar_categories(&id(r.user_id), &id(r.team_id)));
        by_status(categories, |c| wire::GetChannelSidebarCategoriesResponse {
            error: None,
            categories: Some(c.into()),
        })
    }

    async fn update_channel_sidebar_categories(
        &self,
        r: Request<wire::UpdateChannelSidebarCategoriesRequest>,
    ) -> Reply<wire::UpdateChannelSidebarCategoriesResponse> {
        let r = r.into_inner();
        let categories: Vec<SidebarCategoryWithChannels> = domain(r.categories)?;
        let updated = self.with(|s| s.update_sidebar_categories(&id(r.user_id), &id(r.team_id), categories));
        by_status(updated, |c| wire::UpdateChannelSidebarCategoriesResponse {
            error: None,
            categories: wires(c),
        })
    }

    // --- posts (errors in the response) ---

    async fn create_post(&self, r: Request<wire::CreatePostRequest>) -> Reply<wire::CreatePostResponse> {
        let post: Post = domain(required(r.into_inner().post, "post")?)?;
        let created = self.host.create_post(post).await;
        in_body(created, |p| wire::CreatePostResponse { error: None, post: Some(p.into()) })
    }

    async fn add_reaction(&self, r: Request<wire::AddReactionRequest>) -> Reply<wire::AddReactionResponse> {
        let reaction: Reaction = domain(required(r.into_inner().reaction, "reaction")?)?;
        let added = self.host.add_reaction(reaction).await;
        in_body(added, |r| wire::AddReactionResponse { error: None, reaction: Some(r.into()) })
    }

    async fn remove_reaction(
        &self,
        r: Request<wire::RemoveReactionRequest>,
    ) -> Reply<wire::RemoveReactionResponse> {
        let reaction: Reaction = domain(required(r.into_inner().reaction, "reaction")?)?;
        let removed = self.host.remove_reaction(&reaction).await;
        in_body(removed, |()| wire::RemoveReactionResponse { error: None })
    }

    async fn get_reactions(
        &self,
        r: Request<wire::GetReactionsRequest>,
    ) -> Reply<wire::GetReactionsResponse> {
        let reactions = self.with(|s| s.reactions_for(&id(r.into_inner().post_id)));
        in_body(reactions, |r| wire::GetReactionsResponse { error: None, reactions: wires(r) })
    }

    async fn send_ephemeral_post(
        &self,
        r: Request<wire::SendEphemeralPostRequest>,
    ) -> Reply<wire::SendEphemeralPostResponse> {
        let r = r.into_inner();
        let post: Post = domain(required(r.post, "post")?)?;
        let sent = self.host.send_ephemeral_post(&id(r.user_id), post);
        Ok(Response::new(wire::SendEphemeralPostResponse { error: None, post: Some(sent.into()) }))
    }

    async fn update_ephemeral_post(
        &self,
        r: Request<wire::UpdateEphemeralPostRequest>,
    ) -> Reply<wire::UpdateEphemeralPostResponse> {
        let r = r.into_inner();
        let post: Post = domain(required(r.post, "post")?)?;
        let updated = self.with(|s| s.update_ephemeral(&id(r.user_id), post));
        Ok(Response::new(wire::UpdateEphemeralPostResponse { error: None, post: Some(updated.into()) }))
    }

    async fn delete_ephemeral_post(
        &self,
        r: Request<wire::DeleteEphemeralPostRequest>,
    ) -> Reply<wire::DeleteEphemeralPostResponse> {
        let r = r.into_inner();
        self.with(|s| s.delete_ephemeral(&id(r.user_id), &id(r.post_id)));
        Ok(Response::new(wire::DeleteEphemeralPostResponse { error: None }))
    }

    async fn delete_post(&self, r: Request<wire::DeletePostRequest>) -> Reply<wire::DeletePostResponse> {
        let deleted = self.host.delete_post(&id(r.into_inner().post_id)).await;
        in_body(deleted, |_| wire::DeletePostResponse { error: None })
    }

    async fn get_post_thread(
        &self,
        r: Request<wire::GetPostThreadRequest>,
    ) -> Reply<wire::GetPostThreadResponse> {
        let thread = self.with(|s| s.thread(&id(r.into_inner().post_id)));
        in_body(thread, |t| wire::GetPostThreadResponse { error: None, post_list: Some(t.into()) })
    }

    async fn get_post(&self, r: Request<wire::GetPostRequest>) -> Reply<wire::GetPostResponse> {
        let post = self.with(|s| s.post(&id(r.into_inner().post_id)));
        in_body(post, |p| wire::GetPostResponse { error: None, post: Some(p.into()) })
    }

    async fn get_posts_since(
        &self,
        r: Request<wire::GetPostsSinceRequest>,
    ) -> Reply<wire::GetPostsSinceResponse> {
        let r = r.into_inner();
        let list = self.with(|s| s.posts_page(&id(r.channel_id), PostsPage::Since { time: r.time }));
        in_body(list, |l| wire::GetPostsSinceResponse { error: None, post_list: Some(l.into()) })
    }

    async fn get_posts_after(
        &self,
        r: Request<wire::GetPostsAfterRequest>,
    ) -> Reply<wire::GetPostsAfterResponse> {
        let r = r.into_inner();
        let anchor = id(r.post_id);
        let which = PostsPage::After { post_id: &anchor, page: r.page, per_page: r.per_page };
        let list = self.with(|s| s.posts_page(&id(r.channel_id), which));
        in_body(list, |l| wire::GetPostsAfterResponse { error: None, post_list: Some(l.into()) })
    }

    async fn get_posts_before(
        &self,
        r: Request<wire::GetPostsBeforeRequest>,
    ) -> Reply<wire::GetPostsBeforeResponse> {
        let r = r.into_inner();
        let anchor = id(r.post_id);
        let which = PostsPage::Before { post_id: &anchor, page: r.page, per_page: r.per_page };
        let list = self.with(|s| s.posts_page(&id(r.channel_id), which));
        in_body(list, |l| wire::GetPostsBeforeResponse { error: None, post_list: Some(l.into()) })
    }

    async fn get_posts_for_channel(
        &self,
        r: Request<wire::GetPostsForChannelRequest>,
    ) -> Reply<wire::GetPostsForChannelResponse> {
        let r = r.into_inner();
        let which = PostsPage::Latest { page: r.page, per_page: r.per_page };
        let list = self.with(|s| s.posts_page(&id(r.channel_id), which));
        in_body(list, |l| wire::GetPostsForChannelResponse { error: None, post_list: Some(l.into()) })
    }

    async fn update_post(&self, r: Request<wire::UpdatePostRequest>) -> Reply<wire::UpdatePostResponse> {
        let post: Post = domain(required(r.into_inner().post, "post")?)?;
        let updated = self.host.update_post(post).await;
        in_body(updated, |p| wire::UpdatePostResponse { error: None, post: Some(p.into()) })
    }

    async fn search_posts_in_team(
        &self,
        r: Request<wire::SearchPostsInTeamRequest>,
    ) -> Reply<wire::SearchPostsInTeamResponse> {
        let r = r.into_inner();
        let params: Vec<SearchParams> = domain(r.params_list)?;
        let posts = self.with(|s| s.search_posts_in_team(&id(r.team_id), &params));
        in_body(posts, |p| wire::SearchPostsInTeamResponse { error: None, posts: wires(p) })
    }

    async fn search_posts_in_team_for_user(
        &self,
        r: Request<wire::SearchPostsInTeamForUserRequest>,
    ) -> Reply<wire::SearchPostsInTeamForUserResponse> {
        let r = r.into_inner();
        let params: SearchParameter = domain(required(r.search_params, "search_params")?)?;
        let results = self.with(|s| s.search_posts_for_user(&id(r.team_id), &id(r.user_id), &params));
        in_body(results, |res| wire::SearchPostsInTeamForUserResponse {
            error: None,
            results: Some(res.into()),
        })
    }

    // --- emoji (the host has no custom emoji) ---

    async fn get_emoji_list(
        &self,
        _r: Request<wire::GetEmojiListRequest>,
    ) -> Reply<wire::GetEmojiListResponse> {
        Ok(Response::new(wire::GetEmojiListResponse { error: None, emojis: Vec::new() }))
    }

    async fn get_emoji_by_name(
        &self,
        r: Request<wire::GetEmojiByNameRequest>,
    ) -> Reply<wire::GetEmojiByNameResponse> {
        let name = r.into_inner().name;
        Err(status_of(&errors::not_found(
            "app.emoji.get_by_name.no_result",
            format!("No custom emoji named {name:?}."),
        )))
    }

    async fn get_emoji(&self, r: Request<wire::GetEmojiRequest>) -> Reply<wire::GetEmojiResponse> {
        let emoji = r.into_inner().emoji_id;
        Err(status_of(&errors::not_found(
            "app.emoji.get.no_result",
            format!("No custom emoji with id {emoji:?}."),
        )))
    }

    async fn get_emoji_image(
        &self,
        r: Request<wire::GetEmojiImageRequest>,
    ) -> Reply<wire::GetEmojiImageResponse> {
        let emoji = r.into_inner().emoji_id;
        Err(status_of(&errors::not_found(
            "app.emoji.get.no_result",
            format!("No custom emoji with id {emoji:?}."),
        )))
    }

    // --- KV store (errors in the response) ---

    async fn kv_set(&self, r: Request<wire::KvSetRequest>) -> Reply<wire::KvSetResponse> {
        let r = r.into_inner();
        let result = self.with(|s| s.kv_set(&self.plugin_id, &r.key, r.value, &KvSetOptions::default()));
        in_body(result, |_| wire::KvSetResponse { error: None })
    }

    async fn kv_compare_and_set(
        &self,
        r: Request<wire::KvCompareAndSetRequest>,
    ) -> Reply<wire::KvCompareAndSetResponse> {
        let r = r.into_inner();
        let options = KvSetOptions { atomic: true, old_value: r.old_value, expire_in_seconds: 0 };
        let result = self.with(|s| s.kv_set(&self.plugin_id, &r.key, r.new_value, &options));
        in_body(result, |success| wire::KvCompareAndSetResponse { error: None, success })
    }

    async fn kv_compare_and_delete(
        &self,
        r: Request<wire::KvCompareAndDeleteRequest>,
    ) -> Reply<wire::KvCompareAndDeleteResponse> {
        let r = r.into_inner();
        let result = self.with(|s| s.kv_compare_and_delete(&self.plugin_id, &r.key, &r.old_value));
        in_body(result, |success| wire::KvCompareAndDeleteResponse { error: None, success })
    }

    async fn kv_set_with_options(
        &self,
        r: Request<wire::KvSetWithOptionsRequest>,
    ) -> Reply<wire::KvSetWithOptionsResponse> {
        let r = r.into_inner();
        let options: KvSetOptions = domain(r.options.unwrap_or_default())?;
        let result = self.with(|s| s.kv_set(&self.plugin_id, &r.key, r.value, &options));
        in_body(result, |success| wire::KvSetWithOptionsResponse { error: None, success })
    }

    async fn kv_set_with_expiry(
        &self,
        r: Request<wire::KvSetWithExpiryRequest>,
    ) -> Reply<wire::KvSetWithExpiryResponse> {
        let r = r.into_inner();
        let options = KvSetOptions { expire_in_seconds: r.expire_in_seconds, ..KvSetOptions::default() };
        let result = self.with(|s| s.kv_set(&self.plugin_id, &r.key, r.value, &options));
        in_body(result, |_| wire::KvSetWithExpiryResponse { error: None })
    }

    async fn kv_get(&self, r: Request<wire::KvGetRequest>) -> Reply<wire::KvGetResponse> {
        let value = self.with(|s| s.kv_get(&self.plugin_id, &r.into_inner().key));
        Ok(Response::new(wire::KvGetResponse { error: None, value: value.unwrap_or_default() }))
    }

    async fn kv_delete(&self, r: Request<wire::KvDeleteRequest>) -> Reply<wire::KvDeleteResponse> {
        let result = self.with(|s| s.kv_delete(&self.plugin_id, &r.into_inner().key));
        in_body(result, |()| wire::KvDeleteResponse { error: None })
    }

    async fn kv_delete_all(&self, _r: Request<wire::KvDeleteAllRequest>) -> Reply<wire::KvDeleteAllResponse> {
        self.with(|s| s.kv_delete_all(&self.plugin_id));
        Ok(Response::new(wire::KvDeleteAllResponse { error: None }))
    }

    async fn kv_list(&self, r: Request<wire::KvListRequest>) -> Reply<wire::KvListResponse> {
        let r = r.into_inner();
        let keys = self.with(|s| s.kv_list(&self.plugin_id, r.page, r.per_page));
        Ok(Response::new(wire::KvListResponse { error: None, keys }))
    }

    // --- configuration ---

    async fn load_plugin_configuration(
        &self,
        _r: Request<wire::LoadPluginConfigurationRequest>,
    ) -> Reply<wire::LoadPluginConfigurationResponse> {
        let settings = self.host.store().plugin_config(&self.plugin_id);
        let config_json = Bytes::from(serde_json::to_vec(&settings).unwrap_or_default());
        Ok(Response::new(wire::LoadPluginConfigurationResponse { error: None, config_json }))
    }

    async fn get_config(&self, _r: Request<wire::GetConfigRequest>) -> Reply<wire::GetConfigResponse> {
        Ok(Response::new(wire::GetConfigResponse { error: None, config_json: self.config_json(true) }))
    }

    async fn get_unsanitized_config(
        &self,
        _r: Request<wire::GetUnsanitizedConfigRequest>,
    ) -> Reply<wire::GetUnsanitizedConfigResponse> {
        Ok(Response::new(wire::GetUnsanitizedConfigResponse {
            error: None,
            config_json: self.config_json(false),
        }))
    }

    async fn save_config(&self, r: Request<wire::SaveConfigRequest>) -> Reply<wire::SaveConfigResponse> {
        let config = ServerConfig::new(mm_types::RawJson::from_bytes(r.into_inner().config_json));
        let parsed = config.to_value().map(|_| config).map_err(json_error);
        let result = match parsed {
            Ok(config) => self.host.save_config(config).await,
            Err(e) => Err(e),
        };
        by_status(result, |()| wire::SaveConfigResponse { error: None })
    }

    async fn get_plugin_config(
        &self,
        _r: Request<wire::GetPluginConfigRequest>,
    ) -> Reply<wire::GetPluginConfigResponse> {
        let settings = self.host.store().plugin_config(&self.plugin_id);
        Ok(Response::new(wire::GetPluginConfigResponse {
            error: None,
            config: Some(mm_types::convert::IntoWire::into_wire(settings)),
        }))
    }

    async fn save_plugin_config(
        &self,
        r: Request<wire::SavePluginConfigRequest>,
    ) -> Reply<wire::SavePluginConfigResponse> {
        let settings: JsonMap = domain(r.into_inner().config.unwrap_or_default())?;
        let result = self.host.save_plugin_config(&self.plugin_id, settings).await;
        by_status(result, |()| wire::SavePluginConfigResponse { error: None })
    }

    // --- plugins ---

    async fn get_plugins(&self, _r: Request<wire::GetPluginsRequest>) -> Reply<wire::GetPluginsResponse> {
        let manifests = self.host.manifests();
        Ok(Response::new(wire::GetPluginsResponse { error: None, manifests: wires(manifests) }))
    }

    async fn get_plugin_status(
        &self,
        r: Request<wire::GetPluginStatusRequest>,
    ) -> Reply<wire::GetPluginStatusResponse> {
        let status = self.host.plugin_status(&r.into_inner().id);
        by_status(status, |st| wire::GetPluginStatusResponse { error: None, status: Some(st.into()) })
    }

    async fn get_plugin_id(&self, _r: Request<wire::GetPluginIdRequest>) -> Reply<wire::GetPluginIdResponse> {
        // The server answers this one UNIMPLEMENTED to every gRPC plugin (the plugin knows its id).
        Err(Status::unimplemented("GetPluginID is not available over gRPC: the plugin knows its own id"))
    }

    async fn plugin_http(&self, r: Request<wire::PluginHttpRequest>) -> Reply<wire::PluginHttpResponse> {
        Ok(Response::new(super::inter_plugin::forward(&self.host, &self.plugin_id, r.into_inner()).await))
    }

    // --- logging ---

    async fn log_debug(&self, r: Request<wire::LogDebugRequest>) -> Reply<wire::LogDebugResponse> {
        let r = r.into_inner();
        self.log(LogLevel::Debug, r.msg, r.key_value_pairs)?;
        Ok(Response::new(wire::LogDebugResponse { error: None }))
    }

    async fn log_info(&self, r: Request<wire::LogInfoRequest>) -> Reply<wire::LogInfoResponse> {
        let r = r.into_inner();
        self.log(LogLevel::Info, r.msg, r.key_value_pairs)?;
        Ok(Response::new(wire::LogInfoResponse { error: None }))
    }

    async fn log_error(&self, r: Request<wire::LogErrorRequest>) -> Reply<wire::LogErrorResponse> {
        let r = r.into_inner();
        self.log(LogLevel::Error, r.msg, r.key_value_pairs)?;
        Ok(Response::new(wire::LogErrorResponse { error: None }))
    }

    async fn log_warn(&self, r: Request<wire::LogWarnRequest>) -> Reply<wire::LogWarnResponse> {
        let r = r.into_inner();
        self.log(LogLevel::Warn, r.msg, r.key_value_pairs)?;
        Ok(Response::new(wire::LogWarnResponse { error: None }))
    }

    async fn log_audit_rec(&self, r: Request<wire::LogAuditRecRequest>) -> Reply<wire::LogAuditRecResponse> {
        let record: mm_types::AuditRecord = domain(required(r.into_inner().record, "record")?)?;
        self.record(OutboundKind::AuditRecord, serde_json::to_value(&record).unwrap_or(Value::Null));
        Ok(Response::new(wire::LogAuditRecResponse { error: None }))
    }

    async fn log_audit_rec_with_level(
        &self,
        r: Request<wire::LogAuditRecWithLevelRequest>,
    ) -> Reply<wire::LogAuditRecWithLevelResponse> {
        let r = r.into_inner();
        let record: mm_types::AuditRecord = domain(required(r.record, "record")?)?;
        let mut payload = serde_json::to_value(&record).unwrap_or(Value::Null);
        if let Some(map) = payload.as_object_mut() {
            map.insert("level".into(), Value::String(r.level));
        }
        self.record(OutboundKind::AuditRecord, payload);
        Ok(Response::new(wire::LogAuditRecWithLevelResponse { error: None }))
    }

    // --- files (errors in the response) ---

    async fn copy_file_infos(
        &self,
        r: Request<wire::CopyFileInfosRequest>,
    ) -> Reply<wire::CopyFileInfosResponse> {
        let r = r.into_inner();
        let copies = self.with(|s| s.copy_file_infos(&id(r.user_id), &ids(r.file_ids)));
        in_body(copies, |ids| wire::CopyFileInfosResponse {
            error: None,
            file_ids: ids.into_iter().map(String::from).collect(),
        })
    }

    async fn get_file_info(&self, r: Request<wire::GetFileInfoRequest>) -> Reply<wire::GetFileInfoResponse> {
        let info = self.with(|s| s.file(&id(r.into_inner().file_id)).map(|f| f.info.clone()));
        in_body(info, |i| wire::GetFileInfoResponse { error: None, file_info: Some(i.into()) })
    }

    async fn set_file_searchable_content(
        &self,
        r: Request<wire::SetFileSearchableContentRequest>,
    ) -> Reply<wire::SetFileSearchableContentResponse> {
        let r = r.into_inner();
        let result = self.with(|s| s.set_searchable_content(&id(r.file_id), r.content));
        in_body(result, |()| wire::SetFileSearchableContentResponse { error: None })
    }

    async fn get_file_infos(
        &self,
        r: Request<wire::GetFileInfosRequest>,
    ) -> Reply<wire::GetFileInfosResponse> {
        let r = r.into_inner();
        let options: GetFileInfosOptions = domain(r.options.unwrap_or_default())?;
        let infos = self.with(|s| s.file_infos(r.page, r.per_page, &options));
        Ok(Response::new(wire::GetFileInfosResponse { error: None, file_infos: wires(infos) }))
    }

    async fn get_file(&self, r: Request<wire::GetFileRequest>) -> Reply<wire::GetFileResponse> {
        let data = self.with(|s| s.file(&id(r.into_inner().file_id)).map(|f| f.data.clone()));
        in_body(data, |data| wire::GetFileResponse { error: None, data })
    }

    async fn get_file_link(&self, r: Request<wire::GetFileLinkRequest>) -> Reply<wire::GetFileLinkResponse> {
        let link = self.with(|s| s.file_link(&id(r.into_inner().file_id)));
        in_body(link, |link| wire::GetFileLinkResponse { error: None, link })
    }

    async fn read_file(&self, r: Request<wire::ReadFileRequest>) -> Reply<wire::ReadFileResponse> {
        let data = self.with(|s| s.read_path(&r.into_inner().path));
        in_body(data, |data| wire::ReadFileResponse { error: None, data })
    }

    async fn upload_file(&self, r: Request<wire::UploadFileRequest>) -> Reply<wire::UploadFileResponse> {
        let r = r.into_inner();
        let info = self.host.upload_file(&Id::default(), &id(r.channel_id), &r.filename, r.data).await;
        in_body(info, |i| wire::UploadFileResponse { error: None, file_info: Some(i.into()) })
    }

    async fn create_upload_session(
        &self,
        r: Request<wire::CreateUploadSessionRequest>,
    ) -> Reply<wire::CreateUploadSessionResponse> {
        let session: UploadSession = domain(required(r.into_inner().upload_session, "upload_session")?)?;
        let session = self.with(|s| s.create_upload(session));
        in_body(session, |s| wire::CreateUploadSessionResponse {
            error: None,
            upload_session: Some(s.into()),
        })
    }

    async fn upload_data(&self, r: Request<wire::UploadDataRequest>) -> Reply<wire::UploadDataResponse> {
        let r = r.into_inner();
        let session: UploadSession = domain(required(r.upload_session, "upload_session")?)?;
        let info = self.host.upload_data(&session.id, &r.data).await;
        in_body(info, |i| wire::UploadDataResponse { error: None, file_info: i.map(Into::into) })
    }

    async fn get_upload_session(
        &self,
        r: Request<wire::GetUploadSessionRequest>,
    ) -> Reply<wire::GetUploadSessionResponse> {
        let session = self.with(|s| s.upload(&id(r.into_inner().upload_id)));
        in_body(session, |s| wire::GetUploadSessionResponse { error: None, upload_session: Some(s.into()) })
    }

    // --- bots ---

    async fn create_bot(&self, r: Request<wire::CreateBotRequest>) -> Reply<wire::CreateBotResponse> {
        let bot: Bot = domain(required(r.into_inner().bot, "bot")?)?;
        let bot = self.with(|s| s.create_bot(bot, &self.plugin_id));
        by_status(bot, |b| wire::CreateBotResponse { error: None, bot: Some(b.into()) })
    }

    async fn patch_bot(&self, r: Request<wire::PatchBotRequest>) -> Reply<wire::PatchBotResponse> {
        let r = r.into_inner();
        let patch: BotPatch = domain(required(r.bot_patch, "bot_patch")?)?;
        let bot = self.with(|s| s.patch_bot(&id(r.bot_user_id), patch));
        by_status(bot, |b| wire::PatchBotResponse { error: None, bot: Some(b.into()) })
    }

    async fn get_bot(&self, r: Request<wire::GetBotRequest>) -> Reply<wire::GetBotResponse> {
        let r = r.into_inner();
        let bot = self.with(|s| s.bot(&id(r.bot_user_id), r.include_deleted));
        by_status(bot, |b| wire::GetBotResponse { error: None, bot: Some(b.into()) })
    }

    async fn get_bots(&self, r: Request<wire::GetBotsRequest>) -> Reply<wire::GetBotsResponse> {
        let options: BotGetOptions = domain(r.into_inner().options.unwrap_or_default())?;
        let bots = self.with(|s| s.bots(&options));
        Ok(Response::new(wire::GetBotsResponse { error: None, bots: wires(bots) }))
    }

    async fn update_bot_active(
        &self,
        r: Request<wire::UpdateBotActiveRequest>,
    ) -> Reply<wire::UpdateBotActiveResponse> {
        let r = r.into_inner();
        let bot = self.with(|s| s.set_bot_active(&id(r.bot_user_id), r.active));
        by_status(bot, |b| wire::UpdateBotActiveResponse { error: None, bot: Some(b.into()) })
    }

    async fn permanent_delete_bot(
        &self,
        r: Request<wire::PermanentDeleteBotRequest>,
    ) -> Reply<wire::PermanentDeleteBotResponse> {
        let result = self.with(|s| s.delete_bot(&id(r.into_inner().bot_user_id)));
        by_status(result, |()| wire::PermanentDeleteBotResponse { error: None })
    }

    async fn ensure_bot_user(
        &self,
        r: Request<wire::EnsureBotUserRequest>,
    ) -> Reply<wire::EnsureBotUserResponse> {
        let bot: Bot = domain(required(r.into_inner().bot, "bot")?)?;
        let bot_id = self.with(|s| s.ensure_bot(bot, &self.plugin_id));
        by_status(bot_id, |id| wire::EnsureBotUserResponse { error: None, bot_user_id: id.into_string() })
    }

    // --- system ---

    async fn get_license(&self, _r: Request<wire::GetLicenseRequest>) -> Reply<wire::GetLicenseResponse> {
        let license_json = match &self.host.inner.license {
            Some(license) => Bytes::from(serde_json::to_vec(license).unwrap_or_default()),
            None => Bytes::new(),
        };
        Ok(Response::new(wire::GetLicenseResponse { error: None, license_json }))
    }

    async fn is_enterprise_ready(
        &self,
        _r: Request<wire::IsEnterpriseReadyRequest>,
    ) -> Reply<wire::IsEnterpriseReadyResponse> {
        Ok(Response::new(wire::IsEnterpriseReadyResponse { error: None, is_enterprise_ready: false }))
    }

    async fn get_server_version(
        &self,
        _r: Request<wire::GetServerVersionRequest>,
    ) -> Reply<wire::GetServerVersionResponse> {
        Ok(Response::new(wire::GetServerVersionResponse {
            error: None,
            version: self.host.inner.server_version.clone(),
        }))
    }

    async fn get_system_install_date(
        &self,
        _r: Request<wire::GetSystemInstallDateRequest>,
    ) -> Reply<wire::GetSystemInstallDateResponse> {
        let install_date = self.host.inner.started_at.as_millis();
        Ok(Response::new(wire::GetSystemInstallDateResponse { error: None, install_date }))
    }

    async fn get_diagnostic_id(
        &self,
        _r: Request<wire::GetDiagnosticIdRequest>,
    ) -> Reply<wire::GetDiagnosticIdResponse> {
        let diagnostic_id = self.host.inner.diagnostic_id.clone();
        Ok(Response::new(wire::GetDiagnosticIdResponse { error: None, diagnostic_id }))
    }

    async fn get_telemetry_id(
        &self,
        _r: Request<wire::GetTelemetryIdRequest>,
    ) -> Reply<wire::GetTelemetryIdResponse> {
        let telemetry_id = self.host.inner.diagnostic_id.clone();
        Ok(Response::new(wire::GetTelemetryIdResponse { error: None, telemetry_id }))
    }

    async fn get_cloud_limits(
        &self,
        _r: Request<wire::GetCloudLimitsRequest>,
    ) -> Reply<wire::GetCloudLimitsResponse> {
        // Not a cloud server: no limits, as the server answers outside the cloud.
        Ok(Response::new(wire::GetCloudLimitsResponse {
            error: None,
            limits_json: Bytes::from_static(b"{}"),
        }))
    }

    // --- slash commands ---

    async fn register_command(
        &self,
        r: Request<wire::RegisterCommandRequest>,
    ) -> Reply<wire::RegisterCommandResponse> {
        let command: Command = domain(required(r.into_inner().command, "command")?)?;
        let result = self.with(|s| s.register_plugin_command(&self.plugin_id, command));
        by_status(result, |()| wire::RegisterCommandResponse { error: None })
    }

    async fn unregister_command(
        &self,
        r: Request<wire::UnregisterCommandRequest>,
    ) -> Reply<wire::UnregisterCommandResponse> {
        let r = r.into_inner();
        let team = opt_id(r.team_id);
        self.with(|s| s.unregister_plugin_command(&self.plugin_id, team.as_ref(), &r.trigger));
        Ok(Response::new(wire::UnregisterCommandResponse { error: None }))
    }

    async fn execute_slash_command(
        &self,
        r: Request<wire::ExecuteSlashCommandRequest>,
    ) -> Reply<wire::ExecuteSlashCommandResponse> {
        let args: CommandArgs = domain(required(r.into_inner().command_args, "command_args")?)?;
        let response = self.host.execute_command(args).await;
        by_status(response, |res| wire::ExecuteSlashCommandResponse {
            error: None,
            response: Some(res.into()),
        })
    }

    async fn create_command(
        &self,
        r: Request<wire::CreateCommandRequest>,
    ) -> Reply<wire::CreateCommandResponse> {
        let command: Command = domain(required(r.into_inner().cmd, "cmd")?)?;
        let created = self.with(|s| s.create_custom_command(command));
        by_status(created, |c| wire::CreateCommandResponse { error: None, command: Some(c.into()) })
    }

    async fn list_commands(
        &self,
        r: Request<wire::ListCommandsRequest>,
    ) -> Reply<wire::ListCommandsResponse> {
        let team = id(r.into_inner().team_id);
        let commands = self.with(|s| {
            s.team(&team)?;
            let mut all = s.built_in_commands();
            all.extend(s.custom_commands_for_team(&team));
            all.extend(s.plugin_commands_for_team(&team));
            AppResult::Ok(all)
        });
        by_status(commands, |c| wire::ListCommandsResponse { error: None, commands: wires(c) })
    }

    async fn list_custom_commands(
        &self,
        r: Request<wire::ListCustomCommandsRequest>,
    ) -> Reply<wire::ListCustomCommandsResponse> {
        let team = id(r.into_inner().team_id);
        let commands = self.with(|s| s.team(&team).map(|_| s.custom_commands_for_team(&team)));
        by_status(commands, |c| wire::ListCustomCommandsResponse { error: None, commands: wires(c) })
    }

    async fn list_plugin_commands(
        &self,
        r: Request<wire::ListPluginCommandsRequest>,
    ) -> Reply<wire::ListPluginCommandsResponse> {
        let team = id(r.into_inner().team_id);
        let commands = self.with(|s| s.team(&team).map(|_| s.plugin_commands_for_team(&team)));
        by_status(commands, |c| wire::ListPluginCommandsResponse { error: None, commands: wires(c) })
    }

    async fn list_built_in_commands(
        &self,
        _r: Request<wire::ListBuiltInCommandsRequest>,
    ) -> Reply<wire::ListBuiltInCommandsResponse> {
        let commands = self.with(|s| s.built_in_commands());
        Ok(Response::new(wire::ListBuiltInCommandsResponse { error: None, commands: wires(commands) }))
    }

    async fn get_command(&self, r: Request<wire::GetCommandRequest>) -> Reply<wire::GetCommandResponse> {
        let command = self.with(|s| s.custom_command(&id(r.into_inner().command_id)));
        by_status(command, |c| wire::GetCommandResponse { error: None, command: Some(c.into()) })
    }

    async fn update_command(
        &self,
        r: Request<wire::UpdateCommandRequest>,
    ) -> Reply<wire::UpdateCommandResponse> {
        let r = r.into_inner();
        let update: Command = domain(required(r.updated_cmd, "updated_cmd")?)?;
        let command = self.with(|s| s.update_custom_command(&id(r.command_id), update));
        by_status(command, |c| wire::UpdateCommandResponse { error: None, command: Some(c.into()) })
    }

    async fn delete_command(
        &self,
        r: Request<wire::DeleteCommandRequest>,
    ) -> Reply<wire::DeleteCommandResponse> {
        let result = self.with(|s| s.delete_custom_command(&id(r.into_inner().command_id)));
        by_status(result, |()| wire::DeleteCommandResponse { error: None })
    }

    // --- preferences ---

    async fn get_preference_for_user(
        &self,
        r: Request<wire::GetPreferenceForUserRequest>,
    ) -> Reply<wire::GetPreferenceForUserResponse> {
        let r = r.into_inner();
        let preference = self.with(|s| s.preference(&id(r.user_id), &r.category, &r.name));
        by_status(preference, |p| wire::GetPreferenceForUserResponse {
            error: None,
            preference: Some(p.into()),
        })
    }

    async fn get_preferences_for_user(
        &self,
        r: Request<wire::GetPreferencesForUserRequest>,
    ) -> Reply<wire::GetPreferencesForUserResponse> {
        let preferences = self.with(|s| s.preferences_of(&id(r.into_inner().user_id)));
        by_status(preferences, |p| wire::GetPreferencesForUserResponse { error: None, preferences: wires(p) })
    }

    async fn update_preferences_for_user(
        &self,
        r: Request<wire::UpdatePreferencesForUserRequest>,
    ) -> Reply<wire::UpdatePreferencesForUserResponse> {
        let r = r.into_inner();
        let preferences: Vec<Preference> = domain(r.preferences)?;
        let result = self.host.update_preferences(&id(r.user_id), preferences).await;
        by_status(result, |()| wire::UpdatePreferencesForUserResponse { error: None })
    }

    async fn delete_preferences_for_user(
        &self,
        r: Request<wire::DeletePreferencesForUserRequest>,
    ) -> Reply<wire::DeletePreferencesForUserResponse> {
        let r = r.into_inner();
        let preferences: Vec<Preference> = domain(r.preferences)?;
        let result = self.host.delete_preferences(&id(r.user_id), preferences).await;
        by_status(result, |()| wire::DeletePreferencesForUserResponse { error: None })
    }

    // --- OAuth apps ---

    async fn create_o_auth_app(
        &self,
        r: Request<wire::CreateOAuthAppRequest>,
    ) -> Reply<wire::CreateOAuthAppResponse> {
        let app: OAuthApp = domain(required(r.into_inner().app, "app")?)?;
        let app = self.with(|s| s.create_oauth_app(app));
        by_status(app, |a| wire::CreateOAuthAppResponse { error: None, app: Some(a.into()) })
    }

    async fn get_o_auth_app(&self, r: Request<wire::GetOAuthAppRequest>) -> Reply<wire::GetOAuthAppResponse> {
        let app = self.with(|s| s.oauth_app(&id(r.into_inner().app_id)));
        by_status(app, |a| wire::GetOAuthAppResponse { error: None, app: Some(a.into()) })
    }

    async fn update_o_auth_app(
        &self,
        r: Request<wire::UpdateOAuthAppRequest>,
    ) -> Reply<wire::UpdateOAuthAppResponse> {
        let app: OAuthApp = domain(required(r.into_inner().app, "app")?)?;
        let app = self.with(|s| s.update_oauth_app(app));
        by_status(app, |a| wire::UpdateOAuthAppResponse { error: None, app: Some(a.into()) })
    }

    async fn delete_o_auth_app(
        &self,
        r: Request<wire::DeleteOAuthAppRequest>,
    ) -> Reply<wire::DeleteOAuthAppResponse> {
        let result = self.with(|s| s.delete_oauth_app(&id(r.into_inner().app_id)));
        by_status(result, |()| wire::DeleteOAuthAppResponse { error: None })
    }

    // --- groups ---

    async fn get_group(&self, r: Request<wire::GetGroupRequest>) -> Reply<wire::GetGroupResponse> {
        let group = self.with(|s| s.group(&id(r.into_inner().group_id)));
        by_status(group, |g| wire::GetGroupResponse { error: None, group: Some(g.into()) })
    }

    async fn get_group_by_name(
        &self,
        r: Request<wire::GetGroupByNameRequest>,
    ) -> Reply<wire::GetGroupByNameResponse> {
        let group = self.with(|s| s.group_by_name(&r.into_inner().name));
        by_status(group, |g| wire::GetGroupByNameResponse { error: None, group: Some(g.into()) })
    }

    async fn get_group_member_users(
        &self,
        r: Request<wire::GetGroupMemberUsersRequest>,
    ) -> Reply<wire::GetGroupMemberUsersResponse> {
        let r = r.into_inner();
        let users = self.with(|s| s.group_member_users(&id(r.group_id), r.page, r.per_page));
        by_status(users, |u| wire::GetGroupMemberUsersResponse { error: None, users: wires(u) })
    }

    async fn get_groups_by_source(
        &self,
        r: Request<wire::GetGroupsBySourceRequest>,
    ) -> Reply<wire::GetGroupsBySourceResponse> {
        let source = GroupSource::from(r.into_inner().group_source);
        let groups = self.with(|s| s.groups_by_source(&source));
        Ok(Response::new(wire::GetGroupsBySourceResponse { error: None, groups: wires(groups) }))
    }

    async fn get_groups_for_user(
        &self,
        r: Request<wire::GetGroupsForUserRequest>,
    ) -> Reply<wire::GetGroupsForUserResponse> {
        let groups = self.with(|s| s.groups_for_user(&id(r.into_inner().user_id)));
        by_status(groups, |g| wire::GetGroupsForUserResponse { error: None, groups: wires(g) })
    }

    async fn upsert_group_member(
        &self,
        r: Request<wire::UpsertGroupMemberRequest>,
    ) -> Reply<wire::UpsertGroupMemberResponse> {
        let r = r.into_inner();
        let member = self.with(|s| s.upsert_group_member(&id(r.group_id), &id(r.user_id)));
        by_status(member, |m| wire::UpsertGroupMemberResponse { error: None, group_member: Some(m.into()) })
    }

    async fn upsert_group_members(
        &self,
        r: Request<wire::UpsertGroupMembersRequest>,
    ) -> Reply<wire::UpsertGroupMembersResponse> {
        let r = r.into_inner();
        let group = id(r.group_id);
        let members = self.with(|s| {
            let users: Vec<mm_types::UserId> = ids(r.user_ids);
            // All or nothing: every user must exist before any is added.
            for user in &users {
                s.user(user)?;
            }
            users.iter().map(|u| s.upsert_group_member(&group, u)).collect::<AppResult<Vec<_>>>()
        });
        by_status(members, |m| wire::UpsertGroupMembersResponse { error: None, group_members: wires(m) })
    }

    async fn get_group_by_remote_id(
        &self,
        r: Request<wire::GetGroupByRemoteIdRequest>,
    ) -> Reply<wire::GetGroupByRemoteIdResponse> {
        let r = r.into_inner();
        let group = self.with(|s| s.group_by_remote_id(&r.remote_id, &GroupSource::from(r.group_source)));
        by_status(group, |g| wire::GetGroupByRemoteIdResponse { error: None, group: Some(g.into()) })
    }

    async fn create_group(&self, r: Request<wire::CreateGroupRequest>) -> Reply<wire::CreateGroupResponse> {
        let group: Group = domain(required(r.into_inner().group, "group")?)?;
        let group = self.with(|s| s.create_group(group));
        by_status(group, |g| wire::CreateGroupResponse { error: None, group: Some(g.into()) })
    }

    async fn update_group(&self, r: Request<wire::UpdateGroupRequest>) -> Reply<wire::UpdateGroupResponse> {
        let group: Group = domain(required(r.into_inner().group, "group")?)?;
        let group = self.with(|s| s.update_group(group));
        by_status(group, |g| wire::UpdateGroupResponse { error: None, group: Some(g.into()) })
    }

    async fn delete_group(&self, r: Request<wire::DeleteGroupRequest>) -> Reply<wire::DeleteGroupResponse> {
        let group = self.with(|s| s.set_group_archived(&id(r.into_inner().group_id), true));
        by_status(group, |g| wire::DeleteGroupResponse { error: None, group: Some(g.into()) })
    }

    async fn restore_group(
        &self,
        r: Request<wire::RestoreGroupRequest>,
    ) -> Reply<wire::RestoreGroupResponse> {
        let group = self.with(|s| s.set_group_archived(&id(r.into_inner().group_id), false));
        by_status(group, |g| wire::RestoreGroupResponse { error: None, group: Some(g.into()) })
    }

    async fn delete_group_member(
        &self,
        r: Request<wire::DeleteGroupMemberRequest>,
    ) -> Reply<wire::DeleteGroupMemberResponse> {
        let r = r.into_inner();
        let member = self.with(|s| s.delete_group_member(&id(r.group_id), &id(r.user_id)));
        by_status(member, |m| wire::DeleteGroupMemberResponse { error: None, group_member: Some(m.into()) })
    }

    async fn get_group_syncable(
        &self,
        r: Request<wire::GetGroupSyncableRequest>,
    ) -> Reply<wire::GetGroupSyncableResponse> {
        let r = r.into_inner();
        let kind = GroupSyncableType::from(r.syncable_type);
        let syncable = self.with(|s| s.group_syncable(&id(r.group_id), &r.syncable_id, &kind));
        by_status(syncable, |g| wire::GetGroupSyncableResponse {
            error: None,
            group_syncable: Some(g.into()),
        })
    }

    async fn get_group_syncables(
        &self,
        r: Request<wire::GetGroupSyncablesRequest>,
    ) -> Reply<wire::GetGroupSyncablesResponse> {
        let r = r.into_inner();
        let kind = GroupSyncableType::from(r.syncable_type);
        let syncables = self.with(|s| s.group_syncables(&id(r.group_id), &kind));
        by_status(syncables, |g| wire::GetGroupSyncablesResponse { error: None, group_syncables: wires(g) })
    }

    async fn upsert_group_syncable(
        &self,
        r: Request<wire::UpsertGroupSyncableRequest>,
    ) -> Reply<wire::UpsertGroupSyncableResponse> {
        let syncable: GroupSyncable = domain(required(r.into_inner().group_syncable, "group_syncable")?)?;
        let syncable = self.with(|s| s.upsert_group_syncable(syncable));
        by_status(syncable, |g| wire::UpsertGroupSyncableResponse {
            error: None,
            group_syncable: Some(g.into()),
        })
    }

    async fn update_group_syncable(
        &self,
        r: Request<wire::UpdateGroupSyncableRequest>,
    ) -> Reply<wire::UpdateGroupSyncableResponse> {
        let syncable: GroupSyncable = domain(required(r.into_inner().group_syncable, "group_syncable")?)?;
        let syncable = self.with(|s| s.update_group_syncable(syncable));
        by_status(syncable, |g| wire::UpdateGroupSyncableResponse {
            error: None,
            group_syncable: Some(g.into()),
        })
    }

    async fn delete_group_syncable(
        &self,
        r: Request<wire::DeleteGroupSyncableRequest>,
    ) -> Reply<wire::DeleteGroupSyncableResponse> {
        let r = r.into_inner();
        let kind = GroupSyncableType::from(r.syncable_type);
        let syncable = self.with(|s| s.delete_group_syncable(&id(r.group_id), &r.syncable_id, &kind));
        by_status(syncable, |g| wire::DeleteGroupSyncableResponse {
            error: None,
            group_syncable: Some(g.into()),
        })
    }

    async fn get_groups(&self, r: Request<wire::GetGroupsRequest>) -> Reply<wire::GetGroupsResponse> {
        let r = r.into_inner();
        let opts: GroupSearchOpts = domain(r.opts.unwrap_or_default())?;
        let groups = self.with(|s| s.search_groups(r.page, r.per_page, &opts));
        Ok(Response::new(wire::GetGroupsResponse { error: None, groups: wires(groups) }))
    }

    async fn create_default_syncable_memberships(
        &self,
        r: Request<wire::CreateDefaultSyncableMembershipsRequest>,
    ) -> Reply<wire::CreateDefaultSyncableMembershipsResponse> {
        let params: CreateDefaultMembershipParams = domain(r.into_inner().params.unwrap_or_default())?;
        // The server reads "no scope" as "both scopes".
        let (teams, channels) = match (params.scope_teams, params.scope_channels) {
            (false, false) => (true, true),
            scopes => scopes,
        };
        let result = self.host.create_default_syncable_memberships(teams, channels).await;
        by_status(result, |()| wire::CreateDefaultSyncableMembershipsResponse { error: None })
    }

    async fn delete_group_constrained_memberships(
        &self,
        _r: Request<wire::DeleteGroupConstrainedMembershipsRequest>,
    ) -> Reply<wire::DeleteGroupConstrainedMembershipsResponse> {
        let result = self.host.delete_group_constrained_memberships().await;
        by_status(result, |()| wire::DeleteGroupConstrainedMembershipsResponse { error: None })
    }

    // --- properties ---

    async fn create_property_field(
        &self,
        r: Request<wire::CreatePropertyFieldRequest>,
    ) -> Reply<wire::CreatePropertyFieldResponse> {
        let field: PropertyField = domain(required(r.into_inner().field, "field")?)?;
        let field = self.with(|s| s.create_property_field(field));
        by_status(field, |f| wire::CreatePropertyFieldResponse { error: None, field: Some(f.into()) })
    }

    async fn get_property_field(
        &self,
        r: Request<wire::GetPropertyFieldRequest>,
    ) -> Reply<wire::GetPropertyFieldResponse> {
        let r = r.into_inner();
        let field = self.with(|s| s.property_field(&id(r.group_id), &id(r.field_id)));
        by_status(field, |f| wire::GetPropertyFieldResponse { error: None, field: Some(f.into()) })
    }

    async fn get_property_fields(
        &self,
        r: Request<wire::GetPropertyFieldsRequest>,
    ) -> Reply<wire::GetPropertyFieldsResponse> {
        let r = r.into_inner();
        let fields = self.with(|s| s.property_fields_by_ids(&id(r.group_id), &ids(r.ids)));
        by_status(fields, |f| wire::GetPropertyFieldsResponse { error: None, fields: wires(f) })
    }

    async fn update_property_field(
        &self,
        r: Request<wire::UpdatePropertyFieldRequest>,
    ) -> Reply<wire::UpdatePropertyFieldResponse> {
        let r = r.into_inner();
        let field: PropertyField = domain(required(r.field, "field")?)?;
        let fields = self.with(|s| s.update_property_fields(&id(r.group_id), vec![field]));
        by_status(fields, |f| wire::UpdatePropertyFieldResponse {
            error: None,
            field: f.into_iter().next().map(Into::into),
        })
    }

    async fn delete_property_field(
        &self,
        r: Request<wire::DeletePropertyFieldRequest>,
    ) -> Reply<wire::DeletePropertyFieldResponse> {
        let r = r.into_inner();
        let result = self.with(|s| s.delete_property_field(&id(r.group_id), &id(r.field_id)));
        by_status(result, |()| wire::DeletePropertyFieldResponse { error: None })
    }

    async fn search_property_fields(
        &self,
        r: Request<wire::SearchPropertyFieldsRequest>,
    ) -> Reply<wire::SearchPropertyFieldsResponse> {
        let r = r.into_inner();
        let opts: PropertyFieldSearchOpts = domain(r.opts.unwrap_or_default())?;
        let fields = self.with(|s| s.search_property_fields(&id(r.group_id), &opts));
        by_status(fields, |f| wire::SearchPropertyFieldsResponse { error: None, fields: wires(f) })
    }

    async fn count_property_fields(
        &self,
        r: Request<wire::CountPropertyFieldsRequest>,
    ) -> Reply<wire::CountPropertyFieldsResponse> {
        let r = r.into_inner();
        let count = self.with(|s| s.count_property_fields(&id(r.group_id), None, r.include_deleted));
        by_status(count, |count| wire::CountPropertyFieldsResponse { error: None, count })
    }

    async fn count_property_fields_for_target(
        &self,
        r: Request<wire::CountPropertyFieldsForTargetRequest>,
    ) -> Reply<wire::CountPropertyFieldsForTargetResponse> {
        let r = r.into_inner();
        let target = Some((r.target_type.as_str(), r.target_id.as_str()));
        let count = self.with(|s| s.count_property_fields(&id(r.group_id), target, r.include_deleted));
        by_status(count, |count| wire::CountPropertyFieldsForTargetResponse { error: None, count })
    }

    async fn create_property_value(
        &self,
        r: Request<wire::CreatePropertyValueRequest>,
    ) -> Reply<wire::CreatePropertyValueResponse> {
        let value: PropertyValue = domain(required(r.into_inner().value, "value")?)?;
        let value = self.with(|s| s.create_property_value(value));
        by_status(value, |v| wire::CreatePropertyValueResponse { error: None, value: Some(v.into()) })
    }

    async fn get_property_value(
        &self,
        r: Request<wire::GetPropertyValueRequest>,
    ) -> Reply<wire::GetPropertyValueResponse> {
        let r = r.into_inner();
        let value = self.with(|s| s.property_value(&id(r.group_id), &id(r.value_id)));
        by_status(value, |v| wire::GetPropertyValueResponse { error: None, value: Some(v.into()) })
    }

    async fn get_property_values(
        &self,
        r: Request<wire::GetPropertyValuesRequest>,
    ) -> Reply<wire::GetPropertyValuesResponse> {
        let r = r.into_inner();
        let values = self.with(|s| s.property_values_by_ids(&id(r.group_id), &ids(r.ids)));
        by_status(values, |v| wire::GetPropertyValuesResponse { error: None, values: wires(v) })
    }

    async fn update_property_value(
        &self,
        r: Request<wire::UpdatePropertyValueRequest>,
    ) -> Reply<wire::UpdatePropertyValueResponse> {
        let r = r.into_inner();
        let value: PropertyValue = domain(required(r.value, "value")?)?;
        let values = self.with(|s| s.update_property_values(&id(r.group_id), vec![value]));
        by_status(values, |v| wire::UpdatePropertyValueResponse {
            error: None,
            value: v.into_iter().next().map(Into::into),
        })
    }

    async fn upsert_property_value(
        &self,
        r: Request<wire::UpsertPropertyValueRequest>,
    ) -> Reply<wire::UpsertPropertyValueResponse> {
        let value: PropertyValue = domain(required(r.into_inner().value, "value")?)?;
        let values = self.with(|s| s.upsert_property_values(vec![value]));
        by_status(values, |v| wire::UpsertPropertyValueResponse {
            error: None,
            value: v.into_iter().next().map(Into::into),
        })
    }

    async fn delete_property_value(
        &self,
        r: Request<wire::DeletePropertyValueRequest>,
    ) -> Reply<wire::DeletePropertyValueResponse> {
        let r = r.into_inner();
        let result = self.with(|s| s.delete_property_value(&id(r.group_id), &id(r.value_id)));
        by_status(result, |()| wire::DeletePropertyValueResponse { error: None })
    }

    async fn search_property_values(
        &self,
        r: Request<wire::SearchPropertyValuesRequest>,
    ) -> Reply<wire::SearchPropertyValuesResponse> {
        let r = r.into_inner();
        let opts: PropertyValueSearchOpts = domain(r.opts.unwrap_or_default())?;
        let values = self.with(|s| s.search_property_values(&id(r.group_id), &opts));
        by_status(values, |v| wire::SearchPropertyValuesResponse { error: None, values: wires(v) })
    }

    async fn register_property_group(
        &self,
        r: Request<wire::RegisterPropertyGroupRequest>,
    ) -> Reply<wire::RegisterPropertyGroupResponse> {
        let group = self.with(|s| s.register_property_group(&r.into_inner().name));
        by_status(group, |g| wire::RegisterPropertyGroupResponse { error: None, group: Some(g.into()) })
    }

    async fn get_property_group(
        &self,
        r: Request<wire::GetPropertyGroupRequest>,
    ) -> Reply<wire::GetPropertyGroupResponse> {
        let group = self.with(|s| s.property_group(&r.into_inner().name));
        by_status(group, |g| wire::GetPropertyGroupResponse { error: None, group: Some(g.into()) })
    }

    async fn get_property_field_by_name(
        &self,
        r: Request<wire::GetPropertyFieldByNameRequest>,
    ) -> Reply<wire::GetPropertyFieldByNameResponse> {
        let r = r.into_inner();
        let field = self.with(|s| s.property_field_by_name(&id(r.group_id), &r.target_id, &r.name));
        by_status(field, |f| wire::GetPropertyFieldByNameResponse { error: None, field: Some(f.into()) })
    }

    async fn update_property_fields(
        &self,
        r: Request<wire::UpdatePropertyFieldsRequest>,
    ) -> Reply<wire::UpdatePropertyFieldsResponse> {
        let r = r.into_inner();
        let fields: Vec<PropertyField> = domain(r.fields)?;
        let fields = self.with(|s| s.update_property_fields(&id(r.group_id), fields));
        by_status(fields, |f| wire::UpdatePropertyFieldsResponse { error: None, fields: wires(f) })
    }

    async fn update_property_values(
        &self,
        r: Request<wire::UpdatePropertyValuesRequest>,
    ) -> Reply<wire::UpdatePropertyValuesResponse> {
        let r = r.into_inner();
        let values: Vec<PropertyValue> = domain(r.values)?;
        let values = self.with(|s| s.update_property_values(&id(r.group_id), values));
        by_status(values, |v| wire::UpdatePropertyValuesResponse { error: None, values: wires(v) })
    }

    async fn upsert_property_values(
        &self,
        r: Request<wire::UpsertPropertyValuesRequest>,
    ) -> Reply<wire::UpsertPropertyValuesResponse> {
        let values: Vec<PropertyValue> = domain(r.into_inner().values)?;
        let values = self.with(|s| s.upsert_property_values(values));
        by_status(values, |v| wire::UpsertPropertyValuesResponse { error: None, values: wires(v) })
    }

    async fn delete_property_values_for_target(
        &self,
        r: Request<wire::DeletePropertyValuesForTargetRequest>,
    ) -> Reply<wire::DeletePropertyValuesForTargetResponse> {
        let r = r.into_inner();
        let result =
            self.with(|s| s.delete_property_values_for_target(&id(r.group_id), &r.target_type, &r.target_id));
        by_status(result, |()| wire::DeletePropertyValuesForTargetResponse { error: None })
    }

    async fn delete_property_values_for_field(
        &self,
        r: Request<wire::DeletePropertyValuesForFieldRequest>,
    ) -> Reply<wire::DeletePropertyValuesForFieldResponse> {
        let r = r.into_inner();
        let result = self.with(|s| s.delete_property_values_for_field(&id(r.group_id), &id(r.field_id)));
        by_status(result, |()| wire::DeletePropertyValuesForFieldResponse { error: None })
    }

    // --- shared channels ---

    async fn register_plugin_for_shared_channels(
        &self,
        r: Request<wire::RegisterPluginForSharedChannelsRequest>,
    ) -> Reply<wire::RegisterPluginForSharedChannelsResponse> {
        let opts: RegisterPluginOpts = domain(required(r.into_inner().opts, "opts")?)?;
        let plugin = if opts.plugin_id.is_empty() { self.plugin_id.clone() } else { opts.plugin_id };
        let remote = self.with(|s| s.register_plugin_remote(&plugin, &opts.display_name));
        by_status(remote, |id| wire::RegisterPluginForSharedChannelsResponse {
            error: None,
            remote_id: id.into_string(),
        })
    }

    async fn unregister_plugin_for_shared_channels(
        &self,
        r: Request<wire::UnregisterPluginForSharedChannelsRequest>,
    ) -> Reply<wire::UnregisterPluginForSharedChannelsResponse> {
        let plugin = r.into_inner().plugin_id;
        let plugin = if plugin.is_empty() { self.plugin_id.clone() } else { plugin };
        let result = self.with(|s| s.unregister_plugin_remote(&plugin));
        by_status(result, |()| wire::UnregisterPluginForSharedChannelsResponse { error: None })
    }

    async fn share_channel(
        &self,
        r: Request<wire::ShareChannelRequest>,
    ) -> Reply<wire::ShareChannelResponse> {
        let shared: SharedChannel = domain(required(r.into_inner().shared_channel, "shared_channel")?)?;
        let shared = self.with(|s| s.share_channel(shared));
        by_status(shared, |sc| wire::ShareChannelResponse { error: None, shared_channel: Some(sc.into()) })
    }

    async fn update_shared_channel(
        &self,
        r: Request<wire::UpdateSharedChannelRequest>,
    ) -> Reply<wire::UpdateSharedChannelResponse> {
        let shared: SharedChannel = domain(required(r.into_inner().shared_channel, "shared_channel")?)?;
        let shared = self.with(|s| s.update_shared_channel(shared));
        by_status(shared, |sc| wire::UpdateSharedChannelResponse {
            error: None,
            shared_channel: Some(sc.into()),
        })
    }

    async fn unshare_channel(
        &self,
        r: Request<wire::UnshareChannelRequest>,
    ) -> Reply<wire::UnshareChannelResponse> {
        let unshared = self.with(|s| s.unshare_channel(&id(r.into_inner().channel_id)));
        by_status(unshared, |unshared| wire::UnshareChannelResponse { error: None, unshared })
    }

    async fn update_shared_channel_cursor(
        &self,
        r: Request<wire::UpdateSharedChannelCursorRequest>,
    ) -> Reply<wire::UpdateSharedChannelCursorResponse> {
        let r = r.into_inner();
        let cursor: GetPostsSinceForSyncCursor = domain(required(r.cursor, "cursor")?)?;
        let result = self.with(|s| s.set_sync_cursor(&id(r.channel_id), &id(r.remote_id), cursor));
        by_status(result, |()| wire::UpdateSharedChannelCursorResponse { error: None })
    }

    async fn sync_shared_channel(
        &self,
        r: Request<wire::SyncSharedChannelRequest>,
    ) -> Reply<wire::SyncSharedChannelResponse> {
        let result = self.host.sync_shared_channel(&id(r.into_inner().channel_id)).await;
        by_status(result, |()| wire::SyncSharedChannelResponse { error: None })
    }

    async fn invite_remote_to_channel(
        &self,
        r: Request<wire::InviteRemoteToChannelRequest>,
    ) -> Reply<wire::InviteRemoteToChannelResponse> {
        let r = r.into_inner();
        let result = self.with(|s| {
            s.invite_remote(&id(r.channel_id), &id(r.remote_id), &id(r.user_id), r.share_if_not_shared)
        });
        by_status(result, |()| wire::InviteRemoteToChannelResponse { error: None })
    }

    async fn uninvite_remote_from_channel(
        &self,
        r: Request<wire::UninviteRemoteFromChannelRequest>,
    ) -> Reply<wire::UninviteRemoteFromChannelResponse> {
        let r = r.into_inner();
        let result = self.with(|s| s.uninvite_remote(&id(r.channel_id), &id(r.remote_id)));
        by_status(result, |()| wire::UninviteRemoteFromChannelResponse { error: None })
    }

    // --- realtime, notifications, dialogs: recorded in the outbox ---

    async fn publish_web_socket_event(
        &self,
        r: Request<wire::PublishWebSocketEventRequest>,
    ) -> Reply<wire::PublishWebSocketEventResponse> {
        let r = r.into_inner();
        let payload: JsonMap = domain(r.payload.unwrap_or_default())?;
        let broadcast: Option<mm_types::WebsocketBroadcast> = domain(r.broadcast)?;
        self.record(
            OutboundKind::WebSocketEvent,
            json!({
                "event": format!("custom_{}_{}", self.plugin_id, r.event),
                "data": payload,
                "broadcast": serde_json::to_value(&broadcast).unwrap_or(Value::Null),
            }),
        );
        Ok(Response::new(wire::PublishWebSocketEventResponse { error: None }))
    }

    async fn publish_plugin_cluster_event(
        &self,
        r: Request<wire::PublishPluginClusterEventRequest>,
    ) -> Reply<wire::PublishPluginClusterEventResponse> {
        let r = r.into_inner();
        let event: Option<mm_types::PluginClusterEvent> = domain(r.event)?;
        let options: Option<mm_types::PluginClusterEventSendOptions> = domain(r.opts)?;
        self.record(
            OutboundKind::ClusterEvent,
            json!({"event": serde_json::to_value(&event).unwrap_or(Value::Null), "options": serde_json::to_value(&options).unwrap_or(Value::Null)}),
        );
        Ok(Response::new(wire::PublishPluginClusterEventResponse { error: None }))
    }

    async fn register_collection_and_topic(
        &self,
        r: Request<wire::RegisterCollectionAndTopicRequest>,
    ) -> Reply<wire::RegisterCollectionAndTopicResponse> {
        let r = r.into_inner();
        self.record(
            OutboundKind::CollectionAndTopic,
            json!({"collection_type": r.collection_type, "topic_type": r.topic_type}),
        );
        Ok(Response::new(wire::RegisterCollectionAndTopicResponse { error: None }))
    }

    async fn send_mail(&self, r: Request<wire::SendMailRequest>) -> Reply<wire::SendMailResponse> {
        let r = r.into_inner();
        if r.to.trim().is_empty() {
            return Err(status_of(&errors::bad_request(
                "plugin_api.send_mail.missing_to",
                "Missing TO address.",
            )));
        }
        self.record(OutboundKind::Mail, json!({"to": r.to, "subject": r.subject, "html_body": r.html_body}));
        Ok(Response::new(wire::SendMailResponse { error: None }))
    }

    async fn send_push_notification(
        &self,
        r: Request<wire::SendPushNotificationRequest>,
    ) -> Reply<wire::SendPushNotificationResponse> {
        let r = r.into_inner();
        let notification: Option<mm_types::PushNotification> = domain(r.notification)?;
        self.record(
            OutboundKind::PushNotification,
            json!({"user_id": r.user_id, "notification": serde_json::to_value(&notification).unwrap_or(Value::Null)}),
        );
        Ok(Response::new(wire::SendPushNotificationResponse { error: None }))
    }

    async fn open_interactive_dialog(
        &self,
        r: Request<wire::OpenInteractiveDialogRequest>,
    ) -> Reply<wire::OpenInteractiveDialogResponse> {
        let dialog: mm_types::OpenDialogRequest = domain(required(r.into_inner().dialog, "dialog")?)?;
        if dialog.trigger_id.is_empty() {
            return Err(status_of(&errors::bad_request(
                "interactive_message.decode_trigger_id.missing_data",
                "The dialog needs a trigger id.",
            )));
        }
        self.record(OutboundKind::InteractiveDialog, serde_json::to_value(&dialog).unwrap_or(Value::Null));
        Ok(Response::new(wire::OpenInteractiveDialogResponse { error: None }))
    }

    not_implemented_list!(unimplemented_methods);
}
