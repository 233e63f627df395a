//! Server-side operations that trigger hooks, as on a real server: creating a post runs
//! `MessageWillBePosted` then `MessageHasBeenPosted`, joining a channel runs
//! `UserHasJoinedChannel`, running a slash command runs `ExecuteCommand`, and so on.
//!
//! "Will be" hooks run in registration order before the change and may replace or reject it;
//! "has been" hooks run in the background after it (as the server runs them in goroutines);
//! [`Host::settle`](crate::Host::settle) waits for them.

mod commands;
mod config;
mod files;
mod hook_caller;
mod membership;
mod netrpc_hooks;
mod posts;
mod shared_channels;
mod tracker;

use std::future::Future;

pub use hook_caller::{
    GrpcHooks, HOOK_TIMEOUT, HookCallError, HookCallErrorKind, HookCaller, HookLink, HookTransport,
    NetRpcHooks,
};
pub(crate) use hook_caller::{Verdict, app_error, failed_call};
use mm_hooks::HookRequest;
/// The reason `MessageWillBePosted` answers to drop a post silently.
pub use mm_proto::protocol::DISMISS_POST_REASON;
pub(crate) use tracker::Tracker;

use crate::Host;

impl Host {
    /// Runs `hook` for every running plugin in the background, counted by [`Host::settle`].
    pub(crate) fn after_each<F, Fut>(&self, hook: F)
    where
        F: Fn(HookCaller) -> Fut,
        Fut: Future<Output = ()> + Send + 'static,
    {
        for plugin in self.plugins() {
            self.inner.tracker.spawn(hook(plugin));
        }
    }

    /// Calls a "has been" hook on every running plugin in the background (the plugins that
    /// did not list it get no call), counted by [`Host::settle`].
    pub(crate) fn notify_each<R: HookRequest + Clone>(&self, request: R) {
        for plugin in self.plugins() {
            let request = request.clone();
            self.inner.tracker.spawn(async move { plugin.notify(request).await });
        }
    }
}
