//! Calls a plugin's hooks the way the server does: only the hooks it listed in `Implemented`
//! (the default answer otherwise, without an RPC), with a 30 s deadline, failing open for the
//! "will be" hooks when the call fails at the transport level.

use std::collections::BTreeSet;
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use mm_proto::v1 as wire;
use mm_proto::v1::plugin_hooks_client::PluginHooksClient;
use mm_types::convert::FromWire;
use mm_types::{
    AppError, Channel, ChannelMember, CommandArgs, CommandResponse, FileInfo, PluginContext, Post,
    Preference, Reaction, RemoteCluster, ServerConfig, SyncMsg, SyncResponse, TeamMember, User,
};
use tonic::transport::Channel as GrpcChannel;
use tonic::{Request, Response, Status};

/// The reason `MessageWillBePosted` answers to drop a post silently.
pub const DISMISS_POST_REASON: &str = "plugin.message_will_be_posted.dismiss_post";

/// Each hook call's deadline, as on the server.
pub const HOOK_TIMEOUT: Duration = Duration::from_secs(30);

/// What a "will be" hook decided about a value.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Verdict<T> {
    /// Go on with this value (the original, or the plugin's replacement).
    Allow(T),
    /// Stop: the plugin rejected the value with this reason.
    Reject(String),
}

/// Calls the hooks of one running plugin.
///
/// Made from the plugin's id, a connected `PluginHooks` client and the hook names it listed in
/// `Implemented` (the supervisor's `PluginConnection` and the test kit provide all three).
/// Cheap to clone.
#[derive(Debug, Clone)]
pub struct HookCaller {
    plugin_id: Arc<str>,
    client: PluginHooksClient<GrpcChannel>,
    implemented: Arc<BTreeSet<String>>,
    timeout: Duration,
}

impl HookCaller {
    /// A caller for `plugin_id`, which listed `implemented` (exact hook RPC names).
    pub fn new(
        plugin_id: impl Into<String>,
        client: PluginHooksClient<GrpcChannel>,
        implemented: impl IntoIterator<Item = String>,
    ) -> Self {
        HookCaller {
            plugin_id: Arc::from(plugin_id.into()),
            client,
            implemented: Arc::new(implemented.into_iter().collect()),
            timeout: HOOK_TIMEOUT,
        }
    }

    /// Changes the deadline of each hook call (30 s by default, as on the server).
    pub fn with_timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// The plugin's id.
    pub fn plugin_id(&self) -> &str {
        &self.plugin_id
    }

    /// Whether the plugin listed `hook` in `Implemented`.
    pub fn implements(&self, hook: &str) -> bool {
        self.implemented.contains(hook)
    }

    /// The hooks the plugin listed.
    pub fn implemented(&self) -> &BTreeSet<String> {
        &self.implemented
    }

    /// A client for the plugin's `PluginHooks` service (for ServeHTTP streams).
    pub fn client(&self) -> PluginHooksClient<GrpcChannel> {
        self.client.clone()
    }

    /// Calls `hook` if the plugin listed it: `None` when it did not, else the outcome.
    async fn call<Req, Resp, Fut>(
        &self,
        hook: &'static str,
        message: Req,
        rpc: impl FnOnce(PluginHooksClient<GrpcChannel>, Request<Req>) -> Fut,
    ) -> Option<Result<Resp, Status>>
    where
        Fut: Future<Output = Result<Response<Resp>, Status>>,
    {
        if !self.implements(hook) {
            return None;
        }
        let mut request = Request::new(message);
        request.set_timeout(self.timeout);
        // The grpc-timeout header asks the plugin to stop; the local timer makes sure the host
        // does not wait longer even if the plugin ignores it.
        let outcome = match tokio::time::timeout(self.timeout, rpc(self.client.clone(), request)).await {
            Ok(result) => result.map(Response::into_inner),
            Err(_) => Err(Status::deadline_exceeded(format!("{hook} took longer than {:?}", self.timeout))),
        };
        if let Err(status) = &outcome {
            tracing::warn!(
                target: "mm_host::hooks",
                plugin = %self.plugin_id,
                hook,
                code = ?status.code(),
                "hook call failed: {}",
                status.message()
            );
        }
        Some(outcome)
    }

    fn context(&self) -> Option<wire::RequestContext> {
        Some(wire::RequestContext::default())
    }

