//! The domain types read the JSON that Mattermost's REST API sends, and write it back.
//!
//! The documents follow the response shapes of Mattermost's public REST API documentation
//! (api.mattermost.com), filled in the way a server fills them: Go writes empty lists and maps
//! as `null`, numbers for times, strings for ids. Each test checks the typed fields, then that
//! serializing gives every key back with the same value (except the few keys a type does not
//! model, which are named).

use mm_types::{
    ChannelType, CommandResponse, CommandResponseType, Post, PostType, Preference, PreferenceCategory,
    Status, TeamMember, User, UserStatus,
};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

/// Reads `input` as `T`, serializes it again and checks that every key of `input` comes back
/// with the same value, except the paths in `not_modeled` (dotted, such as
/// `metadata.emojis`), which must be gone. A `null` list or map may come back empty.
fn read_and_write_back<T: Serialize + DeserializeOwned>(input: Value, not_modeled: &[&str]) -> T {
    let typed: T = serde_json::from_value(input.clone()).expect("Mattermost JSON reads");
    let output = serde_json::to_value(&typed).expect("serializes");
    compare("", &input, &output, not_modeled);
    typed
}

fn compare(path: &str, input: &Value, output: &Value, not_modeled: &[&str]) {
    match (input, output) {
        (Value::Object(input), Value::Object(output)) => {
            for (key, value) in input {
                let inner = if path.is_empty() { key.clone() } else { format!("{path}.{key}") };
                if not_modeled.contains(&inner.as_str()) {
                    assert!(!output.contains_key(key), "{inner} is not modeled but came back");
                    continue;
                }
                let back = output.get(key).unwrap_or_else(|| panic!("{inner} did not come back"));
                compare(&inner, value, back, not_modeled);
            }
        }
        (Value::Array(input), Value::Array(output)) => {
            assert_eq!(input.len(), output.len(), "{path}: list length");
            for (i, (value, back)) in input.iter().zip(output).enumerate() {
                compare(&format!("{path}[{i}]"), value, back, not_modeled);
            }
        }
        // Go writes a nil list or map as null; this SDK writes it empty.
        (Value::Null, Value::Array(back)) if back.is_empty() => {}
        (Value::Null, Value::Object(back)) if back.is_empty() => {}
        (input, output) => assert_eq!(input, output, "{path}"),
    }
}

#[test]
fn a_user() {
    let user: User = read_and_write_back(
        json!({
            "id": "8ds6pkzokfbf3r1ihxzrpiuxye",
            "create_at": 1_700_000_000_000_i64,
            "update_at": 1_700_000_100_000_i64,
            "delete_at": 0,
            "username": "alice",
            "auth_data": "",
            "auth_service": "",
            "email": "alice@example.com",
            "email_verified": true,
            "nickname": "Al",
            "first_name": "Alice",
            "last_name": "Liddell",
            "position": "Engineer",
            "roles": "system_user system_admin",
            "notify_props": {
                "channel": "true",
                "comments": "never",
                "desktop": "mention",
                "desktop_sound": "true",
                "email": "true",
                "first_name": "false",
                "mention_keys": "",
                "push": "mention",
                "push_status": "away"
            },
            "props": {},
            "last_password_update": 1_700_000_000_000_i64,
            "last_picture_update": 0,
            "failed_attempts": 0,
            "locale": "en",
            "timezone": {
                "automaticTimezone": "Europe/Paris",
                "manualTimezone": "",
                "useAutomaticTimezone": "true"
            },
            "mfa_active": false,
            "last_activity_at": 1_700_000_200_000_i64,
            "is_bot": false,
            "bot_description": "",
            "terms_of_service_id": "",
            "terms_of_service_create_at": 0,
            "disable_welcome_email": false
        }),
        &[],
    );
    assert_eq!(user.id, "8ds6pkzokfbf3r1ihxzrpiuxye");
    assert_eq!(user.username, "alice");
    assert_eq!(user.full_name(), "Alice Liddell");
    assert!(user.is_system_admin());
    assert_eq!(user.delete_at, None);
    assert_eq!(user.last_picture_update, None);
    assert_eq!(user.last_password_update.map(|t| t.as_millis()), Some(1_700_000_000_000));
    assert_eq!(user.notify_props["push"], "mention");
    assert_eq!(user.timezone["automaticTimezone"], "Europe/Paris");
    assert_eq!(user.auth_data.as_deref(), Some(""));
}

