//! A plugin written directly against the generated `PluginHooks` server, served on loopback,
//! with behaviour chosen by the content it sees. It records every hook call.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use mm_hooks::Hook;
use mm_host::{GrpcHooks, HookCaller, HookLink, Host};
use mm_proto::v1 as wire;
use mm_proto::v1::plugin_api_client::PluginApiClient;
use mm_proto::v1::plugin_hooks_server::{PluginHooks, PluginHooksServer};
use tokio::net::TcpListener;
use tokio_stream::wrappers::TcpListenerStream;
use tonic::transport::Channel;
use tonic::{Request, Response, Status};

/// Every hook the fake plugin answers.
pub const ALL_HOOKS: &[&str] = &[
    "MessageWillBePosted",
    "MessageHasBeenPosted",
    "MessageWillBeUpdated",
    "MessageHasBeenUpdated",
    "MessageHasBeenDeleted",
    "ReactionHasBeenAdded",
    "ReactionHasBeenRemoved",
    "UserHasJoinedChannel",
    "UserHasLeftChannel",
    "UserHasJoinedTeam",
    "UserHasLeftTeam",
    "UserHasBeenCreated",
    "ChannelHasBeenCreated",
    "ExecuteCommand",
    "ConfigurationWillBeSaved",
    "OnConfigurationChange",
    "PreferencesHaveChanged",
    "FileWillBeUploaded",
];

/// The calls the plugin saw: (hook, detail).
#[derive(Clone, Default)]
pub struct Calls(Arc<Mutex<Vec<(String, String)>>>);

impl Calls {
    fn push(&self, hook: &str, detail: impl Into<String>) {
        self.0.lock().unwrap().push((hook.to_string(), detail.into()));
    }

    /// All calls so far.
    pub fn all(&self) -> Vec<(String, String)> {
        self.0.lock().unwrap().clone()
    }

    /// The details of the calls of one hook.
    pub fn of(&self, hook: &str) -> Vec<String> {
        self.all().into_iter().filter(|(h, _)| h == hook).map(|(_, d)| d).collect()
    }
}

#[derive(Clone)]
struct Fake {
    calls: Calls,
    /// The PluginAPI, for the "ping" -> "pong" reply from MessageHasBeenPosted.
    api: Option<PluginApiClient<Channel>>,
    bot_id: String,
}

/// A running fake plugin.
pub struct FakePlugin {
    pub id: String,
    pub calls: Calls,
    pub caller: HookCaller,
    pub addr: SocketAddr,
}

/// Starts the fake plugin `id` listing `hooks`, registers it with the host and returns it.
/// With `bot_id`, it answers "ping" posts with a "pong" post by that user through the API.
pub async fn start(host: &Host, id: &str, hooks: &[&str], bot_id: Option<&str>) -> FakePlugin {
    let api = match bot_id {
        Some(_) => Some(super::api_client(host, id).await),
        None => None,
    };
    let calls = Calls::default();
    let fake = Fake { calls: calls.clone(), api, bot_id: bot_id.unwrap_or_default().to_string() };
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(
        tonic::transport::Server::builder()
            .add_service(PluginHooksServer::new(fake))
            .serve_with_incoming(TcpListenerStream::new(listener)),
    );
    let channel = Channel::from_shared(format!("http://{addr}")).unwrap().connect().await.unwrap();
    let caller = HookCaller::new(id, HookLink::from(GrpcHooks::new(channel)), hook_list(hooks));
    host.register_plugin(caller.clone());
    FakePlugin { id: id.to_string(), calls, caller, addr }
}

/// Registers plugin `id` whose hook address accepts no connection: every hook call fails at
/// the transport level.
pub fn register_unreachable(host: &Host, id: &str, hooks: &[&str]) {
    // Port 9 (discard) on loopback: nothing listens there in the test environment.
    let channel = Channel::from_static("http://127.0.0.1:9").connect_lazy();
    let caller = HookCaller::new(id, HookLink::from(GrpcHooks::new(channel)), hook_list(hooks))
        .with_timeout(std::time::Duration::from_secs(5));
    host.register_plugin(caller);
}

