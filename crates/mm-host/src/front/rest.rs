//! The REST API v4 subset, with the server's authentication (see [`auth`](super::auth)),
//! permission checks, parameter checks and error answers.

use axum::Json;
use axum::Router;
use axum::body::Body;
use axum::extract::rejection::PathRejection;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use mm_types::{
    Channel, ChannelMember, ChannelType, CommandArgs, CommandResponse, Id, Post, PostList, Team, User, UserId,
};
use serde::Deserialize;
use serde_json::{Value, json};

use super::auth::{Caller, CheckedCredentials};
use super::errors::{ApiError, ApiResult, invalid_body_param, invalid_url_param};
use super::go_query;
use super::json_body::read_json;
use super::permissions::{can_read_channel, on_team, require};
use crate::Host;
use crate::store::{PostsPage, UserQuery};

pub(crate) fn router() -> Router<Host> {
    Router::new()
        .route("/api/v4/system/ping", get(ping))
        .route("/api/v4/posts", post(create_post))
        .route("/api/v4/posts/{post_id}", get(get_post))
        .route("/api/v4/channels/{channel_id}/posts", get(channel_posts))
        .route("/api/v4/commands/execute", post(execute_command))
        .route("/api/v4/users", get(list_users))
        .route("/api/v4/users/{user_id}", get(get_user))
        .route("/api/v4/channels", get(list_channels).post(create_channel))
        .route("/api/v4/channels/{channel_id}", get(get_channel))
        .route("/api/v4/channels/{channel_id}/members", post(add_channel_member))
        .route("/api/v4/teams", get(list_teams))
}

/// A path parameter that must be an id (`RequireChannelId` and friends): 400 naming it.
fn id_param<M: mm_types::Marker>(param: Result<Path<String>, PathRejection>, name: &str) -> ApiResult<Id<M>> {
    let Ok(Path(value)) = param else { return Err(invalid_url_param(name)) };
    Id::parse(&value).map_err(|_| invalid_url_param(name))
}

/// The query parameters the routes read, with the server's lenient paging (`ParamsFromRequest`):
/// an invalid or negative `page` is 0, `per_page` 60, and `per_page` is at most 200.
#[derive(Debug)]
struct Params {
    pairs: Vec<(Vec<u8>, Vec<u8>)>,
}

impl Params {
    fn new(query: Option<String>) -> Params {
        Params { pairs: go_query::parse(&query.unwrap_or_default()) }
    }

    fn text(&self, key: &str) -> String {
        go_query::get(&self.pairs, key)
    }

    fn page(&self) -> i32 {
        self.text("page").parse::<i32>().ok().filter(|p| *p >= 0).unwrap_or(0)
    }

    fn per_page(&self) -> i32 {
        self.text("per_page").parse::<i32>().ok().filter(|p| *p >= 0).map_or(60, |p| p.min(200))
    }
}

async fn ping(_checked: CheckedCredentials) -> Json<Value> {
    Json(json!({"status": "OK"}))
}

/// `POST /api/v4/posts`: `create_post` in the channel (or, in a public channel,
/// `create_post_public` on its team); `upload_file` too with `file_ids`.
async fn create_post(
    State(host): State<Host>,
    caller: Caller,
    body: Body,
) -> ApiResult<(StatusCode, Json<Post>)> {
    let mut post: Post = read_json(body, "post").await?;
    let user = caller.user().id.clone();
    post.user_id = user.clone();
    host.store().with(|s| {
        let admin = s.has_permission(&user, "manage_system");
        if !admin {
            post.create_at = mm_types::Timestamp::ZERO;
        }
        let public_team = s
            .channel(&post.channel_id)
            .ok()
            .filter(|c| c.kind == ChannelType::Open)
            .and_then(|c| c.team_id.clone());
        let allowed = s.has_channel_permission(&user, &post.channel_id, "create_post")
            || on_team(s, &user, public_team.as_ref(), "create_post_public");
        require(allowed, &user, &["create_post"])?;
        if !post.file_ids.is_empty() {
            require(
                s.has_channel_permission(&user, &post.channel_id, "upload_file"),
                &user,
                &["upload_file"],
            )?;
        }
        Ok::<_, ApiError>(())
    })?;
    let post = host.create_post_with(post, &caller.context).await?;
    Ok((StatusCode::CREATED, Json(post)))
}

