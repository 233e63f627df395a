//! Channels (public, private, direct, group), channel membership and sidebar categories.

use std::collections::HashMap;

use mm_types::{
    CategoryId, Channel, ChannelId, ChannelMember, ChannelStats, ChannelType, OrderedSidebarCategories,
    SidebarCategoryType, SidebarCategoryWithChannels, TeamId, UserId,
};

use super::errors::{bad_request, forbidden, not_found};
use super::{AppResult, State, Store, page, sha1};

/// The channel nobody can leave or archive.
pub(crate) const TOWN_SQUARE: &str = "town-square";

fn missing_channel(id: &str) -> mm_types::AppError {
    not_found("app.channel.get.existing.app_error", format!("Unable to find the existing channel ({id})."))
}

fn missing_member() -> mm_types::AppError {
    not_found(
        "app.channel.get_member.missing.app_error",
        "No channel member found for that user ID and channel ID.",
    )
}

fn default_member_notify_props() -> HashMap<String, String> {
    [
        ("desktop", "default"),
        ("email", "default"),
        ("push", "default"),
        ("mark_unread", "all"),
        ("ignore_channel_mentions", "default"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect()
}

/// The name of the direct channel between two users: their ids, sorted, joined by `__`.
pub fn direct_channel_name(a: &UserId, b: &UserId) -> String {
    let (first, second) = if a <= b { (a, b) } else { (b, a) };
    format!("{first}__{second}")
}

/// The name of a group channel: the hex SHA-1 of its members' sorted ids, as the server names it.
pub fn group_channel_name(users: &[UserId]) -> String {
    let mut ids: Vec<&str> = users.iter().map(UserId::as_str).collect();
    ids.sort_unstable();
    sha1::hex_digest(ids.concat().as_bytes())
}

fn validate_channel(channel: &Channel) -> AppResult<()> {
    let name = channel.name.as_str();
    let name_ok = (1..=64).contains(&name.len())
        && name.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_')
        && name.chars().any(|c| c.is_ascii_alphanumeric());
    if !name_ok {
        return Err(bad_request(
            "model.channel.is_valid.name.app_error",
            format!("Invalid channel name {name:?}: use 1 to 64 lowercase letters, digits, '-' or '_'."),
        ));
    }
    if channel.display_name.trim().is_empty() || channel.display_name.chars().count() > 64 {
        return Err(bad_request(
            "model.channel.is_valid.display_name.app_error",
            "The channel's display name must be 1 to 64 characters long.",
        ));
    }
    if channel.header.chars().count() > 1024 {
        return Err(bad_request(
            "model.channel.is_valid.header.app_error",
            "The header may be at most 1024 characters long.",
        ));
    }
    if channel.purpose.chars().count() > 250 {
        return Err(bad_request(
            "model.channel.is_valid.purpose.app_error",
            "The purpose may be at most 250 characters long.",
        ));
    }
    Ok(())
}

impl State {
    /// Creates a public or private team channel; its creator (if any) becomes its admin.
    pub(crate) fn create_channel(&mut self, mut channel: Channel) -> AppResult<Channel> {
        if !matches!(channel.kind, ChannelType::Open | ChannelType::Private) {
            return Err(bad_request(
                "api.channel.create_channel.direct_channel.app_error",
                "Use GetDirectChannel or GetGroupChannel for direct and group messages.",
            ));
        }
        validate_channel(&channel)?;
        let team_id = channel.team_id.clone().ok_or_else(|| {
            bad_request(
                "model.channel.is_valid.team_id.app_error",
                "A public or private channel needs a team.",
            )
        })?;
        if self.team(&team_id)?.delete_at.is_some() {
            return Err(bad_request(
                "api.channel.create_channel.team_deleted.app_error",
                "The team is archived.",
            ));
        }
        if self.channels.values().any(|c| c.team_id.as_ref() == Some(&team_id) && c.name == channel.name) {
            return Err(bad_request(
                "store.sql_channel.save_channel.exists.app_error",
                "A channel with that name already exists on the same team.",
            ));
        }
        if let Some(creator) = &channel.creator_id {
            self.user(creator)?;
        }
        let now = self.tick();
        channel.id = ChannelId::generate();
        channel.create_at = now;
        channel.update_at = now;
        channel.delete_at = None;
        channel.total_msg_count = 0;
        channel.total_msg_count_root = 0;
        channel.last_post_at = None;
        channel.last_root_post_at = None;
        self.channels.insert(channel.id.clone(), channel.clone());
        if let Some(creator) = channel.creator_id.clone() {
            let mut member = self.new_member(&channel.id, &creator);
            member.scheme_admin = true;
            self.channel_members.insert((channel.id.clone(), creator), member);
        }
        Ok(channel)
    }

    fn new_member(&mut self, channel: &ChannelId, user: &UserId) -> ChannelMember {
        let now = self.tick();
        let msg_count = self.channels.get(channel).map_or(0, |c| c.total_msg_count);
        let msg_count_root = self.channels.get(channel).map_or(0, |c| c.total_msg_count_root);
        ChannelMember {
            channel_id: channel.clone(),
            user_id: user.clone(),
            roles: String::new(),
            last_viewed_at: Some(now),
            msg_count,
            msg_count_root,
            notify_props: default_member_notify_props(),
            last_update_at: now,
            scheme_user: true,
            ..ChannelMember::default()
        }
    }

    /// The direct channel between two users, created on first use. Returns it and whether it
    /// was created now.
    pub(crate) fn direct_channel(&mut self, a: &UserId, b: &UserId) -> AppResult<(Channel, bool)> {
        self.user(a)?;
        self.user(b)?;
        let name = direct_channel_name(a, b);
        if let Some(existing) =
            self.channels.values().find(|c| c.kind == ChannelType::Direct && c.name == name)
        {
            return Ok((existing.clone(), false));
        }
        let now = self.tick();
        let channel = Channel {
            id: ChannelId::generate(),
            create_at: now,
            update_at: now,
            name,
            kind: ChannelType::Direct,
            creator_id: Some(a.clone()),
            ..Channel::default()
        };
        self.channels.insert(channel.id.clone(), channel.clone());
        for user in [a, b] {
            let member = self.new_member(&channel.id, user);
            self.channel_members.insert((channel.id.clone(), user.clone()), member);
        }
        Ok((channel, true))
    }

    /// The group channel of 3 to 8 users, created on first use.
    pub(crate) fn group_channel(&mut self, users: &[UserId]) -> AppResult<(Channel, bool)> {
        let mut ids: Vec<UserId> = users.to_vec();
        ids.sort();
        ids.dedup();
        if !(3..=8).contains(&ids.len()) {
            return Err(bad_request(
                "api.channel.create_group.bad_size.app_error",
                "Group message channels must contain at least 3 and no more than 8 users.",
            ));
        }
        let mut usernames = Vec::new();
        for id in &ids {
            usernames.push(self.user(id)?.username.clone());
        }
        usernames.sort();
        let name = group_channel_name(&ids);
        if let Some(existing) =
            self.channels.values().find(|c| c.kind == ChannelType::Group && c.name == name)
        {
            return Ok((existing.clone(), false));
        }
        let now = self.tick();
        let channel = Channel {
            id: ChannelId::generate(),
            create_at: now,
            update_at: now,
            name,
            display_name: usernames.join(", "),
            kind: ChannelType::Group,
            creator_id: ids.first().cloned(),
            ..Channel::default()
        };
        self.channels.insert(channel.id.clone(), channel.clone());
        for user in &ids {
            let member = self.new_member(&channel.id, user);
            self.channel_members.insert((channel.id.clone(), user.clone()), member);
        }
        Ok((channel, true))
    }

    pub(crate) fn channel(&self, id: &ChannelId) -> AppResult<&Channel> {
        self.channels.get(id).ok_or_else(|| missing_channel(id.as_str()))
    }

    pub(crate) fn channel_by_name(
        &self,
        team: &TeamId,
        name: &str,
        include_deleted: bool,
    ) -> AppResult<Channel> {
        self.channels
            .values()
            .find(|c| {
                c.team_id.as_ref() == Some(team)
                    && c.name == name
                    && (include_deleted || c.delete_at.is_none())
            })
            .cloned()
            .ok_or_else(|| {
                not_found(
                    "app.channel.get_by_name.missing.app_error",
                    format!("Unable to find the channel {name:?}."),
                )
            })
    }

    fn sorted_channels(&self, keep: impl Fn(&Channel) -> bool) -> Vec<Channel> {
        let mut channels: Vec<Channel> = self.channels.values().filter(|c| keep(c)).cloned().collect();
        channels.sort_by(|a, b| a.display_name.cmp(&b.display_name).then(a.name.cmp(&b.name)));
        channels
    }

    pub(crate) fn public_channels(
        &self,
        team: &TeamId,
        page_no: i32,
        per_page: i32,
    ) -> AppResult<Vec<Channel>> {
        self.team(team)?;
        let channels = self.sorted_channels(|c| {
            c.team_id.as_ref() == Some(team) && c.kind == ChannelType::Open && c.delete_at.is_none()
        });
        Ok(page(channels, page_no, per_page))
    }

    /// The channels of a team the user is in, plus their direct and group channels.
    pub(crate) fn channels_for_user(
        &self,
        team: &TeamId,
        user: &UserId,
        include_deleted: bool,
    ) -> AppResult<Vec<Channel>> {
        self.team(team)?;
        self.user(user)?;
        Ok(self.sorted_channels(|c| {
            (c.team_id.as_ref() == Some(team) || c.team_id.is_none())
                && self.is_channel_member(&c.id, user)
                && (include_deleted || c.delete_at.is_none())
        }))
    }

    pub(crate) fn search_channels(&self, team: &TeamId, term: &str) -> AppResult<Vec<Channel>> {
        self.team(team)?;
        let term = term.trim().to_lowercase();
        Ok(self.sorted_channels(|c| {
            c.team_id.as_ref() == Some(team)
                && c.kind == ChannelType::Open
                && c.delete_at.is_none()
                && (c.name.contains(&term) || c.display_name.to_lowercase().contains(&term))
        }))
    }

    pub(crate) fn channel_stats(&self, id: &ChannelId) -> AppResult<ChannelStats> {
        self.channel(id)?;
        let member_count = self.channel_members.keys().filter(|(c, _)| c == id).count() as i64;
        let pinned = self
            .posts
            .values()
            .filter(|p| &p.channel_id == id && p.is_pinned && p.delete_at.is_none())
            .count();
        let files = self
            .files
            .values()
            .filter(|f| f.info.channel_id.as_ref() == Some(id) && f.info.delete_at.is_none())
            .count();
        Ok(ChannelStats {
            channel_id: id.clone(),
            member_count,
            guest_count: 0,
            pinnedpost_count: pinned as i64,
            files_count: files as i64,
        })
    }

    /// Replaces a channel's editable fields (names, header, purpose, props...).
    pub(crate) fn update_channel(&mut self, mut channel: Channel) -> AppResult<Channel> {
        let existing = self.channel(&channel.id)?.clone();
        if existing.delete_at.is_some() {
            return Err(bad_request(
                "api.channel.update_channel.deleted.app_error",
                "The channel is archived.",
            ));
        }
        if existing.kind.is_team_less() {
            channel.name = existing.name.clone();
            if channel.display_name.is_empty() {
                channel.display_name = existing.display_name.clone();
            }
        } else {
            validate_channel(&channel)?;
            if self
                .channels
                .values()
                .any(|c| c.team_id == existing.team_id && c.name == channel.name && c.id != channel.id)
            {
                return Err(bad_request(
                    "store.sql_channel.update.exists.app_error",
                    "A channel with that name already exists on the same team.",
                ));
            }
        }
        channel.team_id = existing.team_id;
        channel.kind = match (&existing.kind, &channel.kind) {
            (ChannelType::Open | ChannelType::Private, ChannelType::Open | ChannelType::Private) => {
                channel.kind
            }
            _ => existing.kind,
        };
        channel.create_at = existing.create_at;
        channel.delete_at = existing.delete_at;
        channel.total_msg_count = existing.total_msg_count;
        channel.total_msg_count_root = existing.total_msg_count_root;
        channel.last_post_at = existing.last_post_at;
        channel.last_root_post_at = existing.last_root_post_at;
        channel.update_at = self.tick();
        self.channels.insert(channel.id.clone(), channel.clone());
        Ok(channel)
    }

    /// Archives a channel (Town Square cannot be archived).
    pub(crate) fn delete_channel(&mut self, id: &ChannelId) -> AppResult<Channel> {
        let channel = self.channel(id)?;
        if channel.name == TOWN_SQUARE && channel.team_id.is_some() {
            return Err(bad_request(
                "api.channel.delete_channel.cannot.app_error",
                "Unable to delete the default channel town-square.",
            ));
        }
        if channel.delete_at.is_some() {
            return Err(bad_request(
                "api.channel.delete_channel.deleted.app_error",
                "The channel is already archived.",
            ));
        }
        let now = self.tick();
        let channel = self.channels.get_mut(id).ok_or_else(|| missing_channel(id.as_str()))?;
        channel.delete_at = Some(now);
        channel.update_at = now;
        Ok(channel.clone())
    }

    /// Adds a user to a public or private channel. Returns the membership and whether the user
    /// just joined.
    pub(crate) fn add_channel_member(
        &mut self,
        channel_id: &ChannelId,
        user_id: &UserId,
    ) -> AppResult<(ChannelMember, bool)> {
        let channel = self.channel(channel_id)?.clone();
        if channel.delete_at.is_some() {
            return Err(bad_request(
                "api.channel.add_user_to_channel.deleted.app_error",
                "The channel is archived.",
            ));
        }
        if channel.kind.is_team_less() {
            return Err(bad_request(
                "api.channel.add_user_to_channel.type.app_error",
                "Users cannot be added to direct or group message channels.",
            ));
        }
        if self.user(user_id)?.delete_at.is_some() {
            return Err(bad_request(
                "api.channel.add_user.to.channel.failed.deleted.app_error",
                "The user is deactivated.",
            ));
        }
        if let Some(team) = &channel.team_id
            && !self.is_team_member(team, user_id)
        {
            return Err(forbidden(
                "api.channel.add_user.to.channel.failed.app_error",
                "The user is not a member of the channel's team.",
            ));
        }
        let key = (channel_id.clone(), user_id.clone());
        if let Some(existing) = self.channel_members.get(&key) {
            return Ok((existing.clone(), false));
        }
        let member = self.new_member(channel_id, user_id);
        self.channel_members.insert(key, member.clone());
        if let Some(c) = self.channels.get_mut(channel_id) {
            c.extra_update_at = Some(member.last_update_at);
        }
        Ok((member, true))
    }

    /// Removes a user from a channel (not from Town Square, not from direct messages).
    pub(crate) fn remove_channel_member(
        &mut self,
        channel_id: &ChannelId,
        user_id: &UserId,
    ) -> AppResult<ChannelMember> {
        let channel = self.channel(channel_id)?.clone();
        if channel.name == TOWN_SQUARE && channel.team_id.is_some() {
            return Err(bad_request(
                "api.channel.remove.default.app_error",
                "Unable to remove a user from the default channel town-square.",
            ));
        }
        if channel.kind == ChannelType::Direct {
            return Err(bad_request(
                "api.channel.remove_user_from_channel.direct.app_error",
                "Users cannot leave a direct message channel.",
            ));
        }
        let member =
            self.channel_members.remove(&(channel_id.clone(), user_id.clone())).ok_or_else(missing_member)?;
        let now = self.tick();
        if let Some(c) = self.channels.get_mut(channel_id) {
            c.extra_update_at = Some(now);
        }
        Ok(member)
    }

    pub(crate) fn channel_member(
        &self,
        channel_id: &ChannelId,
        user_id: &UserId,
    ) -> AppResult<ChannelMember> {
        self.channel(channel_id)?;
        self.channel_members.get(&(channel_id.clone(), user_id.clone())).cloned().ok_or_else(missing_member)
    }

    pub(crate) fn channel_members_of(
        &self,
        channel_id: &ChannelId,
        page_no: i32,
        per_page: i32,
    ) -> AppResult<Vec<ChannelMember>> {
        self.channel(channel_id)?;
        let mut members: Vec<ChannelMember> =
            self.channel_members.values().filter(|m| &m.channel_id == channel_id).cloned().collect();
        members.sort_by(|a, b| a.user_id.cmp(&b.user_id));
        Ok(page(members, page_no, per_page))
    }

    pub(crate) fn channel_members_by_ids(
        &self,
        channel_id: &ChannelId,
        users: &[UserId],
    ) -> AppResult<Vec<ChannelMember>> {
        self.channel(channel_id)?;
        Ok(users
            .iter()
            .filter_map(|u| self.channel_members.get(&(channel_id.clone(), u.clone())).cloned())
            .collect())
    }

    /// The user's memberships in the team's channels (and their direct and group channels).
    pub(crate) fn channel_members_for_user(
        &self,
        team: &TeamId,
        user: &UserId,
        page_no: i32,
        per_page: i32,
    ) -> AppResult<Vec<ChannelMember>> {
        let channels = self.channels_for_user(team, user, false)?;
        let members = channels
            .iter()
            .filter_map(|c| self.channel_members.get(&(c.id.clone(), user.clone())).cloned())
            .collect();
        Ok(page(members, page_no, per_page))
    }

    pub(crate) fn update_channel_member_roles(
        &mut self,
        channel_id: &ChannelId,
        user_id: &UserId,
        roles: &str,
    ) -> AppResult<ChannelMember> {
        self.channel(channel_id)?;
        let now = self.tick();
        let member = self
            .channel_members
            .get_mut(&(channel_id.clone(), user_id.clone()))
            .ok_or_else(missing_member)?;
        let mut explicit = Vec::new();
        member.scheme_user = false;
        member.scheme_admin = false;
        member.scheme_guest = false;
        for role in roles.split_whitespace() {
            match role {
                "channel_user" => member.scheme_user = true,
                "channel_admin" => member.scheme_admin = true,
                "channel_guest" => member.scheme_guest = true,
                other => explicit.push(other),
            }
        }
        member.roles = explicit.join(" ");
        member.last_update_at = now;
        Ok(member.clone())
    }

    pub(crate) fn update_channel_member_notify_props(
        &mut self,
        channel_id: &ChannelId,
        user_id: &UserId,
        props: HashMap<String, String>,
    ) -> AppResult<ChannelMember> {
        self.channel(channel_id)?;
        let now = self.tick();
        let member = self
            .channel_members
            .get_mut(&(channel_id.clone(), user_id.clone()))
            .ok_or_else(missing_member)?;
        member.notify_props.extend(props);
        member.last_update_at = now;
        Ok(member.clone())
    }

    /// The user's sidebar in a team; the default categories are created on first use.
    pub(crate) fn sidebar_categories(
        &mut self,
        user: &UserId,
        team: &TeamId,
    ) -> AppResult<OrderedSidebarCategories> {
        self.user(user)?;
        self.team(team)?;
        let key = (user.clone(), team.clone());
        if !self.sidebar.contains_key(&key) {
            let defaults = [
                (SidebarCategoryType::Favorites, "Favorites"),
                (SidebarCategoryType::Channels, "Channels"),
                (SidebarCategoryType::DirectMessages, "Direct Messages"),
            ];
            let categories = defaults
                .into_iter()
                .map(|(kind, name)| SidebarCategoryWithChannels {
                    id: CategoryId::from_raw(format!("{}_{}_{}", kind, user, team)),
                    user_id: user.clone(),
                    team_id: team.clone(),
                    display_name: name.to_string(),
                    kind,
                    ..SidebarCategoryWithChannels::default()
                })
                .collect();
            self.sidebar.insert(key.clone(), categories);
        }
        let mut categories = self.sidebar.get(&key).cloned().unwrap_or_default();
        // Channels not placed anywhere go to the default category of their kind.
        let placed: Vec<ChannelId> = categories.iter().flat_map(|c| c.channel_ids.clone()).collect();
        let mine = self.channels_for_user(team, user, false)?;
        for channel in mine.into_iter().filter(|c| !placed.contains(&c.id)) {
            let wanted = if channel.kind.is_team_less() {
                SidebarCategoryType::DirectMessages
            } else {
                SidebarCategoryType::Channels
            };
            if let Some(category) = categories.iter_mut().find(|c| c.kind == wanted) {
                category.channel_ids.push(channel.id);
            }
        }
        let order = categories.iter().map(|c| c.id.clone()).collect();
        Ok(OrderedSidebarCategories { categories, order })
    }

    pub(crate) fn create_sidebar_category(
        &mut self,
        user: &UserId,
        team: &TeamId,
        mut category: SidebarCategoryWithChannels,
    ) -> AppResult<SidebarCategoryWithChannels> {
        self.sidebar_categories(user, team)?;
        if category.display_name.trim().is_empty() {
            return Err(bad_request(
                "app.channel.sidebar_categories.app_error",
                "A category needs a display name.",
            ));
        }
        category.id = CategoryId::from_raw(format!("custom_{}", CategoryId::generate()));
        category.user_id = user.clone();
        category.team_id = team.clone();
        category.kind = SidebarCategoryType::Custom;
        let key = (user.clone(), team.clone());
        let list = self.sidebar.entry(key).or_default();
        // A channel lives in one category: moving it here removes it from the others.
        for other in list.iter_mut() {
            other.channel_ids.retain(|c| !category.channel_ids.contains(c));
        }
        list.insert(1.min(list.len()), category.clone());
        Ok(category)
    }

    pub(crate) fn update_sidebar_categories(
        &mut self,
        user: &UserId,
        team: &TeamId,
        updates: Vec<SidebarCategoryWithChannels>,
    ) -> AppResult<Vec<SidebarCategoryWithChannels>> {
        self.sidebar_categories(user, team)?;
        let key = (user.clone(), team.clone());
        let list = self.sidebar.entry(key).or_default();
        let mut updated = Vec::new();
        for mut update in updates {
            let Some(index) = list.iter().position(|c| c.id == update.id) else {
                return Err(not_found(
                    "app.channel.sidebar_categories.app_error",
                    format!("Unable to find the sidebar category {}.", update.id),
                ));
            };
            update.user_id = user.clone();
            update.team_id = team.clone();
            update.kind = list[index].kind.clone();
            for (i, other) in list.iter_mut().enumerate() {
                if i != index {
                    other.channel_ids.retain(|c| !update.channel_ids.contains(c));
                }
            }
            list[index] = update.clone();
            updated.push(update);
        }
        Ok(updated)
    }
}

impl Store {
    /// The channel with this id.
    pub fn channel(&self, id: &ChannelId) -> Option<Channel> {
        self.lock().channels.get(id).cloned()
    }

    /// The channel named `name` in the team.
    pub fn channel_by_name(&self, team: &TeamId, name: &str) -> Option<Channel> {
        self.lock().channel_by_name(team, name, true).ok()
    }

    /// Every channel, sorted by display name.
    pub fn channels(&self) -> Vec<Channel> {
        self.lock().sorted_channels(|_| true)
    }

    /// The members of a channel.
    pub fn channel_members(&self, id: &ChannelId) -> Vec<ChannelMember> {
        self.lock().channel_members_of(id, 0, i32::MAX).unwrap_or_default()
    }

    /// Whether the user is a member of the channel.
    pub fn is_channel_member(&self, channel: &ChannelId, user: &UserId) -> bool {
        self.lock().is_channel_member(channel, user)
    }
}
