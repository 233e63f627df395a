//! The `PluginHooks` gRPC service: decodes each hook request into domain types, runs the
//! plugin's method through [`Call`], and encodes its outcome the way the server expects.

use std::fmt;
use std::panic::AssertUnwindSafe;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

use futures_util::Stream;
use futures_util::{StreamExt, stream};
use mm_proto::v1 as wire;
use mm_proto::v1::plugin_hooks_server::PluginHooks;
use mm_types::convert::FromWire;
use mm_types::{PluginContext, RequestContext};
use tokio_util::task::TaskTracker;
use tonic::{Request, Response, Status, Streaming};

use crate::call::{Call, deadline_from, status_from_error};
use crate::context::{Cancellation, Context, panic_message};
use crate::error::HookError;
use crate::hook::Hook;
use crate::http::HttpRequestStream;
use crate::outcome::{DISMISS_POST_REASON, Decision, FileDecision, LoginDecision, PostDecision};
use crate::plugin::Plugin;

/// State shared by the hook service, the runtime and shutdown.
pub(crate) struct Shared<P> {
    pub(crate) plugin: P,
    pub(crate) client: mm_client::Client,
    pub(crate) plugin_id: Option<Arc<str>>,
    /// Counts calls in progress; closed when shutdown starts, so new calls are refused.
    pub(crate) in_flight: TaskTracker,
    /// The parent of every call's cancellation; cancelled when the plugin stops for good.
    pub(crate) root: Cancellation,
    pub(crate) activated: AtomicBool,
    pub(crate) deactivated: AtomicBool,
}

impl<P: Plugin> Shared<P> {
    pub(crate) fn new(plugin: P, client: mm_client::Client, plugin_id: Option<Arc<str>>) -> Self {
        Shared {
            plugin,
            client,
            plugin_id,
            in_flight: TaskTracker::new(),
            root: Cancellation::new(),
            activated: AtomicBool::new(false),
            deactivated: AtomicBool::new(false),
        }
    }

    /// A context for a hook the runtime calls by itself (shutdown's `on_deactivate`).
    pub(crate) fn context(&self, hook: Hook) -> Context {
        let cx = Context::new(hook, self.client.clone()).with_cancellation(self.root.child());
        match &self.plugin_id {
            Some(id) => cx.with_plugin_id(id.clone()),
            None => cx,
        }
    }

    /// Whether the server listed `hook` in `Implemented` (so it may call it).
    pub(crate) fn implements(&self, hook: Hook) -> bool {
        self.plugin.__implemented_hooks().contains(&hook)
    }
}

/// The tonic service for `mattermost.pluginapi.v1.PluginHooks`.
pub(crate) struct HookService<P> {
    shared: Arc<Shared<P>>,
}

impl<P> HookService<P> {
    pub(crate) fn new(shared: Arc<Shared<P>>) -> Self {
        HookService { shared }
    }
}

impl<P> fmt::Debug for HookService<P> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("HookService")
    }
}

impl<P: Plugin> HookService<P> {
    /// Starts a call: refuses it when the plugin is shutting down, otherwise builds its
    /// context from the request's contexts and `grpc-timeout`.
    fn begin(
        &self,
        hook: Hook,
        metadata: &tonic::metadata::MetadataMap,
        request_context: Option<wire::RequestContext>,
        plugin_context: Option<wire::PluginContext>,
    ) -> Result<Call, Status> {
        let Some(token) = (!self.shared.in_flight.is_closed()).then(|| self.shared.in_flight.token()) else {
            return Err(Status::unavailable(format!("plugin is shutting down; {hook} not run")));
        };
        let request_context: RequestContext = decode(request_context.unwrap_or_default(), "context")?;
        let plugin_context: Option<PluginContext> = decode(plugin_context, "plugin_context")?;
        let mut cx = self.shared.context(hook).with_request_context(request_context);
        if let Some(pc) = plugin_context {
            cx = cx.with_plugin_context(pc);
        }
        if let Some(deadline) = deadline_from(metadata, Instant::now()) {
            cx = cx.with_deadline(deadline);
        }
        tracing::trace!(hook = hook.rpc_name(), "hook call");
        Ok(Call::new(cx, token))
    }

    fn plugin(&self) -> &P {
        &self.shared.plugin
    }
}

/// Converts a wire value to its domain type; a value that does not convert is the server's
/// mistake, answered with `INVALID_ARGUMENT` naming the field.
fn decode<D: FromWire<W>, W>(wire: W, field: &str) -> Result<D, Status> {
    D::from_wire(wire).map_err(|e| Status::invalid_argument(format!("{field}: {e}")))
}

