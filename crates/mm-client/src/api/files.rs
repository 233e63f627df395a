//! File infos, file contents and resumable upload sessions.

use bytes::Bytes;
use mm_types::convert::IntoWire;
use mm_types::{ChannelId, FileId, FileInfo, GetFileInfosOptions, UploadId, UploadSession, UserId, wire};
use mm_types::{FileSort, Page, SortOrder};

use super::ids;
use crate::client::{ApiClient, from_wire, payload};
use crate::mode::{ApiCall, Mode};
use crate::pages::paged_builder;

/// File infos, file contents and resumable upload sessions: `client.files()`.
///
/// ```no_run
/// # async fn demo(client: mm_client::Client, channel: mm_types::ChannelId, user: mm_types::UserId) -> mm_client::Result<()> {
/// let info = client.files().upload(&channel, "report.csv", "a,b\n1,2\n").await?;
/// let bytes = client.files().get(&info.id).await?;
/// # Ok(()) }
/// ```
#[derive(Debug)]
pub struct Files<'a, M: Mode> {
    client: &'a ApiClient<M>,
}

impl<M: Mode> ApiClient<M> {
    /// File infos, file contents and resumable upload sessions.
    pub fn files(&self) -> Files<'_, M> {
        Files { client: self }
    }
}

impl<'a, M: Mode> Files<'a, M> {
    /// Copies file infos for `user_id` (to attach the same files to another post); returns the new file ids (`CopyFileInfos`).
    pub fn copy_infos(&self, user_id: &UserId, file_ids: &[FileId]) -> M::Output<Vec<FileId>> {
        let request = wire::CopyFileInfosRequest { user_id: user_id.to_string(), file_ids: ids(file_ids) };
        self.client.call(request, |r| from_wire(r.file_ids))
    }

    /// A file's metadata (`GetFileInfo`).
    pub fn info(&self, file_id: &FileId) -> M::Output<FileInfo> {
        let request = wire::GetFileInfoRequest { file_id: file_id.to_string() };
        self.client.call(request, |r| payload(r.file_info, "file_info"))
    }

    /// Sets the text a file is found by in search (`SetFileSearchableContent`).
    pub fn set_searchable_content(&self, file_id: &FileId, content: &str) -> M::Output<()> {
        let request = wire::SetFileSearchableContentRequest {
            file_id: file_id.to_string(),
            content: content.to_owned(),
        };
        self.client.call(request, |_| Ok(()))
    }

    /// A file's contents (`GetFile`).
    pub fn get(&self, file_id: &FileId) -> M::Output<Bytes> {
        let request = wire::GetFileRequest { file_id: file_id.to_string() };
        self.client.call(request, |r| Ok(r.data))
    }

    /// A public link to a file (public links must be enabled) (`GetFileLink`).
    pub fn link(&self, file_id: &FileId) -> M::Output<String> {
        let request = wire::GetFileLinkRequest { file_id: file_id.to_string() };
        self.client.call(request, |r| Ok(r.link))
    }

    /// Reads a file from the server's file store, by path (`ReadFile`).
    pub fn read(&self, path: &str) -> M::Output<Bytes> {
        let request = wire::ReadFileRequest { path: path.to_owned() };
        self.client.call(request, |r| Ok(r.data))
    }

    /// Uploads a file to a channel (at most 4 MiB per request); attach it to a post with its id (`UploadFile`).
    pub fn upload(
        &self,
        channel_id: &ChannelId,
        filename: &str,
        data: impl Into<Bytes>,
    ) -> M::Output<FileInfo> {
        let request = wire::UploadFileRequest {
            channel_id: channel_id.to_string(),
            filename: filename.to_owned(),
            data: data.into(),
        };
        self.client.call(request, |r| payload(r.file_info, "file_info"))
    }

