//! Channels (public, private, direct, group), channel membership and sidebar categories.

use std::collections::HashMap;

use mm_types::convert::IntoWire;
use mm_types::{
    Channel, ChannelId, ChannelMember, ChannelMemberIdentifier, ChannelStats, ChannelType, Deleted,
    OrderedSidebarCategories, SidebarCategoryWithChannels, TeamId, UserId, wire,
};
use mm_types::{Page, Role};

use super::ids;
use crate::client::{ApiClient, from_wire, payload};
use crate::mode::Mode;

/// Channels, channel members and sidebar categories: `client.channels()`.
#[derive(Debug)]
pub struct Channels<'a, M: Mode> {
    client: &'a ApiClient<M>,
}

impl<M: Mode> ApiClient<M> {
    /// Channels, channel members and sidebar categories.
    pub fn channels(&self) -> Channels<'_, M> {
        Channels { client: self }
    }
}

impl<M: Mode> Channels<'_, M> {
    /// Creates a channel (`CreateChannel`) and returns it as stored.
    ///
    /// ```no_run
    /// # async fn demo(client: mm_client::Client, team: mm_types::TeamId) -> mm_client::Result<()> {
    /// use mm_types::{Channel, ChannelType};
    /// let channel = Channel::new(team, "incidents", "Incidents").with_kind(ChannelType::Private);
    /// let created = client.channels().create(channel).await?;
    /// # Ok(()) }
    /// ```
    pub fn create(&self, channel: Channel) -> M::Output<Channel> {
        let request = wire::CreateChannelRequest { channel: Some(channel.into_wire()) };
        self.client.call(request, |r| payload(r.channel, "channel"))
    }

    /// Archives a channel (`DeleteChannel`).
    pub fn delete(&self, channel_id: &ChannelId) -> M::Output<()> {
        let request = wire::DeleteChannelRequest { channel_id: channel_id.to_string() };
        self.client.call(request, |_| Ok(()))
    }

    /// Restores a deleted channel (`RestoreChannel`).
    ///
    /// Only the stock servers' net/rpc protocol has this RPC: over gRPC it fails at once with
    /// [`ErrorKind::Unsupported`](crate::ErrorKind::Unsupported).
    pub fn restore(&self, channel_id: &ChannelId) -> M::Output<()> {
        let request = wire::RestoreChannelRequest { channel_id: channel_id.to_string() };
        self.client.call(request, |_| Ok(()))
    }

    /// A channel by id, only if it is of `kind` (`GetChannelOfType`).
    ///
    /// Only the stock servers' net/rpc protocol has this RPC: over gRPC it fails at once with
    /// [`ErrorKind::Unsupported`](crate::ErrorKind::Unsupported).
    pub fn get_of_type(&self, channel_id: &ChannelId, kind: ChannelType) -> M::Output<Channel> {
        let request =
            wire::GetChannelOfTypeRequest { channel_id: channel_id.to_string(), channel_type: kind.code() };
        self.client.call(request, |r| payload(r.channel, "channel"))
    }

    /// Makes the plugin the guard of a channel: the server then asks it before changes to the
    /// channel (`RegisterChannelGuard`).
    ///
    /// Only the stock servers' net/rpc protocol has this RPC: over gRPC it fails at once with
    /// [`ErrorKind::Unsupported`](crate::ErrorKind::Unsupported).
    pub fn register_guard(&self, channel_id: &ChannelId) -> M::Output<()> {
        let request = wire::RegisterChannelGuardRequest { channel_id: channel_id.to_string() };
        self.client.call(request, |_| Ok(()))
    }

    /// Stops guarding a channel (`UnregisterChannelGuard`).
    ///
    /// Only the stock servers' net/rpc protocol has this RPC: over gRPC it fails at once with
    /// [`ErrorKind::Unsupported`](crate::ErrorKind::Unsupported).
    pub fn unregister_guard(&self, channel_id: &ChannelId) -> M::Output<()> {
        let request = wire::UnregisterChannelGuardRequest { channel_id: channel_id.to_string() };
        self.client.call(request, |_| Ok(()))
    }

    /// A page of a team's public channels (`GetPublicChannelsForTeam`).
    pub fn public_for_team(&self, team_id: &TeamId, page: Page) -> M::Output<Vec<Channel>> {
        let request = wire::GetPublicChannelsForTeamRequest {
            team_id: team_id.to_string(),
            page: page.wire_index(),
            per_page: page.wire_per_page(),
        };
        self.client.call(request, |r| from_wire(r.channels))
    }

    /// A channel by id (`GetChannel`).
    ///
    /// ```no_run
    /// # async fn demo(client: mm_client::Client, id: mm_types::ChannelId) -> mm_client::Result<()> {
    /// let channel = client.channels().get(&id).await?;
    /// println!("~{} ({})", channel.name, channel.display_name);
    /// # Ok(()) }
    /// ```
    pub fn get(&self, channel_id: &ChannelId) -> M::Output<Channel> {
        let request = wire::GetChannelRequest { channel_id: channel_id.to_string() };
        self.client.call(request, |r| payload(r.channel, "channel"))
    }

    /// A channel by team and URL name (`GetChannelByName`).
    pub fn get_by_name(&self, team_id: &TeamId, name: &str, deleted: Deleted) -> M::Output<Channel> {
        let request = wire::GetChannelByNameRequest {
            team_id: team_id.to_string(),
            name: name.to_owned(),
            include_deleted: deleted.included(),
        };
        self.client.call(request, |r| payload(r.channel, "channel"))
    }

    /// A channel by team name and channel name (`GetChannelByNameForTeamName`).
    pub fn get_by_name_for_team_name(
        &self,
        team_name: &str,
        channel_name: &str,
        deleted: Deleted,
    ) -> M::Output<Channel> {
        let request = wire::GetChannelByNameForTeamNameRequest {
            team_name: team_name.to_owned(),
            channel_name: channel_name.to_owned(),
            include_deleted: deleted.included(),
        };
        self.client.call(request, |r| payload(r.channel, "channel"))
    }

    /// The channels of a team a user is a member of (`GetChannelsForTeamForUser`).
    pub fn for_team_for_user(
        &self,
        team_id: &TeamId,
        user_id: &UserId,
        deleted: Deleted,
    ) -> M::Output<Vec<Channel>> {
        let request = wire::GetChannelsForTeamForUserRequest {
            team_id: team_id.to_string(),
            user_id: user_id.to_string(),
            include_deleted: deleted.included(),
        };
        self.client.call(request, |r| from_wire(r.channels))
    }

    /// Member, guest, pinned post and file counts of a channel (`GetChannelStats`).
    pub fn stats(&self, channel_id: &ChannelId) -> M::Output<ChannelStats> {
        let request = wire::GetChannelStatsRequest { channel_id: channel_id.to_string() };
        self.client.call(request, |r| payload(r.channel_stats, "channel_stats"))
    }

    /// The direct-message channel of two users, created if needed (`GetDirectChannel`).
    pub fn direct(&self, user_a: &UserId, user_b: &UserId) -> M::Output<Channel> {
        let request =
            wire::GetDirectChannelRequest { user_id_1: user_a.to_string(), user_id_2: user_b.to_string() };
        self.client.call(request, |r| payload(r.channel, "channel"))
    }

    /// The group-message channel of three to eight users, created if needed
    /// (`GetGroupChannel`).
    pub fn group(&self, user_ids: &[UserId]) -> M::Output<Channel> {
        let request = wire::GetGroupChannelRequest { user_ids: ids(user_ids) };
        self.client.call(request, |r| payload(r.channel, "channel"))
    }

    /// Updates a channel (`UpdateChannel`) and returns it as stored.
    pub fn update(&self, channel: Channel) -> M::Output<Channel> {
        let request = wire::UpdateChannelRequest { channel: Some(channel.into_wire()) };
        self.client.call(request, |r| payload(r.channel, "channel"))
    }

    /// Channels of a team whose name matches `term` (`SearchChannels`).
    pub fn search(&self, team_id: &TeamId, term: &str) -> M::Output<Vec<Channel>> {
        let request = wire::SearchChannelsRequest { team_id: team_id.to_string(), term: term.to_owned() };
        self.client.call(request, |r| from_wire(r.channels))
    }

    /// Adds a user to a channel (`AddChannelMember`).
    pub fn add_member(&self, channel_id: &ChannelId, user_id: &UserId) -> M::Output<ChannelMember> {
        let request = wire::AddChannelMemberRequest {
            channel_id: channel_id.to_string(),
            user_id: user_id.to_string(),
        };
        self.client.call(request, |r| payload(r.channel_member, "channel_member"))
    }

    /// Adds a user to a channel on behalf of `as_user`, who is shown as having added them
    /// (`AddUserToChannel`).
    pub fn add_user(
        &self,
        channel_id: &ChannelId,
        user_id: &UserId,
        as_user: &UserId,
    ) -> M::Output<ChannelMember> {
        let request = wire::AddUserToChannelRequest {
            channel_id: channel_id.to_string(),
            user_id: user_id.to_string(),
            as_user_id: as_user.to_string(),
        };
        self.client.call(request, |r| payload(r.channel_member, "channel_member"))
    }

    /// A user's membership of a channel (`GetChannelMember`).
    pub fn member(&self, channel_id: &ChannelId, user_id: &UserId) -> M::Output<ChannelMember> {
        let request = wire::GetChannelMemberRequest {
            channel_id: channel_id.to_string(),
            user_id: user_id.to_string(),
        };
        self.client.call(request, |r| payload(r.channel_member, "channel_member"))
    }

    /// A page of a channel's members (`GetChannelMembers`).
    pub fn members(&self, channel_id: &ChannelId, page: Page) -> M::Output<Vec<ChannelMember>> {
        let request = wire::GetChannelMembersRequest {
            channel_id: channel_id.to_string(),
            page: page.wire_index(),
            per_page: page.wire_per_page(),
        };
        self.client.call(request, |r| from_wire(r.channel_members))
    }

    /// The memberships of some users in a channel (`GetChannelMembersByIds`).
    pub fn members_by_ids(
        &self,
        channel_id: &ChannelId,
        user_ids: &[UserId],
    ) -> M::Output<Vec<ChannelMember>> {
        let request = wire::GetChannelMembersByIdsRequest {
            channel_id: channel_id.to_string(),
            user_ids: ids(user_ids),
        };
        self.client.call(request, |r| from_wire(r.channel_members))
    }

    /// A page of a user's channel memberships in a team (`GetChannelMembersForUser`).
    pub fn members_for_user(
        &self,
        team_id: &TeamId,
        user_id: &UserId,
        page: Page,
    ) -> M::Output<Vec<ChannelMember>> {
        let request = wire::GetChannelMembersForUserRequest {
            team_id: team_id.to_string(),
            user_id: user_id.to_string(),
            page: page.wire_index(),
            per_page: page.wire_per_page(),
        };
        self.client.call(request, |r| from_wire(r.channel_members))
    }

    /// Replaces a member's channel roles (`UpdateChannelMemberRoles`; the wire's space-separated list).
    pub fn update_member_roles(
        &self,
        channel_id: &ChannelId,
        user_id: &UserId,
        roles: &[Role],
    ) -> M::Output<ChannelMember> {
        let request = wire::UpdateChannelMemberRolesRequest {
            channel_id: channel_id.to_string(),
            user_id: user_id.to_string(),
            new_roles: Role::join(roles),
        };
        self.client.call(request, |r| payload(r.channel_member, "channel_member"))
    }

    /// Updates a member's notification settings (`UpdateChannelMemberNotifications`).
    pub fn update_member_notifications(
        &self,
        channel_id: &ChannelId,
        user_id: &UserId,
        notifications: HashMap<String, String>,
    ) -> M::Output<ChannelMember> {
        let request = wire::UpdateChannelMemberNotificationsRequest {
            channel_id: channel_id.to_string(),
            user_id: user_id.to_string(),
            notifications,
        };
        self.client.call(request, |r| payload(r.channel_member, "channel_member"))
    }

    /// Applies the same notification settings to several memberships
    /// (`PatchChannelMembersNotifications`).
    pub fn patch_members_notifications(
        &self,
        members: Vec<ChannelMemberIdentifier>,
        notify_props: HashMap<String, String>,
    ) -> M::Output<()> {
        let request =
            wire::PatchChannelMembersNotificationsRequest { members: members.into_wire(), notify_props };
        self.client.call(request, |_| Ok(()))
    }

    /// Removes a user from a channel (`DeleteChannelMember`).
    pub fn delete_member(&self, channel_id: &ChannelId, user_id: &UserId) -> M::Output<()> {
        let request = wire::DeleteChannelMemberRequest {
            channel_id: channel_id.to_string(),
            user_id: user_id.to_string(),
        };
        self.client.call(request, |_| Ok(()))
    }

    /// Creates a sidebar category for a user in a team (`CreateChannelSidebarCategory`).
    pub fn create_sidebar_category(
        &self,
        user_id: &UserId,
        team_id: &TeamId,
        category: SidebarCategoryWithChannels,
    ) -> M::Output<SidebarCategoryWithChannels> {
        let request = wire::CreateChannelSidebarCategoryRequest {
            user_id: user_id.to_string(),
            team_id: team_id.to_string(),
            new_category: Some(category.into_wire()),
        };
        self.client.call(request, |r| payload(r.category, "category"))
    }

    /// A user's sidebar categories in a team, in order (`GetChannelSidebarCategories`).
    pub fn sidebar_categories(
        &self,
        user_id: &UserId,
        team_id: &TeamId,
    ) -> M::Output<OrderedSidebarCategories> {
        let request = wire::GetChannelSidebarCategoriesRequest {
            user_id: user_id.to_string(),
            team_id: team_id.to_string(),
        };
        self.client.call(request, |r| payload(r.categories, "categories"))
    }

    /// Updates a user's sidebar categories in a team (`UpdateChannelSidebarCategories`).
    pub fn update_sidebar_categories(
        &self,
        user_id: &UserId,
        team_id: &TeamId,
        categories: Vec<SidebarCategoryWithChannels>,
    ) -> M::Output<Vec<SidebarCategoryWithChannels>> {
        let request = wire::UpdateChannelSidebarCategoriesRequest {
            user_id: user_id.to_string(),
            team_id: team_id.to_string(),
            categories: categories.into_wire(),
        };
        self.client.call(request, |r| from_wire(r.categories))
    }
}
