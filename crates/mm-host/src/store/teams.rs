//! Teams, team membership, icons, statistics and unread counts.

use bytes::Bytes;
use mm_types::{Channel, ChannelType, Team, TeamId, TeamMember, TeamStats, TeamUnread, UserId};

use super::errors::{bad_request, not_found};
use super::{AppResult, State, Store, page};

/// Team names the server keeps for its own URLs.
const RESERVED_TEAM_NAMES: &[&str] = &[
    "admin",
    "api",
    "channel",
    "claim",
    "error",
    "files",
    "help",
    "landing",
    "login",
    "mfa",
    "oauth",
    "plug",
    "plugins",
    "post",
    "signup",
    "boards",
    "playbooks",
];

/// The channels every team has and every new member joins.
pub(crate) const DEFAULT_CHANNELS: &[(&str, &str)] =
    &[("town-square", "Town Square"), ("off-topic", "Off-Topic")];

fn missing_team(id: &str) -> mm_types::AppError {
    not_found("app.team.get.find.app_error", format!("Unable to find the existing team ({id})."))
}

fn missing_member() -> mm_types::AppError {
    not_found("app.team.get_member.missing.app_error", "No team member found for that user ID and team ID.")
}

fn validate_team(team: &Team) -> AppResult<()> {
    let name = team.name.as_str();
    let name_ok = (2..=64).contains(&name.len())
        && name.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        && !name.starts_with('-')
        && !name.ends_with('-')
        && !name.contains("--")
        && !RESERVED_TEAM_NAMES.contains(&name);
    if !name_ok {
        return Err(bad_request(
            "model.team.is_valid.name.app_error",
            format!("Invalid team name {name:?}: use 2 to 64 lowercase letters, digits or single '-'."),
        ));
    }
    if team.display_name.trim().is_empty() || team.display_name.chars().count() > 64 {
        return Err(bad_request(
            "model.team.is_valid.characters.app_error",
            "The team's display name must be 1 to 64 characters long.",
        ));
    }
    Ok(())
}

impl State {
    /// Creates a team and its default channels (Town Square, Off-Topic).
    pub(crate) fn create_team(&mut self, mut team: Team) -> AppResult<Team> {
        validate_team(&team)?;
        if self.teams.values().any(|t| t.name == team.name) {
            return Err(bad_request(
                "app.team.save.existing.app_error",
                "A team with that name already exists.",
            ));
        }
        let now = self.tick();
        team.id = TeamId::generate();
        team.create_at = now;
        team.update_at = now;
        team.delete_at = None;
        if team.invite_id.is_empty() {
            team.invite_id = TeamId::generate().into_string();
        }
        self.teams.insert(team.id.clone(), team.clone());
        for (name, display_name) in DEFAULT_CHANNELS {
            let channel = Channel::new(team.id.clone(), *name, *display_name).with_kind(ChannelType::Open);
            self.create_channel(channel)?;
        }
        Ok(team)
    }

    pub(crate) fn team(&self, id: &TeamId) -> AppResult<&Team> {
        self.teams.get(id).ok_or_else(|| missing_team(id.as_str()))
    }

    pub(crate) fn team_by_name(&self, name: &str) -> AppResult<Team> {
        self.teams.values().find(|t| t.name == name).cloned().ok_or_else(|| {
            not_found("app.team.get_by_name.missing.app_error", format!("Unable to find the team {name:?}."))
        })
    }

    /// Teams sorted by display name (archived teams included, as the PluginAPI does).
    pub(crate) fn all_teams(&self) -> Vec<Team> {
        let mut teams: Vec<Team> = self.teams.values().cloned().collect();
        teams.sort_by(|a, b| a.display_name.cmp(&b.display_name).then(a.name.cmp(&b.name)));
        teams
    }

    pub(crate) fn search_teams(&self, term: &str) -> Vec<Team> {
        let term = term.trim().to_lowercase();
        self.all_teams()
            .into_iter()
            .filter(|t| t.name.contains(&term) || t.display_name.to_lowercase().contains(&term))
            .collect()
    }

    pub(crate) fn teams_for_user(&self, user: &UserId) -> AppResult<Vec<Team>> {
        self.user(user)?;
        Ok(self.all_teams().into_iter().filter(|t| self.is_team_member(&t.id, user)).collect())
    }