/// Like [`decode`] for a sub-message the hook needs: missing is `"<field> is required"`.
fn required<D: FromWire<W>, W>(wire: Option<W>, field: &str) -> Result<D, Status> {
    let wire = wire.ok_or_else(|| Status::invalid_argument(format!("{field} is required")))?;
    decode(wire, field)
}

/// Splits a hook result into the response's `AppError` (none on success) and its value
/// (the default on error).
fn split<T: Default>(hook: Hook, result: Result<T, HookError>) -> (Option<wire::AppError>, T) {
    match result {
        Ok(value) => (None, value),
        Err(e) => (Some(e.into_app_error(&hook.error_id()).into()), T::default()),
    }
}

fn lifecycle_error(hook: Hook, result: Result<(), HookError>) -> Option<wire::AppError> {
    split(hook, result).0
}

type HookResult<T> = Result<Response<T>, Status>;

/// A server-streaming response, as tonic's generated trait expects it.
type ResponseStream<T> = std::pin::Pin<Box<dyn Stream<Item = Result<T, Status>> + Send + 'static>>;

#[tonic::async_trait]
impl<P: Plugin> PluginHooks for HookService<P> {
    async fn implemented(
        &self,
        _request: Request<wire::ImplementedRequest>,
    ) -> HookResult<wire::ImplementedResponse> {
        let hooks = self.plugin().__implemented_hooks().iter().map(|h| h.rpc_name().to_owned()).collect();
        Ok(Response::new(wire::ImplementedResponse { error: None, hooks }))
    }

    // ----- Lifecycle ----------------------------------------------------------------------

    async fn on_activate(
        &self,
        request: Request<wire::OnActivateRequest>,
    ) -> HookResult<wire::OnActivateResponse> {
        let call =
            self.begin(Hook::OnActivate, request.metadata(), request.get_ref().context.clone(), None)?;
        let plugin = self.plugin();
        let config_cx = call.cx.clone().with_hook(Hook::OnConfigurationChange);
        // Go plugins get OnConfigurationChange right before OnActivate; over gRPC the server
        // calls only OnActivate, so the runtime keeps the upstream order itself.
        let outcome = call
            .run_fallible(async {
                plugin
                    .on_configuration_change(&config_cx)
                    .await
                    .map_err(|e| HookError::app(e.into_app_error(&Hook::OnConfigurationChange.error_id())))?;
                plugin.on_activate(&call.cx).await
            })
            .await?;
        if outcome.is_ok() {
            self.shared.activated.store(true, Ordering::SeqCst);
            self.shared.deactivated.store(false, Ordering::SeqCst);
        }
        Ok(Response::new(wire::OnActivateResponse { error: lifecycle_error(Hook::OnActivate, outcome) }))
    }

    async fn on_deactivate(
        &self,
        request: Request<wire::OnDeactivateRequest>,
    ) -> HookResult<wire::OnDeactivateResponse> {
        let call =
            self.begin(Hook::OnDeactivate, request.metadata(), request.get_ref().context.clone(), None)?;
        // Marked first: shutdown must not run it a second time, even if this call fails.
        self.shared.deactivated.store(true, Ordering::SeqCst);
        let outcome = call.run_fallible(self.plugin().on_deactivate(&call.cx)).await?;
        Ok(Response::new(wire::OnDeactivateResponse { error: lifecycle_error(Hook::OnDeactivate, outcome) }))
    }

    async fn on_configuration_change(
        &self,
        request: Request<wire::OnConfigurationChangeRequest>,
    ) -> HookResult<wire::OnConfigurationChangeResponse> {
        let call = self.begin(
            Hook::OnConfigurationChange,
            request.metadata(),
            request.get_ref().context.clone(),
            None,
        )?;
        let outcome = call.run_fallible(self.plugin().on_configuration_change(&call.cx)).await?;
        Ok(Response::new(wire::OnConfigurationChangeResponse {
            error: lifecycle_error(Hook::OnConfigurationChange, outcome),
        }))
    }

    async fn on_install(
        &self,
        request: Request<wire::OnInstallRequest>,
    ) -> HookResult<wire::OnInstallResponse> {
        let (metadata, _, message) = request.into_parts();
        let call = self.begin(Hook::OnInstall, &metadata, message.context, message.plugin_context)?;
        let event = required(message.event, "event")?;
        let outcome = call.run_fallible(self.plugin().on_install(&call.cx, event)).await?;
        Ok(Response::new(wire::OnInstallResponse { error: lifecycle_error(Hook::OnInstall, outcome) }))
    }

