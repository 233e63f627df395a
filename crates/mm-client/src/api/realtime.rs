//! Real time: WebSocket events to users' clients, and events between the plugin's instances
//! on a cluster.

use mm_types::convert::IntoWire;
use mm_types::{
    JsonMap, PluginClusterEvent, PluginClusterEventSendOptions, UserId, WebsocketBroadcast, wire,
};
use serde::Serialize;

use crate::client::ApiClient;
use crate::error::Error;
use crate::mode::{ApiCall, Mode};
use crate::rpc::methods;

/// WebSocket events and cluster events: `client.realtime()`.
///
/// None of these calls is retried once it may have reached the server: a repeated event
/// would reach its receivers twice.
#[derive(Debug)]
pub struct Realtime<'a, M: Mode> {
    client: &'a ApiClient<M>,
}

impl<M: Mode> ApiClient<M> {
    /// WebSocket events to clients and events between the plugin's cluster instances.
    pub fn realtime(&self) -> Realtime<'_, M> {
        Realtime { client: self }
    }
}

impl<M: Mode> Realtime<'_, M> {
    /// Sends a WebSocket event to the clients chosen by `broadcast`
    /// (`PublishWebSocketEvent`). The server names the event `custom_<plugin id>_<event>`,
    /// which is what a webapp plugin registers its handler for.
    ///
    /// The payload travels as a `google.protobuf.Struct`: numbers are `f64` on the way, so
    /// integers beyond 2^53 arrive rounded (send them as strings).
    ///
    /// ```no_run
    /// # async fn demo(client: mm_client::Client, channel: mm_types::ChannelId) -> mm_client::Result<()> {
    /// use mm_types::WebsocketBroadcast;
    /// let mut payload = serde_json::Map::new();
    /// payload.insert("status".into(), "deployed".into());
    /// client.realtime().publish_websocket_event("deploy", payload, WebsocketBroadcast::to_channel(channel)).await?;
    /// # Ok(()) }
    /// ```
    pub fn publish_websocket_event(
        &self,
        event: &str,
        payload: JsonMap,
        broadcast: WebsocketBroadcast,
    ) -> M::Output<()> {
        let request = wire::PublishWebSocketEventRequest {
            event: event.to_owned(),
            payload: Some(payload.into_wire()),
            broadcast: Some(broadcast.into_wire()),
        };
        self.client.call(request, |_| Ok(()))
    }

    /// [`publish_websocket_event`](Self::publish_websocket_event) with any serde value that
    /// serializes to a JSON object (a struct or a map) as the payload. Anything else is an
    /// [`ErrorKind::InvalidInput`](crate::ErrorKind::InvalidInput) error and nothing is sent.
    ///
    /// ```no_run
    /// # async fn demo(client: mm_client::Client, user: mm_types::UserId) -> mm_client::Result<()> {
    /// use mm_types::WebsocketBroadcast;
    /// #[derive(serde::Serialize)]
    /// struct Progress { job: String, percent: u8 }
    /// let progress = Progress { job: "export".into(), percent: 40 };
    /// client.realtime().publish_websocket_event_json("progress", &progress, WebsocketBroadcast::to_user(user)).await?;
    /// # Ok(()) }
    /// ```
    pub fn publish_websocket_event_json<T: Serialize + ?Sized>(
        &self,
        event: &str,
        payload: &T,
        broadcast: WebsocketBroadcast,
    ) -> M::Output<()> {
        match json_object(event, payload) {
            Ok(payload) => self.publish_websocket_event(event, payload, broadcast),
            Err(e) => self.client.run(ApiCall::fail(e.in_rpc(methods::PUBLISH_WEB_SOCKET_EVENT.name))),
        }
    }

    /// Shows a toast (a short notice) to a user in the web app, on one connection or on all of
    /// them (`connection_id` empty); `position` is where it shows, such as `"bottom-right"`
    /// (`""` for the default) (`SendToastMessage`).
    ///
    /// Only the stock servers' net/rpc protocol has this RPC: over gRPC it fails at once with
    /// [`ErrorKind::Unsupported`](crate::ErrorKind::Unsupported).
    pub fn send_toast(
        &self,
        user_id: &UserId,
        connection_id: &str,
        message: &str,
        position: &str,
    ) -> M::Output<()> {
        let request = wire::SendToastMessageRequest {
            user_id: user_id.to_string(),
            connection_id: connection_id.to_owned(),
            message: message.to_owned(),
            options: Some(wire::SendToastMessageOptions { position: position.to_owned() }),
        };
        self.client.call(request, |_| Ok(()))
    }

    /// Sends an event to the plugin's instances on the other nodes of the cluster, which
    /// receive it in their `OnPluginClusterEvent` hook (`PublishPluginClusterEvent`).
    ///
    /// ```no_run
    /// # async fn demo(client: mm_client::Client) -> mm_client::Result<()> {
    /// use mm_types::{PluginClusterEvent, PluginClusterEventSendOptions};
    /// let event = PluginClusterEvent::from_json("cache_invalidate", &serde_json::json!({"key": "users"}))?;
    /// client.realtime().publish_cluster_event(event, PluginClusterEventSendOptions::reliable()).await?;
    /// # Ok(()) }
    /// ```
    pub fn publish_cluster_event(
        &self,
        event: PluginClusterEvent,
        options: PluginClusterEventSendOptions,
    ) -> M::Output<()> {
        let request = wire::PublishPluginClusterEventRequest {
            event: Some(event.into_wire()),
            opts: Some(options.into_wire()),
        };
        self.client.call(request, |_| Ok(()))
    }

    /// Registers a collection type and a topic type that the plugin owns
    /// (`RegisterCollectionAndTopic`), so the server asks the plugin about them (who may see a
    /// collection, what a topic links to) instead of rejecting them.
    pub fn register_collection_and_topic(&self, collection_type: &str, topic_type: &str) -> M::Output<()> {
        let request = wire::RegisterCollectionAndTopicRequest {
            collection_type: collection_type.to_owned(),
            topic_type: topic_type.to_owned(),
        };
        self.client.call(request, |_| Ok(()))
    }
}

