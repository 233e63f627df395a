//! Server log and audit records.

use mattermost_plugin::serde_json::{Value, json};
use mattermost_plugin::types::{AuditRecord, KeyValuePair, Timestamp};

use super::{Entry, Vals, e, unit};
use crate::report::j;

/// The key/value pairs: as strings, since the Go client sends every value as its `%+v` text.
fn pairs(v: Vals) -> (Vec<KeyValuePair>, Value) {
    let pairs = vec![
        KeyValuePair::new(format!("key_{}", v.text("k")), v.text("value")),
        KeyValuePair::new("count", v.number(1).to_string()),
    ];
    let flat: Vec<Value> =
        pairs.iter().flat_map(|p| [j(&p.key), p.value.clone().unwrap_or_default()]).collect();
    (pairs, Value::Array(flat))
}

fn record(v: Vals) -> AuditRecord {
    AuditRecord {
        create_at: Timestamp::from_millis(1_700_000_000_000),
        client: v.text("client"),
        ip_address: "192.0.2.7".into(),
        session_id: Some(v.id(2)),
        ..AuditRecord::new(v.text("event")).by_user(v.id(1)).with_meta("rows", 42).success()
    }
}

/// `*model.AuditRecord` in Go's JSON: the actor nested, `event_name` for the event.
fn go_record(r: &AuditRecord) -> Value {
    json!({
        "event_name": r.event,
        "status": r.status,
        "actor": {"user_id": r.user_id, "session_id": r.session_id, "client": r.client, "ip_address": r.ip_address},
        "meta": r.meta,
    })
}

pub(super) fn entries() -> Vec<Entry> {
    vec![
        e("LogDebug", |c, v| {
            let (pairs, reported) = pairs(v);
            unit(vec![j(&v.text("msg")), reported], c.log().debug(&v.text("msg"), pairs))
        }),
        e("LogInfo", |c, v| {
            let (pairs, reported) = pairs(v);
            unit(vec![j(&v.text("msg")), reported], c.log().info(&v.text("msg"), pairs))
        }),
        e("LogWarn", |c, v| {
            let (pairs, reported) = pairs(v);
            unit(vec![j(&v.text("msg")), reported], c.log().warn(&v.text("msg"), pairs))
        }),
        e("LogError", |c, v| {
            let (pairs, reported) = pairs(v);
            unit(vec![j(&v.text("msg")), reported], c.log().error(&v.text("msg"), pairs))
        }),
        e("LogAuditRec", |c, v| unit(vec![go_record(&record(v))], c.log().audit(record(v)))),
        e("LogAuditRecWithLevel", |c, v| {
            // mlog.Level in Go's JSON; the SDK sends the level's name.
            let reported = vec![go_record(&record(v)), json!({"name": "audit-api"})];
            unit(reported, c.log().audit_with_level(record(v), "audit-api"))
        }),
    ]
}
