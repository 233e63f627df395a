//! The HTTP front against the server's rules: how callers authenticate (bearer and token
//! headers, the MMAUTHTOKEN cookie with its CSRF rule, `?access_token=`), what a plugin request
//! keeps of what the client sent, REST permissions, and Mattermost's JSON errors.

use axum::Json;
use axum::body::to_bytes;
use axum::extract::Request;
use http::Method;
use mm_hooks::http::{HttpRequestStream, HttpResponseStream};
use mm_hooks::{Context, HookError, Plugin};
use mm_host::testkit::{HttpResponse, TestHost};
use mm_types::{Channel, ChannelType, CommandResponse, Post, PostList, Team, User};
use serde_json::{Value, json};

// --- A plugin that shows what it received ---------------------------------------------

const ECHO: &str = "com.example.echo";

/// Answers every request with what reached it: method, URI, headers, body, user, session.
struct Echo;

async fn echo(request: Request) -> Json<Value> {
    let (parts, body) = request.into_parts();
    let mut headers = serde_json::Map::new();
    for name in parts.headers.keys() {
        let values: Vec<Value> = parts
            .headers
            .get_all(name)
            .iter()
            .map(|v| Value::from(v.to_str().unwrap_or("<binary>")))
            .collect();
        headers.insert(name.as_str().to_owned(), Value::Array(values));
    }
    let context = parts.extensions.get::<mm_types::PluginContext>().cloned().unwrap_or_default();
    let body = to_bytes(body, usize::MAX).await.unwrap_or_default();
    Json(json!({
        "method": parts.method.as_str(),
        "uri": parts.uri.to_string(),
        "headers": headers,
        "body": String::from_utf8_lossy(&body),
        "session_id": context.session_id.map(|id| id.to_string()),
        "request_id": context.request_id.map(|id| id.to_string()),
    }))
}

#[mm_hooks::plugin]
impl Plugin for Echo {
    async fn serve_http(
        &self,
        _cx: &Context,
        request: HttpRequestStream,
    ) -> Result<HttpResponseStream, HookError> {
        mm_http::serve(axum::Router::new().fallback(echo), request).await
    }
}

async fn host_with_echo() -> TestHost {
    let host = TestHost::start().await.unwrap();
    host.start_plugin(ECHO, Echo).await.unwrap();
    host
}

/// What the plugin received.
fn seen(response: &HttpResponse) -> Value {
    assert_eq!(response.status, 200, "{response:?}");
    response.json().unwrap()
}

fn header<'a>(seen: &'a Value, name: &str) -> Option<&'a str> {
    seen["headers"][name][0].as_str()
}

fn user_id(seen: &Value) -> Option<&str> {
    header(seen, "mattermost-user-id")
}

// --- Plugin requests: what is stripped ------------------------------------------------

#[tokio::test]
async fn a_plugin_request_loses_the_clients_mattermost_plugin_id() {
    let host = host_with_echo().await;
    let got = seen(
        &host
            .http(Method::GET, "/plugins/com.example.echo/x")
            .anonymous()
            .header("Mattermost-Plugin-ID", "com.evil")
            .send()
            .await
            .unwrap(),
    );
    assert_eq!(header(&got, "mattermost-plugin-id"), None, "{got}");
}

#[tokio::test]
async fn a_plugin_request_loses_the_clients_mattermost_user_id() {
    let host = host_with_echo().await;
    let forged = host.bob().id.to_string();
    let got = seen(
        &host
            .http(Method::GET, "/plugins/com.example.echo/x")
            .anonymous()
            .header("Mattermost-User-Id", &forged)
            .send()
            .await
            .unwrap(),
    );
    assert_eq!(user_id(&got), None, "an anonymous request names no user: {got}");
    // With a session, the header names the session's user, whatever the client sent.
    let got = seen(
        &host
            .http(Method::GET, "/plugins/com.example.echo/x")
            .header("Mattermost-User-Id", &forged)
            .send()
            .await
            .unwrap(),
    );
    assert_eq!(user_id(&got), Some(host.admin().id.as_str()), "{got}");
    assert_eq!(got["headers"]["mattermost-user-id"].as_array().map(Vec::len), Some(1));
}

