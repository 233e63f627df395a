//! Users, statuses, sessions, tokens, permissions.

use std::collections::HashMap;

use mattermost_plugin::serde_json::{Value, json};
use mattermost_plugin::types::{
    AccountState, ChannelId, ChannelMemberSort, CustomStatus, CustomStatusDuration, Page, Permission, Role,
    Session, TeamId, Timestamp, User, UserAccessToken, UserAuth, UserId, UserSort, UserStatus,
    ViewUsersRestrictions,
};

use super::{Entry, Vals, e, one, unit, with};
use crate::report::{base64, j, rfc3339};

fn user(v: Vals) -> User {
    User {
        id: v.id(0),
        username: v.raw_id(1),
        email: v.email(),
        first_name: v.text("first"),
        last_name: v.text("last"),
        roles: "system_user".into(),
        props: HashMap::from([("probe".to_owned(), v.text("prop"))]),
        create_at: Timestamp::from_millis(1_700_000_000_000 + v.number(0)),
        ..Default::default()
    }
}

/// `*model.Permission` as the SDK sends it: the permission id only.
fn permission(id: &str) -> Value {
    json!({ "id": id })
}

pub(super) fn entries() -> Vec<Entry> {
    vec![
        e("CreateUser", |c, v| one(args![user(v)], c.users().create(user(v)))),
        e("DeleteUser", |c, v| {
            let id: UserId = v.id(0);
            unit(args![id], c.users().delete(&id))
        }),
        e("GetUsers", |c, v| {
            let (team, channel, group): (TeamId, ChannelId, _) = (v.id(1), v.id(2), v.raw_id(3));
            let restrictions = ViewUsersRestrictions { teams: vec![v.id(4)], channels: vec![v.id(5)] };
            // `*model.UserGetOptions` has no json tags: Go's field names.
            let options = json!({
                "InTeamId": team, "NotInTeamId": v.raw_id(6), "InChannelId": channel,
                "NotInChannelId": v.raw_id(7), "InGroupId": group, "NotInGroupId": v.raw_id(8),
                "GroupConstrained": true, "WithoutTeam": true, "Inactive": true, "Active": false,
                "Role": "system_user", "Roles": ["system_admin"], "ChannelRoles": ["channel_admin"],
                "TeamRoles": ["team_admin"], "Sort": "last_activity_at",
                "ViewRestrictions": {"Teams": restrictions.teams, "Channels": restrictions.channels},
                "Page": 2, "PerPage": 30, "UpdatedAfter": 1_700_000_000_000i64,
            });
            let call = c
                .users()
                .list()
                .in_team(&team)
                .not_in_team(&v.id(6))
                .in_channel(&channel)
                .not_in_channel(&v.id(7))
                .in_group(&v.id(3))
                .not_in_group(&v.id(8))
                .group_constrained()
                .without_team()
                .account_state(AccountState::Deactivated)
                .role(&Role::new("system_user"))
                .roles(&[Role::new("system_admin")])
                .channel_roles(&[Role::new("channel_admin")])
                .team_roles(&[Role::new("team_admin")])
                .sort(UserSort::LastActivityAt)
                .view_restrictions(restrictions)
                .page(Page::new(2, 30))
                .updated_after(Timestamp::from_millis(1_700_000_000_000))
                .send();
            one(vec![options], call)
        }),
        e("GetUsersByIds", |c, v| {
            let ids: Vec<UserId> = vec![v.id(0), v.id(1)];
            one(args![ids], c.users().get_by_ids(&ids))
        }),
        e("GetUser", |c, v| {
            let id: UserId = v.id(0);
            one(args![id], c.users().get(&id))
        }),
        e("GetUserByEmail", |c, v| one(args![v.email()], c.users().get_by_email(&v.email()))),
        e("GetUserByUsername", |c, v| one(args![v.raw_id(0)], c.users().get_by_username(&v.raw_id(0)))),
        e("GetUsersByUsernames", |c, v| {
            let names = vec![v.raw_id(0), v.raw_id(1)];
            one(args![names], c.users().get_by_usernames(&names))
        }),
        e("GetUsersInTeam", |c, v| {
            let team: TeamId = v.id(0);
            one(args![team, 3, 40], c.users().in_team(&team, Page::new(3, 40)))
        }),
        e("UpdateUser", |c, v| one(args![user(v)], c.users().update(user(v)))),
        e("GetUserStatus", |c, v| {
            let id: UserId = v.id(0);
            one(args![id], c.users().status(&id))
        }),
        e("GetUserStatusesByIds", |c, v| {
            let ids: Vec<UserId> = vec![v.id(0), v.id(1)];
            one(args![ids], c.users().statuses(&ids))
        }),
        e("UpdateUserStatus", |c, v| {
            let id: UserId = v.id(0);
            one(args![id, UserStatus::DoNotDisturb], c.users().update_status(&id, UserStatus::DoNotDisturb))
        }),
        e("SetUserStatusTimedDND", |c, v| {
            let id: UserId = v.id(0);
            one(
                args![id, 1_800_000_000i64],
                c.users().set_timed_dnd(&id, Timestamp::from_millis(1_800_000_000_000)),
            )
        }),
        e("UpdateUserActive", |c, v| {
            let id: UserId = v.id(0);
            unit(args![id, true], c.users().update_active(&id, AccountState::Active))
        }),
        e("UpdateUserCustomStatus", |c, v| {
            let id: UserId = v.id(0);
            let status = CustomStatus {
                emoji: "palm_tree".into(),
                text: v.text("text"),
                duration: CustomStatusDuration::DateAndTime,
                expires_at: Some(Timestamp::from_millis(1_900_000_000_000)),
            };
            // Go's `ExpiresAt` is a time.Time: RFC 3339 in JSON.
            let mut reported = j(&status);
            reported["expires_at"] = rfc3339(1_900_000_000_000);
            unit(vec![j(&id), reported], c.users().update_custom_status(&id, status))
        }),
        e("RemoveUserCustomStatus", |c, v| {
            let id: UserId = v.id(0);
            unit(args![id], c.users().remove_custom_status(&id))
        }),
        e("GetUsersInChannel", |c, v| {
            let channel: ChannelId = v.id(0);
            one(
                args![channel, "status", 4, 50],
                c.users().in_channel(&channel, ChannelMemberSort::Status, Page::new(4, 50)),
            )
        }),
        e("GetLDAPUserAttributes", |c, v| {
            let id: UserId = v.id(0);
            let attributes = ["mail", "title"];
            one(args![id, attributes], c.users().ldap_attributes(&id, &attributes))
        }),
        e("SearchUsers", |c, v| {
            let (team, channel): (TeamId, ChannelId) = (v.id(1), v.id(2));
            let search = json!({
                "term": v.text("term"), "team_id": team, "not_in_team_id": v.raw_id(3),
                "in_channel_id": channel, "not_in_channel_id": v.raw_id(4), "in_group_id": v.raw_id(5),
                "group_constrained": true, "allow_inactive": true, "without_team": true, "limit": 25,
                "role": "system_user", "roles": ["system_admin"], "channel_roles": ["channel_user"],
                "team_roles": ["team_user"], "not_in_group_id": v.raw_id(6),
            });
            let call = c
                .users()
                .search(&v.text("term"))
                .in_team(&team)
                .not_in_team(&v.id(3))
                .in_channel(&channel)
                .not_in_channel(&v.id(4))
                .in_group(&v.id(5))
                .not_in_group(&v.id(6))
                .group_constrained()
                .include_deactivated()
                .without_team()
                .limit(25)
                .role(&Role::new("system_user"))
                .roles(&[Role::new("system_admin")])
                .channel_roles(&[Role::new("channel_user")])
                .team_roles(&[Role::new("team_user")])
                .send();
            one(vec![search], call)
        }),
        e("GetProfileImage", |c, v| {
            let id: UserId = v.id(0);
            with(args![id], c.users().profile_image(&id), |image| vec![base64(&image)])
        }),
        e("SetProfileImage", |c, v| {
            let id: UserId = v.id(0);
            let image = v.text("png").into_bytes();
            unit(vec![j(&id), base64(&image)], c.users().set_profile_image(&id, image))
        }),
        e("HasPermissionTo", |c, v| {
            let id: UserId = v.id(0);
            one(
                vec![j(&id), permission("manage_system")],
                c.users().has_permission(&id, &Permission::new("manage_system")),
            )
        }),
        e("HasPermissionToTeam", |c, v| {
            let (id, team): (UserId, TeamId) = (v.id(0), v.id(1));
            let call = c.users().has_permission_to_team(&id, &team, &Permission::new("manage_team"));
            one(vec![j(&id), j(&team), permission("manage_team")], call)
        }),
        e("HasPermissionToChannel", |c, v| {
            let (id, channel): (UserId, ChannelId) = (v.id(0), v.id(1));
            let call = c.users().has_permission_to_channel(
                &id,
                &channel,
                &Permission::new("manage_public_channel_members"),
            );
            one(vec![j(&id), j(&channel), permission("manage_public_channel_members")], call)
        }),
        e("PublishUserTyping", |c, v| {
            let (id, channel, parent): (UserId, ChannelId, _) = (v.id(0), v.id(1), v.id(2));
            unit(args![id, channel, parent], c.users().publish_typing(&id, &channel, Some(&parent)))
        }),
        e("UpdateUserAuth", |c, v| {
            let id: UserId = v.id(0);
            let auth = UserAuth { auth_data: Some(v.text("auth_data")), auth_service: "saml".into() };
            one(args![id, auth], c.users().update_auth(&id, auth))
        }),
        e("UpdateUserRoles", |c, v| {
            let id: UserId = v.id(0);
            one(
                args![id, "system_user system_admin"],
                c.users().update_roles(&id, &[Role::SYSTEM_USER, Role::SYSTEM_ADMIN]),
            )
        }),
        e("GetSession", |c, v| {
            let id = v.id(0);
            one(args![id], c.users().session(&id))
        }),
        e("CreateSession", |c, v| {
            let session = Session {
                id: v.id(0),
                token: v.text("token"),
                user_id: v.id(1),
                device_id: v.text("device"),
                roles: "system_user".into(),
                create_at: Timestamp::from_millis(1_700_000_000_000),
                expires_at: Some(Timestamp::from_millis(1_800_000_000_000)),
                props: HashMap::from([("os".to_owned(), "linux".to_owned())]),
                ..Default::default()
            };
            one(args![session], c.users().create_session(session))
        }),
        e("ExtendSessionExpiry", |c, v| {
            let id = v.id(0);
            let expiry = Timestamp::from_millis(1_800_000_000_000);
            unit(args![id, expiry], c.users().extend_session_expiry(&id, expiry))
        }),
        e("RevokeSession", |c, v| {
            let id = v.id(0);
            unit(args![id], c.users().revoke_session(&id))
        }),
        e("CreateUserAccessToken", |c, v| {
            let token = UserAccessToken {
                id: v.id(0),
                user_id: v.id(1),
                description: v.text("description"),
                is_active: true,
                ..Default::default()
            };
            one(args![token], c.users().create_access_token(token))
        }),
        e("RevokeUserAccessToken", |c, v| {
            let id = v.id(0);
            unit(args![id], c.users().revoke_access_token(&id))
        }),
        e("RolesGrantPermission", |c, v| {
            let roles = vec![v.text("role"), "system_admin".to_owned()];
            one(
                args![roles, "manage_system"],
                c.users().roles_grant_permission(
                    &roles.iter().map(Role::new).collect::<Vec<_>>(),
                    &Permission::MANAGE_SYSTEM,
                ),
            )
        }),
    ]
}
