//! Typed client for the Mattermost PluginAPI.
//!
//! A Mattermost server plugin calls its server through the `PluginAPI` gRPC service: 236
//! RPCs on users, teams, channels, posts, the KV store, files, bots, commands, configuration
//! and more. This crate gives each of them a typed method, with `mm-types` domain types in
//! and out, grouped the way Mattermost's Go `pluginapi` groups them:
//!
//! ```no_run
//! use mm_client::Client;
//! use mm_types::Post;
//!
//! # async fn demo() -> mm_client::Result<()> {
//! let client = Client::from_env().await?; // MATTERMOST_PLUGIN_API_TARGET
//! let alice = client.users().get_by_username("alice").await?;
//! let town_square = client.channels().get_by_name(&"team-id".parse()?, "town-square", mm_types::Deleted::Exclude).await?;
//! client.posts().create(Post::new(town_square.id, format!("Welcome, @{}!", alice.username))).await?;
//! # Ok(()) }
//! ```
//!
//! - **Async first, blocking twin.** [`Client`] returns futures; [`blocking::Client`] has the
//!   same methods and returns results. Both are cheap to clone and safe to share.
//! - **Errors**: one [`Error`] with a [`kind`](Error::kind), the server's
//!   [`AppError`](mm_types::AppError) when there is one, and predicates such as
//!   [`is_not_found`](Error::is_not_found). Both ways the server reports failures (an
//!   `AppError` in an OK response, or a gRPC status `"<id>: <message>"`) are handled.
//! - **Typed parameters**: a [`Page`](mm_types::Page) for paged listings and [`pages`] (or a
//!   builder's `.pages()`) to walk them; enums instead of `bool`s and free-form strings
//!   ([`Deleted`](mm_types::Deleted), [`AccountState`](mm_types::AccountState),
//!   [`UserSort`](mm_types::UserSort), ...); [`Role`](mm_types::Role) and
//!   [`Permission`](mm_types::Permission) names; [`OptionalExt::optional`] for lookups where
//!   "not found" is an answer.
//! - **A tower stack** on every call: a tracing span, a time budget (default 30 s, sent as
//!   the gRPC deadline), retries only where safe (see [`RetryPolicy`]), the 4 MiB request
//!   limit checked before sending, and your own layers ([`ClientBuilder::layer`]).
//! - **Helpers**: typed JSON KV with atomic updates ([`KvJson`](api::KvJson)), a
//!   [`ClusterMutex`] safe across plugin instances, the plugin configuration in your own
//!   struct ([`load_plugin_configuration`](api::Config::load_plugin_configuration)),
//!   [`ensure`](api::Bots::ensure) for the plugin's bot, and direct messages
//!   ([`send_direct_message`](api::Posts::send_direct_message)).

pub mod api;
mod backoff;
pub mod blocking;
mod builder;
mod client;
mod error;
mod go_fields;
mod mode;
mod mutex;
mod netrpc;
mod optional;
mod pages;
pub mod rpc;
mod stack;
mod transport;

pub use builder::{
    ClientBuilder, DEFAULT_MAX_RESPONSE_SIZE, DEFAULT_TIMEOUT, MIN_HTTP2_KEEPALIVE, SERVER_MAX_REQUEST_SIZE,
};
pub use client::{ApiClient, Client, TARGET_ENV};
pub use error::{Code, Error, ErrorKind, Result};
pub use mode::{ApiCall, Async, Blocking, Mode};
pub use mutex::{ClusterMutex, ClusterMutexGuard, DEFAULT_LEASE};
pub use netrpc::NetRpcApi;
pub use optional::OptionalExt;
pub use pages::{Pages, pages};
pub use rpc::{ResponseBody, RpcMethod, RpcRequest, RpcResponse, RpcService, Safety};
pub use stack::RetryPolicy;
pub use transport::Target;
