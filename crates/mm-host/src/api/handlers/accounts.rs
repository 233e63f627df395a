//! Bots, preferences and OAuth apps.

use mm_proto::v1 as wire;
use mm_types::{Bot, BotGetOptions, BotPatch, OAuthApp, Preference};

use super::{id, wires};
use crate::api::router::{ApiRouter, answer, domain, required};

/// Registers the handlers of this domain.
pub(super) fn routes(router: &mut ApiRouter) {
    // bots
    router.route(|api, r: wire::CreateBotRequest| {
        let bot: Bot = domain(required(r.bot, "bot")?)?;
        let bot = api.with(|s| s.create_bot(bot, &api.plugin_id));
        answer(bot, |b| wire::CreateBotResponse { error: None, bot: Some(b.into()) })
    });
    router.route(|api, r: wire::PatchBotRequest| {
        let patch: BotPatch = domain(required(r.bot_patch, "bot_patch")?)?;
        let bot = api.with(|s| s.patch_bot(&id(r.bot_user_id), patch));
        answer(bot, |b| wire::PatchBotResponse { error: None, bot: Some(b.into()) })
    });
    router.route(|api, r: wire::GetBotRequest| {
        let bot = api.with(|s| s.bot(&id(r.bot_user_id), r.include_deleted));
        answer(bot, |b| wire::GetBotResponse { error: None, bot: Some(b.into()) })
    });
    router.route(|api, r: wire::GetBotsRequest| {
        let options: BotGetOptions = domain(r.options.unwrap_or_default())?;
        let bots = api.with(|s| s.bots(&options));
        Ok(wire::GetBotsResponse { error: None, bots: wires(bots) })
    });
    router.route(|api, r: wire::UpdateBotActiveRequest| {
        let bot = api.with(|s| s.set_bot_active(&id(r.bot_user_id), r.active));
        answer(bot, |b| wire::UpdateBotActiveResponse { error: None, bot: Some(b.into()) })
    });
    router.route(|api, r: wire::PermanentDeleteBotRequest| {
        let result = api.with(|s| s.delete_bot(&id(r.bot_user_id)));
        answer(result, |()| wire::PermanentDeleteBotResponse { error: None })
    });
    router.route(|api, r: wire::EnsureBotUserRequest| {
        let bot: Bot = domain(required(r.bot, "bot")?)?;
        let bot_id = api.with(|s| s.ensure_bot(bot, &api.plugin_id));
        answer(bot_id, |id| wire::EnsureBotUserResponse { error: None, bot_user_id: id.into_string() })
    });

    // preferences
    router.route(|api, r: wire::GetPreferenceForUserRequest| {
        let preference = api.with(|s| s.preference(&id(r.user_id), &r.category, &r.name));
        answer(preference, |p| wire::GetPreferenceForUserResponse { error: None, preference: Some(p.into()) })
    });
    router.route(|api, r: wire::GetPreferencesForUserRequest| {
        let preferences = api.with(|s| s.preferences_of(&id(r.user_id)));
        answer(preferences, |p| wire::GetPreferencesForUserResponse { error: None, preferences: wires(p) })
    });
    router.route_async(|api, r: wire::UpdatePreferencesForUserRequest| async move {
        let preferences: Vec<Preference> = domain(r.preferences)?;
        let result = api.host.update_preferences(&id(r.user_id), preferences).await;
        answer(result, |()| wire::UpdatePreferencesForUserResponse { error: None })
    });
    router.route_async(|api, r: wire::DeletePreferencesForUserRequest| async move {
        let preferences: Vec<Preference> = domain(r.preferences)?;
        let result = api.host.delete_preferences(&id(r.user_id), preferences).await;
        answer(result, |()| wire::DeletePreferencesForUserResponse { error: None })
    });

    // OAuth apps
    router.route(|api, r: wire::CreateOAuthAppRequest| {
        let app: OAuthApp = domain(required(r.app, "app")?)?;
        let app = api.with(|s| s.create_oauth_app(app));
        answer(app, |a| wire::CreateOAuthAppResponse { error: None, app: Some(a.into()) })
    });
    router.route(|api, r: wire::GetOAuthAppRequest| {
        let app = api.with(|s| s.oauth_app(&id(r.app_id)));
        answer(app, |a| wire::GetOAuthAppResponse { error: None, app: Some(a.into()) })
    });
    router.route(|api, r: wire::UpdateOAuthAppRequest| {
        let app: OAuthApp = domain(required(r.app, "app")?)?;
        let app = api.with(|s| s.update_oauth_app(app));
        answer(app, |a| wire::UpdateOAuthAppResponse { error: None, app: Some(a.into()) })
    });
    router.route(|api, r: wire::DeleteOAuthAppRequest| {
        let result = api.with(|s| s.delete_oauth_app(&id(r.app_id)));
        answer(result, |()| wire::DeleteOAuthAppResponse { error: None })
    });
}