#[tokio::test]
async fn a_plugin_request_loses_the_referer() {
    let host = host_with_echo().await;
    let got = seen(
        &host
            .http(Method::GET, "/plugins/com.example.echo/x")
            .anonymous()
            .header("Referer", "https://elsewhere.example/page")
            .send()
            .await
            .unwrap(),
    );
    assert_eq!(header(&got, "referer"), None, "{got}");
}

#[tokio::test]
async fn a_plugin_request_loses_the_session_cookie_and_keeps_the_others() {
    let host = host_with_echo().await;
    let login = host.login(&host.alice().id).unwrap();
    let cookie = format!("theme=dark; MMAUTHTOKEN={}; MMUSERID={}", login.token, host.alice().id);
    let got = seen(
        &host
            .http(Method::GET, "/plugins/com.example.echo/x")
            .anonymous()
            .header("Cookie", &cookie)
            .send()
            .await
            .unwrap(),
    );
    assert_eq!(
        header(&got, "cookie"),
        Some(format!("theme=dark; MMUSERID={}", host.alice().id).as_str()),
        "{got}"
    );
    assert!(!got.to_string().contains(&login.token), "the token never reaches the plugin: {got}");
    assert_eq!(user_id(&got), Some(host.alice().id.as_str()), "the cookie authenticated the GET");
}

#[tokio::test]
async fn a_plugin_request_loses_access_token_and_its_query_is_rewritten_like_go() {
    let host = host_with_echo().await;
    let login = host.login(&host.bob().id).unwrap();
    let path = format!("/plugins/com.example.echo/items?z=1&access_token={}&a=b+c&flag", login.token);
    let got = seen(&host.http(Method::GET, &path).anonymous().send().await.unwrap());
    assert_eq!(
        got["uri"], "/items?a=b+c&flag=&z=1",
        "sorted and re-escaped as Go's url.Values.Encode: {got}"
    );
    assert!(!got.to_string().contains(&login.token), "{got}");
    assert_eq!(user_id(&got), Some(host.bob().id.as_str()), "?access_token= authenticates plugin requests");
    // Without a query left, no `?`.
    let got = seen(
        &host
            .http(Method::GET, &format!("/plugins/com.example.echo/items?access_token={}", login.token))
            .anonymous()
            .send()
            .await
            .unwrap(),
    );
    assert_eq!(got["uri"], "/items");
}

// --- Plugin requests: who is calling --------------------------------------------------

#[tokio::test]
async fn a_bearer_or_token_header_authenticates_a_plugin_request_and_is_not_forwarded() {
    let host = host_with_echo().await;
    let login = host.login(&host.alice().id).unwrap();
    for scheme in ["Bearer", "bearer", "Token", "TOKEN"] {
        let got = seen(
            &host
                .http(Method::POST, "/plugins/com.example.echo/x")
                .anonymous()
                .header("Authorization", &format!("{scheme} {}", login.token))
                .send()
                .await
                .unwrap(),
        );
        assert_eq!(user_id(&got), Some(host.alice().id.as_str()), "{scheme}: {got}");
        assert_eq!(header(&got, "authorization"), None, "{scheme}: {got}");
        assert!(got["session_id"].is_string(), "the plugin context names the session: {got}");
    }
}

#[tokio::test]
async fn an_invalid_token_leaves_a_plugin_request_anonymous_with_its_authorization_header() {
    let host = host_with_echo().await;
    let got = seen(
        &host
            .http(Method::GET, "/plugins/com.example.echo/x")
            .anonymous()
            .header("Authorization", "Bearer plugin-own-secret")
            .send()
            .await
            .unwrap(),
    );
    assert_eq!(user_id(&got), None, "{got}");
    assert_eq!(
        header(&got, "authorization"),
        Some("Bearer plugin-own-secret"),
        "the plugin may use its own scheme"
    );
    assert_eq!(got["session_id"], Value::Null);
}

