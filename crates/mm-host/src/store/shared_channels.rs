//! Shared channels with plugin remotes: a plugin registers as a remote cluster, channels are
//! shared and remotes invited, and syncing hands the channel's new posts to the remote's plugin.

use mm_types::{
    ChannelId, GetPostsSinceForSyncCursor, Post, RemoteCluster, RemoteId, SharedChannel, Timestamp, UserId,
};

use super::errors::{bad_request, not_found};
use super::{AppResult, State};

fn not_shared(channel: &ChannelId) -> mm_types::AppError {
    not_found("app.sharedchannel.get.not_found.app_error", format!("The channel {channel} is not shared."))
}

fn missing_remote(remote: &str) -> mm_types::AppError {
    not_found(
        "app.remote_cluster.get.not_found.app_error",
        format!("Unable to find the remote cluster ({remote})."),
    )
}

/// A remote invited to a shared channel, and how far it has been synced.
#[derive(Debug, Clone, Default)]
pub(crate) struct ChannelRemote {
    pub(crate) cursor: GetPostsSinceForSyncCursor,
}

impl State {
    /// Registers a plugin as a remote cluster (again: the same remote).
    pub(crate) fn register_plugin_remote(
        &mut self,
        plugin_id: &str,
        display_name: &str,
    ) -> AppResult<RemoteId> {
        if plugin_id.is_empty() {
            return Err(bad_request("api.remote_cluster.invalid_plugin_id", "A plugin id is required."));
        }
        if let Some(existing) = self.remote_clusters.values().find(|r| r.plugin_id == plugin_id) {
            return Ok(existing.remote_id.clone());
        }
        let now = self.tick();
        let remote = RemoteCluster {
            remote_id: RemoteId::generate(),
            name: plugin_id.to_string(),
            display_name: if display_name.is_empty() {
                plugin_id.to_string()
            } else {
                display_name.to_string()
            },
            site_url: format!("plugin_{plugin_id}"),
            create_at: now,
            token: RemoteId::generate().into_string(),
            plugin_id: plugin_id.to_string(),
            ..RemoteCluster::default()
        };
        self.remote_clusters.insert(remote.remote_id.clone(), remote.clone());
        Ok(remote.remote_id)
    }

    pub(crate) fn unregister_plugin_remote(&mut self, plugin_id: &str) -> AppResult<()> {
        let remote = self
            .remote_clusters
            .values()
            .find(|r| r.plugin_id == plugin_id)
            .map(|r| r.remote_id.clone())
            .ok_or_else(|| missing_remote(plugin_id))?;
        self.remote_clusters.remove(&remote);
        self.channel_remotes.retain(|(_, r), _| r != &remote);
        Ok(())
    }

    pub(crate) fn remote_cluster(&self, id: &RemoteId) -> AppResult<RemoteCluster> {
        self.remote_clusters.get(id).cloned().ok_or_else(|| missing_remote(id.as_str()))
    }

    pub(crate) fn share_channel(&mut self, mut shared: SharedChannel) -> AppResult<SharedChannel> {
        let channel = self.channel(&shared.channel_id)?.clone();
        if self.shared_channels.contains_key(&channel.id) {
            return Err(bad_request(
                "app.sharedchannel.share.exists.app_error",
                "The channel is already shared.",
            ));
        }
        if shared.share_name.is_empty() {
            shared.share_name = channel.name.clone();
        }
        if shared.share_display_name.is_empty() {
            shared.share_display_name = channel.display_name.clone();
        }
        let now = self.tick();
        shared.team_id = channel.team_id.clone().unwrap_or_default();
        shared.kind = channel.kind.clone();
        shared.home = "true".to_string();
        shared.create_at = now;
        shared.update_at = now;
        self.shared_channels.insert(channel.id.clone(), shared.clone());
        if let Some(stored) = self.channels.get_mut(&channel.id) {
            stored.shared = Some(true);
        }
        Ok(shared)
    }

