//! User groups, memberships, syncables.

use mattermost_plugin::serde_json::json;
use mattermost_plugin::types::{
    CreateDefaultMembershipParams, Group, GroupId, GroupSearchOpts, GroupSource, GroupSyncable,
    GroupSyncableType, Timestamp, UserId, ViewUsersRestrictions,
};

use super::{Entry, Vals, e, one, unit};
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

pub(super) fn entries() -> Vec<Entry> {
    vec![
        e("GetGroup", |c, v| {
            let id: GroupId = v.id(0);
            one(args![id], c.groups().get(&id))
        }),
        e("GetGroupByName", |c, v| one(args![v.raw_id(0)], c.groups().get_by_name(&v.raw_id(0)))),
        e("GetGroupMemberUsers", |c, v| {
            let id: GroupId = v.id(0);
            one(args![id, 2, 20], c.groups().member_users(&id, 2, 20))
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
            one(args![id, v.raw_id(1), kind], c.groups().syncable(&id, &v.raw_id(1), kind))
        }),
        e("GetGroupSyncables", |c, v| {
            let id: GroupId = v.id(0);
            one(args![id, GroupSyncableType::Team], c.groups().syncables(&id, GroupSyncableType::Team))
        }),
        e("UpsertGroupSyncable", |c, v| one(args![syncable(v)], c.groups().upsert_syncable(syncable(v)))),
        e("UpdateGroupSyncable", |c, v| one(args![syncable(v)], c.groups().update_syncable(syncable(v)))),
        e("DeleteGroupSyncable", |c, v| {
            let id: GroupId = v.id(0);
            let kind = GroupSyncableType::Channel;
            one(args![id, v.raw_id(1), kind], c.groups().delete_syncable(&id, &v.raw_id(1), kind))
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
                .page(2)
                .per_page(20)
                .send();
            one(vec![j(&2), j(&20), reported_options, reported_restrictions], call)
        }),
    ]
}