    pub(crate) fn update_team(&mut self, mut team: Team) -> AppResult<Team> {
        let existing = self.team(&team.id)?.clone();
        validate_team(&team)?;
        if self.teams.values().any(|t| t.name == team.name && t.id != team.id) {
            return Err(bad_request(
                "app.team.save.existing.app_error",
                "A team with that name already exists.",
            ));
        }
        team.create_at = existing.create_at;
        team.delete_at = existing.delete_at;
        team.update_at = self.tick();
        self.teams.insert(team.id.clone(), team.clone());
        Ok(team)
    }

    /// Archives a team.
    pub(crate) fn delete_team(&mut self, id: &TeamId) -> AppResult<()> {
        let now = self.tick();
        let team = self.teams.get_mut(id).ok_or_else(|| missing_team(id.as_str()))?;
        team.delete_at = Some(now);
        team.update_at = now;
        Ok(())
    }

    /// Adds a user to a team. Returns the membership and whether the user just joined (a
    /// user who is already a member gets the existing membership).
    pub(crate) fn add_team_member(
        &mut self,
        team_id: &TeamId,
        user_id: &UserId,
    ) -> AppResult<(TeamMember, bool)> {
        if self.team(team_id)?.delete_at.is_some() {
            return Err(bad_request("api.team.add_user_to_team.deleted.app_error", "The team is archived."));
        }
        if self.user(user_id)?.delete_at.is_some() {
            return Err(bad_request(
                "app.team.join_user_to_team.deactivated.app_error",
                "A deactivated user cannot join a team.",
            ));
        }
        let key = (team_id.clone(), user_id.clone());
        if let Some(existing) = self.team_members.get(&key).filter(|m| m.delete_at.is_none()) {
            return Ok((existing.clone(), false));
        }
        let member = TeamMember {
            team_id: team_id.clone(),
            user_id: user_id.clone(),
            roles: String::new(),
            delete_at: None,
            scheme_guest: false,
            scheme_user: true,
            scheme_admin: false,
            create_at: self.tick(),
            explicit_roles: String::new(),
        };
        self.team_members.insert(key, member.clone());
        Ok((member, true))
    }

    /// Removes a user from a team and from the team's channels.
    pub(crate) fn remove_team_member(&mut self, team_id: &TeamId, user_id: &UserId) -> AppResult<TeamMember> {
        self.team(team_id)?;
        let now = self.tick();
        let key = (team_id.clone(), user_id.clone());
        let member =
            self.team_members.get_mut(&key).filter(|m| m.delete_at.is_none()).ok_or_else(missing_member)?;
        member.delete_at = Some(now);
        let member = member.clone();
        let team_channels: Vec<_> = self
            .channels
            .values()
            .filter(|c| c.team_id.as_ref() == Some(team_id))
            .map(|c| c.id.clone())
            .collect();
        for channel in team_channels {
            self.channel_members.remove(&(channel, user_id.clone()));
        }
        Ok(member)
    }

    pub(crate) fn team_member(&self, team_id: &TeamId, user_id: &UserId) -> AppResult<TeamMember> {
        self.team(team_id)?;
        self.team_members
            .get(&(team_id.clone(), user_id.clone()))
            .filter(|m| m.delete_at.is_none())
            .cloned()
            .ok_or_else(missing_member)
    }

    /// Active members of a team, oldest first.
    pub(crate) fn team_members_of(
        &self,
        team_id: &TeamId,
        page_no: i32,
        per_page: i32,
    ) -> AppResult<Vec<TeamMember>> {
        self.team(team_id)?;
        let mut members: Vec<TeamMember> = self
            .team_members
            .values()
            .filter(|m| &m.team_id == team_id && m.delete_at.is_none())
            .cloned()
            .collect();
        members.sort_by(|a, b| a.create_at.cmp(&b.create_at).then(a.user_id.cmp(&b.user_id)));
        Ok(page(members, page_no, per_page))
    }

    pub(crate) fn team_members_for_user(
        &self,
        user_id: &UserId,
        page_no: i32,
        per_page: i32,
    ) -> AppResult<Vec<TeamMember>> {
        self.user(user_id)?;
        let mut members: Vec<TeamMember> = self
            .team_members
            .values()
            .filter(|m| &m.user_id == user_id && m.delete_at.is_none())
            .cloned()
            .collect();
        members.sort_by_key(|a| a.create_at);
        Ok(page(members, page_no, per_page))
    }