#[test]
fn a_post_with_props_an_attachment_and_files() {
    let post: Post = read_and_write_back(
        json!({
            "id": "qb1o8ncuftba5rjbjrwdjq8o6c",
            "create_at": 1_700_000_000_000_i64,
            "update_at": 1_700_000_050_000_i64,
            "edit_at": 0,
            "delete_at": 0,
            "is_pinned": false,
            "user_id": "8ds6pkzokfbf3r1ihxzrpiuxye",
            "channel_id": "4xp9fdt77pncbef59f4k1qe83o",
            "root_id": "",
            "original_id": "",
            "message": "Build finished, see the logs attached",
            "type": "slack_attachment",
            "props": {
                "from_bot": "true",
                "override_username": "ci",
                "attachments": [{
                    "id": 0,
                    "fallback": "Build #42 passed",
                    "color": "#36a64f",
                    "pretext": "CI report",
                    "author_name": "ci-bot",
                    "title": "Build #42",
                    "title_link": "https://ci.example.com/builds/42",
                    "text": "All 1204 tests passed.",
                    "fields": [
                        {"title": "Branch", "value": "main", "short": true},
                        {"title": "Duration", "value": "6m 12s", "short": true}
                    ],
                    "image_url": "",
                    "footer": "CI",
                    "ts": 1_700_000_000
                }]
            },
            "hashtags": "",
            "file_ids": ["r7ps8f3ggtbb3nfuqkkfbh7x3c", "yk8xeb7a1fbz5y8gk7a5wc3sgo"],
            "pending_post_id": "",
            "has_reactions": true,
            "reply_count": 2,
            "last_reply_at": 1_700_000_040_000_i64,
            "participants": null,
            "metadata": {
                "embeds": [{
                    "type": "message_attachment"
                }],
                "emojis": [],
                "files": [{
                    "id": "r7ps8f3ggtbb3nfuqkkfbh7x3c",
                    "user_id": "8ds6pkzokfbf3r1ihxzrpiuxye",
                    "post_id": "qb1o8ncuftba5rjbjrwdjq8o6c",
                    "channel_id": "4xp9fdt77pncbef59f4k1qe83o",
                    "create_at": 1_700_000_000_000_i64,
                    "update_at": 1_700_000_000_000_i64,
                    "delete_at": 0,
                    "name": "build.log",
                    "extension": "log",
                    "size": 48213,
                    "mime_type": "text/plain",
                    "width": 0,
                    "height": 0,
                    "has_preview_image": false,
                    "archived": false
                }],
                "reactions": [{
                    "user_id": "9qh5o5zfftdfzqm4ex5c5j7mga",
                    "post_id": "qb1o8ncuftba5rjbjrwdjq8o6c",
                    "emoji_name": "tada",
                    "create_at": 1_700_000_010_000_i64,
                    "update_at": 1_700_000_010_000_i64,
                    "delete_at": 0,
                    "channel_id": "4xp9fdt77pncbef59f4k1qe83o"
                }]
            }
        }),
        // Not on the wire: custom emoji used in the post.
        &["metadata.emojis"],
    );
    assert_eq!(post.kind, PostType::SlackAttachment);
    assert_eq!(post.root_id, None);
    assert!(!post.is_reply());
    assert_eq!(post.file_ids.len(), 2);
    assert_eq!(post.file_ids[1], "yk8xeb7a1fbz5y8gk7a5wc3sgo");
    assert_eq!(post.prop("override_username"), Some(&json!("ci")));
    let attachment = &post.prop("attachments").expect("attachments")[0];
    assert_eq!(attachment["title"], "Build #42");
    assert_eq!(attachment["fields"][1]["value"], "6m 12s");
    assert!(post.participants.is_empty());
    let metadata = post.metadata.expect("metadata");
    assert_eq!(metadata.files[0].name, "build.log");
    assert_eq!(metadata.files[0].size, 48213);
    assert_eq!(metadata.reactions[0].emoji_name, "tada");
    assert_eq!(metadata.embeds[0].kind, "message_attachment");
}

#[test]
fn a_channel() {
    let channel: mm_types::Channel = read_and_write_back(
        json!({
            "id": "4xp9fdt77pncbef59f4k1qe83o",
            "create_at": 1_690_000_000_000_i64,
            "update_at": 1_690_000_000_000_i64,
            "delete_at": 0,
            "team_id": "9qh5o5zfftdfzqm4ex5c5j7mga",
            "type": "P",
            "display_name": "Release planning",
            "name": "release-planning",
            "header": "Next release: **10.5**",
            "purpose": "Plan releases",
            "last_post_at": 1_700_000_000_000_i64,
            "total_msg_count": 1204,
            "extra_update_at": 0,
            "creator_id": "8ds6pkzokfbf3r1ihxzrpiuxye",
            "scheme_id": null,
            "props": null,
            "group_constrained": null,
            "shared": null,
            "total_msg_count_root": 977,
            "policy_id": null,
            "last_root_post_at": 1_700_000_000_000_i64
        }),
        &[],
    );
    assert_eq!(channel.kind, ChannelType::Private);
    assert_eq!(channel.team_id.as_ref().map(|t| t.as_str()), Some("9qh5o5zfftdfzqm4ex5c5j7mga"));
    assert_eq!(channel.scheme_id, None);
    assert_eq!(channel.group_constrained, None);
    assert_eq!(channel.total_msg_count, 1204);
    assert_eq!(channel.extra_update_at, None);
    assert!(!channel.is_deleted());
}

