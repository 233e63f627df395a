//! Shared channels and remote clusters.

use mattermost_plugin::serde_json::{Value, json};
use mattermost_plugin::types::{
    ChannelId, ChannelType, FileInfo, GetPostsSinceForSyncCursor, IfNotShared, RegisterPluginOpts, RemoteId,
    SharedChannel, SyncMsg, Timestamp, UserId,
};

use super::{Entry, Vals, e, one, unit, with};
use crate::report::{base64, digest, j};
use crate::table::plugins::stream;

fn shared(v: Vals) -> SharedChannel {
    SharedChannel {
        channel_id: v.id(0),
        team_id: v.id(1),
        home: "true".into(),
        read_only: true,
        share_name: v.raw_id(2),
        share_display_name: v.text("display"),
        share_purpose: v.text("purpose"),
        share_header: v.text("header"),
        creator_id: v.id(3),
        remote_id: Some(v.id(4)),
        kind: ChannelType::Private,
        create_at: Timestamp::from_millis(1_700_000_000_000),
        ..Default::default()
    }
}

/// `*model.SharedChannel` in Go's JSON: `id`, `name`, `readonly`..., `home` a bool, `Type`
/// untagged.
fn go_shared(s: &SharedChannel) -> Value {
    json!({
        "id": s.channel_id, "team_id": s.team_id, "home": s.home == "true", "readonly": s.read_only,
        "name": s.share_name, "display_name": s.share_display_name, "purpose": s.share_purpose,
        "header": s.share_header, "creator_id": s.creator_id, "create_at": s.create_at,
        "remote_id": s.remote_id, "Type": s.kind,
    })
}

pub(super) fn entries() -> Vec<Entry> {
    vec![
        e("RegisterPluginForSharedChannels", |c, v| {
            let options = RegisterPluginOpts {
                plugin_id: v.text("plugin"),
                display_name: v.text("display"),
                ..Default::default()
            };
            // `model.RegisterPluginOpts` has no json tags: Go's field names.
            let reported = json!({"Displayname": options.display_name, "PluginID": options.plugin_id});
            one(vec![reported], c.shared_channels().register_plugin(options))
        }),
        e("UnregisterPluginForSharedChannels", |c, v| {
            unit(args![v.text("plugin")], c.shared_channels().unregister_plugin(&v.text("plugin")))
        }),
        // The SDK's SharedChannel serializes with its own names: argument and result in Go's.
        e("ShareChannel", |c, v| {
            with(vec![go_shared(&shared(v))], c.shared_channels().share(shared(v)), |s| vec![go_shared(&s)])
        }),
        e("UpdateSharedChannel", |c, v| {
            with(vec![go_shared(&shared(v))], c.shared_channels().update(shared(v)), |s| vec![go_shared(&s)])
        }),
        e("UnshareChannel", |c, v| {
            let id: ChannelId = v.id(0);
            one(args![id], c.shared_channels().unshare(&id))
        }),
        e("UpdateSharedChannelCursor", |c, v| {
            let (channel, remote): (ChannelId, RemoteId) = (v.id(0), v.id(1));
            let cursor = GetPostsSinceForSyncCursor {
                last_post_update_at: Timestamp::from_millis(1_700_000_000_123),
                last_post_id: Some(v.id(2)),
            };
            // `model.GetPostsSinceForSyncCursor` has no json tags: Go's field names.
            let reported = json!({"LastPostUpdateAt": cursor.last_post_update_at, "LastPostUpdateID": cursor.last_post_id});
            unit(
                vec![j(&channel), j(&remote), reported],
                c.shared_channels().update_cursor(&channel, &remote, cursor),
            )
        }),
        e("SyncSharedChannel", |c, v| {
            let id: ChannelId = v.id(0);
            unit(args![id], c.shared_channels().sync(&id))
        }),
        e("InviteRemoteToChannel", |c, v| {
            let (channel, remote, user): (ChannelId, RemoteId, UserId) = (v.id(0), v.id(1), v.id(2));
            unit(
                args![channel, remote, user, true],
                c.shared_channels().invite_remote(&channel, &remote, &user, IfNotShared::Share),
            )
        }),
        e("UninviteRemoteFromChannel", |c, v| {
            let (channel, remote): (ChannelId, RemoteId) = (v.id(0), v.id(1));
            unit(args![channel, remote], c.shared_channels().uninvite_remote(&channel, &remote))
        }),
        e("UnregisterPluginRemoteForSharedChannels", |c, v| {
            let remote: RemoteId = v.id(0);
            unit(args![remote], c.shared_channels().unregister_plugin_remote(&remote))
        }),
        e("ReceiveSharedChannelSyncMsg", |c, v| {
            let remote: RemoteId = v.id(0);
            let msg = json!({
                "id": v.raw_id(1),
                "channel_id": v.raw_id(2),
                "posts": [{"id": v.raw_id(3), "channel_id": v.raw_id(2), "message": v.text("post")}],
                "mention_transforms": {"probe": v.text("mention")},
            });
            let call = match SyncMsg::from_value(&msg) {
                Ok(sync) => c.shared_channels().receive_sync_msg(&remote, sync),
                Err(e) => return super::failed(vec![j(&remote), msg], e),
            };
            one(vec![j(&remote), msg], call)
        }),
        e("ReceiveSharedChannelAttachmentSyncMsg", |c, v| {
            let (remote, channel): (RemoteId, ChannelId) = (v.id(0), v.id(1));
            let info = FileInfo {
                id: v.id(2),
                user_id: v.id(3),
                channel_id: Some(channel.clone()),
                name: v.text("name"),
                extension: "bin".into(),
                size: 64 * 1024 + 123,
                mime_type: "application/octet-stream".into(),
                create_at: Timestamp::from_millis(1_700_000_000_000),
                ..Default::default()
            };
            let data = stream();
            let reported = vec![j(&remote), j(&channel), j(&info), digest(&data)];
            one(reported, c.shared_channels().receive_attachment(&remote, &channel, info, data))
        }),
        e("ReceiveSharedChannelProfileImageSyncMsg", |c, v| {
            let (remote, user): (RemoteId, UserId) = (v.id(0), v.id(1));
            let image = v.text("image").into_bytes();
            let reported = vec![j(&remote), j(&user), base64(&image)];
            unit(reported, c.shared_channels().receive_profile_image(&remote, &user, image))
        }),
    ]
}
