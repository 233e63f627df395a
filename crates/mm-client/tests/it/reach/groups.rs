//! Reach entries: user groups, group members and group syncables (teams and channels synced from a group).

use mm_types::convert::IntoWire;
use mm_types::{GroupSource, GroupSyncableType, Page, wire};

use super::{Reach, fx, id};

pub async fn run(r: &mut Reach) {
    let c = r.client.clone();
    let g = c.groups();
    r.check(
        "GetGroup",
        g.get(&id("GetGroup.group_id")),
        wire::GetGroupRequest { group_id: "GetGroup.group_id".into() },
    )
    .await;
    r.check(
        "GetGroupByName",
        g.get_by_name("GetGroupByName.name"),
        wire::GetGroupByNameRequest { name: "GetGroupByName.name".into() },
    )
    .await;
    r.check(
        "GetGroupMemberUsers",
        g.member_users(&id("GetGroupMemberUsers.group_id"), Page::new(101, 102)),
        wire::GetGroupMemberUsersRequest {
            group_id: "GetGroupMemberUsers.group_id".into(),
            page: 101,
            per_page: 102,
        },
    )
    .await;
    r.check(
        "GetGroupsBySource",
        g.by_source(GroupSource::Ldap),
        wire::GetGroupsBySourceRequest { group_source: "ldap".into() },
    )
    .await;
    r.check(
        "GetGroupsForUser",
        g.for_user(&id("GetGroupsForUser.user_id")),
        wire::GetGroupsForUserRequest { user_id: "GetGroupsForUser.user_id".into() },
    )
    .await;
    r.check(
        "UpsertGroupMember",
        g.upsert_member(&id("UpsertGroupMember.group_id"), &id("UpsertGroupMember.user_id")),
        wire::UpsertGroupMemberRequest {
            group_id: "UpsertGroupMember.group_id".into(),
            user_id: "UpsertGroupMember.user_id".into(),
        },
    )
    .await;
    r.check(
        "UpsertGroupMembers",
        g.upsert_members(
            &id("UpsertGroupMembers.group_id"),
            &[id("UpsertGroupMembers.user_ids.1"), id("UpsertGroupMembers.user_ids.2")],
        ),
        wire::UpsertGroupMembersRequest {
            group_id: "UpsertGroupMembers.group_id".into(),
            user_ids: vec!["UpsertGroupMembers.user_ids.1".into(), "UpsertGroupMembers.user_ids.2".into()],
        },
    )
    .await;
    r.check(
        "GetGroupByRemoteID",
        g.get_by_remote_id("GetGroupByRemoteID.remote_id", GroupSource::Custom),
        wire::GetGroupByRemoteIdRequest {
            remote_id: "GetGroupByRemoteID.remote_id".into(),
            group_source: "custom".into(),
        },
    )
    .await;
    r.check(
        "CreateGroup",
        g.create(fx::group()),
        wire::CreateGroupRequest { group: Some(fx::group().into_wire()) },
    )
    .await;
    r.check(
        "UpdateGroup",
        g.update(fx::group()),
        wire::UpdateGroupRequest { group: Some(fx::group().into_wire()) },
    )
    .await;
    r.check(
        "DeleteGroup",
        g.delete(&id("DeleteGroup.group_id")),
        wire::DeleteGroupRequest { group_id: "DeleteGroup.group_id".into() },
    )
    .await;
    r.check(
        "RestoreGroup",
        g.restore(&id("RestoreGroup.group_id")),
        wire::RestoreGroupRequest { group_id: "RestoreGroup.group_id".into() },
    )
    .await;
    r.check(
        "DeleteGroupMember",
        g.delete_member(&id("DeleteGroupMember.group_id"), &id("DeleteGroupMember.user_id")),
        wire::DeleteGroupMemberRequest {
            group_id: "DeleteGroupMember.group_id".into(),
            user_id: "DeleteGroupMember.user_id".into(),
        },
    )
    .await;
    r.check(
        "GetGroupSyncable",
        g.syncable(
            &id("GetGroupSyncable.group_id"),
            "GetGroupSyncable.syncable_id",
            GroupSyncableType::Channel,
        ),
        wire::GetGroupSyncableRequest {
            group_id: "GetGroupSyncable.group_id".into(),
            syncable_id: "GetGroupSyncable.syncable_id".into(),
            syncable_type: "Channel".into(),
        },
    )
    .await;
    r.check(
        "GetGroupSyncables",
        g.syncables(&id("GetGroupSyncables.group_id"), GroupSyncableType::Team),
        wire::GetGroupSyncablesRequest {
            group_id: "GetGroupSyncables.group_id".into(),
            syncable_type: "Team".into(),
        },
    )
    .await;
    r.check(
        "UpsertGroupSyncable",
        g.upsert_syncable(fx::group_syncable()),
        wire::UpsertGroupSyncableRequest { group_syncable: Some(fx::group_syncable().into_wire()) },
    )
    .await;
    r.check(
        "UpdateGroupSyncable",
        g.update_syncable(fx::group_syncable()),
        wire::UpdateGroupSyncableRequest { group_syncable: Some(fx::group_syncable().into_wire()) },
    )
    .await;
    r.check(
        "DeleteGroupSyncable",
        g.delete_syncable(
            &id("DeleteGroupSyncable.group_id"),
            "DeleteGroupSyncable.syncable_id",
            GroupSyncableType::Channel,
        ),
        wire::DeleteGroupSyncableRequest {
            group_id: "DeleteGroupSyncable.group_id".into(),
            syncable_id: "DeleteGroupSyncable.syncable_id".into(),
            syncable_type: "Channel".into(),
        },
    )
    .await;
    r.check(
        "CreateDefaultSyncableMemberships",
        g.create_default_syncable_memberships(fx::create_default_membership_params()),
        wire::CreateDefaultSyncableMembershipsRequest {
            params: Some(fx::create_default_membership_params().into_wire()),
        },
    )
    .await;
    r.check(
        "DeleteGroupConstrainedMemberships",
        g.delete_group_constrained_memberships(),
        wire::DeleteGroupConstrainedMembershipsRequest {},
    )
    .await;
    r.check(
        "GetGroups",
        g.list()
            .options(mm_types::GroupSearchOpts::query("sre").include_member_count())
            .view_restrictions(mm_types::ViewUsersRestrictions {
                teams: vec![id("GetGroups.team")],
                channels: vec![],
            })
            .page(Page::new(6, 16)),
        wire::GetGroupsRequest {
            page: 6,
            per_page: 16,
            opts: Some(mm_types::GroupSearchOpts::query("sre").include_member_count().into_wire()),
            view_restrictions: Some(wire::ViewUsersRestrictions {
                teams: vec!["GetGroups.team".into()],
                channels: vec![],
            }),
        },
    )
    .await;
}
