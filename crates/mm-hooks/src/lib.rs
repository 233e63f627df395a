//! The runtime that turns a Rust type into a Mattermost server plugin.
//!
//! `mm-hooks` holds the hook authoring model (implement only the hooks you need, with typed
//! arguments and outcomes), the `run` entry point that performs the hashicorp go-plugin
//! handshake, serves `PluginHooks`, gRPC health and the go-plugin controller, and the plugin's
//! lifecycle and logging.

mod error;
pub mod http;

pub use error::{HookError, HookErrorKind};