#[tokio::test]
async fn a_cookie_authenticated_plugin_post_needs_the_csrf_token_or_xmlhttprequest() {
    let host = host_with_echo().await;
    let login = host.login(&host.alice().id).unwrap();
    let cookie = format!("MMAUTHTOKEN={}", login.token);
    let post =
        || host.http(Method::POST, "/plugins/com.example.echo/x").anonymous().header("Cookie", &cookie);

    let got = seen(&post().body("payload").send().await.unwrap());
    assert_eq!(user_id(&got), None, "no CSRF token: anonymous: {got}");
    assert_eq!(got["body"], "payload");

    let got = seen(&post().header("X-CSRF-Token", "wrong").send().await.unwrap());
    assert_eq!(user_id(&got), None, "{got}");

    let got = seen(&post().header("X-CSRF-Token", &login.csrf).send().await.unwrap());
    assert_eq!(user_id(&got), Some(host.alice().id.as_str()), "{got}");

    let got = seen(&post().header("X-Requested-With", "XMLHttpRequest").send().await.unwrap());
    assert_eq!(user_id(&got), Some(host.alice().id.as_str()), "{got}");

    // A form field works too, and the plugin still gets the whole body.
    let form = format!("name=x&csrf={}", login.csrf);
    let got = seen(
        &post()
            .header("Content-Type", "application/x-www-form-urlencoded")
            .body(form.clone())
            .send()
            .await
            .unwrap(),
    );
    assert_eq!(user_id(&got), Some(host.alice().id.as_str()), "{got}");
    assert_eq!(got["body"], form);

    // GET needs no CSRF token.
    let got = seen(
        &host
            .http(Method::GET, "/plugins/com.example.echo/x")
            .anonymous()
            .header("Cookie", &cookie)
            .send()
            .await
            .unwrap(),
    );
    assert_eq!(user_id(&got), Some(host.alice().id.as_str()));
}

#[tokio::test]
async fn a_plugin_that_is_not_running_answers_like_the_servers_router() {
    let host = TestHost::start().await.unwrap();
    let response = host.http_get("/plugins/com.example.nobody/hello").await.unwrap();
    assert_eq!(response.status, 404);
    assert_eq!(response.text(), "404 page not found\n");
    assert_eq!(response.header("content-type"), Some("text/plain; charset=utf-8"));
    assert_eq!(response.header("x-content-type-options"), Some("nosniff"));
}

// --- REST authentication ----------------------------------------------------------------

#[tokio::test]
async fn rest_accepts_bearer_and_token_headers_and_refuses_unknown_tokens() {
    let host = TestHost::start().await.unwrap();
    let login = host.login(&host.alice().id).unwrap();
    for scheme in ["Bearer", "BEARER", "Token", "token"] {
        let me = host
            .http(Method::GET, "/api/v4/users/me")
            .anonymous()
            .header("Authorization", &format!("{scheme} {}", login.token))
            .send()
            .await
            .unwrap();
        assert_eq!(me.json::<User>().unwrap().username, "alice", "{scheme}: {me:?}");
    }
    let denied = host.http(Method::GET, "/api/v4/users/me").token("nope").send().await.unwrap();
    assert_error(&denied, 401, "api.context.session_expired.app_error");
    let anonymous = host.http(Method::GET, "/api/v4/users/me").anonymous().send().await.unwrap();
    assert_error(&anonymous, 401, "api.context.session_expired.app_error");
}

