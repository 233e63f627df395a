//! Posts: creation, threads, edits, deletes, reactions, ephemeral posts, paging and search.

use std::collections::{HashMap, HashSet};

use mm_types::{
    ChannelId, ChannelType, Post, PostId, PostList, PostMetadata, PostSearchResults, PostType, Reaction,
    SearchParams, TeamId, UserId,
};

use super::errors::{bad_request, not_found};
use super::{AppResult, State, Store};

/// The longest message the server accepts, in characters.
pub(crate) const POST_MESSAGE_MAX_RUNES: usize = 16383;

/// Results per page when a search does not say.
const DEFAULT_SEARCH_PER_PAGE: i32 = 60;

/// What a post change did to its thread, for the hooks that follow.
#[derive(Debug, Clone)]
pub(crate) struct ThreadChange {
    /// The post as it was before.
    pub(crate) old: Post,
    /// The post as it is now.
    pub(crate) new: Post,
}

/// Which posts of a channel a page holds.
#[derive(Debug, Clone, Copy)]
pub(crate) enum PostsPage<'a> {
    /// The newest posts, paged.
    Latest { page: i32, per_page: i32 },
    /// Posts changed after a time.
    Since { time: i64 },
    /// Posts created before a post, newest first, paged.
    Before { post_id: &'a PostId, page: i32, per_page: i32 },
    /// Posts created after a post, paged from the oldest.
    After { post_id: &'a PostId, page: i32, per_page: i32 },
}

fn missing_post(id: &str) -> mm_types::AppError {
    not_found("app.post.get.app_error", format!("Unable to get the post ({id})."))
}

/// The hashtags of a message (`#word`, at least 3 characters, starting with a letter).
fn hashtags(message: &str) -> String {
    let mut tags: Vec<String> = Vec::new();
    for word in message.split(|c: char| c.is_whitespace() || ",;:!?()[]{}\"'".contains(c)) {
        // Dots may sit inside a tag (`#v1.2`) but one that ends a sentence is not part of it.
        let word = word.trim_end_matches('.');
        if let Some(tag) = word.strip_prefix('#') {
            let valid = tag.len() >= 2
                && tag.starts_with(|c: char| c.is_alphabetic())
                && tag.chars().all(|c| c.is_alphanumeric() || c == '_' || c == '-' || c == '.');
            if valid && !tags.iter().any(|t| t == word) {
                tags.push(word.to_string());
            }
        }
    }
    tags.join(" ")
}

/// The words of a message, lowercased, for search.
fn words(message: &str) -> Vec<String> {
    message
        .split(|c: char| !(c.is_alphanumeric() || c == '_' || c == '-' || c == '#' || c == '@'))
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

/// Whether a search term matches a message's words (`term*` matches by prefix).
fn term_matches(term: &str, message_words: &[String]) -> bool {
    let term = term.to_lowercase();
    match term.strip_suffix('*') {
        Some(prefix) => message_words.iter().any(|w| w.starts_with(prefix)),
        None => message_words.iter().any(|w| w == &term || w.trim_start_matches(['#', '@']) == term),
    }
}

impl State {
    /// The checks the server makes before it runs `MessageWillBePosted`.
    pub(crate) fn check_new_post(&self, post: &Post) -> AppResult<()> {
        if post.message.chars().count() > POST_MESSAGE_MAX_RUNES {
            return Err(bad_request(
                "model.post.is_valid.msg.app_error",
                format!("The message is longer than {POST_MESSAGE_MAX_RUNES} characters."),
            ));
        }
        let channel = self.channel(&post.channel_id)?;
        if channel.delete_at.is_some() {
            return Err(bad_request(
                "api.post.create_post.can_not_post_to_deleted.error",
                "Can not post to a deleted channel.",
            ));
        }
        self.user(&post.user_id)?;
        if let Some(root_id) = &post.root_id {
            let root = self.posts.get(root_id).filter(|p| p.delete_at.is_none()).ok_or_else(|| {
                bad_request("api.post.create_post.root_id.app_error", format!("Invalid root_id {root_id}."))
            })?;
            if root.channel_id != post.channel_id {
                return Err(bad_request(
                    "api.post.create_post.channel_root_id.app_error",
                    "The root post is in another channel.",
                ));
            }
            if root.root_id.is_some() {
                return Err(bad_request(
                    "api.post.create_post.root_id.app_error",
                    "A reply's root must be a root post.",
                ));
            }
        }
        Ok(())
    }

    /// Stores a new post (after the hooks allowed it): id, times, hashtags, thread and channel
    /// counters, attached files.
    pub(crate) fn insert_post(&mut self, mut post: Post) -> AppResult<Post> {
        self.check_new_post(&post)?;
        let now = self.tick();
        if post.id.is_empty() || self.posts.contains_key(&post.id) {
            post.id = PostId::generate();
        }
        post.create_at = now;
        post.update_at = now;
        post.edit_at = None;
        post.delete_at = None;
        post.original_id = None;
        post.hashtags = hashtags(&post.message);
        post.reply_count = 0;
        post.last_reply_at = None;
        post.participants.clear();
        post.has_reactions = false;
        post.metadata = None;
        for file_id in &post.file_ids {
            if let Some(file) = self.files.get_mut(file_id) {
                file.info.post_id = Some(post.id.clone());
                file.info.channel_id = Some(post.channel_id.clone());
            }
        }
        post.file_ids.retain(|id| self.files.contains_key(id));
        if let Some(root_id) = &post.root_id
            && let Some(root) = self.posts.get_mut(root_id)
        {
            root.update_at = now;
        }
        if let Some(channel) = self.channels.get_mut(&post.channel_id) {
            channel.total_msg_count += 1;
            channel.last_post_at = Some(now);
            if post.root_id.is_none() {
                channel.total_msg_count_root += 1;
                channel.last_root_post_at = Some(now);
            }
            let (total, total_root) = (channel.total_msg_count, channel.total_msg_count_root);
            // The author has seen their own post.
            if let Some(member) =
                self.channel_members.get_mut(&(post.channel_id.clone(), post.user_id.clone()))
            {
                member.msg_count = total;
                member.msg_count_root = total_root;
                member.last_viewed_at = Some(now);
            }
        }
        if let Some(root_id) = &post.root_id {
            self.replies.entry(root_id.clone()).or_default().push(post.id.clone());
        }
        self.posts.insert(post.id.clone(), post.clone());
        Ok(self.decorate(&post))
    }

    /// A post as the server returns it: thread counts, reactions and files filled in.
    pub(crate) fn decorate(&self, post: &Post) -> Post {
        let mut post = post.clone();
        let thread_id = post.thread_id().clone();
        let replies: Vec<&Post> = self
            .replies
            .get(&thread_id)
            .into_iter()
            .flatten()
            .filter_map(|id| self.posts.get(id))
            .filter(|p| p.delete_at.is_none())
            .collect();
        post.reply_count = replies.len() as i64;
        post.last_reply_at = replies.iter().map(|p| p.create_at).max();
        let reactions: Vec<Reaction> = self
            .reactions
            .iter()
            .filter(|r| r.post_id == post.id && r.delete_at.is_none())
            .cloned()
            .collect();
        post.has_reactions = !reactions.is_empty();
        let files: Vec<_> =
            post.file_ids.iter().filter_map(|id| self.files.get(id)).map(|f| f.info.clone()).collect();
        if !reactions.is_empty() || !files.is_empty() {
            let metadata = post.metadata.get_or_insert_with(PostMetadata::default);
            metadata.reactions = reactions;
            metadata.files = files;
        }
        post
    }

    /// A stored post, deleted ones included.
    pub(crate) fn raw_post(&self, id: &PostId) -> AppResult<&Post> {
        self.posts.get(id).ok_or_else(|| missing_post(id.as_str()))
    }

    /// A post that is not deleted, as the server returns it.
    pub(crate) fn post(&self, id: &PostId) -> AppResult<Post> {
        let post = self.raw_post(id)?;
        if post.delete_at.is_some() {
            return Err(missing_post(id.as_str()));
        }
        Ok(self.decorate(post))
    }

    /// The checks made before `MessageWillBeUpdated`: the post exists and is not deleted.
    pub(crate) fn check_post_update(&self, new: &Post) -> AppResult<Post> {
        let old = self.post(&new.id)?;
        if new.message.chars().count() > POST_MESSAGE_MAX_RUNES {
            return Err(bad_request(
                "model.post.is_valid.msg.app_error",
                format!("The message is longer than {POST_MESSAGE_MAX_RUNES} characters."),
            ));
        }
        Ok(old)
    }

    /// Applies an edit: message, props, files, pinned and type may change; `edit_at` is set
    /// when the message changed.
    pub(crate) fn apply_post_update(&mut self, new: Post) -> AppResult<ThreadChange> {
        let old = self.check_post_update(&new)?;
        let now = self.tick();
        let stored = self.posts.get_mut(&new.id).ok_or_else(|| missing_post(new.id.as_str()))?;
        if stored.message != new.message {
            stored.edit_at = Some(now);
            stored.hashtags = hashtags(&new.message);
        }
        stored.message = new.message;
        stored.props = new.props;
        stored.file_ids = new.file_ids;
        stored.is_pinned = new.is_pinned;
        stored.kind = new.kind;
        stored.update_at = now;
        let updated = stored.clone();
        Ok(ThreadChange { old, new: self.decorate(&updated) })
    }

    /// Deletes a post; deleting a root post deletes its replies too.
    pub(crate) fn delete_post(&mut self, id: &PostId) -> AppResult<Post> {
        let post = self.post(id)?;
        let now = self.tick();
        for stored in self.posts.values_mut() {
            let in_thread = stored.id == *id || stored.root_id.as_ref() == Some(id);
            if in_thread && stored.delete_at.is_none() {
                stored.delete_at = Some(now);
                stored.update_at = now;
            }
        }
        for file in self.files.values_mut().filter(|f| f.info.post_id.as_ref() == Some(id)) {
            file.info.delete_at = Some(now);
        }
        Ok(Post { delete_at: Some(now), update_at: now, ..post })
    }

    /// Live posts of a channel, oldest first.
    fn channel_posts(&self, channel: &ChannelId) -> Vec<&Post> {
        let mut posts: Vec<&Post> =
            self.posts.values().filter(|p| &p.channel_id == channel && p.delete_at.is_none()).collect();
        posts.sort_by_key(|p| p.create_at);
        posts
    }

    /// Builds a post list from posts newest first, with the roots of replies in `posts`.
    fn post_list(&self, newest_first: Vec<&Post>) -> PostList {
        let mut list = PostList::default();
        for post in newest_first {
            list.order.push(post.id.clone());
            list.posts.insert(post.id.clone(), self.decorate(post));
        }
        let roots: Vec<PostId> = list.posts.values().filter_map(|p| p.root_id.clone()).collect();
        for root in roots {
            if let Some(post) = self.posts.get(&root).filter(|p| p.delete_at.is_none()) {
                list.posts.entry(root).or_insert_with(|| self.decorate(post));
            }
        }
        list
    }

    /// A page of a channel's posts, newest first.
    pub(crate) fn posts_page(&self, channel: &ChannelId, which: PostsPage<'_>) -> AppResult<PostList> {
        self.channel(channel)?;
        let all = self.channel_posts(channel);
        let skip_take = |page: i32, per_page: i32| -> Option<(usize, usize)> {
            Some((
                usize::try_from(page).ok()?.saturating_mul(usize::try_from(per_page).ok()?),
                usize::try_from(per_page).ok()?,
            ))
        };
        let list = match which {
            PostsPage::Latest { page, per_page } => {
                let Some((skip, take)) = skip_take(page, per_page) else { return Ok(PostList::default()) };
                let selected: Vec<&Post> = all.iter().rev().skip(skip).take(take).copied().collect();
                let mut list = self.post_list(selected.clone());
                list.prev_post_id = selected.last().and_then(|oldest| {
                    all.iter().rev().find(|p| p.create_at < oldest.create_at).map(|p| p.id.clone())
                });
                list.has_next = skip > 0;
                list
            }
            PostsPage::Since { time } => {
                let selected: Vec<&Post> = self
                    .posts
                    .values()
                    .filter(|p| {
                        &p.channel_id == channel && p.update_at.as_millis() > time && p.delete_at.is_none()
                    })
                    .collect();
                let mut selected = selected;
                selected.sort_by_key(|p| std::cmp::Reverse(p.create_at));
                self.post_list(selected)
            }
            PostsPage::Before { post_id, page, per_page } => {
                let anchor = self.raw_post(post_id)?.create_at;
                let Some((skip, take)) = skip_take(page, per_page) else { return Ok(PostList::default()) };
                let older: Vec<&Post> = all.iter().rev().filter(|p| p.create_at < anchor).copied().collect();
                let selected: Vec<&Post> = older.iter().skip(skip).take(take).copied().collect();
                let mut list = self.post_list(selected.clone());
                list.next_post_id = Some(post_id.clone());
                list.prev_post_id = older.get(skip + selected.len()).map(|p| p.id.clone());
                list
            }
            PostsPage::After { post_id, page, per_page } => {
                let anchor = self.raw_post(post_id)?.create_at;
                let Some((skip, take)) = skip_take(page, per_page) else { return Ok(PostList::default()) };
                let newer: Vec<&Post> = all.iter().filter(|p| p.create_at > anchor).copied().collect();
                let mut selected: Vec<&Post> = newer.iter().skip(skip).take(take).copied().collect();
                let next = newer.get(skip + selected.len()).map(|p| p.id.clone());
                selected.reverse();
                let mut list = self.post_list(selected);
                list.prev_post_id = Some(post_id.clone());
                list.has_next = next.is_some();
                list.next_post_id = next;
                list
            }
        };
        Ok(list)
    }

    /// A thread (root and replies, newest first) from any of its posts.
    pub(crate) fn thread(&self, id: &PostId) -> AppResult<PostList> {
        let post = self.post(id)?;
        let root = post.thread_id().clone();
        let mut posts: Vec<&Post> = self
            .posts
            .values()
            .filter(|p| (p.id == root || p.root_id.as_ref() == Some(&root)) && p.delete_at.is_none())
            .collect();
        posts.sort_by_key(|p| std::cmp::Reverse(p.create_at));
        Ok(self.post_list(posts))
    }

    /// Adds a reaction (idempotent). Returns it and whether it is new.
    pub(crate) fn add_reaction(&mut self, mut reaction: Reaction) -> AppResult<(Reaction, bool)> {
        let post = self.post(&reaction.post_id)?;
        self.user(&reaction.user_id)?;
        let emoji = reaction.emoji_name.trim_matches(':').to_string();
        let valid = !emoji.is_empty()
            && emoji.len() <= 64
            && emoji.chars().all(|c| c.is_ascii_alphanumeric() || "_-+".contains(c));
        if !valid {
            return Err(bad_request(
                "model.reaction.is_valid.emoji_name.app_error",
                format!("Invalid emoji name {emoji:?}."),
            ));
        }
        reaction.emoji_name = emoji;
        if let Some(existing) = self.reactions.iter().find(|r| {
            r.post_id == reaction.post_id
                && r.user_id == reaction.user_id
                && r.emoji_name == reaction.emoji_name
                && r.delete_at.is_none()
        }) {
            return Ok((existing.clone(), false));
        }
        let now = self.tick();
        reaction.create_at = now;
        reaction.update_at = now;
        reaction.delete_at = None;
        reaction.channel_id = Some(post.channel_id.clone());
        self.reactions.push(reaction.clone());
        if let Some(stored) = self.posts.get_mut(&reaction.post_id) {
            stored.has_reactions = true;
            stored.update_at = now;
        }
        Ok((reaction, true))
    }

    /// Removes a reaction. Returns the removed reaction.
    pub(crate) fn remove_reaction(&mut self, reaction: &Reaction) -> AppResult<Reaction> {
        self.post(&reaction.post_id)?;
        let emoji = reaction.emoji_name.trim_matches(':');
        let now = self.tick();
        let found = self.reactions.iter_mut().find(|r| {
            r.post_id == reaction.post_id
                && r.user_id == reaction.user_id
                && r.emoji_name == emoji
                && r.delete_at.is_none()
        });
        let Some(found) = found else {
            return Err(not_found("app.reaction.get_for_post.app_error", "Unable to find the reaction."));
        };
        found.delete_at = Some(now);
        found.update_at = now;
        let removed = found.clone();
        let still = self.reactions.iter().any(|r| r.post_id == reaction.post_id && r.delete_at.is_none());
        if let Some(stored) = self.posts.get_mut(&reaction.post_id) {
            stored.has_reactions = still;
            stored.update_at = now;
        }
        Ok(removed)
    }

    pub(crate) fn reactions_for(&self, post: &PostId) -> AppResult<Vec<Reaction>> {
        self.raw_post(post)?;
        Ok(self.reactions.iter().filter(|r| &r.post_id == post && r.delete_at.is_none()).cloned().collect())
    }

    /// Keeps an ephemeral post for one user: it is never stored as a channel post.
    pub(crate) fn send_ephemeral(&mut self, user: &UserId, mut post: Post) -> Post {
        if post.id.is_empty() {
            post.id = PostId::generate();
        }
        let now = self.tick();
        if post.create_at.is_zero() {
            post.create_at = now;
        }
        post.update_at = now;
        post.kind = PostType::SystemEphemeral;
        self.ephemeral.retain(|(u, p)| !(u == user && p.id == post.id));
        self.ephemeral.push((user.clone(), post.clone()));
        post
    }

    pub(crate) fn update_ephemeral(&mut self, user: &UserId, mut post: Post) -> Post {
        post.update_at = self.tick();
        post.kind = PostType::SystemEphemeral;
        match self.ephemeral.iter_mut().find(|(u, p)| u == user && p.id == post.id) {
            Some((_, existing)) => {
                post.create_at = existing.create_at;
                *existing = post.clone();
            }
            None => self.ephemeral.push((user.clone(), post.clone())),
        }
        post
    }

    pub(crate) fn delete_ephemeral(&mut self, user: &UserId, post: &PostId) {
        self.ephemeral.retain(|(u, p)| !(u == user && &p.id == post));
    }

    fn channel_names(&self, team: &TeamId, names: &[String]) -> HashSet<ChannelId> {
        self.channels
            .values()
            .filter(|c| {
                (c.team_id.as_ref() == Some(team) || c.team_id.is_none())
                    && names.iter().any(|n| n == &c.name)
            })
            .map(|c| c.id.clone())
            .collect()
    }

    fn user_ids_of(&self, names: &[String]) -> HashSet<UserId> {
        self.users_by_usernames(names).into_iter().map(|u| u.id).collect()
    }

    /// Posts matching one set of search parameters in the given channels, with matched terms.
    fn search(
        &self,
        channels: &HashSet<ChannelId>,
        team: &TeamId,
        params: &SearchParams,
    ) -> Vec<(Post, Vec<String>)> {
        let terms: Vec<&str> = params.terms.split_whitespace().filter(|t| !t.is_empty()).collect();
        let in_channels = self.channel_names(team, &params.in_channels);
        let excluded_channels = self.channel_names(team, &params.excluded_channels);
        let from = self.user_ids_of(&params.from_users);
        let excluded_users = self.user_ids_of(&params.excluded_users);
        let mut found: Vec<(Post, Vec<String>)> = self
            .posts
            .values()
            .filter(|p| p.delete_at.is_none() && !p.kind.is_system() && channels.contains(&p.channel_id))
            .filter(|p| params.in_channels.is_empty() || in_channels.contains(&p.channel_id))
            .filter(|p| !excluded_channels.contains(&p.channel_id))
            .filter(|p| params.from_users.is_empty() || from.contains(&p.user_id))
            .filter(|p| !excluded_users.contains(&p.user_id))
            .filter_map(|p| {
                let message_words = words(&p.message);
                let matched: Vec<String> =
                    terms.iter().filter(|t| term_matches(t, &message_words)).map(|t| t.to_string()).collect();
                let hit = if terms.is_empty() {
                    true
                } else if params.is_or_search {
                    !matched.is_empty()
                } else {
                    matched.len() == terms.len()
                };
                hit.then(|| (self.decorate(p), matched))
            })
            .collect();
        found.sort_by_key(|(p, _)| std::cmp::Reverse(p.create_at));
        found
    }

    /// `SearchPostsInTeam`: posts of the team's public and private channels matching any of
    /// the parameter sets, newest first.
    pub(crate) fn search_posts_in_team(
        &self,
        team: &TeamId,
        params: &[SearchParams],
    ) -> AppResult<Vec<Post>> {
        self.team(team)?;
        let channels: HashSet<ChannelId> = self
            .channels
            .values()
            .filter(|c| {
                c.team_id.as_ref() == Some(team) && matches!(c.kind, ChannelType::Open | ChannelType::Private)
            })
            .map(|c| c.id.clone())
            .collect();
        let mut seen = HashSet::new();
        let mut posts = Vec::new();
        for set in params {
            for (post, _) in self.search(&channels, team, set) {
                if seen.insert(post.id.clone()) {
                    posts.push(post);
                }
            }
        }
        posts.sort_by_key(|p| std::cmp::Reverse(p.create_at));
        Ok(posts)
    }

    /// `SearchPostsInTeamForUser`: a search as the user types it (`from:`, `in:`, `-from:`,
    /// `-in:` modifiers), in the channels the user is a member of, paged.
    pub(crate) fn search_posts_for_user(
        &self,
        team: &TeamId,
        user: &UserId,
        parameter: &mm_types::SearchParameter,
    ) -> AppResult<PostSearchResults> {
        self.team(team)?;
        self.user(user)?;
        let mut params = SearchParams { is_or_search: parameter.is_or_search, ..SearchParams::default() };
        let mut terms = Vec::new();
        for word in parameter.terms.split_whitespace() {
            if let Some(v) = word.strip_prefix("from:") {
                params.from_users.push(v.trim_start_matches('@').to_lowercase());
            } else if let Some(v) = word.strip_prefix("-from:") {
                params.excluded_users.push(v.trim_start_matches('@').to_lowercase());
            } else if let Some(v) = word.strip_prefix("in:") {
                params.in_channels.push(v.trim_start_matches('~').to_string());
            } else if let Some(v) = word.strip_prefix("-in:") {
                params.excluded_channels.push(v.trim_start_matches('~').to_string());
            } else {
                terms.push(word);
            }
        }
        params.terms = terms.join(" ");
        let channels: HashSet<ChannelId> = self
            .channel_members
            .keys()
            .filter(|(_, u)| u == user)
            .map(|(c, _)| c.clone())
            .filter(|c| {
                self.channels.get(c).is_some_and(|ch| {
                    (ch.team_id.as_ref() == Some(team) || ch.team_id.is_none())
                        && (parameter.include_deleted_channels || ch.delete_at.is_none())
                })
            })
            .collect();
        let per_page = if parameter.per_page <= 0 { DEFAULT_SEARCH_PER_PAGE } else { parameter.per_page };
        let found = super::page(self.search(&channels, team, &params), parameter.page, per_page);
        let mut results = PostSearchResults::default();
        let mut matches: HashMap<PostId, Vec<String>> = HashMap::new();
        for (post, matched) in found {
            results.order.push(post.id.clone());
            matches.insert(post.id.clone(), matched);
            results.posts.insert(post.id.clone(), post);
        }
        results.matches = matches;
        Ok(results)
    }
}

impl Store {
    /// A post by id, deleted or not, as the server would return it.
    pub fn post(&self, id: &PostId) -> Option<Post> {
        let state = self.lock();
        state.posts.get(id).map(|p| state.decorate(p))
    }

    /// The live (not deleted) posts of a channel, oldest first.
    pub fn posts_in_channel(&self, channel: &ChannelId) -> Vec<Post> {
        let state = self.lock();
        state.channel_posts(channel).into_iter().map(|p| state.decorate(p)).collect()
    }

    /// The ephemeral posts sent to a user, oldest first.
    pub fn ephemeral_posts(&self, user: &UserId) -> Vec<Post> {
        self.lock().ephemeral.iter().filter(|(u, _)| u == user).map(|(_, p)| p.clone()).collect()
    }

    /// Live reactions on a post.
    pub fn reactions(&self, post: &PostId) -> Vec<Reaction> {
        self.lock().reactions_for(post).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashtags_are_words_after_a_hash_starting_with_a_letter() {
        assert_eq!(hashtags("ship #release-1.2 and #qa, not #1 or # alone #release-1.2"), "#release-1.2 #qa");
        assert_eq!(hashtags("no tags here"), "");
    }

    #[test]
    fn search_terms_match_whole_words_or_prefixes_with_a_star() {
        let message = words("Deploying the Rocket to @alice #launch");
        assert!(term_matches("rocket", &message));
        assert!(term_matches("depl*", &message));
        assert!(!term_matches("depl", &message));
        assert!(term_matches("alice", &message), "mentions match without the @");
        assert!(term_matches("#launch", &message));
        assert!(term_matches("launch", &message));
    }
}