    async fn on_send_daily_telemetry(
        &self,
        request: Request<wire::OnSendDailyTelemetryRequest>,
    ) -> HookResult<wire::OnSendDailyTelemetryResponse> {
        let call = self.begin(
            Hook::OnSendDailyTelemetry,
            request.metadata(),
            request.get_ref().context.clone(),
            None,
        )?;
        call.run_void(self.plugin().on_send_daily_telemetry(&call.cx)).await?;
        Ok(Response::new(wire::OnSendDailyTelemetryResponse {}))
    }

    async fn run_data_retention(
        &self,
        request: Request<wire::RunDataRetentionRequest>,
    ) -> HookResult<wire::RunDataRetentionResponse> {
        let (metadata, _, message) = request.into_parts();
        let call = self.begin(Hook::RunDataRetention, &metadata, message.context, None)?;
        let now = decode(message.now_time, "now_time")?;
        let outcome =
            call.run_fallible(self.plugin().run_data_retention(&call.cx, now, message.batch_size)).await?;
        let (error, deleted_count) = split(Hook::RunDataRetention, outcome);
        Ok(Response::new(wire::RunDataRetentionResponse { error, deleted_count }))
    }

    async fn on_cloud_limits_updated(
        &self,
        request: Request<wire::OnCloudLimitsUpdatedRequest>,
    ) -> HookResult<wire::OnCloudLimitsUpdatedResponse> {
        let (metadata, _, message) = request.into_parts();
        let call = self.begin(Hook::OnCloudLimitsUpdated, &metadata, message.context, None)?;
        let limits = decode(message.limits.unwrap_or_default(), "limits")?;
        call.run_void(self.plugin().on_cloud_limits_updated(&call.cx, limits)).await?;
        Ok(Response::new(wire::OnCloudLimitsUpdatedResponse {}))
    }

    async fn configuration_will_be_saved(
        &self,
        request: Request<wire::ConfigurationWillBeSavedRequest>,
    ) -> HookResult<wire::ConfigurationWillBeSavedResponse> {
        let (metadata, _, message) = request.into_parts();
        let call = self.begin(Hook::ConfigurationWillBeSaved, &metadata, message.context, None)?;
        let config = required(message.new_config, "new_config")?;
        let outcome = call.run_fallible(self.plugin().configuration_will_be_saved(&call.cx, config)).await?;
        let (error, modified) = split(Hook::ConfigurationWillBeSaved, outcome);
        Ok(Response::new(wire::ConfigurationWillBeSavedResponse {
            error,
            modified_config: modified.map(Into::into),
        }))
    }

    async fn generate_support_data(
        &self,
        request: Request<wire::GenerateSupportDataRequest>,
    ) -> HookResult<wire::GenerateSupportDataResponse> {
        let (metadata, _, message) = request.into_parts();
        let call =
            self.begin(Hook::GenerateSupportData, &metadata, message.context, message.plugin_context)?;
        let outcome = call.run_fallible(self.plugin().generate_support_data(&call.cx)).await?;
        let (error, files) = split(Hook::GenerateSupportData, outcome);
        Ok(Response::new(wire::GenerateSupportDataResponse {
            error,
            files: files.into_iter().map(Into::into).collect(),
        }))
    }

    // ----- Messages, files, reactions, notifications -------------------------------------

    async fn message_will_be_posted(
        &self,
        request: Request<wire::MessageWillBePostedRequest>,
    ) -> HookResult<wire::MessageWillBePostedResponse> {
        let (metadata, _, message) = request.into_parts();
        let call =
            self.begin(Hook::MessageWillBePosted, &metadata, message.context, message.plugin_context)?;
        let post = required(message.post, "post")?;
        let decision = call.run_infallible(self.plugin().message_will_be_posted(&call.cx, post)).await?;
        let response = match decision {
            PostDecision::Allow => wire::MessageWillBePostedResponse::default(),
            PostDecision::Replace(post) => wire::MessageWillBePostedResponse {
                modified_post: Some(post.into()),
                rejection_reason: String::new(),
            },
            PostDecision::Reject(reason) => {
                wire::MessageWillBePostedResponse { modified_post: None, rejection_reason: reason }
            }
            PostDecision::Dismiss => wire::MessageWillBePostedResponse {
                modified_post: None,
                rejection_reason: DISMISS_POST_REASON.to_owned(),
            },
        };
        Ok(Response::new(response))
    }

    async fn message_will_be_updated(
        &self,
        request: Request<wire::MessageWillBeUpdatedRequest>,
    ) -> HookResult<wire::MessageWillBeUpdatedResponse> {
        let (metadata, _, message) = request.into_parts();
        let call =
            self.begin(Hook::MessageWillBeUpdated, &metadata, message.context, message.plugin_context)?;
        let new_post = required(message.new_post, "new_post")?;
        let old_post = required(message.old_post, "old_post")?;
        let decision =
            call.run_infallible(self.plugin().message_will_be_updated(&call.cx, new_post, old_post)).await?;
        let (modified_post, rejection_reason) = decision_parts(decision);
        Ok(Response::new(wire::MessageWillBeUpdatedResponse { modified_post, rejection_reason }))
    }

