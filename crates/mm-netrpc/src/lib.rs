//! hashicorp go-plugin's **net/rpc** transport, the protocol every stock Mattermost server
//! (v9, v10, v11) uses to run server plugins: Go's net/rpc with encoding/gob over one yamux
//! session, with callbacks through go-plugin's MuxBroker.
//!
//! Layers, bottom up:
//!
//! - [`yamux`]: the stream multiplexer over the plugin's unix socket.
//! - [`broker`]: go-plugin's MuxBroker: extra streams identified by a `u32` id.
//!
//! Unix only: go-plugin uses unix sockets there, and so does this crate.

#[cfg(not(unix))]
compile_error!("mm-netrpc supports Unix only: go-plugin's net/rpc transport runs over unix sockets");

pub mod broker;
mod error;
pub mod handshake;
pub mod host;
pub mod plugin;
pub mod rpc;
pub mod stream_io;
pub mod yamux;

pub use error::{Error, ErrorKind};
