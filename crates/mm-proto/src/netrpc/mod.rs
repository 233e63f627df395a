//! The messages as a stock Mattermost server sends them: Go's gob encoding over net/rpc.
//!
//! Stock servers (every release) talk to plugins with go-plugin's net/rpc: each API method and
//! hook is `Plugin.<Method>` with a `Z_<Method>Args` struct in and a `Z_<Method>Returns`
//! struct out, and the model types travel as Go structs with Go field names (`Id`, `CreateAt`,
//! `Props`). This module gives every request and response message of this crate the gob
//! encoding of the Go struct it stands for, so a transport can send the same typed messages
//! over either protocol:
//!
//! - `mm_gob::Encode`/`Decode` for the request and response messages (as `Z_<Method>Args` and
//!   `Z_<Method>Returns`) and for the entities inside them (as `model.Post`, `model.User`...);
//! - [`API`] and [`HOOKS`]: per Go method, the gob codecs of its request and response,
//!   type-erased so a transport can dispatch by name;
//! - the conversions where the two declarations differ (`google.protobuf.Struct` and Go's
//!   `map[string]interface{}`, JSON text and Go structs, enums and Go strings, and the named
//!   conversions of `stock/mapping.toml`).
//!
//! Everything here is generated at build time by `mm-codegen` from `proto/`, `stock/*.proto`,
//! `stock/surface.json` (the Go surface of server/public, written by `tools/netrpc-gen`) and
//! `stock/mapping.toml`; a declaration that does not map fails the build naming both sides.
//! Go struct fields that have no field in the messages are not carried; the build's report
//! lists them.

pub(crate) mod conv;
mod json;
mod plain_error;
mod props;
pub mod special;
mod table;
mod values;

/// The runtime the generated code calls.
pub(crate) mod rt {
    pub(crate) use super::conv;
    #[allow(unused_imports)]
    pub(crate) use super::json::{Base64Bytes, Dynamic, GoTime, IsEmpty, Json, RawJson};
    pub(crate) use super::table::{Codec, Method};
    #[allow(unused_imports)]
    pub(crate) use super::values::{Interface, InterfaceMap, JsonValue, StringListMap, StructAsInterface};
}

pub use plain_error::plain_errors_as;
pub use props::{PropsMemory, remember_props};
pub use table::{Codec, ErasedMessage, Method, View, api_method, hook};

// Generated code: its items are documented by the module above.
#[allow(missing_docs, unreachable_pub, clippy::all, non_snake_case, unused_parens, unused_braces)]
mod generated {
    use super::rt;
    use crate::v1;
    include!(concat!(env!("OUT_DIR"), "/netrpc.rs"));
}

pub use generated::{API, HOOKS};
