//! Server-side events run the plugins' hooks as the server does.

use crate::support;

use mm_host::Host;
use mm_types::{
    AppError, Channel, CommandArgs, Post, Preference, PreferenceCategory, Reaction, ServerConfig, User,
    UserId,
};
use support::fake_plugin::{self, ALL_HOOKS};

async fn host() -> Host {
    Host::builder().without_http().start().await.unwrap()
}

fn post_by(host: &Host, user: &UserId, message: &str) -> Post {
    Post::new(host.seed().town_square.id.clone(), message).by(user.clone())
}

#[tokio::test]
async fn message_will_be_posted_can_allow_replace_reject_and_dismiss() {
    let host = host().await;
    let plugin = fake_plugin::start(&host, "com.example.filter", ALL_HOOKS, None).await;
    let alice = host.seed().alice.id.clone();

    let kept = host.create_post(post_by(&host, &alice, "hello")).await.unwrap();
    assert_eq!(kept.message, "hello");

    let replaced = host.create_post(post_by(&host, &alice, "darn it")).await.unwrap();
    assert_eq!(replaced.message, "**** it");

    let rejected = host.create_post(post_by(&host, &alice, "forbidden words")).await.unwrap_err();
    assert_eq!(rejected.status_code, 400);
    assert_eq!(rejected.id, "Post rejected by plugin. the word is forbidden");

    let dismissed = host.create_post(post_by(&host, &alice, "please dismiss")).await.unwrap_err();
    assert_eq!(dismissed.id, mm_host::events::DISMISS_POST_REASON);

    host.settle().await;
    let stored: Vec<String> =
        host.store().posts_in_channel(&host.seed().town_square.id).into_iter().map(|p| p.message).collect();
    assert_eq!(stored, ["hello", "**** it"]);
    assert_eq!(
        plugin.calls.of("MessageWillBePosted"),
        ["hello", "darn it", "forbidden words", "please dismiss"]
    );
    assert_eq!(plugin.calls.of("MessageHasBeenPosted"), ["hello", "**** it"]);
}

#[tokio::test]
async fn only_listed_hooks_are_called() {
    let host = host().await;
    let plugin = fake_plugin::start(&host, "com.example.partial", &["MessageHasBeenPosted"], None).await;
    let alice = host.seed().alice.id.clone();
    // The plugin would reject this if MessageWillBePosted were called.
    let post = host.create_post(post_by(&host, &alice, "forbidden but not checked")).await.unwrap();
    host.settle().await;
    assert_eq!(post.message, "forbidden but not checked");
    assert_eq!(
        plugin.calls.all(),
        [("MessageHasBeenPosted".to_string(), "forbidden but not checked".to_string())]
    );
}

#[tokio::test]
async fn will_be_hooks_fail_open_when_the_plugin_is_unreachable() {
    let host = host().await;
    fake_plugin::register_unreachable(&host, "com.example.gone", &["MessageWillBePosted", "ExecuteCommand"]);
    let alice = host.seed().alice.id.clone();
    let post = host.create_post(post_by(&host, &alice, "still posted")).await.unwrap();
    assert_eq!(post.message, "still posted");

    support::register_command(&host, "com.example.gone", "gone").await;
    let args = CommandArgs {
        user_id: alice,
        channel_id: host.seed().town_square.id.clone(),
        command: "/gone".into(),
        ..CommandArgs::default()
    };
    let err = host.execute_command(args).await.unwrap_err();
    assert_eq!((err.id.as_str(), err.status_code), ("plugin.grpc.execute_command.error", 500));
}

#[tokio::test]
async fn edits_deletes_and_reactions_run_their_hooks() {
    let host = host().await;
    let plugin = fake_plugin::start(&host, "com.example.watch", ALL_HOOKS, None).await;
    let alice = host.seed().alice.id.clone();
    let post = host.create_post(post_by(&host, &alice, "first")).await.unwrap();

    let edited = host.update_post(Post { message: "second darn".into(), ..post.clone() }).await.unwrap();
    assert_eq!(edited.message, "second ****");
    assert!(edited.edit_at.is_some());
    let refused = host.update_post(Post { message: "forbidden".into(), ..post.clone() }).await.unwrap_err();
    assert_eq!(refused.status_code, 400);

    let reaction = Reaction::new(alice.clone(), post.id.clone(), "tada");
    host.add_reaction(reaction.clone()).await.unwrap();
    host.remove_reaction(&reaction).await.unwrap();
    host.delete_post(&post.id).await.unwrap();
    host.settle().await;

    assert_eq!(plugin.calls.of("MessageWillBeUpdated"), ["first -> second darn", "second **** -> forbidden"]);
    assert_eq!(plugin.calls.of("MessageHasBeenUpdated"), ["first -> second ****"]);
    assert_eq!(plugin.calls.of("ReactionHasBeenAdded"), ["tada"]);
    assert_eq!(plugin.calls.of("ReactionHasBeenRemoved"), ["tada"]);
    assert_eq!(plugin.calls.of("MessageHasBeenDeleted"), ["second ****"]);
    assert!(host.store().posts_in_channel(&host.seed().town_square.id).is_empty());
}