    async fn message_has_been_posted(
        &self,
        request: Request<wire::MessageHasBeenPostedRequest>,
    ) -> HookResult<wire::MessageHasBeenPostedResponse> {
        let (metadata, _, message) = request.into_parts();
        let call =
            self.begin(Hook::MessageHasBeenPosted, &metadata, message.context, message.plugin_context)?;
        let post = required(message.post, "post")?;
        call.run_void(self.plugin().message_has_been_posted(&call.cx, post)).await?;
        Ok(Response::new(wire::MessageHasBeenPostedResponse {}))
    }

    async fn message_has_been_updated(
        &self,
        request: Request<wire::MessageHasBeenUpdatedRequest>,
    ) -> HookResult<wire::MessageHasBeenUpdatedResponse> {
        let (metadata, _, message) = request.into_parts();
        let call =
            self.begin(Hook::MessageHasBeenUpdated, &metadata, message.context, message.plugin_context)?;
        let new_post = required(message.new_post, "new_post")?;
        let old_post = required(message.old_post, "old_post")?;
        call.run_void(self.plugin().message_has_been_updated(&call.cx, new_post, old_post)).await?;
        Ok(Response::new(wire::MessageHasBeenUpdatedResponse {}))
    }

    async fn messages_will_be_consumed(
        &self,
        request: Request<wire::MessagesWillBeConsumedRequest>,
    ) -> HookResult<wire::MessagesWillBeConsumedResponse> {
        let (metadata, _, message) = request.into_parts();
        let call = self.begin(Hook::MessagesWillBeConsumed, &metadata, message.context, None)?;
        let posts = decode(message.posts, "posts")?;
        let posts: Vec<mm_types::Post> =
            call.run_infallible(self.plugin().messages_will_be_consumed(&call.cx, posts)).await?;
        Ok(Response::new(wire::MessagesWillBeConsumedResponse {
            posts: posts.into_iter().map(Into::into).collect(),
        }))
    }

    async fn message_has_been_deleted(
        &self,
        request: Request<wire::MessageHasBeenDeletedRequest>,
    ) -> HookResult<wire::MessageHasBeenDeletedResponse> {
        let (metadata, _, message) = request.into_parts();
        let call =
            self.begin(Hook::MessageHasBeenDeleted, &metadata, message.context, message.plugin_context)?;
        let post = required(message.post, "post")?;
        call.run_void(self.plugin().message_has_been_deleted(&call.cx, post)).await?;
        Ok(Response::new(wire::MessageHasBeenDeletedResponse {}))
    }

    async fn file_will_be_uploaded(
        &self,
        request: Request<wire::FileWillBeUploadedRequest>,
    ) -> HookResult<wire::FileWillBeUploadedResponse> {
        let (metadata, _, message) = request.into_parts();
        let call =
            self.begin(Hook::FileWillBeUploaded, &metadata, message.context, message.plugin_context)?;
        let info = required(message.file_info, "file_info")?;
        let decision = call
            .run_infallible(self.plugin().file_will_be_uploaded(&call.cx, info, message.file_content))
            .await?;
        let response = match decision {
            FileDecision::Allow => wire::FileWillBeUploadedResponse::default(),
            FileDecision::Replace { info, content } => wire::FileWillBeUploadedResponse {
                modified_file_info: Some(info.into()),
                modified_content: content,
                rejection_reason: String::new(),
            },
            FileDecision::Reject(reason) => {
                wire::FileWillBeUploadedResponse { rejection_reason: reason, ..Default::default() }
            }
        };
        Ok(Response::new(response))
    }

    async fn reaction_has_been_added(
        &self,
        request: Request<wire::ReactionHasBeenAddedRequest>,
    ) -> HookResult<wire::ReactionHasBeenAddedResponse> {
        let (metadata, _, message) = request.into_parts();
        let call =
            self.begin(Hook::ReactionHasBeenAdded, &metadata, message.context, message.plugin_context)?;
        let reaction = required(message.reaction, "reaction")?;
        call.run_void(self.plugin().reaction_has_been_added(&call.cx, reaction)).await?;
        Ok(Response::new(wire::ReactionHasBeenAddedResponse {}))
    }

    async fn reaction_has_been_removed(
        &self,
        request: Request<wire::ReactionHasBeenRemovedRequest>,
    ) -> HookResult<wire::ReactionHasBeenRemovedResponse> {
        let (metadata, _, message) = request.into_parts();
        let call =
            self.begin(Hook::ReactionHasBeenRemoved, &metadata, message.context, message.plugin_context)?;
        let reaction = required(message.reaction, "reaction")?;
        call.run_void(self.plugin().reaction_has_been_removed(&call.cx, reaction)).await?;
        Ok(Response::new(wire::ReactionHasBeenRemovedResponse {}))
    }

