//! User groups, memberships, syncables.

use mattermost_plugin::serde_json::{Value, json};
use mattermost_plugin::types::{
    CreateDefaultMembershipParams, Group, GroupId, GroupSearchOpts, GroupSource, GroupSyncable,
    GroupSyncableType, Page, Timestamp, UserId, ViewUsersRestrictions,
};

use super::{Entry, Vals, e, one, unit, with};
use crate::report::j;

fn group(v: Vals) -> Group {
    let mut group = Group::custom(v.raw_id(1), v.text("display")).with_description(v.text("description"));
    group.id = v.id(0);
    group.allow_reference = true;
    group
}

fn syncable(v: Vals) -> GroupSyncable {
    let mut syncable = GroupSyncable::for_channel(v.id(0), v.id(1)).auto_add();
    syncable.scheme_admin = true;
    syncable
}

/// `*model.GroupSyncable` as Go's `MarshalJSON` writes it: the syncable id under `team_id` or
/// `channel_id`, the kind under `type`. The SDK serializes its own names.
fn go_syncable(s: &GroupSyncable) -> Value {
    let id_key = if s.syncable_type == GroupSyncableType::Team { "team_id" } else { "channel_id" };
    let mut value = json!({
        "group_id": s.group_id, "auto_add": s.auto_add, "scheme_admin": s.scheme_admin,
        "create_at": s.create_at, "delete_at": s.delete_at, "update_at": s.update_at, "type": s.syncable_type,
    });
    value[id_key] = json!(s.syncable_id);
    value
}

pub(super) fn entries() -> Vec<Entry> {
    vec![
        e("GetGroup", |c, v| {
            let id: GroupId = v.id(0);
            one(args![id], c.groups().get(&id))
        }),
        e("GetGroupByName", |c, v| one(args![v.raw_id(0)], c.groups().get_by_name(&v.raw_id(0)))),
        e("GetGroupMemberUsers", |c, v| {
            let id: GroupId = v.id(0);
            one(args![id, 2, 20], c.groups().member_users(&id, Page::new(2, 20)))
        }),
        e("GetGroupsBySource", |c, _| one(args![GroupSource::Ldap], c.groups().by_source(GroupSource::Ldap))),
        e("GetGroupsForUser", |c, v| {
            let id: UserId = v.id(0);
            one(args![id], c.groups().for_user(&id))
        }),
        e("UpsertGroupMember", |c, v| {
            let (group, user): (GroupId, UserId) = (v.id(0), v.id(1));
            one(args![group, user], c.groups().upsert_member(&group, &user))
        }),
        e("UpsertGroupMembers", |c, v| {
            let (group, users): (GroupId, Vec<UserId>) = (v.id(0), vec![v.id(1), v.id(2)]);
            one(args![group, users], c.groups().upsert_members(&group, &users))
        }),
        e("GetGroupByRemoteID", |c, v| {
            one(
                args![v.raw_id(0), GroupSource::Ldap],
                c.groups().get_by_remote_id(&v.raw_id(0), GroupSource::Ldap),
            )
        }),
        e("CreateGroup", |c, v| one(args![group(v)], c.groups().create(group(v)))),
        e("UpdateGroup", |c, v| one(args![group(v)], c.groups().update(group(v)))),
        e("DeleteGroup", |c, v| {
            let id: GroupId = v.id(0);
            one(args![id], c.groups().delete(&id))
        }),
        e("RestoreGroup", |c, v| {
            let id: GroupId = v.id(0);
            one(args![id], c.groups().restore(&id))
        }),
        e("DeleteGroupMember", |c, v| {
            let (group, user): (GroupId, UserId) = (v.id(0), v.id(1));
            one(args![group, user], c.groups().delete_member(&group, &user))
        }),
        e("GetGroupSyncable", |c, v| {
            let id: GroupId = v.id(0);
            let kind = GroupSyncableType::Channel;
            let reported = args![id, v.raw_id(1), kind];
            with(reported, c.groups().syncable(&id, &v.raw_id(1), kind), |s| vec![go_syncable(&s)])
        }),
        e("GetGroupSyncables", |c, v| {
            let id: GroupId = v.id(0);
            let call = c.groups().syncables(&id, GroupSyncableType::Team);
            with(args![id, GroupSyncableType::Team], call, |l| {
                vec![Value::Array(l.iter().map(go_syncable).collect())]
            })
        }),
        e("UpsertGroupSyncable", |c, v| {
            let call = c.groups().upsert_syncable(syncable(v));
            with(vec![go_syncable(&syncable(v))], call, |s| vec![go_syncable(&s)])
        }),
        e("UpdateGroupSyncable", |c, v| {
            let call = c.groups().update_syncable(syncable(v));
            with(vec![go_syncable(&syncable(v))], call, |s| vec![go_syncable(&s)])
        }),
        e("DeleteGroupSyncable", |c, v| {
            let id: GroupId = v.id(0);
            let kind = GroupSyncableType::Channel;
            let reported = args![id, v.raw_id(1), kind];
            with(reported, c.groups().delete_syncable(&id, &v.raw_id(1), kind), |s| vec![go_syncable(&s)])
        }),
        e("CreateDefaultSyncableMemberships", |c, _| {
            let params = CreateDefaultMembershipParams {
                since: Timestamp::from_millis(1_600_000_000_000),
                re_add_removed_members: true,
                ..Default::default()
            };
            // `model.CreateDefaultMembershipParams` has no json tags: Go's field names.
            let reported = json!({"Since": params.since, "ReAddRemovedMembers": true});
            unit(vec![reported], c.groups().create_default_syncable_memberships(params))
        }),
        e("DeleteGroupConstrainedMemberships", |c, _| {
            unit(args![], c.groups().delete_group_constrained_memberships())
        }),
        e("GetGroups", |c, v| {
            let options = GroupSearchOpts {
                q: v.text("q"),
                include_member_count: true,
                filter_archived: true,
                filter_parent_team_permitted: true,
                include_timezones: true,
                source: GroupSource::Custom,
                ..Default::default()
            };
            let restrictions = ViewUsersRestrictions { teams: vec![v.id(1)], channels: vec![v.id(2)] };
            // `model.GroupSearchOpts` has no json tags: Go's field names.
            let reported_options = json!({
                "Q": options.q, "IncludeMemberCount": true, "FilterArchived": true,
                "FilterParentTeamPermitted": true, "IncludeTimezones": true, "Source": options.source,
            });
            let reported_restrictions =
                json!({"Teams": restrictions.teams, "Channels": restrictions.channels});
            let call = c
                .groups()
                .list()
                .options(options)
                .view_restrictions(restrictions)
                .page(Page::new(2, 20))
                .send();
            one(vec![j(&2), j(&20), reported_options, reported_restrictions], call)
        }),
    ]
}