    pub(crate) fn update_shared_channel(&mut self, shared: SharedChannel) -> AppResult<SharedChannel> {
        let now = self.tick();
        let stored =
            self.shared_channels.get_mut(&shared.channel_id).ok_or_else(|| not_shared(&shared.channel_id))?;
        stored.read_only = shared.read_only;
        stored.share_name = shared.share_name;
        stored.share_display_name = shared.share_display_name;
        stored.share_purpose = shared.share_purpose;
        stored.share_header = shared.share_header;
        stored.update_at = now;
        Ok(stored.clone())
    }

    /// Stops sharing a channel; `false` when it was not shared.
    pub(crate) fn unshare_channel(&mut self, channel: &ChannelId) -> AppResult<bool> {
        self.channel(channel)?;
        let was_shared = self.shared_channels.remove(channel).is_some();
        self.channel_remotes.retain(|(c, _), _| c != channel);
        if let Some(stored) = self.channels.get_mut(channel) {
            stored.shared = Some(false);
        }
        Ok(was_shared)
    }

    pub(crate) fn invite_remote(
        &mut self,
        channel: &ChannelId,
        remote: &RemoteId,
        user: &UserId,
        share_if_not_shared: bool,
    ) -> AppResult<()> {
        self.remote_cluster(remote)?;
        self.user(user)?;
        if !self.shared_channels.contains_key(channel) {
            if !share_if_not_shared {
                return Err(not_shared(channel));
            }
            let shared = SharedChannel {
                channel_id: channel.clone(),
                creator_id: user.clone(),
                ..SharedChannel::default()
            };
            self.share_channel(shared)?;
        }
        self.channel_remotes.entry((channel.clone(), remote.clone())).or_default();
        Ok(())
    }

    pub(crate) fn uninvite_remote(&mut self, channel: &ChannelId, remote: &RemoteId) -> AppResult<()> {
        self.channel_remotes.remove(&(channel.clone(), remote.clone())).map(|_| ()).ok_or_else(|| {
            not_found("app.sharedchannel.uninvite.not_found", "The remote is not invited to the channel.")
        })
    }

    pub(crate) fn set_sync_cursor(
        &mut self,
        channel: &ChannelId,
        remote: &RemoteId,
        cursor: GetPostsSinceForSyncCursor,
    ) -> AppResult<()> {
        let entry = self.channel_remotes.get_mut(&(channel.clone(), remote.clone())).ok_or_else(|| {
            not_found("app.sharedchannel.cursor.not_found", "The remote is not invited to the channel.")
        })?;
        entry.cursor = cursor;
        Ok(())
    }

    /// What a sync of a shared channel sends: for each invited remote, the remote and the
    /// posts changed after its cursor (oldest first).
    pub(crate) fn pending_sync(&self, channel: &ChannelId) -> AppResult<Vec<(RemoteCluster, Vec<Post>)>> {
        if !self.shared_channels.contains_key(channel) {
            return Err(not_shared(channel));
        }
        let mut batches = Vec::new();
        for ((c, remote), invite) in &self.channel_remotes {
            if c != channel {
                continue;
            }
            let Some(cluster) = self.remote_clusters.get(remote) else { continue };
            let since = invite.cursor.last_post_update_at;
            let mut posts: Vec<Post> = self
                .posts
                .values()
                .filter(|p| &p.channel_id == channel && p.update_at > since)
                .map(|p| self.decorate(p))
                .collect();
            posts.sort_by_key(|p| (p.update_at, p.create_at));
            batches.push((cluster.clone(), posts));
        }
        Ok(batches)
    }
}

/// The cursor after a batch: the last post's update time and id.
pub(crate) fn cursor_after(posts: &[Post], previous: Timestamp) -> GetPostsSinceForSyncCursor {
    match posts.last() {
        Some(last) => GetPostsSinceForSyncCursor {
            last_post_update_at: last.update_at,
            last_post_id: Some(last.id.clone()),
        },
        None => GetPostsSinceForSyncCursor { last_post_update_at: previous, last_post_id: None },
    }
}
