//! The hook payload types that `mm-types` does not define yet, as their wire messages.
//!
//! Interim seam: each line moves to the `mm-types` domain type when it lands. Conversions in
//! `service.rs` go through `TryFrom`/`Into`, so they do not change when these do.

pub(crate) use mm_types::wire::EmailNotificationContent;
pub(crate) use mm_types::wire::{
    CommandArgs, CommandResponse, OnInstallEvent, PluginClusterEvent, Preference, ProductLimits,
    PushNotification, RemoteCluster, SyncResponse, WebSocketRequest,
};
