//! Bot accounts.

use mm_proto::v1 as wire;
use serde::{Deserialize, Serialize};

use crate::id::UserId;
use crate::page::Page;
use crate::timestamp::Timestamp;
use crate::wire_struct;

/// A bot account. A bot is also a [`User`](crate::User) with `is_bot` set, under the same id.
///
/// ```
/// use mm_types::Bot;
/// let bot = Bot::new("weather-bot").with_display_name("Weather").with_description("Forecasts on demand");
/// assert_eq!(bot.username, "weather-bot");
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Bot {
    /// The bot's user id (empty until created).
    pub user_id: UserId,
    /// The bot's username.
    pub username: String,
    /// The name shown.
    pub display_name: String,
    /// What the bot does.
    pub description: String,
    /// The owner: a user id, or the id of the plugin that created the bot.
    pub owner_id: String,
    /// When the bot was created.
    pub create_at: Timestamp,
    /// When it last changed.
    pub update_at: Timestamp,
    /// When it was deactivated, if it is.
    #[serde(with = "crate::timestamp::zero_as_none")]
    pub delete_at: Option<Timestamp>,
    /// When its icon last changed, if it has one.
    #[serde(with = "crate::timestamp::zero_as_none")]
    pub last_icon_update: Option<Timestamp>,
}

impl Bot {
    /// A new bot with a username; the server fills in the rest.
    pub fn new(username: impl Into<String>) -> Self {
        Bot { username: username.into(), ..Default::default() }
    }

    /// Sets the name shown.
    pub fn with_display_name(mut self, display_name: impl Into<String>) -> Self {
        self.display_name = display_name.into();
        self
    }

    /// Sets the description.
    pub fn with_description(mut self, description: impl Into<String>) -> Self {
        self.description = description.into();
        self
    }

    /// Sets the owner (a user id or a plugin id).
    pub fn owned_by(mut self, owner_id: impl Into<String>) -> Self {
        self.owner_id = owner_id.into();
        self
    }

    /// Whether the bot is deactivated.
    pub fn is_deleted(&self) -> bool {
        self.delete_at.is_some()
    }
}

wire_struct! {
    Bot <=> wire::Bot {
        user_id, username, display_name, description, owner_id, create_at, update_at, delete_at,
        last_icon_update,
    }
}

/// Changes to a bot: only the fields set are changed.
///
/// ```
/// use mm_types::BotPatch;
/// let patch = BotPatch::default().with_display_name("Weather (beta)");
/// assert_eq!(patch.username, None);
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct BotPatch {
    /// A new username.
    pub username: Option<String>,
    /// A new display name.
    pub display_name: Option<String>,
    /// A new description.
    pub description: Option<String>,
}

impl BotPatch {
    /// Changes the username.
    pub fn with_username(mut self, username: impl Into<String>) -> Self {
        self.username = Some(username.into());
        self
    }

    /// Changes the display name.
    pub fn with_display_name(mut self, display_name: impl Into<String>) -> Self {
        self.display_name = Some(display_name.into());
        self
    }

    /// Changes the description.
    pub fn with_description(mut self, description: impl Into<String>) -> Self {
        self.description = Some(description.into());
        self
    }
}

wire_struct! {
    BotPatch <=> wire::BotPatch { username, display_name, description }
}

/// Which bots `GetBots` lists, one page at a time.
///
/// ```
/// use mm_types::{BotGetOptions, Page};
/// let opts = BotGetOptions::page(Page::first(50)).include_deleted();
/// assert_eq!(opts.per_page, 50);
/// assert!(opts.include_deleted);
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct BotGetOptions {
    /// Only bots of this owner (a user id or a plugin id); empty for all.
    pub owner_id: String,
    /// Whether deactivated bots are listed.
    pub include_deleted: bool,
    /// Only bots whose owner was deactivated.
    pub only_orphaned: bool,
    /// The page, from 0.
    pub page: i32,
    /// Bots per page.
    pub per_page: i32,
}

impl BotGetOptions {
    /// One page of bots.
    pub fn page(page: Page) -> Self {
        BotGetOptions { page: page.wire_index(), per_page: page.wire_per_page(), ..Default::default() }
    }

    /// Only bots of one owner.
    pub fn owned_by(mut self, owner_id: impl Into<String>) -> Self {
        self.owner_id = owner_id.into();
        self
    }

    /// Lists deactivated bots too.
    pub fn include_deleted(mut self) -> Self {
        self.include_deleted = true;
        self
    }

    /// Only bots whose owner was deactivated.
    pub fn only_orphaned(mut self) -> Self {
        self.only_orphaned = true;
        self
    }
}

wire_struct! {
    BotGetOptions <=> wire::BotGetOptions { owner_id, include_deleted, only_orphaned, page, per_page }
}