    /// `MessageWillBePosted`: the post to store, or a rejection (the dismiss reason included).
    pub(crate) async fn message_will_be_posted(&self, cx: &PluginContext, post: Post) -> Verdict<Post> {
        let message = wire::MessageWillBePostedRequest {
            context: self.context(),
            plugin_context: Some(cx.clone().into()),
            post: Some(post.clone().into()),
        };
        let answer = self
            .call("MessageWillBePosted", message, |mut c, r| async move { c.message_will_be_posted(r).await })
            .await;
        match answer {
            Some(Ok(response)) => self.post_verdict(post, response.modified_post, response.rejection_reason),
            // Not listed, or failed: the original post goes on (fail open).
            _ => Verdict::Allow(post),
        }
    }

    /// `MessageWillBeUpdated`: the edit to store, or a rejection.
    pub(crate) async fn message_will_be_updated(
        &self,
        cx: &PluginContext,
        new: Post,
        old: &Post,
    ) -> Verdict<Post> {
        let message = wire::MessageWillBeUpdatedRequest {
            context: self.context(),
            plugin_context: Some(cx.clone().into()),
            new_post: Some(new.clone().into()),
            old_post: Some(old.clone().into()),
        };
        let answer =
            self.call("MessageWillBeUpdated", message, |mut c, r| async move {
                c.message_will_be_updated(r).await
            })
            .await;
        match answer {
            Some(Ok(response)) => self.post_verdict(new, response.modified_post, response.rejection_reason),
            _ => Verdict::Allow(new),
        }
    }

    fn post_verdict(&self, original: Post, replacement: Option<wire::Post>, reason: String) -> Verdict<Post> {
        if !reason.is_empty() {
            return Verdict::Reject(reason);
        }
        match replacement.map(Post::from_wire) {
            Some(Ok(post)) => Verdict::Allow(post),
            Some(Err(e)) => {
                tracing::warn!(target: "mm_host::hooks", plugin = %self.plugin_id, "unreadable replacement post: {e}");
                Verdict::Allow(original)
            }
            None => Verdict::Allow(original),
        }
    }

    /// `FileWillBeUploaded`: the info and contents to store, or a rejection.
    pub(crate) async fn file_will_be_uploaded(
        &self,
        cx: &PluginContext,
        info: FileInfo,
        content: Bytes,
    ) -> Verdict<(FileInfo, Bytes)> {
        let message = wire::FileWillBeUploadedRequest {
            context: self.context(),
            plugin_context: Some(cx.clone().into()),
            file_info: Some(info.clone().into()),
            file_content: content.clone(),
        };
        let answer = self
            .call("FileWillBeUploaded", message, |mut c, r| async move { c.file_will_be_uploaded(r).await })
            .await;
        match answer {
            Some(Ok(response)) if !response.rejection_reason.is_empty() => {
                Verdict::Reject(response.rejection_reason)
            }
            Some(Ok(response)) => {
                let info = match response.modified_file_info.map(FileInfo::from_wire) {
                    Some(Ok(modified)) => modified,
                    _ => info,
                };
                let content =
                    if response.modified_content.is_empty() { content } else { response.modified_content };
                Verdict::Allow((info, content))
            }
            _ => Verdict::Allow((info, content)),
        }
    }

    /// `ConfigurationWillBeSaved`: the configuration to save, or the plugin's error.
    pub(crate) async fn configuration_will_be_saved(
        &self,
        config: ServerConfig,
    ) -> Result<ServerConfig, AppError> {
        let message = wire::ConfigurationWillBeSavedRequest {
            context: self.context(),
            new_config: Some(config.clone().into()),
        };
        let answer = self
            .call("ConfigurationWillBeSaved", message, |mut c, r| async move {
                c.configuration_will_be_saved(r).await
            })
            .await;
        match answer {
            Some(Ok(response)) => {
                if let Some(error) = response.error {
                    return Err(AppError::from_wire(error)
                        .unwrap_or_else(|e| AppError::new("plugin.error", e.to_string())));
                }
                match response.modified_config.map(ServerConfig::from_wire) {
                    Some(Ok(modified)) if !modified.is_empty() => Ok(modified),
                    _ => Ok(config),
                }
            }
            _ => Ok(config),
        }
    }

