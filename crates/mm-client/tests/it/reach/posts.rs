//! Reach entries: posts, reactions, ephemeral posts, search.

use mm_types::convert::IntoWire;
use mm_types::{Page, Post, Reaction, SearchParameter, SearchParams, Timestamp, wire};

use super::{Reach, id};

fn post() -> Post {
    Post::new(id("chan-post"), "Hello **world**")
        .by(id("user-poster"))
        .in_thread(id("post-root"))
        .with_prop("from_plugin", true)
        .with_prop("attachments", serde_json::json!([{"text": "att", "color": "#ff0000"}]))
}

pub async fn run(r: &mut Reach) {
    let c = r.client.clone();
    let posts = c.posts();
    r.check("CreatePost", posts.create(post()), wire::CreatePostRequest { post: Some(post().into_wire()) })
        .await;
    let reaction = Reaction::new(id("user-r"), id("post-r"), "tada");
    r.check(
        "AddReaction",
        posts.add_reaction(reaction.clone()),
        wire::AddReactionRequest { reaction: Some(reaction.clone().into_wire()) },
    )
    .await;
    r.check(
        "RemoveReaction",
        posts.remove_reaction(reaction.clone()),
        wire::RemoveReactionRequest { reaction: Some(reaction.into_wire()) },
    )
    .await;
    r.check(
        "GetReactions",
        posts.reactions(&id("post-rs")),
        wire::GetReactionsRequest { post_id: "post-rs".into() },
    )
    .await;
    r.check(
        "SendEphemeralPost",
        posts.send_ephemeral(&id("user-eph"), post()),
        wire::SendEphemeralPostRequest { user_id: "user-eph".into(), post: Some(post().into_wire()) },
    )
    .await;
    r.check(
        "UpdateEphemeralPost",
        posts.update_ephemeral(&id("user-eph2"), post()),
        wire::UpdateEphemeralPostRequest { user_id: "user-eph2".into(), post: Some(post().into_wire()) },
    )
    .await;
    r.check(
        "DeleteEphemeralPost",
        posts.delete_ephemeral(&id("user-eph3"), &id("post-eph")),
        wire::DeleteEphemeralPostRequest { user_id: "user-eph3".into(), post_id: "post-eph".into() },
    )
    .await;
    r.check(
        "DeletePost",
        posts.delete(&id("post-del")),
        wire::DeletePostRequest { post_id: "post-del".into() },
    )
    .await;
    r.check(
        "GetPostThread",
        posts.thread(&id("post-th")),
        wire::GetPostThreadRequest { post_id: "post-th".into() },
    )
    .await;
    r.check("GetPost", posts.get(&id("post-get")), wire::GetPostRequest { post_id: "post-get".into() }).await;
    r.check(
        "GetPostsSince",
        posts.since(&id("chan-since"), Timestamp::from_millis(1_650_000_000_000)),
        wire::GetPostsSinceRequest { channel_id: "chan-since".into(), time: 1_650_000_000_000 },
    )
    .await;
    r.check(
        "GetPostsAfter",
        posts.after(&id("chan-after"), &id("post-after"), Page::new(1, 11)),
        wire::GetPostsAfterRequest {
            channel_id: "chan-after".into(),
            post_id: "post-after".into(),
            page: 1,
            per_page: 11,
        },
    )
    .await;
    r.check(
        "GetPostsBefore",
        posts.before(&id("chan-before"), &id("post-before"), Page::new(2, 12)),
        wire::GetPostsBeforeRequest {
            channel_id: "chan-before".into(),
            post_id: "post-before".into(),
            page: 2,
            per_page: 12,
        },
    )
    .await;
    r.check(
        "GetPostsForChannel",
        posts.for_channel(&id("chan-for"), Page::new(3, 13)),
        wire::GetPostsForChannelRequest { channel_id: "chan-for".into(), page: 3, per_page: 13 },
    )
    .await;
    r.check("UpdatePost", posts.update(post()), wire::UpdatePostRequest { post: Some(post().into_wire()) })
        .await;
    let params = vec![
        SearchParams { terms: "rust".into(), in_channels: vec!["town-square".into()], ..Default::default() },
        SearchParams { terms: "grpc".into(), is_or_search: true, per_page: 5, ..Default::default() },
    ];
    r.check(
        "SearchPostsInTeam",
        posts.search_in_team(&id("team-search"), params.clone()),
        wire::SearchPostsInTeamRequest { team_id: "team-search".into(), params_list: params.into_wire() },
    )
    .await;
    let search =
        SearchParameter { terms: "from:alice deploy".into(), page: 1, per_page: 20, ..Default::default() };
    r.check(
        "SearchPostsInTeamForUser",
        posts.search_in_team_for_user(&id("team-s2"), &id("user-s2"), search.clone()),
        wire::SearchPostsInTeamForUserRequest {
            team_id: "team-s2".into(),
            user_id: "user-s2".into(),
            search_params: Some(search.into_wire()),
        },
    )
    .await;
}