/// A serde value as the JSON object a WebSocket payload must be.
fn json_object<T: Serialize + ?Sized>(event: &str, payload: &T) -> crate::Result<JsonMap> {
    match serde_json::to_value(payload) {
        Ok(serde_json::Value::Object(map)) => Ok(map),
        Ok(other) => Err(Error::invalid_input(format!(
            "the payload of WebSocket event {event:?} must serialize to a JSON object, not {}",
            json_kind(&other)
        ))),
        Err(e) => Err(Error::invalid_input(format!(
            "the payload of WebSocket event {event:?} does not serialize to JSON: {e}"
        ))
        .with_source(e)),
    }
}

fn json_kind(value: &serde_json::Value) -> &'static str {
    match value {
        serde_json::Value::Null => "null",
        serde_json::Value::Bool(_) => "a boolean",
        serde_json::Value::Number(_) => "a number",
        serde_json::Value::String(_) => "a string",
        serde_json::Value::Array(_) => "an array",
        serde_json::Value::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ErrorKind;

    #[test]
    fn a_struct_payload_becomes_an_object() {
        #[derive(Serialize)]
        struct Progress {
            job: &'static str,
            percent: u8,
        }
        let map = json_object("progress", &Progress { job: "export", percent: 40 }).unwrap();
        assert_eq!(map.get("job"), Some(&serde_json::json!("export")));
        assert_eq!(map.get("percent"), Some(&serde_json::json!(40)));
    }

    #[test]
    fn a_payload_that_is_not_an_object_is_invalid_input() {
        for (payload, kind) in [
            (serde_json::json!([1, 2]), "an array"),
            (serde_json::json!("text"), "a string"),
            (serde_json::json!(null), "null"),
        ] {
            let err = json_object("evt", &payload).unwrap_err();
            assert_eq!(err.kind(), ErrorKind::InvalidInput);
            assert!(err.to_string().contains(kind), "{err}");
            assert!(err.to_string().contains("\"evt\""), "{err}");
        }
    }

    #[test]
    fn a_payload_that_does_not_serialize_is_invalid_input() {
        let mut bad = std::collections::HashMap::new();
        bad.insert(vec![1u8], 1); // non-string map keys do not serialize to JSON
        let err = json_object("evt", &bad).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidInput);
        assert!(err.to_string().contains("does not serialize"), "{err}");
    }
}