    async fn notification_will_be_pushed(
        &self,
        request: Request<wire::NotificationWillBePushedRequest>,
    ) -> HookResult<wire::NotificationWillBePushedResponse> {
        let (metadata, _, message) = request.into_parts();
        let call = self.begin(Hook::NotificationWillBePushed, &metadata, message.context, None)?;
        let notification = required(message.push_notification, "push_notification")?;
        let user_id = decode(message.user_id, "user_id")?;
        let decision = call
            .run_infallible(self.plugin().notification_will_be_pushed(&call.cx, notification, user_id))
            .await?;
        let (modified_notification, rejection_reason) = decision_parts(decision);
        Ok(Response::new(wire::NotificationWillBePushedResponse { modified_notification, rejection_reason }))
    }

    async fn email_notification_will_be_sent(
        &self,
        request: Request<wire::EmailNotificationWillBeSentRequest>,
    ) -> HookResult<wire::EmailNotificationWillBeSentResponse> {
        let (metadata, _, message) = request.into_parts();
        let call = self.begin(Hook::EmailNotificationWillBeSent, &metadata, message.context, None)?;
        let notification = required(message.email_notification, "email_notification")?;
        let decision = call
            .run_infallible(self.plugin().email_notification_will_be_sent(&call.cx, notification))
            .await?;
        let (modified_content, rejection_reason) = decision_parts(decision);
        Ok(Response::new(wire::EmailNotificationWillBeSentResponse { modified_content, rejection_reason }))
    }

    async fn preferences_have_changed(
        &self,
        request: Request<wire::PreferencesHaveChangedRequest>,
    ) -> HookResult<wire::PreferencesHaveChangedResponse> {
        let (metadata, _, message) = request.into_parts();
        let call =
            self.begin(Hook::PreferencesHaveChanged, &metadata, message.context, message.plugin_context)?;
        let preferences = decode(message.preferences, "preferences")?;
        call.run_void(self.plugin().preferences_have_changed(&call.cx, preferences)).await?;
        Ok(Response::new(wire::PreferencesHaveChangedResponse {}))
    }

    // ----- Users, channels, teams --------------------------------------------------------

    async fn user_has_been_created(
        &self,
        request: Request<wire::UserHasBeenCreatedRequest>,
    ) -> HookResult<wire::UserHasBeenCreatedResponse> {
        let (metadata, _, message) = request.into_parts();
        let call =
            self.begin(Hook::UserHasBeenCreated, &metadata, message.context, message.plugin_context)?;
        let user = required(message.user, "user")?;
        call.run_void(self.plugin().user_has_been_created(&call.cx, user)).await?;
        Ok(Response::new(wire::UserHasBeenCreatedResponse {}))
    }

    async fn user_will_log_in(
        &self,
        request: Request<wire::UserWillLogInRequest>,
    ) -> HookResult<wire::UserWillLogInResponse> {
        let (metadata, _, message) = request.into_parts();
        let call = self.begin(Hook::UserWillLogIn, &metadata, message.context, message.plugin_context)?;
        let user = required(message.user, "user")?;
        let decision = call.run_infallible(self.plugin().user_will_log_in(&call.cx, user)).await?;
        let rejection_reason = match decision {
            LoginDecision::Allow => String::new(),
            LoginDecision::Reject(reason) => reason,
        };
        Ok(Response::new(wire::UserWillLogInResponse { rejection_reason }))
    }

    async fn user_has_logged_in(
        &self,
        request: Request<wire::UserHasLoggedInRequest>,
    ) -> HookResult<wire::UserHasLoggedInResponse> {
        let (metadata, _, message) = request.into_parts();
        let call = self.begin(Hook::UserHasLoggedIn, &metadata, message.context, message.plugin_context)?;
        let user = required(message.user, "user")?;
        call.run_void(self.plugin().user_has_logged_in(&call.cx, user)).await?;
        Ok(Response::new(wire::UserHasLoggedInResponse {}))
    }

    async fn user_has_been_deactivated(
        &self,
        request: Request<wire::UserHasBeenDeactivatedRequest>,
    ) -> HookResult<wire::UserHasBeenDeactivatedResponse> {
        let (metadata, _, message) = request.into_parts();
        let call =
            self.begin(Hook::UserHasBeenDeactivated, &metadata, message.context, message.plugin_context)?;
        let user = required(message.user, "user")?;
        call.run_void(self.plugin().user_has_been_deactivated(&call.cx, user)).await?;
        Ok(Response::new(wire::UserHasBeenDeactivatedResponse {}))
    }

