//! The in-memory store behind the local host: every entity the PluginAPI reads and writes.
//!
//! The store only keeps data and applies the server's rules for it (validation, uniqueness,
//! paging, error ids); it never calls plugins. The host's operations (see [`Host`](crate::Host))
//! combine store changes with the hooks they trigger, and the PluginAPI server calls both.
//!
//! Every operation is synchronous and short: the state sits behind one mutex that is never held
//! across an `await`. Readers get clones.

mod bots;
mod channels;
mod commands;
mod config;
pub(crate) mod errors;
mod files;
mod groups;
mod kv;
mod oauth;
mod outbox;
mod posts;
mod preferences;
mod properties;
mod sessions;
mod sha1;
pub(crate) mod shared_channels;
mod teams;
mod users;

use std::collections::{BTreeMap, HashMap};
use std::sync::{Mutex, MutexGuard, PoisonError};

use bytes::Bytes;
use mm_types::{
    Bot, Channel, ChannelId, ChannelMember, Command, CommandId, FileId, Post, PostId, Reaction, Session,
    SessionId, SidebarCategoryWithChannels, Status, Team, TeamId, TeamMember, Timestamp, TokenId, UploadId,
    User, UserAccessToken, UserId,
};

pub use channels::{direct_channel_name, group_channel_name};
pub(crate) use commands::PluginCommand;
pub use config::{default_config, sanitize_config};
pub(crate) use files::StoredFile;
pub use kv::KvEntry;
pub use outbox::{LogEntry, LogLevel, Outbound, OutboundKind};
pub(crate) use posts::PostsPage;
pub(crate) use sessions::{CSRF_PROP, TokenSession};
pub(crate) use teams::DEFAULT_CHANNELS;
pub(crate) use users::{UserQuery, roles_grant, sanitized as sanitized_user};

/// The result of a store operation: a value or the `AppError` the server would answer.
pub type AppResult<T> = Result<T, mm_types::AppError>;

/// The in-memory Mattermost data of one host: users, teams, channels, posts, KV stores, files,
/// configuration and the rest, with the server's validation rules.
///
/// Get it from [`Host::store`](crate::Host::store). Its public methods read (for assertions in
/// tests and for tools); changes go through the host, so hooks run as on a real server.
pub struct Store {
    state: Mutex<State>,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let state = self.lock();
        f.debug_struct("Store")
            .field("users", &state.users.len())
            .field("teams", &state.teams.len())
            .field("channels", &state.channels.len())
            .field("posts", &state.posts.len())
            .finish_non_exhaustive()
    }
}

