//! The names of the hooks, from the [hook table](crate::table): enum variant, Go / RPC name,
//! `Plugin` method name, and the protocols that have each hook.

use std::fmt;

pub use mm_proto::protocol::Protocol;

use crate::table::hook_table;

/// Writes the [`Hook`] enum and its name tables, and `__hook_variant!` for `#[plugin]`.
macro_rules! define_hooks {
    ($d:tt $({ $variant:ident, $rpc:literal, $on:ident, $method:ident, $args:tt, $out:tt, $default:tt, $docs:tt, $kind:tt })*) => {
        /// One of the hooks a plugin can implement: the 51 of a stock server's `plugin.Hooks`,
        /// 41 of which the gRPC contract also has.
        ///
        /// [`rpc_name`](Hook::rpc_name) is the exact name the server uses in `Implemented` and
        /// as the RPC method (`OnActivate`, `ServeHTTP`, ...); [`method_name`](Hook::method_name)
        /// is the [`Plugin`](crate::Plugin) method (`on_activate`, `serve_http`, ...);
        /// [`protocols`](Hook::protocols) says which servers call it.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[non_exhaustive]
        pub enum Hook {
            $(
                #[doc = concat!("`", $rpc, "` (`Plugin::", stringify!($method), "`).")]
                $variant,
            )*
        }

        impl Hook {
            /// Every hook: those of the gRPC contract in its order, then the stock-only ones in
            /// the order of `StockPluginHooks`.
            pub const ALL: &'static [Hook] = &[$(Hook::$variant),*];

            /// The Go method and RPC name, as listed in `Implemented`.
            pub const fn rpc_name(self) -> &'static str {
                match self {
                    $(Hook::$variant => $rpc,)*
                }
            }

            /// The name of the [`Plugin`](crate::Plugin) method that implements the hook.
            pub const fn method_name(self) -> &'static str {
                match self {
                    $(Hook::$variant => stringify!($method),)*
                }
            }

            /// The protocols on which servers call this hook: both for the hooks of the gRPC
            /// contract, [`Protocol::NetRpc`] alone for the stock-only ones.
            pub const fn protocols(self) -> &'static [Protocol] {
                match self {
                    $(Hook::$variant => protocols!($on),)*
                }
            }
        }

        method_lookup!($d $($method => $variant),*);
    };
}

macro_rules! protocols {
    (both) => {
        &[Protocol::Grpc, Protocol::NetRpc]
    };
    (stock) => {
        &[Protocol::NetRpc]
    };
}

/// Writes `__hook_variant!(method)`, which `#[plugin]` expands once per method of an impl: the
/// method's [`Hook`] variant, or a compile error naming the valid methods. `$d` is a `$`, for
/// the inner macro's own metavariables.
macro_rules! method_lookup {
    ($d:tt $first:ident => $first_variant:ident $(, $method:ident => $variant:ident)*) => {
        /// The [`Hook`] of a `Plugin` method name, or a compile error listing the valid names.
        /// Used by `#[plugin]`; not public API.
        #[doc(hidden)]
        #[macro_export]
        macro_rules! __hook_variant {
            ($first) => { $d crate::Hook::$first_variant };
            $(($method) => { $d crate::Hook::$variant };)*
            ($d other:ident) => {
                ::core::compile_error!(::core::concat!(
                    "`", ::core::stringify!($d other), "` is not a Mattermost plugin hook. Valid hooks are: ",
                    ::core::stringify!($first) $(, ", ", ::core::stringify!($method))*
                ))
            };
        }
    };
}

hook_table!(define_hooks, $);

impl Hook {
    /// The hook with this Go / RPC name (`"OnActivate"`), if there is one.
    pub fn from_rpc_name(name: &str) -> Option<Hook> {
        Hook::ALL.iter().copied().find(|h| h.rpc_name() == name)
    }

    /// The hook implemented by the [`Plugin`](crate::Plugin) method of this name.
    pub fn from_method_name(name: &str) -> Option<Hook> {
        Hook::ALL.iter().copied().find(|h| h.method_name() == name)
    }

    /// Whether servers speaking `protocol` call this hook.
    pub fn is_on(self, protocol: Protocol) -> bool {
        self.protocols().contains(&protocol)
    }

    /// The hooks servers speaking `protocol` call, in the order of [`ALL`](Hook::ALL).
    pub fn all_on(protocol: Protocol) -> impl Iterator<Item = Hook> {
        Hook::ALL.iter().copied().filter(move |h| h.is_on(protocol))
    }

