//! Write Mattermost server plugins in Rust, with one dependency.
//!
//! This crate gathers the SDK's layers behind features (all on by default) and a [`prelude`]:
//!
//! | feature | module | what it is |
//! |---|---|---|
//! | `types` | [`types`] | domain types (`mm-types`): users, posts, channels, typed ids, ... |
//! | `client` | [`client`] | the PluginAPI client (`mm-client`), async and [`client::blocking`] |
//! | `hooks` | [`hooks`] | the plugin runtime (`mm-hooks`): [`Plugin`](hooks::Plugin), [`plugin`], [`run`] |
//! | `http` | [`http`] | HTTP routes (`mm-http`) with [`axum`] |
//!
//! A complete plugin:
//!
//! ```no_run
//! use mattermost_plugin::prelude::*;
//!
//! #[derive(Default)]
//! struct Hello;
//!
//! #[mattermost_plugin::plugin]
//! impl Plugin for Hello {
//!     async fn on_activate(&self, cx: &Context) -> Result<(), HookError> {
//!         let version = cx.client().system().server_version().await?;
//!         tracing::info!(%version, "hello is active");
//!         Ok(())
//!     }
//!
//!     async fn message_will_be_posted(&self, _cx: &Context, post: Post) -> PostDecision {
//!         if post.message.contains("darn") {
//!             return PostDecision::reject("Mind your language.");
//!         }
//!         PostDecision::Allow
//!     }
//! }
//!
//! fn main() -> std::process::ExitCode {
//!     mattermost_plugin::run(Hello)
//! }
//! ```
//!
//! Build it, point `mm-host run` at the binary (or at a folder with a `plugin.json`), and the
//! plugin runs against a local Mattermost stand-in; package it for a real server with its
//! manifest. The crates it re-exports are also available whole: [`axum`], [`tokio`],
//! [`futures_util`], [`serde`], [`serde_json`], [`tracing`].

#[cfg(feature = "client")]
pub use mm_client as client;
#[cfg(feature = "hooks")]
pub use mm_hooks as hooks;
#[cfg(feature = "http")]
pub use mm_http as http;
pub use mm_types as types;

#[cfg(feature = "http")]
pub use axum;
pub use futures_util;
pub use serde;
pub use serde_json;
pub use tokio;
pub use tracing;

/// Derives the hook list a plugin reports to the server from its `impl Plugin` block.
///
/// The same attribute as `mm_hooks::plugin`, pointed at this crate, so a plugin needs no
/// other dependency. Every method in the block must be a hook of [`Plugin`](hooks::Plugin).
#[cfg(feature = "hooks")]
pub use mattermost_plugin_macros::plugin;

/// Makes a struct the plugin's settings: serde's `Deserialize` and `Serialize` (through this
/// crate, so the plugin needs no `serde` dependency), every field defaulted (the struct needs
/// `Default`), and field names in PascalCase, as the keys of a manifest's `settings_schema`
/// usually are. Load it with `config().load_plugin_configuration::<T>()`, which matches keys
/// in any case as the server stores them lower-cased.
///
/// ```
/// #[mattermost_plugin::settings]
/// #[derive(Debug, Default, Clone, PartialEq)]
/// struct Settings {
///     /// `"key": "Greeting"`
///     greeting: String,
///     /// `"key": "MaxPerDay"`
///     max_per_day: u32,
///     /// A key that is not the field's name in PascalCase.
///     #[serde(rename = "channel_name")]
///     channel: String,
/// }
///
/// let settings: Settings = mattermost_plugin::serde_json::from_str(r#"{"MaxPerDay": 3}"#).unwrap();
/// assert_eq!(settings, Settings { max_per_day: 3, ..Settings::default() });
/// ```
pub use mattermost_plugin_macros::settings;

/// An async test on this crate's tokio (`#[tokio::test]` without a `tokio` dependency);
/// arguments go to tokio's attribute, as in `#[mattermost_plugin::test(flavor =
/// "multi_thread")]`.
///
/// ```
/// #[mattermost_plugin::test]
/// async fn adds() {
///     assert_eq!(async { 1 + 1 }.await, 2);
/// }
/// ```
pub use mattermost_plugin_macros::test;

/// A Mattermost stand-in for tests (feature `testkit`, for `[dev-dependencies]`): `TestHost`,
/// starting plugins in-process or as processes on either protocol (`PluginSpec`, `Protocol`).
/// See `mm_host::testkit`.
#[cfg(feature = "testkit")]
pub mod testkit {
    pub use mm_host::supervisor::{PluginSpec, Protocol};
    pub use mm_host::testkit::*;
    pub use mm_host::{DEFAULT_SERVER_VERSION, Host, HostError};
}

/// Runs the plugin: call it from `main` (see [`hooks::run`]).
#[cfg(feature = "hooks")]
pub use mm_hooks::run;

/// What most plugins use: `use mattermost_plugin::prelude::*;`.
pub mod prelude {
    #[cfg(feature = "client")]
    pub use mm_client::{Client, Error as ClientError, ErrorKind as ClientErrorKind, OptionalExt};
    #[cfg(feature = "hooks")]
    pub use mm_hooks::http::{HttpRequestStream, HttpResponseStream};
    #[cfg(feature = "hooks")]
    pub use mm_hooks::{Context, FileDecision, HookError, LoginDecision, Plugin, PostDecision};
    #[cfg(feature = "http")]
    pub use mm_http::{MattermostUserId, PluginHttpExt, RequestExt};
    pub use mm_types::{
        AccountState, AppError, Channel, ChannelId, ChannelType, Command, CommandArgs, CommandResponse,
        Deleted, FileInfo, Id, JsonMap, Page, Permission, PluginContext, Post, PostId, Reaction, Role, Team,
        TeamId, Timestamp, User, UserId,
    };
}
