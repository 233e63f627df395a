//! Teams and team members.

use mattermost_plugin::types::{Page, Role, Team, TeamId, TeamType, UserId};

use super::{Entry, Vals, e, one, unit, with};
use crate::report::{base64, j};

fn team(v: Vals) -> Team {
    Team {
        id: v.id(0),
        display_name: v.text("display"),
        name: v.raw_id(1),
        description: v.text("description"),
        email: v.email(),
        kind: TeamType::Invite,
        allowed_domains: "probe.example.com".into(),
        allow_open_invite: true,
        group_constrained: Some(true),
        ..Default::default()
    }
}

pub(super) fn entries() -> Vec<Entry> {
    vec![
        e("CreateTeam", |c, v| one(args![team(v)], c.teams().create(team(v)))),
        e("DeleteTeam", |c, v| {
            let id: TeamId = v.id(0);
            unit(args![id], c.teams().delete(&id))
        }),
        e("GetTeams", |c, _| one(args![], c.teams().list())),
        e("GetTeam", |c, v| {
            let id: TeamId = v.id(0);
            one(args![id], c.teams().get(&id))
        }),
        e("GetTeamByName", |c, v| one(args![v.raw_id(0)], c.teams().get_by_name(&v.raw_id(0)))),
        e("GetTeamsUnreadForUser", |c, v| {
            let id: UserId = v.id(0);
            one(args![id], c.teams().unreads_for_user(&id))
        }),
        e("UpdateTeam", |c, v| one(args![team(v)], c.teams().update(team(v)))),
        e("SearchTeams", |c, v| one(args![v.text("term")], c.teams().search(&v.text("term")))),
        e("GetTeamsForUser", |c, v| {
            let id: UserId = v.id(0);
            one(args![id], c.teams().for_user(&id))
        }),
        e("CreateTeamMember", |c, v| {
            let (team, user): (TeamId, UserId) = (v.id(0), v.id(1));
            one(args![team, user], c.teams().add_member(&team, &user))
        }),
        e("CreateTeamMembers", |c, v| {
            let (team, users, by): (TeamId, Vec<UserId>, UserId) = (v.id(0), vec![v.id(1), v.id(3)], v.id(2));
            one(args![team, users, by], c.teams().add_members(&team, &users, &by))
        }),
        e("CreateTeamMembersGracefully", |c, v| {
            let (team, users, by): (TeamId, Vec<UserId>, UserId) = (v.id(0), vec![v.id(1), v.id(3)], v.id(2));
            one(args![team, users, by], c.teams().add_members_gracefully(&team, &users, &by))
        }),
        e("DeleteTeamMember", |c, v| {
            let (team, user, by): (TeamId, UserId, UserId) = (v.id(0), v.id(1), v.id(2));
            unit(args![team, user, by], c.teams().remove_member(&team, &user, &by))
        }),
        e("GetTeamMembers", |c, v| {
            let team: TeamId = v.id(0);
            one(args![team, 2, 25], c.teams().members(&team, Page::new(2, 25)))
        }),
        e("GetTeamMember", |c, v| {
            let (team, user): (TeamId, UserId) = (v.id(0), v.id(1));
            one(args![team, user], c.teams().member(&team, &user))
        }),
        e("GetTeamMembersForUser", |c, v| {
            let user: UserId = v.id(0);
            one(args![user, 3, 35], c.teams().members_for_user(&user, Page::new(3, 35)))
        }),
        e("UpdateTeamMemberRoles", |c, v| {
            let (team, user): (TeamId, UserId) = (v.id(0), v.id(1));
            one(
                args![team, user, "team_user team_admin"],
                c.teams().update_member_roles(&team, &user, &[Role::TEAM_USER, Role::TEAM_ADMIN]),
            )
        }),
        e("GetTeamIcon", |c, v| {
            let team: TeamId = v.id(0);
            with(args![team], c.teams().icon(&team), |icon| vec![base64(&icon)])
        }),
        e("SetTeamIcon", |c, v| {
            let team: TeamId = v.id(0);
            let icon = v.text("icon").into_bytes();
            unit(vec![j(&team), base64(&icon)], c.teams().set_icon(&team, icon))
        }),
        e("RemoveTeamIcon", |c, v| {
            let team: TeamId = v.id(0);
            unit(args![team], c.teams().remove_icon(&team))
        }),
        e("GetTeamStats", |c, v| {
            let team: TeamId = v.id(0);
            one(args![team], c.teams().stats(&team))
        }),
    ]
}
