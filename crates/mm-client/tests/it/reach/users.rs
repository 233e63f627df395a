//! Reach entries: users, statuses, sessions, tokens, permissions.

use std::collections::HashMap;

use bytes::Bytes;
use mm_types::convert::IntoWire;
use mm_types::{
    AccountState, ChannelMemberSort, CustomStatus, CustomStatusDuration, Page, Permission, Role, Session,
    Timestamp, User, UserAccessToken, UserAuth, UserSort, UserStatus, ViewUsersRestrictions, wire,
};

use super::{Reach, id};

fn alice() -> User {
    let mut props = HashMap::new();
    props.insert("pronouns".to_string(), "she/her".to_string());
    User {
        id: id("user-alice"),
        username: "alice".into(),
        email: "alice@example.com".into(),
        first_name: "Alice".into(),
        last_name: "Liddell".into(),
        roles: "system_user".into(),
        props,
        create_at: Timestamp::from_millis(1_700_000_000_001),
        ..Default::default()
    }
}

pub async fn run(r: &mut Reach) {
    let c = r.client.clone();
    let users = c.users();

    r.check("CreateUser", users.create(alice()), wire::CreateUserRequest { user: Some(alice().into_wire()) })
        .await;
    r.check(
        "DeleteUser",
        users.delete(&id("user-del")),
        wire::DeleteUserRequest { user_id: "user-del".into() },
    )
    .await;
    r.check(
        "GetUsers",
        users
            .list()
            .in_team(&id("team-in"))
            .not_in_team(&id("team-out"))
            .in_channel(&id("chan-in"))
            .not_in_channel(&id("chan-out"))
            .in_group(&id("group-in"))
            .not_in_group(&id("group-out"))
            .group_constrained()
            .without_team()
            .account_state(AccountState::Deactivated)
            .role(&Role::new("system_admin"))
            .roles(&[Role::new("r1"), Role::new("r2")])
            .channel_roles(&[Role::new("channel_admin")])
            .team_roles(&[Role::new("team_admin")])
            .sort(UserSort::LastActivityAt)
            .page(Page::new(3, 25))
            .updated_after(Timestamp::from_millis(1234))
            .view_restrictions(ViewUsersRestrictions {
                teams: vec![id("team-v")],
                channels: vec![id("chan-v")],
            }),
        wire::GetUsersRequest {
            in_team_id: "team-in".into(),
            not_in_team_id: "team-out".into(),
            in_channel_id: "chan-in".into(),
            not_in_channel_id: "chan-out".into(),
            in_group_id: "group-in".into(),
            not_in_group_id: "group-out".into(),
            group_constrained: true,
            without_team: true,
            inactive: true,
            active: false,
            role: "system_admin".into(),
            roles: vec!["r1".into(), "r2".into()],
            channel_roles: vec!["channel_admin".into()],
            team_roles: vec!["team_admin".into()],
            sort: "last_activity_at".into(),
            page: 3,
            per_page: 25,
            updated_after: 1234,
            view_restrictions: Some(wire::ViewUsersRestrictions {
                teams: vec!["team-v".into()],
                channels: vec!["chan-v".into()],
            }),
        },
    )
    .await;
    r.check(
        "GetUsersByIds",
        users.get_by_ids(&[id("user-1"), id("user-2")]),
        wire::GetUsersByIdsRequest { user_ids: vec!["user-1".into(), "user-2".into()] },
    )
    .await;
    r.check("GetUser", users.get(&id("user-get")), wire::GetUserRequest { user_id: "user-get".into() }).await;
    r.check(
        "GetUserByEmail",
        users.get_by_email("bob@example.com"),
        wire::GetUserByEmailRequest { email: "bob@example.com".into() },
    )
    .await;
    r.check(
        "GetUserByUsername",
        users.get_by_username("carol"),
        wire::GetUserByUsernameRequest { name: "carol".into() },
    )
    .await;
    r.check(
        "GetUsersByUsernames",
        users.get_by_usernames(&["dave", "erin"]),
        wire::GetUsersByUsernamesRequest { usernames: vec!["dave".into(), "erin".into()] },
    )
    .await;
    r.check(
        "GetUsersInTeam",
        users.in_team(&id("team-x"), Page::new(2, 30)),
        wire::GetUsersInTeamRequest { team_id: "team-x".into(), page: 2, per_page: 30 },
    )
    .await;
    r.check("UpdateUser", users.update(alice()), wire::UpdateUserRequest { user: Some(alice().into_wire()) })
        .await;
    r.check(
        "GetUserStatus",
        users.status(&id("user-st")),
        wire::GetUserStatusRequest { user_id: "user-st".into() },
    )
    .await;
    r.check(
        "GetUserStatusesByIds",
        users.statuses(&[id("user-a"), id("user-b")]),
        wire::GetUserStatusesByIdsRequest { user_ids: vec!["user-a".into(), "user-b".into()] },
    )
    .await;
    r.check(
        "UpdateUserStatus",
        users.update_status(&id("user-s"), UserStatus::DoNotDisturb),
        wire::UpdateUserStatusRequest { user_id: "user-s".into(), status: "dnd".into() },
    )
    .await;
    r.check(
        "SetUserStatusTimedDND",
        users.set_timed_dnd(&id("user-dnd"), Timestamp::from_millis(1_800_000_000_000)),
        wire::SetUserStatusTimedDndRequest { user_id: "user-dnd".into(), end_time: 1_800_000_000 },
    )
    .await;
    r.check(
        "UpdateUserActive",
        users.update_active(&id("user-act"), AccountState::Active),
        wire::UpdateUserActiveRequest { user_id: "user-act".into(), active: true },
    )
    .await;
    let custom = CustomStatus {
        emoji: "palm_tree".into(),
        text: "On holiday".into(),
        duration: CustomStatusDuration::ThisWeek,
        expires_at: Some(Timestamp::from_millis(1_900_000_000_000)),
    };
    r.check(
        "UpdateUserCustomStatus",
        users.update_custom_status(&id("user-cs"), custom.clone()),
        wire::UpdateUserCustomStatusRequest {
            user_id: "user-cs".into(),
            custom_status: Some(custom.into_wire()),
        },
    )
    .await;
    r.check(
        "RemoveUserCustomStatus",
        users.remove_custom_status(&id("user-rcs")),
        wire::RemoveUserCustomStatusRequest { user_id: "user-rcs".into() },
    )
    .await;
    r.check(
        "GetUsersInChannel",
        users.in_channel(&id("chan-u"), ChannelMemberSort::Status, Page::new(4, 40)),
        wire::GetUsersInChannelRequest {
            channel_id: "chan-u".into(),
            sort_by: "status".into(),
            page: 4,
            per_page: 40,
        },
    )
    .await;
    r.check(
        "GetLDAPUserAttributes",
        users.ldap_attributes(&id("user-ldap"), &["mail", "title"]),
        wire::GetLdapUserAttributesRequest {
            user_id: "user-ldap".into(),
            attributes: vec!["mail".into(), "title".into()],
        },
    )
    .await;
    r.check(
        "SearchUsers",
        users
            .search("ali")
            .in_team(&id("team-s"))
            .not_in_team(&id("team-ns"))
            .in_channel(&id("chan-s"))
            .not_in_channel(&id("chan-ns"))
            .in_group(&id("group-s"))
            .not_in_group(&id("group-ns"))
            .group_constrained()
            .include_deactivated()
            .without_team()
            .limit(7)
            .role(&Role::new("system_user"))
            .roles(&[Role::new("a")])
            .channel_roles(&[Role::new("b")])
            .team_roles(&[Role::new("c")]),
        wire::SearchUsersRequest {
            term: "ali".into(),
            team_id: "team-s".into(),
            not_in_team_id: "team-ns".into(),
            in_channel_id: "chan-s".into(),
            not_in_channel_id: "chan-ns".into(),
            in_group_id: "group-s".into(),
            group_constrained: true,
            allow_inactive: true,
            without_team: true,
            limit: 7,
            role: "system_user".into(),
            roles: vec!["a".into()],
            channel_roles: vec!["b".into()],
            team_roles: vec!["c".into()],
            not_in_group_id: "group-ns".into(),
        },
    )
    .await;
    r.check(
        "GetProfileImage",
        users.profile_image(&id("user-img")),
        wire::GetProfileImageRequest { user_id: "user-img".into() },
    )
    .await;
    r.check(
        "SetProfileImage",
        users.set_profile_image(&id("user-img"), Bytes::from_static(b"\x89PNG...")),
        wire::SetProfileImageRequest { user_id: "user-img".into(), data: Bytes::from_static(b"\x89PNG...") },
    )
    .await;
    r.check(
        "HasPermissionTo",
        users.has_permission(&id("user-p"), &Permission::new("manage_system")),
        wire::HasPermissionToRequest { user_id: "user-p".into(), permission_id: "manage_system".into() },
    )
    .await;
    r.check(
        "HasPermissionToTeam",
        users.has_permission_to_team(&id("user-p"), &id("team-p"), &Permission::new("add_user_to_team")),
        wire::HasPermissionToTeamRequest {
            user_id: "user-p".into(),
            team_id: "team-p".into(),
            permission_id: "add_user_to_team".into(),
        },
    )
    .await;
    r.check(
        "HasPermissionToChannel",
        users.has_permission_to_channel(&id("user-p"), &id("chan-p"), &Permission::new("create_post")),
        wire::HasPermissionToChannelRequest {
            user_id: "user-p".into(),
            channel_id: "chan-p".into(),
            permission_id: "create_post".into(),
        },
    )
    .await;
    r.check(
        "PublishUserTyping",
        users.publish_typing(&id("user-t"), &id("chan-t"), Some(&id("post-root"))),
        wire::PublishUserTypingRequest {
            user_id: "user-t".into(),
            channel_id: "chan-t".into(),
            parent_id: "post-root".into(),
        },
    )
    .await;
    let auth = UserAuth { auth_data: Some("uid=alice".into()), auth_service: "ldap".into() };
    r.check(
        "UpdateUserAuth",
        users.update_auth(&id("user-auth"), auth.clone()),
        wire::UpdateUserAuthRequest { user_id: "user-auth".into(), user_auth: Some(auth.into_wire()) },
    )
    .await;
    r.check(
        "UpdateUserRoles",
        users.update_roles(&id("user-roles"), &[Role::SYSTEM_USER, Role::SYSTEM_ADMIN]),
        wire::UpdateUserRolesRequest {
            user_id: "user-roles".into(),
            new_roles: "system_user system_admin".into(),
        },
    )
    .await;
    r.check(
        "GetSession",
        users.session(&id("sess-1")),
        wire::GetSessionRequest { session_id: "sess-1".into() },
    )
    .await;
    let session = Session {
        user_id: id("user-sess"),
        device_id: "device-9".into(),
        expires_at: Some(Timestamp::from_millis(99)),
        ..Default::default()
    };
    r.check(
        "CreateSession",
        users.create_session(session.clone()),
        wire::CreateSessionRequest { session: Some(session.into_wire()) },
    )
    .await;
    r.check(
        "ExtendSessionExpiry",
        users.extend_session_expiry(&id("sess-2"), Timestamp::from_millis(1_999_999_999_999)),
        wire::ExtendSessionExpiryRequest { session_id: "sess-2".into(), new_expiry: 1_999_999_999_999 },
    )
    .await;
    r.check(
        "RevokeSession",
        users.revoke_session(&id("sess-3")),
        wire::RevokeSessionRequest { session_id: "sess-3".into() },
    )
    .await;
    let token =
        UserAccessToken { user_id: id("user-tok"), description: "CI token".into(), ..Default::default() };
    r.check(
        "CreateUserAccessToken",
        users.create_access_token(token.clone()),
        wire::CreateUserAccessTokenRequest { token: Some(token.into_wire()) },
    )
    .await;
    r.check(
        "RevokeUserAccessToken",
        users.revoke_access_token(&id("token-9")),
        wire::RevokeUserAccessTokenRequest { token_id: "token-9".into() },
    )
    .await;
    r.check(
        "RolesGrantPermission",
        users.roles_grant_permission(&[Role::TEAM_ADMIN, Role::CHANNEL_ADMIN], &Permission::MANAGE_TEAM),
        wire::RolesGrantPermissionRequest {
            role_names: vec!["team_admin".into(), "channel_admin".into()],
            permission_id: "manage_team".into(),
        },
    )
    .await;
}
