//! Bots.

use mattermost_plugin::serde_json::json;
use mattermost_plugin::types::{AccountState, Bot, BotPatch, Deleted, Page, UserId};

use super::{Entry, Vals, e, one, unit};

fn bot(v: Vals) -> Bot {
    let mut bot = Bot::new(v.raw_id(1))
        .with_display_name(v.text("display"))
        .with_description(v.text("description"))
        .owned_by(v.raw_id(2));
    bot.user_id = v.id(0);
    bot
}

pub(super) fn entries() -> Vec<Entry> {
    vec![
        e("CreateBot", |c, v| one(args![bot(v)], c.bots().create(bot(v)))),
        e("PatchBot", |c, v| {
            let id: UserId = v.id(0);
            let patch = BotPatch::default()
                .with_display_name(v.text("display"))
                .with_description(v.text("description"));
            one(args![id, patch], c.bots().patch(&id, patch))
        }),
        e("GetBot", |c, v| {
            let id: UserId = v.id(0);
            one(args![id, true], c.bots().get(&id, Deleted::Include))
        }),
        e("UpdateBotActive", |c, v| {
            let id: UserId = v.id(0);
            one(args![id, true], c.bots().update_active(&id, AccountState::Active))
        }),
        e("PermanentDeleteBot", |c, v| {
            let id: UserId = v.id(0);
            unit(args![id], c.bots().delete_permanently(&id))
        }),
        e("GetBots", |c, v| {
            // `*model.BotGetOptions` has no json tags: Go's field names.
            let options = json!({
                "OwnerId": v.raw_id(0), "IncludeDeleted": true, "OnlyOrphaned": true, "Page": 2, "PerPage": 30,
            });
            let call = c
                .bots()
                .list()
                .owner(&v.raw_id(0))
                .include_deleted()
                .only_orphaned()
                .page(Page::new(2, 30))
                .send();
            one(vec![options], call)
        }),
        e("EnsureBotUser", |c, v| one(args![bot(v)], c.bots().ensure(bot(v)))),
    ]
}
