//! Files: contents and infos, public links, copies, and resumable upload sessions.

use bytes::Bytes;
use mm_types::{
    ChannelId, FileId, FileInfo, GetFileInfosOptions, Timestamp, UploadId, UploadSession, UploadType, UserId,
};
use serde_json::Value;

use super::errors::{app_error, bad_request, not_found};
use super::{AppResult, State, Store, page, sha1};

/// A stored file: its info, contents, storage path and extracted text.
#[derive(Debug, Clone)]
pub(crate) struct StoredFile {
    pub(crate) info: FileInfo,
    pub(crate) data: Bytes,
    pub(crate) path: String,
    pub(crate) searchable_content: String,
}

fn missing_file(id: &str) -> mm_types::AppError {
    not_found("app.file_info.get.app_error", format!("Unable to find the file ({id})."))
}

/// The MIME type the server would give a file, from its extension.
fn mime_type(extension: &str) -> &'static str {
    match extension {
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "svg" => "image/svg+xml",
        "webp" => "image/webp",
        "txt" | "log" => "text/plain",
        "md" => "text/markdown",
        "csv" => "text/csv",
        "html" | "htm" => "text/html",
        "json" => "application/json",
        "pdf" => "application/pdf",
        "zip" => "application/zip",
        "gz" => "application/gzip",
        "mp3" => "audio/mpeg",
        "mp4" => "video/mp4",
        _ => "application/octet-stream",
    }
}

fn extension_of(name: &str) -> String {
    match name.rsplit_once('.') {
        Some((stem, ext)) if !stem.is_empty() => ext.to_lowercase(),
        _ => String::new(),
    }
}

impl State {
    fn max_file_size(&self) -> i64 {
        self.config.pointer("/FileSettings/MaxFileSize").and_then(Value::as_i64).unwrap_or(100 * 1024 * 1024)
    }

    /// The checks made before `FileWillBeUploaded`.
    pub(crate) fn check_upload(&self, channel: &ChannelId, filename: &str, size: usize) -> AppResult<()> {
        let enabled = self.config.pointer("/FileSettings/EnableFileAttachments").and_then(Value::as_bool);
        if enabled == Some(false) {
            return Err(app_error(
                "api.file.attachments.disabled.app_error",
                "File attachments are disabled.",
                501,
            ));
        }
        self.channel(channel)?;
        if filename.trim().is_empty() {
            return Err(bad_request("api.file.upload_file.bad_parse.app_error", "The file needs a name."));
        }
        if i64::try_from(size).unwrap_or(i64::MAX) > self.max_file_size() {
            return Err(app_error(
                "api.file.upload_file.too_large_detailed.app_error",
                format!("The file is larger than the {} bytes allowed.", self.max_file_size()),
                413,
            ));
        }
        Ok(())
    }

    /// A file info for new contents, not stored yet (as `FileWillBeUploaded` sees it).
    pub(crate) fn new_file_info(
        &mut self,
        user: &UserId,
        channel: &ChannelId,
        filename: &str,
        size: usize,
    ) -> FileInfo {
        let now = self.tick();
        let extension = extension_of(filename);
        FileInfo {
            id: FileId::generate(),
            user_id: user.clone(),
            channel_id: Some(channel.clone()),
            create_at: now,
            update_at: now,
            name: filename.to_string(),
            mime_type: mime_type(&extension).to_string(),
            extension,
            size: i64::try_from(size).unwrap_or(i64::MAX),
            ..FileInfo::default()
        }
    }

    /// Stores a file (after the hooks allowed it).
    pub(crate) fn insert_file(&mut self, mut info: FileInfo, data: Bytes) -> FileInfo {
        if info.id.is_empty() || self.files.contains_key(&info.id) {
            info.id = FileId::generate();
        }
        info.size = i64::try_from(data.len()).unwrap_or(i64::MAX);
        if info.extension.is_empty() {
            info.extension = extension_of(&info.name);
        }
        if info.mime_type.is_empty() {
            info.mime_type = mime_type(&info.extension).to_string();
        }
        let date = chrono_less_date(info.create_at);
        let channel = info.channel_id.as_ref().map_or("nochannel", |c| c.as_str()).to_string();
        let path = format!(
            "{date}/teams/noteam/channels/{channel}/users/{}/{}/{}",
            info.user_id, info.id, info.name
        );
        self.files.insert(
            info.id.clone(),
            StoredFile { info: info.clone(), data, path, searchable_content: String::new() },
        );
        info
    }

