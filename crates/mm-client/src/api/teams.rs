//! Teams, team membership, team icons and statistics.

use bytes::Bytes;
use mm_types::convert::IntoWire;
use mm_types::{Page, Role};
use mm_types::{Team, TeamId, TeamMember, TeamMemberWithError, TeamStats, TeamUnread, UserId, wire};

use super::ids;
use crate::client::{ApiClient, from_wire, payload};
use crate::mode::Mode;

/// Teams, team membership, team icons and statistics: `client.teams()`.
///
/// ```no_run
/// # async fn demo(client: mm_client::Client, channel: mm_types::ChannelId, user: mm_types::UserId) -> mm_client::Result<()> {
/// let team = client.teams().get_by_name("engineering").await?;
/// let members = client.teams().members(&team.id, mm_types::Page::first(100)).await?;
/// # Ok(()) }
/// ```
#[derive(Debug)]
pub struct Teams<'a, M: Mode> {
    client: &'a ApiClient<M>,
}

impl<M: Mode> ApiClient<M> {
    /// Teams, team membership, team icons and statistics.
    pub fn teams(&self) -> Teams<'_, M> {
        Teams { client: self }
    }
}

impl<M: Mode> Teams<'_, M> {
    /// Creates a team and returns it as stored (`CreateTeam`).
    pub fn create(&self, team: Team) -> M::Output<Team> {
        let request = wire::CreateTeamRequest { team: Some(team.into_wire()) };
        self.client.call(request, |r| payload(r.team, "team"))
    }

    /// Archives a team (`DeleteTeam`).
    pub fn delete(&self, team_id: &TeamId) -> M::Output<()> {
        let request = wire::DeleteTeamRequest { team_id: team_id.to_string() };
        self.client.call(request, |_| Ok(()))
    }

    /// Every team on the server (`GetTeams`).
    pub fn list(&self) -> M::Output<Vec<Team>> {
        let request = wire::GetTeamsRequest {};
        self.client.call(request, |r| from_wire(r.teams))
    }

    /// A team by id (`GetTeam`).
    pub fn get(&self, team_id: &TeamId) -> M::Output<Team> {
        let request = wire::GetTeamRequest { team_id: team_id.to_string() };
        self.client.call(request, |r| payload(r.team, "team"))
    }

    /// A team by URL name (`GetTeamByName`).
    pub fn get_by_name(&self, name: &str) -> M::Output<Team> {
        let request = wire::GetTeamByNameRequest { name: name.to_owned() };
        self.client.call(request, |r| payload(r.team, "team"))
    }

    /// Unread message and mention counts of a user, per team (`GetTeamsUnreadForUser`).
    pub fn unreads_for_user(&self, user_id: &UserId) -> M::Output<Vec<TeamUnread>> {
        let request = wire::GetTeamsUnreadForUserRequest { user_id: user_id.to_string() };
        self.client.call(request, |r| from_wire(r.team_unreads))
    }

    /// Updates a team and returns it as stored (`UpdateTeam`).
    pub fn update(&self, team: Team) -> M::Output<Team> {
        let request = wire::UpdateTeamRequest { team: Some(team.into_wire()) };
        self.client.call(request, |r| payload(r.team, "team"))
    }

    /// Teams whose name matches `term` (`SearchTeams`).
    pub fn search(&self, term: &str) -> M::Output<Vec<Team>> {
        let request = wire::SearchTeamsRequest { term: term.to_owned() };
        self.client.call(request, |r| from_wire(r.teams))
    }

    /// The teams a user is a member of (`GetTeamsForUser`).
    pub fn for_user(&self, user_id: &UserId) -> M::Output<Vec<Team>> {
        let request = wire::GetTeamsForUserRequest { user_id: user_id.to_string() };
        self.client.call(request, |r| from_wire(r.teams))
    }

    /// Adds a user to a team (`CreateTeamMember`).
    pub fn add_member(&self, team_id: &TeamId, user_id: &UserId) -> M::Output<TeamMember> {
        let request =
            wire::CreateTeamMemberRequest { team_id: team_id.to_string(), user_id: user_id.to_string() };
        self.client.call(request, |r| payload(r.team_member, "team_member"))
    }

    /// Adds users to a team on behalf of `requestor` (`CreateTeamMembers`).
    pub fn add_members(
        &self,
        team_id: &TeamId,
        user_ids: &[UserId],
        requestor: &UserId,
    ) -> M::Output<Vec<TeamMember>> {
        let request = wire::CreateTeamMembersRequest {
            team_id: team_id.to_string(),
            user_ids: ids(user_ids),
            requestor_id: requestor.to_string(),
        };
        self.client.call(request, |r| from_wire(r.team_members))
    }

    /// Adds users to a team on behalf of `requestor`, reporting a failure per user instead of failing the call (`CreateTeamMembersGracefully`).
    pub fn add_members_gracefully(
        &self,
        team_id: &TeamId,
        user_ids: &[UserId],
        requestor: &UserId,
    ) -> M::Output<Vec<TeamMemberWithError>> {
        let request = wire::CreateTeamMembersGracefullyRequest {
            team_id: team_id.to_string(),
            user_ids: ids(user_ids),
            requestor_id: requestor.to_string(),
        };
        self.client.call(request, |r| from_wire(r.team_members))
    }

    /// Removes a user from a team on behalf of `requestor` (`DeleteTeamMember`).
    pub fn remove_member(&self, team_id: &TeamId, user_id: &UserId, requestor: &UserId) -> M::Output<()> {
        let request = wire::DeleteTeamMemberRequest {
            team_id: team_id.to_string(),
            user_id: user_id.to_string(),
            requestor_id: requestor.to_string(),
        };
        self.client.call(request, |_| Ok(()))
    }

    /// A page of a team's members (`GetTeamMembers`).
    pub fn members(&self, team_id: &TeamId, page: Page) -> M::Output<Vec<TeamMember>> {
        let request = wire::GetTeamMembersRequest {
            team_id: team_id.to_string(),
            page: page.wire_index(),
            per_page: page.wire_per_page(),
        };
        self.client.call(request, |r| from_wire(r.team_members))
    }

    /// A user's membership of a team (`GetTeamMember`).
    pub fn member(&self, team_id: &TeamId, user_id: &UserId) -> M::Output<TeamMember> {
        let request =
            wire::GetTeamMemberRequest { team_id: team_id.to_string(), user_id: user_id.to_string() };
        self.client.call(request, |r| payload(r.team_member, "team_member"))
    }

    /// A page of a user's team memberships (`GetTeamMembersForUser`).
    pub fn members_for_user(&self, user_id: &UserId, page: Page) -> M::Output<Vec<TeamMember>> {
        let request = wire::GetTeamMembersForUserRequest {
            user_id: user_id.to_string(),
            page: page.wire_index(),
            per_page: page.wire_per_page(),
        };
        self.client.call(request, |r| from_wire(r.team_members))
    }

    /// Replaces a member's team roles (`UpdateTeamMemberRoles`; the wire's space-separated list).
    pub fn update_member_roles(
        &self,
        team_id: &TeamId,
        user_id: &UserId,
        roles: &[Role],
    ) -> M::Output<TeamMember> {
        let request = wire::UpdateTeamMemberRolesRequest {
            team_id: team_id.to_string(),
            user_id: user_id.to_string(),
            new_roles: Role::join(roles),
        };
        self.client.call(request, |r| payload(r.team_member, "team_member"))
    }

    /// A team's icon image (`GetTeamIcon`).
    pub fn icon(&self, team_id: &TeamId) -> M::Output<Bytes> {
        let request = wire::GetTeamIconRequest { team_id: team_id.to_string() };
        self.client.call(request, |r| Ok(r.icon))
    }

    /// Sets a team's icon image (`SetTeamIcon`).
    pub fn set_icon(&self, team_id: &TeamId, image: impl Into<Bytes>) -> M::Output<()> {
        let request = wire::SetTeamIconRequest { team_id: team_id.to_string(), data: image.into() };
        self.client.call(request, |_| Ok(()))
    }

    /// Removes a team's icon image (`RemoveTeamIcon`).
    pub fn remove_icon(&self, team_id: &TeamId) -> M::Output<()> {
        let request = wire::RemoveTeamIconRequest { team_id: team_id.to_string() };
        self.client.call(request, |_| Ok(()))
    }

    /// Member counts of a team (`GetTeamStats`).
    pub fn stats(&self, team_id: &TeamId) -> M::Output<TeamStats> {
        let request = wire::GetTeamStatsRequest { team_id: team_id.to_string() };
        self.client.call(request, |r| payload(r.team_stats, "team_stats"))
    }
}
