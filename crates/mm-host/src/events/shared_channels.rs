//! Shared channels: syncing sends a channel's new posts to the plugins behind its remotes
//! (`OnSharedChannelsSyncMsg`), in the background as the server does.

use std::collections::BTreeMap;

use mm_hooks::{Hook, requests};
use mm_types::convert::FromWire;
use mm_types::{AppError, ChannelId, PostId, RemoteCluster, SyncMsg, SyncResponse, User};
use serde_json::json;

use super::{HookCaller, app_error, failed_call};
use crate::Host;
use crate::store::shared_channels::cursor_after;

/// `OnSharedChannelsSyncMsg`: hands a sync message to the plugin behind a remote cluster. Not
/// listed means nothing to sync to (the default response).
async fn on_shared_channels_sync_msg(
    plugin: &HookCaller,
    message: SyncMsg,
    remote: RemoteCluster,
) -> Result<SyncResponse, AppError> {
    let answer = match plugin.call(requests::on_shared_channels_sync_msg(message, remote)).await {
        None => return Ok(SyncResponse::default()),
        Some(Err(e)) => return Err(failed_call(Hook::OnSharedChannelsSyncMsg, "take the sync message", &e)),
        Some(Ok(answer)) => answer,
    };
    if let Some(error) = answer.error {
        return Err(app_error(error));
    }
    Ok(answer.response.map(SyncResponse::from_wire).transpose().ok().flatten().unwrap_or_default())
}

impl Host {
    /// Starts syncing a shared channel to its invited remotes; fails at once only when the
    /// channel is not shared. [`settle`](Host::settle) waits for the sync to finish.
    pub async fn sync_shared_channel(&self, channel: &ChannelId) -> Result<(), AppError> {
        self.store().with(|s| s.pending_sync(channel))?;
        let host = self.clone();
        let channel = channel.clone();
        self.inner.tracker.spawn(async move {
            if let Err(e) = host.sync_now(&channel).await {
                tracing::warn!(target: "mm_host::shared_channels", %channel, "sync failed: {e}");
            }
        });
        Ok(())
    }

    async fn sync_now(&self, channel: &ChannelId) -> Result<(), AppError> {
        for (remote, posts) in self.store().with(|s| s.pending_sync(channel))? {
            // A remote whose plugin is not running gets the posts on a later sync.
            let Some(plugin) = self.plugin(&remote.plugin_id) else { continue };
            let users: BTreeMap<String, User> = posts
                .iter()
                .filter_map(|p| self.store().user(&p.user_id))
                .map(|u| (u.id.to_string(), u))
                .collect();
            let message = SyncMsg::from_value(&json!({
                "id": PostId::generate(),
                "channel_id": channel,
                "users": users,
                "posts": posts,
                "reactions": [],
            }))
            .map_err(|e| AppError::new("app.sharedchannel.sync.json", e.to_string()).with_status(500))?;
            let previous = self.store().with(|s| {
                s.channel_remotes
                    .get(&(channel.clone(), remote.remote_id.clone()))
                    .map(|r| r.cursor.last_post_update_at)
            });
            let response = on_shared_channels_sync_msg(&plugin, message, remote.clone()).await?;
            let mut cursor = cursor_after(&posts, previous.unwrap_or_default());
            if let Some(at) = response.posts_last_update_at {
                cursor.last_post_update_at = at;
            }
            self.store().with(|s| s.set_sync_cursor(channel, &remote.remote_id, cursor))?;
        }
        Ok(())
    }
}
