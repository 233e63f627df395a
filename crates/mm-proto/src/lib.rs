//! Generated code for the Mattermost plugin protocol (`mattermost.pluginapi.v1`).
//!
//! This is the raw wire layer of the SDK: [prost] messages, the [RPC table](rpc) and tonic
//! clients and servers for the two services Mattermost speaks with a plugin process, generated
//! from the crate's own `proto/` folder (compiled by [protox], so no system `protoc` is
//! needed). The generated code is committed under `src/generated/`, so a build runs no code
//! generator; the test `generated` fails when it is stale, and
//! `PROTO_BLESS=1 cargo test -p mm-proto --test generated` rewrites it.
//!
//! **Plugin authors should not need this crate directly.** Use `mm-types` for the domain model,
//! `mm-client` to call the server and `mm-hooks` / `mm-http` to serve hooks; they convert to and
//! from these messages for you. This crate is for the SDK's own layers, test doubles and tools
//! that must speak the protocol message by message.
//!
//! | module | package | who serves it |
//! |---|---|---|
//! | [`v1`], [`rpc`] | `mattermost.pluginapi.v1.PluginAPI`, 236 unary RPCs | the Mattermost server |
//! | [`v1`] | `mattermost.pluginapi.v1.PluginHooks`, `Implemented` + 41 hooks | the plugin |
//! | [`go_plugin`] | `plugin.GRPCController`, `plugin.GRPCStdio` | the plugin (hashicorp go-plugin support) |
//!
//! The messages and the RPC table need only prost. The tonic stubs are behind features, so
//! each crate compiles the side it runs:
//!
//! | feature | generated modules | used by |
//! |---|---|---|
//! | `hooks-server` | `v1::plugin_hooks_server`, `go_plugin::grpc_controller_server`, `go_plugin::grpc_stdio_server` | plugins (mm-hooks) |
//! | `hooks-client` | `v1::plugin_hooks_client`, `go_plugin::grpc_controller_client`, `go_plugin::grpc_stdio_client` | the host side (mm-host, tests) |
//! | `api-client` | `v1::plugin_api_client` | tests and tools (mm-client calls through the [RPC table](rpc)) |
//! | `api-server` | `v1::plugin_api_server` | test doubles (mm-host serves through the table) |
//! | `grpc` | [`code_for_http_status`], [`app_error_status`], `BytesCodec`, `mm_proto::tonic` | both gRPC ends |
//!
//! Every `bytes` field is a [`bytes::Bytes`], so ServeHTTP body chunks, file contents and KV
//! values travel without copies. The generated server traits have default methods that answer
//! `UNIMPLEMENTED`, so a server may implement any subset of a service.
//!
//! [protox]: https://docs.rs/protox

// Generated code: its docs come from the proto comments, which do not cover every item.
#[allow(missing_docs, unreachable_pub, clippy::all, rustdoc::broken_intra_doc_links)]
mod generated {
    pub mod v1 {
        include!("generated/mattermost.pluginapi.v1.rs");
    }
    pub mod go_plugin {
        include!("generated/plugin.rs");
    }
}

#[cfg(feature = "grpc")]
mod codec;
#[cfg(feature = "netrpc")]
pub mod netrpc;
pub mod protocol;
pub mod rpc;

#[cfg(feature = "grpc")]
pub use codec::BytesCodec;

pub use generated::go_plugin;
pub use generated::v1;

pub use bytes::Bytes;
pub use prost;
pub use prost_types;
#[cfg(feature = "grpc")]
pub use tonic;

/// The encoded `FileDescriptorSet` of every file in `proto/` and its imports (with source
/// info), for reflection, dynamic messages and tests that derive method lists from the schema.
pub const FILE_DESCRIPTOR_SET: &[u8] = include_bytes!("generated/descriptor_set.bin");

/// The protobuf package of the plugin protocol.
pub const PACKAGE: &str = "mattermost.pluginapi.v1";

/// Full name of the service the Mattermost server serves and plugins call.
pub const PLUGIN_API_SERVICE: &str = "mattermost.pluginapi.v1.PluginAPI";

/// Full name of the service a plugin serves and the Mattermost server calls.
pub const PLUGIN_HOOKS_SERVICE: &str = "mattermost.pluginapi.v1.PluginHooks";

/// Largest message the Mattermost server's PluginAPI listener accepts (grpc-go's default).
pub const SERVER_MAX_MESSAGE_SIZE: usize = 4 * 1024 * 1024;

/// Largest body chunk in one ServeHTTP stream message, in both directions.
pub const SERVE_HTTP_CHUNK_SIZE: usize = 64 * 1024;

/// How the Mattermost server turns an `AppError`'s HTTP status into a gRPC status code, when it
/// reports an API failure as a status (`"<id>: <message>"`) instead of inside the response.
///
/// ```
/// use mm_proto::tonic::Code;
/// assert_eq!(mm_proto::code_for_http_status(404), Code::NotFound);
/// assert_eq!(mm_proto::code_for_http_status(418), Code::Internal);
/// ```
#[cfg(feature = "grpc")]
pub fn code_for_http_status(status: i32) -> tonic::Code {
    use tonic::Code;
    match status {
        200..=299 => Code::Ok,
        400 => Code::InvalidArgument,
        401 => Code::Unauthenticated,
        403 => Code::PermissionDenied,
        404 => Code::NotFound,
        409 => Code::AlreadyExists,
        413 | 429 => Code::ResourceExhausted,
        501 => Code::Unimplemented,
        503 => Code::Unavailable,
        _ => Code::Internal,
    }
}

/// The gRPC status the Mattermost server answers for an `AppError` with this id, message and
/// HTTP status: the message is `"<id>: <message>"`, the code follows [`code_for_http_status`].
#[cfg(feature = "grpc")]
pub fn app_error_status(id: &str, message: &str, http_status: i32) -> tonic::Status {
    tonic::Status::new(code_for_http_status(http_status), format!("{id}: {message}"))
}
