//! Push and e-mail notifications, as hooks see them and plugins send them.

use mm_proto::v1 as wire;
use serde::{Deserialize, Serialize};

use crate::enums::string_enum;
use crate::error::Result;
use crate::id::{ChannelId, PostId, TeamId, UserId};
use crate::json::json_blob;
use crate::wire_struct;

string_enum! {
    /// What a push notification does on the device.
    pub enum PushType {
        /// Shows a new message.
        Message = "message",
        /// Clears the channel's notifications (the user read it elsewhere).
        Clear = "clear",
        /// Updates the app's badge count.
        UpdateBadge = "update_badge",
        /// Tells the device its session ended.
        Session = "session",
        /// A test notification.
        Test = "test",
    }
    default = Message;
}

/// A mobile push notification (`model.PushNotification`).
///
/// `NotificationWillBePushed` hands one to plugins to change or reject; `SendPushNotification`
/// sends one.
///
/// ```
/// use mm_types::{PushNotification, PushType};
/// let push = PushNotification { message: "alice: hi".into(), badge: "3".into(), ..Default::default() };
/// assert_eq!(push.kind, PushType::Message);
/// assert_eq!(push.badge_count(), Some(3));
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct PushNotification {
    /// The id the device acknowledges receipt with.
    pub ack_id: String,
    /// The device platform (`apple`, `android`, `apple_rn`...).
    pub platform: String,
    /// The sending server's id.
    pub server_id: String,
    /// The device to notify.
    pub device_id: String,
    /// The post the notification is about, if any.
    #[serde(with = "crate::id::empty_as_none")]
    pub post_id: Option<PostId>,
    /// The notification category (`CAN_REPLY`...).
    pub category: String,
    /// The sound to play.
    pub sound: String,
    /// The text shown.
    pub message: String,
    /// The badge count, as text (Go's JSON writes it as a number, which is read too).
    #[serde(deserialize_with = "crate::json::string_or_number")]
    pub badge: String,
    /// Whether the notification is delivered silently in the background (`"1"`), as text (Go's
    /// JSON writes it as a number, which is read too).
    #[serde(deserialize_with = "crate::json::string_or_number")]
    pub cont_ava: String,
    /// The team of the channel, if any.
    #[serde(with = "crate::id::empty_as_none")]
    pub team_id: Option<TeamId>,
    /// The channel.
    #[serde(with = "crate::id::empty_as_none")]
    pub channel_id: Option<ChannelId>,
    /// The thread's root post, for replies.
    #[serde(with = "crate::id::empty_as_none")]
    pub root_id: Option<PostId>,
    /// The author of the post.
    #[serde(with = "crate::id::empty_as_none")]
    pub sender_id: Option<UserId>,
    /// The author's display name.
    pub sender_name: String,
    /// The username the post overrides its author's with, if any.
    pub override_username: String,
    /// The icon the post overrides its author's with, if any.
    pub override_icon_url: String,
    /// `"true"` when the post came from a webhook.
    pub from_webhook: String,
    /// The notification format version (`v2`).
    pub version: String,
    /// Whether the recipient uses collapsed reply threads.
    pub is_crt: bool,
    /// The channel's name as shown.
    pub channel_name: String,
    /// What the notification does.
    #[serde(rename = "type")]
    pub kind: PushType,
    /// A finer kind (`calls`...).
    pub sub_type: String,
}

impl PushNotification {
    /// The badge count, when `badge` holds a number.
    pub fn badge_count(&self) -> Option<i64> {
        self.badge.trim().parse().ok()
    }

    /// Whether the post came from a webhook.
    pub fn is_from_webhook(&self) -> bool {
        self.from_webhook == "true"
    }
}

wire_struct! {
    PushNotification <=> wire::PushNotification {
        ack_id, platform, server_id, device_id, post_id, category, sound, message, badge, cont_ava,
        team_id, channel_id, root_id, sender_id, sender_name, override_username, override_icon_url,
        from_webhook, version, is_crt, channel_name, kind = r#type, sub_type,
    }
}

/// The parts of an e-mail notification a plugin may change in `EmailNotificationWillBeSent`.
///
/// ```
/// use mm_types::EmailNotificationContent;
/// let content = EmailNotificationContent { subject: "[Team] New message".into(), ..Default::default() };
/// assert_eq!(serde_json::to_value(&content).unwrap()["subject"], "[Team] New message");
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct EmailNotificationContent {
    /// The e-mail subject.
    pub subject: String,
    /// The title in the body.
    pub title: String,
    /// The subtitle in the body.
    pub subtitle: String,
    /// The message as HTML.
    pub message_html: String,
    /// The message as plain text.
    pub message_text: String,
    /// The button's text.
    pub button_text: String,
    /// The button's link.
    pub button_url: String,
    /// The footer text.
    pub footer_text: String,
}

wire_struct! {
    EmailNotificationContent <=> wire::EmailNotificationContent {
        subject, title, subtitle = sub_title, message_html, message_text, button_text, button_url,
        footer_text,
    }
}

json_blob! {
    /// An e-mail notification about to be sent (`model.EmailNotification` as JSON): the post,
    /// channel, team, sender and recipient ids and names, with the
    /// [content](EmailNotificationContent) fields at the top level.
    ///
    /// The document is kept as the server sent it; read it with [`content`](Self::content),
    /// [`pointer`](crate::RawJson::pointer) or [`parse`](crate::RawJson::parse).
    ///
    /// ```
    /// use mm_types::EmailNotification;
    /// use serde_json::json;
    /// let email = EmailNotification::from_value(&json!({
    ///     "post_id": "qb1o8ncuftba5rjbjrwdjq8o6c", "recipient_id": "8ds6pkzokfbf3r1ihxzrpiuxye",
    ///     "subject": "[Team] New message", "message_text": "hi"
    /// })).unwrap();
    /// assert_eq!(email.content().unwrap().subject, "[Team] New message");
    /// assert_eq!(email.pointer("/recipient_id").unwrap(), Some(json!("8ds6pkzokfbf3r1ihxzrpiuxye")));
    /// ```
    pub struct EmailNotification <=> EmailNotificationJson { notification_json }
}

impl EmailNotification {
    /// The content fields of the notification.
    pub fn content(&self) -> Result<EmailNotificationContent> {
        self.parse()
    }
}
