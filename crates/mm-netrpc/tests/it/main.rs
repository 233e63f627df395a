//! Integration tests of mm-netrpc: yamux, broker, remote reader, net/rpc, plugin and host
//! sides, against captured bytes, against ourselves over real unix sockets, and against Go.

mod broker;
mod control;
mod interop;
mod process;
mod reassembly;
mod rpc;
mod stream_io;
mod support;
mod yamux;
