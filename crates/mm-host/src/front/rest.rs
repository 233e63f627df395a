//! The REST API v4 subset.

use axum::Json;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use mm_types::{
    Channel, ChannelId, ChannelMember, CommandArgs, CommandResponse, Id, Post, PostId, PostList, Team, User,
};
use serde::Deserialize;
use serde_json::{Value, json};

use super::auth::{ApiError, Caller, bad_request};
use crate::Host;
use crate::store::{PostsPage, UserQuery};

type ApiResult<T> = Result<T, ApiError>;

pub(crate) fn router() -> Router<Host> {
    Router::new()
        .route("/api/v4/system/ping", get(ping))
        .route("/api/v4/posts", post(create_post))
        .route("/api/v4/posts/{post_id}", get(get_post))
        .route("/api/v4/channels/{channel_id}/posts", get(channel_posts))
        .route("/api/v4/commands/execute", post(execute_command))
        .route("/api/v4/users", get(list_users))
        .route("/api/v4/users/me", get(me))
        .route("/api/v4/users/{user_id}", get(get_user))
        .route("/api/v4/channels", get(list_channels).post(create_channel))
        .route("/api/v4/channels/{channel_id}", get(get_channel))
        .route("/api/v4/channels/{channel_id}/members", post(add_channel_member))
        .route("/api/v4/teams", get(list_teams))
}

/// Page parameters, with Mattermost's defaults (page 0, 60 per page, at most 200).
#[derive(Debug, Deserialize)]
#[serde(default)]
struct Paging {
    page: i32,
    per_page: i32,
    in_team: String,
    in_channel: String,
}

impl Default for Paging {
    fn default() -> Self {
        Paging { page: 0, per_page: 60, in_team: String::new(), in_channel: String::new() }
    }
}

impl Paging {
    fn per_page(&self) -> i32 {
        self.per_page.clamp(0, 200)
    }
}

fn parse_id<M: mm_types::Marker>(value: &str) -> ApiResult<Id<M>> {
    Id::parse(value).map_err(|e| bad_request("api.context.invalid_url_param.app_error", e.to_string()))
}

async fn ping() -> Json<Value> {
    Json(json!({"status": "OK"}))
}

async fn create_post(
    State(host): State<Host>,
    Caller(user): Caller,
    body: Json<Post>,
) -> ApiResult<(StatusCode, Json<Post>)> {
    let mut post = body.0;
    post.user_id = user.id;
    let post = host.create_post(post).await?;
    Ok((StatusCode::CREATED, Json(post)))
}

async fn get_post(
    State(host): State<Host>,
    _caller: Caller,
    Path(post_id): Path<String>,
) -> ApiResult<Json<Post>> {
    let post_id: PostId = parse_id(&post_id)?;
    Ok(Json(host.store().with(|s| s.post(&post_id))?))
}

async fn channel_posts(
    State(host): State<Host>,
    _caller: Caller,
    Path(channel_id): Path<String>,
    Query(paging): Query<Paging>,
) -> ApiResult<Json<PostList>> {
    let channel_id: ChannelId = parse_id(&channel_id)?;
    let which = PostsPage::Latest { page: paging.page, per_page: paging.per_page() };
    Ok(Json(host.store().with(|s| s.posts_page(&channel_id, which))?))
}

/// The body of `POST /api/v4/commands/execute`.
#[derive(Debug, Deserialize)]
struct ExecuteCommand {
    channel_id: String,
    command: String,
    #[serde(default)]
    team_id: String,
    #[serde(default)]
    root_id: String,
}

async fn execute_command(
    State(host): State<Host>,
    Caller(user): Caller,
    body: Json<ExecuteCommand>,
) -> ApiResult<Json<CommandResponse>> {
    let body = body.0;
    let args = CommandArgs {
        user_id: user.id,
        channel_id: parse_id(&body.channel_id)?,
        team_id: Id::from_raw(body.team_id),
        root_id: (!body.root_id.is_empty()).then(|| Id::from_raw(body.root_id)),
        command: body.command,
        ..CommandArgs::default()
    };
    Ok(Json(host.execute_command(args).await?))
}

async fn list_users(
    State(host): State<Host>,
    _caller: Caller,
    Query(paging): Query<Paging>,
) -> Json<Vec<User>> {
    let query = UserQuery {
        in_team: (!paging.in_team.is_empty()).then(|| Id::from_raw(paging.in_team.clone())),
        in_channel: (!paging.in_channel.is_empty()).then(|| Id::from_raw(paging.in_channel.clone())),
        page: paging.page,
        per_page: paging.per_page(),
        ..UserQuery::default()
    };
    Json(host.store().with(|s| s.query_users(&query)))
}

async fn me(Caller(user): Caller) -> Json<User> {
    Json(user)
}

async fn get_user(
    State(host): State<Host>,
    _caller: Caller,
    Path(user_id): Path<String>,
) -> ApiResult<Json<User>> {
    let user_id = parse_id(&user_id)?;
    Ok(Json(host.store().with(|s| s.user(&user_id).map(crate::store::sanitized_user))?))
}

async fn list_channels(State(host): State<Host>, _caller: Caller) -> Json<Vec<Channel>> {
    Json(host.store().channels())
}

async fn create_channel(
    State(host): State<Host>,
    Caller(user): Caller,
    body: Json<Channel>,
) -> ApiResult<(StatusCode, Json<Channel>)> {
    let mut channel = body.0;
    channel.creator_id = Some(user.id);
    let channel = host.create_channel(channel).await?;
    Ok((StatusCode::CREATED, Json(channel)))
}

async fn get_channel(
    State(host): State<Host>,
    _caller: Caller,
    Path(channel_id): Path<String>,
) -> ApiResult<Json<Channel>> {
    let channel_id: ChannelId = parse_id(&channel_id)?;
    Ok(Json(host.store().with(|s| s.channel(&channel_id).cloned())?))
}

/// The body of `POST /api/v4/channels/{id}/members`.
#[derive(Debug, Deserialize)]
struct AddMember {
    user_id: String,
}

async fn add_channel_member(
    State(host): State<Host>,
    Caller(caller): Caller,
    Path(channel_id): Path<String>,
    body: Json<AddMember>,
) -> ApiResult<(StatusCode, Json<ChannelMember>)> {
    let channel_id: ChannelId = parse_id(&channel_id)?;
    let user_id = parse_id(&body.user_id)?;
    let actor = (user_id != caller.id).then_some(&caller.id);
    let member = host.join_channel(&channel_id, &user_id, actor).await?;
    Ok((StatusCode::CREATED, Json(member)))
}

async fn list_teams(State(host): State<Host>, _caller: Caller) -> Json<Vec<Team>> {
    Json(host.store().teams())
}
