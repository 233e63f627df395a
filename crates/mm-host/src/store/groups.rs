//! User groups (custom, LDAP-like or plugin-managed), their members, and their syncables (the
//! teams and channels a group's members are added to).

use mm_types::{
    ChannelId, Group, GroupId, GroupMember, GroupSearchOpts, GroupSource, GroupSyncable, GroupSyncableType,
    TeamId, User, UserId,
};

use super::errors::{bad_request, not_found};
use super::{AppResult, State, page};

fn missing_group(id: &str) -> mm_types::AppError {
    not_found("app.group.no_rows", format!("Unable to find the group ({id})."))
}

fn missing_syncable() -> mm_types::AppError {
    not_found("app.group.no_rows", "Unable to find the group syncable.")
}

fn validate(group: &Group) -> AppResult<()> {
    let name_ok = group.name.is_empty()
        || ((1..=64).contains(&group.name.len())
            && group.name.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || ".-_".contains(c)));
    if !name_ok {
        return Err(bad_request(
            "model.group.name.invalid_chars.app_error",
            "A group name is 1 to 64 lowercase letters, digits, '.', '-' or '_'.",
        ));
    }
    if group.allow_reference && group.name.is_empty() {
        return Err(bad_request("model.group.name.app_error", "A group that can be mentioned needs a name."));
    }
    if group.display_name.trim().is_empty() || group.display_name.chars().count() > 128 {
        return Err(bad_request(
            "model.group.display_name.app_error",
            "The display name must be 1 to 128 characters.",
        ));
    }
    if group.source.as_str().is_empty() {
        return Err(bad_request("model.group.source.app_error", "A group needs a source."));
    }
    if group.source != GroupSource::Custom && group.remote_id.is_empty() {
        return Err(bad_request("model.group.remote_id.app_error", "A synced group needs a remote id."));
    }
    Ok(())
}

/// Team and channel memberships that a group constraint does not allow.
pub(crate) type Unconstrained = (Vec<(TeamId, UserId)>, Vec<(ChannelId, UserId)>);

/// The key of a syncable: the group, the team or channel id, and its type.
pub(crate) type SyncableKey = (GroupId, String, String);

fn syncable_key(group: &GroupId, syncable_id: &str, kind: &GroupSyncableType) -> SyncableKey {
    (group.clone(), syncable_id.to_string(), kind.as_str().to_string())
}

impl State {
    fn check_unique_group(&self, group: &Group) -> AppResult<()> {
        let clash = self.groups.values().any(|g| {
            g.id != group.id
                && ((!group.name.is_empty() && g.name == group.name)
                    || (!group.remote_id.is_empty()
                        && g.source == group.source
                        && g.remote_id == group.remote_id))
        });
        if clash {
            return Err(bad_request(
                "store.sql_group.unique_constraint",
                "A group with that name, or with that source and remote id, already exists.",
            ));
        }
        Ok(())
    }

    pub(crate) fn create_group(&mut self, mut group: Group) -> AppResult<Group> {
        validate(&group)?;
        group.id = GroupId::generate();
        self.check_unique_group(&group)?;
        let now = self.tick();
        group.create_at = now;
        group.update_at = now;
        group.delete_at = None;
        self.groups.insert(group.id.clone(), group.clone());
        Ok(group)
    }

    pub(crate) fn group(&self, id: &GroupId) -> AppResult<Group> {
        self.groups.get(id).cloned().ok_or_else(|| missing_group(id.as_str()))
    }

    pub(crate) fn group_by_name(&self, name: &str) -> AppResult<Group> {
        self.groups.values().find(|g| g.name == name).cloned().ok_or_else(|| missing_group(name))
    }

    pub(crate) fn group_by_remote_id(&self, remote_id: &str, source: &GroupSource) -> AppResult<Group> {
        self.groups
            .values()
            .find(|g| g.remote_id == remote_id && &g.source == source)
            .cloned()
            .ok_or_else(|| missing_group(remote_id))
    }

    fn sorted_groups(&self, keep: impl Fn(&Group) -> bool) -> Vec<Group> {
        let mut groups: Vec<Group> = self.groups.values().filter(|g| keep(g)).cloned().collect();
        groups.sort_by(|a, b| a.display_name.cmp(&b.display_name).then(a.id.cmp(&b.id)));
        groups
    }

    pub(crate) fn groups_by_source(&self, source: &GroupSource) -> Vec<Group> {
        self.sorted_groups(|g| &g.source == source && g.delete_at.is_none())
    }

