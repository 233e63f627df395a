//! The PluginAPI, method group by method group.
//!
//! Each group is a small borrowed view of a [`Client`](crate::Client), returned by a method
//! of the client (`client.users()`, `client.kv()`, ...), and generic over the client's
//! [`Mode`](crate::Mode): the same method returns an awaitable [`ApiCall`](crate::ApiCall) on
//! the async client and a [`Result`](crate::Result) on the blocking one. Groups follow the
//! proto files of the contract (`proto/mattermost/pluginapi/v1/<group>.proto`).
//!
//! RPCs with many optional parameters are builders finished with `.send()`; on the async
//! client a builder can also be awaited directly:
//!
//! ```no_run
//! # async fn demo(client: mm_client::Client, team: mm_types::TeamId) -> mm_client::Result<()> {
//! let admins = client.users().list().in_team(&team).role(&mm_types::Role::SYSTEM_ADMIN).page(mm_types::Page::first(50)).await?;
//! # Ok(()) }
//! ```
//!
//! # Adding a group
//!
//! 1. Create `src/api/<group>.rs` with a view struct holding `&'a ApiClient<M>` and an
//!    `impl<M: Mode> ApiClient<M>` block with its accessor (`pub fn users(&self) -> Users<'_, M>`).
//! 2. One method per RPC. Build the wire request from domain arguments (ids as `&UserId`,
//!    entities by value, `IntoWire` for domain -> wire) and call
//!    `self.client.call(wire::NameRequest { .. }, |response| ...)`: the request's type names
//!    the RPC and its response type (the generated [`rpc`](crate::rpc) table), so the closure
//!    receives a `wire::NameResponse`. It converts the payload: `payload` for a required
//!    sub-message (missing is a malformed response), `from_wire` for repeated and scalar
//!    fields, `Ok(())` when there is none. `call` has already turned the response's `AppError`
//!    into an error.
//! 3. Document every method with the RPC it calls (`GetUser`) and what it returns.
//! 4. Add the group's entries to `tests/reach/<group>.rs` (each RPC called with distinctive
//!    arguments, and the request the server must receive) and list the file in
//!    `tests/it/reach_all_methods.rs`.
//! 5. Re-export the view (and builders) below.

/// Lets an async builder be awaited directly (`.await` instead of `.send().await`).
macro_rules! awaitable_builder {
    ($builder:ident, $output:ty) => {
        impl<'a> ::std::future::IntoFuture for $builder<'a, $crate::Async> {
            type Output = $crate::Result<$output>;
            type IntoFuture = $crate::ApiCall<$output>;

            fn into_future(self) -> Self::IntoFuture {
                self.send()
            }
        }
    };
}

/// Ids as the wire's strings.
pub(crate) fn ids<T>(ids: &[mm_types::Id<T>]) -> Vec<String> {
    ids.iter().map(|id| id.as_str().to_owned()).collect()
}

/// Strings, owned.
pub(crate) fn strings<S: AsRef<str>>(values: &[S]) -> Vec<String> {
    values.iter().map(|v| v.as_ref().to_owned()).collect()
}

/// An optional id as the wire's string (`""` for none).
pub(crate) fn opt_id<T>(id: Option<&mm_types::Id<T>>) -> String {
    id.map(|id| id.as_str().to_owned()).unwrap_or_default()
}

mod access_control;
mod bots;
mod channels;
mod commands;
mod config;
mod dialogs;
mod emoji;
mod files;
mod groups;
mod kv;
mod kv_json;
mod logging;
mod notifications;
mod oauth;
mod plugins;
mod posts;
mod preferences;
mod properties;
mod realtime;
mod shared_channels;
mod system;
mod teams;
mod users;

pub use access_control::AccessControl;
pub use bots::{Bots, GetBots};
pub use channels::Channels;
pub use commands::Commands;
pub use config::Config;
pub use dialogs::Dialogs;
pub use emoji::{EmojiImage, Emojis};
pub use files::{Files, GetFileInfos};
pub use groups::{GetGroups, Groups};
pub use kv::Kv;
pub use kv_json::{KvJson, MODIFY_ATTEMPTS};
pub use logging::Logs;
pub use notifications::Notifications;
pub use oauth::OAuthApps;
pub use plugins::Plugins;
pub use posts::Posts;
pub use preferences::Preferences;
pub use properties::{Properties, SearchPropertyFields, SearchPropertyValues};
pub use realtime::Realtime;
pub use shared_channels::SharedChannels;
pub use system::{RequestTrialLicense, System};
pub use teams::Teams;
pub use users::{GetUsers, SearchUsers, Users};