    /// `ExecuteCommand`: the plugin's response; a transport failure is the server's
    /// `plugin.grpc.execute_command.error` (500).
    pub(crate) async fn execute_command(
        &self,
        cx: &PluginContext,
        args: CommandArgs,
    ) -> Result<CommandResponse, AppError> {
        let message = wire::ExecuteCommandRequest {
            context: self.context(),
            plugin_context: Some(cx.clone().into()),
            args: Some(args.into()),
        };
        let answer =
            self.call("ExecuteCommand", message, |mut c, r| async move { c.execute_command(r).await }).await;
        match answer {
            None => Ok(CommandResponse::default()),
            Some(Err(status)) => Err(AppError::new(
                "plugin.grpc.execute_command.error",
                format!("The plugin failed to run the command: {}", status.message()),
            )
            .with_status(500)),
            Some(Ok(response)) => {
                if let Some(error) = response.error {
                    return Err(AppError::from_wire(error)
                        .unwrap_or_else(|e| AppError::new("plugin.error", e.to_string())));
                }
                match response.response.map(CommandResponse::from_wire).transpose() {
                    Ok(response) => Ok(response.unwrap_or_default()),
                    Err(e) => Err(AppError::new(
                        "plugin.grpc.execute_command.error",
                        format!("The plugin's command response is unreadable: {e}"),
                    )
                    .with_status(500)),
                }
            }
        }
    }

    /// `OnSharedChannelsSyncMsg`: hands a sync message to the plugin behind a remote cluster.
    /// Not listed means nothing to sync to (the default response).
    pub(crate) async fn on_shared_channels_sync_msg(
        &self,
        message: SyncMsg,
        remote: RemoteCluster,
    ) -> Result<SyncResponse, AppError> {
        let request = wire::OnSharedChannelsSyncMsgRequest {
            context: self.context(),
            sync_msg: Some(message.into()),
            remote_cluster: Some(remote.into()),
        };
        let answer = self
            .call("OnSharedChannelsSyncMsg", request, |mut c, r| async move {
                c.on_shared_channels_sync_msg(r).await
            })
            .await;
        match answer {
            None => Ok(SyncResponse::default()),
            Some(Err(status)) => Err(AppError::new(
                "plugin.grpc.on_shared_channels_sync_msg.error",
                format!("The plugin failed to take the sync message: {}", status.message()),
            )
            .with_status(500)),
            Some(Ok(response)) => {
                if let Some(error) = response.error {
                    return Err(AppError::from_wire(error)
                        .unwrap_or_else(|e| AppError::new("plugin.error", e.to_string())));
                }
                Ok(response
                    .response
                    .map(SyncResponse::from_wire)
                    .transpose()
                    .ok()
                    .flatten()
                    .unwrap_or_default())
            }
        }
    }

    /// `OnConfigurationChange`.
    pub(crate) async fn on_configuration_change(&self) {
        let message = wire::OnConfigurationChangeRequest { context: self.context() };
        let answer =
            self.call("OnConfigurationChange", message, |mut c, r| async move {
                c.on_configuration_change(r).await
            })
            .await;
        if let Some(Ok(wire::OnConfigurationChangeResponse { error: Some(error) })) = answer {
            tracing::warn!(
                target: "mm_host::hooks",
                plugin = %self.plugin_id,
                "OnConfigurationChange failed: {}: {}",
                error.id,
                error.message
            );
        }
    }

    /// `MessageHasBeenPosted`.
    pub(crate) async fn message_has_been_posted(&self, cx: &PluginContext, post: &Post) {
        let message = wire::MessageHasBeenPostedRequest {
            context: self.context(),
            plugin_context: Some(cx.clone().into()),
            post: Some(post.clone().into()),
        };
        self.call(
            "MessageHasBeenPosted",
            message,
            |mut c, r| async move { c.message_has_been_posted(r).await },
        )
        .await;
    }

    /// `MessageHasBeenUpdated`.
    pub(crate) async fn message_has_been_updated(&self, cx: &PluginContext, new: &Post, old: &Post) {
        let message = wire::MessageHasBeenUpdatedRequest {
            context: self.context(),
            plugin_context: Some(cx.clone().into()),
            new_post: Some(new.clone().into()),
            old_post: Some(old.clone().into()),
        };
        self.call(
            "MessageHasBeenUpdated",
            message,
            |mut c, r| async move { c.message_has_been_updated(r).await },
        )
        .await;
    }

    /// `MessageHasBeenDeleted`.
    pub(crate) async fn message_has_been_deleted(&self, cx: &PluginContext, post: &Post) {
        let message = wire::MessageHasBeenDeletedRequest {
            context: self.context(),
            plugin_context: Some(cx.clone().into()),
            post: Some(post.clone().into()),
        };
        self.call(
            "MessageHasBeenDeleted",
            message,
            |mut c, r| async move { c.message_has_been_deleted(r).await },
        )
        .await;
    }