/// Everything the store holds. Domain files add `impl State` blocks with their operations.
#[derive(Default)]
pub(crate) struct State {
    /// The last timestamp handed out (see [`State::tick`]).
    clock: i64,
    pub(crate) users: HashMap<UserId, User>,
    pub(crate) statuses: HashMap<UserId, Status>,
    pub(crate) profile_images: HashMap<UserId, Bytes>,
    pub(crate) sessions: HashMap<SessionId, Session>,
    pub(crate) tokens: HashMap<TokenId, UserAccessToken>,
    pub(crate) teams: HashMap<TeamId, Team>,
    pub(crate) team_members: HashMap<(TeamId, UserId), TeamMember>,
    pub(crate) team_icons: HashMap<TeamId, Bytes>,
    pub(crate) channels: HashMap<ChannelId, Channel>,
    pub(crate) channel_members: HashMap<(ChannelId, UserId), ChannelMember>,
    pub(crate) sidebar: HashMap<(UserId, TeamId), Vec<SidebarCategoryWithChannels>>,
    pub(crate) posts: HashMap<PostId, Post>,
    /// The replies of each thread root, in the order they were posted (a post's `root_id`
    /// never changes): decorating a post reads its thread here instead of scanning every post,
    /// which made CreatePost slower with every post stored, under the store's one lock.
    pub(crate) replies: HashMap<PostId, Vec<PostId>>,
    pub(crate) reactions: Vec<Reaction>,
    pub(crate) ephemeral: Vec<(UserId, Post)>,
    pub(crate) kv: HashMap<String, BTreeMap<String, KvEntry>>,
    pub(crate) config: serde_json::Value,
    pub(crate) bots: HashMap<UserId, Bot>,
    pub(crate) groups: HashMap<mm_types::GroupId, mm_types::Group>,
    pub(crate) group_members: HashMap<(mm_types::GroupId, UserId), mm_types::GroupMember>,
    pub(crate) group_syncables: HashMap<groups::SyncableKey, mm_types::GroupSyncable>,
    pub(crate) property_groups: HashMap<String, mm_types::PropertyGroup>,
    pub(crate) property_fields: HashMap<mm_types::PropertyFieldId, mm_types::PropertyField>,
    pub(crate) property_values: HashMap<mm_types::PropertyValueId, mm_types::PropertyValue>,
    pub(crate) remote_clusters: HashMap<mm_types::RemoteId, mm_types::RemoteCluster>,
    pub(crate) shared_channels: HashMap<ChannelId, mm_types::SharedChannel>,
    pub(crate) channel_remotes: HashMap<(ChannelId, mm_types::RemoteId), shared_channels::ChannelRemote>,
    pub(crate) oauth_apps: HashMap<mm_types::OAuthAppId, mm_types::OAuthApp>,
    pub(crate) plugin_commands: Vec<PluginCommand>,
    pub(crate) custom_commands: HashMap<CommandId, Command>,
    pub(crate) preferences: BTreeMap<(UserId, String, String), String>,
    pub(crate) files: HashMap<FileId, StoredFile>,
    pub(crate) uploads: HashMap<UploadId, (mm_types::UploadSession, Vec<u8>)>,
    pub(crate) logs: Vec<LogEntry>,
    pub(crate) outbox: Vec<Outbound>,
}

impl State {
    /// A timestamp for a change: the current time, but always after the previous one, so that
    /// creation order is total even within one millisecond.
    pub(crate) fn tick(&mut self) -> Timestamp {
        let now = Timestamp::now().as_millis();
        self.clock = now.max(self.clock + 1);
        Timestamp::from_millis(self.clock)
    }
}

impl Store {
    /// An empty store with the default server configuration for `site_url`.
    pub(crate) fn new(site_url: &str) -> Self {
        let state = State { config: default_config(site_url), ..State::default() };
        Store { state: Mutex::new(state) }
    }

    /// Locks the state. A panic while it was held cannot leave it half-changed in a way that
    /// matters for a local host, so a poisoned lock is used as is.
    pub(crate) fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Runs `f` on the locked state.
    pub(crate) fn with<R>(&self, f: impl FnOnce(&mut State) -> R) -> R {
        f(&mut self.lock())
    }
}

/// Applies Mattermost's paging (`page` from 0, `per_page` items) to a sorted list; negative
/// values give an empty page.
pub(crate) fn page<T>(items: Vec<T>, page: i32, per_page: i32) -> Vec<T> {
    let (Ok(page), Ok(per_page)) = (usize::try_from(page), usize::try_from(per_page)) else {
        return Vec::new();
    };
    items.into_iter().skip(page.saturating_mul(per_page)).take(per_page).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_skip_and_take_and_refuse_negative_values() {
        let items: Vec<i32> = (0..5).collect();
        assert_eq!(page(items.clone(), 0, 2), [0, 1]);
        assert_eq!(page(items.clone(), 2, 2), [4]);
        assert!(page(items.clone(), 3, 2).is_empty());
        assert!(page(items.clone(), -1, 2).is_empty());
        assert!(page(items, 0, -1).is_empty());
    }

    #[test]
    fn ticks_always_move_forward() {
        let mut state = State::default();
        let a = state.tick();
        let b = state.tick();
        let c = state.tick();
        assert!(a < b && b < c);
    }
}
