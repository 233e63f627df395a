//! Code generation for `mm-proto`, from its declarations.
//!
//! [`generate_mm_proto`] compiles `mm-proto`'s `proto/` (and `stock/`) with protox and writes
//! every file the crate includes; they are committed under `crates/mm-proto/src/generated/`,
//! so building a plugin runs no code generator, and `mm-proto`'s test `generated` fails when
//! they are stale (`PROTO_BLESS=1 cargo test -p mm-proto --test generated` rewrites them).
//! The parts:
//!
//! - [`read_rpcs`] reads every RPC of the declared services into an [`Rpc`]: its name, path,
//!   request and response messages (proto and Rust names), its group (the proto file of its
//!   request), the error convention of the contract and the retry safety declared in the
//!   sidecar (`rpc.toml`, one line per RPC, checked for completeness: an RPC without a line
//!   fails the build with a message naming it);
//! - [`rpc_table`] writes the RPC table from them: one `RpcMethod` static per RPC, `ALL`,
//!   lookups, and the impls that tie each request type to its response and method;
//! - [`GatedServices`] generates tonic's client and server stubs, each behind the cargo
//!   feature of the crate that needs it, so a plugin does not compile the PluginAPI server.
//!
//! - [`netrpc`] maps every method and hook to the stock servers' protocol (go-plugin net/rpc
//!   with Go's gob): it joins the same descriptors with the Go surface of server/public
//!   (`stock/surface.json`, written by `tools/netrpc-gen`) and the declared exceptions
//!   (`stock/mapping.toml`), and writes gob encodings of the messages as the Go structs they
//!   stand for, plus the tables of methods and hooks a transport dispatches on.
//!
//! ```
//! use mm_codegen::{ServiceSpec, Surface};
//! let surface = Surface {
//!     services: &[ServiceSpec { name: "mattermost.pluginapi.v1.PluginAPI", grpc: true }],
//!     packages: &[("mattermost.pluginapi.v1", "crate::v1")],
//!     errors_in_body: &["posts", "kv", "files"],
//!     app_error: "mattermost.pluginapi.v1.AppError",
//! };
//! // `fds` comes from protox and the sidecar from `rpc.toml`.
//! let fds = prost_types::FileDescriptorSet::default();
//! let error = mm_codegen::read_rpcs(&fds, &surface, "[safety]\n").unwrap_err();
//! assert_eq!(error.message(), "the service mattermost.pluginapi.v1.PluginAPI is not in the descriptors");
//! ```

mod error;
mod grpc;
mod model;
pub mod netrpc;
mod proto_crate;
mod sidecar;
mod table;

pub use error::Error;
pub use grpc::{GatedServices, ServiceGate};
pub use model::{ErrorConvention, MessageRef, Rpc, Safety, ServiceSpec, Surface, read_rpcs};
pub use proto_crate::{GeneratedFile, MM_PROTO_SURFACE, generate_mm_proto, mm_proto_descriptors};
pub use table::rpc_table;
