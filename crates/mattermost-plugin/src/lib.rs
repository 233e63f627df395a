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

/// Runs the plugin: call it from `main` (see [`hooks::run`]).
#[cfg(feature = "hooks")]
pub use mm_hooks::run;

/// What most plugins use: `use mattermost_plugin::prelude::*;`.
pub mod prelude {
    #[cfg(feature = "client")]
    pub use mm_client::{Client, Error as ClientError, ErrorKind as ClientErrorKind};
    #[cfg(feature = "hooks")]
    pub use mm_hooks::http::{HttpRequestStream, HttpResponseStream};
    #[cfg(feature = "hooks")]
    pub use mm_hooks::{Context, FileDecision, HookError, LoginDecision, Plugin, PostDecision};
    #[cfg(feature = "http")]
    pub use mm_http::{MattermostUserId, PluginHttpExt, RequestExt};
    pub use mm_types::{
        AppError, Channel, ChannelId, ChannelType, Command, CommandArgs, CommandResponse, FileInfo, Id,
        JsonMap, PluginContext, Post, PostId, Reaction, Team, TeamId, Timestamp, User, UserId,
    };
}