/// `GET /api/v4/posts/{id}`: the post's channel must be readable (`GetPostIfAuthorized`).
async fn get_post(
    State(host): State<Host>,
    caller: Caller,
    post_id: Result<Path<String>, PathRejection>,
) -> ApiResult<Json<Post>> {
    let post_id = id_param(post_id, "post_id")?;
    let user = &caller.user().id;
    let post = host.store().with(|s| {
        let post = s.post(&post_id)?;
        let channel = s.channel(&post.channel_id)?;
        if !can_read_channel(s, user, channel) {
            let missing = if channel.kind == ChannelType::Open {
                "read_public_channel"
            } else {
                "read_channel_content"
            };
            return Err(super::errors::permission_error(user, &[missing]));
        }
        Ok(post)
    })?;
    Ok(Json(post))
}

/// `GET /api/v4/channels/{id}/posts`: the channel must be readable.
async fn channel_posts(
    State(host): State<Host>,
    caller: Caller,
    channel_id: Result<Path<String>, PathRejection>,
    RawQuery(query): RawQuery,
) -> ApiResult<Json<PostList>> {
    let channel_id = id_param(channel_id, "channel_id")?;
    let params = Params::new(query);
    let user = &caller.user().id;
    let list = host.store().with(|s| {
        let channel = s.channel(&channel_id)?;
        require(can_read_channel(s, user, channel), user, &["read_channel_content"])?;
        let which = PostsPage::Latest { page: params.page(), per_page: params.per_page() };
        Ok::<_, ApiError>(s.posts_page(&channel_id, which)?)
    })?;
    Ok(Json(list))
}

/// The body of `POST /api/v4/commands/execute`.
#[derive(Debug, Deserialize)]
struct ExecuteCommand {
    #[serde(default)]
    channel_id: String,
    #[serde(default)]
    command: String,
    #[serde(default)]
    team_id: String,
    #[serde(default)]
    root_id: String,
}

/// `POST /api/v4/commands/execute`: `use_slash_commands` in the channel.
async fn execute_command(
    State(host): State<Host>,
    caller: Caller,
    body: Body,
) -> ApiResult<Json<CommandResponse>> {
    let body: ExecuteCommand = read_json(body, "command_args").await?;
    let channel_id = Id::parse(&body.channel_id).ok();
    let (Some(channel_id), true) = (channel_id, body.command.len() > 1 && body.command.starts_with('/'))
    else {
        return Err(ApiError(
            mm_types::AppError::new(
                "api.command.execute_command.start.app_error",
                "No command trigger found.",
            )
            .with_status(400),
        ));
    };
    let user = caller.user().id.clone();
    let team_id = host.store().with(|s| {
        require(
            s.has_channel_permission(&user, &channel_id, "use_slash_commands"),
            &user,
            &["use_slash_commands"],
        )?;
        // Outside direct and group messages the team is the channel's, as on the server.
        let channel_team = s.channel(&channel_id)?.team_id.clone();
        Ok::<_, ApiError>(channel_team.unwrap_or_else(|| Id::from_raw(body.team_id.clone())))
    })?;
    let args = CommandArgs {
        user_id: user,
        channel_id,
        team_id,
        root_id: (!body.root_id.is_empty()).then(|| Id::from_raw(body.root_id)),
        command: body.command,
        ..CommandArgs::default()
    };
    Ok(Json(host.execute_command(args).await?))
}