#[tokio::test]
async fn rest_accepts_the_session_cookie_and_needs_csrf_for_other_methods_than_get() {
    let host = TestHost::start().await.unwrap();
    let login = host.login(&host.alice().id).unwrap();
    let cookie = format!("MMAUTHTOKEN={}", login.token);
    let me = host
        .http(Method::GET, "/api/v4/users/me")
        .anonymous()
        .header("Cookie", &cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(me.json::<User>().unwrap().username, "alice");

    let body = json!({"channel_id": host.town_square().id, "message": "from a browser"});
    let post = || host.http(Method::POST, "/api/v4/posts").anonymous().header("Cookie", &cookie).json(&body);
    assert_error(&post().send().await.unwrap(), 401, "api.context.session_expired.app_error");
    assert_error(
        &post().header("X-CSRF-Token", "wrong").send().await.unwrap(),
        401,
        "api.context.session_expired.app_error",
    );
    assert_eq!(post().header("X-CSRF-Token", &login.csrf).send().await.unwrap().status, 201);
    assert_eq!(post().header("X-Requested-With", "XMLHttpRequest").send().await.unwrap().status, 201);
}

#[tokio::test]
async fn rest_accepts_access_token_only_for_oauth_sessions() {
    let host = TestHost::start().await.unwrap();
    let login = host.login(&host.alice().id).unwrap();
    let refused = host
        .http(Method::GET, &format!("/api/v4/users/me?access_token={}", login.token))
        .anonymous()
        .send()
        .await
        .unwrap();
    assert_error(&refused, 401, "api.context.token_provided.app_error");
    let oauth = host.oauth_login(&host.alice().id).unwrap();
    let me = host
        .http(Method::GET, &format!("/api/v4/users/me?access_token={}", oauth.token))
        .anonymous()
        .send()
        .await
        .unwrap();
    assert_eq!(me.json::<User>().unwrap().username, "alice", "{me:?}");
}

// --- REST permissions -------------------------------------------------------------------

#[tokio::test]
async fn a_system_user_cannot_list_every_channel_an_admin_can() {
    let host = TestHost::start().await.unwrap();
    let alice = host.token_for(&host.alice().id).unwrap();
    let denied = host.http(Method::GET, "/api/v4/channels").token(alice).send().await.unwrap();
    assert_error(&denied, 403, "api.context.permissions.app_error");
    let error: Value = denied.json().unwrap();
    assert_eq!(error["message"], "You do not have the appropriate permissions.");
    assert_eq!(
        error["detailed_error"],
        format!(
            "userId={}, permission=sysconsole_read_user_management_groups,sysconsole_read_user_management_channels",
            host.alice().id
        )
    );
    let all: Vec<Channel> = host.http_get("/api/v4/channels").await.unwrap().json().unwrap();
    assert!(all.len() >= 2);
}

#[tokio::test]
async fn another_users_direct_messages_are_neither_readable_nor_writable() {
    let host = TestHost::start().await.unwrap();
    let (alice, bob, admin) = (host.alice().id.clone(), host.bob().id.clone(), host.admin().id.clone());
    let dm = host.host().direct_channel(&bob, &admin).await.unwrap();
    let secret = host.create_post(&bob, &dm.id, "just between us").await.unwrap();
    let alice_token = host.token_for(&alice).unwrap();
    let as_alice = |method: Method, path: &str| host.http(method, path).token(alice_token.clone());

    assert_error(
        &as_alice(Method::GET, &format!("/api/v4/channels/{}/posts", dm.id)).send().await.unwrap(),
        403,
        "api.context.permissions.app_error",
    );
    assert_error(
        &as_alice(Method::GET, &format!("/api/v4/posts/{}", secret.id)).send().await.unwrap(),
        403,
        "api.context.permissions.app_error",
    );
    assert_error(
        &as_alice(Method::GET, &format!("/api/v4/channels/{}", dm.id)).send().await.unwrap(),
        403,
        "api.context.permissions.app_error",
    );
    let intrusion = json!({"channel_id": dm.id, "message": "hi both"});
    assert_error(
        &as_alice(Method::POST, "/api/v4/posts").json(&intrusion).send().await.unwrap(),
        403,
        "api.context.permissions.app_error",
    );
    let command = json!({"channel_id": dm.id, "command": "/echo hi"});
    assert_error(
        &as_alice(Method::POST, "/api/v4/commands/execute").json(&command).send().await.unwrap(),
        403,
        "api.context.permissions.app_error",
    );
    assert_error(
        &as_alice(Method::GET, &format!("/api/v4/users?in_channel={}", dm.id)).send().await.unwrap(),
        403,
        "api.context.permissions.app_error",
    );
    assert_eq!(host.posts_in_channel(&dm.id).len(), 1, "nothing was posted");

    // Its members can; so can an admin.
    let bob_token = host.token_for(&bob).unwrap();
    let list: PostList = host
        .http(Method::GET, &format!("/api/v4/channels/{}/posts", dm.id))
        .token(bob_token)
        .send()
        .await
        .unwrap()
        .json()
        .unwrap();
    assert_eq!(list.order, std::slice::from_ref(&secret.id));
    let read: Post = host.http_get(&format!("/api/v4/posts/{}", secret.id)).await.unwrap().json().unwrap();
    assert_eq!(read.message, "just between us");
}

#[tokio::test]
async fn a_private_channel_is_closed_to_non_members_and_cannot_be_joined_alone() {
    let host = TestHost::start().await.unwrap();
    let (alice, bob) = (host.alice().id.clone(), host.bob().id.clone());
    let mut private =
        Channel::new(host.team().id.clone(), "hideout", "Hideout").with_kind(ChannelType::Private);
    private.creator_id = Some(bob.clone());
    let private = host.host().create_channel(private).await.unwrap();
    let alice_token = host.token_for(&alice).unwrap();
    let as_alice = |method: Method, path: &str| host.http(method, path).token(alice_token.clone());

    assert_error(
        &as_alice(Method::GET, &format!("/api/v4/channels/{}", private.id)).send().await.unwrap(),
        403,
        "api.context.permissions.app_error",
    );
    assert_error(
        &as_alice(Method::GET, &format!("/api/v4/channels/{}/posts", private.id)).send().await.unwrap(),
        403,
        "api.context.permissions.app_error",
    );
    let post = json!({"channel_id": private.id, "message": "let me in"});
    assert_error(
        &as_alice(Method::POST, "/api/v4/posts").json(&post).send().await.unwrap(),
        403,
        "api.context.permissions.app_error",
    );
    let join = json!({"user_id": alice});
    let denied = as_alice(Method::POST, &format!("/api/v4/channels/{}/members", private.id))
        .json(&join)
        .send()
        .await
        .unwrap();
    assert_error(&denied, 403, "api.context.permissions.app_error");
    assert!(!host.host().store().is_channel_member(&private.id, &alice));

    // Bob, a member, adds her; then she reads and posts.
    let bob_token = host.token_for(&bob).unwrap();
    let added = host
        .http(Method::POST, &format!("/api/v4/channels/{}/members", private.id))
        .token(bob_token)
        .json(&join)
        .send()
        .await
        .unwrap();
    assert_eq!(added.status, 201, "{added:?}");
    assert_eq!(
        as_alice(Method::GET, &format!("/api/v4/channels/{}", private.id)).send().await.unwrap().status,
        200
    );
    assert_eq!(as_alice(Method::POST, "/api/v4/posts").json(&post).send().await.unwrap().status, 201);
}

#[tokio::test]
async fn a_public_channel_is_readable_by_its_team_but_only_members_post_and_others_need_managing_rights() {
    let host = TestHost::start().await.unwrap();
    let (alice, bob) = (host.alice().id.clone(), host.bob().id.clone());
    let open = host.create_channel(&bob, "open-space").await.unwrap();
    let alice_token = host.token_for(&alice).unwrap();
    let as_alice = |method: Method, path: &str| host.http(method, path).token(alice_token.clone());

    let fetched: Channel =
        as_alice(Method::GET, &format!("/api/v4/channels/{}", open.id)).send().await.unwrap().json().unwrap();
    assert_eq!(fetched.name, "open-space");
    assert_eq!(
        as_alice(Method::GET, &format!("/api/v4/channels/{}/posts", open.id)).send().await.unwrap().status,
        200
    );
    let post = json!({"channel_id": open.id, "message": "hello"});
    assert_error(
        &as_alice(Method::POST, "/api/v4/posts").json(&post).send().await.unwrap(),
        403,
        "api.context.permissions.app_error",
    );
    // She may not add someone else to a channel she is not in; she may join it herself.
    let carol = host.create_user("carol").await.unwrap();
    host.join_team(&carol.id, &host.team().id).await.unwrap();
    let add_carol = json!({"user_id": carol.id});
    let denied = as_alice(Method::POST, &format!("/api/v4/channels/{}/members", open.id))
        .json(&add_carol)
        .send()
        .await
        .unwrap();
    assert_error(&denied, 403, "api.context.permissions.app_error");
    let join = json!({"user_id": alice});
    assert_eq!(
        as_alice(Method::POST, &format!("/api/v4/channels/{}/members", open.id))
            .json(&join)
            .send()
            .await
            .unwrap()
            .status,
        201
    );
    assert_eq!(as_alice(Method::POST, "/api/v4/posts").json(&post).send().await.unwrap().status, 201);
    assert_eq!(
        as_alice(Method::POST, &format!("/api/v4/channels/{}/members", open.id))
            .json(&add_carol)
            .send()
            .await
            .unwrap()
            .status,
        201
    );
}

#[tokio::test]
async fn creating_channels_needs_team_membership() {
    let host = TestHost::start().await.unwrap();
    let outsider = host.create_user("outsider").await.unwrap();
    let token = host.token_for(&outsider.id).unwrap();
    let body = json!({"team_id": host.team().id, "name": "sneaky", "display_name": "Sneaky", "type": "O"});
    let denied =
        host.http(Method::POST, "/api/v4/channels").token(token.clone()).json(&body).send().await.unwrap();
    assert_error(&denied, 403, "api.context.permissions.app_error");
    let private = json!({"team_id": host.team().id, "name": "sneaky", "display_name": "Sneaky", "type": "P"});
    let denied =
        host.http(Method::POST, "/api/v4/channels").token(token).json(&private).send().await.unwrap();
    assert_error(&denied, 403, "api.context.permissions.app_error");
    let alice = host.token_for(&host.alice().id).unwrap();
    let created =
        host.http(Method::POST, "/api/v4/channels").token(alice).json(&private).send().await.unwrap();
    assert_eq!(created.status, 201, "{created:?}");
    assert_eq!(created.json::<Channel>().unwrap().creator_id.as_ref(), Some(&host.alice().id));
}

// --- REST errors ----------------------------------------------------------------------

/// An error answer in Mattermost's JSON shape, with its request id in the body and header.
fn assert_error(response: &HttpResponse, status: u16, id: &str) {
    assert_eq!(response.status, status, "{response:?}");
    let error: Value = response.json().unwrap_or_else(|e| panic!("not JSON ({e}): {response:?}"));
    let keys: Vec<&str> = error.as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(keys, ["detailed_error", "id", "message", "request_id", "status_code"], "{error}");
    assert_eq!(error["id"], id, "{error}");
    assert_eq!(error["status_code"], status);
    let request_id = error["request_id"].as_str().unwrap();
    assert_eq!(request_id.len(), 26, "{error}");
    assert_eq!(response.header("x-request-id"), Some(request_id));
    assert_eq!(response.header("content-type"), Some("application/json"));
}

#[tokio::test]
async fn a_json_body_is_read_whatever_its_content_type() {
    let host = TestHost::start().await.unwrap();
    let body = json!({"channel_id": host.town_square().id, "message": "no content type"}).to_string();
    let created = host.http(Method::POST, "/api/v4/posts").body(body).send().await.unwrap();
    assert_eq!(created.status, 201, "the server decodes JSON without looking at Content-Type: {created:?}");
}

#[tokio::test]
async fn a_malformed_body_is_400_naming_what_was_expected() {
    let host = TestHost::start().await.unwrap();
    for (path, body, name) in [
        ("/api/v4/posts", "{not json", "post"),
        ("/api/v4/posts", r#"{"message": 5}"#, "post"),
        ("/api/v4/commands/execute", "", "command_args"),
        ("/api/v4/channels", "[]", "channel"),
    ] {
        let response = host
            .http(Method::POST, path)
            .header("Content-Type", "application/json")
            .body(body)
            .send()
            .await
            .unwrap();
        assert_error(&response, 400, "api.context.invalid_body_param.app_error");
        assert_eq!(
            response.json::<Value>().unwrap()["message"],
            format!("Invalid or missing {name} in request body.")
        );
    }
}

#[tokio::test]
async fn a_body_over_the_servers_payload_limit_is_413_in_json() {
    let host = TestHost::start().await.unwrap();
    let huge = json!({"channel_id": host.town_square().id, "message": "x".repeat(400_000)});
    let response = host.http(Method::POST, "/api/v4/posts").json(&huge).send().await.unwrap();
    assert_error(&response, 413, "api.context.request_body_too_large.app_error");
}

#[tokio::test]
async fn bad_ids_unknown_routes_and_methods_are_the_servers_errors() {
    let host = TestHost::start().await.unwrap();
    let bad_id = host.http_get("/api/v4/posts/not-an-id").await.unwrap();
    assert_error(&bad_id, 400, "api.context.invalid_url_param.app_error");
    assert_eq!(
        bad_id.json::<Value>().unwrap()["message"],
        "Invalid or missing post_id parameter in request URL."
    );
    let missing = host.http_get(&format!("/api/v4/posts/{}", "a".repeat(26))).await.unwrap();
    assert_error(&missing, 404, "app.post.get.app_error");
    assert_error(&host.http_get("/api/v4/nothing/here").await.unwrap(), 404, "api.context.404.app_error");
    assert_error(
        &host.http(Method::DELETE, "/api/v4/teams").send().await.unwrap(),
        404,
        "api.context.404.app_error",
    );
    let command = json!({"channel_id": "short", "command": "/echo"});
    let response = host.http(Method::POST, "/api/v4/commands/execute").json(&command).send().await.unwrap();
    assert_error(&response, 400, "api.command.execute_command.start.app_error");
    // Paging is lenient: nonsense means the defaults.
    let users: Vec<User> = host.http_get("/api/v4/users?page=x&per_page=-3").await.unwrap().json().unwrap();
    assert_eq!(users.len(), 3);
}

// --- The routes at work -----------------------------------------------------------------

#[tokio::test]
async fn ping_needs_no_token() {
    let host = TestHost::start().await.unwrap();
    let ping = host.http(Method::GET, "/api/v4/system/ping").anonymous().send().await.unwrap();
    assert_eq!(ping.status, 200);
    assert_eq!(ping.json::<Value>().unwrap(), json!({"status": "OK"}));
    let with_bad_token = host.http(Method::GET, "/api/v4/system/ping").token("nope").send().await.unwrap();
    assert_eq!(with_bad_token.status, 200, "an unknown token is ignored where no session is needed");
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
    assert_eq!(response.json::<CommandResponse>().unwrap().text, "over http");
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
    let me: User = host.http_get("/api/v4/users/me").await.unwrap().json().unwrap();
    assert_eq!(me.username, "admin");

    let team = host.team().id.clone();
    let created = host
        .http(Method::POST, "/api/v4/channels")
        .json(&json!({"team_id": team, "name": "from-rest", "display_name": "From REST", "type": "O"}))
        .send()
        .await
        .unwrap();
    assert_eq!(created.status, 201, "{created:?}");
    let channel: Channel = created.json().unwrap();
    let joined = host
        .http(Method::POST, &format!("/api/v4/channels/{}/members", channel.id))
        .json(&json!({"user_id": host.bob().id}))
        .send()
        .await
        .unwrap();
    assert_eq!(joined.status, 201, "{joined:?}");
    assert!(host.host().store().is_channel_member(&channel.id, &host.bob().id));

    let alice_token = host.token_for(&host.alice().id).unwrap();
    for token in [host.host().seed().admin_token.clone(), alice_token] {
        let teams: Vec<Team> =
            host.http(Method::GET, "/api/v4/teams").token(token).send().await.unwrap().json().unwrap();
        assert_eq!(teams.iter().map(|t| t.name.as_str()).collect::<Vec<_>>(), ["test"]);
    }
}
