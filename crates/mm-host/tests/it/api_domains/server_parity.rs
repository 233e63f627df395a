//! Where the server's PluginAPI answers in a way a plugin can see, mm-host answers the same
//! (ids, statuses and values read from server/channels/app/plugin_api.go and what it calls).

use bytes::Bytes;
use mm_host::supervisor::{PluginSpec, Protocol, Supervisor, SupervisorEvent};
use mm_proto::v1 as wire;
use tokio::sync::broadcast;
use tonic::Code;

use super::support;

/// Sets one setting of the server configuration through the PluginAPI.
async fn set_config(api: &mut super::Api, pointer: &str, value: serde_json::Value) {
    let config = api.get_unsanitized_config(wire::GetUnsanitizedConfigRequest {}).await.unwrap().into_inner();
    let mut config: serde_json::Value = serde_json::from_slice(&config.config_json).unwrap();
    *config.pointer_mut(pointer).unwrap_or_else(|| panic!("{pointer} is in the default configuration")) =
        value;
    let config_json = Bytes::from(serde_json::to_vec(&config).unwrap());
    api.save_config(wire::SaveConfigRequest { config_json }).await.unwrap();
}

fn custom_command(team: &str, trigger: &str) -> wire::Command {
    wire::Command {
        team_id: team.into(),
        trigger: trigger.into(),
        method: "P".into(),
        url: "https://example.com/hook".into(),
        ..Default::default()
    }
}

#[tokio::test]
async fn create_command_belongs_to_the_calling_plugin_and_lists_in_the_servers_order() {
    let (host, mut api) = support::host_and_api("com.example.commands").await;
    let team = host.seed().team.id.to_string();
    let alice = host.seed().alice.id.to_string();

    // CreatorId is cleared and PluginId set to the caller, whatever the plugin sent.
    let sent = wire::Command {
        creator_id: alice.clone(),
        plugin_id: "com.example.someone-else".into(),
        ..custom_command(&team, "Deploy")
    };
    let created = api
        .create_command(wire::CreateCommandRequest { cmd: Some(sent) })
        .await
        .unwrap()
        .into_inner()
        .command
        .unwrap();
    assert_eq!(
        (created.creator_id.as_str(), created.plugin_id.as_str(), created.trigger.as_str()),
        ("", "com.example.commands", "deploy")
    );
    assert_eq!((created.id.len(), created.token.len()), (26, 26));

    // The server's createCommand refuses a trigger the team or a built-in command has.
    for trigger in ["deploy", "echo"] {
        let taken = api
            .create_command(wire::CreateCommandRequest { cmd: Some(custom_command(&team, trigger)) })
            .await
            .unwrap_err();
        assert_eq!(taken.code(), Code::InvalidArgument, "{trigger}");
        assert!(
            taken.message().starts_with("api.command.duplicate_trigger.app_error: "),
            "{}",
            taken.message()
        );
    }
    // ... and Command.IsValid still wants an http(s) URL from plugin commands.
    let no_url = wire::Command { url: String::new(), ..custom_command(&team, "nourl") };
    let no_url = api.create_command(wire::CreateCommandRequest { cmd: Some(no_url) }).await.unwrap_err();
    assert_eq!(no_url.message(), "model.command.is_valid.url.app_error: Invalid URL.");

    // ListCommands: plugin commands, then built-in ones, then custom ones (plugin_api.go).
    support::register_command(&host, "com.example.commands", "registered").await;
    let all = api
        .list_commands(wire::ListCommandsRequest { team_id: team.clone() })
        .await
        .unwrap()
        .into_inner()
        .commands;
    let triggers: Vec<&str> = all.iter().map(|c| c.trigger.as_str()).collect();
    assert_eq!(triggers.first(), Some(&"registered"));
    assert_eq!(triggers.get(1), Some(&"echo"), "built-in commands come second: {triggers:?}");
    assert_eq!(triggers.last(), Some(&"deploy"));
    // No team check: an unknown team lists the plugin commands of every team, nothing else.
    let elsewhere = api
        .list_commands(wire::ListCommandsRequest { team_id: "u".repeat(26) })
        .await
        .unwrap()
        .into_inner()
        .commands;
    assert!(
        elsewhere.iter().any(|c| c.trigger == "registered")
            && !elsewhere.iter().any(|c| c.trigger == "deploy")
    );
    let custom = api
        .list_custom_commands(wire::ListCustomCommandsRequest { team_id: team.clone() })
        .await
        .unwrap()
        .into_inner()
        .commands;
    assert_eq!(custom.iter().map(|c| c.plugin_id.as_str()).collect::<Vec<_>>(), ["com.example.commands"]);

    // UpdateCommand makes the caller the plugin and keeps id, token and creation time; a
    // command with a creator cannot also have a plugin (Command.IsValid).
    let mut other = support::api_client(&host, "com.example.other").await;
    let update = wire::Command { display_name: "Deploy!".into(), ..custom_command("", "Deploy") };
    let updated = other
        .update_command(wire::UpdateCommandRequest {
            command_id: created.id.clone(),
            updated_cmd: Some(update.clone()),
        })
        .await
        .unwrap()
        .into_inner()
        .command
        .unwrap();
    assert_eq!(
        (updated.id.as_str(), updated.token.as_str(), updated.create_at, updated.team_id.as_str()),
        (created.id.as_str(), created.token.as_str(), created.create_at, team.as_str())
    );
    assert_eq!((updated.plugin_id.as_str(), updated.display_name.as_str()), ("com.example.other", "Deploy!"));
    let both = other
        .update_command(wire::UpdateCommandRequest {
            command_id: created.id.clone(),
            updated_cmd: Some(wire::Command { creator_id: alice, ..update }),
        })
        .await
        .unwrap_err();
    assert_eq!(both.message(), "model.command.is_valid.plugin_id.app_error: Invalid plugin id.");

    // DeleteCommand answers nothing either way, as the server's store does.
    api.delete_command(wire::DeleteCommandRequest { command_id: created.id.clone() }).await.unwrap();
    api.delete_command(wire::DeleteCommandRequest { command_id: "x".repeat(26) }).await.unwrap();
    let gone = api.get_command(wire::GetCommandRequest { command_id: created.id }).await.unwrap_err();
    assert_eq!(gone.code(), Code::NotFound);
    host.shutdown();
}

