//! End to end: the fixture plugin as a child process with the server's environment; every
//! one of the 41 hooks of the gRPC contract called through the generated hooks client with
//! real payloads, and the typed results checked on the wire. (The fixture also implements the
//! 10 stock-only hooks, which a gRPC server never calls: `Implemented` leaves them out.)

mod support;

use std::collections::BTreeSet;
use std::time::Instant;

use bytes::Bytes;
use mm_hooks::{DISMISS_POST_REASON, Hook, Protocol};
use mm_proto::go_plugin;
use mm_proto::go_plugin::grpc_controller_client::GrpcControllerClient;
use mm_proto::prost_types;
use mm_proto::v1 as wire;
use serde_json::{Value, json};
use support::{PluginProcess, SERVER_KILL_AFTER, id, req, server_command, start_fake_api};
use tonic_health::pb::health_check_response::ServingStatus;

fn post(id_char: char, message: &str) -> wire::Post {
    wire::Post {
        id: id(id_char),
        channel_id: id('c'),
        user_id: id('u'),
        message: message.into(),
        create_at: 1_700_000_000_000,
        ..Default::default()
    }
}

fn user(username: &str) -> wire::User {
    wire::User {
        id: id('u'),
        username: username.into(),
        email: format!("{username}@example.com"),
        ..Default::default()
    }
}

fn remote(name: &str) -> wire::RemoteCluster {
    wire::RemoteCluster {
        remote_id: id('r'),
        name: name.into(),
        site_url: "https://remote.example.com".into(),
        ..Default::default()
    }
}

fn plugin_context() -> wire::PluginContext {
    wire::PluginContext {
        session_id: id('s'),
        request_id: id('q'),
        ip_address: "203.0.113.7".into(),
        accept_language: "fr".into(),
        user_agent: "test".into(),
    }
}

/// A JSON object as the `google.protobuf.Struct` the wire carries.
fn json_struct(value: &Value) -> prost_types::Struct {
    fn kind(value: &Value) -> prost_types::Value {
        use prost_types::value::Kind;
        let kind = match value {
            Value::Null => Kind::NullValue(0),
            Value::Bool(b) => Kind::BoolValue(*b),
            Value::Number(n) => Kind::NumberValue(n.as_f64().unwrap()),
            Value::String(s) => Kind::StringValue(s.clone()),
            Value::Array(items) => {
                Kind::ListValue(prost_types::ListValue { values: items.iter().map(kind).collect() })
            }
            Value::Object(_) => Kind::StructValue(json_struct(value)),
        };
        prost_types::Value { kind: Some(kind) }
    }
    let Value::Object(map) = value else { panic!("not an object: {value}") };
    prost_types::Struct { fields: map.iter().map(|(k, v)| (k.clone(), kind(v))).collect() }
}