#[test]
fn a_team_member() {
    let member: TeamMember = read_and_write_back(
        json!({
            "team_id": "9qh5o5zfftdfzqm4ex5c5j7mga",
            "user_id": "8ds6pkzokfbf3r1ihxzrpiuxye",
            "roles": "team_user team_admin",
            "delete_at": 0,
            "scheme_guest": false,
            "scheme_user": true,
            "scheme_admin": true,
            "explicit_roles": "",
            "create_at": 1_690_000_000_000_i64
        }),
        // `create_at` is `json:"-"` in server/public's model (read when a document has it,
        // never written, as Go does).
        &["create_at"],
    );
    assert_eq!(member.create_at, mm_types::Timestamp::from_millis(1_690_000_000_000));
    assert_eq!(member.team_id, "9qh5o5zfftdfzqm4ex5c5j7mga");
    assert!(member.scheme_admin && member.scheme_user && !member.scheme_guest);
    assert_eq!(member.roles, "team_user team_admin");
    assert_eq!(member.delete_at, None);
}

#[test]
fn a_status() {
    let status: Status = read_and_write_back(
        json!({
            "user_id": "8ds6pkzokfbf3r1ihxzrpiuxye",
            "status": "dnd",
            "manual": true,
            "last_activity_at": 1_700_000_000_000_i64,
            "dnd_end_time": 1_700_003_600
        }),
        &[],
    );
    assert_eq!(status.status, UserStatus::DoNotDisturb);
    assert!(status.manual);
    assert_eq!(status.dnd_end_time, 1_700_003_600);

    // A status from a newer server is kept, not rejected.
    let newer: Status = read_and_write_back(json!({"user_id": "x", "status": "in_a_meeting"}), &[]);
    assert_eq!(newer.status.as_str(), "in_a_meeting");
}

#[test]
fn a_command_response() {
    let input = json!({
        "response_type": "in_channel",
        "text": "Deploying **main** to staging",
        "username": "deploy-bot",
        "channel_id": "",
        "icon_url": "https://example.com/deploy.png",
        "type": "",
        "props": {"from_webhook": "true"},
        "goto_location": "",
        "trigger_id": "",
        "skip_slack_parsing": false,
        "attachments": [{"title": "Staging", "text": "Started by @alice", "color": "#2389d7"}],
        "extra_responses": [{"response_type": "ephemeral", "text": "Only you see this"}]
    });
    // Top-level Slack attachments are moved into `props.attachments`, where the server puts
    // them when it posts the response.
    let response: CommandResponse = read_and_write_back(input.clone(), &["attachments"]);
    assert_eq!(response.response_type, CommandResponseType::InChannel);
    assert!(!response.is_ephemeral());
    assert_eq!(response.channel_id, None);
    assert_eq!(response.kind, PostType::Regular);
    assert_eq!(response.attachments(), input["attachments"].as_array().unwrap().as_slice());
    assert_eq!(response.props.as_ref().unwrap()["from_webhook"], "true");
    assert_eq!(response.extra_responses.len(), 1);
    assert!(response.extra_responses[0].is_ephemeral());
    assert_eq!(response.extra_responses[0].text, "Only you see this");
}

#[test]
fn a_preference_list() {
    let preferences: Vec<Preference> = read_and_write_back(
        json!([
            {
                "user_id": "8ds6pkzokfbf3r1ihxzrpiuxye",
                "category": "display_settings",
                "name": "use_military_time",
                "value": "true"
            },
            {
                "user_id": "8ds6pkzokfbf3r1ihxzrpiuxye",
                "category": "direct_channel_show",
                "name": "9qh5o5zfftdfzqm4ex5c5j7mga",
                "value": "false"
            },
            {
                "user_id": "8ds6pkzokfbf3r1ihxzrpiuxye",
                "category": "pp_com.example.hello",
                "name": "seen_intro",
                "value": "1"
            }
        ]),
        &[],
    );
    assert_eq!(preferences[0].category, PreferenceCategory::DisplaySettings);
    assert_eq!(preferences[0].as_bool(), Some(true));
    assert_eq!(preferences[1].category, PreferenceCategory::DirectChannelShow);
    assert_eq!(preferences[1].as_bool(), Some(false));
    assert_eq!(preferences[2].category, PreferenceCategory::Other("pp_com.example.hello".into()));
    assert_eq!(preferences[2].as_bool(), None);
}

#[test]
#[should_panic(expected = "metadata.emojis did not come back")]
fn a_key_the_type_drops_is_caught() {
    let _: Post = read_and_write_back(json!({"metadata": {"emojis": []}}), &[]);
}

#[test]
#[should_panic(expected = "badge")]
fn a_value_that_changes_is_caught() {
    // Go writes a push notification's badge as a number; the wire and this SDK hold it as text.
    let push: mm_types::PushNotification = serde_json::from_value(json!({"badge": 3})).unwrap();
    assert_eq!(push.badge_count(), Some(3));
    let _: mm_types::PushNotification = read_and_write_back(json!({"badge": 3}), &[]);
}
