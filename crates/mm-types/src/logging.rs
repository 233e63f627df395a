//! Structured log fields and audit records.

use mm_proto::v1 as wire;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::enums::string_enum;
use crate::id::{SessionId, UserId};
use crate::json::JsonMap;
use crate::timestamp::Timestamp;
use crate::wire_struct;

/// One field of a structured log line (`LogDebug("msg", "key", value, ...)` in Go).
///
/// ```
/// use mm_types::KeyValuePair;
/// let field = KeyValuePair::new("user_count", 3);
/// assert_eq!(field.value, Some(serde_json::json!(3)));
/// ```
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct KeyValuePair {
    /// The field's name.
    pub key: String,
    /// The field's value: `None` when unset on the wire (absent in JSON), which is not the same
    /// as `Some(Value::Null)`.
    #[serde(skip_serializing_if = "Option::is_none", deserialize_with = "crate::json::present_value")]
    pub value: Option<Value>,
}

impl KeyValuePair {
    /// A field `key` holding `value`.
    pub fn new(key: impl Into<String>, value: impl Into<Value>) -> Self {
        KeyValuePair { key: key.into(), value: Some(value.into()) }
    }
}

wire_struct! {
    KeyValuePair <=> wire::KeyValuePair { key, value }
}

string_enum! {
    /// The outcome of an audited action.
    pub enum AuditStatus {
        /// The action was attempted; its outcome is not known yet.
        Attempt = "attempt",
        /// The action succeeded.
        Success = "success",
        /// The action failed.
        Fail = "fail",
    }
    default = Attempt;
}

/// An audit record a plugin writes to the server's audit log (`LogAuditRec`).
///
/// ```
/// use mm_types::{AuditRecord, AuditStatus, UserId};
/// let record = AuditRecord::new("exportData")
///     .by_user(UserId::parse("8ds6pkzokfbf3r1ihxzrpiuxye").unwrap())
///     .with_meta("format", "csv")
///     .success();
/// assert_eq!(record.status, AuditStatus::Success);
/// ```
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct AuditRecord {
    /// The record's id, if any.
    pub id: String,
    /// When the action happened.
    pub create_at: Timestamp,
    /// The audit level (`debug`, `info`, `warn`, `error`...).
    pub level: String,
    /// The API path of the action, if it came through the API.
    pub api_path: String,
    /// The event's name.
    pub event: String,
    /// The outcome.
    pub status: AuditStatus,
    /// Who acted, if a user did.
    #[serde(with = "crate::id::empty_as_none")]
    pub user_id: Option<UserId>,
    /// The session they acted in.
    #[serde(with = "crate::id::empty_as_none")]
    pub session_id: Option<SessionId>,
    /// Their client (user agent).
    pub client: String,
    /// Their IP address.
    pub ip_address: String,
    /// Details of the action.
    pub meta: Option<JsonMap>,
}

impl AuditRecord {
    /// A record of the event `event`, attempted now.
    pub fn new(event: impl Into<String>) -> Self {
        AuditRecord { event: event.into(), create_at: Timestamp::now(), ..Default::default() }
    }

    /// Sets who acted.
    pub fn by_user(mut self, user_id: UserId) -> Self {
        self.user_id = Some(user_id);
        self
    }

    /// Adds a detail.
    pub fn with_meta(mut self, key: impl Into<String>, value: impl Into<Value>) -> Self {
        self.meta.get_or_insert_with(JsonMap::new).insert(key.into(), value.into());
        self
    }

    /// Marks the action as successful.
    pub fn success(mut self) -> Self {
        self.status = AuditStatus::Success;
        self
    }

    /// Marks the action as failed.
    pub fn fail(mut self) -> Self {
        self.status = AuditStatus::Fail;
        self
    }
}

wire_struct! {
    AuditRecord <=> wire::AuditRecord {
        id, create_at, level, api_path, event, status, user_id, session_id, client, ip_address, meta,
    }
}
