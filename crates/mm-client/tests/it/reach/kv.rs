//! Reach entries: the KV store.

use std::time::Duration;

use bytes::Bytes;
use mm_types::{KvSetOptions, Page, wire};

use super::Reach;

pub async fn run(r: &mut Reach) {
    let c = r.client.clone();
    let kv = c.kv();
    r.check(
        "KVSet",
        kv.set("k-set", "v1"),
        wire::KvSetRequest { key: "k-set".into(), value: Bytes::from("v1") },
    )
    .await;
    r.check(
        "KVCompareAndSet",
        kv.compare_and_set("k-cas", Some(b"old"), "new"),
        wire::KvCompareAndSetRequest {
            key: "k-cas".into(),
            old_value: Bytes::from("old"),
            new_value: Bytes::from("new"),
        },
    )
    .await;
    r.check(
        "KVCompareAndDelete",
        kv.compare_and_delete("k-cad", "gone"),
        wire::KvCompareAndDeleteRequest { key: "k-cad".into(), old_value: Bytes::from("gone") },
    )
    .await;
    r.check(
        "KVSetWithOptions",
        kv.set_with_options(
            "k-opt",
            "v2",
            KvSetOptions::new().if_value("v0").expire_in(Duration::from_secs(90)),
        ),
        wire::KvSetWithOptionsRequest {
            key: "k-opt".into(),
            value: Bytes::from("v2"),
            options: Some(wire::PluginKvSetOptions {
                atomic: true,
                old_value: Bytes::from("v0"),
                expire_in_seconds: 90,
            }),
        },
    )
    .await;
    r.check(
        "KVSetWithExpiry",
        kv.set_with_expiry("k-exp", "v3", Duration::from_secs(3600)),
        wire::KvSetWithExpiryRequest {
            key: "k-exp".into(),
            value: Bytes::from("v3"),
            expire_in_seconds: 3600,
        },
    )
    .await;
    r.check("KVGet", kv.get("k-get"), wire::KvGetRequest { key: "k-get".into() }).await;
    r.check("KVDelete", kv.delete("k-del"), wire::KvDeleteRequest { key: "k-del".into() }).await;
    r.check("KVDeleteAll", kv.delete_all(), wire::KvDeleteAllRequest {}).await;
    r.check("KVList", kv.list(Page::new(5, 50)), wire::KvListRequest { page: 5, per_page: 50 }).await;
}
