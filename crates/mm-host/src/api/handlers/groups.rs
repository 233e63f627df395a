//! Groups and syncables, shared channels and remotes.

use mm_proto::v1 as wire;
use mm_types::{
    CreateDefaultMembershipParams, GetPostsSinceForSyncCursor, Group, GroupSearchOpts, GroupSource,
    GroupSyncable, GroupSyncableType, RegisterPluginOpts, SharedChannel,
};

use super::{id, ids, wires};
use crate::api::router::{ApiRouter, answer, domain, required};
use crate::store::AppResult;

/// Registers the handlers of this domain.
pub(super) fn routes(router: &mut ApiRouter) {
    // groups
    router.route(|api, r: wire::GetGroupRequest| {
        let group = api.with(|s| s.group(&id(r.group_id)));
        answer(group, |g| wire::GetGroupResponse { error: None, group: Some(g.into()) })
    });
    router.route(|api, r: wire::GetGroupByNameRequest| {
        let group = api.with(|s| s.group_by_name(&r.name));
        answer(group, |g| wire::GetGroupByNameResponse { error: None, group: Some(g.into()) })
    });
    router.route(|api, r: wire::GetGroupMemberUsersRequest| {
        let users = api.with(|s| s.group_member_users(&id(r.group_id), r.page, r.per_page));
        answer(users, |u| wire::GetGroupMemberUsersResponse { error: None, users: wires(u) })
    });
    router.route(|api, r: wire::GetGroupsBySourceRequest| {
        let source = GroupSource::from(r.group_source);
        let groups = api.with(|s| s.groups_by_source(&source));
        Ok(wire::GetGroupsBySourceResponse { error: None, groups: wires(groups) })
    });
    router.route(|api, r: wire::GetGroupsForUserRequest| {
        let groups = api.with(|s| s.groups_for_user(&id(r.user_id)));
        answer(groups, |g| wire::GetGroupsForUserResponse { error: None, groups: wires(g) })
    });
    router.route(|api, r: wire::UpsertGroupMemberRequest| {
        let member = api.with(|s| s.upsert_group_member(&id(r.group_id), &id(r.user_id)));
        answer(member, |m| wire::UpsertGroupMemberResponse { error: None, group_member: Some(m.into()) })
    });
    router.route(|api, r: wire::UpsertGroupMembersRequest| {
        let group = id(r.group_id);
        let members = api.with(|s| {
            let users: Vec<mm_types::UserId> = ids(r.user_ids);
            // All or nothing: every user must exist before any is added.
            for user in &users {
                s.user(user)?;
            }
            users.iter().map(|u| s.upsert_group_member(&group, u)).collect::<AppResult<Vec<_>>>()
        });
        answer(members, |m| wire::UpsertGroupMembersResponse { error: None, group_members: wires(m) })
    });
    router.route(|api, r: wire::GetGroupByRemoteIdRequest| {
        let group = api.with(|s| s.group_by_remote_id(&r.remote_id, &GroupSource::from(r.group_source)));
        answer(group, |g| wire::GetGroupByRemoteIdResponse { error: None, group: Some(g.into()) })
    });
    router.route(|api, r: wire::CreateGroupRequest| {
        let group: Group = domain(required(r.group, "group")?)?;
        let group = api.with(|s| s.create_group(group));
        answer(group, |g| wire::CreateGroupResponse { error: None, group: Some(g.into()) })
    });
    router.route(|api, r: wire::UpdateGroupRequest| {
        let group: Group = domain(required(r.group, "group")?)?;
        let group = api.with(|s| s.update_group(group));
        answer(group, |g| wire::UpdateGroupResponse { error: None, group: Some(g.into()) })
    });
    router.route(|api, r: wire::DeleteGroupRequest| {
        let group = api.with(|s| s.set_group_archived(&id(r.group_id), true));
        answer(group, |g| wire::DeleteGroupResponse { error: None, group: Some(g.into()) })
    });
    router.route(|api, r: wire::RestoreGroupRequest| {
        let group = api.with(|s| s.set_group_archived(&id(r.group_id), false));
        answer(group, |g| wire::RestoreGroupResponse { error: None, group: Some(g.into()) })
    });
    router.route(|api, r: wire::DeleteGroupMemberRequest| {
        let member = api.with(|s| s.delete_group_member(&id(r.group_id), &id(r.user_id)));
        answer(member, |m| wire::DeleteGroupMemberResponse { error: None, group_member: Some(m.into()) })
    });
    router.route(|api, r: wire::GetGroupSyncableRequest| {
        let kind = GroupSyncableType::from(r.syncable_type);
        let syncable = api.with(|s| s.group_syncable(&id(r.group_id), &r.syncable_id, &kind));
        answer(syncable, |g| wire::GetGroupSyncableResponse { error: None, group_syncable: Some(g.into()) })
    });
    router.route(|api, r: wire::GetGroupSyncablesRequest| {
        let kind = GroupSyncableType::from(r.syncable_type);
        let syncables = api.with(|s| s.group_syncables(&id(r.group_id), &kind));
        answer(syncables, |g| wire::GetGroupSyncablesResponse { error: None, group_syncables: wires(g) })
    });
    router.route(|api, r: wire::UpsertGroupSyncableRequest| {
        let syncable: GroupSyncable = domain(required(r.group_syncable, "group_syncable")?)?;
        let syncable = api.with(|s| s.upsert_group_syncable(syncable));
        answer(syncable, |g| wire::UpsertGroupSyncableResponse {
            error: None,
            group_syncable: Some(g.into()),
        })
    });
    router.route(|api, r: wire::UpdateGroupSyncableRequest| {
        let syncable: GroupSyncable = domain(required(r.group_syncable, "group_syncable")?)?;
        let syncable = api.with(|s| s.update_group_syncable(syncable));
        answer(syncable, |g| wire::UpdateGroupSyncableResponse {
            error: None,
            group_syncable: Some(g.into()),
        })
    });
    router.route(|api, r: wire::DeleteGroupSyncableRequest| {
        let kind = GroupSyncableType::from(r.syncable_type);
        let syncable = api.with(|s| s.delete_group_syncable(&id(r.group_id), &r.syncable_id, &kind));
        answer(syncable, |g| wire::DeleteGroupSyncableResponse {
            error: None,
            group_syncable: Some(g.into()),
        })
    });
    router.route(|api, r: wire::GetGroupsRequest| {
        let opts: GroupSearchOpts = domain(r.opts.unwrap_or_default())?;
        let groups = api.with(|s| s.search_groups(r.page, r.per_page, &opts));
        Ok(wire::GetGroupsResponse { error: None, groups: wires(groups) })
    });
    router.route_async(|api, r: wire::CreateDefaultSyncableMembershipsRequest| async move {
        let params: CreateDefaultMembershipParams = domain(r.params.unwrap_or_default())?;
        // The server reads "no scope" as "both scopes".
        let (teams, channels) = match (params.scope_teams, params.scope_channels) {
            (false, false) => (true, true),
            scopes => scopes,
        };
        let result = api.host.create_default_syncable_memberships(teams, channels).await;
        answer(result, |()| wire::CreateDefaultSyncableMembershipsResponse { error: None })
    });
    router.route_async(|api, _r: wire::DeleteGroupConstrainedMembershipsRequest| async move {
        let result = api.host.delete_group_constrained_memberships().await;
        answer(result, |()| wire::DeleteGroupConstrainedMembershipsResponse { error: None })
    });

    // shared channels
    router.route(|api, r: wire::RegisterPluginForSharedChannelsRequest| {
        let opts: RegisterPluginOpts = domain(required(r.opts, "opts")?)?;
        let plugin = if opts.plugin_id.is_empty() { api.plugin_id.clone() } else { opts.plugin_id };
        let remote = api.with(|s| s.register_plugin_remote(&plugin, &opts.display_name));
        answer(remote, |id| wire::RegisterPluginForSharedChannelsResponse {
            error: None,
            remote_id: id.into_string(),
        })
    });
    router.route(|api, r: wire::UnregisterPluginForSharedChannelsRequest| {
        let plugin = r.plugin_id;
        let plugin = if plugin.is_empty() { api.plugin_id.clone() } else { plugin };
        let result = api.with(|s| s.unregister_plugin_remote(&plugin));
        answer(result, |()| wire::UnregisterPluginForSharedChannelsResponse { error: None })
    });
    router.route(|api, r: wire::ShareChannelRequest| {
        let shared: SharedChannel = domain(required(r.shared_channel, "shared_channel")?)?;
        let shared = api.with(|s| s.share_channel(shared));
        answer(shared, |sc| wire::ShareChannelResponse { error: None, shared_channel: Some(sc.into()) })
    });
    router.route(|api, r: wire::UpdateSharedChannelRequest| {
        let shared: SharedChannel = domain(required(r.shared_channel, "shared_channel")?)?;
        let shared = api.with(|s| s.update_shared_channel(shared));
        answer(shared, |sc| wire::UpdateSharedChannelResponse {
            error: None,
            shared_channel: Some(sc.into()),
        })
    });
    router.route(|api, r: wire::UnshareChannelRequest| {
        let unshared = api.with(|s| s.unshare_channel(&id(r.channel_id)));
        answer(unshared, |unshared| wire::UnshareChannelResponse { error: None, unshared })
    });
    router.route(|api, r: wire::UpdateSharedChannelCursorRequest| {
        let cursor: GetPostsSinceForSyncCursor = domain(required(r.cursor, "cursor")?)?;
        let result = api.with(|s| s.set_sync_cursor(&id(r.channel_id), &id(r.remote_id), cursor));
        answer(result, |()| wire::UpdateSharedChannelCursorResponse { error: None })
    });
    router.route_async(|api, r: wire::SyncSharedChannelRequest| async move {
        let result = api.host.sync_shared_channel(&id(r.channel_id)).await;
        answer(result, |()| wire::SyncSharedChannelResponse { error: None })
    });
    router.route(|api, r: wire::InviteRemoteToChannelRequest| {
        let result = api.with(|s| {
            s.invite_remote(&id(r.channel_id), &id(r.remote_id), &id(r.user_id), r.share_if_not_shared)
        });
        answer(result, |()| wire::InviteRemoteToChannelResponse { error: None })
    });
    router.route(|api, r: wire::UninviteRemoteFromChannelRequest| {
        let result = api.with(|s| s.uninvite_remote(&id(r.channel_id), &id(r.remote_id)));
        answer(result, |()| wire::UninviteRemoteFromChannelResponse { error: None })
    });
}
