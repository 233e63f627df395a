//! User groups (LDAP, custom and plugin groups), their members and the teams and channels
//! they are synced to.

use mm_proto::v1 as wire;
use serde::{Deserialize, Serialize};

use crate::enums::string_enum;
use crate::id::{ChannelId, GroupId, TeamId, UserId};
use crate::page::Page;
use crate::timestamp::Timestamp;
use crate::wire_struct;

string_enum! {
    /// Where a group comes from. Plugin groups use `plugin_<plugin id>`, kept as
    /// [`GroupSource::Other`]. The default is empty, which in a search means "any source".
    pub enum GroupSource {
        /// Synced from LDAP.
        Ldap = "ldap",
        /// Made by users in Mattermost.
        Custom = "custom",
    }
    default = Other(String::new());
}

impl GroupSource {
    /// The source of the groups a plugin manages.
    pub fn plugin(plugin_id: &str) -> Self {
        GroupSource::from(format!("plugin_{plugin_id}"))
    }

    /// The plugin managing groups of this source, for plugin sources.
    pub fn plugin_id(&self) -> Option<&str> {
        self.as_str().strip_prefix("plugin_")
    }
}

/// A group of users that can be mentioned together and synced to teams and channels.
///
/// ```
/// use mm_types::{Group, GroupSource};
/// let group = Group::custom("developers", "Developers");
/// assert_eq!(group.source, GroupSource::Custom);
/// assert!(group.allow_reference);
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Group {
    /// The group's id (empty until created).
    pub id: GroupId,
    /// The name mentioned with `@` (may be empty for LDAP groups; Go's JSON may write `null`).
    #[serde(deserialize_with = "crate::json::null_as_default")]
    pub name: String,
    /// The name shown.
    pub display_name: String,
    /// A description.
    pub description: String,
    /// Where it comes from.
    pub source: GroupSource,
    /// Its id in the source (the LDAP object id...), empty for custom groups (Go's JSON may
    /// write `null`).
    #[serde(deserialize_with = "crate::json::null_as_default")]
    pub remote_id: String,
    /// When it was created.
    pub create_at: Timestamp,
    /// When it last changed.
    pub update_at: Timestamp,
    /// When it was deleted, if it was.
    #[serde(with = "crate::timestamp::zero_as_none")]
    pub delete_at: Option<Timestamp>,
    /// Whether it can be mentioned.
    pub allow_reference: bool,
}

impl Group {
    /// A new custom group that can be mentioned as `@name`.
    pub fn custom(name: impl Into<String>, display_name: impl Into<String>) -> Self {
        Group {
            name: name.into(),
            display_name: display_name.into(),
            source: GroupSource::Custom,
            allow_reference: true,
            ..Default::default()
        }
    }

    /// Sets the description.
    pub fn with_description(mut self, description: impl Into<String>) -> Self {
        self.description = description.into();
        self
    }

    /// Whether the group was deleted.
    pub fn is_deleted(&self) -> bool {
        self.delete_at.is_some()
    }
}

wire_struct! {
    Group <=> wire::Group {
        id, name, display_name, description, source, remote_id, create_at, update_at, delete_at,
        allow_reference,
    }
}

/// A user's membership in a group.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct GroupMember {
    /// The group.
    pub group_id: GroupId,
    /// The member.
    pub user_id: UserId,
    /// When the user joined.
    pub create_at: Timestamp,
    /// When the user left, if they did.
    #[serde(with = "crate::timestamp::zero_as_none")]
    pub delete_at: Option<Timestamp>,
}

wire_struct! {
    GroupMember <=> wire::GroupMember { group_id, user_id, create_at, delete_at }
}

string_enum! {
    /// What a group is synced to.
    pub enum GroupSyncableType {
        /// A team.
        Team = "Team",
        /// A channel.
        Channel = "Channel",
    }
    default = Team;
}

/// A group synced to a team or channel: its members are added there.
///
/// ```
/// use mm_types::{ChannelId, GroupId, GroupSyncable};
/// let channel = ChannelId::parse("4xp9fdt77pncbef59f4k1qe83o").unwrap();
/// let sync = GroupSyncable::for_channel(GroupId::parse("kw1i6zxmrbb1ux7dx8rbn3c8xc").unwrap(), channel.clone())
///     .auto_add();
/// assert_eq!(sync.channel_id(), Some(channel));
/// assert_eq!(sync.team_id(), None);
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct GroupSyncable {
    /// The group.
    pub group_id: GroupId,
    /// The team or channel id, depending on `syncable_type`.
    pub syncable_id: String,
    /// Team or channel.
    pub syncable_type: GroupSyncableType,
    /// Whether members are added automatically.
    pub auto_add: bool,
    /// Whether members become admins of the team or channel.
    pub scheme_admin: bool,
    /// When the sync was set up.
    pub create_at: Timestamp,
    /// When it was removed, if it was.
    #[serde(with = "crate::timestamp::zero_as_none")]
    pub delete_at: Option<Timestamp>,
    /// When it last changed.
    pub update_at: Timestamp,
}

