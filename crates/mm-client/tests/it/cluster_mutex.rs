//! The cluster mutex with two clients (two plugin instances) contending, over an in-memory
//! KV server with the real atomic semantics and expiry.

#![allow(unreachable_pub, missing_docs)]

use crate::support;

use std::time::Duration;

use mm_client::{Client, ErrorKind};
use support::ApiServer;

async fn two_instances() -> (ApiServer, support::kv::KvStore, Client, Client) {
    let server = ApiServer::start().await;
    let store = support::kv::install(&server);
    let a = Client::connect(&server.target()).await.unwrap();
    let b = Client::connect(&server.target()).await.unwrap();
    (server, store, a, b)
}

#[tokio::test]
async fn only_one_instance_holds_the_lock() {
    let (_server, store, a, b) = two_instances().await;
    let guard = a.cluster_mutex("job").try_lock().await.unwrap().expect("free lock is taken");
    assert!(store.get("mutex_job").is_some());
    assert!(b.cluster_mutex("job").try_lock().await.unwrap().is_none(), "held by the other instance");

    let err = b.cluster_mutex("job").lock_timeout(Duration::from_millis(300)).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Timeout);
    assert!(err.to_string().contains("mutex_job"), "{err}");

    guard.unlock().await.unwrap();
    assert!(store.get("mutex_job").is_none(), "unlock deletes the key");
    let again = b.cluster_mutex("job").lock_timeout(Duration::from_secs(5)).await.unwrap();
    assert!(again.is_held());
    again.unlock().await.unwrap();
}

#[tokio::test]
async fn contending_instances_never_overlap() {
    let (_server, _store, a, b) = two_instances().await;
    let mut tasks = Vec::new();
    for (i, client) in [a.clone(), b.clone(), a.clone(), b.clone()].into_iter().enumerate() {
        tasks.push(tokio::spawn(async move {
            for _ in 0..10 {
                let guard = client.cluster_mutex("counter").lock().await.unwrap();
                // A non-atomic read-modify-write: correct only under mutual exclusion.
                let n: u64 = client.kv().json().get("count").await.unwrap().unwrap_or(0);
                tokio::task::yield_now().await;
                client.kv().json().set("count", &(n + 1)).await.unwrap();
                let holders: Vec<usize> =
                    client.kv().json().get("holders").await.unwrap().unwrap_or_default();
                assert!(holders.is_empty(), "task {i} entered while {holders:?} held the lock");
                client.kv().json().set("holders", &vec![i]).await.unwrap();
                client.kv().json().set("holders", &Vec::<usize>::new()).await.unwrap();
                guard.unlock().await.unwrap();
            }
        }));
    }
    for task in tasks {
        task.await.unwrap();
    }
    assert_eq!(a.kv().json().get::<u64>("count").await.unwrap(), Some(40));
}

#[tokio::test]
async fn the_lease_is_refreshed_while_held_and_expires_when_the_holder_is_gone() {
    let (_server, store, a, b) = two_instances().await;
    let guard =
        a.cluster_mutex("lease").with_lease(Duration::from_secs(2)).try_lock().await.unwrap().unwrap();
    // Longer than the lease: only the background refresh keeps the lock alive.
    tokio::time::sleep(Duration::from_millis(3500)).await;
    assert!(guard.is_held());
    assert!(b.cluster_mutex("lease").try_lock().await.unwrap().is_none());
    guard.unlock().await.unwrap();

    // An instance that died while holding the lock (its token, written with a 1 s expiry,
    // is never refreshed): the lock frees itself.
    b.kv()
        .set_with_expiry("mutex_crashed", "token-of-a-dead-instance", Duration::from_secs(1))
        .await
        .unwrap();
    assert!(store.get("mutex_crashed").is_some());
    assert!(a.cluster_mutex("crashed").try_lock().await.unwrap().is_none());
    let guard = a.cluster_mutex("crashed").lock_timeout(Duration::from_secs(10)).await.unwrap();
    guard.unlock().await.unwrap();
}

#[tokio::test]
async fn waiting_can_be_cancelled_and_a_dropped_guard_releases_the_lock() {
    let (_server, store, a, b) = two_instances().await;
    let guard = a.cluster_mutex("cancel").try_lock().await.unwrap().unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let waiting = tokio::spawn(b.cluster_mutex("cancel").lock_until(async {
        let _ = stopped.await;
    }));
    tokio::time::sleep(Duration::from_millis(100)).await;
    stop.send(()).unwrap();
    let err = waiting.await.unwrap().unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Cancelled);

    drop(guard);
    let again = b.cluster_mutex("cancel").lock_timeout(Duration::from_secs(5)).await.unwrap();
    again.unlock().await.unwrap();
    assert!(store.get("mutex_cancel").is_none());
}

#[test]
fn the_blocking_client_has_the_same_mutex() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let server = runtime.block_on(ApiServer::start());
    let _store = support::kv::install(&server);
    let a = mm_client::blocking::Client::connect(&server.target()).unwrap();
    let b = mm_client::blocking::Client::connect(&server.target()).unwrap();
    let guard = a.cluster_mutex("sync").lock().unwrap();
    assert!(b.cluster_mutex("sync").try_lock().unwrap().is_none());
    let waiter = std::thread::spawn(move || b.cluster_mutex("sync").lock_timeout(Duration::from_secs(10)));
    std::thread::sleep(Duration::from_millis(100));
    guard.unlock().unwrap();
    let acquired = waiter.join().unwrap().unwrap();
    acquired.unlock().unwrap();
}
