//! PluginAPI semantics per domain, through a real client on loopback.

use crate::support;

mod server_parity;

use bytes::Bytes;
use mm_proto::v1 as wire;
use mm_proto::v1::plugin_api_client::PluginApiClient;
use tonic::Code;
use tonic::transport::Channel;

type Api = PluginApiClient<Channel>;

fn user(name: &str) -> wire::User {
    wire::User { username: name.into(), email: format!("{name}@example.com"), ..Default::default() }
}

async fn create_user(api: &mut Api, name: &str) -> wire::User {
    api.create_user(wire::CreateUserRequest { user: Some(user(name)) })
        .await
        .unwrap()
        .into_inner()
        .user
        .unwrap()
}

async fn post(api: &mut Api, channel: &str, user: &str, message: &str, root: &str) -> wire::Post {
    let post = wire::Post {
        channel_id: channel.into(),
        user_id: user.into(),
        message: message.into(),
        root_id: root.into(),
        ..Default::default()
    };
    let r = api.create_post(wire::CreatePostRequest { post: Some(post) }).await.unwrap().into_inner();
    assert!(r.error.is_none(), "{:?}", r.error);
    r.post.unwrap()
}

#[tokio::test]
async fn users_create_get_update_search_and_deactivate() {
    let (host, mut api) = support::host_and_api("com.example.users").await;
    let dave = create_user(&mut api, "Dave").await;
    assert_eq!(dave.username, "dave", "usernames are lowercased");
    assert!(dave.password.is_empty());
    assert_eq!(dave.roles, "system_user");

    let dup = api.create_user(wire::CreateUserRequest { user: Some(user("dave")) }).await.unwrap_err();
    assert_eq!(dup.code(), Code::InvalidArgument);
    assert_eq!(
        dup.message(),
        "app.user.save.username_exists.app_error: An account with that username already exists."
    );
    let bad = api.create_user(wire::CreateUserRequest { user: Some(user("9lives")) }).await.unwrap_err();
    assert!(bad.message().starts_with("model.user.is_valid.username.app_error"), "{}", bad.message());
    let missing = api.create_user(wire::CreateUserRequest { user: None }).await.unwrap_err();
    assert_eq!((missing.code(), missing.message()), (Code::InvalidArgument, "user is required"));

    let by_email = api
        .get_user_by_email(wire::GetUserByEmailRequest { email: "DAVE@example.com".into() })
        .await
        .unwrap();
    assert_eq!(by_email.into_inner().user.unwrap().id, dave.id);
    let by_name =
        api.get_user_by_username(wire::GetUserByUsernameRequest { name: "dave".into() }).await.unwrap();
    assert_eq!(by_name.into_inner().user.unwrap().id, dave.id);
    let nobody = api.get_user(wire::GetUserRequest { user_id: "x".repeat(26) }).await.unwrap_err();
    assert_eq!(nobody.code(), Code::NotFound);
    assert!(nobody.message().starts_with("app.user.missing_account.const: "));

    let mut changed = dave.clone();
    changed.nickname = "dd".into();
    let updated = api
        .update_user(wire::UpdateUserRequest { user: Some(changed) })
        .await
        .unwrap()
        .into_inner()
        .user
        .unwrap();
    assert_eq!(updated.nickname, "dd");
    assert!(updated.update_at >= dave.update_at);

    let found = api
        .search_users(wire::SearchUsersRequest { term: "da".into(), ..Default::default() })
        .await
        .unwrap()
        .into_inner()
        .users;
    assert_eq!(found.iter().map(|u| u.username.as_str()).collect::<Vec<_>>(), ["dave"]);

    let team = host.seed().team.id.to_string();
    let in_team = api
        .get_users_in_team(wire::GetUsersInTeamRequest { team_id: team.clone(), page: 0, per_page: 100 })
        .await
        .unwrap()
        .into_inner()
        .users;
    assert_eq!(in_team.iter().map(|u| u.username.as_str()).collect::<Vec<_>>(), ["admin", "alice", "bob"]);
    let not_in_team = api
        .get_users(wire::GetUsersRequest {
            not_in_team_id: team,
            page: 0,
            per_page: 10,
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner()
        .users;
    assert_eq!(not_in_team.iter().map(|u| u.username.as_str()).collect::<Vec<_>>(), ["dave"]);

    api.update_user_active(wire::UpdateUserActiveRequest { user_id: dave.id.clone(), active: false })
        .await
        .unwrap();
    let inactive = api
        .get_users(wire::GetUsersRequest { inactive: true, page: 0, per_page: 10, ..Default::default() })
        .await
        .unwrap()
        .into_inner()
        .users;
    assert_eq!(inactive.len(), 1);
    assert_ne!(inactive[0].delete_at, 0);
    host.shutdown();
}

#[tokio::test]
async fn statuses_custom_statuses_roles_and_permissions() {
    let (host, mut api) = support::host_and_api("com.example.status").await;
    let alice = host.seed().alice.id.to_string();
    let admin = host.seed().admin.id.to_string();
    let status = api.get_user_status(wire::GetUserStatusRequest { user_id: alice.clone() }).await.unwrap();
    assert_eq!(status.into_inner().status.unwrap().status, "offline");
    let dnd = api
        .set_user_status_timed_dnd(wire::SetUserStatusTimedDndRequest {
            user_id: alice.clone(),
            end_time: 1_900_000_000,
        })
        .await
        .unwrap()
        .into_inner()
        .status
        .unwrap();
    assert_eq!((dnd.status.as_str(), dnd.dnd_end_time), ("dnd", 1_900_000_000));
    let bad = api
        .update_user_status(wire::UpdateUserStatusRequest { user_id: alice.clone(), status: "sleepy".into() })
        .await
        .unwrap_err();
    assert_eq!(bad.code(), Code::InvalidArgument);

    let custom = wire::CustomStatus { emoji: "coffee".into(), text: "brb".into(), ..Default::default() };
    api.update_user_custom_status(wire::UpdateUserCustomStatusRequest {
        user_id: alice.clone(),
        custom_status: Some(custom),
    })
    .await
    .unwrap();
    let stored = host.store().custom_status(&host.seed().alice.id).unwrap();
    assert_eq!(stored.text, "brb");
    api.remove_user_custom_status(wire::RemoveUserCustomStatusRequest { user_id: alice.clone() })
        .await
        .unwrap();
    assert!(host.store().custom_status(&host.seed().alice.id).is_none());

    let check = |user: &str, permission: &str| wire::HasPermissionToRequest {
        user_id: user.to_string(),
        permission_id: permission.to_string(),
    };
    assert!(api.has_permission_to(check(&admin, "manage_system")).await.unwrap().into_inner().has_permission);
    assert!(
        !api.has_permission_to(check(&alice, "manage_system")).await.unwrap().into_inner().has_permission
    );
    let channel = host.seed().town_square.id.to_string();
    let in_channel = api
        .has_permission_to_channel(wire::HasPermissionToChannelRequest {
            user_id: alice.clone(),
            channel_id: channel,
            permission_id: "create_post".into(),
        })
        .await
        .unwrap()
        .into_inner();
    assert!(in_channel.has_permission);

    let promoted = api
        .update_user_roles(wire::UpdateUserRolesRequest {
            user_id: alice.clone(),
            new_roles: "system_user system_admin".into(),
        })
        .await
        .unwrap()
        .into_inner()
        .user
        .unwrap();
    assert_eq!(promoted.roles, "system_user system_admin");
    assert!(api.has_permission_to(check(&alice, "manage_system")).await.unwrap().into_inner().has_permission);
    host.shutdown();
}

#[tokio::test]
async fn teams_channels_and_memberships() {
    let (host, mut api) = support::host_and_api("com.example.teams").await;
    let team = api
        .create_team(wire::CreateTeamRequest {
            team: Some(wire::Team {
                name: "ops".into(),
                display_name: "Ops".into(),
                r#type: 1,
                ..Default::default()
            }),
        })
        .await
        .unwrap()
        .into_inner()
        .team
        .unwrap();
    let channels = api
        .get_public_channels_for_team(wire::GetPublicChannelsForTeamRequest {
            team_id: team.id.clone(),
            page: 0,
            per_page: 10,
        })
        .await
        .unwrap()
        .into_inner()
        .channels;
    assert_eq!(channels.iter().map(|c| c.name.as_str()).collect::<Vec<_>>(), ["off-topic", "town-square"]);

    let bob = host.seed().bob.id.to_string();
    let member = api
        .create_team_member(wire::CreateTeamMemberRequest { team_id: team.id.clone(), user_id: bob.clone() })
        .await
        .unwrap()
        .into_inner()
        .team_member
        .unwrap();
    assert_eq!(member.user_id, bob);
    let bobs_channels = api
        .get_channels_for_team_for_user(wire::GetChannelsForTeamForUserRequest {
            team_id: team.id.clone(),
            user_id: bob.clone(),
            include_deleted: false,
        })
        .await
        .unwrap()
        .into_inner()
        .channels;
    assert_eq!(bobs_channels.len(), 2, "joining a team joins its default channels");

    let private = api
        .create_channel(wire::CreateChannelRequest {
            channel: Some(wire::Channel {
                team_id: team.id.clone(),
                name: "secret".into(),
                display_name: "Secret".into(),
                r#type: 2,
                ..Default::default()
            }),
        })
        .await
        .unwrap()
        .into_inner()
        .channel
        .unwrap();
    let dup =
        api.create_channel(wire::CreateChannelRequest { channel: Some(private.clone()) }).await.unwrap_err();
    assert!(
        dup.message().starts_with("store.sql_channel.save_channel.exists.app_error"),
        "{}",
        dup.message()
    );

    let alice = host.seed().alice.id.to_string();
    let outsider = api
        .add_channel_member(wire::AddChannelMemberRequest {
            channel_id: private.id.clone(),
            user_id: alice.clone(),
        })
        .await
        .unwrap_err();
    assert_eq!(outsider.code(), Code::PermissionDenied, "alice is not in the team");
    api.add_channel_member(wire::AddChannelMemberRequest {
        channel_id: private.id.clone(),
        user_id: bob.clone(),
    })
    .await
    .unwrap();
    let stats =
        api.get_channel_stats(wire::GetChannelStatsRequest { channel_id: private.id.clone() }).await.unwrap();
    assert_eq!(stats.into_inner().channel_stats.unwrap().member_count, 1);

    let town_square = api
        .get_channel_by_name_for_team_name(wire::GetChannelByNameForTeamNameRequest {
            team_name: "ops".into(),
            channel_name: "town-square".into(),
            include_deleted: false,
        })
        .await
        .unwrap()
        .into_inner()
        .channel
        .unwrap();
    let leave = api
        .delete_channel_member(wire::DeleteChannelMemberRequest {
            channel_id: town_square.id.clone(),
            user_id: bob.clone(),
        })
        .await
        .unwrap_err();
    assert!(leave.message().starts_with("api.channel.remove.default.app_error"));
    let archive =
        api.delete_channel(wire::DeleteChannelRequest { channel_id: town_square.id }).await.unwrap_err();
    assert!(archive.message().starts_with("api.channel.delete_channel.cannot.app_error"));

    api.delete_team_member(wire::DeleteTeamMemberRequest {
        team_id: team.id.clone(),
        user_id: bob.clone(),
        requestor_id: String::new(),
    })
    .await
    .unwrap();
    let gone = api
        .get_team_member(wire::GetTeamMemberRequest { team_id: team.id.clone(), user_id: bob })
        .await
        .unwrap_err();
    assert_eq!(gone.code(), Code::NotFound);
    host.shutdown();
}

#[tokio::test]
async fn direct_and_group_channels_have_the_servers_names() {
    let (host, mut api) = support::host_and_api("com.example.dm").await;
    let (alice, bob, admin) =
        (host.seed().alice.id.to_string(), host.seed().bob.id.to_string(), host.seed().admin.id.to_string());
    let dm = api
        .get_direct_channel(wire::GetDirectChannelRequest {
            user_id_1: bob.clone(),
            user_id_2: alice.clone(),
        })
        .await
        .unwrap()
        .into_inner()
        .channel
        .unwrap();
    let (first, second) = if alice < bob { (&alice, &bob) } else { (&bob, &alice) };
    assert_eq!(dm.name, format!("{first}__{second}"));
    assert_eq!(dm.r#type, 3);
    assert!(dm.team_id.is_empty());
    let again = api
        .get_direct_channel(wire::GetDirectChannelRequest {
            user_id_1: alice.clone(),
            user_id_2: bob.clone(),
        })
        .await
        .unwrap()
        .into_inner()
        .channel
        .unwrap();
    assert_eq!(again.id, dm.id, "the same channel both ways");

    let gm = api
        .get_group_channel(wire::GetGroupChannelRequest {
            user_ids: vec![alice.clone(), bob.clone(), admin.clone()],
        })
        .await
        .unwrap()
        .into_inner()
        .channel
        .unwrap();
    assert_eq!(gm.r#type, 4);
    assert_eq!(gm.name.len(), 40, "hex SHA-1 of the sorted ids");
    assert_eq!(gm.display_name, "admin, alice, bob");
    let too_few =
        api.get_group_channel(wire::GetGroupChannelRequest { user_ids: vec![alice, bob] }).await.unwrap_err();
    assert!(too_few.message().starts_with("api.channel.create_group.bad_size.app_error"));
    host.shutdown();
}

#[tokio::test]
async fn posts_threads_paging_and_errors_in_the_response() {
    let (host, mut api) = support::host_and_api("com.example.posts").await;
    let channel = host.seed().town_square.id.to_string();
    let alice = host.seed().alice.id.to_string();
    let root = post(&mut api, &channel, &alice, "root #release", "").await;
    assert_eq!(root.hashtags, "#release");
    let reply1 = post(&mut api, &channel, &alice, "reply one", &root.id).await;
    let _reply2 = post(&mut api, &channel, &alice, "reply two", &root.id).await;
    let later = post(&mut api, &channel, &alice, "later", "").await;

    let got = api
        .get_post(wire::GetPostRequest { post_id: root.id.clone() })
        .await
        .unwrap()
        .into_inner()
        .post
        .unwrap();
    assert_eq!(got.reply_count, 2);
    let thread = api
        .get_post_thread(wire::GetPostThreadRequest { post_id: reply1.id.clone() })
        .await
        .unwrap()
        .into_inner()
        .post_list
        .unwrap();
    assert_eq!(thread.order.len(), 3);
    assert_eq!(thread.order.last(), Some(&root.id), "newest first");

    let page =
        |page, per_page| wire::GetPostsForChannelRequest { channel_id: channel.clone(), page, per_page };
    let first = api.get_posts_for_channel(page(0, 2)).await.unwrap().into_inner().post_list.unwrap();
    assert_eq!(first.order, [later.id.clone(), _reply2.id.clone()]);
    assert!(first.posts.contains_key(&root.id), "the root of a reply on the page is included");
    let second = api.get_posts_for_channel(page(1, 2)).await.unwrap().into_inner().post_list.unwrap();
    assert_eq!(second.order, [reply1.id.clone(), root.id.clone()]);

    let before = api
        .get_posts_before(wire::GetPostsBeforeRequest {
            channel_id: channel.clone(),
            post_id: reply1.id.clone(),
            page: 0,
            per_page: 10,
        })
        .await
        .unwrap()
        .into_inner()
        .post_list
        .unwrap();
    assert_eq!(before.order, std::slice::from_ref(&root.id));
    let after = api
        .get_posts_after(wire::GetPostsAfterRequest {
            channel_id: channel.clone(),
            post_id: reply1.id.clone(),
            page: 0,
            per_page: 10,
        })
        .await
        .unwrap()
        .into_inner()
        .post_list
        .unwrap();
    assert_eq!(after.order, [later.id.clone(), _reply2.id.clone()]);
    let since = api
        .get_posts_since(wire::GetPostsSinceRequest {
            channel_id: channel.clone(),
            time: later.create_at - 1,
        })
        .await
        .unwrap()
        .into_inner()
        .post_list
        .unwrap();
    assert!(since.order.contains(&later.id));

    // Post errors come back inside the response, with gRPC OK.
    let bad_root = wire::Post {
        channel_id: channel.clone(),
        user_id: alice.clone(),
        message: "x".into(),
        root_id: "z".repeat(26),
        ..Default::default()
    };
    let r = api.create_post(wire::CreatePostRequest { post: Some(bad_root) }).await.unwrap().into_inner();
    assert_eq!(r.error.unwrap().id, "api.post.create_post.root_id.app_error");
    let r = api.get_post(wire::GetPostRequest { post_id: "q".repeat(26) }).await.unwrap().into_inner();
    assert_eq!(r.error.unwrap().status_code, 404);

    let mut edit = later.clone();
    edit.message = "later, edited".into();
    let edited = api
        .update_post(wire::UpdatePostRequest { post: Some(edit) })
        .await
        .unwrap()
        .into_inner()
        .post
        .unwrap();
    assert_ne!(edited.edit_at, 0);

    api.delete_post(wire::DeletePostRequest { post_id: root.id.clone() }).await.unwrap();
    let r = api.get_post(wire::GetPostRequest { post_id: reply1.id.clone() }).await.unwrap().into_inner();
    assert!(r.error.is_some(), "deleting a root deletes its replies");
    host.shutdown();
}

#[tokio::test]
async fn reactions_ephemeral_posts_and_search() {
    let (host, mut api) = support::host_and_api("com.example.more").await;
    let channel = host.seed().town_square.id.to_string();
    let (alice, bob) = (host.seed().alice.id.to_string(), host.seed().bob.id.to_string());
    let p = post(&mut api, &channel, &alice, "deploy the rocket today", "").await;
    post(&mut api, &channel, &bob, "rocket science", "").await;

    let reaction = wire::Reaction {
        user_id: bob.clone(),
        post_id: p.id.clone(),
        emoji_name: "rocket".into(),
        ..Default::default()
    };
    api.add_reaction(wire::AddReactionRequest { reaction: Some(reaction.clone()) }).await.unwrap();
    let reactions = api
        .get_reactions(wire::GetReactionsRequest { post_id: p.id.clone() })
        .await
        .unwrap()
        .into_inner()
        .reactions;
    assert_eq!(reactions.len(), 1);
    let with_reaction = api
        .get_post(wire::GetPostRequest { post_id: p.id.clone() })
        .await
        .unwrap()
        .into_inner()
        .post
        .unwrap();
    assert!(with_reaction.has_reactions);
    api.remove_reaction(wire::RemoveReactionRequest { reaction: Some(reaction) }).await.unwrap();
    assert!(
        api.get_reactions(wire::GetReactionsRequest { post_id: p.id.clone() })
            .await
            .unwrap()
            .into_inner()
            .reactions
            .is_empty()
    );

    let ephemeral =
        wire::Post { channel_id: channel.clone(), message: "only you".into(), ..Default::default() };
    let sent = api
        .send_ephemeral_post(wire::SendEphemeralPostRequest { user_id: alice.clone(), post: Some(ephemeral) })
        .await
        .unwrap()
        .into_inner()
        .post
        .unwrap();
    assert_eq!(sent.r#type, "system_ephemeral");
    assert_eq!(host.store().ephemeral_posts(&host.seed().alice.id).len(), 1);
    assert!(host.store().ephemeral_posts(&host.seed().bob.id).is_empty());
    assert_eq!(host.store().posts_in_channel(&host.seed().town_square.id).len(), 2, "not a channel post");
    api.delete_ephemeral_post(wire::DeleteEphemeralPostRequest { user_id: alice.clone(), post_id: sent.id })
        .await
        .unwrap();
    assert!(host.store().ephemeral_posts(&host.seed().alice.id).is_empty());

    let team = host.seed().team.id.to_string();
    let found = api
        .search_posts_in_team_for_user(wire::SearchPostsInTeamForUserRequest {
            team_id: team.clone(),
            user_id: alice.clone(),
            search_params: Some(wire::SearchParameter {
                terms: "rocket from:alice".into(),
                ..Default::default()
            }),
        })
        .await
        .unwrap()
        .into_inner()
        .results
        .unwrap();
    assert_eq!(found.order, std::slice::from_ref(&p.id));
    assert_eq!(found.matches[&p.id].values, ["rocket"]);
    let all = api
        .search_posts_in_team(wire::SearchPostsInTeamRequest {
            team_id: team,
            params_list: vec![wire::SearchParams { terms: "rocket".into(), ..Default::default() }],
        })
        .await
        .unwrap()
        .into_inner()
        .posts;
    assert_eq!(all.len(), 2);
    host.shutdown();
}

#[tokio::test]
async fn bots_commands_preferences_and_plugin_configuration() {
    let (host, mut api) = support::host_and_api("com.example.bots").await;
    let bot = api
        .create_bot(wire::CreateBotRequest {
            bot: Some(wire::Bot {
                username: "helper".into(),
                display_name: "Helper".into(),
                ..Default::default()
            }),
        })
        .await
        .unwrap()
        .into_inner()
        .bot
        .unwrap();
    assert_eq!(bot.owner_id, "com.example.bots", "plugin bots are owned by the plugin");
    assert!(host.store().user(&mm_types::UserId::from_raw(bot.user_id.clone())).unwrap().is_bot);
    let ensured = api
        .ensure_bot_user(wire::EnsureBotUserRequest {
            bot: Some(wire::Bot {
                username: "helper".into(),
                description: "new".into(),
                ..Default::default()
            }),
        })
        .await
        .unwrap()
        .into_inner()
        .bot_user_id;
    assert_eq!(ensured, bot.user_id);
    let patched = api
        .patch_bot(wire::PatchBotRequest {
            bot_user_id: bot.user_id.clone(),
            bot_patch: Some(wire::BotPatch { display_name: Some("Helpful".into()), ..Default::default() }),
        })
        .await
        .unwrap()
        .into_inner()
        .bot
        .unwrap();
    assert_eq!((patched.display_name.as_str(), patched.description.as_str()), ("Helpful", "new"));
    api.update_bot_active(wire::UpdateBotActiveRequest { bot_user_id: bot.user_id.clone(), active: false })
        .await
        .unwrap();
    let active = api
        .get_bots(wire::GetBotsRequest {
            options: Some(wire::BotGetOptions { page: 0, per_page: 10, ..Default::default() }),
        })
        .await
        .unwrap()
        .into_inner()
        .bots;
    assert!(active.is_empty());
    api.permanent_delete_bot(wire::PermanentDeleteBotRequest { bot_user_id: bot.user_id.clone() })
        .await
        .unwrap();
    let gone = api
        .get_bot(wire::GetBotRequest { bot_user_id: bot.user_id, include_deleted: true })
        .await
        .unwrap_err();
    assert_eq!(gone.code(), Code::NotFound);

    let command = wire::Command { trigger: "Deploy".into(), auto_complete: true, ..Default::default() };
    api.register_command(wire::RegisterCommandRequest { command: Some(command) }).await.unwrap();
    let team = host.seed().team.id.to_string();
    let listed = api
        .list_plugin_commands(wire::ListPluginCommandsRequest { team_id: team.clone() })
        .await
        .unwrap()
        .into_inner()
        .commands;
    assert_eq!(
        listed.iter().map(|c| (c.trigger.as_str(), c.plugin_id.as_str())).collect::<Vec<_>>(),
        [("deploy", "com.example.bots")]
    );
    api.unregister_command(wire::UnregisterCommandRequest {
        team_id: String::new(),
        trigger: "deploy".into(),
    })
    .await
    .unwrap();
    assert!(
        api.list_plugin_commands(wire::ListPluginCommandsRequest { team_id: team })
            .await
            .unwrap()
            .into_inner()
            .commands
            .is_empty()
    );
    let bad = api
        .register_command(wire::RegisterCommandRequest {
            command: Some(wire::Command { trigger: "/x y".into(), ..Default::default() }),
        })
        .await
        .unwrap_err();
    assert_eq!(bad.code(), Code::InvalidArgument);

    let alice = host.seed().alice.id.to_string();
    let pref = wire::Preference {
        user_id: alice.clone(),
        category: "display_settings".into(),
        name: "theme".into(),
        value: "dark".into(),
    };
    api.update_preferences_for_user(wire::UpdatePreferencesForUserRequest {
        user_id: alice.clone(),
        preferences: vec![pref.clone()],
    })
    .await
    .unwrap();
    let got = api
        .get_preference_for_user(wire::GetPreferenceForUserRequest {
            user_id: alice.clone(),
            category: "display_settings".into(),
            name: "theme".into(),
        })
        .await
        .unwrap()
        .into_inner()
        .preference
        .unwrap();
    assert_eq!(got.value, "dark");
    let bob = host.seed().bob.id.to_string();
    let other = api
        .update_preferences_for_user(wire::UpdatePreferencesForUserRequest {
            user_id: bob,
            preferences: vec![pref.clone()],
        })
        .await
        .unwrap_err();
    assert_eq!(other.code(), Code::PermissionDenied);
    api.delete_preferences_for_user(wire::DeletePreferencesForUserRequest {
        user_id: alice.clone(),
        preferences: vec![pref],
    })
    .await
    .unwrap();
    assert!(
        api.get_preferences_for_user(wire::GetPreferencesForUserRequest { user_id: alice })
            .await
            .unwrap()
            .into_inner()
            .preferences
            .is_empty()
    );

    let mut settings = std::collections::BTreeMap::new();
    settings.insert("greeting".to_string(), prost_types_string("hi"));
    api.save_plugin_config(wire::SavePluginConfigRequest {
        config: Some(mm_proto::prost_types::Struct { fields: settings }),
    })
    .await
    .unwrap();
    let loaded = api
        .load_plugin_configuration(wire::LoadPluginConfigurationRequest {})
        .await
        .unwrap()
        .into_inner()
        .config_json;
    assert_eq!(
        serde_json::from_slice::<serde_json::Value>(&loaded).unwrap(),
        serde_json::json!({"greeting": "hi"})
    );
    let config =
        api.get_plugin_config(wire::GetPluginConfigRequest {}).await.unwrap().into_inner().config.unwrap();
    assert!(config.fields.contains_key("greeting"));
    host.shutdown();
}

fn prost_types_string(text: &str) -> mm_proto::prost_types::Value {
    mm_proto::prost_types::Value { kind: Some(mm_proto::prost_types::value::Kind::StringValue(text.into())) }
}

#[tokio::test]
async fn server_config_is_sanitized_and_saved_whole() {
    let (host, mut api) = support::host_and_api("com.example.config").await;
    let sanitized = api.get_config(wire::GetConfigRequest {}).await.unwrap().into_inner().config_json;
    let mut sanitized: serde_json::Value = serde_json::from_slice(&sanitized).unwrap();
    assert_eq!(sanitized["SqlSettings"]["DataSource"], "********");
    let full = api
        .get_unsanitized_config(wire::GetUnsanitizedConfigRequest {})
        .await
        .unwrap()
        .into_inner()
        .config_json;
    let full: serde_json::Value = serde_json::from_slice(&full).unwrap();
    assert_eq!(full["SqlSettings"]["DataSource"], "mm-host in-memory store");
    assert_eq!(full["ServiceSettings"]["SiteURL"], host.http_url().unwrap());

    // Saving the sanitized document back keeps the real secret.
    sanitized["TeamSettings"]["SiteName"] = "Changed".into();
    api.save_config(wire::SaveConfigRequest { config_json: serde_json::to_vec(&sanitized).unwrap().into() })
        .await
        .unwrap();
    let stored = host.store().config();
    assert_eq!(stored["TeamSettings"]["SiteName"], "Changed");
    assert_eq!(stored["SqlSettings"]["DataSource"], "mm-host in-memory store");
    let bad = api
        .save_config(wire::SaveConfigRequest { config_json: Bytes::from_static(b"[1,2]") })
        .await
        .unwrap_err();
    assert_eq!(bad.code(), Code::InvalidArgument);
    host.shutdown();
}

#[tokio::test]
async fn files_uploads_and_sessions() {
    let (host, mut api) = support::host_and_api("com.example.files").await;
    let channel = host.seed().town_square.id.to_string();
    let info = api
        .upload_file(wire::UploadFileRequest {
            data: Bytes::from_static(b"hello"),
            channel_id: channel.clone(),
            filename: "hello.txt".into(),
        })
        .await
        .unwrap()
        .into_inner()
        .file_info
        .unwrap();
    assert_eq!((info.size, info.extension.as_str(), info.mime_type.as_str()), (5, "txt", "text/plain"));
    let data =
        api.get_file(wire::GetFileRequest { file_id: info.id.clone() }).await.unwrap().into_inner().data;
    assert_eq!(data, "hello");
    let missing =
        api.get_file_info(wire::GetFileInfoRequest { file_id: "n".repeat(26) }).await.unwrap().into_inner();
    assert_eq!(missing.error.unwrap().status_code, 404, "file errors come in the response");
    let link =
        api.get_file_link(wire::GetFileLinkRequest { file_id: info.id.clone() }).await.unwrap().into_inner();
    let disabled = link.error.unwrap();
    assert_eq!(
        (disabled.id.as_str(), disabled.status_code),
        ("plugin_api.get_file_link.disabled.app_error", 501)
    );

    let alice = host.seed().alice.id.to_string();
    let session = api
        .create_upload_session(wire::CreateUploadSessionRequest {
            upload_session: Some(wire::UploadSession {
                r#type: "attachment".into(),
                user_id: alice.clone(),
                channel_id: channel.clone(),
                filename: "big.bin".into(),
                file_size: 6,
                ..Default::default()
            }),
        })
        .await
        .unwrap()
        .into_inner()
        .upload_session
        .unwrap();
    let part = api
        .upload_data(wire::UploadDataRequest {
            upload_session: Some(session.clone()),
            data: Bytes::from_static(b"abc"),
        })
        .await
        .unwrap()
        .into_inner();
    assert!(part.error.is_none() && part.file_info.is_none(), "not complete yet");
    let progress = api
        .get_upload_session(wire::GetUploadSessionRequest { upload_id: session.id.clone() })
        .await
        .unwrap();
    assert_eq!(progress.into_inner().upload_session.unwrap().file_offset, 3);
    let done = api
        .upload_data(wire::UploadDataRequest {
            upload_session: Some(session),
            data: Bytes::from_static(b"def"),
        })
        .await
        .unwrap()
        .into_inner()
        .file_info
        .unwrap();
    assert_eq!(done.size, 6);
    assert_eq!(done.creator_id, alice);
    let infos = api
        .get_file_infos(wire::GetFileInfosRequest {
            page: 0,
            per_page: 10,
            options: Some(wire::GetFileInfosOptions { channel_id: channel, ..Default::default() }),
        })
        .await
        .unwrap()
        .into_inner()
        .file_infos;
    assert_eq!(infos.len(), 2);

    // A message over the server's 4 MiB limit is refused as grpc-go does.
    let big = api
        .upload_file(wire::UploadFileRequest {
            data: Bytes::from(vec![0u8; 5 * 1024 * 1024]),
            channel_id: String::new(),
            filename: "x".into(),
        })
        .await
        .unwrap_err();
    assert_eq!(big.code(), Code::ResourceExhausted);
    host.shutdown();
}

#[tokio::test]
async fn logging_system_info_and_outbox() {
    let (host, mut api) = support::host_and_api("com.example.logs").await;
    api.log_info(wire::LogInfoRequest {
        msg: "activated".into(),
        key_value_pairs: vec![wire::KeyValuePair {
            key: "version".into(),
            value: Some(prost_types_string("1.0")),
        }],
    })
    .await
    .unwrap();
    api.log_error(wire::LogErrorRequest { msg: "oops".into(), key_value_pairs: vec![] }).await.unwrap();
    let logs = host.store().logs();
    assert_eq!(logs.len(), 2);
    assert_eq!(logs[0].to_string(), "[com.example.logs] info  activated version=\"1.0\"");
    assert_eq!(logs[1].level, mm_host::store::LogLevel::Error);

    let version =
        api.get_server_version(wire::GetServerVersionRequest {}).await.unwrap().into_inner().version;
    assert_eq!(version, mm_host::DEFAULT_SERVER_VERSION);
    let license = api.get_license(wire::GetLicenseRequest {}).await.unwrap().into_inner().license_json;
    assert!(license.is_empty(), "no license by default");
    let plugin_id = api.get_plugin_id(wire::GetPluginIdRequest {}).await.unwrap_err();
    assert_eq!(plugin_id.code(), Code::Unimplemented);

    api.send_mail(wire::SendMailRequest {
        to: "ops@example.com".into(),
        subject: "hi".into(),
        html_body: "<b>hi</b>".into(),
    })
    .await
    .unwrap();
    let outbox = host.store().outbox();
    assert_eq!(outbox.len(), 1);
    assert_eq!(outbox[0].kind, mm_host::store::OutboundKind::Mail);
    assert_eq!(outbox[0].payload["to"], "ops@example.com");
    host.shutdown();
}

#[tokio::test]
async fn sessions_and_access_tokens() {
    let (host, mut api) = support::host_and_api("com.example.sessions").await;
    let alice = host.seed().alice.id.to_string();
    let session = api
        .create_session(wire::CreateSessionRequest {
            session: Some(wire::Session { user_id: alice.clone(), ..Default::default() }),
        })
        .await
        .unwrap()
        .into_inner()
        .session
        .unwrap();
    assert!(!session.token.is_empty());
    assert_eq!(host.store().user_for_token(&session.token).unwrap().username, "alice");
    api.extend_session_expiry(wire::ExtendSessionExpiryRequest {
        session_id: session.id.clone(),
        new_expiry: 1,
    })
    .await
    .unwrap();
    assert!(host.store().user_for_token(&session.token).is_none(), "expired");
    api.revoke_session(wire::RevokeSessionRequest { session_id: session.id.clone() }).await.unwrap();
    let gone = api.get_session(wire::GetSessionRequest { session_id: session.id }).await.unwrap_err();
    assert_eq!(gone.code(), Code::NotFound);

    let token = api
        .create_user_access_token(wire::CreateUserAccessTokenRequest {
            token: Some(wire::UserAccessToken {
                user_id: alice,
                description: "ci".into(),
                ..Default::default()
            }),
        })
        .await
        .unwrap()
        .into_inner()
        .token
        .unwrap();
    assert_eq!(host.store().user_for_token(&token.token).unwrap().username, "alice");
    api.revoke_user_access_token(wire::RevokeUserAccessTokenRequest { token_id: token.id }).await.unwrap();
    assert!(host.store().user_for_token(&token.token).is_none());
    host.shutdown();
}

#[tokio::test]
async fn oauth_apps_are_registered_updated_and_deleted() {
    let (host, mut api) = support::host_and_api("com.example.oauth").await;
    let app = wire::OAuthApp {
        name: "Dashboard".into(),
        callback_urls: "https://dash.example.com/callback".into(),
        homepage: "https://dash.example.com".into(),
        creator_id: host.seed().admin.id.to_string(),
        ..Default::default()
    };
    let created = api
        .create_o_auth_app(wire::CreateOAuthAppRequest { app: Some(app.clone()) })
        .await
        .unwrap()
        .into_inner()
        .app
        .unwrap();
    assert!(!created.id.is_empty() && !created.client_secret.is_empty());
    let bad = api
        .create_o_auth_app(wire::CreateOAuthAppRequest {
            app: Some(wire::OAuthApp { callback_urls: String::new(), ..app }),
        })
        .await
        .unwrap_err();
    assert!(bad.message().starts_with("model.oauth.is_valid.callback.app_error"), "{}", bad.message());

    let renamed = wire::OAuthApp { name: "Board".into(), client_secret: "ignored".into(), ..created.clone() };
    let updated = api
        .update_o_auth_app(wire::UpdateOAuthAppRequest { app: Some(renamed) })
        .await
        .unwrap()
        .into_inner()
        .app
        .unwrap();
    assert_eq!(
        (updated.name.as_str(), updated.client_secret.as_str()),
        ("Board", created.client_secret.as_str())
    );
    api.delete_o_auth_app(wire::DeleteOAuthAppRequest { app_id: created.id.clone() }).await.unwrap();
    let gone = api.get_o_auth_app(wire::GetOAuthAppRequest { app_id: created.id }).await.unwrap_err();
    assert_eq!(gone.code(), Code::NotFound);
    host.shutdown();
}

#[tokio::test]
async fn groups_members_syncables_and_memberships() {
    let (host, mut api) = support::host_and_api("com.example.groups").await;
    let group = wire::Group {
        name: "devs".into(),
        display_name: "Developers".into(),
        source: "custom".into(),
        allow_reference: true,
        ..Default::default()
    };
    let devs = api
        .create_group(wire::CreateGroupRequest { group: Some(group.clone()) })
        .await
        .unwrap()
        .into_inner()
        .group
        .unwrap();
    let dup = api.create_group(wire::CreateGroupRequest { group: Some(group) }).await.unwrap_err();
    assert_eq!(dup.code(), Code::InvalidArgument);
    let synced = api
        .create_group(wire::CreateGroupRequest {
            group: Some(wire::Group {
                display_name: "LDAP ops".into(),
                source: "plugin_com.example.groups".into(),
                ..Default::default()
            }),
        })
        .await
        .unwrap_err();
    assert!(
        synced.message().starts_with("model.group.remote_id.app_error"),
        "a synced group needs a remote id"
    );

    let carol = create_user(&mut api, "carol").await;
    let alice = host.seed().alice.id.to_string();
    api.upsert_group_members(wire::UpsertGroupMembersRequest {
        group_id: devs.id.clone(),
        user_ids: vec![carol.id.clone(), alice.clone()],
    })
    .await
    .unwrap();
    let users = api
        .get_group_member_users(wire::GetGroupMemberUsersRequest {
            group_id: devs.id.clone(),
            page: 0,
            per_page: 10,
        })
        .await
        .unwrap()
        .into_inner()
        .users;
    assert_eq!(users.iter().map(|u| u.username.as_str()).collect::<Vec<_>>(), ["alice", "carol"]);
    let for_carol =
        api.get_groups_for_user(wire::GetGroupsForUserRequest { user_id: carol.id.clone() }).await.unwrap();
    assert_eq!(for_carol.into_inner().groups.len(), 1);

    // Carol is in no team; syncing the group to the team with auto-add brings her in.
    let team = host.seed().team.id.to_string();
    api.upsert_group_syncable(wire::UpsertGroupSyncableRequest {
        group_syncable: Some(wire::GroupSyncable {
            group_id: devs.id.clone(),
            syncable_id: team.clone(),
            syncable_type: "Team".into(),
            auto_add: true,
            ..Default::default()
        }),
    })
    .await
    .unwrap();
    api.create_default_syncable_memberships(wire::CreateDefaultSyncableMembershipsRequest {
        params: Some(Default::default()),
    })
    .await
    .unwrap();
    assert!(host.store().is_team_member(&host.seed().team.id, &mm_types::UserId::from_raw(carol.id.clone())));

    // A group-constrained team keeps only members of its groups.
    let mut constrained = host.seed().team.clone();
    constrained.group_constrained = Some(true);
    api.update_team(wire::UpdateTeamRequest { team: Some(constrained.into()) }).await.unwrap();
    api.delete_group_constrained_memberships(wire::DeleteGroupConstrainedMembershipsRequest {})
        .await
        .unwrap();
    let store = host.store();
    assert!(!store.is_team_member(&host.seed().team.id, &host.seed().bob.id), "bob is in no group");
    assert!(store.is_team_member(&host.seed().team.id, &host.seed().alice.id), "alice is in devs");

    let found = api
        .get_groups(wire::GetGroupsRequest {
            page: 0,
            per_page: 10,
            opts: Some(wire::GroupSearchOpts { q: "dev".into(), ..Default::default() }),
            view_restrictions: None,
        })
        .await
        .unwrap()
        .into_inner()
        .groups;
    assert_eq!(found.len(), 1);
    let archived = api
        .delete_group(wire::DeleteGroupRequest { group_id: devs.id.clone() })
        .await
        .unwrap()
        .into_inner()
        .group
        .unwrap();
    assert_ne!(archived.delete_at, 0);
    let restored = api
        .restore_group(wire::RestoreGroupRequest { group_id: devs.id.clone() })
        .await
        .unwrap()
        .into_inner()
        .group
        .unwrap();
    assert_eq!(restored.delete_at, 0);
    api.delete_group_member(wire::DeleteGroupMemberRequest { group_id: devs.id.clone(), user_id: carol.id })
        .await
        .unwrap();
    let removed = api
        .delete_group_syncable(wire::DeleteGroupSyncableRequest {
            group_id: devs.id,
            syncable_id: team,
            syncable_type: "Team".into(),
        })
        .await
        .unwrap()
        .into_inner()
        .group_syncable
        .unwrap();
    assert_ne!(removed.delete_at, 0);
    host.shutdown();
}

#[tokio::test]
async fn property_fields_and_values() {
    let (host, mut api) = support::host_and_api("com.example.props").await;
    let group = api
        .register_property_group(wire::RegisterPropertyGroupRequest { name: "tickets".into() })
        .await
        .unwrap()
        .into_inner()
        .group
        .unwrap();
    let again = api
        .register_property_group(wire::RegisterPropertyGroupRequest { name: "tickets".into() })
        .await
        .unwrap()
        .into_inner()
        .group
        .unwrap();
    assert_eq!(again.id, group.id, "registering twice gives the same group");

    let field = wire::PropertyField {
        group_id: group.id.clone(),
        name: "severity".into(),
        r#type: "select".into(),
        target_type: "post".into(),
        ..Default::default()
    };
    let severity = api
        .create_property_field(wire::CreatePropertyFieldRequest { field: Some(field.clone()) })
        .await
        .unwrap()
        .into_inner()
        .field
        .unwrap();
    let dup =
        api.create_property_field(wire::CreatePropertyFieldRequest { field: Some(field) }).await.unwrap_err();
    assert_eq!(dup.code(), Code::InvalidArgument);
    let bad_type = wire::PropertyField {
        group_id: group.id.clone(),
        name: "x".into(),
        r#type: "colour".into(),
        ..Default::default()
    };
    assert!(
        api.create_property_field(wire::CreatePropertyFieldRequest { field: Some(bad_type) }).await.is_err()
    );
    let by_name = api
        .get_property_field_by_name(wire::GetPropertyFieldByNameRequest {
            group_id: group.id.clone(),
            target_id: String::new(),
            name: "severity".into(),
        })
        .await
        .unwrap()
        .into_inner()
        .field
        .unwrap();
    assert_eq!(by_name.id, severity.id);

    let value = |v: &str| wire::PropertyValue {
        group_id: group.id.clone(),
        field_id: severity.id.clone(),
        target_type: "post".into(),
        target_id: "p".repeat(26),
        value: Some(mm_proto::prost_types::Value {
            kind: Some(mm_proto::prost_types::value::Kind::StringValue(v.into())),
        }),
        ..Default::default()
    };
    let high = api
        .create_property_value(wire::CreatePropertyValueRequest { value: Some(value("high")) })
        .await
        .unwrap()
        .into_inner()
        .value
        .unwrap();
    assert!(
        api.create_property_value(wire::CreatePropertyValueRequest { value: Some(value("low")) })
            .await
            .is_err(),
        "one value per target"
    );
    let upserted = api
        .upsert_property_value(wire::UpsertPropertyValueRequest { value: Some(value("low")) })
        .await
        .unwrap()
        .into_inner()
        .value
        .unwrap();
    assert_eq!(upserted.id, high.id, "upsert replaces the target's value");
    let found = api
        .search_property_values(wire::SearchPropertyValuesRequest {
            group_id: group.id.clone(),
            opts: Some(wire::PropertyValueSearchOpts {
                per_page: 10,
                target_id: "p".repeat(26),
                ..Default::default()
            }),
        })
        .await
        .unwrap()
        .into_inner()
        .values;
    assert_eq!(found.len(), 1);
    let count = api
        .count_property_fields(wire::CountPropertyFieldsRequest {
            group_id: group.id.clone(),
            include_deleted: false,
        })
        .await
        .unwrap();
    assert_eq!(count.into_inner().count, 1);

    api.delete_property_field(wire::DeletePropertyFieldRequest {
        group_id: group.id.clone(),
        field_id: severity.id,
    })
    .await
    .unwrap();
    let value_after = api
        .get_property_value(wire::GetPropertyValueRequest { group_id: group.id.clone(), value_id: high.id })
        .await
        .unwrap()
        .into_inner()
        .value
        .unwrap();
    assert_ne!(value_after.delete_at, 0, "deleting a field deletes its values");
    let count = api
        .count_property_fields(wire::CountPropertyFieldsRequest {
            group_id: group.id,
            include_deleted: false,
        })
        .await
        .unwrap();
    assert_eq!(count.into_inner().count, 0);
    host.shutdown();
}