/// `GET /api/v4/users`: `in_team` needs `view_team`, `in_channel` needs `read_channel`.
async fn list_users(
    State(host): State<Host>,
    caller: Caller,
    RawQuery(query): RawQuery,
) -> ApiResult<Json<Vec<User>>> {
    let params = Params::new(query);
    let user = &caller.user().id;
    let (in_team, in_channel) = (params.text("in_team"), params.text("in_channel"));
    let users = host.store().with(|s| {
        let in_team = (!in_team.is_empty()).then(|| Id::from_raw(in_team));
        let in_channel = (!in_channel.is_empty()).then(|| Id::from_raw(in_channel));
        if let Some(team) = &in_team {
            require(s.has_team_permission(user, team, "view_team"), user, &["view_team"])?;
        }
        if let Some(channel) = &in_channel {
            require(s.has_channel_permission(user, channel, "read_channel"), user, &["read_channel"])?;
        }
        let query = UserQuery {
            in_team,
            in_channel,
            page: params.page(),
            per_page: params.per_page(),
            ..UserQuery::default()
        };
        Ok::<_, ApiError>(s.query_users(&query))
    })?;
    Ok(Json(users))
}

/// `GET /api/v4/users/{id}` (`me` is the caller).
async fn get_user(
    State(host): State<Host>,
    caller: Caller,
    user_id: Result<Path<String>, PathRejection>,
) -> ApiResult<Json<User>> {
    if matches!(&user_id, Ok(Path(id)) if id == "me") {
        return Ok(Json(caller.user().clone()));
    }
    let user_id: UserId = id_param(user_id, "user_id")?;
    Ok(Json(host.store().with(|s| s.user(&user_id).map(crate::store::sanitized_user))?))
}

/// `GET /api/v4/channels`: every channel, for system administrators only.
async fn list_channels(State(host): State<Host>, caller: Caller) -> ApiResult<Json<Vec<Channel>>> {
    const PERMISSIONS: [&str; 2] =
        ["sysconsole_read_user_management_groups", "sysconsole_read_user_management_channels"];
    let user = &caller.user().id;
    let allowed = host.store().with(|s| PERMISSIONS.iter().any(|p| s.has_permission(user, p)));
    require(allowed, user, &PERMISSIONS)?;
    Ok(Json(host.store().channels()))
}

/// `POST /api/v4/channels`: `create_public_channel` or `create_private_channel` on the team.
async fn create_channel(
    State(host): State<Host>,
    caller: Caller,
    body: Body,
) -> ApiResult<(StatusCode, Json<Channel>)> {
    let mut channel: Channel = read_json(body, "channel").await?;
    let user = caller.user().id.clone();
    host.store().with(|s| {
        let permission = match channel.kind {
            ChannelType::Private => "create_private_channel",
            _ => "create_public_channel",
        };
        require(on_team(s, &user, channel.team_id.as_ref(), permission), &user, &[permission])
    })?;
    channel.creator_id = Some(user);
    let channel = host.create_channel(channel).await?;
    Ok((StatusCode::CREATED, Json(channel)))
}

/// `GET /api/v4/channels/{id}`: a public channel needs `read_public_channel` on its team or
/// membership; any other needs `read_channel`.
async fn get_channel(
    State(host): State<Host>,
    caller: Caller,
    channel_id: Result<Path<String>, PathRejection>,
) -> ApiResult<Json<Channel>> {
    let channel_id = id_param(channel_id, "channel_id")?;
    let user = &caller.user().id;
    let channel = host.store().with(|s| {
        let channel = s.channel(&channel_id)?.clone();
        let in_channel = s.has_channel_permission(user, &channel_id, "read_channel");
        if channel.kind == ChannelType::Open {
            let allowed = in_channel || on_team(s, user, channel.team_id.as_ref(), "read_public_channel");
            require(allowed, user, &["read_public_channel"])?;
        } else {
            require(in_channel, user, &["read_channel"])?;
        }
        Ok::<_, ApiError>(channel)
    })?;
    Ok(Json(channel))
}