fn json_bytes(value: Value) -> Bytes {
    Bytes::from(serde_json::to_vec(&value).unwrap())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_hook_end_to_end() {
    let api = start_fake_api().await;
    let plugin = PluginProcess::launch(server_command(&api)).await;
    assert!(plugin.handshake.starts_with("1|1|tcp|127.0.0.1:"), "{}", plugin.handshake);
    let port: u16 = plugin.handshake.split(['|', ':']).nth(4).unwrap().parse().unwrap();
    assert!((10000..=25000).contains(&port), "port {port} outside PLUGIN_MIN_PORT..=PLUGIN_MAX_PORT");

    assert_eq!(plugin.health("plugin").await, ServingStatus::Serving);
    assert_eq!(plugin.health("").await, ServingStatus::Serving);

    let mut hooks = plugin.hooks();
    let mut covered = BTreeSet::new();
    let mut cover = |hook: Hook| {
        covered.insert(hook);
    };

    // Implemented: exactly the 41 gRPC hooks the fixture wrote, with the server's names.
    let implemented =
        hooks.implemented(req(wire::ImplementedRequest { context: None })).await.unwrap().into_inner();
    let grpc_hooks: Vec<Hook> = Hook::all_on(Protocol::Grpc).collect();
    let expected: Vec<String> = grpc_hooks.iter().map(|h| h.rpc_name().to_owned()).collect();
    assert_eq!(implemented.hooks, expected);
    assert!(
        implemented.hooks.contains(&"OnSAMLLogin".to_owned())
            && implemented.hooks.contains(&"ServeHTTP".to_owned())
    );

    // ----- Lifecycle ---------------------------------------------------------------------
    let r = hooks.on_activate(req(wire::OnActivateRequest { context: None })).await.unwrap().into_inner();
    assert_eq!(r.error, None);
    cover(Hook::OnActivate);
    // on_activate used the PluginAPI client the runtime connected from the environment.
    assert_eq!(api.log.calls(), ["KVSet fixture_state=active"]);
    // The runtime ran the configuration handler first, as the server does for Go plugins.
    assert!(plugin.journal().await.contains("OnConfigurationChange n=1\nOnActivate config_changes=1"));

    let r = hooks
        .on_configuration_change(req(wire::OnConfigurationChangeRequest { context: None }))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(r.error, None);
    assert!(plugin.journal().await.contains("OnConfigurationChange n=2"));
    cover(Hook::OnConfigurationChange);

    let r = hooks
        .on_install(req(wire::OnInstallRequest {
            context: None,
            plugin_context: Some(plugin_context()),
            event: Some(wire::OnInstallEvent { user_id: id('i') }),
        }))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(r.error, None);
    assert!(plugin.journal().await.contains(&format!("OnInstall user={} session={}", id('i'), id('s'))));
    let r = hooks
        .on_install(req(wire::OnInstallRequest {
            context: None,
            plugin_context: None,
            event: Some(wire::OnInstallEvent { user_id: "failfailfailfailfailfailfa".into() }),
        }))
        .await
        .unwrap()
        .into_inner();
    let error = r.error.expect("a lifecycle error is an AppError");
    assert_eq!(
        (error.id.as_str(), error.message.as_str()),
        ("plugin.on_install.error", "install refused by the fixture")
    );
    cover(Hook::OnInstall);

    hooks.on_send_daily_telemetry(req(wire::OnSendDailyTelemetryRequest { context: None })).await.unwrap();
    assert!(plugin.journal().await.contains("OnSendDailyTelemetry"));
    cover(Hook::OnSendDailyTelemetry);

    let r = hooks
        .run_data_retention(req(wire::RunDataRetentionRequest {
            context: None,
            now_time: 1_700_000_000_123,
            batch_size: 21,
        }))
        .await
        .unwrap()
        .into_inner();
    assert_eq!((r.error, r.deleted_count), (None, 42));
    assert!(plugin.journal().await.contains("RunDataRetention now=1700000000123"));
    cover(Hook::RunDataRetention);

    hooks
        .on_cloud_limits_updated(req(wire::OnCloudLimitsUpdatedRequest {
            context: None,
            limits: Some(wire::ProductLimits {
                files: Some(wire::FilesLimits { total_storage: Some(10_737_418_240) }),
                ..Default::default()
            }),
        }))
        .await
        .unwrap();
    assert!(plugin.journal().await.contains("OnCloudLimitsUpdated storage=Some(10737418240)"));
    cover(Hook::OnCloudLimitsUpdated);

    let r = hooks
        .configuration_will_be_saved(req(wire::ConfigurationWillBeSavedRequest {
            context: None,
            new_config: Some(wire::ConfigJson {
                config_json: json_bytes(
                    json!({"ServiceSettings": {"SiteURL": "https://chat.example.com"}, "PluginSettings": {}}),
                ),
            }),
        }))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(r.error, None);
    let saved: Value = serde_json::from_slice(&r.modified_config.unwrap().config_json).unwrap();
    assert_eq!(saved["PluginSettings"]["Plugins"]["fixture"], json!({"touched": true}));
    assert_eq!(saved["ServiceSettings"]["SiteURL"], json!("https://chat.example.com"));
    let r = hooks
        .configuration_will_be_saved(req(wire::ConfigurationWillBeSavedRequest {
            context: None,
            new_config: Some(wire::ConfigJson {
                config_json: json_bytes(json!({"ServiceSettings": {"SiteURL": "http://refuse"}})),
            }),
        }))
        .await
        .unwrap()
        .into_inner();
    let error = r.error.expect("refused");
    assert_eq!((error.id.as_str(), error.status_code), ("plugin.fixture.config_refused", 400));
    assert_eq!(r.modified_config, None);
    cover(Hook::ConfigurationWillBeSaved);

    let r = hooks
        .generate_support_data(req(wire::GenerateSupportDataRequest {
            context: None,
            plugin_context: Some(plugin_context()),
        }))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(r.error, None);
    assert_eq!(
        r.files,
        vec![wire::FileData {
            filename: "fixture/diagnostics.txt".into(),
            data: Bytes::from(format!("request={}", id('q')))
        }]
    );
    cover(Hook::GenerateSupportData);

    // ----- Messages ----------------------------------------------------------------------
    let will_be_posted = |message: &str| wire::MessageWillBePostedRequest {
        context: None,
        plugin_context: Some(plugin_context()),
        post: Some(post('p', message)),
    };
    let r = hooks.message_will_be_posted(req(will_be_posted("hello"))).await.unwrap().into_inner();
    let replaced = r.modified_post.expect("replaced");
    assert_eq!(
        (replaced.message.as_str(), replaced.id.as_str(), r.rejection_reason.as_str()),
        ("HELLO", id('p').as_str(), "")
    );
    assert_eq!(
        replaced.props.unwrap().fields["fixture"].kind,
        Some(prost_types::value::Kind::BoolValue(true))
    );
    let r = hooks.message_will_be_posted(req(will_be_posted("allow"))).await.unwrap().into_inner();
    assert_eq!((r.modified_post, r.rejection_reason.as_str()), (None, ""));
    let r = hooks.message_will_be_posted(req(will_be_posted("reject"))).await.unwrap().into_inner();
    assert_eq!((r.modified_post, r.rejection_reason.as_str()), (None, "rejected by the fixture"));
    let r = hooks.message_will_be_posted(req(will_be_posted("dismiss"))).await.unwrap().into_inner();
    assert_eq!((r.modified_post, r.rejection_reason.as_str()), (None, DISMISS_POST_REASON));
    assert_eq!(DISMISS_POST_REASON, "plugin.message_will_be_posted.dismiss_post");
    // `props` echoes the props it got; `clear` empties the message and drops `keep_me`, which
    // gRPC carries (a stock server merges the reply into its post and keeps both).
    let with_props = |message: &str| {
        let mut request = will_be_posted(message);
        let props = json!({"keep_me": "still here", "n": 1, "nested": {"k": [true, "x"]}});
        request.post.as_mut().unwrap().props = Some(json_struct(&props));
        request
    };
    let r = hooks.message_will_be_posted(req(with_props("props"))).await.unwrap().into_inner();
    let props = r.modified_post.expect("replaced").props.expect("props");
    assert_eq!(
        props.fields["echo"],
        prost_types::Value {
            kind: Some(prost_types::value::Kind::StructValue(json_struct(
                &json!({"keep_me": "still here", "n": 1, "nested": {"k": [true, "x"]}})
            )))
        }
    );
    let r = hooks.message_will_be_posted(req(with_props("clear"))).await.unwrap().into_inner();
    let cleared = r.modified_post.expect("replaced");
    let props = cleared.props.expect("props");
    assert_eq!(cleared.message, "");
    assert!(!props.fields.contains_key("keep_me"));
    assert_eq!(props.fields["cleared"].kind, Some(prost_types::value::Kind::BoolValue(true)));
    cover(Hook::MessageWillBePosted);

    let r = hooks
        .message_will_be_updated(req(wire::MessageWillBeUpdatedRequest {
            context: None,
            plugin_context: None,
            new_post: Some(post('p', "new")),
            old_post: Some(post('p', "old")),
        }))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(r.modified_post.map(|p| p.message), Some("old -> new".into()));
    let r = hooks
        .message_will_be_updated(req(wire::MessageWillBeUpdatedRequest {
            context: None,
            plugin_context: None,
            new_post: Some(post('p', "reject")),
            old_post: Some(post('p', "old")),
        }))
        .await
        .unwrap()
        .into_inner();
    assert_eq!((r.modified_post, r.rejection_reason.as_str()), (None, "edit rejected by the fixture"));
    cover(Hook::MessageWillBeUpdated);

    hooks
        .message_has_been_posted(req(wire::MessageHasBeenPostedRequest {
            context: None,
            plugin_context: None,
            post: Some(post('a', "posted!")),
        }))
        .await
        .unwrap();
    assert!(plugin.journal().await.contains(&format!("MessageHasBeenPosted id={} message=posted!", id('a'))));
    cover(Hook::MessageHasBeenPosted);

    hooks
        .message_has_been_updated(req(wire::MessageHasBeenUpdatedRequest {
            context: None,
            plugin_context: None,
            new_post: Some(post('a', "v2")),
            old_post: Some(post('a', "v1")),
        }))
        .await
        .unwrap();
    assert!(plugin.journal().await.contains("MessageHasBeenUpdated v1 -> v2"));
    cover(Hook::MessageHasBeenUpdated);

    let r = hooks
        .messages_will_be_consumed(req(wire::MessagesWillBeConsumedRequest {
            context: None,
            posts: vec![post('a', "public"), post('b', "secret"), post('d', "also public")],
        }))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(r.posts.iter().map(|p| p.message.as_str()).collect::<Vec<_>>(), ["public", "also public"]);
    cover(Hook::MessagesWillBeConsumed);

    hooks
        .message_has_been_deleted(req(wire::MessageHasBeenDeletedRequest {
            context: None,
            plugin_context: None,
            post: Some(post('e', "bye")),
        }))
        .await
        .unwrap();
    assert!(plugin.journal().await.contains(&format!("MessageHasBeenDeleted id={}", id('e'))));
    cover(Hook::MessageHasBeenDeleted);

    let file = |name: &str| wire::FileInfo {
        id: id('f'),
        name: name.into(),
        size: 5,
        mime_type: "text/plain".into(),
        ..Default::default()
    };
    let r = hooks
        .file_will_be_uploaded(req(wire::FileWillBeUploadedRequest {
            context: None,
            plugin_context: Some(plugin_context()),
            file_info: Some(file("notes.txt")),
            file_content: Bytes::from_static(b"hello"),
        }))
        .await
        .unwrap()
        .into_inner();
    let info = r.modified_file_info.expect("replaced");
    assert_eq!(
        (info.name.as_str(), info.size, &r.modified_content[..], r.rejection_reason.as_str()),
        ("scanned-notes.txt", 5, &b"HELLO"[..], "")
    );
    let r = hooks
        .file_will_be_uploaded(req(wire::FileWillBeUploadedRequest {
            context: None,
            plugin_context: None,
            file_info: Some(file("setup.exe")),
            file_content: Bytes::from_static(b"MZ"),
        }))
        .await
        .unwrap()
        .into_inner();
    assert_eq!((r.modified_file_info, r.rejection_reason.as_str()), (None, "executables are not allowed"));
    cover(Hook::FileWillBeUploaded);

    let reaction = wire::Reaction {
        user_id: id('u'),
        post_id: id('p'),
        emoji_name: "tada".into(),
        ..Default::default()
    };
    hooks
        .reaction_has_been_added(req(wire::ReactionHasBeenAddedRequest {
            context: None,
            plugin_context: None,
            reaction: Some(reaction.clone()),
        }))
        .await
        .unwrap();
    hooks
        .reaction_has_been_removed(req(wire::ReactionHasBeenRemovedRequest {
            context: None,
            plugin_context: None,
            reaction: Some(reaction),
        }))
        .await
        .unwrap();
    let journal = plugin.journal().await;
    assert!(
        journal.contains("ReactionHasBeenAdded emoji=tada")
            && journal.contains("ReactionHasBeenRemoved emoji=tada")
    );
    cover(Hook::ReactionHasBeenAdded);
    cover(Hook::ReactionHasBeenRemoved);

    let push = |message: &str| wire::PushNotification {
        message: message.into(),
        platform: "ios".into(),
        post_id: id('p'),
        ..Default::default()
    };
    let r = hooks
        .notification_will_be_pushed(req(wire::NotificationWillBePushedRequest {
            context: None,
            push_notification: Some(push("ping")),
            user_id: id('u'),
        }))
        .await
        .unwrap()
        .into_inner();
    let pushed = r.modified_notification.expect("replaced");
    assert_eq!((pushed.message, pushed.platform), (format!("[for {}] ping", id('u')), "ios".into()));
    let r = hooks
        .notification_will_be_pushed(req(wire::NotificationWillBePushedRequest {
            context: None,
            push_notification: Some(push("a secret")),
            user_id: id('u'),
        }))
        .await
        .unwrap()
        .into_inner();
    assert_eq!((r.modified_notification, r.rejection_reason.as_str()), (None, "no secrets on lock screens"));
    cover(Hook::NotificationWillBePushed);

    let r = hooks
        .email_notification_will_be_sent(req(wire::EmailNotificationWillBeSentRequest {
            context: None,
            email_notification: Some(wire::EmailNotificationJson {
                notification_json: json_bytes(
                    json!({"subject": "New message", "title": "Hi", "recipient_id": id('u')}),
                ),
            }),
        }))
        .await
        .unwrap()
        .into_inner();
    let content = r.modified_content.expect("replaced");
    assert_eq!((content.subject.as_str(), content.title.as_str()), ("[fixture] New message", "Hi"));
    let r = hooks
        .email_notification_will_be_sent(req(wire::EmailNotificationWillBeSentRequest {
            context: None,
            email_notification: Some(wire::EmailNotificationJson {
                notification_json: json_bytes(json!({"subject": "your secret", "recipient_id": id('u')})),
            }),
        }))
        .await
        .unwrap()
        .into_inner();
    assert_eq!((r.modified_content, r.rejection_reason.as_str()), (None, "no secrets in email subjects"));
    cover(Hook::EmailNotificationWillBeSent);

    hooks
        .preferences_have_changed(req(wire::PreferencesHaveChangedRequest {
            context: None,
            plugin_context: None,
            preferences: vec![wire::Preference {
                user_id: id('u'),
                category: "display_settings".into(),
                name: "use_military_time".into(),
                value: "true".into(),
            }],
        }))
        .await
        .unwrap();
    assert!(plugin.journal().await.contains("PreferencesHaveChanged use_military_time=true"));
    cover(Hook::PreferencesHaveChanged);

    // ----- Users, channels, teams ----------------------------------------------------------
    hooks
        .user_has_been_created(req(wire::UserHasBeenCreatedRequest {
            context: None,
            plugin_context: None,
            user: Some(user("alice")),
        }))
        .await
        .unwrap();
    cover(Hook::UserHasBeenCreated);
    let r = hooks
        .user_will_log_in(req(wire::UserWillLogInRequest {
            context: None,
            plugin_context: Some(plugin_context()),
            user: Some(user("alice")),
        }))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(r.rejection_reason, "");
    let r = hooks
        .user_will_log_in(req(wire::UserWillLogInRequest {
            context: None,
            plugin_context: None,
            user: Some(user("mallory")),
        }))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(r.rejection_reason, "mallory may not log in");
    cover(Hook::UserWillLogIn);
    hooks
        .user_has_logged_in(req(wire::UserHasLoggedInRequest {
            context: None,
            plugin_context: None,
            user: Some(user("alice")),
        }))
        .await
        .unwrap();
    cover(Hook::UserHasLoggedIn);
    hooks
        .user_has_been_deactivated(req(wire::UserHasBeenDeactivatedRequest {
            context: None,
            plugin_context: None,
            user: Some(user("bob")),
        }))
        .await
        .unwrap();
    cover(Hook::UserHasBeenDeactivated);
    let journal = plugin.journal().await;
    for entry in [
        "UserHasBeenCreated username=alice",
        "UserHasLoggedIn username=alice",
        "UserHasBeenDeactivated username=bob",
    ] {
        assert!(journal.contains(entry), "{entry} missing from {journal}");
    }

    let saml = |name_id: &str| wire::OnSamlLoginRequest {
        context: None,
        plugin_context: None,
        user: Some(user("carol")),
        assertion: Some(wire::SamlAssertionInfoJson {
            assertion_json: json_bytes(json!({"NameID": name_id, "SessionIndex": "idx-1"})),
        }),
    };
    assert_eq!(hooks.on_saml_login(req(saml("carol@example.com"))).await.unwrap().into_inner().error, None);
    let error = hooks.on_saml_login(req(saml("denied"))).await.unwrap().into_inner().error.expect("denied");
    assert_eq!(
        (error.id.as_str(), error.message.as_str(), error.status_code),
        ("plugin.fixture.saml_denied", "SAML login denied.", 403)
    );
    assert!(plugin.journal().await.contains("OnSAMLLogin username=carol"));
    cover(Hook::OnSamlLogin);

    hooks
        .channel_has_been_created(req(wire::ChannelHasBeenCreatedRequest {
            context: None,
            plugin_context: None,
            channel: Some(wire::Channel { id: id('c'), name: "town-square".into(), ..Default::default() }),
        }))
        .await
        .unwrap();
    assert!(plugin.journal().await.contains("ChannelHasBeenCreated name=town-square"));
    cover(Hook::ChannelHasBeenCreated);

    let channel_member = wire::ChannelMember { channel_id: id('c'), user_id: id('u'), ..Default::default() };
    hooks
        .user_has_joined_channel(req(wire::UserHasJoinedChannelRequest {
            context: None,
            plugin_context: None,
            channel_member: Some(channel_member.clone()),
            actor: Some(user("admin")),
        }))
        .await
        .unwrap();
    hooks
        .user_has_left_channel(req(wire::UserHasLeftChannelRequest {
            context: None,
            plugin_context: None,
            channel_member: Some(channel_member),
            actor: None,
        }))
        .await
        .unwrap();
    let team_member = wire::TeamMember { team_id: id('t'), user_id: id('u'), ..Default::default() };
    hooks
        .user_has_joined_team(req(wire::UserHasJoinedTeamRequest {
            context: None,
            plugin_context: None,
            team_member: Some(team_member.clone()),
            actor: None,
        }))
        .await
        .unwrap();
    hooks
        .user_has_left_team(req(wire::UserHasLeftTeamRequest {
            context: None,
            plugin_context: None,
            team_member: Some(team_member),
            actor: Some(user("admin")),
        }))
        .await
        .unwrap();
    let journal = plugin.journal().await;
    let (u, c, t) = (id('u'), id('c'), id('t'));
    for entry in [
        format!("UserHasJoinedChannel user={u} channel={c} actor=admin"),
        format!("UserHasLeftChannel user={u} channel={c} actor=-"),
        format!("UserHasJoinedTeam user={u} team={t} actor=-"),
        format!("UserHasLeftTeam user={u} team={t} actor=admin"),
    ] {
        assert!(journal.contains(&entry), "{entry} missing from {journal}");
    }
    cover(Hook::UserHasJoinedChannel);
    cover(Hook::UserHasLeftChannel);
    cover(Hook::UserHasJoinedTeam);
    cover(Hook::UserHasLeftTeam);

    // ----- Slash commands --------------------------------------------------------------------
    let r = hooks
        .execute_command(req(wire::ExecuteCommandRequest {
            context: None,
            plugin_context: Some(plugin_context()),
            args: Some(wire::CommandArgs {
                command: "/echo  hello there ".into(),
                user_id: id('u'),
                channel_id: id('c'),
                ..Default::default()
            }),
        }))
        .await
        .unwrap()
        .into_inner();
    let response = r.response.expect("a response");
    assert_eq!(
        (r.error, response.text.as_str(), response.response_type.as_str()),
        (None, "hello there", "ephemeral")
    );
    let r = hooks
        .execute_command(req(wire::ExecuteCommandRequest {
            context: None,
            plugin_context: Some(plugin_context()),
            args: Some(wire::CommandArgs { command: "/context".into(), ..Default::default() }),
        }))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(
        r.response.unwrap().text,
        format!("hook=ExecuteCommand session={} ip=203.0.113.7 deadline=true", id('s'))
    );
    let r = hooks
        .execute_command(req(wire::ExecuteCommandRequest {
            context: None,
            plugin_context: None,
            args: Some(wire::CommandArgs { command: "/fail".into(), ..Default::default() }),
        }))
        .await
        .unwrap()
        .into_inner();
    let error = r.error.expect("failed");
    assert_eq!((error.id.as_str(), error.status_code, r.response), ("plugin.fixture.failed", 400, None));
    assert_eq!(plugin.command("/blocking").await.unwrap(), "42");
    cover(Hook::ExecuteCommand);

    // ----- WebSocket and cluster -------------------------------------------------------------
    hooks
        .on_web_socket_connect(req(wire::OnWebSocketConnectRequest {
            context: None,
            web_conn_id: "conn-1".into(),
            user_id: id('u'),
        }))
        .await
        .unwrap();
    hooks
        .web_socket_message_has_been_posted(req(wire::WebSocketMessageHasBeenPostedRequest {
            context: None,
            web_conn_id: "conn-1".into(),
            user_id: id('u'),
            request: Some(wire::WebSocketRequest {
                seq: 3,
                action: "custom_demo_action".into(),
                data: Some(prost_types::Struct {
                    fields: [(
                        "text".to_owned(),
                        prost_types::Value { kind: Some(prost_types::value::Kind::StringValue("hi".into())) },
                    )]
                    .into(),
                }),
            }),
        }))
        .await
        .unwrap();
    hooks
        .on_web_socket_disconnect(req(wire::OnWebSocketDisconnectRequest {
            context: None,
            web_conn_id: "conn-1".into(),
            user_id: id('u'),
        }))
        .await
        .unwrap();
    hooks
        .on_plugin_cluster_event(req(wire::OnPluginClusterEventRequest {
            context: None,
            plugin_context: None,
            event: Some(wire::PluginClusterEvent {
                id: "cache-flush".into(),
                data: Bytes::from_static(b"all"),
            }),
        }))
        .await
        .unwrap();
    let journal = plugin.journal().await;
    for entry in [
        format!("OnWebSocketConnect conn=conn-1 user={u}"),
        format!("WebSocketMessageHasBeenPosted conn=conn-1 user={u} action=custom_demo_action text=\"hi\""),
        format!("OnWebSocketDisconnect conn=conn-1 user={u}"),
        "OnPluginClusterEvent id=cache-flush data=all".to_owned(),
    ] {
        assert!(journal.contains(&entry), "{entry} missing from {journal}");
    }
    cover(Hook::OnWebSocketConnect);
    cover(Hook::WebSocketMessageHasBeenPosted);
    cover(Hook::OnWebSocketDisconnect);
    cover(Hook::OnPluginClusterEvent);

    // ----- Shared channels -------------------------------------------------------------------
    let r = hooks
        .on_shared_channels_sync_msg(req(wire::OnSharedChannelsSyncMsgRequest {
            context: None,
            sync_msg: Some(wire::SyncMsgJson {
                sync_msg_json: json_bytes(json!({"channel_id": id('c'), "posts": []})),
            }),
            remote_cluster: Some(remote("east")),
        }))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(r.error, None);
    assert_eq!(r.response.unwrap().posts_last_update_at, 1_700_000_000_000);
    assert!(plugin.journal().await.contains(&format!("OnSharedChannelsSyncMsg channel={c} remote=east")));
    cover(Hook::OnSharedChannelsSyncMsg);

    let ping =
        |name: &str| wire::OnSharedChannelsPingRequest { context: None, remote_cluster: Some(remote(name)) };
    assert!(hooks.on_shared_channels_ping(req(ping("east"))).await.unwrap().into_inner().healthy);
    assert!(!hooks.on_shared_channels_ping(req(ping("down"))).await.unwrap().into_inner().healthy);
    cover(Hook::OnSharedChannelsPing);

    let attachment = |message: &str| wire::OnSharedChannelsAttachmentSyncMsgRequest {
        context: None,
        file_info: Some(file("photo.png")),
        post: Some(post('p', message)),
        remote_cluster: Some(remote("east")),
    };
    assert_eq!(
        hooks.on_shared_channels_attachment_sync_msg(req(attachment("ok"))).await.unwrap().into_inner().error,
        None
    );
    let error = hooks
        .on_shared_channels_attachment_sync_msg(req(attachment("fail")))
        .await
        .unwrap()
        .into_inner()
        .error
        .unwrap();
    assert_eq!(error.id, "plugin.on_shared_channels_attachment_sync_msg.error");
    cover(Hook::OnSharedChannelsAttachmentSyncMsg);

    let r = hooks
        .on_shared_channels_profile_image_sync_msg(req(wire::OnSharedChannelsProfileImageSyncMsgRequest {
            context: None,
            user: Some(user("dave")),
            remote_cluster: Some(remote("east")),
        }))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(r.error, None);
    let journal = plugin.journal().await;
    assert!(
        journal.contains(&format!(
            "OnSharedChannelsAttachmentSyncMsg file=photo.png post={} remote=east",
            id('p')
        ))
    );
    assert!(journal.contains("OnSharedChannelsProfileImageSyncMsg user=dave remote=east"));
    cover(Hook::OnSharedChannelsProfileImageSyncMsg);

    // ----- ServeHTTP: a request body in three messages, the echo in two ------------------------
    let messages = vec![
        wire::ServeHttpRequest {
            init: Some(wire::ServeHttpRequestInit {
                plugin_context: Some(plugin_context()),
                method: "POST".into(),
                url: "/echo?x=1".into(),
                proto: "HTTP/1.1".into(),
                proto_major: 1,
                proto_minor: 1,
                headers: vec![wire::HttpHeader {
                    key: "Content-Type".into(),
                    values: vec!["text/plain".into()],
                }],
                host: "chat.example.com".into(),
                remote_addr: "203.0.113.7:5555".into(),
                request_uri: "/plugins/fixture/echo?x=1".into(),
                content_length: 11,
            }),
            body_chunk: Bytes::from_static(b"hello"),
            body_complete: false,
        },
        wire::ServeHttpRequest {
            init: None,
            body_chunk: Bytes::from_static(b" world"),
            body_complete: false,
        },
        wire::ServeHttpRequest { init: None, body_chunk: Bytes::new(), body_complete: true },
    ];
    let mut responses = hooks.serve_http(futures_util::stream::iter(messages)).await.unwrap().into_inner();
    let mut parts = Vec::new();
    while let Some(part) = responses.message().await.unwrap() {
        parts.push(part);
    }
    assert_eq!(parts.len(), 2);
    let init = parts[0].init.as_ref().expect("the first part carries the head");
    assert_eq!(init.status_code, 201);
    assert_eq!(
        init.headers,
        vec![wire::HttpHeader { key: "X-Echo-Method".into(), values: vec!["POST".into()] }]
    );
    assert!(parts[0].flush && !parts[0].body_complete);
    let body: Vec<u8> = parts.iter().flat_map(|p| p.body_chunk.to_vec()).collect();
    assert_eq!(String::from_utf8(body).unwrap(), "POST /echo?x=1\nhello world");
    assert!(parts[1].body_complete && parts[1].init.is_none());
    cover(Hook::ServeHttp);

    // ----- OnDeactivate, then go-plugin's Shutdown, as the server does -------------------------
    let r = hooks.on_deactivate(req(wire::OnDeactivateRequest { context: None })).await.unwrap().into_inner();
    assert_eq!(r.error, None);
    assert!(plugin.journal().await.ends_with("OnDeactivate"));
    assert_eq!(api.log.calls().last().map(String::as_str), Some("KVSet fixture_state=inactive"));
    cover(Hook::OnDeactivate);

    let all: BTreeSet<Hook> = grpc_hooks.iter().copied().collect();
    let missing: Vec<_> = all.difference(&covered).collect();
    assert!(missing.is_empty(), "hooks not covered: {missing:?}");
    // The closing note of the run: how many hooks this test drove over the wire.
    #[allow(clippy::print_stderr)]
    {
        eprintln!("hooks covered end to end: {}/{}", covered.len(), grpc_hooks.len());
    }
    assert_eq!((covered.len(), grpc_hooks.len()), (41, 41));

    let mut plugin = plugin;
    let started = Instant::now();
    GrpcControllerClient::new(plugin.channel.clone()).shutdown(go_plugin::Empty {}).await.unwrap();
    let (status, took) = plugin.wait_exit(started, SERVER_KILL_AFTER * 5).await;
    assert!(status.success(), "exit status {status}; stderr: {}", plugin.stderr.text());
    assert!(took < SERVER_KILL_AFTER, "took {took:?}: the server kills a plugin after 2 s");
    // The server called OnDeactivate already: shutdown does not run it again.
    assert_eq!(plugin.stderr.text().matches("fixture on_deactivate ran").count(), 1);
    assert_eq!(plugin.extra_stdout.text(), "", "the handshake must be the only stdout line");
}
