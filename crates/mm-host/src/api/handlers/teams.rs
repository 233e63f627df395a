//! Teams and team members.

use mm_proto::v1 as wire;
use mm_types::{Team, TeamMemberWithError};

use super::{id, ids, opt_id, wires};
use crate::api::router::{ApiFailure, ApiRouter, answer, domain, required};

/// Registers the handlers of this domain.
pub(super) fn routes(router: &mut ApiRouter) {
    // teams
    router.route(|api, r: wire::CreateTeamRequest| {
        let team: Team = domain(required(r.team, "team")?)?;
        let team = api.with(|s| s.create_team(team));
        answer(team, |t| wire::CreateTeamResponse { error: None, team: Some(t.into()) })
    });
    router.route(|api, r: wire::DeleteTeamRequest| {
        let result = api.with(|s| s.delete_team(&id(r.team_id)));
        answer(result, |()| wire::DeleteTeamResponse { error: None })
    });
    router.route(|api, _r: wire::GetTeamsRequest| {
        let teams = api.with(|s| s.all_teams());
        Ok(wire::GetTeamsResponse { error: None, teams: wires(teams) })
    });
    router.route(|api, r: wire::GetTeamRequest| {
        let team = api.with(|s| s.team(&id(r.team_id)).cloned());
        answer(team, |t| wire::GetTeamResponse { error: None, team: Some(t.into()) })
    });
    router.route(|api, r: wire::GetTeamByNameRequest| {
        let team = api.with(|s| s.team_by_name(&r.name));
        answer(team, |t| wire::GetTeamByNameResponse { error: None, team: Some(t.into()) })
    });
    router.route(|api, r: wire::GetTeamsUnreadForUserRequest| {
        let unreads = api.with(|s| s.team_unreads(&id(r.user_id)));
        answer(unreads, |u| wire::GetTeamsUnreadForUserResponse { error: None, team_unreads: wires(u) })
    });
    router.route(|api, r: wire::UpdateTeamRequest| {
        let team: Team = domain(required(r.team, "team")?)?;
        let team = api.with(|s| s.update_team(team));
        answer(team, |t| wire::UpdateTeamResponse { error: None, team: Some(t.into()) })
    });
    router.route(|api, r: wire::SearchTeamsRequest| {
        let teams = api.with(|s| s.search_teams(&r.term));
        Ok(wire::SearchTeamsResponse { error: None, teams: wires(teams) })
    });
    router.route(|api, r: wire::GetTeamsForUserRequest| {
        let teams = api.with(|s| s.teams_for_user(&id(r.user_id)));
        answer(teams, |t| wire::GetTeamsForUserResponse { error: None, teams: wires(t) })
    });
    router.route_async(|api, r: wire::CreateTeamMemberRequest| async move {
        let member = api.host.join_team(&id(r.team_id), &id(r.user_id), None).await;
        answer(member, |m| wire::CreateTeamMemberResponse { error: None, team_member: Some(m.into()) })
    });
    router.route_async(|api, r: wire::CreateTeamMembersRequest| async move {
        let (team, requestor) = (id(r.team_id), opt_id(r.requestor_id));
        let mut members = Vec::new();
        for user in ids(r.user_ids) {
            match api.host.join_team(&team, &user, requestor.as_ref()).await {
                Ok(member) => members.push(member),
                Err(e) => return Err(ApiFailure::from(e)),
            }
        }
        Ok(wire::CreateTeamMembersResponse { error: None, team_members: wires(members) })
    });
    router.route_async(|api, r: wire::CreateTeamMembersGracefullyRequest| async move {
        let (team, requestor) = (id(r.team_id), opt_id(r.requestor_id));
        let mut results = Vec::new();
        for user in ids(r.user_ids) {
            let outcome = api.host.join_team(&team, &user, requestor.as_ref()).await;
            results.push(match outcome {
                Ok(member) => TeamMemberWithError { user_id: user, member: Some(member), error: None },
                Err(error) => TeamMemberWithError { user_id: user, member: None, error: Some(error) },
            });
        }
        Ok(wire::CreateTeamMembersGracefullyResponse { error: None, team_members: wires(results) })
    });
    router.route_async(|api, r: wire::DeleteTeamMemberRequest| async move {
        let requestor = opt_id(r.requestor_id);
        let result = api.host.leave_team(&id(r.team_id), &id(r.user_id), requestor.as_ref()).await;
        answer(result, |()| wire::DeleteTeamMemberResponse { error: None })
    });
    router.route(|api, r: wire::GetTeamMembersRequest| {
        let members = api.with(|s| s.team_members_of(&id(r.team_id), r.page, r.per_page));
        answer(members, |m| wire::GetTeamMembersResponse { error: None, team_members: wires(m) })
    });
    router.route(|api, r: wire::GetTeamMemberRequest| {
        let member = api.with(|s| s.team_member(&id(r.team_id), &id(r.user_id)));
        answer(member, |m| wire::GetTeamMemberResponse { error: None, team_member: Some(m.into()) })
    });
    router.route(|api, r: wire::GetTeamMembersForUserRequest| {
        let members = api.with(|s| s.team_members_for_user(&id(r.user_id), r.page, r.per_page));
        answer(members, |m| wire::GetTeamMembersForUserResponse { error: None, team_members: wires(m) })
    });
    router.route(|api, r: wire::UpdateTeamMemberRolesRequest| {
        let member = api.with(|s| s.update_team_member_roles(&id(r.team_id), &id(r.user_id), &r.new_roles));
        answer(member, |m| wire::UpdateTeamMemberRolesResponse { error: None, team_member: Some(m.into()) })
    });
    router.route(|api, r: wire::GetTeamIconRequest| {
        let icon = api.with(|s| s.team_icon(&id(r.team_id)));
        answer(icon, |icon| wire::GetTeamIconResponse { error: None, icon })
    });
    router.route(|api, r: wire::SetTeamIconRequest| {
        let result = api.with(|s| s.set_team_icon(&id(r.team_id), r.data));
        answer(result, |()| wire::SetTeamIconResponse { error: None })
    });
    router.route(|api, r: wire::RemoveTeamIconRequest| {
        let result = api.with(|s| s.remove_team_icon(&id(r.team_id)));
        answer(result, |()| wire::RemoveTeamIconResponse { error: None })
    });
    router.route(|api, r: wire::GetTeamStatsRequest| {
        let stats = api.with(|s| s.team_stats(&id(r.team_id)));
        answer(stats, |st| wire::GetTeamStatsResponse { error: None, team_stats: Some(st.into()) })
    });
}
