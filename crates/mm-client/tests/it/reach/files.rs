//! Reach entries: file infos, file contents and resumable upload sessions.

use bytes::Bytes;
use mm_types::convert::IntoWire;
use mm_types::{FileSort, Page, SortOrder, wire};

use super::{Reach, fx, id};

pub async fn run(r: &mut Reach) {
    let c = r.client.clone();
    let g = c.files();
    r.check(
        "CopyFileInfos",
        g.copy_infos(
            &id("CopyFileInfos.user_id"),
            &[id("CopyFileInfos.file_ids.1"), id("CopyFileInfos.file_ids.2")],
        ),
        wire::CopyFileInfosRequest {
            user_id: "CopyFileInfos.user_id".into(),
            file_ids: vec!["CopyFileInfos.file_ids.1".into(), "CopyFileInfos.file_ids.2".into()],
        },
    )
    .await;
    r.check(
        "GetFileInfo",
        g.info(&id("GetFileInfo.file_id")),
        wire::GetFileInfoRequest { file_id: "GetFileInfo.file_id".into() },
    )
    .await;
    r.check(
        "SetFileSearchableContent",
        g.set_searchable_content(&id("SetFileSearchableContent.file_id"), "SetFileSearchableContent.content"),
        wire::SetFileSearchableContentRequest {
            file_id: "SetFileSearchableContent.file_id".into(),
            content: "SetFileSearchableContent.content".into(),
        },
    )
    .await;
    r.check(
        "GetFile",
        g.get(&id("GetFile.file_id")),
        wire::GetFileRequest { file_id: "GetFile.file_id".into() },
    )
    .await;
    r.check(
        "GetFileLink",
        g.link(&id("GetFileLink.file_id")),
        wire::GetFileLinkRequest { file_id: "GetFileLink.file_id".into() },
    )
    .await;
    r.check("ReadFile", g.read("ReadFile.path"), wire::ReadFileRequest { path: "ReadFile.path".into() })
        .await;
    r.check(
        "UploadFile",
        g.upload(&id("UploadFile.channel_id"), "UploadFile.filename", Bytes::from_static(b"UploadFile.data")),
        wire::UploadFileRequest {
            channel_id: "UploadFile.channel_id".into(),
            filename: "UploadFile.filename".into(),
            data: Bytes::from_static(b"UploadFile.data"),
        },
    )
    .await;
    r.check(
        "CreateUploadSession",
        g.create_upload_session(fx::upload_session()),
        wire::CreateUploadSessionRequest { upload_session: Some(fx::upload_session().into_wire()) },
    )
    .await;
    r.check(
        "UploadData",
        g.upload_data(fx::upload_session(), Bytes::from_static(b"UploadData.data")),
        wire::UploadDataRequest {
            upload_session: Some(fx::upload_session().into_wire()),
            data: Bytes::from_static(b"UploadData.data"),
        },
    )
    .await;
    r.check(
        "GetUploadSession",
        g.upload_session(&id("GetUploadSession.upload_id")),
        wire::GetUploadSessionRequest { upload_id: "GetUploadSession.upload_id".into() },
    )
    .await;
    r.check(
        "GetFileInfos",
        g.infos()
            .by_user(&id("GetFileInfos.user"))
            .in_channel(&id("GetFileInfos.channel"))
            .include_deleted()
            .sort_by(FileSort::Size)
            .sort_order(SortOrder::Asc)
            .page(Page::new(4, 44)),
        wire::GetFileInfosRequest {
            page: 4,
            per_page: 44,
            options: Some(wire::GetFileInfosOptions {
                user_id: "GetFileInfos.user".into(),
                channel_id: "GetFileInfos.channel".into(),
                include_deleted: true,
                sort_by: "Size".into(),
                sort_order: "asc".into(),
            }),
        },
    )
    .await;
}
