//! Shared channels and remote clusters.

use bytes::Bytes;
use mm_types::convert::IntoWire;
use mm_types::{
    ChannelId, FileInfo, GetPostsSinceForSyncCursor, IfNotShared, RegisterPluginOpts, RemoteId,
    SharedChannel, SyncMsg, SyncResponse, UserId, wire,
};

use crate::client::{ApiClient, from_wire, payload};
use crate::mode::Mode;

/// Shared channels and remote clusters: `client.shared_channels()`.
///
/// ```no_run
/// # async fn demo(client: mm_client::Client, channel: mm_types::ChannelId, user: mm_types::UserId) -> mm_client::Result<()> {
/// let was_shared = client.shared_channels().unshare(&channel).await?;
/// # Ok(()) }
/// ```
#[derive(Debug)]
pub struct SharedChannels<'a, M: Mode> {
    client: &'a ApiClient<M>,
}

impl<M: Mode> ApiClient<M> {
    /// Shared channels and remote clusters.
    pub fn shared_channels(&self) -> SharedChannels<'_, M> {
        SharedChannels { client: self }
    }
}

impl<M: Mode> SharedChannels<'_, M> {
    /// Registers this plugin as a shared-channels remote; returns its remote id (`RegisterPluginForSharedChannels`).
    pub fn register_plugin(&self, options: RegisterPluginOpts) -> M::Output<RemoteId> {
        let request = wire::RegisterPluginForSharedChannelsRequest { opts: Some(options.into_wire()) };
        self.client.call(request, |r| Ok(RemoteId::from_raw(r.remote_id)))
    }

    /// Unregisters a plugin as a shared-channels remote (`UnregisterPluginForSharedChannels`).
    pub fn unregister_plugin(&self, plugin_id: &str) -> M::Output<()> {
        let request = wire::UnregisterPluginForSharedChannelsRequest { plugin_id: plugin_id.to_owned() };
        self.client.call(request, |_| Ok(()))
    }

    /// Shares a channel (`ShareChannel`).
    pub fn share(&self, channel: SharedChannel) -> M::Output<SharedChannel> {
        let request = wire::ShareChannelRequest { shared_channel: Some(channel.into_wire()) };
        self.client.call(request, |r| payload(r.shared_channel, "shared_channel"))
    }

    /// Updates a shared channel (`UpdateSharedChannel`).
    pub fn update(&self, channel: SharedChannel) -> M::Output<SharedChannel> {
        let request = wire::UpdateSharedChannelRequest { shared_channel: Some(channel.into_wire()) };
        self.client.call(request, |r| payload(r.shared_channel, "shared_channel"))
    }

    /// Stops sharing a channel; returns whether it was shared (`UnshareChannel`).
    pub fn unshare(&self, channel_id: &ChannelId) -> M::Output<bool> {
        let request = wire::UnshareChannelRequest { channel_id: channel_id.to_string() };
        self.client.call(request, |r| Ok(r.unshared))
    }

    /// Moves the sync cursor of a remote in a shared channel (`UpdateSharedChannelCursor`).
    pub fn update_cursor(
        &self,
        channel_id: &ChannelId,
        remote_id: &RemoteId,
        cursor: GetPostsSinceForSyncCursor,
    ) -> M::Output<()> {
        let request = wire::UpdateSharedChannelCursorRequest {
            channel_id: channel_id.to_string(),
            remote_id: remote_id.to_string(),
            cursor: Some(cursor.into_wire()),
        };
        self.client.call(request, |_| Ok(()))
    }

    /// Starts a sync of a shared channel now (`SyncSharedChannel`).
    pub fn sync(&self, channel_id: &ChannelId) -> M::Output<()> {
        let request = wire::SyncSharedChannelRequest { channel_id: channel_id.to_string() };
        self.client.call(request, |_| Ok(()))
    }

    /// Invites a remote cluster to a channel, on behalf of `user_id` (`InviteRemoteToChannel`);
    /// `if_not_shared` says whether a channel not shared yet is shared first or the call fails.
    pub fn invite_remote(
        &self,
        channel_id: &ChannelId,
        remote_id: &RemoteId,
        user_id: &UserId,
        if_not_shared: IfNotShared,
    ) -> M::Output<()> {
        let request = wire::InviteRemoteToChannelRequest {
            channel_id: channel_id.to_string(),
            remote_id: remote_id.to_string(),
            user_id: user_id.to_string(),
            share_if_not_shared: if_not_shared.shares(),
        };
        self.client.call(request, |_| Ok(()))
    }

    /// Removes a remote cluster from a shared channel (`UninviteRemoteFromChannel`).
    pub fn uninvite_remote(&self, channel_id: &ChannelId, remote_id: &RemoteId) -> M::Output<()> {
        let request = wire::UninviteRemoteFromChannelRequest {
            channel_id: channel_id.to_string(),
            remote_id: remote_id.to_string(),
        };
        self.client.call(request, |_| Ok(()))
    }

    /// Unregisters a plugin remote by its remote id (`UnregisterPluginRemoteForSharedChannels`).
    ///
    /// Only the stock servers' net/rpc protocol has this RPC: over gRPC it fails at once with
    /// [`ErrorKind::Unsupported`](crate::ErrorKind::Unsupported).
    pub fn unregister_plugin_remote(&self, remote_id: &RemoteId) -> M::Output<()> {
        let request =
            wire::UnregisterPluginRemoteForSharedChannelsRequest { remote_id: remote_id.to_string() };
        self.client.call(request, |_| Ok(()))
    }

    /// Hands the server a sync message that this plugin remote received for a shared
    /// channel, as if a remote cluster had sent it; returns how far the sync got
    /// (`ReceiveSharedChannelSyncMsg`).
    ///
    /// Only the stock servers' net/rpc protocol has this RPC: over gRPC it fails at once with
    /// [`ErrorKind::Unsupported`](crate::ErrorKind::Unsupported).
    pub fn receive_sync_msg(&self, remote_id: &RemoteId, msg: SyncMsg) -> M::Output<SyncResponse> {
        let request = wire::ReceiveSharedChannelSyncMsgRequest {
            remote_id: remote_id.to_string(),
            sync_msg: Some(msg.into_wire()),
        };
        self.client.call(request, |r| from_wire(r.response.unwrap_or_default()))
    }

    /// Hands the server a file attachment this plugin remote received for a shared channel:
    /// its info and its bytes; returns the file as stored (`ReceiveSharedChannelAttachmentSyncMsg`).
    ///
    /// Only the stock servers' net/rpc protocol has this RPC: over gRPC it fails at once with
    /// [`ErrorKind::Unsupported`](crate::ErrorKind::Unsupported).
    pub fn receive_attachment(
        &self,
        remote_id: &RemoteId,
        channel_id: &ChannelId,
        file_info: FileInfo,
        data: impl Into<Bytes>,
    ) -> M::Output<FileInfo> {
        let request = wire::ReceiveSharedChannelAttachmentSyncMsgRequest {
            remote_id: remote_id.to_string(),
            channel_id: channel_id.to_string(),
            file_info: Some(file_info.into_wire()),
            data: data.into(),
        };
        self.client.call(request, |r| payload(r.file_info, "file_info"))
    }

    /// Hands the server a user's profile image this plugin remote received
    /// (`ReceiveSharedChannelProfileImageSyncMsg`).
    ///
    /// Only the stock servers' net/rpc protocol has this RPC: over gRPC it fails at once with
    /// [`ErrorKind::Unsupported`](crate::ErrorKind::Unsupported).
    pub fn receive_profile_image(
        &self,
        remote_id: &RemoteId,
        user_id: &UserId,
        image: impl Into<Bytes>,
    ) -> M::Output<()> {
        let request = wire::ReceiveSharedChannelProfileImageSyncMsgRequest {
            remote_id: remote_id.to_string(),
            user_id: user_id.to_string(),
            image: image.into(),
        };
        self.client.call(request, |_| Ok(()))
    }
}
