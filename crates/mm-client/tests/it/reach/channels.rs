//! Reach entries: channels, members, sidebar categories.

use std::collections::HashMap;

use mm_types::convert::IntoWire;
use mm_types::{
    Channel, ChannelMemberIdentifier, ChannelType, Deleted, Page, Role, SidebarCategoryType,
    SidebarCategoryWithChannels, wire,
};

use super::{Reach, id};

fn channel() -> Channel {
    Channel::new(id("team-ch"), "incidents", "Incidents")
        .with_kind(ChannelType::Private)
        .with_purpose("On call")
}

fn category() -> SidebarCategoryWithChannels {
    SidebarCategoryWithChannels {
        user_id: id("user-cat"),
        team_id: id("team-cat"),
        display_name: "Projects".into(),
        kind: SidebarCategoryType::Custom,
        channel_ids: vec![id("chan-c1"), id("chan-c2")],
        ..Default::default()
    }
}

fn notify() -> HashMap<String, String> {
    HashMap::from([("desktop".to_string(), "mention".to_string()), ("push".to_string(), "none".to_string())])
}

pub async fn run(r: &mut Reach) {
    let c = r.client.clone();
    let ch = c.channels();
    r.check(
        "CreateChannel",
        ch.create(channel()),
        wire::CreateChannelRequest { channel: Some(channel().into_wire()) },
    )
    .await;
    r.check(
        "DeleteChannel",
        ch.delete(&id("chan-del")),
        wire::DeleteChannelRequest { channel_id: "chan-del".into() },
    )
    .await;
    r.check(
        "GetPublicChannelsForTeam",
        ch.public_for_team(&id("team-pub"), Page::new(1, 21)),
        wire::GetPublicChannelsForTeamRequest { team_id: "team-pub".into(), page: 1, per_page: 21 },
    )
    .await;
    r.check("GetChannel", ch.get(&id("chan-get")), wire::GetChannelRequest { channel_id: "chan-get".into() })
        .await;
    r.check(
        "GetChannelByName",
        ch.get_by_name(&id("team-n"), "town-square", Deleted::Include),
        wire::GetChannelByNameRequest {
            team_id: "team-n".into(),
            name: "town-square".into(),
            include_deleted: true,
        },
    )
    .await;
    r.check(
        "GetChannelByNameForTeamName",
        ch.get_by_name_for_team_name("engineering", "off-topic", Deleted::Include),
        wire::GetChannelByNameForTeamNameRequest {
            team_name: "engineering".into(),
            channel_name: "off-topic".into(),
            include_deleted: true,
        },
    )
    .await;
    r.check(
        "GetChannelsForTeamForUser",
        ch.for_team_for_user(&id("team-fu"), &id("user-fu"), Deleted::Include),
        wire::GetChannelsForTeamForUserRequest {
            team_id: "team-fu".into(),
            user_id: "user-fu".into(),
            include_deleted: true,
        },
    )
    .await;
    r.check(
        "GetChannelStats",
        ch.stats(&id("chan-stats")),
        wire::GetChannelStatsRequest { channel_id: "chan-stats".into() },
    )
    .await;
    r.check(
        "GetDirectChannel",
        ch.direct(&id("user-d1"), &id("user-d2")),
        wire::GetDirectChannelRequest { user_id_1: "user-d1".into(), user_id_2: "user-d2".into() },
    )
    .await;
    r.check(
        "GetGroupChannel",
        ch.group(&[id("user-g1"), id("user-g2"), id("user-g3")]),
        wire::GetGroupChannelRequest { user_ids: vec!["user-g1".into(), "user-g2".into(), "user-g3".into()] },
    )
    .await;
    r.check(
        "UpdateChannel",
        ch.update(channel()),
        wire::UpdateChannelRequest { channel: Some(channel().into_wire()) },
    )
    .await;
    r.check(
        "SearchChannels",
        ch.search(&id("team-sc"), "inc"),
        wire::SearchChannelsRequest { team_id: "team-sc".into(), term: "inc".into() },
    )
    .await;
    r.check(
        "AddChannelMember",
        ch.add_member(&id("chan-am"), &id("user-am")),
        wire::AddChannelMemberRequest { channel_id: "chan-am".into(), user_id: "user-am".into() },
    )
    .await;
    r.check(
        "AddUserToChannel",
        ch.add_user(&id("chan-au"), &id("user-au"), &id("user-as")),
        wire::AddUserToChannelRequest {
            channel_id: "chan-au".into(),
            user_id: "user-au".into(),
            as_user_id: "user-as".into(),
        },
    )
    .await;
    r.check(
        "GetChannelMember",
        ch.member(&id("chan-gm"), &id("user-gm")),
        wire::GetChannelMemberRequest { channel_id: "chan-gm".into(), user_id: "user-gm".into() },
    )
    .await;
    r.check(
        "GetChannelMembers",
        ch.members(&id("chan-ms"), Page::new(2, 22)),
        wire::GetChannelMembersRequest { channel_id: "chan-ms".into(), page: 2, per_page: 22 },
    )
    .await;
    r.check(
        "GetChannelMembersByIds",
        ch.members_by_ids(&id("chan-mi"), &[id("user-m1"), id("user-m2")]),
        wire::GetChannelMembersByIdsRequest {
            channel_id: "chan-mi".into(),
            user_ids: vec!["user-m1".into(), "user-m2".into()],
        },
    )
    .await;
    r.check(
        "GetChannelMembersForUser",
        ch.members_for_user(&id("team-mu"), &id("user-mu"), Page::new(3, 23)),
        wire::GetChannelMembersForUserRequest {
            team_id: "team-mu".into(),
            user_id: "user-mu".into(),
            page: 3,
            per_page: 23,
        },
    )
    .await;
    r.check(
        "UpdateChannelMemberRoles",
        ch.update_member_roles(&id("chan-mr"), &id("user-mr"), &[Role::CHANNEL_USER, Role::CHANNEL_ADMIN]),
        wire::UpdateChannelMemberRolesRequest {
            channel_id: "chan-mr".into(),
            user_id: "user-mr".into(),
            new_roles: "channel_user channel_admin".into(),
        },
    )
    .await;
    r.check(
        "UpdateChannelMemberNotifications",
        ch.update_member_notifications(&id("chan-mn"), &id("user-mn"), notify()),
        wire::UpdateChannelMemberNotificationsRequest {
            channel_id: "chan-mn".into(),
            user_id: "user-mn".into(),
            notifications: notify(),
        },
    )
    .await;
    let members = vec![
        ChannelMemberIdentifier { channel_id: id("chan-p1"), user_id: id("user-p1") },
        ChannelMemberIdentifier { channel_id: id("chan-p2"), user_id: id("user-p2") },
    ];
    r.check(
        "PatchChannelMembersNotifications",
        ch.patch_members_notifications(members.clone(), notify()),
        wire::PatchChannelMembersNotificationsRequest {
            members: members.into_wire(),
            notify_props: notify(),
        },
    )
    .await;
    r.check(
        "DeleteChannelMember",
        ch.delete_member(&id("chan-dm"), &id("user-dm")),
        wire::DeleteChannelMemberRequest { channel_id: "chan-dm".into(), user_id: "user-dm".into() },
    )
    .await;
    r.check(
        "CreateChannelSidebarCategory",
        ch.create_sidebar_category(&id("user-sc"), &id("team-sc"), category()),
        wire::CreateChannelSidebarCategoryRequest {
            user_id: "user-sc".into(),
            team_id: "team-sc".into(),
            new_category: Some(category().into_wire()),
        },
    )
    .await;
    r.check(
        "GetChannelSidebarCategories",
        ch.sidebar_categories(&id("user-gs"), &id("team-gs")),
        wire::GetChannelSidebarCategoriesRequest { user_id: "user-gs".into(), team_id: "team-gs".into() },
    )
    .await;
    r.check(
        "UpdateChannelSidebarCategories",
        ch.update_sidebar_categories(&id("user-us"), &id("team-us"), vec![category()]),
        wire::UpdateChannelSidebarCategoriesRequest {
            user_id: "user-us".into(),
            team_id: "team-us".into(),
            categories: vec![category()].into_wire(),
        },
    )
    .await;
}