impl GroupSyncable {
    /// A sync of `group_id` to a team.
    pub fn for_team(group_id: GroupId, team_id: TeamId) -> Self {
        GroupSyncable {
            group_id,
            syncable_id: team_id.into_string(),
            syncable_type: GroupSyncableType::Team,
            ..Default::default()
        }
    }

    /// A sync of `group_id` to a channel.
    pub fn for_channel(group_id: GroupId, channel_id: ChannelId) -> Self {
        GroupSyncable {
            group_id,
            syncable_id: channel_id.into_string(),
            syncable_type: GroupSyncableType::Channel,
            ..Default::default()
        }
    }

    /// Adds members automatically.
    pub fn auto_add(mut self) -> Self {
        self.auto_add = true;
        self
    }

    /// The team, for team syncs.
    pub fn team_id(&self) -> Option<TeamId> {
        (self.syncable_type == GroupSyncableType::Team).then(|| TeamId::from_raw(self.syncable_id.clone()))
    }

    /// The channel, for channel syncs.
    pub fn channel_id(&self) -> Option<ChannelId> {
        (self.syncable_type == GroupSyncableType::Channel)
            .then(|| ChannelId::from_raw(self.syncable_id.clone()))
    }
}

wire_struct! {
    GroupSyncable <=> wire::GroupSyncable {
        group_id, syncable_id, syncable_type, auto_add, scheme_admin, create_at, delete_at, update_at,
    }
}

/// Filters and paging for `GetGroups`.
///
/// ```
/// use mm_types::{GroupSearchOpts, GroupSource, Page};
/// let opts = GroupSearchOpts::query("dev").with_source(GroupSource::Custom).page(Page::first(20));
/// assert_eq!(opts.page_opts_per_page, 20);
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct GroupSearchOpts {
    /// Text the name or display name contains.
    pub q: String,
    /// Whether member counts are returned.
    pub include_member_count: bool,
    /// Whether total member counts are returned.
    pub include_total_member_count: bool,
    /// `"true"` to list only groups that can be mentioned (Go's boolean as text on the wire).
    pub filter_allow_reference: String,
    /// The page, from 0.
    pub page_opts_page: i32,
    /// Groups per page.
    pub page_opts_per_page: i32,
    /// Whether only deleted groups are listed.
    pub filter_archived: bool,
    /// Whether only groups allowed in the parent team of a channel are listed.
    pub filter_parent_team_permitted: bool,
    /// Only groups of this source (empty for any).
    pub source: GroupSource,
    /// Whether only groups with members are listed.
    pub filter_has_member: bool,
    /// Only groups changed since this time (milliseconds, as text; empty for any).
    pub since: String,
    /// Whether channel member counts are returned.
    pub include_channel_member_count: bool,
    /// Whether member timezones are returned.
    pub include_timezones: bool,
}

impl GroupSearchOpts {
    /// A search for groups whose name contains `q`.
    pub fn query(q: impl Into<String>) -> Self {
        GroupSearchOpts { q: q.into(), ..Default::default() }
    }

    /// One page of groups.
    pub fn page(mut self, page: Page) -> Self {
        self.page_opts_page = page.wire_index();
        self.page_opts_per_page = page.wire_per_page();
        self
    }

    /// Only groups of one source.
    pub fn with_source(mut self, source: GroupSource) -> Self {
        self.source = source;
        self
    }

    /// Only groups that can be mentioned.
    pub fn only_referenceable(mut self) -> Self {
        self.filter_allow_reference = "true".into();
        self
    }

    /// Returns member counts.
    pub fn include_member_count(mut self) -> Self {
        self.include_member_count = true;
        self
    }
}

wire_struct! {
    GroupSearchOpts <=> wire::GroupSearchOpts {
        q, include_member_count, include_total_member_count, filter_allow_reference, page_opts_page,
        page_opts_per_page, filter_archived, filter_parent_team_permitted, source, filter_has_member,
        since, include_channel_member_count, include_timezones,
    }
}

/// What `CreateDefaultSyncableMemberships` adds: members of synced groups to their teams
/// and channels.
///
/// ```
/// use mm_types::CreateDefaultMembershipParams;
/// let params = CreateDefaultMembershipParams { scope_teams: true, scope_channels: true, ..Default::default() };
/// assert!(params.since.is_zero());
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct CreateDefaultMembershipParams {
    /// Only group memberships created since then ([`Timestamp::ZERO`] for all).
    pub since: Timestamp,
    /// Whether team memberships are added.
    pub scope_teams: bool,
    /// Whether channel memberships are added.
    pub scope_channels: bool,
    /// Whether users who left or were removed are added back.
    pub re_add_removed_members: bool,
}

wire_struct! {
    CreateDefaultMembershipParams <=> wire::CreateDefaultMembershipParams {
        since, scope_teams, scope_channels, re_add_removed_members,
    }
}
