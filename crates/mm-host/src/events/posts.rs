//! Posts and reactions: `MessageWillBePosted`, `MessageHasBeenPosted`, `MessageWillBeUpdated`,
//! `MessageHasBeenUpdated`, `MessageHasBeenDeleted`, `ReactionHasBeenAdded/Removed`.

use mm_hooks::requests;
use mm_types::{AppError, PluginContext, Post, PostId, Reaction, UserId};

use super::{DISMISS_POST_REASON, Verdict};
use crate::Host;

/// The error the server answers when a plugin rejects a post.
fn post_rejected(reason: String) -> AppError {
    let message = format!("Post rejected by plugin. {reason}");
    let id = if reason == DISMISS_POST_REASON { reason } else { message.clone() };
    AppError::new(id, message).with_status(400)
}

impl Host {
    /// Creates a post as the server does: checks it, runs `MessageWillBePosted` on each
    /// plugin (which may replace, reject or dismiss it), stores it, then runs
    /// `MessageHasBeenPosted`. `post.user_id` is the author.
    ///
    /// A rejection is an `AppError` with status 400 whose id is
    /// `Post rejected by plugin. <reason>`, or [`DISMISS_POST_REASON`] for a dismissed post.
    pub async fn create_post(&self, post: Post) -> Result<Post, AppError> {
        self.create_post_with(post, &self.plugin_context()).await
    }

    pub(crate) async fn create_post_with(
        &self,
        mut post: Post,
        cx: &PluginContext,
    ) -> Result<Post, AppError> {
        self.store().with(|s| s.check_new_post(&post))?;
        for plugin in self.plugins() {
            let request = requests::message_will_be_posted(Some(cx.clone()), post.clone());
            let verdict = plugin.decide(request, post, |r| (r.modified_post, r.rejection_reason)).await;
            match verdict {
                Verdict::Allow(next) => post = next,
                Verdict::Reject(reason) => return Err(post_rejected(reason)),
            }
        }
        let post = self.store().with(|s| s.insert_post(post))?;
        self.notify_each(requests::message_has_been_posted(Some(cx.clone()), post.clone()));
        Ok(post)
    }

    /// Edits a post: `MessageWillBeUpdated` (replace or reject), store, `MessageHasBeenUpdated`.
    pub async fn update_post(&self, post: Post) -> Result<Post, AppError> {
        let cx = self.plugin_context();
        let old = self.store().with(|s| s.check_post_update(&post))?;
        let mut new = post;
        for plugin in self.plugins() {
            let request = requests::message_will_be_updated(Some(cx.clone()), new.clone(), old.clone());
            let verdict = plugin.decide(request, new, |r| (r.modified_post, r.rejection_reason)).await;
            match verdict {
                Verdict::Allow(next) => new = next,
                Verdict::Reject(reason) => {
                    return Err(AppError::new(
                        format!("Post rejected by plugin. {reason}"),
                        format!("Post rejected by plugin. {reason}"),
                    )
                    .with_status(400));
                }
            }
        }
        new.id = old.id.clone();
        let change = self.store().with(|s| s.apply_post_update(new))?;
        self.notify_each(requests::message_has_been_updated(Some(cx), change.new.clone(), change.old));
        Ok(change.new)
    }

    /// Deletes a post (and its replies, for a root post), then runs `MessageHasBeenDeleted`.
    pub async fn delete_post(&self, post_id: &PostId) -> Result<Post, AppError> {
        let cx = self.plugin_context();
        let deleted = self.store().with(|s| s.delete_post(post_id))?;
        self.notify_each(requests::message_has_been_deleted(Some(cx), deleted.clone()));
        Ok(deleted)
    }

    /// Adds a reaction and runs `ReactionHasBeenAdded` (only when it is new).
    pub async fn add_reaction(&self, reaction: Reaction) -> Result<Reaction, AppError> {
        let (reaction, added) = self.store().with(|s| s.add_reaction(reaction))?;
        if added {
            self.notify_each(requests::reaction_has_been_added(
                Some(self.plugin_context()),
                reaction.clone(),
            ));
        }
        Ok(reaction)
    }

    /// Removes a reaction and runs `ReactionHasBeenRemoved`.
    pub async fn remove_reaction(&self, reaction: &Reaction) -> Result<(), AppError> {
        let removed = self.store().with(|s| s.remove_reaction(reaction))?;
        self.notify_each(requests::reaction_has_been_removed(Some(self.plugin_context()), removed));
        Ok(())
    }

    /// Sends an ephemeral post: only `user_id` sees it, and it is not stored as a channel post.
    pub fn send_ephemeral_post(&self, user_id: &UserId, post: Post) -> Post {
        self.store().with(|s| s.send_ephemeral(user_id, post))
    }
}
