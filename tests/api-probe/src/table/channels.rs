//! Channels, channel members, sidebar categories.

use std::collections::HashMap;

use mattermost_plugin::types::{
    Channel, ChannelId, ChannelMemberIdentifier, ChannelType, Deleted, JsonMap, Page, Role,
    SidebarCategoryType, SidebarCategoryWithChannels, TeamId, UserId,
};

use mattermost_plugin::serde_json::Value;

use super::{Entry, Vals, e, one, unit};
use crate::report::j;

fn channel(v: Vals) -> Channel {
    let mut props = JsonMap::new();
    props.insert("probe".into(), v.text("prop").into());
    Channel {
        id: v.id(0),
        team_id: Some(v.id(1)),
        kind: ChannelType::Open,
        display_name: v.text("display"),
        name: v.raw_id(2),
        header: v.text("header"),
        purpose: v.text("purpose"),
        creator_id: Some(v.id(3)),
        props: Some(props),
        total_msg_count: 12,
        ..Default::default()
    }
}

/// A category as the SDK sends it. `sorting` stays 0: the SDK keeps Go's sorting string
/// ("manual", "recent"...) as the contract's number, which is not Go's JSON.
fn category(v: Vals, n: usize) -> SidebarCategoryWithChannels {
    SidebarCategoryWithChannels {
        id: v.id(n),
        user_id: v.id(1),
        team_id: v.id(2),
        display_name: v.text("category"),
        kind: SidebarCategoryType::Custom,
        muted: true,
        collapsed: true,
        channel_ids: vec![v.id(n + 3)],
        ..Default::default()
    }
}

/// A category in Go's JSON: Go's `sorting` is a string ("" for the default the SDK sends).
fn go_category(category: &SidebarCategoryWithChannels) -> Value {
    let mut value = j(category);
    value["sorting"] = Value::String(String::new());
    value
}

fn notify_props(v: Vals) -> HashMap<String, String> {
    HashMap::from([("desktop".to_owned(), "mention".to_owned()), ("probe".to_owned(), v.text("notify"))])
}

