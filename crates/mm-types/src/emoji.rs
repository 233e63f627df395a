//! Custom emoji.

use mm_proto::v1 as wire;
use serde::{Deserialize, Serialize};

use crate::id::{EmojiId, UserId};
use crate::timestamp::Timestamp;
use crate::wire_struct;

/// A custom emoji uploaded to the server.
///
/// ```
/// use mm_types::Emoji;
/// let emoji: Emoji = serde_json::from_str(
///     r#"{"id":"ihbfgkbsptfjmc5kkn8fwp8ymc","creator_id":"8ds6pkzokfbf3r1ihxzrpiuxye","name":"parrot","create_at":1700000000000,"update_at":1700000000000,"delete_at":0}"#,
/// ).unwrap();
/// assert_eq!(emoji.name, "parrot");
/// assert!(!emoji.is_deleted());
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Emoji {
    /// The emoji's id.
    pub id: EmojiId,
    /// When it was uploaded.
    pub create_at: Timestamp,
    /// When it last changed.
    pub update_at: Timestamp,
    /// When it was deleted, if it was.
    #[serde(with = "crate::timestamp::zero_as_none")]
    pub delete_at: Option<Timestamp>,
    /// Who uploaded it.
    pub creator_id: UserId,
    /// The name used between colons (`parrot` for `:parrot:`).
    pub name: String,
}

impl Emoji {
    /// Whether the emoji was deleted.
    pub fn is_deleted(&self) -> bool {
        self.delete_at.is_some()
    }
}

wire_struct! {
    Emoji <=> wire::Emoji { id, create_at, update_at, delete_at, creator_id, name }
}
