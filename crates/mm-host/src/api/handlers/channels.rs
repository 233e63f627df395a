//! Channels, members and sidebar categories.

use mm_proto::v1 as wire;
use mm_types::{Channel, ChannelMemberIdentifier, SidebarCategoryWithChannels};

use super::{id, ids, opt_id, wires};
use crate::api::router::{ApiRouter, answer, domain, required};

/// Registers the handlers of this domain.
pub(super) fn routes(router: &mut ApiRouter) {
    // channels
    router.route_async(|api, r: wire::CreateChannelRequest| async move {
        let channel: Channel = domain(required(r.channel, "channel")?)?;
        let channel = api.host.create_channel(channel).await;
        answer(channel, |c| wire::CreateChannelResponse { error: None, channel: Some(c.into()) })
    });
    router.route(|api, r: wire::DeleteChannelRequest| {
        let result = api.with(|s| s.delete_channel(&id(r.channel_id)));
        answer(result, |_| wire::DeleteChannelResponse { error: None })
    });
    router.route(|api, r: wire::GetPublicChannelsForTeamRequest| {
        let channels = api.with(|s| s.public_channels(&id(r.team_id), r.page, r.per_page));
        answer(channels, |c| wire::GetPublicChannelsForTeamResponse { error: None, channels: wires(c) })
    });
    router.route(|api, r: wire::GetChannelRequest| {
        let channel = api.with(|s| s.channel(&id(r.channel_id)).cloned());
        answer(channel, |c| wire::GetChannelResponse { error: None, channel: Some(c.into()) })
    });
    router.route(|api, r: wire::GetChannelByNameRequest| {
        let channel = api.with(|s| s.channel_by_name(&id(r.team_id), &r.name, r.include_deleted));
        answer(channel, |c| wire::GetChannelByNameResponse { error: None, channel: Some(c.into()) })
    });
    router.route(|api, r: wire::GetChannelByNameForTeamNameRequest| {
        let channel = api.with(|s| {
            let team = s.team_by_name(&r.team_name)?;
            s.channel_by_name(&team.id, &r.channel_name, r.include_deleted)
        });
        answer(channel, |c| wire::GetChannelByNameForTeamNameResponse {
            error: None,
            channel: Some(c.into()),
        })
    });
    router.route(|api, r: wire::GetChannelsForTeamForUserRequest| {
        let channels = api.with(|s| s.channels_for_user(&id(r.team_id), &id(r.user_id), r.include_deleted));
        answer(channels, |c| wire::GetChannelsForTeamForUserResponse { error: None, channels: wires(c) })
    });
    router.route(|api, r: wire::GetChannelStatsRequest| {
        let stats = api.with(|s| s.channel_stats(&id(r.channel_id)));
        answer(stats, |st| wire::GetChannelStatsResponse { error: None, channel_stats: Some(st.into()) })
    });
    router.route_async(|api, r: wire::GetDirectChannelRequest| async move {
        let channel = api.host.direct_channel(&id(r.user_id_1), &id(r.user_id_2)).await;
        answer(channel, |c| wire::GetDirectChannelResponse { error: None, channel: Some(c.into()) })
    });
    router.route_async(|api, r: wire::GetGroupChannelRequest| async move {
        let channel = api.host.group_channel(&ids(r.user_ids)).await;
        answer(channel, |c| wire::GetGroupChannelResponse { error: None, channel: Some(c.into()) })
    });
    router.route(|api, r: wire::UpdateChannelRequest| {
        let channel: Channel = domain(required(r.channel, "channel")?)?;
        let channel = api.with(|s| s.update_channel(channel));
        answer(channel, |c| wire::UpdateChannelResponse { error: None, channel: Some(c.into()) })
    });
    router.route(|api, r: wire::SearchChannelsRequest| {
        let channels = api.with(|s| s.search_channels(&id(r.team_id), &r.term));
        answer(channels, |c| wire::SearchChannelsResponse { error: None, channels: wires(c) })
    });
    router.route_async(|api, r: wire::AddChannelMemberRequest| async move {
        let member = api.host.join_channel(&id(r.channel_id), &id(r.user_id), None).await;
        answer(member, |m| wire::AddChannelMemberResponse { error: None, channel_member: Some(m.into()) })
    });
    router.route_async(|api, r: wire::AddUserToChannelRequest| async move {
        let actor = opt_id(r.as_user_id);
        let member = api.host.join_channel(&id(r.channel_id), &id(r.user_id), actor.as_ref()).await;
        answer(member, |m| wire::AddUserToChannelResponse { error: None, channel_member: Some(m.into()) })
    });
    router.route(|api, r: wire::GetChannelMemberRequest| {
        let member = api.with(|s| s.channel_member(&id(r.channel_id), &id(r.user_id)));
        answer(member, |m| wire::GetChannelMemberResponse { error: None, channel_member: Some(m.into()) })
    });
    router.route(|api, r: wire::GetChannelMembersRequest| {
        let members = api.with(|s| s.channel_members_of(&id(r.channel_id), r.page, r.per_page));
        answer(members, |m| wire::GetChannelMembersResponse { error: None, channel_members: wires(m) })
    });
    router.route(|api, r: wire::GetChannelMembersByIdsRequest| {
        let members = api.with(|s| s.channel_members_by_ids(&id(r.channel_id), &ids(r.user_ids)));
        answer(members, |m| wire::GetChannelMembersByIdsResponse { error: None, channel_members: wires(m) })
    });
    router.route(|api, r: wire::GetChannelMembersForUserRequest| {
        let members =
            api.with(|s| s.channel_members_for_user(&id(r.team_id), &id(r.user_id), r.page, r.per_page));
        answer(members, |m| wire::GetChannelMembersForUserResponse { error: None, channel_members: wires(m) })
    });
    router.route(|api, r: wire::UpdateChannelMemberRolesRequest| {
        let member =
            api.with(|s| s.update_channel_member_roles(&id(r.channel_id), &id(r.user_id), &r.new_roles));
        answer(member, |m| wire::UpdateChannelMemberRolesResponse {
            error: None,
            channel_member: Some(m.into()),
        })
    });
    router.route(|api, r: wire::UpdateChannelMemberNotificationsRequest| {
        let member = api.with(|s| {
            s.update_channel_member_notify_props(&id(r.channel_id), &id(r.user_id), r.notifications)
        });
        answer(member, |m| wire::UpdateChannelMemberNotificationsResponse {
            error: None,
            channel_member: Some(m.into()),
        })
    });
    router.route(|api, r: wire::PatchChannelMembersNotificationsRequest| {
        let members: Vec<ChannelMemberIdentifier> = domain(r.members)?;
        let result = api.with(|s| {
            // All or nothing: check every membership before changing any.
            for m in &members {
                s.channel_member(&m.channel_id, &m.user_id)?;
            }
            for m in &members {
                s.update_channel_member_notify_props(&m.channel_id, &m.user_id, r.notify_props.clone())?;
            }
            Ok(())
        });
        answer(result, |()| wire::PatchChannelMembersNotificationsResponse { error: None })
    });
    router.route_async(|api, r: wire::DeleteChannelMemberRequest| async move {
        let result = api.host.leave_channel(&id(r.channel_id), &id(r.user_id), None).await;
        answer(result, |()| wire::DeleteChannelMemberResponse { error: None })
    });
    router.route(|api, r: wire::CreateChannelSidebarCategoryRequest| {
        let category: SidebarCategoryWithChannels = domain(required(r.new_category, "new_category")?)?;
        let created = api.with(|s| s.create_sidebar_category(&id(r.user_id), &id(r.team_id), category));
        answer(created, |c| wire::CreateChannelSidebarCategoryResponse {
            error: None,
            category: Some(c.into()),
        })
    });
    router.route(|api, r: wire::GetChannelSidebarCategoriesRequest| {
        let categories = api.with(|s| s.sidebar_categories(&id(r.user_id), &id(r.team_id)));
        answer(categories, |c| wire::GetChannelSidebarCategoriesResponse {
            error: None,
            categories: Some(c.into()),
        })
    });
    router.route(|api, r: wire::UpdateChannelSidebarCategoriesRequest| {
        let categories: Vec<SidebarCategoryWithChannels> = domain(r.categories)?;
        let updated = api.with(|s| s.update_sidebar_categories(&id(r.user_id), &id(r.team_id), categories));
        answer(updated, |c| wire::UpdateChannelSidebarCategoriesResponse {
            error: None,
            categories: wires(c),
        })
    });
}