    async fn on_saml_login(
        &self,
        request: Request<wire::OnSamlLoginRequest>,
    ) -> HookResult<wire::OnSamlLoginResponse> {
        let (metadata, _, message) = request.into_parts();
        let call = self.begin(Hook::OnSamlLogin, &metadata, message.context, message.plugin_context)?;
        let user = required(message.user, "user")?;
        let assertion = required(message.assertion, "assertion")?;
        let outcome = call.run_fallible(self.plugin().on_saml_login(&call.cx, user, assertion)).await?;
        Ok(Response::new(wire::OnSamlLoginResponse { error: lifecycle_error(Hook::OnSamlLogin, outcome) }))
    }

    async fn channel_has_been_created(
        &self,
        request: Request<wire::ChannelHasBeenCreatedRequest>,
    ) -> HookResult<wire::ChannelHasBeenCreatedResponse> {
        let (metadata, _, message) = request.into_parts();
        let call =
            self.begin(Hook::ChannelHasBeenCreated, &metadata, message.context, message.plugin_context)?;
        let channel = required(message.channel, "channel")?;
        call.run_void(self.plugin().channel_has_been_created(&call.cx, channel)).await?;
        Ok(Response::new(wire::ChannelHasBeenCreatedResponse {}))
    }

    async fn user_has_joined_channel(
        &self,
        request: Request<wire::UserHasJoinedChannelRequest>,
    ) -> HookResult<wire::UserHasJoinedChannelResponse> {
        let (metadata, _, message) = request.into_parts();
        let call =
            self.begin(Hook::UserHasJoinedChannel, &metadata, message.context, message.plugin_context)?;
        let member = required(message.channel_member, "channel_member")?;
        let actor = decode(message.actor, "actor")?;
        call.run_void(self.plugin().user_has_joined_channel(&call.cx, member, actor)).await?;
        Ok(Response::new(wire::UserHasJoinedChannelResponse {}))
    }

    async fn user_has_left_channel(
        &self,
        request: Request<wire::UserHasLeftChannelRequest>,
    ) -> HookResult<wire::UserHasLeftChannelResponse> {
        let (metadata, _, message) = request.into_parts();
        let call =
            self.begin(Hook::UserHasLeftChannel, &metadata, message.context, message.plugin_context)?;
        let member = required(message.channel_member, "channel_member")?;
        let actor = decode(message.actor, "actor")?;
        call.run_void(self.plugin().user_has_left_channel(&call.cx, member, actor)).await?;
        Ok(Response::new(wire::UserHasLeftChannelResponse {}))
    }

    async fn user_has_joined_team(
        &self,
        request: Request<wire::UserHasJoinedTeamRequest>,
    ) -> HookResult<wire::UserHasJoinedTeamResponse> {
        let (metadata, _, message) = request.into_parts();
        let call = self.begin(Hook::UserHasJoinedTeam, &metadata, message.context, message.plugin_context)?;
        let member = required(message.team_member, "team_member")?;
        let actor = decode(message.actor, "actor")?;
        call.run_void(self.plugin().user_has_joined_team(&call.cx, member, actor)).await?;
        Ok(Response::new(wire::UserHasJoinedTeamResponse {}))
    }

    async fn user_has_left_team(
        &self,
        request: Request<wire::UserHasLeftTeamRequest>,
    ) -> HookResult<wire::UserHasLeftTeamResponse> {
        let (metadata, _, message) = request.into_parts();
        let call = self.begin(Hook::UserHasLeftTeam, &metadata, message.context, message.plugin_context)?;
        let member = required(message.team_member, "team_member")?;
        let actor = decode(message.actor, "actor")?;
        call.run_void(self.plugin().user_has_left_team(&call.cx, member, actor)).await?;
        Ok(Response::new(wire::UserHasLeftTeamResponse {}))
    }

    // ----- Slash commands ----------------------------------------------------------------

    async fn execute_command(
        &self,
        request: Request<wire::ExecuteCommandRequest>,
    ) -> HookResult<wire::ExecuteCommandResponse> {
        let (metadata, _, message) = request.into_parts();
        let call = self.begin(Hook::ExecuteCommand, &metadata, message.context, message.plugin_context)?;
        let args = required(message.args, "args")?;
        let outcome = call.run_fallible(self.plugin().execute_command(&call.cx, args)).await?;
        let response = match outcome {
            Ok(response) => wire::ExecuteCommandResponse { error: None, response: Some(response.into()) },
            Err(e) => wire::ExecuteCommandResponse {
                error: Some(e.into_app_error(&Hook::ExecuteCommand.error_id()).into()),
                response: None,
            },
        };
        Ok(Response::new(response))
    }