    fn is_group_member(&self, group: &GroupId, user: &UserId) -> bool {
        self.group_members.get(&(group.clone(), user.clone())).is_some_and(|m| m.delete_at.is_none())
    }

    pub(crate) fn groups_for_user(&self, user: &UserId) -> AppResult<Vec<Group>> {
        self.user(user)?;
        Ok(self.sorted_groups(|g| g.delete_at.is_none() && self.is_group_member(&g.id, user)))
    }

    /// `GetGroups`: filtered by text, source, archived state, mentionability and membership.
    pub(crate) fn search_groups(&self, page_no: i32, per_page: i32, opts: &GroupSearchOpts) -> Vec<Group> {
        let q = opts.q.trim().to_lowercase();
        let groups = self.sorted_groups(|g| {
            (q.is_empty() || g.name.contains(&q) || g.display_name.to_lowercase().contains(&q))
                && (opts.source.as_str().is_empty() || g.source == opts.source)
                && (g.delete_at.is_some() == opts.filter_archived)
                && (opts.filter_allow_reference != "true" || g.allow_reference)
                && (!opts.filter_has_member
                    || self.group_members.iter().any(|((gid, _), m)| gid == &g.id && m.delete_at.is_none()))
        });
        page(groups, page_no, per_page)
    }

    pub(crate) fn group_member_users(
        &self,
        group: &GroupId,
        page_no: i32,
        per_page: i32,
    ) -> AppResult<Vec<User>> {
        self.group(group)?;
        let ids: Vec<UserId> = self
            .group_members
            .values()
            .filter(|m| &m.group_id == group && m.delete_at.is_none())
            .map(|m| m.user_id.clone())
            .collect();
        let mut users = self.users_by_ids(&ids);
        users.sort_by(|a, b| a.username.cmp(&b.username));
        Ok(page(users, page_no, per_page))
    }

    pub(crate) fn update_group(&mut self, mut group: Group) -> AppResult<Group> {
        let existing = self.group(&group.id)?;
        validate(&group)?;
        self.check_unique_group(&group)?;
        group.create_at = existing.create_at;
        group.delete_at = existing.delete_at;
        group.update_at = self.tick();
        self.groups.insert(group.id.clone(), group.clone());
        Ok(group)
    }

    /// Archives (`archived`) or restores a group.
    pub(crate) fn set_group_archived(&mut self, id: &GroupId, archived: bool) -> AppResult<Group> {
        let now = self.tick();
        let group = self.groups.get_mut(id).ok_or_else(|| missing_group(id.as_str()))?;
        if archived == group.delete_at.is_some() {
            let state = if archived { "already archived" } else { "not archived" };
            return Err(bad_request(
                "app.group.group_syncable_already_deleted",
                format!("The group is {state}."),
            ));
        }
        group.delete_at = archived.then_some(now);
        group.update_at = now;
        Ok(group.clone())
    }

    pub(crate) fn upsert_group_member(&mut self, group: &GroupId, user: &UserId) -> AppResult<GroupMember> {
        self.group(group)?;
        self.user(user)?;
        let now = self.tick();
        let member = self.group_members.entry((group.clone(), user.clone())).or_insert_with(|| GroupMember {
            group_id: group.clone(),
            user_id: user.clone(),
            create_at: now,
            delete_at: None,
        });
        member.delete_at = None;
        Ok(member.clone())
    }

    pub(crate) fn delete_group_member(&mut self, group: &GroupId, user: &UserId) -> AppResult<GroupMember> {
        self.group(group)?;
        let now = self.tick();
        let member = self
            .group_members
            .get_mut(&(group.clone(), user.clone()))
            .filter(|m| m.delete_at.is_none())
            .ok_or_else(|| not_found("app.group.no_rows", "The user is not a member of the group."))?;
        member.delete_at = Some(now);
        Ok(member.clone())
    }

    fn check_syncable_target(&self, syncable: &GroupSyncable) -> AppResult<()> {
        match syncable.syncable_type {
            GroupSyncableType::Team => self.team(&TeamId::from_raw(syncable.syncable_id.clone())).map(|_| ()),
            GroupSyncableType::Channel => {
                self.channel(&ChannelId::from_raw(syncable.syncable_id.clone())).map(|_| ())
            }
            ref other => Err(bad_request(
                "model.group_syncable.type.app_error",
                format!("Unknown syncable type {:?}: use Team or Channel.", other.as_str()),
            )),
        }
    }

