//! User groups, group members and group syncables (teams and channels synced from a group).

use mm_types::Page;
use mm_types::convert::IntoWire;
use mm_types::{
    CreateDefaultMembershipParams, Group, GroupId, GroupMember, GroupSearchOpts, GroupSource, GroupSyncable,
    GroupSyncableType, User, UserId, ViewUsersRestrictions, wire,
};

use super::ids;
use crate::client::{ApiClient, from_wire, payload};
use crate::mode::{ApiCall, Mode};
use crate::pages::paged_builder;

/// User groups, group members and group syncables (teams and channels synced from a group): `client.groups()`.
///
/// ```no_run
/// # async fn demo(client: mm_client::Client, channel: mm_types::ChannelId, user: mm_types::UserId) -> mm_client::Result<()> {
/// let groups = client.groups().for_user(&user).await?;
/// # Ok(()) }
/// ```
#[derive(Debug)]
pub struct Groups<'a, M: Mode> {
    client: &'a ApiClient<M>,
}

impl<M: Mode> ApiClient<M> {
    /// User groups, group members and group syncables (teams and channels synced from a group).
    pub fn groups(&self) -> Groups<'_, M> {
        Groups { client: self }
    }
}

impl<'a, M: Mode> Groups<'a, M> {
    /// A group by id (`GetGroup`).
    pub fn get(&self, group_id: &GroupId) -> M::Output<Group> {
        let request = wire::GetGroupRequest { group_id: group_id.to_string() };
        self.client.call(request, |r| payload(r.group, "group"))
    }

    /// A group by name (`GetGroupByName`).
    pub fn get_by_name(&self, name: &str) -> M::Output<Group> {
        let request = wire::GetGroupByNameRequest { name: name.to_owned() };
        self.client.call(request, |r| payload(r.group, "group"))
    }

    /// A page of a group's members, as users (`GetGroupMemberUsers`).
    pub fn member_users(&self, group_id: &GroupId, page: Page) -> M::Output<Vec<User>> {
        let request = wire::GetGroupMemberUsersRequest {
            group_id: group_id.to_string(),
            page: page.wire_index(),
            per_page: page.wire_per_page(),
        };
        self.client.call(request, |r| from_wire(r.users))
    }

    /// The groups from one source (LDAP, custom) (`GetGroupsBySource`).
    pub fn by_source(&self, source: GroupSource) -> M::Output<Vec<Group>> {
        let request = wire::GetGroupsBySourceRequest { group_source: source.into_wire() };
        self.client.call(request, |r| from_wire(r.groups))
    }

    /// The groups a user belongs to (`GetGroupsForUser`).
    pub fn for_user(&self, user_id: &UserId) -> M::Output<Vec<Group>> {
        let request = wire::GetGroupsForUserRequest { user_id: user_id.to_string() };
        self.client.call(request, |r| from_wire(r.groups))
    }

    /// Adds a user to a group (or restores the membership) (`UpsertGroupMember`).
    pub fn upsert_member(&self, group_id: &GroupId, user_id: &UserId) -> M::Output<GroupMember> {
        let request =
            wire::UpsertGroupMemberRequest { group_id: group_id.to_string(), user_id: user_id.to_string() };
        self.client.call(request, |r| payload(r.group_member, "group_member"))
    }

    /// Adds users to a group (`UpsertGroupMembers`).
    pub fn upsert_members(&self, group_id: &GroupId, user_ids: &[UserId]) -> M::Output<Vec<GroupMember>> {
        let request =
            wire::UpsertGroupMembersRequest { group_id: group_id.to_string(), user_ids: ids(user_ids) };
        self.client.call(request, |r| from_wire(r.group_members))
    }

    /// A group by its id at its source (such as the LDAP object id) (`GetGroupByRemoteID`).
    pub fn get_by_remote_id(&self, remote_id: &str, source: GroupSource) -> M::Output<Group> {
        let request = wire::GetGroupByRemoteIdRequest {
            remote_id: remote_id.to_owned(),
            group_source: source.into_wire(),
        };
        self.client.call(request, |r| payload(r.group, "group"))
    }

    /// Creates a group (`CreateGroup`).
    pub fn create(&self, group: Group) -> M::Output<Group> {
        let request = wire::CreateGroupRequest { group: Some(group.into_wire()) };
        self.client.call(request, |r| payload(r.group, "group"))
    }

    /// Updates a group (`UpdateGroup`).
    pub fn update(&self, group: Group) -> M::Output<Group> {
        let request = wire::UpdateGroupRequest { group: Some(group.into_wire()) };
        self.client.call(request, |r| payload(r.group, "group"))
    }

    /// Archives a group; returns it (`DeleteGroup`).
    pub fn delete(&self, group_id: &GroupId) -> M::Output<Group> {
        let request = wire::DeleteGroupRequest { group_id: group_id.to_string() };
        self.client.call(request, |r| payload(r.group, "group"))
    }

    /// Restores an archived group; returns it (`RestoreGroup`).
    pub fn restore(&self, group_id: &GroupId) -> M::Output<Group> {
        let request = wire::RestoreGroupRequest { group_id: group_id.to_string() };
        self.client.call(request, |r| payload(r.group, "group"))
    }

    /// Removes a user from a group; returns the membership (`DeleteGroupMember`).
    pub fn delete_member(&self, group_id: &GroupId, user_id: &UserId) -> M::Output<GroupMember> {
        let request =
            wire::DeleteGroupMemberRequest { group_id: group_id.to_string(), user_id: user_id.to_string() };
        self.client.call(request, |r| payload(r.group_member, "group_member"))
    }