#[tokio::test]
async fn create_post_from_a_plugin_is_marked_from_plugin_and_other_post_calls_are_not() {
    let (host, mut api) = support::host_and_api("com.example.posts").await;
    let channel = host.seed().town_square.id.to_string();
    let alice = host.seed().alice.id.to_string();
    let post = wire::Post {
        channel_id: channel.clone(),
        user_id: alice.clone(),
        message: "hi".into(),
        ..Default::default()
    };
    let created =
        api.create_post(wire::CreatePostRequest { post: Some(post.clone()) }).await.unwrap().into_inner();
    let created = created.post.unwrap();
    let props = created.props.clone().unwrap_or_default().fields;
    assert_eq!(
        props.get("from_plugin").and_then(|v| v.kind.clone()),
        Some(mm_proto::prost_types::value::Kind::StringValue("true".into()))
    );
    let stored = host.store().post(&mm_types::PostId::from_raw(created.id.clone())).unwrap();
    assert_eq!(stored.prop("from_plugin"), Some(&serde_json::json!("true")));

    // A post made by a user (through the host) is not marked.
    let by_hand = mm_types::Post {
        user_id: mm_types::UserId::from_raw(alice.clone()),
        ..mm_types::Post::new(mm_types::ChannelId::from_raw(channel.clone()), "by hand")
    };
    let by_user = host.create_post(by_hand).await.unwrap();
    assert_eq!(by_user.prop("from_plugin"), None);

    // UpdatePost and SendEphemeralPost do not add it (plugin_api.go).
    let mut edit = wire::Post { message: "edited".into(), ..created };
    edit.props = None;
    let updated = api.update_post(wire::UpdatePostRequest { post: Some(edit) }).await.unwrap().into_inner();
    assert!(!updated.post.unwrap().props.unwrap_or_default().fields.contains_key("from_plugin"));
    let ephemeral = api
        .send_ephemeral_post(wire::SendEphemeralPostRequest { user_id: alice, post: Some(post) })
        .await
        .unwrap()
        .into_inner()
        .post
        .unwrap();
    assert!(!ephemeral.props.unwrap_or_default().fields.contains_key("from_plugin"));
    host.shutdown();
}

