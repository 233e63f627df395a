//! Walking pages over a real server: builders' `.pages()` in both modes and `pages` over a
//! positional method, against a directory of users and the in-memory KV store.

#![allow(unreachable_pub, missing_docs)]

use crate::support;

use bytes::Bytes;
use futures_util::TryStreamExt;
use mm_types::{ChannelId, Page, wire};
use prost::Message;
use support::{ApiServer, respond};

/// Installs a `GetUsers` that serves `total` users (`user-000`, `user-001`, ...) page by page,
/// as the server does: `per_page` of them from `page * per_page`.
fn serve_users(server: &ApiServer, total: usize) {
    server.on(
        "GetUsers",
        respond(move |body| {
            let request =
                wire::GetUsersRequest::decode(body).map_err(|e| tonic::Status::internal(e.to_string()))?;
            let per_page = usize::try_from(request.per_page).unwrap_or(0);
            let start = usize::try_from(request.page).unwrap_or(0).saturating_mul(per_page).min(total);
            let end = start.saturating_add(per_page).min(total);
            let users = (start..end)
                .map(|i| wire::User {
                    id: format!("user-{i:03}"),
                    username: format!("u{i}"),
                    ..Default::default()
                })
                .collect();
            Ok(Bytes::from(wire::GetUsersResponse { error: None, users }.encode_to_vec()))
        }),
    );
}

/// The (page, per_page) of every `GetUsers` the server received, in order.
fn pages_asked(server: &ApiServer) -> Vec<(i32, i32)> {
    server
        .calls("GetUsers")
        .iter()
        .map(|call| {
            let request = wire::GetUsersRequest::decode(call.body.clone()).unwrap();
            (request.page, request.per_page)
        })
        .collect()
}

fn usernames(pages: &[Vec<mm_types::User>]) -> Vec<String> {
    pages.iter().flatten().map(|u| u.username.clone()).collect()
}

#[tokio::test]
async fn async_builder_pages_walk_every_user_then_stop() {
    let server = ApiServer::start().await;
    serve_users(&server, 7);
    let client = mm_client::Client::connect(&server.target()).await.unwrap();

    let mut pages = client.users().list().in_channel(&ChannelId::from_raw("c")).page(Page::first(3)).pages();
    let mut seen = Vec::new();
    while let Some(page) = pages.try_next().await.unwrap() {
        seen.push(page);
    }

    assert_eq!(seen.iter().map(Vec::len).collect::<Vec<_>>(), [3, 3, 1]);
    assert_eq!(usernames(&seen), (0..7).map(|i| format!("u{i}")).collect::<Vec<_>>());
    assert_eq!(pages_asked(&server), [(0, 3), (1, 3), (2, 3)]);
    let filters: Vec<String> = server
        .calls("GetUsers")
        .iter()
        .map(|c| wire::GetUsersRequest::decode(c.body.clone()).unwrap().in_channel_id)
        .collect();
    assert_eq!(filters, ["c", "c", "c"], "every page keeps the builder's filters");
}

#[test]
fn blocking_builder_pages_walk_every_user_then_stop() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let server = runtime.block_on(ApiServer::start());
    serve_users(&server, 8);
    let client = mm_client::blocking::Client::connect(&server.target()).unwrap();

    let seen: Vec<_> = client.users().list().page(Page::new(1, 2)).pages().collect::<Result<_, _>>().unwrap();

    // From page 1 on: users 2..8 in pages of 2, then the empty page that ends the walk.
    assert_eq!(seen.iter().map(Vec::len).collect::<Vec<_>>(), [2, 2, 2, 0]);
    assert_eq!(usernames(&seen), (2..8).map(|i| format!("u{i}")).collect::<Vec<_>>());
    assert_eq!(pages_asked(&server), [(1, 2), (2, 2), (3, 2), (4, 2)]);
}

#[tokio::test]
async fn a_server_error_ends_the_walk_after_it_is_yielded() {
    let server = ApiServer::start().await;
    server.on("GetUsers", support::status(tonic::Code::PermissionDenied, "api.context.permissions: No."));
    let client = mm_client::Client::connect(&server.target()).await.unwrap();

    let mut pages = client.users().list().pages();
    let error = pages.try_next().await.unwrap_err();
    assert!(error.is_permission_denied(), "{error}");
    assert!(pages.try_next().await.unwrap().is_none());
    assert_eq!(server.calls("GetUsers").len(), 1);
}

#[tokio::test]
async fn pages_walks_a_positional_method_over_real_keys() {
    let server = ApiServer::start().await;
    let store = support::kv::install(&server);
    for i in 0..25 {
        store.put(&format!("key-{i:02}"), "1");
    }
    let client = mm_client::Client::connect(&server.target()).await.unwrap();

    let pages: Vec<Vec<String>> =
        mm_client::pages(Page::first(10), |page| client.kv().list(page)).try_collect().await.unwrap();

    assert_eq!(pages.iter().map(Vec::len).collect::<Vec<_>>(), [10, 10, 5]);
    let mut keys: Vec<String> = pages.concat();
    keys.sort();
    assert_eq!(keys, (0..25).map(|i| format!("key-{i:02}")).collect::<Vec<_>>());
    assert_eq!(server.calls("KVList").len(), 3);
}
