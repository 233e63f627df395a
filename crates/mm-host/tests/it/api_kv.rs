//! The KV store through the PluginAPI, every option.

use crate::support;

use bytes::Bytes;
use mm_proto::v1 as wire;
use mm_proto::v1::plugin_api_client::PluginApiClient;
use tonic::transport::Channel;

type Api = PluginApiClient<Channel>;

async fn set(api: &mut Api, key: &str, value: &str) {
    let r = api
        .kv_set(wire::KvSetRequest { key: key.into(), value: Bytes::from(value.to_string()) })
        .await
        .unwrap();
    assert!(r.get_ref().error.is_none(), "{:?}", r.get_ref().error);
}

async fn get(api: &mut Api, key: &str) -> Option<String> {
    let r = api.kv_get(wire::KvGetRequest { key: key.into() }).await.unwrap().into_inner();
    assert!(r.error.is_none());
    (!r.value.is_empty()).then(|| String::from_utf8(r.value.to_vec()).unwrap())
}

async fn set_with(
    api: &mut Api,
    key: &str,
    value: &str,
    options: wire::PluginKvSetOptions,
) -> wire::KvSetWithOptionsResponse {
    api.kv_set_with_options(wire::KvSetWithOptionsRequest {
        key: key.into(),
        value: Bytes::from(value.to_string()),
        options: Some(options),
    })
    .await
    .unwrap()
    .into_inner()
}

async fn list(api: &mut Api, page: i32, per_page: i32) -> Vec<String> {
    api.kv_list(wire::KvListRequest { page, per_page }).await.unwrap().into_inner().keys
}

#[tokio::test]
async fn set_get_delete_and_empty_value_deletes() {
    let (host, mut api) = support::host_and_api("com.example.kv").await;
    assert_eq!(get(&mut api, "missing").await, None);
    set(&mut api, "a", "1").await;
    assert_eq!(get(&mut api, "a").await.as_deref(), Some("1"));
    set(&mut api, "a", "2").await;
    assert_eq!(get(&mut api, "a").await.as_deref(), Some("2"));
    // Go's nil value is an empty value on the wire: it deletes.
    set(&mut api, "a", "").await;
    assert_eq!(get(&mut api, "a").await, None);
    set(&mut api, "b", "x").await;
    api.kv_delete(wire::KvDeleteRequest { key: "b".into() }).await.unwrap();
    assert_eq!(get(&mut api, "b").await, None);
    // Deleting a missing key is fine.
    let r = api.kv_delete(wire::KvDeleteRequest { key: "never".into() }).await.unwrap().into_inner();
    assert!(r.error.is_none());
    host.shutdown();
}

#[tokio::test]
async fn each_plugin_has_its_own_store() {
    let (host, mut first) = support::host_and_api("com.example.one").await;
    let mut second = support::api_client(&host, "com.example.two").await;
    set(&mut first, "shared-name", "one").await;
    assert_eq!(get(&mut second, "shared-name").await, None);
    assert_eq!(host.store().kv_get("com.example.one", "shared-name").unwrap(), "one");
    host.shutdown();
}

#[tokio::test]
async fn atomic_sets_compare_and_empty_old_value_means_absent() {
    let (host, mut api) = support::host_and_api("com.example.cas").await;
    let if_absent = wire::PluginKvSetOptions { atomic: true, old_value: Bytes::new(), expire_in_seconds: 0 };
    assert!(set_with(&mut api, "k", "first", if_absent.clone()).await.success);
    assert!(!set_with(&mut api, "k", "second", if_absent).await.success, "the key exists now");
    assert_eq!(get(&mut api, "k").await.as_deref(), Some("first"));

    let if_first =
        wire::PluginKvSetOptions { atomic: true, old_value: Bytes::from("first"), expire_in_seconds: 0 };
    assert!(set_with(&mut api, "k", "second", if_first.clone()).await.success);
    assert!(!set_with(&mut api, "k", "third", if_first).await.success, "the value changed");

    let cas = |old: &str, new: &str| wire::KvCompareAndSetRequest {
        key: "k".into(),
        old_value: Bytes::from(old.to_string()),
        new_value: Bytes::from(new.to_string()),
    };
    assert!(!api.kv_compare_and_set(cas("nope", "x")).await.unwrap().into_inner().success);
    assert!(api.kv_compare_and_set(cas("second", "third")).await.unwrap().into_inner().success);
    assert_eq!(get(&mut api, "k").await.as_deref(), Some("third"));
    // Compare-and-set with an empty old value creates only when absent.
    assert!(!api.kv_compare_and_set(cas("", "x")).await.unwrap().into_inner().success);
    let fresh = wire::KvCompareAndSetRequest {
        key: "fresh".into(),
        old_value: Bytes::new(),
        new_value: Bytes::from("v"),
    };
    assert!(api.kv_compare_and_set(fresh).await.unwrap().into_inner().success);

    // An atomic set with an empty new value is a compare-and-delete.
    let delete_if_third =
        wire::PluginKvSetOptions { atomic: true, old_value: Bytes::from("third"), expire_in_seconds: 0 };
    assert!(set_with(&mut api, "k", "", delete_if_third).await.success);
    assert_eq!(get(&mut api, "k").await, None);
    host.shutdown();
}

