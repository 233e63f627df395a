//! What a hook handler gets besides its arguments: who triggered it, its deadline and
//! cancellation, and the way to run blocking code.

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, Instant};

use mm_client::Client;
use mm_types::{Manifest, PluginContext, RequestContext};
use tokio_util::sync::CancellationToken;

use crate::error::HookError;
use crate::hook::Hook;

/// The context of one hook call.
///
/// ```
/// use mm_hooks::{Context, HookError};
/// async fn count_words(cx: &Context, text: String) -> Result<usize, HookError> {
///     tracing::info!(hook = %cx.hook(), "counting");
///     cx.client().kv().set("last_text", text.clone()).await?;
///     // CPU-heavy or blocking work goes to the blocking pool, not the async workers.
///     cx.spawn_blocking(move || text.split_whitespace().count()).await
/// }
/// ```
#[derive(Clone)]
pub struct Context {
    hook: Hook,
    client: Client,
    plugin_context: Option<PluginContext>,
    request_context: RequestContext,
    plugin_id: Option<Arc<str>>,
    manifest: Option<Arc<Manifest>>,
    deadline: Option<Instant>,
    cancellation: Cancellation,
}

impl Context {
    /// A context for calling a hook method directly, as unit tests of a plugin and in-process
    /// hosts do: no plugin context, no deadline, never cancelled.
    pub fn new(hook: Hook, client: Client) -> Self {
        Context {
            hook,
            client,
            plugin_context: None,
            request_context: RequestContext::default(),
            plugin_id: None,
            manifest: None,
            deadline: None,
            cancellation: Cancellation::new(),
        }
    }

    /// Sets the session and request that triggered the hook.
    pub fn with_plugin_context(mut self, plugin_context: PluginContext) -> Self {
        self.plugin_context = Some(plugin_context);
        self
    }

    /// Sets the plugin's id.
    pub fn with_plugin_id(mut self, plugin_id: impl Into<Arc<str>>) -> Self {
        self.plugin_id = Some(plugin_id.into());
        self
    }

    /// Sets the plugin's manifest.
    pub fn with_manifest(mut self, manifest: Arc<Manifest>) -> Self {
        self.manifest = Some(manifest);
        self
    }

    /// Sets the deadline.
    pub fn with_deadline(mut self, deadline: Instant) -> Self {
        self.deadline = Some(deadline);
        self
    }

    /// Sets the cancellation signal.
    pub fn with_cancellation(mut self, cancellation: Cancellation) -> Self {
        self.cancellation = cancellation;
        self
    }

    pub(crate) fn with_request_context(mut self, request_context: RequestContext) -> Self {
        self.request_context = request_context;
        self
    }

    /// The hook being called.
    pub fn hook(&self) -> Hook {
        self.hook
    }

    /// The client of the server's PluginAPI (cheap to clone; clones share the connection).
    pub fn client(&self) -> &Client {
        &self.client
    }

    /// A blocking twin of [`client`](Self::client) sharing its connection, for sync code run
    /// with [`spawn_blocking`](Self::spawn_blocking) (on the async workers its calls fail with
    /// `BlockingInAsync` instead of stalling them).
    ///
    /// ```no_run
    /// # async fn hook(cx: &mm_hooks::Context) -> Result<String, mm_hooks::HookError> {
    /// let api = cx.blocking_client()?;
    /// let version = cx.spawn_blocking(move || api.system().server_version()).await??;
    /// # Ok(version) }
    /// ```
    pub fn blocking_client(&self) -> Result<mm_client::blocking::Client, HookError> {
        Ok(self.client.to_blocking()?)
    }

    pub(crate) fn with_hook(mut self, hook: Hook) -> Self {
        self.hook = hook;
        self
    }

    /// The user session and request that triggered the hook, for hooks whose Go signature has
    /// a `*plugin.Context` (and the server filled it in).
    pub fn plugin_context(&self) -> Option<&PluginContext> {
        self.plugin_context.as_ref()
    }

    /// Field 1 of the hook request; the server leaves it empty today.
    pub fn request_context(&self) -> &RequestContext {
        &self.request_context
    }

    /// The plugin's id, when known: set with `RuntimeBuilder::plugin_id`, else sent by the
    /// server in the request context, else the id of the `plugin.json` the plugin was built
    /// with (see [`manifest`](Self::manifest)).
    pub fn plugin_id(&self) -> Option<&str> {
        self.plugin_id
            .as_deref()
            .or_else(|| Some(self.request_context.plugin_id.as_str()).filter(|id| !id.is_empty()))
            .or_else(|| self.manifest.as_deref().map(|manifest| manifest.id.as_str()))
    }

    /// The plugin's manifest as it was when the plugin compiled: `#[plugin]` embeds the
    /// `plugin.json` next to the crate's `Cargo.toml` (its id, name, version, minimum server
    /// version), as Go plugins embed theirs. `None` for a crate without one.
    pub fn manifest(&self) -> Option<&Manifest> {
        self.manifest.as_deref()
    }