    /// `ReactionHasBeenAdded` (`added`) or `ReactionHasBeenRemoved`.
    pub(crate) async fn reaction_changed(&self, cx: &PluginContext, reaction: &Reaction, added: bool) {
        if added {
            let message = wire::ReactionHasBeenAddedRequest {
                context: self.context(),
                plugin_context: Some(cx.clone().into()),
                reaction: Some(reaction.clone().into()),
            };
            self.call("ReactionHasBeenAdded", message, |mut c, r| async move {
                c.reaction_has_been_added(r).await
            })
            .await;
        } else {
            let message = wire::ReactionHasBeenRemovedRequest {
                context: self.context(),
                plugin_context: Some(cx.clone().into()),
                reaction: Some(reaction.clone().into()),
            };
            self.call("ReactionHasBeenRemoved", message, |mut c, r| async move {
                c.reaction_has_been_removed(r).await
            })
            .await;
        }
    }

    /// `UserHasJoinedChannel` (`joined`) or `UserHasLeftChannel`.
    pub(crate) async fn channel_membership_changed(
        &self,
        cx: &PluginContext,
        member: &ChannelMember,
        actor: Option<&User>,
        joined: bool,
    ) {
        let member = Some(member.clone().into());
        let actor = actor.map(|a| a.clone().into());
        let plugin_context = Some(cx.clone().into());
        if joined {
            let message = wire::UserHasJoinedChannelRequest {
                context: self.context(),
                plugin_context,
                channel_member: member,
                actor,
            };
            self.call("UserHasJoinedChannel", message, |mut c, r| async move {
                c.user_has_joined_channel(r).await
            })
            .await;
        } else {
            let message = wire::UserHasLeftChannelRequest {
                context: self.context(),
                plugin_context,
                channel_member: member,
                actor,
            };
            self.call(
                "UserHasLeftChannel",
                message,
                |mut c, r| async move { c.user_has_left_channel(r).await },
            )
            .await;
        }
    }

    /// `UserHasJoinedTeam` (`joined`) or `UserHasLeftTeam`.
    pub(crate) async fn team_membership_changed(
        &self,
        cx: &PluginContext,
        member: &TeamMember,
        actor: Option<&User>,
        joined: bool,
    ) {
        let member = Some(member.clone().into());
        let actor = actor.map(|a| a.clone().into());
        let plugin_context = Some(cx.clone().into());
        if joined {
            let message = wire::UserHasJoinedTeamRequest {
                context: self.context(),
                plugin_context,
                team_member: member,
                actor,
            };
            self.call(
                "UserHasJoinedTeam",
                message,
                |mut c, r| async move { c.user_has_joined_team(r).await },
            )
            .await;
        } else {
            let message = wire::UserHasLeftTeamRequest {
                context: self.context(),
                plugin_context,
                team_member: member,
                actor,
            };
            self.call("UserHasLeftTeam", message, |mut c, r| async move { c.user_has_left_team(r).await })
                .await;
        }
    }

    /// `UserHasBeenCreated`.
    pub(crate) async fn user_has_been_created(&self, cx: &PluginContext, user: &User) {
        let message = wire::UserHasBeenCreatedRequest {
            context: self.context(),
            plugin_context: Some(cx.clone().into()),
            user: Some(user.clone().into()),
        };
        self.call("UserHasBeenCreated", message, |mut c, r| async move { c.user_has_been_created(r).await })
            .await;
    }

    /// `UserHasBeenDeactivated`.
    pub(crate) async fn user_has_been_deactivated(&self, cx: &PluginContext, user: &User) {
        let message = wire::UserHasBeenDeactivatedRequest {
            context: self.context(),
            plugin_context: Some(cx.clone().into()),
            user: Some(user.clone().into()),
        };
        self.call("UserHasBeenDeactivated", message, |mut c, r| async move {
            c.user_has_been_deactivated(r).await
        })
        .await;
    }

    /// `ChannelHasBeenCreated`.
    pub(crate) async fn channel_has_been_created(&self, cx: &PluginContext, channel: &Channel) {
        let message = wire::ChannelHasBeenCreatedRequest {
            context: self.context(),
            plugin_context: Some(cx.clone().into()),
            channel: Some(channel.clone().into()),
        };
        self.call(
            "ChannelHasBeenCreated",
            message,
            |mut c, r| async move { c.channel_has_been_created(r).await },
        )
        .await;
    }

    /// `PreferencesHaveChanged`.
    pub(crate) async fn preferences_have_changed(&self, cx: &PluginContext, preferences: &[Preference]) {
        let message = wire::PreferencesHaveChangedRequest {
            context: self.context(),
            plugin_context: Some(cx.clone().into()),
            preferences: preferences.iter().cloned().map(Into::into).collect(),
        };
        self.call("PreferencesHaveChanged", message, |mut c, r| async move {
            c.preferences_have_changed(r).await
        })
        .await;
    }
}
