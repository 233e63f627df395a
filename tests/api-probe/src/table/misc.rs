//! The small groups: dialogs, emoji, notifications, OAuth apps, preferences, real-time events.

use mattermost_plugin::serde_json::{Value, json};
use mattermost_plugin::types::{
    ClusterSendType, Dialog, DialogElement, DialogElementType, EmojiId, EmojiSort, JsonMap, OAuthApp,
    OpenDialogRequest, Page, PluginClusterEvent, PluginClusterEventSendOptions, Preference,
    PreferenceCategory, PushNotification, UserId, WebsocketBroadcast,
};

use super::{Entry, Vals, e, one, unit, with};
use crate::report::{base64, j};

fn oauth_app(v: Vals) -> OAuthApp {
    OAuthApp {
        id: v.id(0),
        creator_id: v.id(1),
        name: v.text("name"),
        description: v.text("description"),
        callback_urls: vec!["https://probe.example.com/a".into(), "https://probe.example.com/b".into()],
        homepage: "https://probe.example.com".into(),
        is_trusted: true,
        ..Default::default()
    }
}

fn preferences(v: Vals) -> Vec<Preference> {
    let user = v.id(0);
    vec![
        Preference {
            user_id: v.id(0),
            category: PreferenceCategory::FlaggedPost,
            name: v.raw_id(1),
            value: "true".into(),
        },
        Preference {
            user_id: user,
            category: PreferenceCategory::DisplaySettings,
            name: v.text("name"),
            value: v.text("value"),
        },
    ]
}

/// `*model.PushNotification` in Go's JSON: `badge` a number. The SDK keeps it as text.
fn push(v: Vals) -> (PushNotification, Value) {
    let notification = PushNotification {
        ack_id: v.text("ack"),
        platform: "android".into(),
        server_id: v.raw_id(1),
        device_id: v.text("device"),
        post_id: Some(v.id(2)),
        message: v.text("message"),
        badge: "3".into(),
        channel_id: Some(v.id(3)),
        sender_name: v.text("sender"),
        channel_name: v.text("channel"),
        ..Default::default()
    };
    let n = &notification;
    let reported = json!({
        "ack_id": n.ack_id, "platform": n.platform, "server_id": n.server_id, "device_id": n.device_id,
        "post_id": n.post_id, "message": n.message, "badge": 3, "channel_id": n.channel_id,
        "sender_name": n.sender_name, "channel_name": n.channel_name,
    });
    (notification, reported)
}

pub(super) fn entries() -> Vec<Entry> {
    vec![
        e("OpenInteractiveDialog", |c, v| {
            let mut dialog = Dialog::new(v.text("title"));
            dialog.callback_id = v.text("callback");
            dialog.submit_label = "Go".into();
            dialog.notify_on_cancel = true;
            dialog.elements =
                vec![DialogElement::new(DialogElementType::Text, v.raw_id(1), v.text("element"))];
            let request =
                OpenDialogRequest::new(v.text("trigger"), "https://probe.example.com/dialog", dialog);
            unit(args![request], c.dialogs().open(request))
        }),
        e("GetEmojiList", |c, _| {
            one(args!["name", 2, 20], c.emoji().list(EmojiSort::Name, Page::new(2, 20)))
        }),
        e("GetEmojiByName", |c, v| one(args![v.raw_id(0)], c.emoji().get_by_name(&v.raw_id(0)))),
        e("GetEmoji", |c, v| {
            let id: EmojiId = v.id(0);
            one(args![id], c.emoji().get(&id))
        }),
        e("GetEmojiImage", |c, v| {
            let id: EmojiId = v.id(0);
            with(args![id], c.emoji().image(&id), |image| vec![base64(&image.data), j(&image.content_type)])
        }),
        e("SendMail", |c, v| {
            let (to, subject, body) = (v.email(), v.text("subject"), format!("<p>{}</p>", v.text("body")));
            unit(args![to, subject, body], c.notifications().send_mail(&to, &subject, &body))
        }),
        e("SendPushNotification", |c, v| {
            let user: UserId = v.id(0);
            let (notification, reported) = push(v);
            unit(vec![reported, j(&user)], c.notifications().send_push(&user, notification))
        }),
        e("CreateOAuthApp", |c, v| one(args![oauth_app(v)], c.oauth().create(oauth_app(v)))),
        e("GetOAuthApp", |c, v| {
            let id = v.id(0);
            one(args![id], c.oauth().get(&id))
        }),
        e("UpdateOAuthApp", |c, v| one(args![oauth_app(v)], c.oauth().update(oauth_app(v)))),
        e("DeleteOAuthApp", |c, v| {
            let id = v.id(0);
            unit(args![id], c.oauth().delete(&id))
        }),
        e("GetPreferenceForUser", |c, v| {
            let user: UserId = v.id(0);
            let category = PreferenceCategory::DisplaySettings;
            one(args![user, category, v.text("name")], c.preferences().get(&user, category, &v.text("name")))
        }),
        e("GetPreferencesForUser", |c, v| {
            let user: UserId = v.id(0);
            one(args![user], c.preferences().for_user(&user))
        }),
        e("UpdatePreferencesForUser", |c, v| {
            let user: UserId = v.id(0);
            unit(args![user, preferences(v)], c.preferences().update(&user, preferences(v)))
        }),
        e("DeletePreferencesForUser", |c, v| {
            let user: UserId = v.id(0);
            unit(args![user, preferences(v)], c.preferences().delete(&user, preferences(v)))
        }),
        e("PublishWebSocketEvent", |c, v| {
            let mut payload = JsonMap::new();
            payload.insert("probe".into(), v.text("payload").into());
            payload.insert("n".into(), 7.into());
            let broadcast = WebsocketBroadcast {
                user_id: Some(v.id(1)),
                channel_id: Some(v.id(2)),
                team_id: Some(v.id(3)),
                connection_id: v.text("connection"),
                ..Default::default()
            };
            // `*model.WebsocketBroadcast` in Go's JSON (`omit_users` is a set there, a list here).
            let b = &broadcast;
            let reported = json!({
                "user_id": b.user_id, "channel_id": b.channel_id, "team_id": b.team_id, "connection_id": b.connection_id,
            });
            let event = v.raw_id(0);
            let call = c.realtime().publish_websocket_event(&event, payload.clone(), broadcast);
            unit(vec![j(&event), j(&payload), reported], call)
        }),
        e("SendToastMessage", |c, v| {
            let user: UserId = v.id(0);
            let (connection, message, position) = (v.raw_id(1), v.text("message"), v.text("position"));
            let call = c.realtime().send_toast(&user, &connection, &message, &position);
            unit(vec![j(&user), j(&connection), j(&message), json!({"position": position})], call)
        }),
        e("PublishPluginClusterEvent", |c, v| {
            let event = PluginClusterEvent { id: v.text("event"), data: v.text("data").into_bytes().into() };
            let options = PluginClusterEventSendOptions {
                send_type: ClusterSendType::Reliable,
                target_id: v.raw_id(1),
            };
            // `model.PluginClusterEvent` and its options have no json tags: Go's field names.
            let reported = vec![
                json!({"Id": event.id, "Data": base64(&event.data)}),
                json!({"SendType": options.send_type, "TargetId": options.target_id}),
            ];
            unit(reported, c.realtime().publish_cluster_event(event, options))
        }),
        e("RegisterCollectionAndTopic", |c, v| {
            let (collection, topic) = (v.text("collection"), v.text("topic"));
            unit(args![collection, topic], c.realtime().register_collection_and_topic(&collection, &topic))
        }),
    ]
}
