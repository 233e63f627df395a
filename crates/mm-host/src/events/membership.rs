//! Users, teams and channels: `UserHasBeenCreated`, `UserHasBeenDeactivated`,
//! `ChannelHasBeenCreated`, `UserHasJoined/LeftChannel`, `UserHasJoined/LeftTeam`.

use mm_hooks::requests;
use mm_types::{AppError, Channel, ChannelId, ChannelMember, TeamId, TeamMember, User, UserId};

use crate::Host;
use crate::store::DEFAULT_CHANNELS;

impl Host {
    fn actor(&self, actor: Option<&UserId>) -> Option<User> {
        actor.and_then(|id| self.store().user(id))
    }

    /// Creates a user, then runs `UserHasBeenCreated`.
    pub async fn create_user(&self, user: User) -> Result<User, AppError> {
        let user = self.store().with(|s| s.create_user(user))?;
        self.notify_each(requests::user_has_been_created(Some(self.plugin_context()), user.clone()));
        Ok(user)
    }

    /// Activates or deactivates a user; deactivation runs `UserHasBeenDeactivated`.
    pub async fn set_user_active(&self, user_id: &UserId, active: bool) -> Result<User, AppError> {
        let was_active = self.store().user(user_id).is_some_and(|u| u.delete_at.is_none());
        let user = self.store().with(|s| s.set_user_active(user_id, active))?;
        if was_active && !active {
            self.notify_each(requests::user_has_been_deactivated(Some(self.plugin_context()), user.clone()));
        }
        Ok(user)
    }

    /// Creates a public or private channel (its creator becomes a member), then runs
    /// `ChannelHasBeenCreated`.
    pub async fn create_channel(&self, channel: Channel) -> Result<Channel, AppError> {
        let channel = self.store().with(|s| s.create_channel(channel))?;
        self.after_channel_created(&channel);
        Ok(channel)
    }

    /// The direct channel of two users, created (running `ChannelHasBeenCreated`) on first use.
    pub async fn direct_channel(&self, a: &UserId, b: &UserId) -> Result<Channel, AppError> {
        let (channel, created) = self.store().with(|s| s.direct_channel(a, b))?;
        if created {
            self.after_channel_created(&channel);
        }
        Ok(channel)
    }

    /// The group channel of 3 to 8 users, created (running `ChannelHasBeenCreated`) on first use.
    pub async fn group_channel(&self, users: &[UserId]) -> Result<Channel, AppError> {
        let (channel, created) = self.store().with(|s| s.group_channel(users))?;
        if created {
            self.after_channel_created(&channel);
        }
        Ok(channel)
    }

    fn after_channel_created(&self, channel: &Channel) {
        self.notify_each(requests::channel_has_been_created(Some(self.plugin_context()), channel.clone()));
    }

    /// Adds a user to a channel; a new member runs `UserHasJoinedChannel` (with `actor`, the
    /// user who added them, if it was someone else).
    pub async fn join_channel(
        &self,
        channel_id: &ChannelId,
        user_id: &UserId,
        actor: Option<&UserId>,
    ) -> Result<ChannelMember, AppError> {
        let (member, joined) = self.store().with(|s| s.add_channel_member(channel_id, user_id))?;
        if joined {
            let cx = Some(self.plugin_context());
            self.notify_each(requests::user_has_joined_channel(cx, member.clone(), self.actor(actor)));
        }
        Ok(member)
    }

    /// Removes a user from a channel, then runs `UserHasLeftChannel`.
    pub async fn leave_channel(
        &self,
        channel_id: &ChannelId,
        user_id: &UserId,
        actor: Option<&UserId>,
    ) -> Result<(), AppError> {
        let member = self.store().with(|s| s.remove_channel_member(channel_id, user_id))?;
        self.notify_each(requests::user_has_left_channel(
            Some(self.plugin_context()),
            member,
            self.actor(actor),
        ));
        Ok(())
    }

    /// Adds a user to a team, then runs `UserHasJoinedTeam` and adds them to the team's
    /// default channels (Town Square, Off-Topic), which runs `UserHasJoinedChannel`.
    pub async fn join_team(
        &self,
        team_id: &TeamId,
        user_id: &UserId,
        actor: Option<&UserId>,
    ) -> Result<TeamMember, AppError> {
        let (member, joined) = self.store().with(|s| s.add_team_member(team_id, user_id))?;
        if joined {
            let cx = Some(self.plugin_context());
            self.notify_each(requests::user_has_joined_team(cx, member.clone(), self.actor(actor)));
            for (name, _) in DEFAULT_CHANNELS {
                let channel = self.store().with(|s| s.channel_by_name(team_id, name, false));
                if let Ok(channel) = channel {
                    self.join_channel(&channel.id, user_id, actor).await?;
                }
            }
        }
        Ok(member)
    }

    /// Removes a user from a team (and its channels), then runs `UserHasLeftTeam`.
    pub async fn leave_team(
        &self,
        team_id: &TeamId,
        user_id: &UserId,
        actor: Option<&UserId>,
    ) -> Result<(), AppError> {
        let member: TeamMember = self.store().with(|s| s.remove_team_member(team_id, user_id))?;
        self.notify_each(requests::user_has_left_team(
            Some(self.plugin_context()),
            member,
            self.actor(actor),
        ));
        Ok(())
    }
}

impl Host {
    /// Adds the members of auto-add groups to the teams and channels the groups are synced to
    /// (running the join hooks), as `CreateDefaultSyncableMemberships` does.
    pub async fn create_default_syncable_memberships(
        &self,
        teams: bool,
        channels: bool,
    ) -> Result<(), AppError> {
        let wanted = self.store().with(|s| s.default_syncable_memberships(teams, channels));
        for (syncable, user) in wanted {
            match syncable.syncable_type {
                mm_types::GroupSyncableType::Team => {
                    self.join_team(&TeamId::from_raw(syncable.syncable_id.clone()), &user, None).await?;
                }
                _ => {
                    let channel = ChannelId::from_raw(syncable.syncable_id.clone());
                    // A channel member must be in the channel's team first, as on the server.
                    if let Some(team) = self.store().channel(&channel).and_then(|c| c.team_id) {
                        self.join_team(&team, &user, None).await?;
                    }
                    self.join_channel(&channel, &user, None).await?;
                }
            }
        }
        Ok(())
    }

    /// Removes members of group-constrained teams and channels who are in none of their
    /// groups (running the leave hooks), as `DeleteGroupConstrainedMemberships` does.
    pub async fn delete_group_constrained_memberships(&self) -> Result<(), AppError> {
        let (teams, channels) = self.store().with(|s| s.unconstrained_members());
        for (channel, user) in channels {
            self.leave_channel(&channel, &user, None).await?;
        }
        for (team, user) in teams {
            self.leave_team(&team, &user, None).await?;
        }
        Ok(())
    }
}
