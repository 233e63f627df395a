//! The PluginAPI's handlers, one file per group of domains (as in `api.proto`), each
//! registering its handlers on the router by request type.

mod accounts;
mod channels;
mod groups;
mod outbox;
mod posts;
mod properties;
mod server;
mod storage;
mod teams;
mod users;

use bytes::Bytes;
use mm_proto::v1 as wire;
use mm_types::convert::FromWire;
use mm_types::{AppError, Id};
use serde_json::Value;

use super::router::{Api, ApiRouter};
use crate::store::{LogEntry, LogLevel, OutboundKind, errors, sanitize_config};

/// The router with every handler of the host.
pub(crate) fn plugin_api() -> ApiRouter {
    let mut router = ApiRouter::default();
    for routes in [
        users::routes,
        teams::routes,
        channels::routes,
        posts::routes,
        storage::routes,
        server::routes,
        accounts::routes,
        groups::routes,
        properties::routes,
        outbox::routes,
    ] {
        routes(&mut router);
    }
    router
}

impl Api {
    /// Logs a plugin's log line and keeps it for the test kit.
    fn log(&self, level: LogLevel, msg: String, pairs: Vec<wire::KeyValuePair>) {
        let fields: Vec<(String, Value)> = pairs
            .into_iter()
            .map(|pair| {
                let value =
                    pair.value.map(Value::from_wire).transpose().unwrap_or(None).unwrap_or(Value::Null);
                (pair.key, value)
            })
            .collect();
        let entry = LogEntry {
            plugin_id: self.plugin_id.clone(),
            level,
            message: msg,
            fields,
            time: mm_types::Timestamp::now(),
        };
        match level {
            LogLevel::Debug => {
                tracing::debug!(target: "mm_host::plugin", plugin = %entry.plugin_id, "{entry}")
            }
            LogLevel::Info => tracing::info!(target: "mm_host::plugin", plugin = %entry.plugin_id, "{entry}"),
            LogLevel::Warn => tracing::warn!(target: "mm_host::plugin", plugin = %entry.plugin_id, "{entry}"),
            LogLevel::Error => {
                tracing::error!(target: "mm_host::plugin", plugin = %entry.plugin_id, "{entry}")
            }
        }
        self.with(|s| s.logs.push(entry));
    }

    /// Records something the plugin sent out (an event, a mail, a dialog).
    fn record(&self, kind: OutboundKind, payload: Value) {
        self.with(|s| s.record(&self.plugin_id, kind, payload));
    }

    /// The server configuration as JSON, sanitized or not.
    fn config_json(&self, sanitized: bool) -> Bytes {
        let config = self.host.store().config();
        let config = if sanitized { sanitize_config(&config) } else { config };
        Bytes::from(serde_json::to_vec(&config).unwrap_or_default())
    }
}

fn id<M>(value: String) -> Id<M> {
    Id::from_raw(value)
}

fn ids<M>(values: Vec<String>) -> Vec<Id<M>> {
    values.into_iter().map(Id::from_raw).collect()
}

fn opt_id<M>(value: String) -> Option<Id<M>> {
    (!value.is_empty()).then(|| Id::from_raw(value))
}

fn wires<D: Into<W>, W>(items: Vec<D>) -> Vec<W> {
    items.into_iter().map(Into::into).collect()
}

fn json_error(e: impl std::fmt::Display) -> AppError {
    errors::bad_request("api.marshal_error", format!("Invalid JSON: {e}"))
}