#[tokio::test]
async fn get_file_link_answers_the_servers_ids_and_statuses() {
    let (host, mut api) = support::host_and_api("com.example.links").await;
    let channel = host.seed().town_square.id.to_string();
    let upload = wire::UploadFileRequest {
        data: Bytes::from_static(b"hello"),
        channel_id: channel.clone(),
        filename: "hello.txt".into(),
    };
    let info = api.upload_file(upload).await.unwrap().into_inner().file_info.unwrap();
    let link = |api: &mut super::Api, file_id: String| {
        let mut api = api.clone();
        async move { api.get_file_link(wire::GetFileLinkRequest { file_id }).await.unwrap().into_inner() }
    };

    // FileSettings.EnablePublicLink is off by default, as on the server: 501.
    let disabled = link(&mut api, info.id.clone()).await.error.unwrap();
    assert_eq!(
        (disabled.id.as_str(), disabled.status_code, disabled.message.as_str()),
        ("plugin_api.get_file_link.disabled.app_error", 501, "Public links have been disabled.")
    );

    set_config(&mut api, "/FileSettings/EnablePublicLink", serde_json::json!(true)).await;
    let missing = link(&mut api, "n".repeat(26)).await.error.unwrap();
    assert_eq!(missing.status_code, 404, "the file's own error: {missing:?}");
    let no_post = link(&mut api, info.id.clone()).await.error.unwrap();
    assert_eq!(
        (no_post.id.as_str(), no_post.status_code, no_post.detailed_error.clone()),
        ("plugin_api.get_file_link.no_post.app_error", 400, format!("file_id={}", info.id))
    );

    let post = wire::Post {
        channel_id: channel,
        user_id: host.seed().alice.id.to_string(),
        message: "a file".into(),
        file_ids: vec![info.id.clone()],
        ..Default::default()
    };
    api.create_post(wire::CreatePostRequest { post: Some(post) }).await.unwrap();
    let attached = link(&mut api, info.id.clone()).await;
    assert!(attached.error.is_none(), "{:?}", attached.error);
    let prefix = format!("{}/files/{}/public?h=", host.http_url().unwrap(), info.id);
    assert!(attached.link.starts_with(&prefix), "{}", attached.link);
    host.shutdown();
}

const FIXTURE: &str = env!("CARGO_BIN_EXE_mm-host-fixture-plugin");

/// A supervisor working with `host`, as `mm-host run` and the test kit build one.
fn supervisor(host: &mm_host::Host) -> Supervisor {
    Supervisor::builder(std::sync::Arc::new(host.clone())).build()
}

/// The fixture is a bare go-plugin gRPC server (the fork's protocol).
fn fixture(id: &str) -> PluginSpec {
    PluginSpec::from_binary(FIXTURE).unwrap().with_plugin_id(id).unwrap().with_protocol(Protocol::Grpc)
}

/// Waits for the supervisor's event about `plugin_id` that `matches` picks.
async fn event(
    events: &mut broadcast::Receiver<SupervisorEvent>,
    matches: impl Fn(&SupervisorEvent) -> bool,
) -> SupervisorEvent {
    loop {
        let event = events.recv().await.expect("the supervisor is alive");
        if matches(&event) {
            return event;
        }
    }
}

async fn bundle_path(host: &mm_host::Host, plugin_id: &str) -> String {
    let mut api = support::api_client(host, plugin_id).await;
    api.get_bundle_path(wire::GetBundlePathRequest {}).await.unwrap().into_inner().path
}

#[tokio::test]
async fn get_bundle_path_is_the_folder_the_plugin_was_launched_from() {
    let host = mm_host::Host::start().await.unwrap();
    let supervisor = supervisor(&host);

    // A plugin folder (plugin.json and its executable): that folder.
    let folder = tempfile::tempdir().unwrap();
    std::fs::copy(FIXTURE, folder.path().join("plugin-bin")).unwrap();
    let manifest = serde_json::json!({
        "id": "com.example.folder",
        "name": "Folder",
        "version": "1.0.0",
        "server": {"executable": "plugin-bin"},
    });
    std::fs::write(folder.path().join("plugin.json"), manifest.to_string()).unwrap();
    supervisor
        .start(PluginSpec::from_dir(folder.path()).unwrap().with_protocol(Protocol::Grpc))
        .await
        .unwrap();
    assert_eq!(bundle_path(&host, "com.example.folder").await, folder.path().display().to_string());

    // A bare binary: its folder.
    supervisor.start(fixture("com.example.bare")).await.unwrap();
    let binary_dir = std::path::absolute(FIXTURE).unwrap().parent().unwrap().display().to_string();
    assert_eq!(bundle_path(&host, "com.example.bare").await, binary_dir);

    // A plugin no supervisor launched (the test kit's in-process plugins): the server's own
    // answer, PluginSettings.Directory joined with the id, made absolute, unless set.
    let expected = std::env::current_dir().unwrap().join("plugins").join("com.example.inproc");
    assert_eq!(bundle_path(&host, "com.example.inproc").await, expected.display().to_string());
    host.set_plugin_dir("com.example.inproc", folder.path());
    assert_eq!(bundle_path(&host, "com.example.inproc").await, folder.path().display().to_string());

    supervisor.stop_all().await;
    host.shutdown();
}