#[tokio::test]
async fn membership_users_and_channels_run_their_hooks() {
    let host = host().await;
    let plugin = fake_plugin::start(&host, "com.example.members", ALL_HOOKS, None).await;
    let admin = host.seed().admin.id.clone();
    let team = host.seed().team.id.clone();

    let carol = host
        .create_user(User { username: "carol".into(), email: "carol@example.com".into(), ..User::default() })
        .await
        .unwrap();
    host.join_team(&team, &carol.id, Some(&admin)).await.unwrap();
    let channel = host
        .create_channel(Channel {
            creator_id: Some(admin.clone()),
            ..Channel::new(team.clone(), "plans", "Plans")
        })
        .await
        .unwrap();
    host.join_channel(&channel.id, &carol.id, Some(&admin)).await.unwrap();
    host.leave_channel(&channel.id, &carol.id, None).await.unwrap();
    host.leave_team(&team, &carol.id, None).await.unwrap();
    host.settle().await;

    assert_eq!(plugin.calls.of("UserHasBeenCreated"), ["carol"]);
    assert_eq!(plugin.calls.of("UserHasJoinedTeam"), [format!("{} {team}", carol.id)]);
    assert_eq!(plugin.calls.of("ChannelHasBeenCreated"), ["plans"]);
    let joined = plugin.calls.of("UserHasJoinedChannel");
    // Joining the team joins Town Square and Off-Topic, then the test adds Carol to Plans.
    assert_eq!(joined.len(), 3, "{joined:?}");
    assert!(joined.contains(&format!("{} {} by admin", carol.id, channel.id)), "{joined:?}");
    assert_eq!(plugin.calls.of("UserHasLeftChannel"), [format!("{} {}", carol.id, channel.id)]);
    assert_eq!(plugin.calls.of("UserHasLeftTeam"), [format!("{} {team}", carol.id)]);
}

#[tokio::test]
async fn slash_command_responses_are_acted_on() {
    let host = host().await;
    let plugin = fake_plugin::start(&host, "com.example.commands", ALL_HOOKS, None).await;
    for trigger in ["whisper", "shout", "goto", "both", "broken"] {
        support::register_command(&host, &plugin.id, trigger).await;
    }
    let alice = host.seed().alice.id.clone();
    let channel = host.seed().town_square.id.clone();
    let run = |command: &str| CommandArgs {
        user_id: alice.clone(),
        channel_id: channel.clone(),
        command: command.to_string(),
        ..CommandArgs::default()
    };

    let whisper = host.execute_command(run("/whisper just for you")).await.unwrap();
    assert!(whisper.is_ephemeral());
    let shout = host.execute_command(run("/shout hello all")).await.unwrap();
    assert_eq!(shout.text, "HELLO ALL");
    let goto = host.execute_command(run("/goto /test/channels/off-topic")).await.unwrap();
    assert_eq!(goto.goto_location, "/test/channels/off-topic");
    host.execute_command(run("/both")).await.unwrap();
    let broken: AppError = host.execute_command(run("/broken")).await.unwrap_err();
    assert_eq!(broken.id, "plugin.fake.unknown");
    let unknown = host.execute_command(run("/nobody-registered-this")).await.unwrap_err();
    assert_eq!(
        (unknown.id.as_str(), unknown.status_code),
        ("api.command.execute_command.not_found.app_error", 404)
    );
    host.settle().await;

    let posted: Vec<String> =
        host.store().posts_in_channel(&channel).into_iter().map(|p| p.message).collect();
    assert_eq!(posted, ["HELLO ALL", "for everyone"]);
    let ephemeral: Vec<String> =
        host.store().ephemeral_posts(&alice).into_iter().map(|p| p.message).collect();
    assert_eq!(ephemeral, ["just for you", "extra for you"]);
    // The in-channel responses went through MessageWillBePosted like any post.
    assert_eq!(plugin.calls.of("MessageWillBePosted"), ["HELLO ALL", "for everyone"]);
}

#[tokio::test]
async fn built_in_commands_run_in_the_host() {
    let host = host().await;
    let alice = host.seed().alice.id.clone();
    let channel = host.seed().town_square.id.clone();
    let args = |command: &str| CommandArgs {
        user_id: alice.clone(),
        channel_id: channel.clone(),
        command: command.into(),
        ..CommandArgs::default()
    };
    host.execute_command(args("/echo \"hi there\"")).await.unwrap();
    host.execute_command(args("/away")).await.unwrap();
    assert_eq!(host.store().posts_in_channel(&channel)[0].message, "hi there");
    assert_eq!(host.store().status(&alice).status, mm_types::UserStatus::Away);
}

