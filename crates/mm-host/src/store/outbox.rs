//! What plugins send out of the host: log lines, audit records, WebSocket events, cluster
//! events, e-mails, push notifications, dialogs. The host keeps them so tests and tools can see
//! them (there is no client, cluster or mail server to deliver them to).

use std::fmt;

use mm_types::Timestamp;
use serde_json::Value;

use super::{State, Store};

/// The level of a plugin's log line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
pub enum LogLevel {
    /// `LogDebug`.
    Debug,
    /// `LogInfo`.
    Info,
    /// `LogWarn`.
    Warn,
    /// `LogError`.
    Error,
}

impl fmt::Display for LogLevel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // `pad` so that widths (`{:<5}`) line levels up.
        f.pad(match self {
            LogLevel::Debug => "debug",
            LogLevel::Info => "info",
            LogLevel::Warn => "warn",
            LogLevel::Error => "error",
        })
    }
}

/// A log line a plugin sent with `LogDebug`/`LogInfo`/`LogWarn`/`LogError`.
#[derive(Debug, Clone, PartialEq)]
pub struct LogEntry {
    /// The plugin that logged it.
    pub plugin_id: String,
    /// The level.
    pub level: LogLevel,
    /// The message.
    pub message: String,
    /// The key-value pairs, in order.
    pub fields: Vec<(String, Value)>,
    /// When the host received it.
    pub time: Timestamp,
}

impl LogEntry {
    /// The message followed by the fields: `message key="text" n=3`.
    pub fn text(&self) -> String {
        let mut text = self.message.clone();
        for (key, value) in &self.fields {
            match value {
                Value::String(s) => text.push_str(&format!(" {key}={s:?}")),
                other => text.push_str(&format!(" {key}={other}")),
            }
        }
        text
    }
}

impl fmt::Display for LogEntry {
    /// `[plugin-id] level message key=value ...`
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "[{}] {:<5} {}", self.plugin_id, self.level, self.text())
    }
}

/// Something a plugin sent that leaves the server, as the host recorded it.
#[derive(Debug, Clone, PartialEq)]
pub struct Outbound {
    /// The plugin that sent it.
    pub plugin_id: String,
    /// What it is.
    pub kind: OutboundKind,
    /// Its content, as JSON (the request's fields).
    pub payload: Value,
    /// When the host received it.
    pub time: Timestamp,
}

/// The kinds of [`Outbound`] messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum OutboundKind {
    /// `PublishWebSocketEvent`.
    WebSocketEvent,
    /// `PublishUserTyping`.
    UserTyping,
    /// `PublishPluginClusterEvent` (a single-node host delivers it to no other node).
    ClusterEvent,
    /// `RegisterCollectionAndTopic`.
    CollectionAndTopic,
    /// `SendMail`.
    Mail,
    /// `SendPushNotification`.
    PushNotification,
    /// `OpenInteractiveDialog`.
    InteractiveDialog,
    /// `LogAuditRec` / `LogAuditRecWithLevel`.
    AuditRecord,
}

impl State {
    pub(crate) fn record(&mut self, plugin_id: &str, kind: OutboundKind, payload: Value) {
        let time = Timestamp::now();
        self.outbox.push(Outbound { plugin_id: plugin_id.to_string(), kind, payload, time });
    }
}

impl Store {
    /// Every log line plugins sent, oldest first.
    pub fn logs(&self) -> Vec<LogEntry> {
        self.lock().logs.clone()
    }

    /// Everything plugins sent out (WebSocket events, e-mails, dialogs...), oldest first.
    pub fn outbox(&self) -> Vec<Outbound> {
        self.lock().outbox.clone()
    }
}
