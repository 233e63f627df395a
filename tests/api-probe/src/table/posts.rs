//! Posts, reactions, ephemeral posts, search.

use mattermost_plugin::serde_json::{Value, json};
use mattermost_plugin::types::{
    ChannelId, Page, Post, PostId, Reaction, SearchParameter, SearchParams, TeamId, Timestamp, UserId,
};

use super::{Entry, Vals, e, one, unit};
use crate::report::j;

fn post(v: Vals) -> Post {
    let mut post = Post::new(v.id(1), v.text("message")).with_prop("probe", v.text("prop")).with_prop("n", 7);
    post.id = v.id(0);
    post.user_id = v.id(2);
    post.root_id = Some(v.id(3));
    post.hashtags = "#probe".into();
    post.file_ids = vec![v.id(4)];
    post.create_at = Timestamp::from_millis(1_700_000_000_000 + v.number(0));
    post
}

fn reaction(v: Vals) -> Reaction {
    let mut reaction = Reaction::new(v.id(0), v.id(1), "thumbsup");
    reaction.channel_id = Some(v.id(2));
    reaction.create_at = Timestamp::from_millis(1_700_000_000_000);
    reaction
}

/// `*model.SearchParams` in Go's JSON: the SDK's fields under Go's names (`or_terms`,
/// `timezone_offset`, single excluded dates). The SDK's `page`/`per_page` have no Go field.
fn go_search_params(p: &SearchParams) -> Value {
    let first = |l: &[String]| l.first().cloned().unwrap_or_default();
    json!({
        "terms": p.terms, "or_terms": p.is_or_search, "timezone_offset": p.time_zone_offset,
        "include_deleted_channels": p.include_deleted_channels, "in_channels": p.in_channels,
        "excluded_channels": p.excluded_channels, "from_users": p.from_users,
        "excluded_users": p.excluded_users, "excluded_before_date": first(&p.excluded_before_date),
        "excluded_after_date": first(&p.excluded_after_date), "excluded_date": first(&p.excluded_dates),
        "extensions": p.extensions,
    })
}

pub(super) fn entries() -> Vec<Entry> {
    vec![
        e("CreatePost", |c, v| one(args![post(v)], c.posts().create(post(v)))),
        e("AddReaction", |c, v| one(args![reaction(v)], c.posts().add_reaction(reaction(v)))),
        e("RemoveReaction", |c, v| unit(args![reaction(v)], c.posts().remove_reaction(reaction(v)))),
        e("GetReactions", |c, v| {
            let id: PostId = v.id(0);
            one(args![id], c.posts().reactions(&id))
        }),
        e("SendEphemeralPost", |c, v| {
            let user: UserId = v.id(5);
            one(args![user, post(v)], c.posts().send_ephemeral(&user, post(v)))
        }),
        e("UpdateEphemeralPost", |c, v| {
            let user: UserId = v.id(5);
            one(args![user, post(v)], c.posts().update_ephemeral(&user, post(v)))
        }),
        e("DeleteEphemeralPost", |c, v| {
            let (user, id): (UserId, PostId) = (v.id(0), v.id(1));
            unit(args![user, id], c.posts().delete_ephemeral(&user, &id))
        }),
        e("DeletePost", |c, v| {
            let id: PostId = v.id(0);
            unit(args![id], c.posts().delete(&id))
        }),
        e("GetPostThread", |c, v| {
            let id: PostId = v.id(0);
            one(args![id], c.posts().thread(&id))
        }),
        e("GetPost", |c, v| {
            let id: PostId = v.id(0);
            one(args![id], c.posts().get(&id))
        }),
        e("GetPostsSince", |c, v| {
            let channel: ChannelId = v.id(0);
            let since = Timestamp::from_millis(1_700_000_000_000);
            one(args![channel, since], c.posts().since(&channel, since))
        }),
        e("GetPostsAfter", |c, v| {
            let (channel, id): (ChannelId, PostId) = (v.id(0), v.id(1));
            one(args![channel, id, 2, 20], c.posts().after(&channel, &id, Page::new(2, 20)))
        }),
        e("GetPostsBefore", |c, v| {
            let (channel, id): (ChannelId, PostId) = (v.id(0), v.id(1));
            one(args![channel, id, 3, 30], c.posts().before(&channel, &id, Page::new(3, 30)))
        }),
        e("GetPostsForChannel", |c, v| {
            let channel: ChannelId = v.id(0);
            one(args![channel, 4, 40], c.posts().for_channel(&channel, Page::new(4, 40)))
        }),
        e("UpdatePost", |c, v| one(args![post(v)], c.posts().update(post(v)))),
        e("SearchPostsInTeam", |c, v| {
            let team: TeamId = v.id(0);
            let params = SearchParams {
                terms: v.text("terms"),
                is_or_search: true,
                time_zone_offset: 3600,
                include_deleted_channels: true,
                in_channels: vec![v.raw_id(1)],
                excluded_channels: vec![v.raw_id(2)],
                from_users: vec![v.raw_id(3)],
                excluded_users: vec![v.raw_id(4)],
                excluded_before_date: vec!["2024-01-01".into()],
                excluded_after_date: vec!["2024-12-31".into()],
                excluded_dates: vec!["2024-06-01".into()],
                extensions: vec!["pdf".into()],
                ..Default::default()
            };
            let reported = vec![j(&team), Value::Array(vec![go_search_params(&params)])];
            one(reported, c.posts().search_in_team(&team, vec![params]))
        }),
        e("SearchPostsInTeamForUser", |c, v| {
            let (team, user): (TeamId, UserId) = (v.id(0), v.id(1));
            let search = SearchParameter {
                terms: v.text("terms"),
                is_or_search: true,
                time_zone_offset: 7200,
                page: 2,
                per_page: 25,
                include_deleted_channels: true,
            };
            one(args![team, user, search], c.posts().search_in_team_for_user(&team, &user, search))
        }),
    ]
}
