//! `hello`: a small Mattermost plugin that shows the everyday hooks.
//!
//! - `OnActivate` logs the server version and registers the `/hello` slash command;
//! - `MessageWillBePosted` replaces the banned word [`BANNED_WORD`] with asterisks;
//! - `/hello [name]` greets and counts greetings in the KV store (key [`COUNTER_KEY`]);
//! - `GET /plugins/com.example.hello/hello` answers JSON with the greeting count; the routes
//!   are an axum `Router` handed over once ([`plugin`]); it names the plugin and its version
//!   from the `plugin.json` built into the binary.

use mattermost_plugin::axum::routing::get;
use mattermost_plugin::axum::{Extension, Json, Router};
use mattermost_plugin::prelude::*;
use mattermost_plugin::serde_json::{Value, json};
use mattermost_plugin::tracing;

/// The plugin id in this example's `plugin.json`.
pub const PLUGIN_ID: &str = "com.example.hello";
/// The word the plugin filters out of posts.
pub const BANNED_WORD: &str = "darn";
/// The KV key of the greeting counter.
pub const COUNTER_KEY: &str = "greetings";

/// The plugin with its HTTP routes: what `main` runs.
pub fn plugin() -> impl Plugin {
    Hello.with_http(routes())
}

/// The plugin's hooks. It keeps no state of its own: the count lives in the KV store, so every
/// instance of a cluster sees the same number.
#[derive(Debug, Default, Clone, Copy)]
pub struct Hello;

#[mattermost_plugin::plugin]
impl Plugin for Hello {
    async fn on_activate(&self, cx: &Context) -> Result<(), HookError> {
        let version = cx.client().system().server_version().await?;
        tracing::info!(server_version = %version, "hello is active on Mattermost {version}");
        let command = Command::new("hello")
            .with_display_name("Hello")
            .with_description("Says hello from Rust")
            .with_auto_complete("Say hello", "[name]");
        cx.client().commands().register(command).await?;
        Ok(())
    }

    async fn message_will_be_posted(&self, _cx: &Context, mut post: Post) -> PostDecision {
        match filter(&post.message) {
            Some(filtered) => {
                tracing::info!(post_user = %post.user_id, "filtered a banned word");
                post.message = filtered;
                PostDecision::Replace(post)
            }
            None => PostDecision::Allow,
        }
    }

    async fn execute_command(&self, cx: &Context, args: CommandArgs) -> Result<CommandResponse, HookError> {
        let name = args.words().next().map(str::to_owned).unwrap_or_else(|| "world".to_owned());
        let count = count_greeting(cx.client()).await?;
        Ok(CommandResponse::ephemeral(format!("Hello, {name}! (greeting #{count} from Rust)")))
    }
}

/// The plugin's HTTP routes, under `/plugins/com.example.hello/`. Built once; each request
/// finds the PluginAPI client in its extensions.
pub fn routes() -> Router {
    Router::new().route("/hello", get(hello_route))
}

/// The greeting count, and who answers: the id and version come from the `plugin.json` built
/// into the plugin, so they are known on every server.
async fn hello_route(Extension(cx): Extension<Context>) -> Json<Value> {
    let plugin = cx.plugin_id();
    let version = cx.manifest().map(|manifest| manifest.version.as_str());
    match cx.client().kv().json().get::<u64>(COUNTER_KEY).await {
        Ok(count) => Json(
            json!({ "message": "Hello from Rust", "greetings": count.unwrap_or(0), "plugin": plugin, "version": version }),
        ),
        Err(error) => Json(json!({ "message": "Hello from Rust", "error": error.to_string() })),
    }
}

/// Adds one to the greeting counter, atomically, and returns the new count.
async fn count_greeting(client: &Client) -> Result<u64, HookError> {
    let stored =
        client.kv().json().modify::<u64, _>(COUNTER_KEY, |count| Some(count.unwrap_or(0) + 1)).await?;
    Ok(stored.unwrap_or(0))
}

/// The message with every [`BANNED_WORD`] (in any ASCII case) replaced by asterisks, or
/// `None` when it has none.
pub fn filter(message: &str) -> Option<String> {
    // ASCII lowercasing keeps every byte offset, so matches index the original message.
    let lower = message.to_ascii_lowercase();
    if !lower.contains(BANNED_WORD) {
        return None;
    }
    let mut out = String::with_capacity(message.len());
    let mut rest = 0;
    for (start, _) in lower.match_indices(BANNED_WORD) {
        out.push_str(&message[rest..start]);
        out.push_str(&"*".repeat(BANNED_WORD.len()));
        rest = start + BANNED_WORD.len();
    }
    out.push_str(&message[rest..]);
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::filter;

    #[test]
    fn filters_the_banned_word_in_any_case() {
        assert_eq!(filter("well darn it"), Some("well **** it".to_owned()));
        assert_eq!(filter("DARN and Darn"), Some("**** and ****".to_owned()));
        assert_eq!(filter("all good"), None);
        assert_eq!(filter("ünïcode darn ü"), Some("ünïcode **** ü".to_owned()));
    }
}
