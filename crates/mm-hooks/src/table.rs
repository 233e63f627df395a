//! The hook table: every hook of a Mattermost server plugin, declared once.
//!
//! [`hook_table!`] hands the whole table to a generator macro, which picks what it needs:
//!
//! | generator | writes |
//! |---|---|
//! | `hook.rs` | the [`Hook`](crate::Hook) enum, its names and protocols, and `__hook_variant!` that `#[plugin]` calls to check method names |
//! | `plugin.rs` | the [`Plugin`](crate::Plugin) trait: each hook's method, docs and default |
//! | `dispatch.rs` | [`HookRequest`](crate::HookRequest) for each unary request: decode the fields, call the method, encode the outcome |
//! | `respond.rs` | how each outcome becomes its response, by the shape named here |
//! | `requests.rs` | the request of each hook from its arguments, for hosts |
//! | `service.rs` | the gRPC `PluginHooks` service |
//!
//! One entry:
//!
//! ```text
//! { /// docs of the Plugin method
//!   Variant = "GoName", both|stock;
//!   fn method(arg: Type = mode(request_field), ..) -> Outcome { default body }
//!   unary Request(plugin_context) -> Response as shape, via function;    (or: stream;)
//! }
//! ```
//!
//! - `both`: the hook exists on gRPC servers (the contract's `PluginHooks`, in its order) and on
//!   stock servers; `stock`: on stock servers only (`StockPluginHooks`).
//! - `mode` decodes a request field into the argument: `required` (a sub-message that must be
//!   there), `decode` (any value, converted), `or_default` (a sub-message, empty when missing).
//! - `(plugin_context)`: the request carries the user's `PluginContext` (field 2).
//! - the response `shape`: `empty` (an error becomes a failed call), `error` (an `AppError`
//!   field), `error(field)` (an `AppError` and a value), `decision(field)` (a replacement and a
//!   rejection reason), `rejection` (a rejection reason), `value(field)`, or `custom` (written
//!   out in `respond.rs`).
//! - `via function`: the dispatch calls `function(shared, cx, args..)` instead of the method,
//!   for hooks the runtime itself takes part in.

/// The types the table names, for the modules that expand it.
pub(crate) mod names {
    pub(crate) use bytes::Bytes;
    pub(crate) use mm_types::{
        Channel, ChannelMember, CommandArgs, CommandResponse, Draft, EmailNotification,
        EmailNotificationContent, FileData, FileDownloadType, FileInfo, OnInstallEvent, PluginClusterEvent,
        Post, Preference, ProductLimits, PushNotification, Reaction, RemoteCluster, SamlAssertion,
        ScheduledPost, ServerConfig, SyncMsg, SyncResponse, TeamMember, Timestamp, User, UserId,
        WebSocketRequest,
    };

    pub(crate) use crate::error::HookError;
    pub(crate) use crate::http::{HttpRequestStream, HttpResponseStream};
    pub(crate) use crate::outcome::{Decision, FileDecision, LoginDecision, PostDecision, Verdict};
}

