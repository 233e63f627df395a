//! Reach entries: e-mail and push notifications.

use mm_types::convert::IntoWire;
use mm_types::{PushNotification, PushType, wire};

use super::{Reach, id};

pub async fn run(r: &mut Reach) {
    let c = r.client.clone();
    let notifications = c.notifications();
    r.check(
        "SendMail",
        notifications.send_mail("to@example.com", "Subject 42", "<p>body</p>"),
        wire::SendMailRequest {
            to: "to@example.com".into(),
            subject: "Subject 42".into(),
            html_body: "<p>body</p>".into(),
        },
    )
    .await;
    let push = PushNotification {
        ack_id: "ack-1".into(),
        platform: "android".into(),
        post_id: Some(id("post-push")),
        channel_id: Some(id("chan-push")),
        message: "alice: hi".into(),
        badge: "3".into(),
        is_crt: true,
        kind: PushType::Clear,
        ..Default::default()
    };
    r.check(
        "SendPushNotification",
        notifications.send_push(&id("user-push"), push.clone()),
        wire::SendPushNotificationRequest {
            notification: Some(push.into_wire()),
            user_id: "user-push".into(),
        },
    )
    .await;
}
