//! File uploads: `FileWillBeUploaded` may replace or reject a file before it is stored.

use bytes::Bytes;
use mm_hooks::requests;
use mm_types::convert::FromWire;
use mm_types::{AppError, ChannelId, FileInfo, PluginContext, UploadId, UserId};

use super::{HookCaller, Verdict};
use crate::Host;

/// `FileWillBeUploaded`: the info and contents to store (the plugin's where it changed them,
/// failing open), or a rejection.
async fn file_will_be_uploaded(
    plugin: &HookCaller,
    cx: &PluginContext,
    info: FileInfo,
    content: Bytes,
) -> Verdict<(FileInfo, Bytes)> {
    let request = requests::file_will_be_uploaded(Some(cx.clone()), info.clone(), content.clone());
    let Some(Ok(answer)) = plugin.call(request).await else {
        return Verdict::Allow((info, content));
    };
    if !answer.rejection_reason.is_empty() {
        return Verdict::Reject(answer.rejection_reason);
    }
    let info = match answer.modified_file_info.map(FileInfo::from_wire) {
        Some(Ok(modified)) => modified,
        _ => info,
    };
    let content = if answer.modified_content.is_empty() { content } else { answer.modified_content };
    Verdict::Allow((info, content))
}

impl Host {
    /// Uploads a file to a channel as `user_id` (empty for the PluginAPI's `UploadFile`, which
    /// uploads as no one): checks, `FileWillBeUploaded` on each plugin, then stores it.
    pub async fn upload_file(
        &self,
        user_id: &UserId,
        channel_id: &ChannelId,
        filename: &str,
        data: Bytes,
    ) -> Result<FileInfo, AppError> {
        self.store().with(|s| s.check_upload(channel_id, filename, data.len()))?;
        let info = self.store().with(|s| s.new_file_info(user_id, channel_id, filename, data.len()));
        self.store_upload(info, data).await
    }

    async fn store_upload(&self, mut info: FileInfo, mut data: Bytes) -> Result<FileInfo, AppError> {
        let cx = self.plugin_context();
        for plugin in self.plugins() {
            match file_will_be_uploaded(&plugin, &cx, info, data).await {
                Verdict::Allow((next_info, next_data)) => (info, data) = (next_info, next_data),
                Verdict::Reject(reason) => {
                    let message = format!("File rejected by plugin. {reason}");
                    return Err(AppError::new(message.clone(), message).with_status(400));
                }
            }
        }
        Ok(self.store().with(|s| s.insert_file(info, data)))
    }

    /// Adds data to an upload session; when the last byte arrives the file goes through
    /// `FileWillBeUploaded` and is stored, and its info is returned.
    pub async fn upload_data(&self, upload_id: &UploadId, data: &[u8]) -> Result<Option<FileInfo>, AppError> {
        let Some((session, content)) = self.store().with(|s| s.append_upload(upload_id, data))? else {
            return Ok(None);
        };
        let channel = session.channel_id.clone().unwrap_or_default();
        let info = self
            .store()
            .with(|s| s.new_file_info(&session.user_id, &channel, &session.filename, content.len()));
        let info = FileInfo { channel_id: session.channel_id.clone(), ..info };
        self.store_upload(info, content).await.map(Some)
    }
}
