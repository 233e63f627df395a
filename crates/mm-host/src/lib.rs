//! A local Mattermost stand-in for running and testing plugins without a server.
//!
//! `mm-host` plays the Mattermost server side of the plugin protocol: it serves the
//! PluginAPI from an in-memory store, launches and supervises plugin processes the way the
//! server does, calls their hooks when things happen, and exposes their HTTP routes (and a
//! small REST API) on a local port. Its test kit lets plugin authors test a plugin end to end.

// Store and host operations answer the server's `AppError` by value (160 bytes), as the
// server does; they are not on hot paths, so boxing it everywhere would only add noise.
#![allow(clippy::result_large_err)]

// --- In-memory server: store, PluginAPI, events -> hooks, HTTP front, test kit. ---
mod api;
mod error;
pub mod events;
mod front;
mod host;
pub mod plugin_http;
pub mod store;
pub mod testkit;

pub use api::unimplemented_rpcs;
pub use error::HostError;
pub use events::{GrpcHooks, HookCaller, HookTransport};
pub use host::{DEFAULT_ADMIN_TOKEN, DEFAULT_SERVER_VERSION, Host, HostBuilder, Seed};
pub use store::Store;

// --- Plugin processes: supervisor, manifest, bundles, CLI. ---
#[cfg(feature = "bundle")]
pub mod bundle;
#[cfg(feature = "cli")]
pub mod cli;
pub mod manifest;
pub mod supervisor;

pub use supervisor::PluginConnection;