    /// When the server stops waiting for this call (from its `grpc-timeout`; 30 s for most
    /// hooks, none for ServeHTTP).
    pub fn deadline(&self) -> Option<Instant> {
        self.deadline
    }

    /// The time left before the deadline (zero once it has passed).
    pub fn remaining(&self) -> Option<Duration> {
        self.deadline.map(|d| d.saturating_duration_since(Instant::now()))
    }

    /// The call's cancellation signal, to hand to blocking or spawned work.
    pub fn cancellation(&self) -> &Cancellation {
        &self.cancellation
    }

    /// Whether the call was cancelled (the server gave up, the deadline passed, or the plugin
    /// is shutting down).
    pub fn is_cancelled(&self) -> bool {
        self.cancellation.is_cancelled()
    }

    /// Completes when the call is cancelled.
    pub async fn cancelled(&self) {
        self.cancellation.cancelled().await;
    }

    /// Runs blocking or CPU-heavy code on the blocking thread pool and waits for its result,
    /// without stalling the async workers that serve other hooks.
    ///
    /// A panic in `work` becomes an error. The work is not stopped when the call is cancelled
    /// (threads cannot be interrupted); pass it [`cancellation`](Self::cancellation) to check.
    /// The work may use the [`blocking_client`](Self::blocking_client).
    pub async fn spawn_blocking<F, T>(&self, work: F) -> Result<T, HookError>
    where
        F: FnOnce() -> T + Send + 'static,
        T: Send + 'static,
    {
        mm_client::blocking::spawn_blocking(work).await.map_err(|e| match e.try_into_panic() {
            Ok(payload) => HookError::msg(format!("blocking task panicked: {}", panic_message(&*payload))),
            Err(e) => HookError::msg(format!("blocking task failed: {e}")),
        })
    }
}

impl fmt::Debug for Context {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Context")
            .field("hook", &self.hook)
            .field("plugin_context", &self.plugin_context)
            .field("plugin_id", &self.plugin_id())
            .field("deadline", &self.deadline)
            .field("cancelled", &self.is_cancelled())
            .finish()
    }
}

/// A cancellation signal: cheap to clone, can be checked from blocking code.
#[derive(Clone, Default)]
pub struct Cancellation {
    token: CancellationToken,
}

impl Cancellation {
    /// A signal that is not cancelled yet.
    pub fn new() -> Self {
        Cancellation::default()
    }

    /// Cancels it (and every signal derived from it).
    pub fn cancel(&self) {
        self.token.cancel();
    }

    /// Whether it was cancelled.
    pub fn is_cancelled(&self) -> bool {
        self.token.is_cancelled()
    }

    /// Completes when it is cancelled.
    pub async fn cancelled(&self) {
        self.token.cancelled().await;
    }

    /// A signal that is cancelled with this one, and can also be cancelled alone.
    pub(crate) fn child(&self) -> Cancellation {
        Cancellation { token: self.token.child_token() }
    }
}

impl fmt::Debug for Cancellation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Cancellation").field("cancelled", &self.is_cancelled()).finish()
    }
}

/// The text of a panic payload (`&str` or `String`), or a placeholder.
pub(crate) fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_owned()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "a panic with a non-string payload".to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A client that would connect on first use; these tests never call it.
    fn client() -> Client {
        Client::builder().target("127.0.0.1:9").unwrap().connect_lazy().unwrap()
    }

    #[tokio::test]
    async fn blocking_work_runs_and_its_panics_become_errors() {
        let cx = Context::new(Hook::ExecuteCommand, client());
        assert_eq!(cx.spawn_blocking(|| 2 + 2).await.unwrap(), 4);
        let err = cx.spawn_blocking(|| -> u8 { panic!("boom") }).await.unwrap_err();
        assert_eq!(err.to_string(), "blocking task panicked: boom");
    }

    #[tokio::test]
    async fn children_are_cancelled_with_their_parent() {
        let parent = Cancellation::new();
        let child = parent.child();
        let cx = Context::new(Hook::OnActivate, client()).with_cancellation(child.clone());
        assert!(!cx.is_cancelled());
        parent.cancel();
        cx.cancelled().await;
        assert!(child.is_cancelled());
    }

    #[tokio::test]
    async fn the_plugin_id_comes_from_the_runtime_the_request_or_the_built_in_manifest() {
        let cx = Context::new(Hook::OnActivate, client());
        assert_eq!(cx.plugin_id(), None);
        let built = Manifest { id: "com.example.built".into(), ..Default::default() };
        let cx = cx.with_manifest(Arc::new(built));
        assert_eq!(cx.plugin_id(), Some("com.example.built"));
        let from_request = cx.clone().with_request_context(RequestContext {
            plugin_id: "com.example.demo".into(),
            ..Default::default()
        });
        assert_eq!(from_request.plugin_id(), Some("com.example.demo"));
        assert_eq!(from_request.with_plugin_id("configured").plugin_id(), Some("configured"));
    }
}