#[tokio::test]
async fn old_value_without_atomic_is_refused() {
    let (host, mut api) = support::host_and_api("com.example.invalid").await;
    let bad = wire::PluginKvSetOptions { atomic: false, old_value: Bytes::from("x"), expire_in_seconds: 0 };
    let answer = set_with(&mut api, "k", "v", bad).await;
    let error = answer.error.expect("an AppError in the response");
    assert_eq!(error.id, "model.plugin_kvset_options.is_valid.old_value.app_error");
    assert_eq!(error.status_code, 400);
    assert!(!answer.success);

    let long_key = "k".repeat(151);
    let r =
        api.kv_set(wire::KvSetRequest { key: long_key, value: Bytes::from("v") }).await.unwrap().into_inner();
    assert_eq!(r.error.unwrap().id, "model.plugin_key_value.is_valid.key.app_error");
    host.shutdown();
}

#[tokio::test]
async fn compare_and_delete_checks_the_value() {
    let (host, mut api) = support::host_and_api("com.example.cad").await;
    set(&mut api, "k", "v1").await;
    let cad = |old: &str| wire::KvCompareAndDeleteRequest {
        key: "k".into(),
        old_value: Bytes::from(old.to_string()),
    };
    assert!(!api.kv_compare_and_delete(cad("v2")).await.unwrap().into_inner().success);
    assert_eq!(get(&mut api, "k").await.as_deref(), Some("v1"));
    assert!(api.kv_compare_and_delete(cad("v1")).await.unwrap().into_inner().success);
    assert_eq!(get(&mut api, "k").await, None);
    assert!(!api.kv_compare_and_delete(cad("v1")).await.unwrap().into_inner().success, "already gone");
    host.shutdown();
}

#[tokio::test]
async fn expired_values_disappear_from_get_and_list() {
    let (host, mut api) = support::host_and_api("com.example.expiry").await;
    set(&mut api, "stays", "v").await;
    let r = api
        .kv_set_with_expiry(wire::KvSetWithExpiryRequest {
            key: "later".into(),
            value: Bytes::from("v"),
            expire_in_seconds: 3600,
        })
        .await
        .unwrap()
        .into_inner();
    assert!(r.error.is_none());
    let entries = host.store().kv_entries("com.example.expiry");
    let later = entries.iter().find(|(k, _)| k == "later").unwrap();
    let expires = later.1.expire_at.expect("an expiry").as_millis() - mm_types::Timestamp::now().as_millis();
    assert!((3_500_000..=3_600_000).contains(&expires), "expires in {expires} ms");

    // A 1-second expiry, observed after it passed.
    let options = wire::PluginKvSetOptions { atomic: false, old_value: Bytes::new(), expire_in_seconds: 1 };
    assert!(set_with(&mut api, "soon", "v", options).await.success);
    assert_eq!(get(&mut api, "soon").await.as_deref(), Some("v"));
    let mut expired = false;
    for _ in 0..50 {
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
        if get(&mut api, "soon").await.is_none() {
            expired = true;
            break;
        }
    }
    assert!(expired, "a 1 s expiry ends");
    assert_eq!(list(&mut api, 0, 10).await, ["later", "stays"]);
    // An expired key counts as absent for an atomic "only if absent" set.
    let if_absent = wire::PluginKvSetOptions { atomic: true, old_value: Bytes::new(), expire_in_seconds: 0 };
    assert!(set_with(&mut api, "soon", "again", if_absent).await.success);
    host.shutdown();
}

#[tokio::test]
async fn list_pages_sorted_keys_and_delete_all_empties_the_store() {
    let (host, mut api) = support::host_and_api("com.example.list").await;
    for key in ["e", "b", "d", "a", "c"] {
        set(&mut api, key, "v").await;
    }
    assert_eq!(list(&mut api, 0, 2).await, ["a", "b"]);
    assert_eq!(list(&mut api, 1, 2).await, ["c", "d"]);
    assert_eq!(list(&mut api, 2, 2).await, ["e"]);
    assert!(list(&mut api, 3, 2).await.is_empty());
    // 0 per page means the default page size (10).
    assert_eq!(list(&mut api, 0, 0).await.len(), 5);
    assert_eq!(list(&mut api, -1, 3).await, ["a", "b", "c"], "a negative page is the first");

    api.kv_delete_all(wire::KvDeleteAllRequest {}).await.unwrap();
    assert!(list(&mut api, 0, 10).await.is_empty());
    host.shutdown();
}