/// The hooks of these RPC names.
fn hook_list(names: &[&str]) -> Vec<Hook> {
    names
        .iter()
        .map(|name| Hook::from_rpc_name(name).unwrap_or_else(|| panic!("{name} is not a hook")))
        .collect()
}

fn post_of(post: &Option<wire::Post>) -> wire::Post {
    post.clone().unwrap_or_default()
}

#[tonic::async_trait]
impl PluginHooks for Fake {
    async fn message_will_be_posted(
        &self,
        r: Request<wire::MessageWillBePostedRequest>,
    ) -> Result<Response<wire::MessageWillBePostedResponse>, Status> {
        let post = post_of(&r.get_ref().post);
        self.calls.push("MessageWillBePosted", post.message.clone());
        let mut answer = wire::MessageWillBePostedResponse::default();
        if post.message.contains("forbidden") {
            answer.rejection_reason = "the word is forbidden".into();
        } else if post.message.contains("dismiss") {
            answer.rejection_reason = mm_host::events::DISMISS_POST_REASON.into();
        } else if post.message.contains("darn") {
            answer.modified_post = Some(wire::Post { message: post.message.replace("darn", "****"), ..post });
        }
        Ok(Response::new(answer))
    }

    async fn message_has_been_posted(
        &self,
        r: Request<wire::MessageHasBeenPostedRequest>,
    ) -> Result<Response<wire::MessageHasBeenPostedResponse>, Status> {
        let post = post_of(&r.get_ref().post);
        self.calls.push("MessageHasBeenPosted", post.message.clone());
        if let Some(api) = &self.api
            && post.message == "ping"
            && post.user_id != self.bot_id
        {
            let reply = wire::Post {
                channel_id: post.channel_id.clone(),
                user_id: self.bot_id.clone(),
                message: "pong".into(),
                ..Default::default()
            };
            let created = api.clone().create_post(wire::CreatePostRequest { post: Some(reply) }).await?;
            assert!(created.get_ref().error.is_none(), "{:?}", created.get_ref().error);
        }
        Ok(Response::new(wire::MessageHasBeenPostedResponse {}))
    }

    async fn message_will_be_updated(
        &self,
        r: Request<wire::MessageWillBeUpdatedRequest>,
    ) -> Result<Response<wire::MessageWillBeUpdatedResponse>, Status> {
        let new = post_of(&r.get_ref().new_post);
        let old = post_of(&r.get_ref().old_post);
        self.calls.push("MessageWillBeUpdated", format!("{} -> {}", old.message, new.message));
        let mut answer = wire::MessageWillBeUpdatedResponse::default();
        if new.message.contains("forbidden") {
            answer.rejection_reason = "no forbidden edits".into();
        } else if new.message.contains("darn") {
            answer.modified_post = Some(wire::Post { message: new.message.replace("darn", "****"), ..new });
        }
        Ok(Response::new(answer))
    }

    async fn message_has_been_updated(
        &self,
        r: Request<wire::MessageHasBeenUpdatedRequest>,
    ) -> Result<Response<wire::MessageHasBeenUpdatedResponse>, Status> {
        let new = post_of(&r.get_ref().new_post);
        let old = post_of(&r.get_ref().old_post);
        self.calls.push("MessageHasBeenUpdated", format!("{} -> {}", old.message, new.message));
        Ok(Response::new(wire::MessageHasBeenUpdatedResponse {}))
    }

    async fn message_has_been_deleted(
        &self,
        r: Request<wire::MessageHasBeenDeletedRequest>,
    ) -> Result<Response<wire::MessageHasBeenDeletedResponse>, Status> {
        self.calls.push("MessageHasBeenDeleted", post_of(&r.get_ref().post).message);
        Ok(Response::new(wire::MessageHasBeenDeletedResponse {}))
    }

    async fn reaction_has_been_added(
        &self,
        r: Request<wire::ReactionHasBeenAddedRequest>,
    ) -> Result<Response<wire::ReactionHasBeenAddedResponse>, Status> {
        self.calls.push("ReactionHasBeenAdded", r.get_ref().reaction.clone().unwrap_or_default().emoji_name);
        Ok(Response::new(wire::ReactionHasBeenAddedResponse {}))
    }