/// Calls `$generator!` with the hook table (see the module docs for the entry format), each
/// entry in the form [`normalize!`] gives it. A `$` after the generator's name is passed
/// first, for generators that write macros.
macro_rules! hook_table {
    ($generator:path $(, $dollar:tt)?) => {
        $crate::table::normalize! {
            $generator [$($dollar)?]
            // ----- Lifecycle ---------------------------------------------------------------------
            {
                /// The plugin was activated. The runtime calls
                /// [`on_configuration_change`](Plugin::on_configuration_change) just before, as the
                /// server does for Go plugins. An error stops the activation.
                OnActivate = "OnActivate", both;
                fn on_activate() -> Result<(), HookError> { Ok(()) }
                unary OnActivateRequest() -> OnActivateResponse as error, via activate;
            }
            {
                /// The plugin is being deactivated. The runtime also calls it when the plugin shuts
                /// down for another reason (signal, lost server) after a successful activation.
                OnDeactivate = "OnDeactivate", both;
                fn on_deactivate() -> Result<(), HookError> { Ok(()) }
                unary OnDeactivateRequest() -> OnDeactivateResponse as error, via deactivate;
            }
            {
                /// The plugin's configuration changed (also called right before
                /// [`on_activate`](Plugin::on_activate)). Load it with the API client.
                OnConfigurationChange = "OnConfigurationChange", both;
                fn on_configuration_change() -> Result<(), HookError> { Ok(()) }
                unary OnConfigurationChangeRequest() -> OnConfigurationChangeResponse as error;
            }
            {
                /// The plugin was installed, by the user in `event`.
                OnInstall = "OnInstall", both;
                fn on_install(event: OnInstallEvent = required(event)) -> Result<(), HookError> { Ok(()) }
                unary OnInstallRequest(plugin_context) -> OnInstallResponse as error;
            }
            {
                /// Once a day, when the server sends its telemetry.
                OnSendDailyTelemetry = "OnSendDailyTelemetry", both;
                fn on_send_daily_telemetry() -> Result<(), HookError> { Ok(()) }
                unary OnSendDailyTelemetryRequest() -> OnSendDailyTelemetryResponse as empty;
            }
            {
                /// The data retention job runs: delete up to `batch_size` items older than the policy
                /// allows at `now`, and return how many were deleted.
                RunDataRetention = "RunDataRetention", both;
                fn run_data_retention(now: Timestamp = decode(now_time), batch_size: i64 = decode(batch_size))
                    -> Result<i64, HookError> { Ok(0) }
                unary RunDataRetentionRequest() -> RunDataRetentionResponse as error(deleted_count);
            }
            {
                /// The cloud product limits changed.
                OnCloudLimitsUpdated = "OnCloudLimitsUpdated", both;
                fn on_cloud_limits_updated(limits: ProductLimits = or_default(limits)) -> Result<(), HookError> {
                    Ok(())
                }
                unary OnCloudLimitsUpdatedRequest() -> OnCloudLimitsUpdatedResponse as empty;
            }
            {
                /// The server configuration is about to be saved: return `Some(config)` to save a
                /// changed one, `None` to keep it, or an error to refuse the save.
                ConfigurationWillBeSaved = "ConfigurationWillBeSaved", both;
                fn configuration_will_be_saved(new_config: ServerConfig = required(new_config))
                    -> Result<Option<ServerConfig>, HookError> { Ok(None) }
                unary ConfigurationWillBeSavedRequest() -> ConfigurationWillBeSavedResponse
                    as error(modified_config);
            }
            {
                /// An administrator generates a support packet: return files to add to it.
                GenerateSupportData = "GenerateSupportData", both;
                fn generate_support_data() -> Result<Vec<FileData>, HookError> { Ok(Vec::new()) }
                unary GenerateSupportDataRequest(plugin_context) -> GenerateSupportDataResponse as error(files);
            }
            // ----- Messages, files, reactions, notifications -------------------------------------
            {
                /// A post is about to be created: allow, replace, reject or dismiss it.
                MessageWillBePosted = "MessageWillBePosted", both;
                fn message_will_be_posted(post: Post = required(post)) -> PostDecision { PostDecision::Allow }
                unary MessageWillBePostedRequest(plugin_context) -> MessageWillBePostedResponse as custom;
            }
            {
                /// A post is about to be edited from `old_post` to `new_post`: allow, replace or reject.
                MessageWillBeUpdated = "MessageWillBeUpdated", both;
                fn message_will_be_updated(new_post: Post = required(new_post), old_post: Post = required(old_post))
                    -> Decision<Post> { Decision::Allow }
                unary MessageWillBeUpdatedRequest(plugin_context) -> MessageWillBeUpdatedResponse
                    as decision(modified_post);
            }
            {
                /// A post was created.
                MessageHasBeenPosted = "MessageHasBeenPosted", both;
                fn message_has_been_posted(post: Post = required(post)) -> Result<(), HookError> { Ok(()) }
                unary MessageHasBeenPostedRequest(plugin_context) -> MessageHasBeenPostedResponse as empty;
            }
            {
                /// A post was edited.
                MessageHasBeenUpdated = "MessageHasBeenUpdated", both;
                fn message_has_been_updated(new_post: Post = required(new_post), old_post: Post = required(old_post))
                    -> Result<(), HookError> { Ok(()) }
                unary MessageHasBeenUpdatedRequest(plugin_context) -> MessageHasBeenUpdatedResponse as empty;
            }
            {
                /// Posts are about to be sent to a client: return them, changed or not.
                MessagesWillBeConsumed = "MessagesWillBeConsumed", both;
                fn messages_will_be_consumed(posts: Vec<Post> = decode(posts)) -> Vec<Post> { posts }
                unary MessagesWillBeConsumedRequest() -> MessagesWillBeConsumedResponse as value(posts);
            }
            {
                /// A post was deleted.
                MessageHasBeenDeleted = "MessageHasBeenDeleted", both;
                fn message_has_been_deleted(post: Post = required(post)) -> Result<(), HookError> { Ok(()) }
                unary MessageHasBeenDeletedRequest(plugin_context) -> MessageHasBeenDeletedResponse as empty;
            }
            {
                /// A file is about to be stored: allow, replace (info and content) or reject it.
                FileWillBeUploaded = "FileWillBeUploaded", both;
                fn file_will_be_uploaded(info: FileInfo = required(file_info), content: Bytes = decode(file_content))
                    -> FileDecision { FileDecision::Allow }
                unary FileWillBeUploadedRequest(plugin_context) -> FileWillBeUploadedResponse as custom;
            }
            {
                /// A reaction was added to a post.
                ReactionHasBeenAdded = "ReactionHasBeenAdded", both;
                fn reaction_has_been_added(reaction: Reaction = required(reaction)) -> Result<(), HookError> {
                    Ok(())
                }
                unary ReactionHasBeenAddedRequest(plugin_context) -> ReactionHasBeenAddedResponse as empty;
            }
            {
                /// A reaction was removed from a post.
                ReactionHasBeenRemoved = "ReactionHasBeenRemoved", both;
                fn reaction_has_been_removed(reaction: Reaction = required(reaction)) -> Result<(), HookError> {
                    Ok(())
                }
                unary ReactionHasBeenRemovedRequest(plugin_context) -> ReactionHasBeenRemovedResponse as empty;
            }
            {
                /// A push notification is about to be sent to `user_id`: allow, replace or reject it.
                NotificationWillBePushed = "NotificationWillBePushed", both;
                fn notification_will_be_pushed(
                    notification: PushNotification = required(push_notification),
                    user_id: UserId = decode(user_id),
                ) -> Decision<PushNotification> { Decision::Allow }
                unary NotificationWillBePushedRequest() -> NotificationWillBePushedResponse
                    as decision(modified_notification);
            }
            {
                /// An e-mail notification is about to be sent: allow it, replace its content, or
                /// reject it.
                EmailNotificationWillBeSent = "EmailNotificationWillBeSent", both;
                fn email_notification_will_be_sent(notification: EmailNotification = required(email_notification))
                    -> Decision<EmailNotificationContent> { Decision::Allow }
                unary EmailNotificationWillBeSentRequest() -> EmailNotificationWillBeSentResponse
                    as decision(modified_content);
            }
            {
                /// Users changed preferences.
                PreferencesHaveChanged = "PreferencesHaveChanged", both;
                fn preferences_have_changed(preferences: Vec<Preference> = decode(preferences))
                    -> Result<(), HookError> { Ok(()) }
                unary PreferencesHaveChangedRequest(plugin_context) -> PreferencesHaveChangedResponse as empty;
            }
            // ----- Users, channels, teams --------------------------------------------------------
            {
                /// A user was created.
                UserHasBeenCreated = "UserHasBeenCreated", both;
                fn user_has_been_created(user: User = required(user)) -> Result<(), HookError> { Ok(()) }
                unary UserHasBeenCreatedRequest(plugin_context) -> UserHasBeenCreatedResponse as empty;
            }
            {
                /// A user is about to log in: allow or reject.
                UserWillLogIn = "UserWillLogIn", both;
                fn user_will_log_in(user: User = required(user)) -> LoginDecision { LoginDecision::Allow }
                unary UserWillLogInRequest(plugin_context) -> UserWillLogInResponse as rejection;
            }
            {
                /// A user logged in.
                UserHasLoggedIn = "UserHasLoggedIn", both;
                fn user_has_logged_in(user: User = required(user)) -> Result<(), HookError> { Ok(()) }
                unary UserHasLoggedInRequest(plugin_context) -> UserHasLoggedInResponse as empty;
            }
            {
                /// A user was deactivated.
                UserHasBeenDeactivated = "UserHasBeenDeactivated", both;
                fn user_has_been_deactivated(user: User = required(user)) -> Result<(), HookError> { Ok(()) }
                unary UserHasBeenDeactivatedRequest(plugin_context) -> UserHasBeenDeactivatedResponse as empty;
            }
            {
                /// A user logs in with SAML. An error refuses the login.
                OnSamlLogin = "OnSAMLLogin", both;
                fn on_saml_login(user: User = required(user), assertion: SamlAssertion = required(assertion))
                    -> Result<(), HookError> { Ok(()) }
                unary OnSamlLoginRequest(plugin_context) -> OnSamlLoginResponse as error;
            }
            {
                /// A channel was created.
                ChannelHasBeenCreated = "ChannelHasBeenCreated", both;
                fn channel_has_been_created(channel: Channel = required(channel)) -> Result<(), HookError> {
                    Ok(())
                }
                unary ChannelHasBeenCreatedRequest(plugin_context) -> ChannelHasBeenCreatedResponse as empty;
            }
            {
                /// A user joined a channel; `actor` added them, if someone else did.
                UserHasJoinedChannel = "UserHasJoinedChannel", both;
                fn user_has_joined_channel(member: ChannelMember = required(channel_member), actor: Option<User> = decode(actor))
                    -> Result<(), HookError> { Ok(()) }
                unary UserHasJoinedChannelRequest(plugin_context) -> UserHasJoinedChannelResponse as empty;
            }
            {
                /// A user left a channel; `actor` removed them, if someone else did.
                UserHasLeftChannel = "UserHasLeftChannel", both;
                fn user_has_left_channel(member: ChannelMember = required(channel_member), actor: Option<User> = decode(actor))
                    -> Result<(), HookError> { Ok(()) }
                unary UserHasLeftChannelRequest(plugin_context) -> UserHasLeftChannelResponse as empty;
            }
            {
                /// A user joined a team; `actor` added them, if someone else did.
                UserHasJoinedTeam = "UserHasJoinedTeam", both;
                fn user_has_joined_team(member: TeamMember = required(team_member), actor: Option<User> = decode(actor))
                    -> Result<(), HookError> { Ok(()) }
                unary UserHasJoinedTeamRequest(plugin_context) -> UserHasJoinedTeamResponse as empty;
            }
            {
                /// A user left a team; `actor` removed them, if someone else did.
                UserHasLeftTeam = "UserHasLeftTeam", both;
                fn user_has_left_team(member: TeamMember = required(team_member), actor: Option<User> = decode(actor))
                    -> Result<(), HookError> { Ok(()) }
                unary UserHasLeftTeamRequest(plugin_context) -> UserHasLeftTeamResponse as empty;
            }
            // ----- Slash commands --------------------------------------------------------------
            {
                /// A slash command the plugin registered was run.
                ExecuteCommand = "ExecuteCommand", both;
                fn execute_command(args: CommandArgs = required(args)) -> Result<CommandResponse, HookError> {
                    Ok(CommandResponse::default())
                }
                unary ExecuteCommandRequest(plugin_context) -> ExecuteCommandResponse as error(response: Some);
            }
            // ----- WebSocket and cluster -------------------------------------------------------
            {
                /// A WebSocket connection opened.
                OnWebSocketConnect = "OnWebSocketConnect", both;
                fn on_web_socket_connect(web_conn_id: String = decode(web_conn_id), user_id: UserId = decode(user_id))
                    -> Result<(), HookError> { Ok(()) }
                unary OnWebSocketConnectRequest() -> OnWebSocketConnectResponse as empty;
            }
            {
                /// A WebSocket connection closed.
                OnWebSocketDisconnect = "OnWebSocketDisconnect", both;
                fn on_web_socket_disconnect(web_conn_id: String = decode(web_conn_id), user_id: UserId = decode(user_id))
                    -> Result<(), HookError> { Ok(()) }
                unary OnWebSocketDisconnectRequest() -> OnWebSocketDisconnectResponse as empty;
            }
            {
                /// A client sent a WebSocket message addressed to the plugin.
                WebSocketMessageHasBeenPosted = "WebSocketMessageHasBeenPosted", both;
                fn web_socket_message_has_been_posted(
                    web_conn_id: String = decode(web_conn_id),
                    user_id: UserId = decode(user_id),
                    request: WebSocketRequest = required(request),
                ) -> Result<(), HookError> { Ok(()) }
                unary WebSocketMessageHasBeenPostedRequest() -> WebSocketMessageHasBeenPostedResponse as empty;
            }
            {
                /// Another node of the cluster sent this plugin an event.
                OnPluginClusterEvent = "OnPluginClusterEvent", both;
                fn on_plugin_cluster_event(event: PluginClusterEvent = required(event)) -> Result<(), HookError> {
                    Ok(())
                }
                unary OnPluginClusterEventRequest(plugin_context) -> OnPluginClusterEventResponse as empty;
            }
            // ----- Shared channels ---------------------------------------------------------------
            {
                /// A shared-channel sync message arrived from `remote`.
                OnSharedChannelsSyncMsg = "OnSharedChannelsSyncMsg", both;
                fn on_shared_channels_sync_msg(msg: SyncMsg = required(sync_msg), remote: RemoteCluster = required(remote_cluster))
                    -> Result<SyncResponse, HookError> { Ok(SyncResponse::default()) }
                unary OnSharedChannelsSyncMsgRequest() -> OnSharedChannelsSyncMsgResponse as error(response: Some);
            }
            {
                /// The server checks that the plugin's remote is healthy.
                OnSharedChannelsPing = "OnSharedChannelsPing", both;
                fn on_shared_channels_ping(remote: RemoteCluster = required(remote_cluster)) -> bool { true }
                unary OnSharedChannelsPingRequest() -> OnSharedChannelsPingResponse as value(healthy);
            }
            {
                /// A shared-channel attachment arrived from `remote`.
                OnSharedChannelsAttachmentSyncMsg = "OnSharedChannelsAttachmentSyncMsg", both;
                fn on_shared_channels_attachment_sync_msg(
                    info: FileInfo = required(file_info),
                    post: Post = required(post),
                    remote: RemoteCluster = required(remote_cluster),
                ) -> Result<(), HookError> { Ok(()) }
                unary OnSharedChannelsAttachmentSyncMsgRequest() -> OnSharedChannelsAttachmentSyncMsgResponse as error;
            }
            {
                /// A shared-channel profile image arrived from `remote`.
                OnSharedChannelsProfileImageSyncMsg = "OnSharedChannelsProfileImageSyncMsg", both;
                fn on_shared_channels_profile_image_sync_msg(user: User = required(user), remote: RemoteCluster = required(remote_cluster))
                    -> Result<(), HookError> { Ok(()) }
                unary OnSharedChannelsProfileImageSyncMsgRequest() -> OnSharedChannelsProfileImageSyncMsgResponse
                    as error;
            }
            // ----- HTTP ------------------------------------------------------------------------
            {
                /// An HTTP request to `/plugins/<id>/...` arrived, streamed in parts; answer with a
                /// stream of response parts. `mm-http` implements this for any tower service (an
                /// axum `Router`); without it the plugin answers 404.
                ServeHttp = "ServeHTTP", both;
                fn serve_http(request: HttpRequestStream) -> Result<HttpResponseStream, HookError> {
                    Ok(crate::http::not_found())
                }
                stream;
            }
            // ----- Stock servers only (the gRPC contract has no RPC for them) -------------------
            {
                /// A user is about to be added to a channel: allow, replace the membership (its
                /// roles, notification settings...) or reject the addition.
                ChannelMemberWillBeAdded = "ChannelMemberWillBeAdded", stock;
                fn channel_member_will_be_added(member: ChannelMember = required(member)) -> Decision<ChannelMember> {
                    Decision::Allow
                }
                unary ChannelMemberWillBeAddedRequest(plugin_context) -> ChannelMemberWillBeAddedResponse
                    as decision(modified_member);
            }
            {
                /// A user is about to be added to a team: allow, replace the membership or reject
                /// the addition.
                TeamMemberWillBeAdded = "TeamMemberWillBeAdded", stock;
                fn team_member_will_be_added(member: TeamMember = required(member)) -> Decision<TeamMember> {
                    Decision::Allow
                }
                unary TeamMemberWillBeAddedRequest(plugin_context) -> TeamMemberWillBeAddedResponse
                    as decision(modified_member);
            }
            {
                /// A channel is about to be changed from `old_channel` to `new_channel` (any update
                /// or patch: REST, local API, plugin API, import): allow, replace or reject.
                ChannelWillBeUpdated = "ChannelWillBeUpdated", stock;
                fn channel_will_be_updated(new_channel: Channel = required(new_channel), old_channel: Channel = required(old_channel))
                    -> Decision<Channel> { Decision::Allow }
                unary ChannelWillBeUpdatedRequest(plugin_context) -> ChannelWillBeUpdatedResponse
                    as decision(modified_channel);
            }
            {
                /// A channel is about to be archived: allow or reject.
                ChannelWillBeArchived = "ChannelWillBeArchived", stock;
                fn channel_will_be_archived(channel: Channel = required(channel)) -> Verdict { Verdict::Allow }
                unary ChannelWillBeArchivedRequest(plugin_context) -> ChannelWillBeArchivedResponse as rejection;
            }
            {
                /// An archived channel is about to be restored: allow or reject.
                ChannelWillBeRestored = "ChannelWillBeRestored", stock;
                fn channel_will_be_restored(channel: Channel = required(channel)) -> Verdict { Verdict::Allow }
                unary ChannelWillBeRestoredRequest(plugin_context) -> ChannelWillBeRestoredResponse as rejection;
            }
            {
                /// A draft is about to be saved: allow, replace or reject it.
                DraftWillBeUpserted = "DraftWillBeUpserted", stock;
                fn draft_will_be_upserted(draft: Draft = required(draft)) -> Decision<Draft> { Decision::Allow }
                unary DraftWillBeUpsertedRequest(plugin_context) -> DraftWillBeUpsertedResponse
                    as decision(modified_draft);
            }
            {
                /// A file, its thumbnail or its preview is about to be sent to a client: allow or
                /// reject. `user_id` is `None` for a public link.
                FileWillBeDownloaded = "FileWillBeDownloaded", stock;
                fn file_will_be_downloaded(
                    info: FileInfo = required(file_info),
                    user_id: Option<UserId> = decode(user_id),
                    download_type: FileDownloadType = decode(download_type),
                ) -> Verdict { Verdict::Allow }
                unary FileWillBeDownloadedRequest(plugin_context) -> FileWillBeDownloadedResponse as rejection;
            }
            {
                /// Posts are about to be sent to a client, with the request's context: return the
                /// ones to replace (matched by id; posts left out stay unchanged).
                MessagesWillBeConsumedWithContext = "MessagesWillBeConsumedWithContext", stock;
                fn messages_will_be_consumed_with_context(posts: Vec<Post> = decode(posts)) -> Vec<Post> { posts }
                unary MessagesWillBeConsumedWithContextRequest(plugin_context)
                    -> MessagesWillBeConsumedWithContextResponse as value(posts);
            }
            {
                /// A scheduled post is about to be saved (created or edited): allow, replace or
                /// reject it.
                ScheduledPostWillBeCreated = "ScheduledPostWillBeCreated", stock;
                fn scheduled_post_will_be_created(scheduled_post: ScheduledPost = required(scheduled_post))
                    -> Decision<ScheduledPost> { Decision::Allow }
                unary ScheduledPostWillBeCreatedRequest(plugin_context) -> ScheduledPostWillBeCreatedResponse
                    as decision(modified_scheduled_post);
            }
            {
                /// An HTTP request to the server's metrics listener at `/plugins/<id>/metrics`
                /// arrived: answer it like [`serve_http`](Plugin::serve_http); without it the
                /// plugin answers 404.
                ServeMetrics = "ServeMetrics", stock;
                fn serve_metrics(request: HttpRequestStream) -> Result<HttpResponseStream, HookError> {
                    Ok(crate::http::not_found())
                }
                stream;
            }
        }
    };
}

/// Parses the table's entries once and hands them to the generator as
/// `{ Variant, "GoName", both|stock, method, (args..), Outcome, { default }, [docs], (kind..) }`,
/// which a generator matches in one line and takes apart with its own helpers.
macro_rules! normalize {
    ($generator:path [$($dollar:tt)?] $({
        $(#[$doc:meta])*
        $variant:ident = $rpc:literal, $on:ident;
        fn $method:ident($($args:tt)*) -> $out:ty { $($default:tt)* }
        $($kind:tt)*
    })*) => {
        $generator! {
            $($dollar)?
            $({ $variant, $rpc, $on, $method, ($($args)*), $out, { $($default)* }, [$(#[$doc])*], ($($kind)*) })*
        }
    };
}

pub(crate) use {hook_table, normalize};