    /// Starts a resumable upload (`CreateUploadSession`).
    pub fn create_upload_session(&self, session: UploadSession) -> M::Output<UploadSession> {
        let request = wire::CreateUploadSessionRequest { upload_session: Some(session.into_wire()) };
        self.client.call(request, |r| payload(r.upload_session, "upload_session"))
    }

    /// Sends the next part of a resumable upload; returns the file once it is complete (`UploadData`).
    pub fn upload_data(&self, session: UploadSession, data: impl Into<Bytes>) -> M::Output<Option<FileInfo>> {
        let request =
            wire::UploadDataRequest { upload_session: Some(session.into_wire()), data: data.into() };
        self.client.call(request, |r| from_wire(r.file_info))
    }

    /// A resumable upload in progress (`GetUploadSession`).
    pub fn upload_session(&self, upload_id: &UploadId) -> M::Output<UploadSession> {
        let request = wire::GetUploadSessionRequest { upload_id: upload_id.to_string() };
        self.client.call(request, |r| payload(r.upload_session, "upload_session"))
    }

    /// Lists file infos with filters, sort order and paging (`GetFileInfos`); finish with
    /// `.send()` or `.await`.
    ///
    /// ```no_run
    /// # async fn demo(client: mm_client::Client, channel: mm_types::ChannelId) -> mm_client::Result<()> {
    /// let recent = client.files().infos().in_channel(&channel).sort_by(mm_types::FileSort::CreateAt).sort_order(mm_types::SortOrder::Desc).page(mm_types::Page::first(20)).await?;
    /// # Ok(()) }
    /// ```
    pub fn infos(&self) -> GetFileInfos<'a, M> {
        GetFileInfos { client: self.client, page: Page::default(), options: GetFileInfosOptions::default() }
    }
}

/// Filters, sort order and paging for [`Files::infos`] (`GetFileInfos`). Defaults: page 0,
/// 60 per page, the server's sort order.
#[derive(Debug)]
#[must_use = "a builder does nothing until sent"]
pub struct GetFileInfos<'a, M: Mode> {
    client: &'a ApiClient<M>,
    page: Page,
    options: GetFileInfosOptions,
}

impl<M: Mode> GetFileInfos<'_, M> {
    /// Only files uploaded by this user.
    pub fn by_user(mut self, user_id: &UserId) -> Self {
        self.options.user_id = Some(user_id.clone());
        self
    }

    /// Only files in this channel.
    pub fn in_channel(mut self, channel_id: &ChannelId) -> Self {
        self.options.channel_id = Some(channel_id.clone());
        self
    }

    /// Lists deleted files too.
    pub fn include_deleted(mut self) -> Self {
        self.options.include_deleted = true;
        self
    }

    /// The sort field (default: upload time).
    pub fn sort_by(mut self, field: FileSort) -> Self {
        self.options.sort_by = field.into();
        self
    }

    /// The sort direction (default: newest or largest first).
    pub fn sort_order(mut self, order: SortOrder) -> Self {
        self.options.sort_order = order.into();
        self
    }

    /// All the options at once.
    pub fn options(mut self, options: GetFileInfosOptions) -> Self {
        self.options = options;
        self
    }

    /// Which page to get, and its size (default: the first page of 60).
    pub fn page(mut self, page: Page) -> Self {
        self.page = page;
        self
    }

    /// Sends the query.
    pub fn send(self) -> M::Output<Vec<FileInfo>> {
        self.client.run(self.fetch(self.page))
    }

    /// The call for one page.
    fn fetch(&self, page: Page) -> ApiCall<Vec<FileInfo>> {
        let request = wire::GetFileInfosRequest {
            page: page.wire_index(),
            per_page: page.wire_per_page(),
            options: Some(self.options.clone().into_wire()),
        };
        self.client.call_async(request, |r| from_wire(r.file_infos))
    }
}

awaitable_builder!(GetFileInfos, Vec<FileInfo>);
paged_builder!(GetFileInfos, FileInfo);
