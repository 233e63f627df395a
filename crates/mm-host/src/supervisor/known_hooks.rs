//! The hook names of the protocol, read from the compiled schema so they cannot drift.

use std::collections::BTreeSet;
use std::sync::OnceLock;

use mm_proto::prost::Message;
use mm_proto::prost_types::FileDescriptorSet;

/// A hook of the Go plugin interface without an RPC: the server answers its metrics endpoint
/// with HTTP 501 when a gRPC plugin lists it, so the name is kept for the host to see.
const SERVE_METRICS: &str = "ServeMetrics";

/// The 41 hook RPC names of `PluginHooks` (everything but `Implemented`) and `ServeMetrics`.
pub(crate) fn known_hooks() -> &'static BTreeSet<String> {
    static HOOKS: OnceLock<BTreeSet<String>> = OnceLock::new();
    HOOKS.get_or_init(|| {
        // The descriptor set is compiled into mm-proto by its build script; decoding it
        // cannot fail unless the build is broken, and then the set is just empty.
        let set = FileDescriptorSet::decode(mm_proto::FILE_DESCRIPTOR_SET).unwrap_or_default();
        set.file
            .iter()
            .filter(|file| file.package() == mm_proto::PACKAGE)
            .flat_map(|file| &file.service)
            .filter(|service| service.name() == "PluginHooks")
            .flat_map(|service| &service.method)
            .map(|method| method.name().to_owned())
            .filter(|name| name != "Implemented")
            .chain([SERVE_METRICS.to_owned()])
            .collect()
    })
}

/// Splits an `Implemented` answer into known hooks and ignored names.
pub(crate) fn split_known(names: Vec<String>) -> (Vec<String>, Vec<String>) {
    let known = known_hooks();
    let (mut hooks, unknown): (Vec<String>, Vec<String>) = names.into_iter().partition(|n| known.contains(n));
    hooks.sort();
    hooks.dedup();
    (hooks, unknown)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_schema_has_41_hooks() {
        let hooks = known_hooks();
        assert_eq!(hooks.len(), 41 + 1, "{hooks:?}");
        for name in ["OnActivate", "OnDeactivate", "MessageWillBePosted", "ServeHTTP", "ExecuteCommand"] {
            assert!(hooks.contains(name), "{name}");
        }
    }

    #[test]
    fn unknown_names_are_split_off() {
        let (hooks, unknown) = split_known(vec![
            "ServeHTTP".into(),
            "OnActivate".into(),
            "ServeMetrics".into(),
            "OnActivate".into(),
            "Implemented".into(),
            "OnSomethingNew".into(),
        ]);
        assert_eq!(hooks, ["OnActivate", "ServeHTTP", "ServeMetrics"]);
        assert_eq!(unknown, ["Implemented", "OnSomethingNew"]);
    }
}
