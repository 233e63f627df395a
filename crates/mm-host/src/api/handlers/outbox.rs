//! Realtime events, notifications and dialogs: recorded in the outbox.

use mm_proto::v1 as wire;
use mm_types::JsonMap;
use serde_json::{Value, json};

use crate::api::router::{ApiFailure, ApiRouter, domain, required};
use crate::store::{OutboundKind, errors};

/// Registers the handlers of this domain.
pub(super) fn routes(router: &mut ApiRouter) {
    // realtime, notifications, dialogs: recorded in the outbox
    router.route(|api, r: wire::PublishWebSocketEventRequest| {
        let payload: JsonMap = domain(r.payload.unwrap_or_default())?;
        let broadcast: Option<mm_types::WebsocketBroadcast> = domain(r.broadcast)?;
        api.record(
            OutboundKind::WebSocketEvent,
            json!({
                "event": format!("custom_{}_{}", api.plugin_id, r.event),
                "data": payload,
                "broadcast": serde_json::to_value(&broadcast).unwrap_or(Value::Null),
            }),
        );
        Ok(wire::PublishWebSocketEventResponse { error: None })
    });
    router.route(|api, r: wire::PublishPluginClusterEventRequest| {
        let event: Option<mm_types::PluginClusterEvent> = domain(r.event)?;
        let options: Option<mm_types::PluginClusterEventSendOptions> = domain(r.opts)?;
        api.record(
            OutboundKind::ClusterEvent,
            json!({"event": serde_json::to_value(&event).unwrap_or(Value::Null), "options": serde_json::to_value(&options).unwrap_or(Value::Null)}),
        );
        Ok(wire::PublishPluginClusterEventResponse { error: None })
    });
    router.route(|api, r: wire::RegisterCollectionAndTopicRequest| {
        api.record(
            OutboundKind::CollectionAndTopic,
            json!({"collection_type": r.collection_type, "topic_type": r.topic_type}),
        );
        Ok(wire::RegisterCollectionAndTopicResponse { error: None })
    });
    router.route(|api, r: wire::SendMailRequest| {
        if r.to.trim().is_empty() {
            return Err(ApiFailure::from(errors::bad_request(
                "plugin_api.send_mail.missing_to",
                "Missing TO address.",
            )));
        }
        api.record(OutboundKind::Mail, json!({"to": r.to, "subject": r.subject, "html_body": r.html_body}));
        Ok(wire::SendMailResponse { error: None })
    });
    router.route(|api, r: wire::SendPushNotificationRequest| {
        let notification: Option<mm_types::PushNotification> = domain(r.notification)?;
        api.record(
            OutboundKind::PushNotification,
            json!({"user_id": r.user_id, "notification": serde_json::to_value(&notification).unwrap_or(Value::Null)}),
        );
        Ok(wire::SendPushNotificationResponse { error: None })
    });
    router.route(|api, r: wire::OpenInteractiveDialogRequest| {
        let dialog: mm_types::OpenDialogRequest = domain(required(r.dialog, "dialog")?)?;
        if dialog.trigger_id.is_empty() {
            return Err(ApiFailure::from(errors::bad_request(
                "interactive_message.decode_trigger_id.missing_data",
                "The dialog needs a trigger id.",
            )));
        }
        api.record(OutboundKind::InteractiveDialog, serde_json::to_value(&dialog).unwrap_or(Value::Null));
        Ok(wire::OpenInteractiveDialogResponse { error: None })
    });
}
