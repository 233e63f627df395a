//! The runtime that turns a Rust type into a Mattermost server plugin.
//!
//! A Mattermost server starts a plugin as a child process (hashicorp go-plugin), calls its
//! hooks over gRPC and stops it again. With this crate a plugin is one type:
//!
//! 1. implement [`Plugin`] for it, writing only the hooks you need as `async fn`s with typed
//!    arguments and typed outcomes ([`PostDecision`], [`LoginDecision`], `Result<_, HookError>`);
//! 2. put `#[mm_hooks::plugin]` on the impl block: it derives the hook list the server gets
//!    from `Implemented` from the methods you wrote, so the two cannot drift apart;
//! 3. call [`run`] from `main`.
//!
//! ```no_run
//! use std::sync::atomic::{AtomicU64, Ordering};
//!
//! use mm_hooks::{Context, HookError, LoginDecision, Plugin, PostDecision};
//! use mm_types::{Post, User};
//!
//! #[derive(Default)]
//! struct Guard {
//!     posts_seen: AtomicU64,
//! }
//!
//! #[mm_hooks::plugin]
//! impl Plugin for Guard {
//!     async fn on_activate(&self, _cx: &Context) -> Result<(), HookError> {
//!         tracing::info!("guard active");
//!         Ok(())
//!     }
//!
//!     async fn message_will_be_posted(&self, _cx: &Context, mut post: Post) -> PostDecision {
//!         self.posts_seen.fetch_add(1, Ordering::Relaxed);
//!         if post.message.contains("password") {
//!             return PostDecision::reject("Do not post passwords.");
//!         }
//!         if post.message.contains("shout") {
//!             post.message = post.message.to_uppercase();
//!             return PostDecision::Replace(post);
//!         }
//!         PostDecision::Allow
//!     }
//!
//!     async fn user_will_log_in(&self, cx: &Context, user: User) -> LoginDecision {
//!         // Blocking code (a sync library, heavy CPU) goes to the blocking pool.
//!         let banned = cx.spawn_blocking(move || user.username == "mallory").await.unwrap_or(false);
//!         if banned { LoginDecision::reject("Not today.") } else { LoginDecision::Allow }
//!     }
//! }
//!
//! fn main() -> std::process::ExitCode {
//!     mm_hooks::run(Guard::default())
//! }
//! ```
//!
//! What the runtime does for you:
//!
//! - **Launch** ([`run`]): magic cookie check, `PLUGIN_MIN_PORT..=PLUGIN_MAX_PORT` loopback
//!   port (or a private unix socket), the handshake line on stdout, gRPC health (`"plugin"`
//!   and `""` SERVING), go-plugin's `GRPCController/Shutdown` and `GRPCStdio`.
//! - **Upstream semantics**: `on_configuration_change` runs right before `on_activate`;
//!   lifecycle errors become `AppError`s with ids like `plugin.on_activate.error`; hooks run
//!   concurrently; each honours the server's deadline and is dropped when the call is
//!   cancelled; a panicking hook fails only its own call.
//! - **Shutdown** on the server's `Shutdown` call, SIGTERM/SIGINT, the server closing its hook
//!   connection, or the server process exiting: new calls are refused, calls in progress get
//!   [`DEFAULT_DRAIN_TIMEOUT`], `on_deactivate` runs if the server has not called it, and
//!   the process exits 0 well inside the 2 s the server waits before killing it.
//! - **Logging** ([`logging`]): `tracing` events become hclog JSON lines on stderr, which the
//!   server logs with their level and fields; filter with `RUST_LOG`.
//!
//! For in-process hosts and tests, [`Runtime::builder`] serves a plugin on any listener
//! without the launch checks.
//!
//! # Hooks and protocols
//!
//! [`Plugin`] has the 51 hooks of a stock server's `plugin.Hooks`; [`Hook`] names them and says
//! which servers call each ([`Hook::protocols`]): stock servers (go-plugin net/rpc) call all of
//! them, the gRPC servers of the multi-language fork the 41 of their contract. The hooks, the
//! trait, the dispatch and the `#[plugin]` check all come from one table in this crate, so they
//! cannot drift apart.
//!
//! # Platforms
//!
//! Unix only (Linux, macOS), where Mattermost servers run plugins: the runtime uses unix
//! sockets, signals and the parent process id. Other targets fail to compile with a message
//! saying so.

// The runtime serves unix sockets and watches the parent process and unix signals, as
// go-plugin does on the platforms Mattermost servers run on.
#[cfg(not(unix))]
compile_error!(
    "mm-hooks runs Mattermost plugins on Unix (Linux, macOS) only: Mattermost servers run plugins there"
);

mod call;
mod conn;
mod context;
mod control;
mod dispatch;
mod error;
mod failure;
mod hook;
pub mod http;
mod launch;
mod listener;
pub mod logging;
mod manifest;
mod netrpc;
mod outcome;
mod plugin;
#[doc(hidden)]
pub mod requests;
mod respond;
mod runtime;
mod runtime_error;
mod service;
mod table;
mod with_http;

pub use context::{Cancellation, Context};
#[doc(hidden)]
pub use dispatch::{CallOptions, Dispatcher, HookRequest, HttpResponseParts};
pub use error::{HookError, HookErrorKind};
pub use failure::{HookFailure, HookFailureKind};
pub use hook::{Hook, Protocol};
pub use launch::run;
pub use listener::{ListenAddr, Listener};
pub use mm_client::Client;
pub use mm_hooks_macros::plugin;
/// The variable holding the server's PluginAPI address (`127.0.0.1:<port>`).
pub use mm_proto::protocol::API_TARGET_ENV as API_TARGET_VAR;
/// If set, the plugin listens on a unix socket in this folder instead of a TCP port.
pub use mm_proto::protocol::UNIX_SOCKET_DIR_ENV as UNIX_SOCKET_DIR_VAR;
pub use mm_proto::protocol::{MAGIC_COOKIE_KEY, MAGIC_COOKIE_VALUE};
pub use outcome::{DISMISS_POST_REASON, Decision, FileDecision, LoginDecision, PostDecision, Verdict};
pub use plugin::Plugin;
pub use runtime::{
    DEFAULT_DEACTIVATE_TIMEOUT, DEFAULT_DRAIN_TIMEOUT, Runtime, RuntimeBuilder, Serving, ShutdownHandle,
    ShutdownReason,
};
pub use runtime_error::RuntimeError;
pub use with_http::{HttpHandler, WithHttp};
