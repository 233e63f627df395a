//! The hook names a server knows, from mm-hooks' hook table, so they cannot drift.

use mm_hooks::{Hook, Protocol};

/// Whether a server speaking `protocol` knows `hook`: the hooks it calls over that protocol,
/// and `ServeMetrics` over gRPC too (the server's Go interface has it, and answers its metrics
/// endpoint with HTTP 501 when a gRPC plugin lists it), so the name is kept for the host to see.
fn is_known(hook: Hook, protocol: Protocol) -> bool {
    hook.is_on(protocol) || hook == Hook::ServeMetrics
}

/// Splits an `Implemented` answer into known hooks (without repeats, sorted by name) and ignored
/// names.
pub(crate) fn split_known(names: Vec<String>, protocol: Protocol) -> (Vec<Hook>, Vec<String>) {
    let mut hooks = Vec::new();
    let mut unknown = Vec::new();
    for name in names {
        match Hook::from_rpc_name(&name).filter(|hook| is_known(*hook, protocol)) {
            Some(hook) => hooks.push(hook),
            None => unknown.push(name),
        }
    }
    hooks.sort_by_key(|hook| hook.rpc_name());
    hooks.dedup();
    (hooks, unknown)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_grpc_server_knows_the_41_hooks_of_its_contract_and_serve_metrics() {
        let known: Vec<Hook> = Hook::ALL.iter().copied().filter(|h| is_known(*h, Protocol::Grpc)).collect();
        assert_eq!(known.len(), 41 + 1, "{known:?}");
        for hook in [Hook::OnActivate, Hook::OnDeactivate, Hook::MessageWillBePosted, Hook::ServeHttp] {
            assert!(known.contains(&hook), "{hook}");
        }
        assert!(!is_known(Hook::ChannelWillBeArchived, Protocol::Grpc));
        assert_eq!(Hook::ALL.iter().filter(|h| is_known(**h, Protocol::NetRpc)).count(), 51);
    }

    #[test]
    fn unknown_names_are_split_off() {
        let (hooks, unknown) = split_known(
            vec![
                "ServeHTTP".into(),
                "OnActivate".into(),
                "ServeMetrics".into(),
                "OnActivate".into(),
                "Implemented".into(),
                "OnSomethingNew".into(),
                "ChannelWillBeArchived".into(),
            ],
            Protocol::Grpc,
        );
        assert_eq!(hooks, [Hook::OnActivate, Hook::ServeHttp, Hook::ServeMetrics]);
        assert_eq!(unknown, ["Implemented", "OnSomethingNew", "ChannelWillBeArchived"]);
        let (hooks, _) = split_known(vec!["ChannelWillBeArchived".into()], Protocol::NetRpc);
        assert_eq!(hooks, [Hook::ChannelWillBeArchived]);
    }
}
