//! Cloud product limits (`OnCloudLimitsUpdated`, `GetCloudLimits`).

use mm_proto::v1 as wire;
use serde::{Deserialize, Serialize};

use crate::wire_struct;

/// The limits of a Mattermost Cloud workspace; `None` means no limit is known.
///
/// `GetCloudLimits` answers with the same shape as JSON, so the document reads directly:
///
/// ```
/// use mm_types::{ProductLimits, RawJson};
/// let raw = RawJson::from_bytes(&br#"{"messages":{"history":10000},"teams":{"active":1}}"#[..]);
/// let limits: ProductLimits = raw.parse().unwrap();
/// assert_eq!(limits.messages.and_then(|m| m.history), Some(10000));
/// assert_eq!(limits.files, None);
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(default)]
pub struct ProductLimits {
    /// File storage limits.
    pub files: Option<FilesLimits>,
    /// Message history limits.
    pub messages: Option<MessagesLimits>,
    /// Team limits.
    pub teams: Option<TeamsLimits>,
}

wire_struct! {
    ProductLimits <=> wire::ProductLimits { files, messages, teams }
}

/// File storage limits.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(default)]
pub struct FilesLimits {
    /// Total storage, in bytes.
    pub total_storage: Option<i64>,
}

wire_struct! {
    FilesLimits <=> wire::FilesLimits { total_storage }
}

/// Message history limits.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(default)]
pub struct MessagesLimits {
    /// How many messages stay accessible.
    pub history: Option<i32>,
}

wire_struct! {
    MessagesLimits <=> wire::MessagesLimits { history }
}

/// Team limits.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(default)]
pub struct TeamsLimits {
    /// How many teams may be active.
    pub active: Option<i32>,
}

wire_struct! {
    TeamsLimits <=> wire::TeamsLimits { active }
}