    pub(crate) fn file(&self, id: &FileId) -> AppResult<&StoredFile> {
        self.files.get(id).filter(|f| f.info.delete_at.is_none()).ok_or_else(|| missing_file(id.as_str()))
    }

    /// File infos matching the options, sorted (`CreateAt` by default, newest first), paged.
    pub(crate) fn file_infos(
        &self,
        page_no: i32,
        per_page: i32,
        options: &GetFileInfosOptions,
    ) -> Vec<FileInfo> {
        let mut infos: Vec<FileInfo> = self
            .files
            .values()
            .map(|f| &f.info)
            .filter(|i| options.include_deleted || i.delete_at.is_none())
            .filter(|i| options.user_id.as_ref().is_none_or(|u| &i.user_id == u))
            .filter(|i| options.channel_id.is_none() || i.channel_id == options.channel_id)
            .cloned()
            .collect();
        match options.sort_by.as_str() {
            "Size" => infos.sort_by_key(|i| i.size),
            _ => infos.sort_by_key(|i| i.create_at),
        }
        if options.sort_order != "asc" {
            infos.reverse();
        }
        page(infos, page_no, per_page)
    }

    /// A public link to a file attached to a post, when public links are enabled, with the
    /// errors the server's `GetFileLink` answers (plugin_api.go: 501 when
    /// `FileSettings.EnablePublicLink` is off, the file's own 404, 400 without a post).
    pub(crate) fn file_link(&self, id: &FileId) -> AppResult<String> {
        let enabled =
            self.config.pointer("/FileSettings/EnablePublicLink").and_then(Value::as_bool).unwrap_or(false);
        if !enabled {
            return Err(app_error(
                "plugin_api.get_file_link.disabled.app_error",
                "Public links have been disabled.",
                501,
            ));
        }
        let file = self.file(id)?;
        if file.info.post_id.is_none() {
            return Err(bad_request(
                "plugin_api.get_file_link.no_post.app_error",
                "Unable to get public link for file. File must be attached to a post that can be read.",
            )
            .with_detail(format!("file_id={id}")));
        }
        let salt =
            self.config.pointer("/FileSettings/PublicLinkSalt").and_then(Value::as_str).unwrap_or_default();
        let hash = sha1::hex_digest(format!("{salt}{id}").as_bytes());
        Ok(format!("{}/files/{id}/public?h={hash}", self.site_url().trim_end_matches('/')))
    }

    /// Copies file infos (and contents) for another user, unattached to any post.
    pub(crate) fn copy_file_infos(&mut self, user: &UserId, ids: &[FileId]) -> AppResult<Vec<FileId>> {
        self.user(user)?;
        let originals: Vec<StoredFile> =
            ids.iter().map(|id| self.file(id).cloned()).collect::<AppResult<_>>()?;
        let mut copies = Vec::new();
        for original in originals {
            let now = self.tick();
            let info = FileInfo {
                id: FileId::generate(),
                user_id: user.clone(),
                post_id: None,
                create_at: now,
                update_at: now,
                ..original.info
            };
            copies.push(self.insert_file(info, original.data).id);
        }
        Ok(copies)
    }

    pub(crate) fn set_searchable_content(&mut self, id: &FileId, content: String) -> AppResult<()> {
        self.file(id)?;
        if let Some(file) = self.files.get_mut(id) {
            file.searchable_content = content;
        }
        Ok(())
    }

    /// The contents stored at a path of the file store.
    pub(crate) fn read_path(&self, path: &str) -> AppResult<Bytes> {
        let path = path.trim_start_matches('/');
        self.files.values().find(|f| f.path == path).map(|f| f.data.clone()).ok_or_else(|| {
            not_found("api.file.read_file.reading_local.app_error", format!("No file at {path:?}."))
        })
    }

