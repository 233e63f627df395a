//! Bot accounts.

use mm_types::Page;
use mm_types::convert::IntoWire;
use mm_types::{AccountState, Bot, BotGetOptions, BotPatch, Deleted, UserId, wire};

use crate::client::{ApiClient, from_wire, payload};
use crate::error::Error;
use crate::mode::{ApiCall, Mode};
use crate::pages::paged_builder;

/// Bot accounts: `client.bots()`.
///
/// ```no_run
/// # async fn demo(client: mm_client::Client, channel: mm_types::ChannelId, user: mm_types::UserId) -> mm_client::Result<()> {
/// use mm_types::Bot;
/// let bot_id = client.bots().ensure(Bot::new("helper")).await?;
/// let bot = client.bots().get(&bot_id, mm_types::Deleted::Exclude).await?;
/// # Ok(()) }
/// ```
#[derive(Debug)]
pub struct Bots<'a, M: Mode> {
    client: &'a ApiClient<M>,
}

impl<M: Mode> ApiClient<M> {
    /// Bot accounts.
    pub fn bots(&self) -> Bots<'_, M> {
        Bots { client: self }
    }
}

impl<'a, M: Mode> Bots<'a, M> {
    /// Creates a bot account (`CreateBot`).
    pub fn create(&self, bot: Bot) -> M::Output<Bot> {
        let request = wire::CreateBotRequest { bot: Some(bot.into_wire()) };
        self.client.call(request, |r| payload(r.bot, "bot"))
    }

    /// Changes some fields of a bot (`PatchBot`).
    pub fn patch(&self, bot_user_id: &UserId, patch: BotPatch) -> M::Output<Bot> {
        let request = wire::PatchBotRequest {
            bot_user_id: bot_user_id.to_string(),
            bot_patch: Some(patch.into_wire()),
        };
        self.client.call(request, |r| payload(r.bot, "bot"))
    }

    /// A bot by user id (`GetBot`).
    pub fn get(&self, bot_user_id: &UserId, deleted: Deleted) -> M::Output<Bot> {
        let request =
            wire::GetBotRequest { bot_user_id: bot_user_id.to_string(), include_deleted: deleted.included() };
        self.client.call(request, |r| payload(r.bot, "bot"))
    }

    /// Activates or deactivates a bot (`UpdateBotActive`).
    pub fn update_active(&self, bot_user_id: &UserId, state: AccountState) -> M::Output<Bot> {
        let request =
            wire::UpdateBotActiveRequest { bot_user_id: bot_user_id.to_string(), active: state.is_active() };
        self.client.call(request, |r| payload(r.bot, "bot"))
    }

    /// Deletes a bot and its user for good (`PermanentDeleteBot`).
    pub fn delete_permanently(&self, bot_user_id: &UserId) -> M::Output<()> {
        let request = wire::PermanentDeleteBotRequest { bot_user_id: bot_user_id.to_string() };
        self.client.call(request, |_| Ok(()))
    }

    /// Lists bots with filters and paging (`GetBots`); finish with `.send()` or `.await`.
    ///
    /// ```no_run
    /// # async fn demo(client: mm_client::Client) -> mm_client::Result<()> {
    /// let mine = client.bots().list().owner("com.example.plugin").include_deleted().await?;
    /// # Ok(()) }
    /// ```
    pub fn list(&self) -> GetBots<'a, M> {
        GetBots { client: self.client, page: Page::default(), options: BotGetOptions::page(Page::default()) }
    }

    /// Makes sure the bot exists and is active, creating it (or updating and reactivating
    /// the plugin's bot with the same username) as needed, and returns its user id
    /// (`EnsureBotUser`). Call it when the plugin activates.
    ///
    /// ```no_run
    /// # async fn demo(client: mm_client::Client) -> mm_client::Result<()> {
    /// use mm_types::Bot;
    /// let bot_id = client.bots().ensure(Bot::new("reminder-bot").with_display_name("Reminders")).await?;
    /// client.posts().send_direct_message(&bot_id, &"user-id".parse()?, "Hello!").await?;
    /// # Ok(()) }
    /// ```
    pub fn ensure(&self, bot: Bot) -> M::Output<UserId> {
        let request = wire::EnsureBotUserRequest { bot: Some(bot.into_wire()) };
        self.client.call(request, |r| {
            if r.bot_user_id.is_empty() {
                return Err(Error::malformed("the response has no bot_user_id"));
            }
            Ok(UserId::from_raw(r.bot_user_id))
        })
    }
}

/// Filters and paging for [`Bots::list`] (`GetBots`). Defaults: page 0, 60 per page, active
/// bots of every owner.
#[derive(Debug)]
#[must_use = "a builder does nothing until sent"]
pub struct GetBots<'a, M: Mode> {
    client: &'a ApiClient<M>,
    page: Page,
    options: BotGetOptions,
}

impl<M: Mode> GetBots<'_, M> {
    /// Only bots of this owner (a user id or a plugin id).
    pub fn owner(mut self, owner_id: &str) -> Self {
        self.options.owner_id = owner_id.to_owned();
        self
    }

    /// Lists deactivated bots too.
    pub fn include_deleted(mut self) -> Self {
        self.options.include_deleted = true;
        self
    }

    /// Only bots whose owner was deactivated.
    pub fn only_orphaned(mut self) -> Self {
        self.options.only_orphaned = true;
        self
    }

    /// All the options at once; their `page` and `per_page` are replaced by
    /// [`page`](Self::page)'s (default: the first page of 60).
    pub fn options(mut self, options: BotGetOptions) -> Self {
        self.options = options;
        self
    }

    /// Which page to get, and its size (default: the first page of 60).
    pub fn page(mut self, page: Page) -> Self {
        self.page = page;
        self
    }

    /// Sends the query.
    pub fn send(self) -> M::Output<Vec<Bot>> {
        self.client.run(self.fetch(self.page))
    }

    /// The call for one page.
    fn fetch(&self, page: Page) -> ApiCall<Vec<Bot>> {
        let options =
            BotGetOptions { page: page.wire_index(), per_page: page.wire_per_page(), ..self.options.clone() };
        let request = wire::GetBotsRequest { options: Some(options.into_wire()) };
        self.client.call_async(request, |r| from_wire(r.bots))
    }
}

awaitable_builder!(GetBots, Vec<Bot>);
paged_builder!(GetBots, Bot);
