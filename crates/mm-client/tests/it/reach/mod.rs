//! The harness of the reach test: call, then compare what the server received.

#![allow(dead_code)]

pub mod bots;
pub mod channels;
pub mod commands;
pub mod config;
pub mod dialogs;
pub mod emoji;
pub mod files;
pub mod fixtures;
pub mod groups;
pub mod kv;
pub mod logging;
pub mod notifications;
pub mod oauth;
pub mod plugins;
pub mod posts;
pub mod preferences;
pub mod properties;
pub mod realtime;
pub mod shared_channels;
pub mod system;
pub mod teams;
pub mod users;

pub use fixtures as fx;

use std::collections::BTreeSet;
use std::fmt::Debug;
use std::future::IntoFuture;

use mm_client::Client;
use prost::Message;

use crate::support::ApiServer;

pub struct Reach {
    pub server: ApiServer,
    pub client: Client,
    reached: BTreeSet<String>,
}

impl Reach {
    pub fn new(server: ApiServer, client: Client) -> Self {
        Reach { server, client, reached: BTreeSet::new() }
    }

    pub fn reached(&self) -> &BTreeSet<String> {
        &self.reached
    }

    /// Runs `call`, which must send exactly one `rpc` request, and checks that the server
    /// received `expected`. Returns the call's result for further checks.
    pub async fn check<Req, T>(
        &mut self,
        rpc: &str,
        call: impl IntoFuture<Output = mm_client::Result<T>>,
        expected: Req,
    ) -> T
    where
        Req: Message + Default + PartialEq + Debug,
    {
        let type_name = std::any::type_name::<Req>();
        assert!(
            type_name.ends_with(&format!("::{}Request", prost_name(rpc))),
            "{rpc}: the expected request is a {type_name}"
        );
        let before = self.server.calls(rpc).len();
        let result = call.await.unwrap_or_else(|e| panic!("{rpc} failed: {e} ({e:?})"));
        let calls = self.server.calls(rpc);
        assert_eq!(calls.len(), before + 1, "{rpc} must be sent exactly once");
        let received = Req::decode(calls.last().unwrap().body.clone()).expect("request decodes");
        assert_eq!(received, expected, "{rpc}: the server did not receive the expected request");
        self.reached.insert(rpc.to_string());
        result
    }
}

/// The name prost gives a message (`KVSet` -> `KvSet`, `GetLDAPUserAttributes` ->
/// `GetLdapUserAttributes`).
fn prost_name(name: &str) -> String {
    let chars: Vec<char> = name.chars().collect();
    let mut words: Vec<String> = Vec::new();
    let mut current = String::new();
    for (i, &c) in chars.iter().enumerate() {
        let prev = i.checked_sub(1).map(|p| chars[p]);
        let next = chars.get(i + 1).copied();
        let boundary = c.is_uppercase()
            && prev.is_some_and(|p| {
                p.is_lowercase()
                    || p.is_ascii_digit()
                    || (p.is_uppercase() && next.is_some_and(|n| n.is_lowercase()))
            });
        if boundary && !current.is_empty() {
            words.push(std::mem::take(&mut current));
        }
        current.push(c);
    }
    words.push(current);
    words
        .iter()
        .map(|w| {
            let mut cs = w.chars();
            let first = cs.next().map(|c| c.to_ascii_uppercase()).unwrap_or_default();
            std::iter::once(first).chain(cs.flat_map(|c| c.to_lowercase())).collect::<String>()
        })
        .collect()
}

/// An id whose text says what it is, so a swapped argument shows in the diff.
pub fn id<M>(text: &str) -> mm_types::Id<M> {
    mm_types::Id::from_raw(text)
}

#[test]
fn prost_names_match_the_generated_types() {
    assert_eq!(prost_name("KVSet"), "KvSet");
    assert_eq!(prost_name("GetLDAPUserAttributes"), "GetLdapUserAttributes");
    assert_eq!(prost_name("SetUserStatusTimedDND"), "SetUserStatusTimedDnd");
    assert_eq!(prost_name("GetPluginID"), "GetPluginId");
    assert_eq!(prost_name("CreateOAuthApp"), "CreateOAuthApp");
    assert_eq!(prost_name("GetUser"), "GetUser");
}
