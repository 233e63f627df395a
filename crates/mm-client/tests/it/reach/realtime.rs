//! Reach entries: WebSocket events, cluster events, collections and topics.

use mm_types::convert::IntoWire;
use mm_types::{JsonMap, PluginClusterEvent, PluginClusterEventSendOptions, WebsocketBroadcast, wire};
use serde_json::json;

use super::{Reach, id};

pub async fn run(r: &mut Reach) {
    let c = r.client.clone();
    let realtime = c.realtime();
    let payload: JsonMap =
        json!({"status": "deployed", "build": 42, "tags": ["a", "b"], "meta": {"ok": true}})
            .as_object()
            .cloned()
            .unwrap();
    let broadcast = WebsocketBroadcast::to_channel(id("chan-ws")).omit_user(id("user-omit")).reliable();
    r.check(
        "PublishWebSocketEvent",
        realtime.publish_websocket_event("deploy", payload.clone(), broadcast.clone()),
        wire::PublishWebSocketEventRequest {
            event: "deploy".into(),
            payload: Some(payload.into_wire()),
            broadcast: Some(broadcast.into_wire()),
        },
    )
    .await;
    let event = PluginClusterEvent::new("evt-cache", &b"\x00\x01binary"[..]);
    let options = PluginClusterEventSendOptions::reliable().to_node("node-7");
    r.check(
        "PublishPluginClusterEvent",
        realtime.publish_cluster_event(event.clone(), options.clone()),
        wire::PublishPluginClusterEventRequest {
            event: Some(event.into_wire()),
            opts: Some(options.into_wire()),
        },
    )
    .await;
    r.check(
        "RegisterCollectionAndTopic",
        realtime.register_collection_and_topic("coll-boards", "topic-cards"),
        wire::RegisterCollectionAndTopicRequest {
            collection_type: "coll-boards".into(),
            topic_type: "topic-cards".into(),
        },
    )
    .await;
}
