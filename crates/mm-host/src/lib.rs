//! A local Mattermost stand-in for running and testing plugins without a server.
//!
//! `mm-host` plays the Mattermost server side of the plugin protocol: it serves the
//! PluginAPI from an in-memory store, launches and supervises plugin processes the way the
//! server does, calls their hooks when things happen, and exposes their HTTP routes (and a
//! small REST API) on a local port. Its test kit lets plugin authors test a plugin end to end.

// --- In-memory server: store, PluginAPI, events -> hooks, HTTP front, test kit. ---

// --- Plugin processes: supervisor, manifest, CLI. ---
pub mod manifest;
pub mod supervisor;

pub use supervisor::PluginConnection;
