//! Drafts and scheduled posts: messages a user has written but not sent yet.

use mm_proto::v1 as wire;
use serde::{Deserialize, Serialize};

use crate::convert::{FromWire, IntoWire};
use crate::enums::string_enum;
use crate::error::Result;
use crate::id::{ChannelId, FileId, PostId, ScheduledPostId, UserId};
use crate::json::JsonMap;
use crate::post::{PostMetadata, PostType};
use crate::timestamp::Timestamp;
use crate::wire_struct;

/// A message a user is writing in a channel or thread and has not sent yet (Go `model.Draft`).
///
/// ```
/// use mm_types::{ChannelId, Draft};
/// let channel = ChannelId::parse("4xp9fdt77pncbef59f4k1qe83o").unwrap();
/// let draft = Draft { message: "half a thought".into(), channel_id: channel, ..Default::default() };
/// assert_eq!(serde_json::to_value(&draft).unwrap()["message"], "half a thought");
/// ```
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Draft {
    /// When the draft was first saved.
    pub create_at: Timestamp,
    /// When it last changed.
    pub update_at: Timestamp,
    /// When it was deleted, if it was (the server now deletes drafts outright).
    #[serde(with = "crate::timestamp::zero_as_none")]
    pub delete_at: Option<Timestamp>,
    /// The user writing it.
    pub user_id: UserId,
    /// The channel it is for.
    pub channel_id: ChannelId,
    /// The thread it replies to, for a draft reply.
    #[serde(with = "crate::id::empty_as_none")]
    pub root_id: Option<PostId>,
    /// The text (Markdown).
    pub message: String,
    /// The type the post will have.
    #[serde(rename = "type")]
    pub kind: PostType,
    /// Free-form properties, as on a post.
    pub props: Option<JsonMap>,
    /// Files attached to it.
    #[serde(deserialize_with = "crate::json::null_as_default", skip_serializing_if = "Vec::is_empty")]
    pub file_ids: Vec<FileId>,
    /// Data the server computes, as on a post.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub metadata: Option<PostMetadata>,
    /// The message priority the user chose (`priority`, `requested_ack`, ...).
    pub priority: Option<JsonMap>,
}

wire_struct! {
    Draft <=> wire::Draft {
        create_at, update_at, delete_at, user_id, channel_id, root_id, message, kind = r#type, props,
        file_ids, metadata, priority,
    }
}

// A scheduled post embeds its draft by value in Go, so the server always sends one: a missing
// draft reads as an empty one, and a draft is always written.
impl FromWire<Option<wire::Draft>> for Draft {
    fn from_wire(wire: Option<wire::Draft>) -> Result<Self> {
        wire.map(<Draft as FromWire<wire::Draft>>::from_wire).transpose().map(Option::unwrap_or_default)
    }
}

impl IntoWire<Option<wire::Draft>> for Draft {
    fn into_wire(self) -> Option<wire::Draft> {
        Some(<Draft as IntoWire<wire::Draft>>::into_wire(self))
    }
}

string_enum! {
    /// How a scheduled post repeats.
    pub enum ScheduledPostRepeat {
        /// It is sent once.
        Once = "",
        /// It is sent every week at the same time, in
        /// [`repeat_timezone`](ScheduledPost::repeat_timezone).
        Weekly = "weekly",
    }
    default = Once;
}

/// A draft the server posts at a later time (Go `model.ScheduledPost`, which embeds
/// `model.Draft`: in JSON the draft's fields sit next to the scheduled post's own).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ScheduledPost {
    /// The message to post.
    #[serde(flatten)]
    pub draft: Draft,
    /// The scheduled post's id.
    pub id: ScheduledPostId,
    /// When the server posts it.
    pub scheduled_at: Timestamp,
    /// When the server tried to post it, if it has.
    #[serde(with = "crate::timestamp::zero_as_none")]
    pub processed_at: Option<Timestamp>,
    /// Why posting it failed (`channel_archived`, `user_deleted`, ...); empty when it did not.
    pub error_code: String,
    /// How it repeats.
    pub repeat_type: ScheduledPostRepeat,
    /// The IANA time zone a weekly post keeps its local time in.
    pub repeat_timezone: String,
}

wire_struct! {
    ScheduledPost <=> wire::ScheduledPost {
        draft, id, scheduled_at, processed_at, error_code, repeat_type, repeat_timezone,
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn a_scheduled_post_reads_mattermost_json_with_the_draft_inline() {
        let scheduled: ScheduledPost = serde_json::from_value(json!({
            "id": "qb1o8ncuftba5rjbjrwdjq8o6c",
            "channel_id": "4xp9fdt77pncbef59f4k1qe83o",
            "message": "see you tomorrow",
            "scheduled_at": 1_700_000_000_000_i64,
            "processed_at": 0,
            "repeat_type": "weekly",
            "repeat_timezone": "Europe/Paris",
            "file_ids": null,
            "props": {"from_plugin": "true"}
        }))
        .unwrap();
        assert_eq!(scheduled.draft.message, "see you tomorrow");
        assert_eq!(scheduled.draft.channel_id.as_str(), "4xp9fdt77pncbef59f4k1qe83o");
        assert_eq!((scheduled.processed_at, &scheduled.repeat_type), (None, &ScheduledPostRepeat::Weekly));
        let written = serde_json::to_value(&scheduled).unwrap();
        assert_eq!((&written["message"], &written["id"]), (&json!("see you tomorrow"), &json!(scheduled.id)));
        assert!(written.get("file_ids").is_none(), "omitted when empty, as Go's omitempty does");
    }

    #[test]
    fn a_missing_draft_on_the_wire_reads_as_an_empty_one() {
        let scheduled =
            ScheduledPost::from_wire(wire::ScheduledPost { draft: None, ..Default::default() }).unwrap();
        assert_eq!(scheduled.draft, Draft::default());
        let back: wire::ScheduledPost = scheduled.into();
        assert_eq!(back.draft, Some(wire::Draft::default()));
    }
}
