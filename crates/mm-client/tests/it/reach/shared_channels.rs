//! Reach entries: shared channels and remote clusters.

use mm_types::convert::IntoWire;
use mm_types::{IfNotShared, wire};

use super::{Reach, fx, id};

pub async fn run(r: &mut Reach) {
    let c = r.client.clone();
    let g = c.shared_channels();
    r.check(
        "RegisterPluginForSharedChannels",
        g.register_plugin(fx::register_plugin_opts()),
        wire::RegisterPluginForSharedChannelsRequest { opts: Some(fx::register_plugin_opts().into_wire()) },
    )
    .await;
    r.check(
        "UnregisterPluginForSharedChannels",
        g.unregister_plugin("UnregisterPluginForSharedChannels.plugin_id"),
        wire::UnregisterPluginForSharedChannelsRequest {
            plugin_id: "UnregisterPluginForSharedChannels.plugin_id".into(),
        },
    )
    .await;
    r.check(
        "ShareChannel",
        g.share(fx::shared_channel()),
        wire::ShareChannelRequest { shared_channel: Some(fx::shared_channel().into_wire()) },
    )
    .await;
    r.check(
        "UpdateSharedChannel",
        g.update(fx::shared_channel()),
        wire::UpdateSharedChannelRequest { shared_channel: Some(fx::shared_channel().into_wire()) },
    )
    .await;
    r.check(
        "UnshareChannel",
        g.unshare(&id("UnshareChannel.channel_id")),
        wire::UnshareChannelRequest { channel_id: "UnshareChannel.channel_id".into() },
    )
    .await;
    r.check(
        "UpdateSharedChannelCursor",
        g.update_cursor(
            &id("UpdateSharedChannelCursor.channel_id"),
            &id("UpdateSharedChannelCursor.remote_id"),
            fx::get_posts_since_for_sync_cursor(),
        ),
        wire::UpdateSharedChannelCursorRequest {
            channel_id: "UpdateSharedChannelCursor.channel_id".into(),
            remote_id: "UpdateSharedChannelCursor.remote_id".into(),
            cursor: Some(fx::get_posts_since_for_sync_cursor().into_wire()),
        },
    )
    .await;
    r.check(
        "SyncSharedChannel",
        g.sync(&id("SyncSharedChannel.channel_id")),
        wire::SyncSharedChannelRequest { channel_id: "SyncSharedChannel.channel_id".into() },
    )
    .await;
    r.check(
        "InviteRemoteToChannel",
        g.invite_remote(
            &id("InviteRemoteToChannel.channel_id"),
            &id("InviteRemoteToChannel.remote_id"),
            &id("InviteRemoteToChannel.user_id"),
            IfNotShared::Share,
        ),
        wire::InviteRemoteToChannelRequest {
            channel_id: "InviteRemoteToChannel.channel_id".into(),
            remote_id: "InviteRemoteToChannel.remote_id".into(),
            user_id: "InviteRemoteToChannel.user_id".into(),
            share_if_not_shared: true,
        },
    )
    .await;
    r.check(
        "UninviteRemoteFromChannel",
        g.uninvite_remote(
            &id("UninviteRemoteFromChannel.channel_id"),
            &id("UninviteRemoteFromChannel.remote_id"),
        ),
        wire::UninviteRemoteFromChannelRequest {
            channel_id: "UninviteRemoteFromChannel.channel_id".into(),
            remote_id: "UninviteRemoteFromChannel.remote_id".into(),
        },
    )
    .await;
}
