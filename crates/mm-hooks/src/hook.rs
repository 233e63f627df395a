//! The names of the 41 hooks: enum variant, `PluginHooks` RPC name, `Plugin` method name.

use std::fmt;

macro_rules! hooks {
    ($($variant:ident = $rpc:literal, $method:literal;)*) => {
        /// One of the 41 hooks a plugin can implement.
        ///
        /// [`rpc_name`](Hook::rpc_name) is the exact name the server uses in `Implemented` and
        /// as the RPC method (`OnActivate`, `ServeHTTP`, ...); [`method_name`](Hook::method_name)
        /// is the [`Plugin`](crate::Plugin) method (`on_activate`, `serve_http`, ...).
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[non_exhaustive]
        pub enum Hook {
            $(
                #[doc = concat!("`", $rpc, "` (`Plugin::", $method, "`).")]
                $variant,
            )*
        }

        impl Hook {
            /// Every hook, in the order of the contract.
            pub const ALL: &'static [Hook] = &[$(Hook::$variant),*];

            /// The RPC name, as listed in `Implemented`.
            pub const fn rpc_name(self) -> &'static str {
                match self {
                    $(Hook::$variant => $rpc,)*
                }
            }

            /// The name of the [`Plugin`](crate::Plugin) method that implements the hook.
            pub const fn method_name(self) -> &'static str {
                match self {
                    $(Hook::$variant => $method,)*
                }
            }
        }
    };
}

hooks! {
    OnActivate = "OnActivate", "on_activate";
    OnDeactivate = "OnDeactivate", "on_deactivate";
    OnConfigurationChange = "OnConfigurationChange", "on_configuration_change";
    OnInstall = "OnInstall", "on_install";
    OnSendDailyTelemetry = "OnSendDailyTelemetry", "on_send_daily_telemetry";
    RunDataRetention = "RunDataRetention", "run_data_retention";
    OnCloudLimitsUpdated = "OnCloudLimitsUpdated", "on_cloud_limits_updated";
    ConfigurationWillBeSaved = "ConfigurationWillBeSaved", "configuration_will_be_saved";
    GenerateSupportData = "GenerateSupportData", "generate_support_data";
    MessageWillBePosted = "MessageWillBePosted", "message_will_be_posted";
    MessageWillBeUpdated = "MessageWillBeUpdated", "message_will_be_updated";
    MessageHasBeenPosted = "MessageHasBeenPosted", "message_has_been_posted";
    MessageHasBeenUpdated = "MessageHasBeenUpdated", "message_has_been_updated";
    MessagesWillBeConsumed = "MessagesWillBeConsumed", "messages_will_be_consumed";
    MessageHasBeenDeleted = "MessageHasBeenDeleted", "message_has_been_deleted";
    FileWillBeUploaded = "FileWillBeUploaded", "file_will_be_uploaded";
    ReactionHasBeenAdded = "ReactionHasBeenAdded", "reaction_has_been_added";
    ReactionHasBeenRemoved = "ReactionHasBeenRemoved", "reaction_has_been_removed";
    NotificationWillBePushed = "NotificationWillBePushed", "notification_will_be_pushed";
    EmailNotificationWillBeSent = "EmailNotificationWillBeSent", "email_notification_will_be_sent";
    PreferencesHaveChanged = "PreferencesHaveChanged", "preferences_have_changed";
    UserHasBeenCreated = "UserHasBeenCreated", "user_has_been_created";
    UserWillLogIn = "UserWillLogIn", "user_will_log_in";
    UserHasLoggedIn = "UserHasLoggedIn", "user_has_logged_in";
    UserHasBeenDeactivated = "UserHasBeenDeactivated", "user_has_been_deactivated";
    OnSamlLogin = "OnSAMLLogin", "on_saml_login";
    ChannelHasBeenCreated = "ChannelHasBeenCreated", "channel_has_been_created";
    UserHasJoinedChannel = "UserHasJoinedChannel", "user_has_joined_channel";
    UserHasLeftChannel = "UserHasLeftChannel", "user_has_left_channel";
    UserHasJoinedTeam = "UserHasJoinedTeam", "user_has_joined_team";
    UserHasLeftTeam = "UserHasLeftTeam", "user_has_left_team";
    ExecuteCommand = "ExecuteCommand", "execute_command";
    OnWebSocketConnect = "OnWebSocketConnect", "on_web_socket_connect";
    OnWebSocketDisconnect = "OnWebSocketDisconnect", "on_web_socket_disconnect";
    WebSocketMessageHasBeenPosted = "WebSocketMessageHasBeenPosted", "web_socket_message_has_been_posted";
    OnPluginClusterEvent = "OnPluginClusterEvent", "on_plugin_cluster_event";
    OnSharedChannelsSyncMsg = "OnSharedChannelsSyncMsg", "on_shared_channels_sync_msg";
    OnSharedChannelsPing = "OnSharedChannelsPing", "on_shared_channels_ping";
    OnSharedChannelsAttachmentSyncMsg = "OnSharedChannelsAttachmentSyncMsg", "on_shared_channels_attachment_sync_msg";
    OnSharedChannelsProfileImageSyncMsg = "OnSharedChannelsProfileImageSyncMsg", "on_shared_channels_profile_image_sync_msg";
    ServeHttp = "ServeHTTP", "serve_http";
}

impl Hook {
    /// The hook with this RPC name (`"OnActivate"`), if there is one.
    pub fn from_rpc_name(name: &str) -> Option<Hook> {
        Hook::ALL.iter().copied().find(|h| h.rpc_name() == name)
    }

    /// The `AppError` id the runtime reports when this hook fails without an `AppError` of its
    /// own: `plugin.<method_name>.error`, such as `plugin.on_activate.error`.
    pub fn error_id(self) -> String {
        format!("plugin.{}.error", self.method_name())
    }
}

impl fmt::Display for Hook {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.rpc_name())
    }
}

#[cfg(test)]
mod tests {
    use mm_proto::prost::Message;
    use mm_proto::prost_types::FileDescriptorSet;

    use super::*;

    /// The hook list is the `PluginHooks` service of the contract, minus `Implemented`.
    #[test]
    fn the_41_hooks_are_the_services_rpcs_in_order() {
        let set = FileDescriptorSet::decode(mm_proto::FILE_DESCRIPTOR_SET).expect("descriptor set");
        let service = set
            .file
            .iter()
            .flat_map(|f| f.service.iter().map(move |s| (f.package(), s)))
            .find(|(package, s)| format!("{package}.{}", s.name()) == mm_proto::PLUGIN_HOOKS_SERVICE)
            .map(|(_, s)| s)
            .expect("PluginHooks in the descriptor set");
        let rpcs: Vec<&str> =
            service.method.iter().map(|m| m.name()).filter(|n| *n != "Implemented").collect();
        let ours: Vec<&str> = Hook::ALL.iter().map(|h| h.rpc_name()).collect();
        assert_eq!(ours, rpcs);
        assert_eq!(ours.len(), 41);
    }

    #[test]
    fn names_round_trip_and_error_ids_follow_the_method() {
        for hook in Hook::ALL {
            assert_eq!(Hook::from_rpc_name(hook.rpc_name()), Some(*hook));
        }
        assert_eq!(Hook::from_rpc_name("ServeMetrics"), None);
        assert_eq!(Hook::OnActivate.error_id(), "plugin.on_activate.error");
        assert_eq!(Hook::OnSamlLogin.rpc_name(), "OnSAMLLogin");
    }
}
