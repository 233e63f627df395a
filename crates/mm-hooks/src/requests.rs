//! The request message of each unary hook, built from the hook's arguments: what a host sends
//! to call a hook, with the same argument names and types as the [`Plugin`](crate::Plugin)
//! method. Generated from the hook table (`src/table.rs`).
//!
//! ```
//! use mm_hooks::requests;
//! use mm_types::{PluginContext, Post};
//!
//! let request = requests::message_will_be_posted(Some(PluginContext::default()), Post::default());
//! assert!(request.post.is_some() && request.plugin_context.is_some());
//! ```

use mm_proto::v1 as wire;
use mm_types::PluginContext;
use mm_types::convert::IntoWire;

use crate::table::hook_table;
use crate::table::names::*;

/// Writes one function per unary hook.
macro_rules! define_request_builders {
    ($({ $variant:ident, $rpc:literal, $on:ident, $method:ident, $args:tt, $out:tt, $default:tt, $docs:tt, $kind:tt })*) => {
        $(request_builder! { $rpc $method $args $kind })*
    };
}

macro_rules! request_builder {
    ($rpc:literal $method:ident $args:tt (stream;)) => {};
    (
        $rpc:literal $method:ident ($($arg:ident: $ty:ty = $mode:ident($field:ident)),* $(,)?)
        (unary $req:ident(plugin_context) -> $($rest:tt)*)
    ) => {
        #[doc = concat!("The `", $rpc, "` request, with the user's `plugin_context` (`None`: no session).")]
        pub fn $method(plugin_context: Option<PluginContext> $(, $arg: $ty)*) -> wire::$req {
            wire::$req {
                context: Some(wire::RequestContext::default()),
                plugin_context: plugin_context.map(IntoWire::into_wire),
                $($field: field!($mode, $arg),)*
            }
        }
    };
    (
        $rpc:literal $method:ident ($($arg:ident: $ty:ty = $mode:ident($field:ident)),* $(,)?)
        (unary $req:ident() -> $($rest:tt)*)
    ) => {
        #[doc = concat!("The `", $rpc, "` request.")]
        pub fn $method($($arg: $ty),*) -> wire::$req {
            wire::$req { context: Some(wire::RequestContext::default()), $($field: field!($mode, $arg),)* }
        }
    };
}

/// An argument as its request field: the inverse of the dispatch's decoding.
macro_rules! field {
    (decode, $arg:ident) => {
        IntoWire::into_wire($arg)
    };
    ($sub_message:ident, $arg:ident) => {
        Some(IntoWire::into_wire($arg))
    };
}

hook_table!(define_request_builders);
