//! Typed KV helpers over an in-memory KV server with the real semantics.

#![allow(unreachable_pub, missing_docs)]

use crate::support;

use std::time::Duration;

use mm_client::Client;
use serde::{Deserialize, Serialize};
use support::ApiServer;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
struct Settings {
    greeting: String,
    count: u64,
}

async fn setup() -> (ApiServer, support::kv::KvStore, Client) {
    let server = ApiServer::start().await;
    let store = support::kv::install(&server);
    let client = Client::connect(&server.target()).await.unwrap();
    (server, store, client)
}

#[tokio::test]
async fn values_round_trip_as_json() {
    let (_server, store, client) = setup().await;
    let kv = client.kv();
    let settings = Settings { greeting: "hi".into(), count: 3 };
    kv.json().set("settings", &settings).await.unwrap();
    assert_eq!(store.get("settings").unwrap(), serde_json::to_vec(&settings).unwrap());
    assert_eq!(kv.json().get::<Settings>("settings").await.unwrap(), Some(settings));
    assert_eq!(kv.json().get::<Settings>("absent").await.unwrap(), None);

    store.put("bad", "not json");
    let err = kv.json().get::<Settings>("bad").await.unwrap_err();
    assert_eq!(err.kind(), mm_client::ErrorKind::MalformedResponse);
    assert!(err.to_string().contains("\"bad\""), "{err}");

    kv.json().delete("settings").await.unwrap();
    assert_eq!(kv.json().get::<Settings>("settings").await.unwrap(), None);
}

#[tokio::test]
async fn compare_and_set_only_replaces_the_expected_value() {
    let (_server, _store, client) = setup().await;
    let kv = client.kv().json();
    assert!(kv.compare_and_set("n", None, &1u32).await.unwrap(), "set when absent");
    assert!(!kv.compare_and_set("n", None, &2u32).await.unwrap(), "not when present");
    assert!(!kv.compare_and_set("n", Some(&5u32), &2u32).await.unwrap(), "not when different");
    assert!(kv.compare_and_set("n", Some(&1u32), &2u32).await.unwrap());
    assert_eq!(kv.get::<u32>("n").await.unwrap(), Some(2));
}

#[tokio::test]
async fn set_with_expiry_expires() {
    let (_server, store, client) = setup().await;
    client.kv().json().set_with_expiry("short", &"lived", Duration::from_secs(1)).await.unwrap();
    assert_eq!(client.kv().json().get::<String>("short").await.unwrap().as_deref(), Some("lived"));
    tokio::time::sleep(Duration::from_millis(1100)).await;
    assert_eq!(client.kv().json().get::<String>("short").await.unwrap(), None);
    assert_eq!(store.len(), 0);
}

#[tokio::test]
async fn list_keys_reads_every_page_and_filters_by_prefix() {
    let (server, store, client) = setup().await;
    for i in 0..1203 {
        store.put(&format!("user:{i:05}"), "1");
    }
    store.put("other", "1");
    let keys = client.kv().json().list_keys("user:").await.unwrap();
    assert_eq!(keys.len(), 1203);
    assert!(keys.iter().all(|k| k.starts_with("user:")));
    assert_eq!(client.kv().json().list_keys("").await.unwrap().len(), 1204);
    assert!(server.calls("KVList").len() >= 3, "several pages were read");
}

#[tokio::test]
async fn modify_is_atomic_with_two_clients_contending() {
    let (server, _store, first) = setup().await;
    let second = Client::connect(&server.target()).await.unwrap();
    let mut tasks = Vec::new();
    for (i, client) in [first.clone(), second.clone(), first.clone(), second.clone()].into_iter().enumerate()
    {
        tasks.push(tokio::spawn(async move {
            for _ in 0..25 {
                client
                    .kv()
                    .json()
                    .modify("counter", move |old: Option<Settings>| {
                        let mut s = old.unwrap_or_default();
                        s.count += 1;
                        s.greeting = format!("last writer {i}");
                        Some(s)
                    })
                    .await
                    .unwrap();
            }
        }));
    }
    for task in tasks {
        task.await.unwrap();
    }
    let total = first.kv().json().get::<Settings>("counter").await.unwrap().unwrap();
    assert_eq!(total.count, 100, "no increment was lost");
    // Deleting through modify.
    let gone = second.kv().json().modify("counter", |_: Option<Settings>| None).await.unwrap();
    assert_eq!(gone, None);
    assert_eq!(first.kv().json().get::<Settings>("counter").await.unwrap(), None);
}
