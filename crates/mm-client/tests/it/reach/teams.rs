//! Reach entries: teams, team membership, team icons and statistics.

use bytes::Bytes;
use mm_types::convert::IntoWire;
use mm_types::{Page, Role, wire};

use super::{Reach, fx, id};

pub async fn run(r: &mut Reach) {
    let c = r.client.clone();
    let g = c.teams();
    r.check(
        "CreateTeam",
        g.create(fx::team()),
        wire::CreateTeamRequest { team: Some(fx::team().into_wire()) },
    )
    .await;
    r.check(
        "DeleteTeam",
        g.delete(&id("DeleteTeam.team_id")),
        wire::DeleteTeamRequest { team_id: "DeleteTeam.team_id".into() },
    )
    .await;
    r.check("GetTeams", g.list(), wire::GetTeamsRequest {}).await;
    r.check(
        "GetTeam",
        g.get(&id("GetTeam.team_id")),
        wire::GetTeamRequest { team_id: "GetTeam.team_id".into() },
    )
    .await;
    r.check(
        "GetTeamByName",
        g.get_by_name("GetTeamByName.name"),
        wire::GetTeamByNameRequest { name: "GetTeamByName.name".into() },
    )
    .await;
    r.check(
        "GetTeamsUnreadForUser",
        g.unreads_for_user(&id("GetTeamsUnreadForUser.user_id")),
        wire::GetTeamsUnreadForUserRequest { user_id: "GetTeamsUnreadForUser.user_id".into() },
    )
    .await;
    r.check(
        "UpdateTeam",
        g.update(fx::team()),
        wire::UpdateTeamRequest { team: Some(fx::team().into_wire()) },
    )
    .await;
    r.check(
        "SearchTeams",
        g.search("SearchTeams.term"),
        wire::SearchTeamsRequest { term: "SearchTeams.term".into() },
    )
    .await;
    r.check(
        "GetTeamsForUser",
        g.for_user(&id("GetTeamsForUser.user_id")),
        wire::GetTeamsForUserRequest { user_id: "GetTeamsForUser.user_id".into() },
    )
    .await;
    r.check(
        "CreateTeamMember",
        g.add_member(&id("CreateTeamMember.team_id"), &id("CreateTeamMember.user_id")),
        wire::CreateTeamMemberRequest {
            team_id: "CreateTeamMember.team_id".into(),
            user_id: "CreateTeamMember.user_id".into(),
        },
    )
    .await;
    r.check(
        "CreateTeamMembers",
        g.add_members(
            &id("CreateTeamMembers.team_id"),
            &[id("CreateTeamMembers.user_ids.1"), id("CreateTeamMembers.user_ids.2")],
            &id("CreateTeamMembers.requestor_id"),
        ),
        wire::CreateTeamMembersRequest {
            team_id: "CreateTeamMembers.team_id".into(),
            user_ids: vec!["CreateTeamMembers.user_ids.1".into(), "CreateTeamMembers.user_ids.2".into()],
            requestor_id: "CreateTeamMembers.requestor_id".into(),
        },
    )
    .await;
    r.check(
        "CreateTeamMembersGracefully",
        g.add_members_gracefully(
            &id("CreateTeamMembersGracefully.team_id"),
            &[id("CreateTeamMembersGracefully.user_ids.1"), id("CreateTeamMembersGracefully.user_ids.2")],
            &id("CreateTeamMembersGracefully.requestor_id"),
        ),
        wire::CreateTeamMembersGracefullyRequest {
            team_id: "CreateTeamMembersGracefully.team_id".into(),
            user_ids: vec![
                "CreateTeamMembersGracefully.user_ids.1".into(),
                "CreateTeamMembersGracefully.user_ids.2".into(),
            ],
            requestor_id: "CreateTeamMembersGracefully.requestor_id".into(),
        },
    )
    .await;
    r.check(
        "DeleteTeamMember",
        g.remove_member(
            &id("DeleteTeamMember.team_id"),
            &id("DeleteTeamMember.user_id"),
            &id("DeleteTeamMember.requestor_id"),
        ),
        wire::DeleteTeamMemberRequest {
            team_id: "DeleteTeamMember.team_id".into(),
            user_id: "DeleteTeamMember.user_id".into(),
            requestor_id: "DeleteTeamMember.requestor_id".into(),
        },
    )
    .await;
    r.check(
        "GetTeamMembers",
        g.members(&id("GetTeamMembers.team_id"), Page::new(101, 102)),
        wire::GetTeamMembersRequest { team_id: "GetTeamMembers.team_id".into(), page: 101, per_page: 102 },
    )
    .await;
    r.check(
        "GetTeamMember",
        g.member(&id("GetTeamMember.team_id"), &id("GetTeamMember.user_id")),
        wire::GetTeamMemberRequest {
            team_id: "GetTeamMember.team_id".into(),
            user_id: "GetTeamMember.user_id".into(),
        },
    )
    .await;
    r.check(
        "GetTeamMembersForUser",
        g.members_for_user(&id("GetTeamMembersForUser.user_id"), Page::new(101, 102)),
        wire::GetTeamMembersForUserRequest {
            user_id: "GetTeamMembersForUser.user_id".into(),
            page: 101,
            per_page: 102,
        },
    )
    .await;
    r.check(
        "UpdateTeamMemberRoles",
        g.update_member_roles(
            &id("UpdateTeamMemberRoles.team_id"),
            &id("UpdateTeamMemberRoles.user_id"),
            &[Role::new("UpdateTeamMemberRoles.new_roles")],
        ),
        wire::UpdateTeamMemberRolesRequest {
            team_id: "UpdateTeamMemberRoles.team_id".into(),
            user_id: "UpdateTeamMemberRoles.user_id".into(),
            new_roles: "UpdateTeamMemberRoles.new_roles".into(),
        },
    )
    .await;
    r.check(
        "GetTeamIcon",
        g.icon(&id("GetTeamIcon.team_id")),
        wire::GetTeamIconRequest { team_id: "GetTeamIcon.team_id".into() },
    )
    .await;
    r.check(
        "SetTeamIcon",
        g.set_icon(&id("SetTeamIcon.team_id"), Bytes::from_static(b"SetTeamIcon.data")),
        wire::SetTeamIconRequest {
            team_id: "SetTeamIcon.team_id".into(),
            data: Bytes::from_static(b"SetTeamIcon.data"),
        },
    )
    .await;
    r.check(
        "RemoveTeamIcon",
        g.remove_icon(&id("RemoveTeamIcon.team_id")),
        wire::RemoveTeamIconRequest { team_id: "RemoveTeamIcon.team_id".into() },
    )
    .await;
    r.check(
        "GetTeamStats",
        g.stats(&id("GetTeamStats.team_id")),
        wire::GetTeamStatsRequest { team_id: "GetTeamStats.team_id".into() },
    )
    .await;
}