    pub(crate) fn upsert_group_syncable(&mut self, mut syncable: GroupSyncable) -> AppResult<GroupSyncable> {
        self.group(&syncable.group_id)?;
        self.check_syncable_target(&syncable)?;
        let now = self.tick();
        let key = syncable_key(&syncable.group_id, &syncable.syncable_id, &syncable.syncable_type);
        syncable.create_at = self.group_syncables.get(&key).map_or(now, |s| s.create_at);
        syncable.update_at = now;
        syncable.delete_at = None;
        self.group_syncables.insert(key, syncable.clone());
        Ok(syncable)
    }

    pub(crate) fn group_syncable(
        &self,
        group: &GroupId,
        syncable_id: &str,
        kind: &GroupSyncableType,
    ) -> AppResult<GroupSyncable> {
        self.group_syncables
            .get(&syncable_key(group, syncable_id, kind))
            .filter(|s| s.delete_at.is_none())
            .cloned()
            .ok_or_else(missing_syncable)
    }

    pub(crate) fn group_syncables(
        &self,
        group: &GroupId,
        kind: &GroupSyncableType,
    ) -> AppResult<Vec<GroupSyncable>> {
        self.group(group)?;
        let mut found: Vec<GroupSyncable> = self
            .group_syncables
            .values()
            .filter(|s| &s.group_id == group && &s.syncable_type == kind && s.delete_at.is_none())
            .cloned()
            .collect();
        found.sort_by(|a, b| a.syncable_id.cmp(&b.syncable_id));
        Ok(found)
    }

    pub(crate) fn update_group_syncable(&mut self, syncable: GroupSyncable) -> AppResult<GroupSyncable> {
        self.group_syncable(&syncable.group_id, &syncable.syncable_id, &syncable.syncable_type)?;
        self.upsert_group_syncable(syncable)
    }

    pub(crate) fn delete_group_syncable(
        &mut self,
        group: &GroupId,
        syncable_id: &str,
        kind: &GroupSyncableType,
    ) -> AppResult<GroupSyncable> {
        self.group_syncable(group, syncable_id, kind)?;
        let now = self.tick();
        let stored = self
            .group_syncables
            .get_mut(&syncable_key(group, syncable_id, kind))
            .ok_or_else(missing_syncable)?;
        stored.delete_at = Some(now);
        stored.update_at = now;
        Ok(stored.clone())
    }

    /// Memberships the live auto-add syncables call for: (team or channel, user) pairs.
    pub(crate) fn default_syncable_memberships(
        &self,
        teams: bool,
        channels: bool,
    ) -> Vec<(GroupSyncable, UserId)> {
        let mut wanted = Vec::new();
        for syncable in self.group_syncables.values().filter(|s| s.auto_add && s.delete_at.is_none()) {
            let in_scope = match syncable.syncable_type {
                GroupSyncableType::Team => teams,
                GroupSyncableType::Channel => channels,
                _ => false,
            };
            if !in_scope || self.groups.get(&syncable.group_id).is_none_or(|g| g.delete_at.is_some()) {
                continue;
            }
            for member in self
                .group_members
                .values()
                .filter(|m| m.group_id == syncable.group_id && m.delete_at.is_none())
            {
                wanted.push((syncable.clone(), member.user_id.clone()));
            }
        }
        wanted
    }

    /// Members of group-constrained teams and channels who are in none of their groups.
    pub(crate) fn unconstrained_members(&self) -> Unconstrained {
        let allowed = |syncable_id: &str, user: &UserId| {
            self.group_syncables.values().any(|s| {
                s.syncable_id == syncable_id
                    && s.delete_at.is_none()
                    && self.is_group_member(&s.group_id, user)
            })
        };
        let teams = self
            .team_members
            .values()
            .filter(|m| m.delete_at.is_none())
            .filter(|m| self.teams.get(&m.team_id).is_some_and(|t| t.group_constrained == Some(true)))
            .filter(|m| !allowed(m.team_id.as_str(), &m.user_id))
            .map(|m| (m.team_id.clone(), m.user_id.clone()))
            .collect();
        let channels = self
            .channel_members
            .values()
            .filter(|m| self.channels.get(&m.channel_id).is_some_and(|c| c.group_constrained == Some(true)))
            .filter(|m| !allowed(m.channel_id.as_str(), &m.user_id))
            .map(|m| (m.channel_id.clone(), m.user_id.clone()))
            .collect();
        (teams, channels)
    }
}