    async fn reaction_has_been_removed(
        &self,
        r: Request<wire::ReactionHasBeenRemovedRequest>,
    ) -> Result<Response<wire::ReactionHasBeenRemovedResponse>, Status> {
        self.calls
            .push("ReactionHasBeenRemoved", r.get_ref().reaction.clone().unwrap_or_default().emoji_name);
        Ok(Response::new(wire::ReactionHasBeenRemovedResponse {}))
    }

    async fn user_has_joined_channel(
        &self,
        r: Request<wire::UserHasJoinedChannelRequest>,
    ) -> Result<Response<wire::UserHasJoinedChannelResponse>, Status> {
        let r = r.into_inner();
        let member = r.channel_member.unwrap_or_default();
        let actor = r.actor.map(|a| a.username).unwrap_or_default();
        self.calls
            .push("UserHasJoinedChannel", format!("{} {} by {actor}", member.user_id, member.channel_id));
        Ok(Response::new(wire::UserHasJoinedChannelResponse {}))
    }

    async fn user_has_left_channel(
        &self,
        r: Request<wire::UserHasLeftChannelRequest>,
    ) -> Result<Response<wire::UserHasLeftChannelResponse>, Status> {
        let member = r.into_inner().channel_member.unwrap_or_default();
        self.calls.push("UserHasLeftChannel", format!("{} {}", member.user_id, member.channel_id));
        Ok(Response::new(wire::UserHasLeftChannelResponse {}))
    }

    async fn user_has_joined_team(
        &self,
        r: Request<wire::UserHasJoinedTeamRequest>,
    ) -> Result<Response<wire::UserHasJoinedTeamResponse>, Status> {
        let member = r.into_inner().team_member.unwrap_or_default();
        self.calls.push("UserHasJoinedTeam", format!("{} {}", member.user_id, member.team_id));
        Ok(Response::new(wire::UserHasJoinedTeamResponse {}))
    }

    async fn user_has_left_team(
        &self,
        r: Request<wire::UserHasLeftTeamRequest>,
    ) -> Result<Response<wire::UserHasLeftTeamResponse>, Status> {
        let member = r.into_inner().team_member.unwrap_or_default();
        self.calls.push("UserHasLeftTeam", format!("{} {}", member.user_id, member.team_id));
        Ok(Response::new(wire::UserHasLeftTeamResponse {}))
    }

    async fn user_has_been_created(
        &self,
        r: Request<wire::UserHasBeenCreatedRequest>,
    ) -> Result<Response<wire::UserHasBeenCreatedResponse>, Status> {
        self.calls.push("UserHasBeenCreated", r.into_inner().user.unwrap_or_default().username);
        Ok(Response::new(wire::UserHasBeenCreatedResponse {}))
    }

    async fn channel_has_been_created(
        &self,
        r: Request<wire::ChannelHasBeenCreatedRequest>,
    ) -> Result<Response<wire::ChannelHasBeenCreatedResponse>, Status> {
        self.calls.push("ChannelHasBeenCreated", r.into_inner().channel.unwrap_or_default().name);
        Ok(Response::new(wire::ChannelHasBeenCreatedResponse {}))
    }

    async fn execute_command(
        &self,
        r: Request<wire::ExecuteCommandRequest>,
    ) -> Result<Response<wire::ExecuteCommandResponse>, Status> {
        let args = r.into_inner().args.unwrap_or_default();
        self.calls.push("ExecuteCommand", args.command.clone());
        let text = args.command.split_once(' ').map(|(_, rest)| rest.to_string()).unwrap_or_default();
        let response = |kind: &str, text: String| wire::CommandResponse {
            response_type: kind.into(),
            text,
            ..Default::default()
        };
        let answer = match args.command.split_whitespace().next().unwrap_or_default() {
            "/whisper" => {
                wire::ExecuteCommandResponse { error: None, response: Some(response("ephemeral", text)) }
            }
            "/shout" => wire::ExecuteCommandResponse {
                error: None,
                response: Some(response("in_channel", text.to_uppercase())),
            },
            "/goto" => wire::ExecuteCommandResponse {
                error: None,
                response: Some(wire::CommandResponse { goto_location: text, ..Default::default() }),
            },
            "/both" => wire::ExecuteCommandResponse {
                error: None,
                response: Some(wire::CommandResponse {
                    attachments: vec![response("ephemeral", "extra for you".into())],
                    ..response("in_channel", "for everyone".into())
                }),
            },
            _ => wire::ExecuteCommandResponse {
                error: Some(wire::AppError {
                    id: "plugin.fake.unknown".into(),
                    message: "unknown command".into(),
                    status_code: 400,
                    ..Default::default()
                }),
                response: None,
            },
        };
        Ok(Response::new(answer))
    }

