//! A local Mattermost stand-in for running and testing plugins without a server.
//!
//! `mm-host` plays the Mattermost server side of the plugin protocol: it serves the
//! PluginAPI from an in-memory store, launches and supervises plugin processes the way the
//! server does, calls their hooks when things happen, and exposes their HTTP routes (and a
//! small REST API) on a local port. Its test kit lets plugin authors test a plugin end to end.
//!
//! # Platforms
//!
//! Unix only (Linux, macOS): it launches plugins as the Mattermost server does there, which
//! needs executable permission bits, Unix sockets (go-plugin's `unix` network) and Unix
//! signals (SIGTERM and SIGINT stop it gracefully). Building it for another platform fails
//! with a `compile_error!` saying so. Plugins themselves only need `mattermost-plugin`.

// Store and host operations answer the server's `AppError` by value (160 bytes), as the
// server does; they are not on hot paths, so boxing it everywhere would only add noise.
#![allow(clippy::result_large_err)]

#[cfg(not(unix))]
compile_error!(
    "mm-host supports Unix platforms only (Linux, macOS): it runs plugins with executable \
     permission bits, Unix sockets and Unix signals, as the Mattermost server does there"
);

// --- In-memory server: store, PluginAPI, events -> hooks, HTTP front, test kit. ---
mod api;
mod error;
pub mod events;
mod front;
mod host;
mod http1;
mod installed_plugins;
pub mod plugin_http;
mod plugin_install;
pub mod store;
pub mod testkit;

pub use api::unimplemented_rpcs;
pub use error::HostError;
pub use events::{GrpcHooks, HookCaller, HookLink, HookTransport, NetRpcHooks};
pub use host::{DEFAULT_ADMIN_TOKEN, DEFAULT_SERVER_VERSION, Host, HostBuilder, Seed};
pub use installed_plugins::NOT_SUPERVISED_ERROR_ID;
pub use store::Store;

// --- Plugin processes: supervisor, manifest, bundles, CLI. ---
#[cfg(feature = "bundle")]
pub mod bundle;
#[cfg(feature = "cli")]
pub mod cli;
pub mod manifest;
pub mod supervisor;

pub use supervisor::PluginConnection;
