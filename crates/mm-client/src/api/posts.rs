//! Posts, threads, ephemeral posts, reactions and post search.

use mm_types::Page;
use mm_types::convert::IntoWire;
use mm_types::{
    ChannelId, Post, PostId, PostList, PostSearchResults, Reaction, SearchParameter, SearchParams, TeamId,
    Timestamp, UserId, wire,
};

use crate::client::{ApiClient, from_wire, payload};
use crate::mode::{ApiCall, Mode};

/// Posts, threads, ephemeral posts, reactions and search: `client.posts()`.
///
/// Post calls report failures as an `AppError` inside an OK response; the client turns them
/// into [`Error`](crate::Error)s like any other.
#[derive(Debug)]
pub struct Posts<'a, M: Mode> {
    client: &'a ApiClient<M>,
}

impl<M: Mode> ApiClient<M> {
    /// Posts, threads, reactions and search.
    pub fn posts(&self) -> Posts<'_, M> {
        Posts { client: self }
    }
}

impl<M: Mode> Posts<'_, M> {
    /// Creates a post (`CreatePost`) and returns it as stored. Never retried once it may
    /// have reached the server, so it is never posted twice by the client.
    ///
    /// ```no_run
    /// # async fn demo(client: mm_client::Client, channel: mm_types::ChannelId, bot: mm_types::UserId) -> mm_client::Result<()> {
    /// use mm_types::Post;
    /// let post = client.posts().create(Post::new(channel, "Deploy finished").by(bot)).await?;
    /// println!("posted {}", post.id);
    /// # Ok(()) }
    /// ```
    pub fn create(&self, post: Post) -> M::Output<Post> {
        let request = wire::CreatePostRequest { post: Some(post.into_wire()) };
        self.client.call(request, |r| payload(r.post, "post"))
    }

    /// Adds a reaction (`AddReaction`).
    pub fn add_reaction(&self, reaction: Reaction) -> M::Output<Reaction> {
        let request = wire::AddReactionRequest { reaction: Some(reaction.into_wire()) };
        self.client.call(request, |r| payload(r.reaction, "reaction"))
    }

    /// Removes a reaction (`RemoveReaction`).
    pub fn remove_reaction(&self, reaction: Reaction) -> M::Output<()> {
        let request = wire::RemoveReactionRequest { reaction: Some(reaction.into_wire()) };
        self.client.call(request, |_| Ok(()))
    }

    /// The reactions on a post (`GetReactions`).
    pub fn reactions(&self, post_id: &PostId) -> M::Output<Vec<Reaction>> {
        let request = wire::GetReactionsRequest { post_id: post_id.to_string() };
        self.client.call(request, |r| from_wire(r.reactions))
    }

    /// Shows a post to one user only, without storing it (`SendEphemeralPost`).
    pub fn send_ephemeral(&self, user_id: &UserId, post: Post) -> M::Output<Post> {
        let request =
            wire::SendEphemeralPostRequest { user_id: user_id.to_string(), post: Some(post.into_wire()) };
        self.client.call(request, |r| payload(r.post, "post"))
    }

    /// Replaces an ephemeral post shown to a user (`UpdateEphemeralPost`).
    pub fn update_ephemeral(&self, user_id: &UserId, post: Post) -> M::Output<Post> {
        let request =
            wire::UpdateEphemeralPostRequest { user_id: user_id.to_string(), post: Some(post.into_wire()) };
        self.client.call(request, |r| payload(r.post, "post"))
    }

    /// Removes an ephemeral post shown to a user (`DeleteEphemeralPost`).
    pub fn delete_ephemeral(&self, user_id: &UserId, post_id: &PostId) -> M::Output<()> {
        let request =
            wire::DeleteEphemeralPostRequest { user_id: user_id.to_string(), post_id: post_id.to_string() };
        self.client.call(request, |_| Ok(()))
    }

    /// Deletes a post (`DeletePost`).
    pub fn delete(&self, post_id: &PostId) -> M::Output<()> {
        let request = wire::DeletePostRequest { post_id: post_id.to_string() };
        self.client.call(request, |_| Ok(()))
    }

    /// The thread a post belongs to, root and replies (`GetPostThread`).
    pub fn thread(&self, post_id: &PostId) -> M::Output<PostList> {
        let request = wire::GetPostThreadRequest { post_id: post_id.to_string() };
        self.client.call(request, |r| payload(r.post_list, "post_list"))
    }

    /// A post by id (`GetPost`).
    pub fn get(&self, post_id: &PostId) -> M::Output<Post> {
        let request = wire::GetPostRequest { post_id: post_id.to_string() };
        self.client.call(request, |r| payload(r.post, "post"))
    }

    /// A channel's posts created or changed since `time` (`GetPostsSince`).
    pub fn since(&self, channel_id: &ChannelId, time: Timestamp) -> M::Output<PostList> {
        let request =
            wire::GetPostsSinceRequest { channel_id: channel_id.to_string(), time: time.as_millis() };
        self.client.call(request, |r| payload(r.post_list, "post_list"))
    }

    /// A page of a channel's posts after `post_id` (`GetPostsAfter`).
    pub fn after(&self, channel_id: &ChannelId, post_id: &PostId, page: Page) -> M::Output<PostList> {
        let request = wire::GetPostsAfterRequest {
            channel_id: channel_id.to_string(),
            post_id: post_id.to_string(),
            page: page.wire_index(),
            per_page: page.wire_per_page(),
        };
        self.client.call(request, |r| payload(r.post_list, "post_list"))
    }

    /// A page of a channel's posts before `post_id` (`GetPostsBefore`).
    pub fn before(&self, channel_id: &ChannelId, post_id: &PostId, page: Page) -> M::Output<PostList> {
        let request = wire::GetPostsBeforeRequest {
            channel_id: channel_id.to_string(),
            post_id: post_id.to_string(),
            page: page.wire_index(),
            per_page: page.wire_per_page(),
        };
        self.client.call(request, |r| payload(r.post_list, "post_list"))
    }

    /// A page of a channel's posts, newest first (`GetPostsForChannel`).
    pub fn for_channel(&self, channel_id: &ChannelId, page: Page) -> M::Output<PostList> {
        let request = wire::GetPostsForChannelRequest {
            channel_id: channel_id.to_string(),
            page: page.wire_index(),
            per_page: page.wire_per_page(),
        };
        self.client.call(request, |r| payload(r.post_list, "post_list"))
    }

    /// Updates a post (`UpdatePost`) and returns it as stored.
    pub fn update(&self, post: Post) -> M::Output<Post> {
        let request = wire::UpdatePostRequest { post: Some(post.into_wire()) };
        self.client.call(request, |r| payload(r.post, "post"))
    }

    /// Posts of a team matching parsed search parameters (`SearchPostsInTeam`).
    pub fn search_in_team(&self, team_id: &TeamId, params: Vec<SearchParams>) -> M::Output<Vec<Post>> {
        let request =
            wire::SearchPostsInTeamRequest { team_id: team_id.to_string(), params_list: params.into_wire() };
        self.client.call(request, |r| from_wire(r.posts))
    }

    /// Posts of a team matching a search as `user_id` would type it, with the channels that
    /// user can read (`SearchPostsInTeamForUser`).
    pub fn search_in_team_for_user(
        &self,
        team_id: &TeamId,
        user_id: &UserId,
        search: SearchParameter,
    ) -> M::Output<PostSearchResults> {
        let request = wire::SearchPostsInTeamForUserRequest {
            team_id: team_id.to_string(),
            user_id: user_id.to_string(),
            search_params: Some(search.into_wire()),
        };
        self.client.call(request, |r| payload(r.results, "results"))
    }

    /// Sends a direct message from `from` (usually the plugin's bot) to `to`: finds or creates
    /// their direct channel (`GetDirectChannel`), then posts (`CreatePost`).
    ///
    /// ```no_run
    /// # async fn demo(client: mm_client::Client, bot: mm_types::UserId, user: mm_types::UserId) -> mm_client::Result<()> {
    /// client.posts().send_direct_message(&bot, &user, "Your export is ready.").await?;
    /// # Ok(()) }
    /// ```
    pub fn send_direct_message(
        &self,
        from: &UserId,
        to: &UserId,
        message: impl Into<String>,
    ) -> M::Output<Post> {
        let client = self.client.as_async();
        let (from, to, message) = (from.clone(), to.clone(), message.into());
        self.client.run(ApiCall::new(async move {
            let channel = client.channels().direct(&from, &to).await?;
            client.posts().create(Post::new(channel.id, message).by(from)).await
        }))
    }
}