#[tokio::test]
async fn saving_the_configuration_asks_plugins_then_notifies_them() {
    let host = host().await;
    let plugin = fake_plugin::start(&host, "com.example.config", ALL_HOOKS, None).await;
    let mut config = host.store().config();
    config["TeamSettings"]["SiteName"] = "Renamed".into();
    host.save_config(ServerConfig::from_value(&config).unwrap()).await.unwrap();
    host.settle().await;
    let saved = host.store().config();
    assert_eq!(saved["TeamSettings"]["SiteName"], "Renamed");
    assert_eq!(saved["FakeTouched"], true, "the plugin's change was kept");
    assert_eq!(plugin.calls.of("OnConfigurationChange").len(), 1);

    config["TeamSettings"]["SiteName"] = "forbidden".into();
    let refused = host.save_config(ServerConfig::from_value(&config).unwrap()).await.unwrap_err();
    assert_eq!(refused.id, "plugin.fake.config");
    assert_eq!(host.store().config()["TeamSettings"]["SiteName"], "Renamed");
}

#[tokio::test]
async fn preferences_and_uploads_run_their_hooks() {
    let host = host().await;
    let plugin = fake_plugin::start(&host, "com.example.misc", ALL_HOOKS, None).await;
    let alice = host.seed().alice.id.clone();
    let channel = host.seed().town_square.id.clone();

    let pref =
        Preference::new(alice.clone(), PreferenceCategory::DisplaySettings, "use_military_time", "true");
    host.update_preferences(&alice, vec![pref]).await.unwrap();

    let shouted = host.upload_file(&alice, &channel, "notes.shout", "quiet".into()).await.unwrap();
    assert_eq!(shouted.name, "notes.txt");
    assert_eq!(host.store().file_data(&shouted.id).unwrap(), "QUIET");
    let refused = host.upload_file(&alice, &channel, "virus.exe", "MZ".into()).await.unwrap_err();
    assert_eq!(refused.id, "File rejected by plugin. no executables");
    host.settle().await;

    assert_eq!(plugin.calls.of("PreferencesHaveChanged"), ["display_settings:use_military_time=true"]);
    assert_eq!(plugin.calls.of("FileWillBeUploaded"), ["notes.shout", "virus.exe"]);
}

#[tokio::test]
async fn posts_made_by_plugins_run_the_hooks_too() {
    let host = host().await;
    let bot = host
        .create_user(User {
            username: "pongbot".into(),
            email: "pongbot@example.com".into(),
            ..User::default()
        })
        .await
        .unwrap();
    let plugin = fake_plugin::start(&host, "com.example.pong", ALL_HOOKS, Some(bot.id.as_str())).await;
    let alice = host.seed().alice.id.clone();
    host.create_post(post_by(&host, &alice, "ping")).await.unwrap();
    host.settle().await;
    let messages: Vec<String> =
        host.store().posts_in_channel(&host.seed().town_square.id).into_iter().map(|p| p.message).collect();
    assert_eq!(messages, ["ping", "pong"]);
    // The bot's post went through both hooks, like a user's.
    assert_eq!(plugin.calls.of("MessageWillBePosted"), ["ping", "pong"]);
    assert_eq!(plugin.calls.of("MessageHasBeenPosted"), ["ping", "pong"]);
}

#[tokio::test]
async fn syncing_a_shared_channel_hands_new_posts_to_the_remotes_plugin() {
    let host = host().await;
    let plugin = fake_plugin::start(&host, "com.example.remote", &["OnSharedChannelsSyncMsg"], None).await;
    let mut api = support::api_client(&host, "com.example.remote").await;
    let remote = api
        .register_plugin_for_shared_channels(mm_proto::v1::RegisterPluginForSharedChannelsRequest {
            opts: Some(mm_proto::v1::RegisterPluginOpts {
                display_name: "Remote".into(),
                ..Default::default()
            }),
        })
        .await
        .unwrap()
        .into_inner()
        .remote_id;
    let channel = host.seed().town_square.id.clone();
    let alice = host.seed().alice.id.clone();
    let sync = mm_proto::v1::SyncSharedChannelRequest { channel_id: channel.to_string() };
    let not_shared = api.sync_shared_channel(sync.clone()).await.unwrap_err();
    assert_eq!(not_shared.code(), tonic::Code::NotFound);

    api.invite_remote_to_channel(mm_proto::v1::InviteRemoteToChannelRequest {
        channel_id: channel.to_string(),
        remote_id: remote.clone(),
        user_id: alice.to_string(),
        share_if_not_shared: true,
    })
    .await
    .unwrap();
    assert_eq!(host.store().channel(&channel).unwrap().shared, Some(true));

    host.create_post(post_by(&host, &alice, "one")).await.unwrap();
    host.create_post(post_by(&host, &alice, "two")).await.unwrap();
    api.sync_shared_channel(sync.clone()).await.unwrap();
    host.settle().await;
    host.create_post(post_by(&host, &alice, "three")).await.unwrap();
    api.sync_shared_channel(sync).await.unwrap();
    host.settle().await;
    assert_eq!(
        plugin.calls.of("OnSharedChannelsSyncMsg"),
        ["com.example.remote: one,two", "com.example.remote: three"],
        "each sync sends what changed since the cursor"
    );

    let unshared = api
        .unshare_channel(mm_proto::v1::UnshareChannelRequest { channel_id: channel.to_string() })
        .await
        .unwrap()
        .into_inner()
        .unshared;
    assert!(unshared);
}