    // ----- WebSocket and cluster ---------------------------------------------------------

    async fn on_web_socket_connect(
        &self,
        request: Request<wire::OnWebSocketConnectRequest>,
    ) -> HookResult<wire::OnWebSocketConnectResponse> {
        let (metadata, _, message) = request.into_parts();
        let call = self.begin(Hook::OnWebSocketConnect, &metadata, message.context, None)?;
        let user_id = decode(message.user_id, "user_id")?;
        call.run_void(self.plugin().on_web_socket_connect(&call.cx, message.web_conn_id, user_id)).await?;
        Ok(Response::new(wire::OnWebSocketConnectResponse {}))
    }

    async fn on_web_socket_disconnect(
        &self,
        request: Request<wire::OnWebSocketDisconnectRequest>,
    ) -> HookResult<wire::OnWebSocketDisconnectResponse> {
        let (metadata, _, message) = request.into_parts();
        let call = self.begin(Hook::OnWebSocketDisconnect, &metadata, message.context, None)?;
        let user_id = decode(message.user_id, "user_id")?;
        call.run_void(self.plugin().on_web_socket_disconnect(&call.cx, message.web_conn_id, user_id)).await?;
        Ok(Response::new(wire::OnWebSocketDisconnectResponse {}))
    }

    async fn web_socket_message_has_been_posted(
        &self,
        request: Request<wire::WebSocketMessageHasBeenPostedRequest>,
    ) -> HookResult<wire::WebSocketMessageHasBeenPostedResponse> {
        let (metadata, _, message) = request.into_parts();
        let call = self.begin(Hook::WebSocketMessageHasBeenPosted, &metadata, message.context, None)?;
        let user_id = decode(message.user_id, "user_id")?;
        let ws_request = required(message.request, "request")?;
        call.run_void(self.plugin().web_socket_message_has_been_posted(
            &call.cx,
            message.web_conn_id,
            user_id,
            ws_request,
        ))
        .await?;
        Ok(Response::new(wire::WebSocketMessageHasBeenPostedResponse {}))
    }

    async fn on_plugin_cluster_event(
        &self,
        request: Request<wire::OnPluginClusterEventRequest>,
    ) -> HookResult<wire::OnPluginClusterEventResponse> {
        let (metadata, _, message) = request.into_parts();
        let call =
            self.begin(Hook::OnPluginClusterEvent, &metadata, message.context, message.plugin_context)?;
        let event = required(message.event, "event")?;
        call.run_void(self.plugin().on_plugin_cluster_event(&call.cx, event)).await?;
        Ok(Response::new(wire::OnPluginClusterEventResponse {}))
    }

    // ----- Shared channels ---------------------------------------------------------------

    async fn on_shared_channels_sync_msg(
        &self,
        request: Request<wire::OnSharedChannelsSyncMsgRequest>,
    ) -> HookResult<wire::OnSharedChannelsSyncMsgResponse> {
        let (metadata, _, message) = request.into_parts();
        let call = self.begin(Hook::OnSharedChannelsSyncMsg, &metadata, message.context, None)?;
        let msg = required(message.sync_msg, "sync_msg")?;
        let remote = required(message.remote_cluster, "remote_cluster")?;
        let outcome =
            call.run_fallible(self.plugin().on_shared_channels_sync_msg(&call.cx, msg, remote)).await?;
        let response = match outcome {
            Ok(response) => {
                wire::OnSharedChannelsSyncMsgResponse { error: None, response: Some(response.into()) }
            }
            Err(e) => wire::OnSharedChannelsSyncMsgResponse {
                error: Some(e.into_app_error(&Hook::OnSharedChannelsSyncMsg.error_id()).into()),
                response: None,
            },
        };
        Ok(Response::new(response))
    }

    async fn on_shared_channels_ping(
        &self,
        request: Request<wire::OnSharedChannelsPingRequest>,
    ) -> HookResult<wire::OnSharedChannelsPingResponse> {
        let (metadata, _, message) = request.into_parts();
        let call = self.begin(Hook::OnSharedChannelsPing, &metadata, message.context, None)?;
        let remote = required(message.remote_cluster, "remote_cluster")?;
        let healthy = call.run_infallible(self.plugin().on_shared_channels_ping(&call.cx, remote)).await?;
        Ok(Response::new(wire::OnSharedChannelsPingResponse { healthy }))
    }