    /// How a group syncs to one team or channel (`GetGroupSyncable`).
    pub fn syncable(
        &self,
        group_id: &GroupId,
        syncable_id: &str,
        syncable_type: GroupSyncableType,
    ) -> M::Output<GroupSyncable> {
        let request = wire::GetGroupSyncableRequest {
            group_id: group_id.to_string(),
            syncable_id: syncable_id.to_owned(),
            syncable_type: syncable_type.into_wire(),
        };
        self.client.call(request, |r| payload(r.group_syncable, "group_syncable"))
    }

    /// The teams or channels a group syncs to (`GetGroupSyncables`).
    pub fn syncables(
        &self,
        group_id: &GroupId,
        syncable_type: GroupSyncableType,
    ) -> M::Output<Vec<GroupSyncable>> {
        let request = wire::GetGroupSyncablesRequest {
            group_id: group_id.to_string(),
            syncable_type: syncable_type.into_wire(),
        };
        self.client.call(request, |r| from_wire(r.group_syncables))
    }

    /// Links a group to a team or channel (or restores the link) (`UpsertGroupSyncable`).
    pub fn upsert_syncable(&self, syncable: GroupSyncable) -> M::Output<GroupSyncable> {
        let request = wire::UpsertGroupSyncableRequest { group_syncable: Some(syncable.into_wire()) };
        self.client.call(request, |r| payload(r.group_syncable, "group_syncable"))
    }

    /// Updates a group's link to a team or channel (`UpdateGroupSyncable`).
    pub fn update_syncable(&self, syncable: GroupSyncable) -> M::Output<GroupSyncable> {
        let request = wire::UpdateGroupSyncableRequest { group_syncable: Some(syncable.into_wire()) };
        self.client.call(request, |r| payload(r.group_syncable, "group_syncable"))
    }

    /// Unlinks a group from a team or channel; returns the link (`DeleteGroupSyncable`).
    pub fn delete_syncable(
        &self,
        group_id: &GroupId,
        syncable_id: &str,
        syncable_type: GroupSyncableType,
    ) -> M::Output<GroupSyncable> {
        let request = wire::DeleteGroupSyncableRequest {
            group_id: group_id.to_string(),
            syncable_id: syncable_id.to_owned(),
            syncable_type: syncable_type.into_wire(),
        };
        self.client.call(request, |r| payload(r.group_syncable, "group_syncable"))
    }

    /// Adds group members to the teams and channels their groups sync to (`CreateDefaultSyncableMemberships`).
    pub fn create_default_syncable_memberships(
        &self,
        params: CreateDefaultMembershipParams,
    ) -> M::Output<()> {
        let request = wire::CreateDefaultSyncableMembershipsRequest { params: Some(params.into_wire()) };
        self.client.call(request, |_| Ok(()))
    }

    /// Removes members of group-constrained teams and channels who are not in the groups (`DeleteGroupConstrainedMemberships`).
    pub fn delete_group_constrained_memberships(&self) -> M::Output<()> {
        let request = wire::DeleteGroupConstrainedMembershipsRequest {};
        self.client.call(request, |_| Ok(()))
    }

    /// Lists groups with search options, paging and visibility restrictions (`GetGroups`);
    /// finish with `.send()` or `.await`.
    ///
    /// ```no_run
    /// # async fn demo(client: mm_client::Client) -> mm_client::Result<()> {
    /// use mm_types::GroupSearchOpts;
    /// let found = client.groups().list().options(GroupSearchOpts::query("sre").include_member_count()).page(mm_types::Page::first(10)).await?;
    /// # Ok(()) }
    /// ```
    pub fn list(&self) -> GetGroups<'a, M> {
        GetGroups {
            client: self.client,
            page: Page::default(),
            options: GroupSearchOpts::default(),
            view_restrictions: None,
        }
    }
}

/// Search options and paging for [`Groups::list`] (`GetGroups`). Defaults: page 0, 60 per
/// page, no filter.
#[derive(Debug)]
#[must_use = "a builder does nothing until sent"]
pub struct GetGroups<'a, M: Mode> {
    client: &'a ApiClient<M>,
    page: Page,
    options: GroupSearchOpts,
    view_restrictions: Option<ViewUsersRestrictions>,
}

impl<M: Mode> GetGroups<'_, M> {
    /// The search options (query, source, filters, counts).
    pub fn options(mut self, options: GroupSearchOpts) -> Self {
        self.options = options;
        self
    }

    /// Only groups whose name or display name matches `q`.
    pub fn query(mut self, q: &str) -> Self {
        self.options.q = q.to_owned();
        self
    }

    /// Only groups visible through these teams and channels.
    pub fn view_restrictions(mut self, restrictions: ViewUsersRestrictions) -> Self {
        self.view_restrictions = Some(restrictions);
        self
    }

    /// Which page to get, and its size (default: the first page of 60).
    pub fn page(mut self, page: Page) -> Self {
        self.page = page;
        self
    }

    /// Sends the query.
    pub fn send(self) -> M::Output<Vec<Group>> {
        self.client.run(self.fetch(self.page))
    }

    /// The call for one page.
    fn fetch(&self, page: Page) -> ApiCall<Vec<Group>> {
        let request = wire::GetGroupsRequest {
            page: page.wire_index(),
            per_page: page.wire_per_page(),
            opts: Some(self.options.clone().into_wire()),
            view_restrictions: self.view_restrictions.clone().map(IntoWire::into_wire),
        };
        self.client.call_async(request, |r| from_wire(r.groups))
    }
}

awaitable_builder!(GetGroups, Vec<Group>);
paged_builder!(GetGroups, Group);