    pub(crate) fn update_team_member_roles(
        &mut self,
        team_id: &TeamId,
        user_id: &UserId,
        roles: &str,
    ) -> AppResult<TeamMember> {
        self.team_member(team_id, user_id)?;
        let member =
            self.team_members.get_mut(&(team_id.clone(), user_id.clone())).ok_or_else(missing_member)?;
        // As on the server, the scheme roles move to their flags; other roles stay explicit.
        let mut explicit = Vec::new();
        member.scheme_user = false;
        member.scheme_admin = false;
        member.scheme_guest = false;
        for role in roles.split_whitespace() {
            match role {
                "team_user" => member.scheme_user = true,
                "team_admin" => member.scheme_admin = true,
                "team_guest" => member.scheme_guest = true,
                other => explicit.push(other),
            }
        }
        member.roles = explicit.join(" ");
        Ok(member.clone())
    }

    pub(crate) fn team_icon(&self, id: &TeamId) -> AppResult<Bytes> {
        self.team(id)?;
        self.team_icons
            .get(id)
            .cloned()
            .ok_or_else(|| not_found("api.team.get_team_icon.read_file.app_error", "The team has no icon."))
    }

    pub(crate) fn set_team_icon(&mut self, id: &TeamId, data: Bytes) -> AppResult<()> {
        if data.is_empty() {
            return Err(bad_request("api.team.set_team_icon.decode.app_error", "The image is empty."));
        }
        let now = self.tick();
        let team = self.teams.get_mut(id).ok_or_else(|| missing_team(id.as_str()))?;
        team.last_team_icon_update = Some(now);
        self.team_icons.insert(id.clone(), data);
        Ok(())
    }

    pub(crate) fn remove_team_icon(&mut self, id: &TeamId) -> AppResult<()> {
        let team = self.teams.get_mut(id).ok_or_else(|| missing_team(id.as_str()))?;
        team.last_team_icon_update = None;
        self.team_icons.remove(id);
        Ok(())
    }

    pub(crate) fn team_stats(&self, id: &TeamId) -> AppResult<TeamStats> {
        self.team(id)?;
        let members: Vec<&UserId> = self
            .team_members
            .values()
            .filter(|m| &m.team_id == id && m.delete_at.is_none())
            .map(|m| &m.user_id)
            .collect();
        let active =
            members.iter().filter(|u| self.users.get(**u).is_some_and(|u| u.delete_at.is_none())).count();
        Ok(TeamStats {
            team_id: id.clone(),
            total_member_count: members.len() as i64,
            active_member_count: active as i64,
        })
    }

    /// Unread counts per team: messages posted in the user's channels since they last read them.
    pub(crate) fn team_unreads(&self, user_id: &UserId) -> AppResult<Vec<TeamUnread>> {
        let teams = self.teams_for_user(user_id)?;
        Ok(teams
            .into_iter()
            .map(|team| {
                let mut unread = TeamUnread { team_id: team.id.clone(), ..TeamUnread::default() };
                for channel in self.channels.values().filter(|c| c.team_id.as_ref() == Some(&team.id)) {
                    if let Some(m) = self.channel_members.get(&(channel.id.clone(), user_id.clone())) {
                        unread.msg_count += (channel.total_msg_count - m.msg_count).max(0);
                        unread.msg_count_root += (channel.total_msg_count_root - m.msg_count_root).max(0);
                        unread.mention_count += m.mention_count;
                        unread.mention_count_root += m.mention_count_root;
                    }
                }
                unread
            })
            .collect())
    }
}

impl Store {
    /// The team with this id.
    pub fn team(&self, id: &TeamId) -> Option<Team> {
        self.lock().teams.get(id).cloned()
    }

    /// The team with this name.
    pub fn team_by_name(&self, name: &str) -> Option<Team> {
        self.lock().team_by_name(name).ok()
    }

    /// Every team, sorted by display name.
    pub fn teams(&self) -> Vec<Team> {
        self.lock().all_teams()
    }

    /// Whether the user is an active member of the team.
    pub fn is_team_member(&self, team: &TeamId, user: &UserId) -> bool {
        self.lock().is_team_member(team, user)
    }
}
