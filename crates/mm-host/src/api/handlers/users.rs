//! Users, statuses, custom statuses, sessions, access tokens and permission checks.

use mm_proto::v1 as wire;
use mm_types::{CustomStatus, Role, Session, User, UserAccessToken, UserAuth};
use serde_json::json;

use super::{id, ids, opt_id, wires};
use crate::api::router::{ApiRouter, answer, domain, required};
use crate::store::{OutboundKind, UserQuery};

/// Registers the handlers of this domain.
pub(super) fn routes(router: &mut ApiRouter) {
    router.route(|_api, _r: wire::GetLdapUserAttributesRequest| {
        // plugin_api.go: a server without LDAP (Team Edition, as mm-host) answers 501.
        Err(crate::api::router::ApiFailure::from(crate::store::errors::app_error(
            "ent.ldap.disabled.app_error",
            "AD/LDAP disabled or licence does not support AD/LDAP.",
            501,
        )))
    });
    // users
    router.route_async(|api, r: wire::CreateUserRequest| async move {
        let user: User = domain(required(r.user, "user")?)?;
        let created = api.host.create_user(user).await;
        answer(created, |u| wire::CreateUserResponse { error: None, user: Some(u.into()) })
    });
    router.route_async(|api, r: wire::DeleteUserRequest| async move {
        // The PluginAPI's DeleteUser deactivates the account, as on the server.
        let result = api.host.set_user_active(&id(r.user_id), false).await;
        answer(result, |_| wire::DeleteUserResponse { error: None })
    });
    router.route(|api, r: wire::GetUsersRequest| {
        let roles = requested_roles(r.roles, r.role);
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
        let users = api.with(|s| s.query_users(&query));
        Ok(wire::GetUsersResponse { error: None, users: wires(users) })
    });
    router.route(|api, r: wire::GetUsersByIdsRequest| {
        let users = api.with(|s| s.users_by_ids(&ids(r.user_ids)));
        Ok(wire::GetUsersByIdsResponse { error: None, users: wires(users) })
    });
    router.route(|api, r: wire::GetUserRequest| {
        let user = api.with(|s| s.user(&id(r.user_id)).map(crate::store::sanitized_user));
        answer(user, |u| wire::GetUserResponse { error: None, user: Some(u.into()) })
    });
    router.route(|api, r: wire::GetUserByEmailRequest| {
        let user = api.with(|s| s.user_by_email(&r.email));
        answer(user, |u| wire::GetUserByEmailResponse { error: None, user: Some(u.into()) })
    });
    router.route(|api, r: wire::GetUserByUsernameRequest| {
        let user = api.with(|s| s.user_by_username(&r.name));
        answer(user, |u| wire::GetUserByUsernameResponse { error: None, user: Some(u.into()) })
    });
    router.route(|api, r: wire::GetUsersByUsernamesRequest| {
        let users = api.with(|s| s.users_by_usernames(&r.usernames));
        Ok(wire::GetUsersByUsernamesResponse { error: None, users: wires(users) })
    });
    router.route(|api, r: wire::GetUsersInTeamRequest| {
        let team = id(r.team_id);
        let users =
            api.with(|s| s.team(&team).map(|_| ()).map(|()| s.users_in_team(&team, r.page, r.per_page)));
        answer(users, |users| wire::GetUsersInTeamResponse { error: None, users: wires(users) })
    });
    router.route(|api, r: wire::UpdateUserRequest| {
        let user: User = domain(required(r.user, "user")?)?;
        let updated = api.with(|s| s.update_user(user));
        answer(updated, |u| wire::UpdateUserResponse { error: None, user: Some(u.into()) })
    });
    router.route(|api, r: wire::GetUserStatusRequest| {
        let status = api.with(|s| s.user_status(&id(r.user_id)));
        answer(status, |st| wire::GetUserStatusResponse { error: None, status: Some(st.into()) })
    });
    router.route(|api, r: wire::GetUserStatusesByIdsRequest| {
        let statuses = api.with(|s| {
            ids(r.user_ids)
                .iter()
                .filter(|u| s.users.contains_key(*u))
                .map(|u| s.status_of(u))
                .collect::<Vec<_>>()
        });
        Ok(wire::GetUserStatusesByIdsResponse { error: None, statuses: wires(statuses) })
    });
    router.route(|api, r: wire::UpdateUserStatusRequest| {
        let status = api.with(|s| s.set_user_status(&id(r.user_id), &r.status, 0));
        answer(status, |st| wire::UpdateUserStatusResponse { error: None, status: Some(st.into()) })
    });
    router.route(|api, r: wire::SetUserStatusTimedDndRequest| {
        let status = api.with(|s| s.set_user_status(&id(r.user_id), "dnd", r.end_time));
        answer(status, |st| wire::SetUserStatusTimedDndResponse { error: None, status: Some(st.into()) })
    });
    router.route_async(|api, r: wire::UpdateUserActiveRequest| async move {
        let result = api.host.set_user_active(&id(r.user_id), r.active).await;
        answer(result, |_| wire::UpdateUserActiveResponse { error: None })
    });
    router.route(|api, r: wire::UpdateUserCustomStatusRequest| {
        let status: CustomStatus = domain(required(r.custom_status, "custom_status")?)?;
        let result = api.with(|s| s.set_custom_status(&id(r.user_id), &status));
        answer(result, |()| wire::UpdateUserCustomStatusResponse { error: None })
    });
    router.route(|api, r: wire::RemoveUserCustomStatusRequest| {
        let result = api.with(|s| s.remove_custom_status(&id(r.user_id)));
        answer(result, |()| wire::RemoveUserCustomStatusResponse { error: None })
    });
    router.route(|api, r: wire::GetUsersInChannelRequest| {
        let users = api.with(|s| s.users_in_channel(&id(r.channel_id), &r.sort_by, r.page, r.per_page));
        answer(users, |users| wire::GetUsersInChannelResponse { error: None, users: wires(users) })
    });
    router.route(|api, r: wire::SearchUsersRequest| {
        let roles = requested_roles(r.roles, r.role);
        let (team, not_in_team) = (opt_id(r.team_id), opt_id(r.not_in_team_id));
        let (in_channel, not_in_channel) = (opt_id(r.in_channel_id), opt_id(r.not_in_channel_id));
        let users = api.with(|s| {
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
        Ok(wire::SearchUsersResponse { error: None, users: wires(users) })
    });
    router.route(|api, r: wire::GetProfileImageRequest| {
        let image = api.with(|s| s.profile_image(&id(r.user_id)));
        answer(image, |image| wire::GetProfileImageResponse { error: None, image })
    });
    router.route(|api, r: wire::SetProfileImageRequest| {
        let result = api.with(|s| s.set_profile_image(&id(r.user_id), r.data));
        answer(result, |()| wire::SetProfileImageResponse { error: None })
    });
    router.route(|api, r: wire::HasPermissionToRequest| {
        let has_permission = api.with(|s| s.has_permission(&id(r.user_id), &r.permission_id));
        Ok(wire::HasPermissionToResponse { error: None, has_permission })
    });
    router.route(|api, r: wire::HasPermissionToTeamRequest| {
        let has_permission =
            api.with(|s| s.has_team_permission(&id(r.user_id), &id(r.team_id), &r.permission_id));
        Ok(wire::HasPermissionToTeamResponse { error: None, has_permission })
    });
    router.route(|api, r: wire::HasPermissionToChannelRequest| {
        let has_permission =
            api.with(|s| s.has_channel_permission(&id(r.user_id), &id(r.channel_id), &r.permission_id));
        Ok(wire::HasPermissionToChannelResponse { error: None, has_permission })
    });
    router.route(|api, r: wire::PublishUserTypingRequest| {
        api.record(
            OutboundKind::UserTyping,
            json!({"user_id": r.user_id, "channel_id": r.channel_id, "parent_id": r.parent_id}),
        );
        Ok(wire::PublishUserTypingResponse { error: None })
    });
    router.route(|api, r: wire::UpdateUserAuthRequest| {
        let auth: UserAuth = domain(required(r.user_auth, "user_auth")?)?;
        let result = api.with(|s| s.update_user_auth(&id(r.user_id), auth));
        answer(result, |auth| wire::UpdateUserAuthResponse { error: None, user_auth: Some(auth.into()) })
    });
    router.route(|api, r: wire::UpdateUserRolesRequest| {
        let user = api.with(|s| s.update_user_roles(&id(r.user_id), &r.new_roles));
        answer(user, |u| wire::UpdateUserRolesResponse { error: None, user: Some(u.into()) })
    });
    router.route(|api, r: wire::GetSessionRequest| {
        let session = api.with(|s| s.session(&id(r.session_id)));
        answer(session, |session| wire::GetSessionResponse { error: None, session: Some(session.into()) })
    });
    router.route(|api, r: wire::CreateSessionRequest| {
        let session: Session = domain(required(r.session, "session")?)?;
        let session = api.with(|s| s.create_session(session));
        answer(session, |session| wire::CreateSessionResponse { error: None, session: Some(session.into()) })
    });
    router.route(|api, r: wire::ExtendSessionExpiryRequest| {
        let result = api.with(|s| s.extend_session(&id(r.session_id), r.new_expiry));
        answer(result, |()| wire::ExtendSessionExpiryResponse { error: None })
    });
    router.route(|api, r: wire::RevokeSessionRequest| {
        let result = api.with(|s| s.revoke_session(&id(r.session_id)));
        answer(result, |()| wire::RevokeSessionResponse { error: None })
    });
    router.route(|api, r: wire::CreateUserAccessTokenRequest| {
        let token: UserAccessToken = domain(required(r.token, "token")?)?;
        let token = api.with(|s| s.create_access_token(token));
        answer(token, |t| wire::CreateUserAccessTokenResponse { error: None, token: Some(t.into()) })
    });
    router.route(|api, r: wire::RevokeUserAccessTokenRequest| {
        let result = api.with(|s| s.revoke_access_token(&id(r.token_id)));
        answer(result, |()| wire::RevokeUserAccessTokenResponse { error: None })
    });
    router.route(|_api, r: wire::RolesGrantPermissionRequest| {
        let has_permission = crate::store::roles_grant(&r.role_names, &r.permission_id);
        Ok(wire::RolesGrantPermissionResponse { error: None, has_permission })
    });
}

/// The role filter of `GetUsers` and `SearchUsers`: the `roles` list plus the single `role`.
fn requested_roles(roles: Vec<String>, role: String) -> Vec<Role> {
    roles.into_iter().chain((!role.is_empty()).then_some(role)).map(Role::from).collect()
}
