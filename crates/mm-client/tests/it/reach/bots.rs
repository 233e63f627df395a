//! Reach entries: bot accounts.

use mm_types::convert::IntoWire;
use mm_types::{AccountState, Deleted, Page, wire};

use super::{Reach, fx, id};

pub async fn run(r: &mut Reach) {
    let c = r.client.clone();
    let g = c.bots();
    r.check("CreateBot", g.create(fx::bot()), wire::CreateBotRequest { bot: Some(fx::bot().into_wire()) })
        .await;
    r.check(
        "PatchBot",
        g.patch(&id("PatchBot.bot_user_id"), fx::bot_patch()),
        wire::PatchBotRequest {
            bot_user_id: "PatchBot.bot_user_id".into(),
            bot_patch: Some(fx::bot_patch().into_wire()),
        },
    )
    .await;
    r.check(
        "GetBot",
        g.get(&id("GetBot.bot_user_id"), Deleted::Include),
        wire::GetBotRequest { bot_user_id: "GetBot.bot_user_id".into(), include_deleted: true },
    )
    .await;
    r.check(
        "UpdateBotActive",
        g.update_active(&id("UpdateBotActive.bot_user_id"), AccountState::Active),
        wire::UpdateBotActiveRequest { bot_user_id: "UpdateBotActive.bot_user_id".into(), active: true },
    )
    .await;
    r.check(
        "PermanentDeleteBot",
        g.delete_permanently(&id("PermanentDeleteBot.bot_user_id")),
        wire::PermanentDeleteBotRequest { bot_user_id: "PermanentDeleteBot.bot_user_id".into() },
    )
    .await;
    r.check(
        "GetBots",
        g.list().owner("com.example.owner").include_deleted().only_orphaned().page(Page::new(2, 20)),
        wire::GetBotsRequest {
            options: Some(wire::BotGetOptions {
                owner_id: "com.example.owner".into(),
                include_deleted: true,
                only_orphaned: true,
                page: 2,
                per_page: 20,
            }),
        },
    )
    .await;
    r.server.on(
        "EnsureBotUser",
        crate::support::message(wire::EnsureBotUserResponse {
            error: None,
            bot_user_id: "bot-user-ensured".into(),
        }),
    );
    let bot_id = r
        .check(
            "EnsureBotUser",
            g.ensure(fx::bot()),
            wire::EnsureBotUserRequest { bot: Some(fx::bot().into_wire()) },
        )
        .await;
    assert_eq!(bot_id, "bot-user-ensured");
}