    async fn on_shared_channels_attachment_sync_msg(
        &self,
        request: Request<wire::OnSharedChannelsAttachmentSyncMsgRequest>,
    ) -> HookResult<wire::OnSharedChannelsAttachmentSyncMsgResponse> {
        let (metadata, _, message) = request.into_parts();
        let call = self.begin(Hook::OnSharedChannelsAttachmentSyncMsg, &metadata, message.context, None)?;
        let info = required(message.file_info, "file_info")?;
        let post = required(message.post, "post")?;
        let remote = required(message.remote_cluster, "remote_cluster")?;
        let outcome = call
            .run_fallible(self.plugin().on_shared_channels_attachment_sync_msg(&call.cx, info, post, remote))
            .await?;
        Ok(Response::new(wire::OnSharedChannelsAttachmentSyncMsgResponse {
            error: lifecycle_error(Hook::OnSharedChannelsAttachmentSyncMsg, outcome),
        }))
    }

    async fn on_shared_channels_profile_image_sync_msg(
        &self,
        request: Request<wire::OnSharedChannelsProfileImageSyncMsgRequest>,
    ) -> HookResult<wire::OnSharedChannelsProfileImageSyncMsgResponse> {
        let (metadata, _, message) = request.into_parts();
        let call = self.begin(Hook::OnSharedChannelsProfileImageSyncMsg, &metadata, message.context, None)?;
        let user = required(message.user, "user")?;
        let remote = required(message.remote_cluster, "remote_cluster")?;
        let outcome = call
            .run_fallible(self.plugin().on_shared_channels_profile_image_sync_msg(&call.cx, user, remote))
            .await?;
        Ok(Response::new(wire::OnSharedChannelsProfileImageSyncMsgResponse {
            error: lifecycle_error(Hook::OnSharedChannelsProfileImageSyncMsg, outcome),
        }))
    }

    // ----- HTTP --------------------------------------------------------------------------

    async fn serve_http(
        &self,
        request: Request<Streaming<wire::ServeHttpRequest>>,
    ) -> HookResult<ResponseStream<wire::ServeHttpResponse>> {
        let (metadata, _, mut messages) = request.into_parts();
        // The first message carries the request head, with the context of the user's session.
        let first = messages.message().await?.ok_or_else(|| {
            Status::invalid_argument("ServeHTTP request stream ended before its first message")
        })?;
        let plugin_context = first.init.as_ref().and_then(|init| init.plugin_context.clone());
        let call = self.begin(Hook::ServeHttp, &metadata, None, plugin_context)?;
        let parts = stream::once(async move { Ok::<_, Status>(first) }).chain(messages);
        let request = HttpRequestStream::from_wire(parts);
        let response = match call.run(self.plugin().serve_http(&call.cx, request)).await {
            Ok(Ok(response)) => response,
            Ok(Err(e)) => return Err(status_from_error(Hook::ServeHttp, e)),
            Err(interrupted) => return Err(interrupted.into_status(Hook::ServeHttp)),
        };
        // The body streams after this handler returns: the call (deadline aside) stays in
        // flight until the response ends, and panics while producing it end only this call.
        let stream = AssertUnwindSafe(response).catch_unwind().map(move |item| {
            let _in_flight = &call;
            match item {
                Ok(Ok(part)) => Ok(wire::ServeHttpResponse::from(part)),
                Ok(Err(e)) => Err(status_from_error(Hook::ServeHttp, e)),
                Err(payload) => {
                    let message = panic_message(&*payload);
                    tracing::error!(hook = "ServeHTTP", panic = %message, "response stream panicked");
                    Err(Status::internal(format!("hook ServeHTTP panicked: {message}")))
                }
            }
        });
        Ok(Response::new(Box::pin(stream)))
    }
}

/// The replacement and rejection reason of a [`Decision`] as the response fields.
fn decision_parts<T: Into<W>, W>(decision: Decision<T>) -> (Option<W>, String) {
    match decision {
        Decision::Allow => (None, String::new()),
        Decision::Replace(value) => (Some(value.into()), String::new()),
        Decision::Reject(reason) => (None, reason),
    }
}

#[cfg(test)]
mod tests {
    use mm_types::AppError;

    use super::*;

    #[test]
    fn hook_errors_become_app_errors_with_the_hook_id() {
        let (error, count) = split::<i64>(Hook::RunDataRetention, Err(HookError::msg("disk full")));
        let error = error.expect("an AppError");
        assert_eq!(
            (error.id.as_str(), error.message.as_str(), count),
            ("plugin.run_data_retention.error", "disk full", 0)
        );
        let app = AppError::new("plugin.demo.nope", "Nope.").with_status(403);
        let error = lifecycle_error(Hook::OnActivate, Err(HookError::app(app))).expect("an AppError");
        assert_eq!((error.id.as_str(), error.status_code), ("plugin.demo.nope", 403));
        assert_eq!(split(Hook::RunDataRetention, Ok(7_i64)), (None, 7));
    }
}
