//! Go's net/rpc with the gob codec, over any byte stream.
//!
//! Each request is two gob values, `rpc.Request{ServiceMethod, Seq}` and the arguments; each
//! response is `rpc.Response{ServiceMethod, Seq, Error}` and the reply (an empty struct when
//! `Error` is set). Gob is stateful per stream direction (types are defined once), so the
//! [`Client`] and [`Server`] decode on the connection's reader and encode under one encoder.
//!
//! - [`Client::call`]: many calls in flight on one stream, replies in any order.
//! - [`Server`]: [`Service`]s dispatched by `Service.Method`, each call in its own task;
//!   [`Router`] builds a service from async closures.

mod client;
mod conn;
mod header;
mod server;

pub use client::{Client, DecodeReply};
pub use server::{Args, Call, Refusal, Reply, Router, Server, Service};

/// Why a [`Client::call`] failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CallError {
    /// The server answered with this error (`Response.Error`), unchanged: Mattermost maps
    /// texts such as `rpc: can't find method Plugin.X` and its own error strings.
    #[error("{0}")]
    Server(String),
    /// The arguments do not encode; nothing was sent.
    #[error("encoding the arguments of {method}: {source}")]
    Encode {
        /// The method called.
        method: String,
        /// The encoder's error.
        #[source]
        source: mm_gob::Error,
    },
    /// The reply does not decode into the requested type.
    #[error("decoding the reply of {method}: {source}")]
    Decode {
        /// The method called.
        method: String,
        /// The decoder's error.
        #[source]
        source: mm_gob::Error,
    },
    /// The connection ended before the reply (the text says why).
    #[error("net/rpc connection closed: {0}")]
    Closed(String),
}

impl CallError {
    /// The server's error text, if the server answered with an error.
    pub fn server_error(&self) -> Option<&str> {
        match self {
            CallError::Server(text) => Some(text),
            _ => None,
        }
    }
}
