//! Bot accounts: a bot is a user with `is_bot` plus a bot record (owner, description).

use mm_types::{Bot, BotGetOptions, BotPatch, User, UserId};

use super::errors::{bad_request, not_found};
use super::{AppResult, State, Store, page};

fn missing_bot(id: &str) -> mm_types::AppError {
    not_found("store.sql_bot.get.missing.app_error", format!("Unable to find the bot ({id})."))
}

impl State {
    /// Creates a bot and its user. `owner` is who owns it when the bot does not say (the
    /// calling plugin, for PluginAPI calls).
    pub(crate) fn create_bot(&mut self, mut bot: Bot, owner: &str) -> AppResult<Bot> {
        bot.username = bot.username.trim().to_lowercase();
        if bot.owner_id.is_empty() {
            bot.owner_id = owner.to_string();
        }
        if bot.description.chars().count() > 1024 {
            return Err(bad_request(
                "model.bot.is_valid.description.app_error",
                "The description is too long.",
            ));
        }
        let user = User {
            username: bot.username.clone(),
            email: format!("{}@localhost", bot.username),
            first_name: bot.display_name.clone(),
            is_bot: true,
            bot_description: bot.description.clone(),
            ..User::default()
        };
        let user = self.create_user(user)?;
        bot.user_id = user.id.clone();
        bot.create_at = user.create_at;
        bot.update_at = user.create_at;
        bot.delete_at = None;
        self.bots.insert(bot.user_id.clone(), bot.clone());
        Ok(bot)
    }

    /// The bot named like `bot`, created if missing, updated and reactivated if it exists.
    pub(crate) fn ensure_bot(&mut self, bot: Bot, owner: &str) -> AppResult<UserId> {
        let username = bot.username.trim().to_lowercase();
        match self.users.values().find(|u| u.username == username).cloned() {
            None => Ok(self.create_bot(bot, owner)?.user_id),
            Some(user) if !user.is_bot || !self.bots.contains_key(&user.id) => Err(bad_request(
                "app.bot.createbot.internal_error",
                format!("The username {username:?} belongs to a user who is not a bot."),
            )),
            Some(user) => {
                let patch = BotPatch {
                    username: None,
                    display_name: (!bot.display_name.is_empty()).then_some(bot.display_name),
                    description: (!bot.description.is_empty()).then_some(bot.description),
                };
                self.patch_bot(&user.id, patch)?;
                if user.delete_at.is_some() {
                    self.set_user_active(&user.id, true)?;
                }
                Ok(user.id)
            }
        }
    }

    pub(crate) fn bot(&self, id: &UserId, include_deleted: bool) -> AppResult<Bot> {
        self.bots
            .get(id)
            .filter(|b| include_deleted || b.delete_at.is_none())
            .cloned()
            .ok_or_else(|| missing_bot(id.as_str()))
    }

    pub(crate) fn patch_bot(&mut self, id: &UserId, patch: BotPatch) -> AppResult<Bot> {
        let mut bot = self.bot(id, true)?;
        let mut user = self.user(id)?.clone();
        if let Some(username) = patch.username {
            user.username = username.trim().to_lowercase();
            bot.username = user.username.clone();
        }
        if let Some(display_name) = patch.display_name {
            user.first_name = display_name.clone();
            bot.display_name = display_name;
        }
        if let Some(description) = patch.description {
            user.bot_description = description.clone();
            bot.description = description;
        }
        let user = self.update_user(user)?;
        bot.update_at = user.update_at;
        self.bots.insert(id.clone(), bot.clone());
        Ok(bot)
    }

    /// Bots sorted by username, filtered and paged as asked.
    pub(crate) fn bots(&self, options: &BotGetOptions) -> Vec<Bot> {
        let mut bots: Vec<Bot> = self
            .bots
            .values()
            .filter(|b| options.include_deleted || b.delete_at.is_none())
            .filter(|b| options.owner_id.is_empty() || b.owner_id == options.owner_id)
            .filter(|b| {
                !options.only_orphaned
                    || self
                        .users
                        .get(&UserId::from_raw(b.owner_id.clone()))
                        .is_none_or(|u| u.delete_at.is_some())
            })
            .cloned()
            .collect();
        bots.sort_by(|a, b| a.username.cmp(&b.username));
        page(bots, options.page, options.per_page)
    }

    pub(crate) fn set_bot_active(&mut self, id: &UserId, active: bool) -> AppResult<Bot> {
        self.bot(id, true)?;
        self.set_user_active(id, active)?;
        self.bot(id, true)
    }

    /// Deletes a bot and its user for good.
    pub(crate) fn delete_bot(&mut self, id: &UserId) -> AppResult<()> {
        self.bot(id, true)?;
        self.bots.remove(id);
        self.users.remove(id);
        self.statuses.remove(id);
        self.sessions.retain(|_, s| &s.user_id != id);
        self.tokens.retain(|_, t| &t.user_id != id);
        self.team_members.retain(|(_, u), _| u != id);
        self.channel_members.retain(|(_, u), _| u != id);
        Ok(())
    }
}

impl Store {
    /// The bot with this user id (deactivated bots included).
    pub fn bot(&self, id: &UserId) -> Option<Bot> {
        self.lock().bot(id, true).ok()
    }

    /// Every bot, deactivated ones included, sorted by username.
    pub fn bots(&self) -> Vec<Bot> {
        let options =
            BotGetOptions { include_deleted: true, page: 0, per_page: i32::MAX, ..BotGetOptions::default() };
        self.lock().bots(&options)
    }
}
