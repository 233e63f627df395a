//! The hooks a plugin can implement: method name in the `Plugin` trait and variant of
//! `mm_hooks::Hook` (whose `rpc_name` gives the exact `PluginHooks` RPC name).
//!
//! `mm-hooks` has a test that this table and its `Hook` enum list the same 41 hooks in the
//! same order, so the two crates cannot drift apart.

/// `(trait method, Hook variant)` for each of the 41 hooks, in the order of the contract.
pub(crate) const HOOKS: &[(&str, &str)] = &[
    ("on_activate", "OnActivate"),
    ("on_deactivate", "OnDeactivate"),
    ("on_configuration_change", "OnConfigurationChange"),
    ("on_install", "OnInstall"),
    ("on_send_daily_telemetry", "OnSendDailyTelemetry"),
    ("run_data_retention", "RunDataRetention"),
    ("on_cloud_limits_updated", "OnCloudLimitsUpdated"),
    ("configuration_will_be_saved", "ConfigurationWillBeSaved"),
    ("generate_support_data", "GenerateSupportData"),
    ("message_will_be_posted", "MessageWillBePosted"),
    ("message_will_be_updated", "MessageWillBeUpdated"),
    ("message_has_been_posted", "MessageHasBeenPosted"),
    ("message_has_been_updated", "MessageHasBeenUpdated"),
    ("messages_will_be_consumed", "MessagesWillBeConsumed"),
    ("message_has_been_deleted", "MessageHasBeenDeleted"),
    ("file_will_be_uploaded", "FileWillBeUploaded"),
    ("reaction_has_been_added", "ReactionHasBeenAdded"),
    ("reaction_has_been_removed", "ReactionHasBeenRemoved"),
    ("notification_will_be_pushed", "NotificationWillBePushed"),
    ("email_notification_will_be_sent", "EmailNotificationWillBeSent"),
    ("preferences_have_changed", "PreferencesHaveChanged"),
    ("user_has_been_created", "UserHasBeenCreated"),
    ("user_will_log_in", "UserWillLogIn"),
    ("user_has_logged_in", "UserHasLoggedIn"),
    ("user_has_been_deactivated", "UserHasBeenDeactivated"),
    ("on_saml_login", "OnSamlLogin"),
    ("channel_has_been_created", "ChannelHasBeenCreated"),
    ("user_has_joined_channel", "UserHasJoinedChannel"),
    ("user_has_left_channel", "UserHasLeftChannel"),
    ("user_has_joined_team", "UserHasJoinedTeam"),
    ("user_has_left_team", "UserHasLeftTeam"),
    ("execute_command", "ExecuteCommand"),
    ("on_web_socket_connect", "OnWebSocketConnect"),
    ("on_web_socket_disconnect", "OnWebSocketDisconnect"),
    ("web_socket_message_has_been_posted", "WebSocketMessageHasBeenPosted"),
    ("on_plugin_cluster_event", "OnPluginClusterEvent"),
    ("on_shared_channels_sync_msg", "OnSharedChannelsSyncMsg"),
    ("on_shared_channels_ping", "OnSharedChannelsPing"),
    ("on_shared_channels_attachment_sync_msg", "OnSharedChannelsAttachmentSyncMsg"),
    ("on_shared_channels_profile_image_sync_msg", "OnSharedChannelsProfileImageSyncMsg"),
    ("serve_http", "ServeHttp"),
];

/// The name of the hidden trait method the attribute generates.
pub(crate) const IMPLEMENTED_METHOD: &str = "__implemented_hooks";

/// The `Hook` variant for a trait method name, if it is a hook.
pub(crate) fn variant_for(method: &str) -> Option<&'static str> {
    HOOKS.iter().find(|(name, _)| *name == method).map(|(_, variant)| *variant)
}

/// The valid method names, for error messages.
pub(crate) fn valid_names() -> String {
    HOOKS.iter().map(|(name, _)| *name).collect::<Vec<_>>().join(", ")
}