    async fn configuration_will_be_saved(
        &self,
        r: Request<wire::ConfigurationWillBeSavedRequest>,
    ) -> Result<Response<wire::ConfigurationWillBeSavedResponse>, Status> {
        let config = r.into_inner().new_config.unwrap_or_default().config_json;
        let mut value: serde_json::Value = serde_json::from_slice(&config).unwrap_or_default();
        self.calls.push("ConfigurationWillBeSaved", "");
        if value.pointer("/TeamSettings/SiteName").and_then(|v| v.as_str()) == Some("forbidden") {
            return Ok(Response::new(wire::ConfigurationWillBeSavedResponse {
                error: Some(wire::AppError {
                    id: "plugin.fake.config".into(),
                    message: "site name refused".into(),
                    status_code: 400,
                    ..Default::default()
                }),
                modified_config: None,
            }));
        }
        value["FakeTouched"] = serde_json::Value::Bool(true);
        Ok(Response::new(wire::ConfigurationWillBeSavedResponse {
            error: None,
            modified_config: Some(wire::ConfigJson {
                config_json: serde_json::to_vec(&value).unwrap().into(),
            }),
        }))
    }

    async fn on_configuration_change(
        &self,
        _r: Request<wire::OnConfigurationChangeRequest>,
    ) -> Result<Response<wire::OnConfigurationChangeResponse>, Status> {
        self.calls.push("OnConfigurationChange", "");
        Ok(Response::new(wire::OnConfigurationChangeResponse { error: None }))
    }

    async fn preferences_have_changed(
        &self,
        r: Request<wire::PreferencesHaveChangedRequest>,
    ) -> Result<Response<wire::PreferencesHaveChangedResponse>, Status> {
        let prefs = r.into_inner().preferences;
        let detail =
            prefs.iter().map(|p| format!("{}:{}={}", p.category, p.name, p.value)).collect::<Vec<_>>();
        self.calls.push("PreferencesHaveChanged", detail.join(","));
        Ok(Response::new(wire::PreferencesHaveChangedResponse {}))
    }

    async fn on_shared_channels_sync_msg(
        &self,
        r: Request<wire::OnSharedChannelsSyncMsgRequest>,
    ) -> Result<Response<wire::OnSharedChannelsSyncMsgResponse>, Status> {
        let r = r.into_inner();
        let msg: serde_json::Value =
            serde_json::from_slice(&r.sync_msg.unwrap_or_default().sync_msg_json).unwrap_or_default();
        let posts = msg["posts"].as_array().cloned().unwrap_or_default();
        let messages: Vec<&str> = posts.iter().filter_map(|p| p["message"].as_str()).collect();
        let remote = r.remote_cluster.unwrap_or_default().plugin_id;
        self.calls.push("OnSharedChannelsSyncMsg", format!("{remote}: {}", messages.join(",")));
        Ok(Response::new(wire::OnSharedChannelsSyncMsgResponse {
            error: None,
            response: Some(Default::default()),
        }))
    }

    async fn file_will_be_uploaded(
        &self,
        r: Request<wire::FileWillBeUploadedRequest>,
    ) -> Result<Response<wire::FileWillBeUploadedResponse>, Status> {
        let r = r.into_inner();
        let info = r.file_info.unwrap_or_default();
        self.calls.push("FileWillBeUploaded", info.name.clone());
        let mut answer = wire::FileWillBeUploadedResponse::default();
        if info.name == "virus.exe" {
            answer.rejection_reason = "no executables".into();
        } else if info.name.ends_with(".shout") {
            answer.modified_content = r.file_content.to_ascii_uppercase().into();
            answer.modified_file_info =
                Some(wire::FileInfo { name: info.name.replace(".shout", ".txt"), ..info });
        }
        Ok(Response::new(answer))
    }
}
