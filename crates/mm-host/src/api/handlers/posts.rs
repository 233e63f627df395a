//! Posts, threads, reactions and search (errors in the response), and custom emoji (the host has none).

use mm_proto::v1 as wire;
use mm_types::{Post, Reaction, SearchParameter, SearchParams};

use super::{id, wires};
use crate::api::router::{ApiFailure, ApiRouter, answer, domain, required};
use crate::store::{PostsPage, errors};

/// The prop the server sets on posts created through the PluginAPI (`model.PostPropsFromPlugin`).
const FROM_PLUGIN_PROP: &str = "from_plugin";

/// Registers the handlers of this domain.
pub(super) fn routes(router: &mut ApiRouter) {
    // posts (errors in the response)
    router.route_async(|api, r: wire::CreatePostRequest| async move {
        let mut post: Post = domain(required(r.post, "post")?)?;
        // The server marks every post a plugin creates (plugin_api.go CreatePost:
        // `post.AddProp("from_plugin", "true")`); UpdatePost and SendEphemeralPost do not.
        post.set_prop(FROM_PLUGIN_PROP, "true");
        let created = api.host.create_post(post).await;
        answer(created, |p| wire::CreatePostResponse { error: None, post: Some(p.into()) })
    });
    router.route_async(|api, r: wire::AddReactionRequest| async move {
        let reaction: Reaction = domain(required(r.reaction, "reaction")?)?;
        let added = api.host.add_reaction(reaction).await;
        answer(added, |r| wire::AddReactionResponse { error: None, reaction: Some(r.into()) })
    });
    router.route_async(|api, r: wire::RemoveReactionRequest| async move {
        let reaction: Reaction = domain(required(r.reaction, "reaction")?)?;
        let removed = api.host.remove_reaction(&reaction).await;
        answer(removed, |()| wire::RemoveReactionResponse { error: None })
    });
    router.route(|api, r: wire::GetReactionsRequest| {
        let reactions = api.with(|s| s.reactions_for(&id(r.post_id)));
        answer(reactions, |r| wire::GetReactionsResponse { error: None, reactions: wires(r) })
    });
    router.route(|api, r: wire::SendEphemeralPostRequest| {
        let post: Post = domain(required(r.post, "post")?)?;
        let sent = api.host.send_ephemeral_post(&id(r.user_id), post);
        Ok(wire::SendEphemeralPostResponse { error: None, post: Some(sent.into()) })
    });
    router.route(|api, r: wire::UpdateEphemeralPostRequest| {
        let post: Post = domain(required(r.post, "post")?)?;
        let updated = api.with(|s| s.update_ephemeral(&id(r.user_id), post));
        Ok(wire::UpdateEphemeralPostResponse { error: None, post: Some(updated.into()) })
    });
    router.route(|api, r: wire::DeleteEphemeralPostRequest| {
        api.with(|s| s.delete_ephemeral(&id(r.user_id), &id(r.post_id)));
        Ok(wire::DeleteEphemeralPostResponse { error: None })
    });
    router.route_async(|api, r: wire::DeletePostRequest| async move {
        let deleted = api.host.delete_post(&id(r.post_id)).await;
        answer(deleted, |_| wire::DeletePostResponse { error: None })
    });
    router.route(|api, r: wire::GetPostThreadRequest| {
        let thread = api.with(|s| s.thread(&id(r.post_id)));
        answer(thread, |t| wire::GetPostThreadResponse { error: None, post_list: Some(t.into()) })
    });
    router.route(|api, r: wire::GetPostRequest| {
        let post = api.with(|s| s.post(&id(r.post_id)));
        answer(post, |p| wire::GetPostResponse { error: None, post: Some(p.into()) })
    });
    router.route(|api, r: wire::GetPostsSinceRequest| {
        let list = api.with(|s| s.posts_page(&id(r.channel_id), PostsPage::Since { time: r.time }));
        answer(list, |l| wire::GetPostsSinceResponse { error: None, post_list: Some(l.into()) })
    });
    router.route(|api, r: wire::GetPostsAfterRequest| {
        let anchor = id(r.post_id);
        let which = PostsPage::After { post_id: &anchor, page: r.page, per_page: r.per_page };
        let list = api.with(|s| s.posts_page(&id(r.channel_id), which));
        answer(list, |l| wire::GetPostsAfterResponse { error: None, post_list: Some(l.into()) })
    });
    router.route(|api, r: wire::GetPostsBeforeRequest| {
        let anchor = id(r.post_id);
        let which = PostsPage::Before { post_id: &anchor, page: r.page, per_page: r.per_page };
        let list = api.with(|s| s.posts_page(&id(r.channel_id), which));
        answer(list, |l| wire::GetPostsBeforeResponse { error: None, post_list: Some(l.into()) })
    });
    router.route(|api, r: wire::GetPostsForChannelRequest| {
        let which = PostsPage::Latest { page: r.page, per_page: r.per_page };
        let list = api.with(|s| s.posts_page(&id(r.channel_id), which));
        answer(list, |l| wire::GetPostsForChannelResponse { error: None, post_list: Some(l.into()) })
    });
    router.route_async(|api, r: wire::UpdatePostRequest| async move {
        let post: Post = domain(required(r.post, "post")?)?;
        let updated = api.host.update_post(post).await;
        answer(updated, |p| wire::UpdatePostResponse { error: None, post: Some(p.into()) })
    });
    router.route(|api, r: wire::SearchPostsInTeamRequest| {
        let params: Vec<SearchParams> = domain(r.params_list)?;
        let posts = api.with(|s| s.search_posts_in_team(&id(r.team_id), &params));
        answer(posts, |p| wire::SearchPostsInTeamResponse { error: None, posts: wires(p) })
    });
    router.route(|api, r: wire::SearchPostsInTeamForUserRequest| {
        let params: SearchParameter = domain(required(r.search_params, "search_params")?)?;
        let results = api.with(|s| s.search_posts_for_user(&id(r.team_id), &id(r.user_id), &params));
        answer(results, |res| wire::SearchPostsInTeamForUserResponse {
            error: None,
            results: Some(res.into()),
        })
    });

    // emoji (the host has no custom emoji)
    router.route(|_api, _r: wire::GetEmojiListRequest| {
        Ok(wire::GetEmojiListResponse { error: None, emojis: Vec::new() })
    });
    router.route(|_api, r: wire::GetEmojiByNameRequest| {
        let name = r.name;
        Err(ApiFailure::from(errors::not_found(
            "app.emoji.get_by_name.no_result",
            format!("No custom emoji named {name:?}."),
        )))
    });
    router.route(|_api, r: wire::GetEmojiRequest| {
        let emoji = r.emoji_id;
        Err(ApiFailure::from(errors::not_found(
            "app.emoji.get.no_result",
            format!("No custom emoji with id {emoji:?}."),
        )))
    });
    router.route(|_api, r: wire::GetEmojiImageRequest| {
        let emoji = r.emoji_id;
        Err(ApiFailure::from(errors::not_found(
            "app.emoji.get.no_result",
            format!("No custom emoji with id {emoji:?}."),
        )))
    });
}
