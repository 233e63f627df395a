//! hashicorp go-plugin's **net/rpc** transport, the protocol every stock Mattermost server
//! (v9, v10, v11) uses to run server plugins: Go's net/rpc with encoding/gob over one yamux
//! session, with callbacks through go-plugin's MuxBroker.
//!
//! Layers, bottom up:
//!
//! - [`yamux`]: the stream multiplexer over the plugin's unix socket, compatible with
//!   hashicorp/yamux v0.1.2.
//! - [`broker`]: go-plugin's MuxBroker: extra streams identified by a `u32` id.
//! - [`rpc`]: Go's net/rpc with the gob codec ([`mm_gob`]): a client with many calls in flight,
//!   a server dispatching `Service.Method` to typed handlers.
//! - [`stream_io`]: Mattermost's remote `io.Reader` over a broker stream.
//! - [`handshake`], [`plugin`] and [`host`]: go-plugin's launch protocol, from the plugin's side
//!   (cookie, socket, handshake line, control services) and the server's (spawn, handshake,
//!   dispense, kill).
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

/// The README's examples, compiled as doctests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
