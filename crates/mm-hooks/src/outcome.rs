//! What "will be" hooks decide: let the value through, replace it, or reject it.

use bytes::Bytes;
/// The reason string that tells the server to drop a post silently (`DismissPostError`).
pub use mm_proto::protocol::DISMISS_POST_REASON;
use mm_types::{FileInfo, Post};

/// What [`Plugin::message_will_be_posted`](crate::Plugin::message_will_be_posted) decides.
// A decision is returned once per call and moved straight into the response: boxing the
// post would only make it clumsier to write.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq, Default)]
#[non_exhaustive]
pub enum PostDecision {
    /// Post it unchanged.
    #[default]
    Allow,
    /// Post this instead.
    Replace(Post),
    /// Refuse it; the reason is shown to the user.
    Reject(String),
    /// Drop it silently: the user sees no error (the reason
    /// [`DISMISS_POST_REASON`] on the wire).
    Dismiss,
}

impl PostDecision {
    /// Refuses the post with a reason.
    pub fn reject(reason: impl Into<String>) -> Self {
        PostDecision::Reject(reason.into())
    }
}

/// What a "will be" hook decides about a value it may change: post edits, push
/// notifications, e-mail notifications.
#[derive(Debug, Clone, PartialEq, Default)]
#[non_exhaustive]
pub enum Decision<T> {
    /// Let it through unchanged.
    #[default]
    Allow,
    /// Use this instead.
    Replace(T),
    /// Refuse it, with a reason.
    Reject(String),
}

impl<T> Decision<T> {
    /// Refuses with a reason.
    pub fn reject(reason: impl Into<String>) -> Self {
        Decision::Reject(reason.into())
    }
}

/// What [`Plugin::file_will_be_uploaded`](crate::Plugin::file_will_be_uploaded) decides.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq, Default)]
#[non_exhaustive]
pub enum FileDecision {
    /// Store the file unchanged.
    #[default]
    Allow,
    /// Store this file info and content instead.
    Replace {
        /// The file info to store.
        info: FileInfo,
        /// The content to store.
        content: Bytes,
    },
    /// Refuse the upload, with a reason.
    Reject(String),
}

impl FileDecision {
    /// Refuses the upload with a reason.
    pub fn reject(reason: impl Into<String>) -> Self {
        FileDecision::Reject(reason.into())
    }
}

/// What a "will be" hook decides about something it cannot change: let it happen or reject
/// it with a reason (archiving or restoring a channel, downloading a file, logging in).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum Verdict {
    /// Let it happen.
    #[default]
    Allow,
    /// Refuse it, with a reason shown to the user.
    Reject(String),
}

impl Verdict {
    /// Refuses with a reason.
    pub fn reject(reason: impl Into<String>) -> Self {
        Verdict::Reject(reason.into())
    }
}

/// What [`Plugin::user_will_log_in`](crate::Plugin::user_will_log_in) decides: let the user log
/// in, or refuse the login with a reason shown to the user.
pub type LoginDecision = Verdict;