/// `POST /api/v4/channels/{id}/members`: joining a public channel needs `join_public_channels`
/// on its team; adding someone else needs `manage_public_channel_members` (or the private
/// one) in the channel; private channels cannot be joined without it; direct and group
/// messages take no members.
async fn add_channel_member(
    State(host): State<Host>,
    caller: Caller,
    channel_id: Result<Path<String>, PathRejection>,
    body: Body,
) -> ApiResult<(StatusCode, Json<ChannelMember>)> {
    let channel_id = id_param(channel_id, "channel_id")?;
    let body: Value = read_json(body, "user_id").await?;
    let Some(member) = body.get("user_id").and_then(Value::as_str).and_then(|id| Id::parse(id).ok()) else {
        return Err(invalid_body_param("user_id", ""));
    };
    let member: UserId = member;
    let caller_id = caller.user().id.clone();
    host.store().with(|s| {
        let channel = s.channel(&channel_id)?;
        if channel.kind.is_team_less() {
            return Err(ApiError(
                mm_types::AppError::new(
                    "api.channel.add_user_to_channel.type.app_error",
                    "Can not add user to this channel type.",
                )
                .with_status(400),
            ));
        }
        let is_self = member == caller_id;
        let is_new = !s.is_channel_member(&channel_id, &member);
        match (channel.kind == ChannelType::Open, is_self, is_new) {
            (_, true, false) => Ok(()),
            (true, true, true) => {
                let allowed = on_team(s, &caller_id, channel.team_id.as_ref(), "join_public_channels");
                require(allowed, &caller_id, &["join_public_channels"])
            }
            (true, false, _) => {
                let allowed =
                    s.has_channel_permission(&caller_id, &channel_id, "manage_public_channel_members");
                require(allowed, &caller_id, &["manage_public_channel_members"])
            }
            (false, _, _) => {
                let allowed =
                    s.has_channel_permission(&caller_id, &channel_id, "manage_private_channel_members");
                require(allowed, &caller_id, &["manage_private_channel_members"])
            }
        }
    })?;
    let actor = (member != caller_id).then_some(&caller_id);
    let member = host.join_channel(&channel_id, &member, actor).await?;
    Ok((StatusCode::CREATED, Json(member)))
}

/// `GET /api/v4/teams`: every team with `list_public_teams` and `list_private_teams`, the open
/// ones with `list_public_teams` only (what a `system_user` has).
async fn list_teams(State(host): State<Host>, caller: Caller) -> ApiResult<Json<Vec<Team>>> {
    let user = &caller.user().id;
    let (public, private) = host.store().with(|s| {
        (s.has_permission(user, "list_public_teams"), s.has_permission(user, "list_private_teams"))
    });
    if !public && !private {
        return Err(ApiError(
            mm_types::AppError::new(
                "api.team.get_all_teams.insufficient_permissions",
                "You don't have the appropriate permissions to list all teams",
            )
            .with_status(403),
        ));
    }
    let teams = host
        .store()
        .teams()
        .into_iter()
        .filter(|t| (public && t.allow_open_invite) || (private && !t.allow_open_invite));
    Ok(Json(teams.collect()))
}

#[cfg(test)]
mod tests {
    use mm_types::TeamType;

    use super::*;
    use crate::testkit::TestHost;

    #[tokio::test]
    async fn a_system_user_lists_the_open_teams_and_an_admin_every_team() {
        let host = TestHost::start().await.unwrap();
        let closed = Team {
            name: "closed".into(),
            display_name: "Closed".into(),
            kind: TeamType::Invite,
            allow_open_invite: false,
            ..Team::default()
        };
        host.host().store().with(|s| s.create_team(closed)).unwrap();
        let names = |teams: Vec<Team>| {
            let mut names: Vec<String> = teams.into_iter().map(|t| t.name).collect();
            names.sort();
            names
        };
        let alice = host.token_for(&host.alice().id).unwrap();
        let response = host.http(http::Method::GET, "/api/v4/teams").token(alice).send().await.unwrap();
        assert_eq!(names(response.json().unwrap()), ["test"]);
        let response = host.http_get("/api/v4/teams").await.unwrap();
        assert_eq!(names(response.json().unwrap()), ["closed", "test"]);
    }
}