#[tokio::test]
async fn plugin_calls_act_on_the_hosts_plugins() {
    let host = mm_host::Host::start().await.unwrap();
    let supervisor = supervisor(&host);
    let mut events = supervisor.subscribe();
    const ID: &str = "com.example.managed";
    supervisor.start(fixture(ID)).await.unwrap();
    support::register_command(&host, ID, "managed").await;
    support::fake_plugin::register_unreachable(&host, "com.example.inproc", &[]);
    let mut api = support::api_client(&host, "com.example.caller").await;
    let status = |api: &super::Api, id: &str| {
        let (mut api, id) = (api.clone(), id.to_string());
        async move { api.get_plugin_status(wire::GetPluginStatusRequest { id }).await }
    };
    let plugins = |api: &super::Api| {
        let mut api = api.clone();
        async move {
            let manifests = api.get_plugins(wire::GetPluginsRequest {}).await.unwrap().into_inner().manifests;
            manifests.into_iter().map(|m| m.id).collect::<Vec<_>>()
        }
    };
    let plugin_state = |host: &mm_host::Host| {
        host.store().config()["PluginSettings"]["PluginStates"][ID]["Enable"].as_bool()
    };

    let running = status(&api, ID).await.unwrap().into_inner().status.unwrap();
    let binary_dir = std::path::absolute(FIXTURE).unwrap().parent().unwrap().display().to_string();
    assert_eq!((running.state, running.plugin_path.as_str()), (2, binary_dir.as_str()));
    assert_eq!(plugins(&api).await, ["com.example.inproc", ID]);

    // Unknown ids: the server's 404, for every call.
    let unknown = "app.plugin.not_installed.app_error: Plugin is not installed.";
    let missing = status(&api, "com.example.nope").await.unwrap_err();
    assert_eq!((missing.code(), missing.message()), (Code::NotFound, unknown));
    let id = || "com.example.nope".to_string();
    let enable = api.enable_plugin(wire::EnablePluginRequest { id: id() }).await.unwrap_err();
    let disable = api.disable_plugin(wire::DisablePluginRequest { id: id() }).await.unwrap_err();
    let remove = api.remove_plugin(wire::RemovePluginRequest { id: id() }).await.unwrap_err();
    for refused in [enable, disable, remove] {
        assert_eq!((refused.code(), refused.message()), (Code::NotFound, unknown));
    }

    // DisablePlugin: the state saved, the commands gone, the plugin stopped.
    api.disable_plugin(wire::DisablePluginRequest { id: ID.to_uppercase() }).await.unwrap();
    assert_eq!(plugin_state(&host), Some(false));
    assert!(host.store().plugin_commands().is_empty());
    event(&mut events, |e| matches!(e, SupervisorEvent::Stopped { plugin_id, .. } if plugin_id == ID)).await;
    assert!(host.plugin(ID).is_none());
    assert_eq!(status(&api, ID).await.unwrap().into_inner().status.unwrap().state, 0, "NotRunning");
    assert_eq!(plugins(&api).await, ["com.example.inproc", ID], "active ones first, then the others");

    // EnablePlugin: the state saved, the plugin launched again by its supervisor.
    api.enable_plugin(wire::EnablePluginRequest { id: ID.into() }).await.unwrap();
    assert_eq!(plugin_state(&host), Some(true));
    event(&mut events, |e| matches!(e, SupervisorEvent::Activated { plugin_id } if plugin_id == ID)).await;
    supervisor.wait_connection(ID).await.expect("running again");
    assert!(host.plugin(ID).is_some());
    assert_eq!(status(&api, ID).await.unwrap().into_inner().status.unwrap().state, 2);

    // RemovePlugin: disabled, stopped and forgotten.
    api.remove_plugin(wire::RemovePluginRequest { id: ID.into() }).await.unwrap();
    event(&mut events, |e| matches!(e, SupervisorEvent::Stopped { plugin_id, .. } if plugin_id == ID)).await;
    assert_eq!(status(&api, ID).await.unwrap_err().code(), Code::NotFound);
    assert_eq!(plugins(&api).await, ["com.example.inproc"]);

    // A plugin no supervisor launched cannot be stopped or started from the PluginAPI.
    let inproc = api.disable_plugin(wire::DisablePluginRequest { id: "com.example.inproc".into() }).await;
    let inproc = inproc.unwrap_err();
    assert_eq!(inproc.code(), Code::Unimplemented);
    assert!(inproc.message().starts_with(&format!("{}: ", mm_host::NOT_SUPERVISED_ERROR_ID)), "{inproc:?}");
    assert!(host.plugin("com.example.inproc").is_some(), "still running");
    supervisor.stop_all().await;
    host.shutdown();
}

