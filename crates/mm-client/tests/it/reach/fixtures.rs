//! Entities with distinctive field values, for the reach entries.

use mm_types::{
    AuditRecord, Bot, BotPatch, ChannelType, Command, CommandArgs, CreateDefaultMembershipParams,
    GetPostsSinceForSyncCursor, Group, GroupSyncable, JsonMap, KeyValuePair, OAuthApp, Preference,
    PreferenceCategory, RegisterPluginOpts, ServerConfig, SharedChannel, Team, TeamType, Timestamp,
    UploadSession, UploadType,
};
use serde_json::json;

use super::id;

pub fn team() -> Team {
    Team {
        id: id("team-fixture"),
        display_name: "Engineering".into(),
        name: "engineering".into(),
        kind: TeamType::Invite,
        allowed_domains: "example.com".into(),
        group_constrained: Some(true),
        ..Default::default()
    }
}

pub fn key_value_pair() -> KeyValuePair {
    KeyValuePair::new("attempt", json!({"n": 3, "ok": false}))
}

pub fn audit_record() -> AuditRecord {
    // A fixed time: `new` stamps the current millisecond, which differs between the record
    // sent and the record expected when the two are built in different milliseconds.
    AuditRecord {
        create_at: Timestamp::from_millis(1_700_000_000_777),
        ..AuditRecord::new("exportData").by_user(id("user-audit")).with_meta("rows", 42).success()
    }
}

pub fn upload_session() -> UploadSession {
    UploadSession {
        id: id("upload-fixture"),
        kind: UploadType::Attachment,
        user_id: id("user-upload"),
        channel_id: Some(id("chan-upload")),
        filename: "report.pdf".into(),
        file_size: 2048,
        file_offset: 1024,
        ..Default::default()
    }
}

pub fn bot() -> Bot {
    Bot::new("release-bot")
        .with_display_name("Release Bot")
        .with_description("Ships things")
        .owned_by("com.example.plugin")
}

pub fn bot_patch() -> BotPatch {
    BotPatch::default().with_display_name("Renamed Bot").with_description("Now ships faster")
}

pub fn command() -> Command {
    Command::new("deploy")
        .with_auto_complete("Deploy a service", "[service] [version]")
        .with_display_name("Deploy")
        .for_team(id("team-cmd"))
}

pub fn command_args() -> CommandArgs {
    CommandArgs {
        user_id: id("user-cmd"),
        channel_id: id("chan-cmd"),
        team_id: id("team-cmd"),
        root_id: Some(id("post-cmd-root")),
        command: "/deploy api 1.2.3".into(),
        ..Default::default()
    }
}

pub fn preference() -> Preference {
    Preference {
        user_id: id("user-pref"),
        category: PreferenceCategory::FlaggedPost,
        name: "post-pref".into(),
        value: "true".into(),
    }
}

pub fn oauth_app() -> OAuthApp {
    OAuthApp {
        id: id("oauth-fixture"),
        creator_id: id("user-oauth"),
        name: "Dashboard".into(),
        callback_urls: vec!["https://dash.example.com/cb".into()],
        homepage: "https://dash.example.com".into(),
        is_trusted: true,
        ..Default::default()
    }
}

pub fn group() -> Group {
    Group::custom("sre", "Site Reliability").with_description("On-call engineers")
}

pub fn group_syncable() -> GroupSyncable {
    GroupSyncable::for_channel(id("group-sync"), id("chan-sync")).auto_add()
}

pub fn create_default_membership_params() -> CreateDefaultMembershipParams {
    CreateDefaultMembershipParams {
        since: Timestamp::from_millis(1_600_000_000_000),
        scope_teams: true,
        scope_channels: false,
        re_add_removed_members: true,
    }
}

pub fn register_plugin_opts() -> RegisterPluginOpts {
    RegisterPluginOpts {
        plugin_id: "com.example.bridge".into(),
        display_name: "Bridge".into(),
        description: "Bridges channels".into(),
    }
}

pub fn shared_channel() -> SharedChannel {
    SharedChannel {
        channel_id: id("chan-shared"),
        team_id: id("team-shared"),
        share_name: "partners".into(),
        share_display_name: "Partners".into(),
        creator_id: id("user-shared"),
        kind: ChannelType::Open,
        remote_id: Some(id("remote-shared")),
        ..Default::default()
    }
}

pub fn get_posts_since_for_sync_cursor() -> GetPostsSinceForSyncCursor {
    GetPostsSinceForSyncCursor {
        last_post_update_at: Timestamp::from_millis(1_700_000_123_456),
        last_post_id: Some(id("post-cursor")),
    }
}

pub fn json_map() -> JsonMap {
    match json!({"enabled": true, "threshold": 7, "channels": ["town-square"]}) {
        serde_json::Value::Object(map) => map,
        _ => unreachable!("an object literal"),
    }
}

pub fn server_config() -> ServerConfig {
    ServerConfig::from_value(&json!({"ServiceSettings": {"SiteURL": "https://chat.example.com"}})).unwrap()
}
