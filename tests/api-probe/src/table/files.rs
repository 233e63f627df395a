//! Files, file infos, upload sessions.

use mattermost_plugin::serde_json::json;
use mattermost_plugin::types::{
    ChannelId, FileId, FileSort, Page, SortOrder, Timestamp, UploadSession, UploadType, UserId,
};

use super::{Entry, Vals, e, one, unit, with};
use crate::report::{base64, digest, j};
use crate::table::plugins::stream;

fn upload_session(v: Vals) -> UploadSession {
    UploadSession {
        id: v.id(0),
        kind: UploadType::Attachment,
        user_id: v.id(1),
        channel_id: Some(v.id(2)),
        filename: "probe.bin".into(),
        file_size: 64 * 1024 + 123,
        create_at: Timestamp::from_millis(1_700_000_000_000),
        ..Default::default()
    }
}

pub(super) fn entries() -> Vec<Entry> {
    vec![
        e("CopyFileInfos", |c, v| {
            let (user, files): (UserId, Vec<FileId>) = (v.id(0), vec![v.id(1), v.id(2)]);
            one(args![user, files], c.files().copy_infos(&user, &files))
        }),
        e("GetFileInfo", |c, v| {
            let id: FileId = v.id(0);
            one(args![id], c.files().info(&id))
        }),
        e("SetFileSearchableContent", |c, v| {
            let id: FileId = v.id(0);
            unit(args![id, v.text("content")], c.files().set_searchable_content(&id, &v.text("content")))
        }),
        e("GetFile", |c, v| {
            let id: FileId = v.id(0);
            with(args![id], c.files().get(&id), |data| vec![base64(&data)])
        }),
        e("GetFileLink", |c, v| {
            let id: FileId = v.id(0);
            one(args![id], c.files().link(&id))
        }),
        e("ReadFile", |c, v| {
            with(args![v.text("path")], c.files().read(&v.text("path")), |data| vec![base64(&data)])
        }),
        e("UploadFile", |c, v| {
            let channel: ChannelId = v.id(0);
            let data = v.text("data").into_bytes();
            let reported = vec![base64(&data), j(&channel), j(&"probe.txt")];
            one(reported, c.files().upload(&channel, "probe.txt", data))
        }),
        e("CreateUploadSession", |c, v| {
            one(args![upload_session(v)], c.files().create_upload_session(upload_session(v)))
        }),
        e("UploadData", |c, v| {
            let data = stream();
            let reported = vec![j(&upload_session(v)), digest(&data)];
            one(reported, c.files().upload_data(upload_session(v), data))
        }),
        e("GetUploadSession", |c, v| {
            let id = v.id(0);
            one(args![id], c.files().upload_session(&id))
        }),
        e("GetFileInfos", |c, v| {
            let (user, channel): (UserId, ChannelId) = (v.id(0), v.id(1));
            // `*model.GetFileInfosOptions` in Go's JSON: lists of ids, a descending flag.
            let options = json!({
                "user_ids": [user], "channel_ids": [channel], "include_deleted": true,
                "sort_by": "CreateAt", "sort_descending": true,
            });
            let call = c
                .files()
                .infos()
                .by_user(&user)
                .in_channel(&channel)
                .include_deleted()
                .sort_by(FileSort::CreateAt)
                .sort_order(SortOrder::Desc)
                .page(Page::new(2, 20))
                .send();
            one(vec![j(&2), j(&20), options], call)
        }),
    ]
}