pub(super) fn entries() -> Vec<Entry> {
    vec![
        e("CreateChannel", |c, v| one(args![channel(v)], c.channels().create(channel(v)))),
        e("DeleteChannel", |c, v| {
            let id: ChannelId = v.id(0);
            unit(args![id], c.channels().delete(&id))
        }),
        e("RestoreChannel", |c, v| {
            let id: ChannelId = v.id(0);
            unit(args![id], c.channels().restore(&id))
        }),
        e("GetChannelOfType", |c, v| {
            let id: ChannelId = v.id(0);
            one(args![id, ChannelType::Private], c.channels().get_of_type(&id, ChannelType::Private))
        }),
        e("RegisterChannelGuard", |c, v| {
            let id: ChannelId = v.id(0);
            unit(args![id], c.channels().register_guard(&id))
        }),
        e("UnregisterChannelGuard", |c, v| {
            let id: ChannelId = v.id(0);
            unit(args![id], c.channels().unregister_guard(&id))
        }),
        e("GetPublicChannelsForTeam", |c, v| {
            let team: TeamId = v.id(0);
            one(args![team, 2, 20], c.channels().public_for_team(&team, Page::new(2, 20)))
        }),
        e("GetChannel", |c, v| {
            let id: ChannelId = v.id(0);
            one(args![id], c.channels().get(&id))
        }),
        e("GetChannelByName", |c, v| {
            let team: TeamId = v.id(0);
            one(
                args![team, v.raw_id(1), true],
                c.channels().get_by_name(&team, &v.raw_id(1), Deleted::Include),
            )
        }),
        e("GetChannelByNameForTeamName", |c, v| {
            let (team, name) = (v.raw_id(0), v.raw_id(1));
            one(
                args![team, name, true],
                c.channels().get_by_name_for_team_name(&team, &name, Deleted::Include),
            )
        }),
        e("GetChannelsForTeamForUser", |c, v| {
            let (team, user): (TeamId, UserId) = (v.id(0), v.id(1));
            one(args![team, user, true], c.channels().for_team_for_user(&team, &user, Deleted::Include))
        }),
        e("GetChannelStats", |c, v| {
            let id: ChannelId = v.id(0);
            one(args![id], c.channels().stats(&id))
        }),
        e("GetDirectChannel", |c, v| {
            let (a, b): (UserId, UserId) = (v.id(0), v.id(1));
            one(args![a, b], c.channels().direct(&a, &b))
        }),
        e("GetGroupChannel", |c, v| {
            let users: Vec<UserId> = vec![v.id(0), v.id(1), v.id(2)];
            one(args![users], c.channels().group(&users))
        }),
        e("UpdateChannel", |c, v| one(args![channel(v)], c.channels().update(channel(v)))),
        e("SearchChannels", |c, v| {
            let team: TeamId = v.id(0);
            one(args![team, v.text("term")], c.channels().search(&team, &v.text("term")))
        }),
        e("AddChannelMember", |c, v| {
            let (channel, user): (ChannelId, UserId) = (v.id(0), v.id(1));
            one(args![channel, user], c.channels().add_member(&channel, &user))
        }),
        e("AddUserToChannel", |c, v| {
            let (channel, user, by): (ChannelId, UserId, UserId) = (v.id(0), v.id(1), v.id(2));
            one(args![channel, user, by], c.channels().add_user(&channel, &user, &by))
        }),
        e("GetChannelMember", |c, v| {
            let (channel, user): (ChannelId, UserId) = (v.id(0), v.id(1));
            one(args![channel, user], c.channels().member(&channel, &user))
        }),
        e("GetChannelMembers", |c, v| {
            let channel: ChannelId = v.id(0);
            one(args![channel, 3, 30], c.channels().members(&channel, Page::new(3, 30)))
        }),
        e("GetChannelMembersByIds", |c, v| {
            let (channel, users): (ChannelId, Vec<UserId>) = (v.id(0), vec![v.id(1), v.id(2)]);
            one(args![channel, users], c.channels().members_by_ids(&channel, &users))
        }),
        e("GetChannelMembersForUser", |c, v| {
            let (team, user): (TeamId, UserId) = (v.id(0), v.id(1));
            one(args![team, user, 4, 45], c.channels().members_for_user(&team, &user, Page::new(4, 45)))
        }),
        e("UpdateChannelMemberRoles", |c, v| {
            let (channel, user): (ChannelId, UserId) = (v.id(0), v.id(1));
            let roles = "channel_user channel_admin";
            one(
                args![channel, user, roles],
                c.channels().update_member_roles(&channel, &user, &[Role::CHANNEL_USER, Role::CHANNEL_ADMIN]),
            )
        }),
        e("UpdateChannelMemberNotifications", |c, v| {
            let (channel, user): (ChannelId, UserId) = (v.id(0), v.id(1));
            let props = notify_props(v);
            one(args![channel, user, props], c.channels().update_member_notifications(&channel, &user, props))
        }),
        e("PatchChannelMembersNotifications", |c, v| {
            let members = vec![
                ChannelMemberIdentifier { channel_id: v.id(0), user_id: v.id(1) },
                ChannelMemberIdentifier { channel_id: v.id(2), user_id: v.id(3) },
            ];
            let props = notify_props(v);
            unit(args![members, props], c.channels().patch_members_notifications(members, props))
        }),
        e("DeleteChannelMember", |c, v| {
            let (channel, user): (ChannelId, UserId) = (v.id(0), v.id(1));
            unit(args![channel, user], c.channels().delete_member(&channel, &user))
        }),
        e("CreateChannelSidebarCategory", |c, v| {
            let (user, team): (UserId, TeamId) = (v.id(1), v.id(2));
            let new = category(v, 0);
            let reported = vec![j(&user), j(&team), go_category(&new)];
            one(reported, c.channels().create_sidebar_category(&user, &team, new))
        }),
        e("GetChannelSidebarCategories", |c, v| {
            let (user, team): (UserId, TeamId) = (v.id(0), v.id(1));
            one(args![user, team], c.channels().sidebar_categories(&user, &team))
        }),
        e("UpdateChannelSidebarCategories", |c, v| {
            let (user, team): (UserId, TeamId) = (v.id(1), v.id(2));
            let categories = vec![category(v, 0), category(v, 5)];
            let reported =
                vec![j(&user), j(&team), Value::Array(categories.iter().map(go_category).collect())];
            one(reported, c.channels().update_sidebar_categories(&user, &team, categories))
        }),
    ]
}