    /// The `AppError` id the runtime reports when this hook fails without an `AppError` of its
    /// own: `plugin.<method_name>.error`, such as `plugin.on_activate.error`.
    pub fn error_id(self) -> String {
        format!("plugin.{}.error", self.method_name())
    }
}

impl fmt::Display for Hook {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.rpc_name())
    }
}

/// The RPC name, so a [`Hook`] goes where hook names are expected.
impl AsRef<str> for Hook {
    fn as_ref(&self) -> &str {
        self.rpc_name()
    }
}

/// Compares with an RPC name: `Hook::ServeHttp == *"ServeHTTP"`.
impl PartialEq<str> for Hook {
    fn eq(&self, other: &str) -> bool {
        self.rpc_name() == other
    }
}

#[cfg(test)]
mod tests {
    use mm_proto::prost::Message;
    use mm_proto::prost_types::FileDescriptorSet;

    use super::*;

    /// The RPC names of a service of the compiled contract, in order, without `Implemented`.
    fn service_rpcs(service: &str) -> Vec<String> {
        let set = FileDescriptorSet::decode(mm_proto::FILE_DESCRIPTOR_SET).expect("descriptor set");
        let service = set
            .file
            .iter()
            .filter(|f| f.package() == mm_proto::PACKAGE)
            .flat_map(|f| &f.service)
            .find(|s| s.name() == service)
            .unwrap_or_else(|| panic!("{service} in the descriptor set"));
        service.method.iter().map(|m| m.name().to_owned()).filter(|n| n != "Implemented").collect()
    }

    /// The table is the contract's `PluginHooks` (minus `Implemented`) for gRPC, and that plus
    /// `StockPluginHooks` for stock servers, in the services' order.
    #[test]
    fn the_table_is_the_two_hook_services_in_order() {
        let grpc: Vec<&str> = Hook::all_on(Protocol::Grpc).map(Hook::rpc_name).collect();
        assert_eq!(grpc, service_rpcs("PluginHooks"));
        assert_eq!(grpc.len(), 41);
        let stock_only: Vec<&str> =
            Hook::ALL.iter().filter(|h| !h.is_on(Protocol::Grpc)).map(|h| h.rpc_name()).collect();
        assert_eq!(stock_only, service_rpcs("StockPluginHooks"));
        assert_eq!(stock_only.len(), 10);
        assert_eq!(Hook::all_on(Protocol::NetRpc).count(), 51);
        assert_eq!(Hook::ALL.len(), 51);
    }

    /// The stock hooks are the `hooks` of the stock plugin surface (Go's `plugin.Hooks` at the
    /// pinned server/public version), minus `Implemented`.
    #[test]
    fn the_table_has_every_go_hook_of_the_stock_surface() {
        let surface: serde_json::Value =
            serde_json::from_str(include_str!("../../mm-proto/stock/surface.json")).expect("surface.json");
        let mut go: Vec<&str> = surface["hooks"]
            .as_array()
            .expect("a hooks array")
            .iter()
            .map(|h| h["name"].as_str().expect("a name"))
            .filter(|name| *name != "Implemented")
            .collect();
        go.sort_unstable();
        let mut ours: Vec<&str> = Hook::all_on(Protocol::NetRpc).map(Hook::rpc_name).collect();
        ours.sort_unstable();
        assert_eq!(ours, go);
    }

    #[test]
    fn names_round_trip_and_error_ids_follow_the_method() {
        for hook in Hook::ALL {
            assert_eq!(Hook::from_rpc_name(hook.rpc_name()), Some(*hook));
            assert_eq!(Hook::from_method_name(hook.method_name()), Some(*hook));
        }
        assert_eq!(Hook::from_rpc_name("Implemented"), None);
        assert_eq!(Hook::from_rpc_name("ServeMetrics"), Some(Hook::ServeMetrics));
        assert!(!Hook::ServeMetrics.is_on(Protocol::Grpc) && Hook::ServeMetrics.is_on(Protocol::NetRpc));
        assert_eq!(Hook::OnActivate.error_id(), "plugin.on_activate.error");
        assert_eq!(Hook::OnSamlLogin.rpc_name(), "OnSAMLLogin");
        assert!(Hook::ServeHttp == *"ServeHTTP" && Hook::ServeHttp.as_ref() == "ServeHTTP");
    }

    #[test]
    fn the_method_lookup_gives_the_variant() {
        assert_eq!(__hook_variant!(on_activate), Hook::OnActivate);
        assert_eq!(__hook_variant!(serve_metrics), Hook::ServeMetrics);
        assert_eq!(__hook_variant!(on_saml_login), Hook::OnSamlLogin);
    }
}