#[tokio::test]
async fn features_mm_host_lacks_answer_the_servers_errors() {
    let (host, mut api) = support::host_and_api("com.example.features").await;
    let alice = host.seed().alice.id.to_string();

    // No LDAP on a Team Edition server.
    let ldap = api
        .get_ldap_user_attributes(wire::GetLdapUserAttributesRequest {
            user_id: alice.clone(),
            attributes: vec!["cn".into()],
        })
        .await
        .unwrap_err();
    assert_eq!(
        (ldap.code(), ldap.message()),
        (
            Code::Unimplemented,
            "ent.ldap.disabled.app_error: AD/LDAP disabled or licence does not support AD/LDAP."
        )
    );

    // InstallPlugin: uploads are off by default, as on the server.
    let install = |api: &super::Api| {
        let mut api = api.clone();
        async move {
            let request =
                wire::InstallPluginRequest { file_data: Bytes::from_static(b"bundle"), replace: false };
            api.install_plugin(request).await.unwrap_err()
        }
    };
    let disabled = install(&api).await;
    assert_eq!(
        (disabled.code(), disabled.message()),
        (
            Code::Unimplemented,
            "app.plugin.upload_disabled.app_error: Plugins and/or plugin uploads have been disabled."
        )
    );
    set_config(&mut api, "/PluginSettings/EnableUploads", serde_json::json!(true)).await;
    // With uploads on, the bytes are unpacked as a bundle: these are not one (the server's 400).
    let enabled = install(&api).await;
    assert_eq!(enabled.code(), Code::InvalidArgument, "{enabled:?}");
    assert!(
        enabled.message().starts_with("app.plugin.extract.app_error: Unable to extract plugin file"),
        "{enabled:?}"
    );

    // RequestTrialLicense: the server's checks in its order, then the license server, which
    // mm-host never reaches (a server without network answers the same).
    let trial_api = api.clone();
    let trial = |requester: &str, users: i32, terms: bool| {
        let mut api = trial_api.clone();
        let request = wire::RequestTrialLicenseRequest {
            requester_id: requester.to_string(),
            users,
            terms_accepted: terms,
            receive_emails_accepted: false,
        };
        async move { api.request_trial_license(request).await.unwrap_err() }
    };
    let cases = [
        (
            trial(&alice, 10, false).await,
            Code::InvalidArgument,
            "api.license.request-trial.bad-request.terms-not-accepted",
        ),
        (trial(&alice, 0, true).await, Code::InvalidArgument, "api.license.request-trial.bad-request: "),
        (trial(&"x".repeat(26), 10, true).await, Code::NotFound, "app.user.missing_account.const: "),
        (
            trial(&alice, 10, true).await,
            Code::InvalidArgument,
            "api.license.request_trial_license.app_error: ",
        ),
    ];
    for (status, code, prefix) in cases {
        assert_eq!(status.code(), code, "{status:?}");
        assert!(status.message().starts_with(prefix), "{status:?}");
    }
    let config = api.get_unsanitized_config(wire::GetUnsanitizedConfigRequest {}).await.unwrap().into_inner();
    let mut config: serde_json::Value = serde_json::from_slice(&config.config_json).unwrap();
    config["ExperimentalSettings"] = serde_json::json!({"RestrictSystemAdmin": true});
    let config_json = Bytes::from(serde_json::to_vec(&config).unwrap());
    api.save_config(wire::SaveConfigRequest { config_json }).await.unwrap();
    let restricted = trial(&alice, 10, true).await;
    assert_eq!(
        (restricted.code(), restricted.message()),
        (
            Code::PermissionDenied,
            "api.restricted_system_admin: This action is forbidden to a restricted system admin."
        )
    );
    host.shutdown();
}