    pub(crate) fn create_upload(&mut self, mut session: UploadSession) -> AppResult<UploadSession> {
        self.user(&session.user_id)?;
        match &session.kind {
            UploadType::Attachment => {
                let channel = session.channel_id.clone().ok_or_else(|| {
                    bad_request(
                        "model.upload_session.is_valid.channel_id.app_error",
                        "An attachment upload needs a channel.",
                    )
                })?;
                self.channel(&channel)?;
            }
            UploadType::Import => {}
            other => {
                return Err(bad_request(
                    "model.upload_session.is_valid.type.app_error",
                    format!("Unknown upload type {:?}.", other.as_str()),
                ));
            }
        }
        if session.filename.trim().is_empty() {
            return Err(bad_request(
                "model.upload_session.is_valid.filename.app_error",
                "The upload needs a file name.",
            ));
        }
        if session.file_size <= 0 {
            return Err(bad_request(
                "model.upload_session.is_valid.file_size.app_error",
                "The file size must be positive.",
            ));
        }
        if session.file_size > self.max_file_size() {
            return Err(app_error(
                "app.upload.create.upload_too_large.app_error",
                format!("The file is larger than the {} bytes allowed.", self.max_file_size()),
                413,
            ));
        }
        session.id = UploadId::generate();
        session.create_at = self.tick();
        session.file_offset = 0;
        session.path = format!("uploads/{}", session.id);
        self.uploads.insert(session.id.clone(), (session.clone(), Vec::new()));
        Ok(session)
    }

    pub(crate) fn upload(&self, id: &UploadId) -> AppResult<UploadSession> {
        self.uploads.get(id).map(|(s, _)| s.clone()).ok_or_else(|| {
            not_found("app.upload.get.app_error", format!("Unable to find the upload session ({id})."))
        })
    }

    /// Appends data to an upload. When the upload is complete it is removed and returned with
    /// all its bytes, for the host to store as a file.
    pub(crate) fn append_upload(
        &mut self,
        id: &UploadId,
        data: &[u8],
    ) -> AppResult<Option<(UploadSession, Bytes)>> {
        let session = self.upload(id)?;
        let new_offset = session.file_offset + i64::try_from(data.len()).unwrap_or(i64::MAX);
        if new_offset > session.file_size {
            return Err(bad_request(
                "app.upload.upload_data.too_large.app_error",
                "The data goes past the size declared for the upload.",
            ));
        }
        let Some((stored, buffer)) = self.uploads.get_mut(id) else {
            return Err(not_found("app.upload.get.app_error", "Unable to find the upload session."));
        };
        buffer.extend_from_slice(data);
        stored.file_offset = new_offset;
        if stored.is_complete() {
            let (session, buffer) = self.uploads.remove(id).unwrap_or_default();
            return Ok(Some((session, Bytes::from(buffer))));
        }
        Ok(None)
    }
}

/// `YYYYMMDD` of a timestamp (UTC), for storage paths like the server's.
fn chrono_less_date(t: Timestamp) -> String {
    let days = t.as_millis().div_euclid(86_400_000);
    // Civil-from-days (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = if m <= 2 { y + 1 } else { y };
    format!("{y:04}{m:02}{d:02}")
}

impl Store {
    /// A file's info, deleted or not.
    pub fn file_info(&self, id: &FileId) -> Option<FileInfo> {
        self.lock().files.get(id).map(|f| f.info.clone())
    }

    /// A file's contents.
    pub fn file_data(&self, id: &FileId) -> Option<Bytes> {
        self.lock().files.get(id).map(|f| f.data.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn storage_dates_are_civil_dates() {
        assert_eq!(chrono_less_date(Timestamp::from_millis(0)), "19700101");
        assert_eq!(chrono_less_date(Timestamp::from_millis(1_700_000_000_000)), "20231114");
        assert_eq!(chrono_less_date(Timestamp::from_millis(951_782_400_000)), "20000229");
    }
}
