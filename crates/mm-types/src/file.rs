//! File infos, file contents and resumable upload sessions.

use bytes::Bytes;
use mm_proto::v1 as wire;
use serde::{Deserialize, Serialize};

use crate::enums::string_enum;
use crate::id::{ChannelId, FileId, PostId, RemoteId, UploadId, UserId};
use crate::timestamp::Timestamp;
use crate::wire_struct;

/// Metadata of an uploaded file.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct FileInfo {
    /// The file's id.
    pub id: FileId,
    /// Who uploaded it.
    pub user_id: UserId,
    /// The post it is attached to, once posted.
    #[serde(with = "crate::id::empty_as_none")]
    pub post_id: Option<PostId>,
    /// The channel it was uploaded to.
    #[serde(with = "crate::id::empty_as_none")]
    pub channel_id: Option<ChannelId>,
    /// When it was uploaded.
    pub create_at: Timestamp,
    /// When it last changed.
    pub update_at: Timestamp,
    /// When it was deleted, if it was.
    #[serde(with = "crate::timestamp::zero_as_none")]
    pub delete_at: Option<Timestamp>,
    /// The file name.
    pub name: String,
    /// The extension, without the dot.
    pub extension: String,
    /// Size in bytes.
    pub size: i64,
    /// The MIME type.
    pub mime_type: String,
    /// Width in pixels, for images.
    pub width: i32,
    /// Height in pixels, for images.
    pub height: i32,
    /// Whether a preview image exists.
    pub has_preview_image: bool,
    /// A tiny preview image, for images.
    #[serde(with = "crate::json::base64_bytes::option")]
    pub mini_preview: Option<Bytes>,
    /// The remote cluster it comes from, for shared channels.
    pub remote_id: Option<RemoteId>,
    /// Whether the file content was archived (cloud limits).
    pub archived: bool,
}

wire_struct! {
    FileInfo <=> wire::FileInfo {
        id, user_id = creator_id, post_id, channel_id, create_at, update_at, delete_at, name, extension, size,
        mime_type, width, height, has_preview_image, mini_preview, remote_id, archived,
    }
}

/// A named file with its contents, such as one file of a support packet.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct FileData {
    /// The file name.
    pub filename: String,
    /// The contents.
    #[serde(with = "crate::json::base64_bytes")]
    pub data: Bytes,
}

impl FileData {
    /// A file named `filename` holding `data`.
    pub fn new(filename: impl Into<String>, data: impl Into<Bytes>) -> Self {
        FileData { filename: filename.into(), data: data.into() }
    }
}

wire_struct! {
    FileData <=> wire::FileData { filename, data }
}

/// File infos and client ids of an upload.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct FileUploadResponse {
    /// The uploaded files.
    #[serde(deserialize_with = "crate::json::null_as_default")]
    pub file_infos: Vec<FileInfo>,
    /// The client's ids for the files, in the same order.
    #[serde(deserialize_with = "crate::json::null_as_default")]
    pub client_ids: Vec<String>,
}

wire_struct! {
    FileUploadResponse <=> wire::FileUploadResponse { file_infos, client_ids }
}

/// Filters and sort order for listing file infos.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct GetFileInfosOptions {
    /// Only files uploaded by this user.
    #[serde(with = "crate::id::empty_as_none")]
    pub user_id: Option<UserId>,
    /// Only files in this channel.
    #[serde(with = "crate::id::empty_as_none")]
    pub channel_id: Option<ChannelId>,
    /// Whether deleted files are included.
    pub include_deleted: bool,
    /// `CreateAt`, `Size`... (empty for the server's default).
    pub sort_by: String,
    /// `asc` or `desc`.
    pub sort_order: String,
}

wire_struct! {
    GetFileInfosOptions <=> wire::GetFileInfosOptions { user_id, channel_id, include_deleted, sort_by, sort_order }
}

string_enum! {
    /// What an upload session uploads.
    pub enum UploadType {
        /// A file attachment.
        Attachment = "attachment",
        /// An import file.
        Import = "import",
    }
    default = Attachment;
}

string_enum! {
    /// What a client asks for when it downloads a file (Go `model.FileDownloadType`), as the
    /// `FileWillBeDownloaded` hook sees it.
    pub enum FileDownloadType {
        /// The whole file.
        File = "file",
        /// Its thumbnail image.
        Thumbnail = "thumbnail",
        /// Its preview image.
        Preview = "preview",
        /// The file through a public link (no user is logged in).
        Public = "public",
    }
    default = File;
}

/// A resumable upload in progress.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct UploadSession {
    /// The session's id.
    pub id: UploadId,
    /// Attachment or import.
    #[serde(rename = "type")]
    pub kind: UploadType,
    /// When the session was created.
    pub create_at: Timestamp,
    /// Who uploads.
    pub user_id: UserId,
    /// The channel the file goes to, for attachments.
    #[serde(with = "crate::id::empty_as_none")]
    pub channel_id: Option<ChannelId>,
    /// The file name.
    pub filename: String,
    /// Where the server stores the file. Not in Mattermost's JSON (Go's `json:"-"`; it
    /// crosses between server and plugin): read when present, never written.
    #[serde(skip_serializing)]
    pub path: String,
    /// The full size in bytes.
    pub file_size: i64,
    /// How many bytes were received so far.
    pub file_offset: i64,
    /// The remote cluster, for shared-channel uploads.
    #[serde(with = "crate::id::empty_as_none")]
    pub remote_id: Option<RemoteId>,
    /// The file id requested for the upload, if any.
    #[serde(with = "crate::id::empty_as_none")]
    pub req_file_id: Option<FileId>,
}

impl UploadSession {
    /// Whether every byte has been received.
    pub fn is_complete(&self) -> bool {
        self.file_offset >= self.file_size
    }
}

wire_struct! {
    UploadSession <=> wire::UploadSession {
        id, kind = r#type, create_at, user_id, channel_id, filename, path, file_size, file_offset, remote_id,
        req_file_id,
    }
}
