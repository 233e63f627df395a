//! The HTTP front: REST v4 subset with bearer authentication and Mattermost's error JSON.

use http::Method;
use mm_host::testkit::TestHost;
use mm_types::{Channel, CommandResponse, Post, PostList, Team, User};
use serde_json::json;

#[tokio::test]
async fn ping_needs_no_token_and_other_routes_do() {
    let host = TestHost::start().await.unwrap();
    let ping = host.http(Method::GET, "/api/v4/system/ping").anonymous().send().await.unwrap();
    assert_eq!(ping.status, 200);
    assert_eq!(ping.json::<serde_json::Value>().unwrap(), json!({"status": "OK"}));

    let denied = host.http(Method::GET, "/api/v4/users/me").anonymous().send().await.unwrap();
    assert_eq!(denied.status, 401);
    let error: serde_json::Value = denied.json().unwrap();
    assert_eq!(error["id"], "api.context.session_expired.app_error");
    assert_eq!(error["status_code"], 401);
    let wrong = host.http(Method::GET, "/api/v4/users/me").token("nope").send().await.unwrap();
    assert_eq!(wrong.status, 401);

    let me: User = host.http_get("/api/v4/users/me").await.unwrap().json().unwrap();
    assert_eq!(me.username, "admin");
    assert!(me.password.is_empty());
    let alice_token = host.token_for(&host.alice().id).unwrap();
    let me: User =
        host.http(Method::GET, "/api/v4/users/me").token(alice_token).send().await.unwrap().json().unwrap();
    assert_eq!(me.username, "alice");
}

#[tokio::test]
async fn posts_can_be_created_read_and_listed() {
    let host = TestHost::start().await.unwrap();
    let channel = host.town_square().id.clone();
    let created = host
        .http(Method::POST, "/api/v4/posts")
        .json(&json!({"channel_id": channel, "message": "from curl"}))
        .send()
        .await
        .unwrap();
    assert_eq!(created.status, 201, "{created:?}");
    let post: Post = created.json().unwrap();
    assert_eq!(post.user_id, host.admin().id, "posted as the token's user");

    let read: Post = host.http_get(&format!("/api/v4/posts/{}", post.id)).await.unwrap().json().unwrap();
    assert_eq!(read.message, "from curl");
    let list: PostList =
        host.http_get(&format!("/api/v4/channels/{channel}/posts")).await.unwrap().json().unwrap();
    assert_eq!(list.order, std::slice::from_ref(&post.id));

    let missing = host.http_get(&format!("/api/v4/posts/{}", "a".repeat(26))).await.unwrap();
    assert_eq!(missing.status, 404);
    assert_eq!(missing.json::<serde_json::Value>().unwrap()["id"], "app.post.get.app_error");
    let bad_id = host.http_get("/api/v4/posts/not-an-id").await.unwrap();
    assert_eq!(bad_id.status, 400);
}

#[tokio::test]
async fn commands_users_channels_and_teams() {
    let host = TestHost::start().await.unwrap();
    let channel = host.town_square().id.clone();
    let response = host
        .http(Method::POST, "/api/v4/commands/execute")
        .json(&json!({"channel_id": channel, "command": "/echo over http"}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status, 200, "{response:?}");
    let reply: CommandResponse = response.json().unwrap();
    assert_eq!(reply.text, "over http");
    let unknown = host
        .http(Method::POST, "/api/v4/commands/execute")
        .json(&json!({"channel_id": channel, "command": "/nope"}))
        .send()
        .await
        .unwrap();
    assert_eq!(unknown.status, 404);

    let users: Vec<User> = host.http_get("/api/v4/users?per_page=2").await.unwrap().json().unwrap();
    assert_eq!(users.iter().map(|u| u.username.as_str()).collect::<Vec<_>>(), ["admin", "alice"]);
    let alice: User =
        host.http_get(&format!("/api/v4/users/{}", host.alice().id)).await.unwrap().json().unwrap();
    assert_eq!(alice.username, "alice");

    let team = host.team().id.clone();
    let created = host
        .http(Method::POST, "/api/v4/channels")
        .json(&json!({"team_id": team, "name": "from-rest", "display_name": "From REST", "type": "O"}))
        .send()
        .await
        .unwrap();
    assert_eq!(created.status, 201, "{created:?}");
    let channel: Channel = created.json().unwrap();
    let fetched: Channel =
        host.http_get(&format!("/api/v4/channels/{}", channel.id)).await.unwrap().json().unwrap();
    assert_eq!(fetched.name, "from-rest");
    let joined = host
        .http(Method::POST, &format!("/api/v4/channels/{}/members", channel.id))
        .json(&json!({"user_id": host.bob().id}))
        .send()
        .await
        .unwrap();
    assert_eq!(joined.status, 201, "{joined:?}");
    assert!(host.host().store().is_channel_member(&channel.id, &host.bob().id));
    let all: Vec<Channel> = host.http_get("/api/v4/channels").await.unwrap().json().unwrap();
    assert!(all.iter().any(|c| c.id == channel.id));

    let teams: Vec<Team> = host.http_get("/api/v4/teams").await.unwrap().json().unwrap();
    assert_eq!(teams.iter().map(|t| t.name.as_str()).collect::<Vec<_>>(), ["test"]);
}

#[tokio::test]
async fn unknown_plugins_are_not_found() {
    let host = TestHost::start().await.unwrap();
    let response = host.http_get("/plugins/com.example.nobody/hello").await.unwrap();
    assert_eq!(response.status, 404);
}
