//! The plugin's key-value store.

use std::time::Duration;

use mattermost_plugin::types::{KvSetOptions, Page};

use super::{Entry, e, one, unit, with};
use crate::report::{base64, j};

pub(super) fn entries() -> Vec<Entry> {
    vec![
        e("KVSet", |c, v| {
            let value = v.text("value").into_bytes();
            unit(vec![j(&v.text("key")), base64(&value)], c.kv().set(&v.text("key"), value))
        }),
        e("KVCompareAndSet", |c, v| {
            let (old, new) = (v.text("old").into_bytes(), v.text("new").into_bytes());
            let reported = vec![j(&v.text("key")), base64(&old), base64(&new)];
            one(reported, c.kv().compare_and_set(&v.text("key"), Some(&old), new))
        }),
        e("KVCompareAndDelete", |c, v| {
            let old = v.text("old").into_bytes();
            one(vec![j(&v.text("key")), base64(&old)], c.kv().compare_and_delete(&v.text("key"), old))
        }),
        e("KVSetWithOptions", |c, v| {
            let value = v.text("value").into_bytes();
            let options =
                KvSetOptions::new().if_value(v.text("old").into_bytes()).expire_in(Duration::from_secs(90));
            // `model.PluginKVSetOptions` has no json tags: Go's field names.
            let go_options = mattermost_plugin::serde_json::json!({
                "Atomic": options.atomic, "OldValue": base64(&options.old_value), "ExpireInSeconds": options.expire_in_seconds,
            });
            let reported = vec![j(&v.text("key")), base64(&value), go_options];
            one(reported, c.kv().set_with_options(&v.text("key"), value, options))
        }),
        e("KVSetWithExpiry", |c, v| {
            let value = v.text("value").into_bytes();
            let reported = vec![j(&v.text("key")), base64(&value), j(&120)];
            unit(reported, c.kv().set_with_expiry(&v.text("key"), value, Duration::from_secs(120)))
        }),
        e("KVGet", |c, v| {
            with(args![v.text("key")], c.kv().get(&v.text("key")), |value| {
                vec![value.map_or(mattermost_plugin::serde_json::Value::Null, |b| base64(&b))]
            })
        }),
        e("KVDelete", |c, v| unit(args![v.text("key")], c.kv().delete(&v.text("key")))),
        e("KVDeleteAll", |c, _| unit(args![], c.kv().delete_all())),
        e("KVList", |c, _| one(args![2, 50], c.kv().list(Page::new(2, 50)))),
    ]
}
