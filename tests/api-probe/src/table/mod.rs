//! The probe's table: one entry per Go method of the stock `plugin.API`, each a call through
//! the SDK's typed client with non-zero arguments, reporting the arguments in Go's order and
//! Mattermost JSON, and what the SDK decoded.
//!
//! An entry is `e("GoName", |c, v| ...)`: `c` is the client, `v` gives distinctive argument
//! values derived from the method name. The closure builds the arguments, lists them with
//! `args!` and hands the call to [`one`] (one Go result), [`unit()`] (no Go result but the
//! error) or [`with`] (results converted by hand).

use std::future::Future;
use std::pin::Pin;

use mattermost_plugin::client::Result;
use mattermost_plugin::prelude::Client;
use mattermost_plugin::serde::Serialize;
use mattermost_plugin::serde_json::Value;
use mattermost_plugin::types::Id;

use crate::report::{error_form, j};

/// Lists the reported arguments: each expression's Mattermost JSON ([`j`]).
macro_rules! args {
    ($($arg:expr),* $(,)?) => {
        vec![$($crate::report::j(&$arg)),*]
    };
}

mod access_control;
mod bots;
mod channels;
mod commands;
mod config;
mod files;
mod groups;
mod kv;
mod logging;
mod misc;
mod plugins;
mod posts;
mod properties;
mod shared_channels;
mod system;
mod teams;
mod users;

/// What one call sent and got.
#[derive(Debug)]
pub(crate) struct Outcome {
    /// One value per Go parameter, Go order.
    pub(crate) args: Vec<Value>,
    /// One value per Go result but the final error.
    pub(crate) result: Vec<Value>,
    /// The error's report form, or `None`.
    pub(crate) error: Option<Value>,
}

/// A call in flight.
pub(crate) type Pending = Pin<Box<dyn Future<Output = Outcome> + Send>>;

/// One method of the table.
#[derive(Debug)]
pub(crate) struct Entry {
    /// The Go method name (`"GetUser"`).
    pub(crate) name: &'static str,
    /// Makes the call.
    pub(crate) call: fn(&Client, Vals) -> Pending,
}

/// An entry.
pub(crate) fn e(name: &'static str, call: fn(&Client, Vals) -> Pending) -> Entry {
    Entry { name, call }
}

/// Every entry, group by group.
pub(crate) fn all() -> Vec<Entry> {
    [
        users::entries(),
        teams::entries(),
        channels::entries(),
        posts::entries(),
        kv::entries(),
        config::entries(),
        plugins::entries(),
        logging::entries(),
        files::entries(),
        bots::entries(),
        system::entries(),
        commands::entries(),
        groups::entries(),
        shared_channels::entries(),
        properties::entries(),
        misc::entries(),
        access_control::entries(),
    ]
    .into_iter()
    .flatten()
    .collect()
}

/// Distinctive, non-zero argument values for one method: an argument the harness finds in
/// the recorded call can only have come from this entry.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Vals {
    name: &'static str,
}

impl Vals {
    pub(crate) fn new(name: &'static str) -> Self {
        Vals { name }
    }

    /// A 26-character id (Mattermost's format): the method name in lower case and the
    /// argument number, repeated.
    pub(crate) fn id<M>(self, n: usize) -> Id<M> {
        Id::from_raw(self.raw_id(n))
    }

    /// The text of [`id`](Vals::id).
    pub(crate) fn raw_id(self, n: usize) -> String {
        let seed: String = self
            .name
            .chars()
            .filter(char::is_ascii_alphanumeric)
            .map(|c| c.to_ascii_lowercase())
            .chain(char::from_digit(n as u32 % 10, 10))
            .collect();
        seed.chars().cycle().take(26).collect()
    }

    /// Free text naming the method and the value: `"GetUserByEmail/<what>"`.
    pub(crate) fn text(self, what: &str) -> String {
        format!("{}/{what}", self.name)
    }

    /// An e-mail address naming the method.
    pub(crate) fn email(self) -> String {
        format!("{}@probe.example.com", self.name.to_ascii_lowercase())
    }

    /// A non-zero number for this method (a stable hash of the name, 1..=9_999).
    pub(crate) fn number(self, n: u32) -> i64 {
        let hash =
            self.name.bytes().fold(2_166_136_261u32, |h, b| (h ^ u32::from(b)).wrapping_mul(16_777_619));
        i64::from(hash.wrapping_add(n.wrapping_mul(7_919)) % 9_999 + 1)
    }
}

/// A Go method with one result (and maybe an error): the SDK's value, as Mattermost JSON.
pub(crate) fn one<T: Serialize + Send + 'static>(
    args: Vec<Value>,
    call: impl Future<Output = Result<T>> + Send + 'static,
) -> Pending {
    with(args, call, |value| vec![j(&value)])
}

/// A Go method with no result but its error.
pub(crate) fn unit(args: Vec<Value>, call: impl Future<Output = Result<()>> + Send + 'static) -> Pending {
    with(args, call, |()| Vec::new())
}

/// A Go method whose results the entry converts: `results` maps the SDK's value to one JSON
/// value per Go result (but the error). On an error every result is null.
pub(crate) fn with<T: Send + 'static>(
    args: Vec<Value>,
    call: impl Future<Output = Result<T>> + Send + 'static,
    results: impl FnOnce(T) -> Vec<Value> + Send + 'static,
) -> Pending {
    Box::pin(async move {
        match call.await {
            Ok(value) => Outcome { args, result: results(value), error: None },
            Err(error) => Outcome { args, result: Vec::new(), error: Some(error_form(&error)) },
        }
    })
}

/// An entry that could not build its arguments: a probe failure in the report, no call.
pub(crate) fn failed(args: Vec<Value>, why: impl std::fmt::Display) -> Pending {
    let error = mattermost_plugin::serde_json::json!({ "kind": "probe_failure", "message": why.to_string() });
    Box::pin(std::future::ready(Outcome { args, result: Vec::new(), error: Some(error) }))
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use mattermost_plugin::types::UserId;

    use super::*;

    #[test]
    fn values_are_distinct_non_zero_and_ids_have_mattermosts_length() {
        let v = Vals::new("GetUser");
        let ids: BTreeSet<String> = (0..10).map(|n| v.raw_id(n)).collect();
        assert_eq!(ids.len(), 10);
        assert!(ids.iter().all(|id| id.len() == 26 && id.chars().all(|c| c.is_ascii_alphanumeric())));
        let id: UserId = v.id(0);
        assert_eq!(id.as_str(), "getuser0getuser0getuser0ge");
        assert_ne!(Vals::new("GetTeam").raw_id(0), v.raw_id(0));
        assert!((0..50).all(|n| (1..=9_999).contains(&v.number(n))));
        assert_eq!(v.text("email"), "GetUser/email");
    }

    #[test]
    fn the_table_names_each_go_method_once() {
        let names: Vec<&str> = all().iter().map(|e| e.name).collect();
        let unique: BTreeSet<&str> = names.iter().copied().collect();
        assert_eq!(names.len(), unique.len(), "a method has two entries");
        let signatures = crate::probe::signatures();
        let unknown: Vec<&&str> = unique.iter().filter(|n| !signatures.contains_key(**n)).collect();
        assert!(unknown.is_empty(), "entries for methods the stock plugin.API does not have: {unknown:?}");
    }
}
