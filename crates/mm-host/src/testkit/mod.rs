//! Test plugins end to end without a Mattermost server.
//!
//! [`TestHost::start`] starts a [`Host`] with a seeded team (`test`), channels (Town Square,
//! Off-Topic) and users (`admin`, `alice`, `bob`). Put plugins on it, fire events as users
//! (`create_post`, `execute_command`, `join_channel`...), call HTTP routes, and assert on the
//! store (`posts_in_channel`, `kv_get`, `logs`...). Every event method returns once the event
//! and all the hooks it caused (and whatever the plugins did from them) have finished.
//!
//! ```
//! use mm_hooks::{Context, HookError, Plugin, PostDecision};
//! use mm_host::testkit::TestHost;
//! use mm_types::{CommandArgs, CommandResponse, Post};
//!
//! /// Replaces a banned word and answers `/hello`.
//! struct Polite;
//!
//! #[mm_hooks::plugin]
//! impl Plugin for Polite {
//!     async fn on_activate(&self, cx: &Context) -> Result<(), HookError> {
//!         cx.client().commands().register(mm_types::Command::new("hello")).await?;
//!         Ok(())
//!     }
//!
//!     async fn message_will_be_posted(&self, _cx: &Context, post: Post) -> PostDecision {
//!         match post.message.contains("darn") {
//!             true => PostDecision::Replace(Post { message: post.message.replace("darn", "****"), ..post }),
//!             false => PostDecision::Allow,
//!         }
//!     }
//!
//!     async fn execute_command(&self, _cx: &Context, args: CommandArgs) -> Result<CommandResponse, HookError> {
//!         Ok(CommandResponse::ephemeral(format!("Hello, {}!", args.text())))
//!     }
//! }
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let host = TestHost::start().await?;
//! host.start_plugin("com.example.polite", Polite).await?;
//! let alice = host.alice().id.clone();
//! let town_square = host.town_square().id.clone();
//!
//! let post = host.create_post(&alice, &town_square, "well darn").await?;
//! assert_eq!(post.message, "well ****");
//!
//! let reply = host.execute_command(&alice, &town_square, "/hello world").await?;
//! assert_eq!(reply.text, "Hello, world!");
//! assert_eq!(host.ephemeral_posts(&alice).len(), 1);
//!
//! let ping = host.http_get("/api/v4/system/ping").await?;
//! assert_eq!(ping.status, 200);
//! host.shutdown().await;
//! # Ok(())
//! # }
//! ```

mod http;
mod plugins;

use bytes::Bytes;
use mm_types::{
    AppError, Channel, ChannelId, ChannelMember, CommandArgs, CommandResponse, Post, PostId, Reaction,
    TeamId, TeamMember, User, UserId,
};

pub use self::http::{HttpCall, HttpResponse};

/// A logged-in session, from [`TestHost::login`].
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Login {
    /// The session token.
    pub token: String,
    /// The session's CSRF token, for `X-CSRF-Token`.
    pub csrf: String,
}
use crate::store::LogEntry;
use crate::supervisor::{PluginConnection, PluginSpec};
use crate::{HookCaller, Host, HostError};

/// A host for tests: seeded, with its HTTP front on a free loopback port, shut down when dropped.
#[derive(Debug)]
pub struct TestHost {
    host: Host,
    plugins: plugins::Started,
}

impl TestHost {
    /// Starts a seeded host.
    pub async fn start() -> Result<TestHost, HostError> {
        Ok(TestHost { host: Host::start().await?, plugins: plugins::Started::default() })
    }

    /// Wraps a host started with custom settings ([`Host::builder`]).
    pub fn from_host(host: Host) -> TestHost {
        TestHost { host, plugins: plugins::Started::default() }
    }

    /// The host (for operations the test kit does not wrap).
    pub fn host(&self) -> &Host {
        &self.host
    }

    /// The seeded system administrator (`admin`).
    pub fn admin(&self) -> &User {
        &self.host.seed().admin
    }

    /// The seeded user `alice`.
    pub fn alice(&self) -> &User {
        &self.host.seed().alice
    }

    /// The seeded user `bob`.
    pub fn bob(&self) -> &User {
        &self.host.seed().bob
    }

    /// The seeded team (`test`).
    pub fn team(&self) -> &mm_types::Team {
        &self.host.seed().team
    }

    /// The seeded team's Town Square.
    pub fn town_square(&self) -> &Channel {
        &self.host.seed().town_square
    }

    /// The seeded team's Off-Topic.
    pub fn off_topic(&self) -> &Channel {
        &self.host.seed().off_topic
    }

    /// Registers a plugin that is already running (its hooks run from now on).
    pub fn register_plugin(&self, plugin: HookCaller) {
        self.host.register_plugin(plugin);
    }

    /// Starts `plugin` in this process, as the server starts a plugin: its hooks are served
    /// on a loopback listener by the `mm-hooks` runtime with a PluginAPI client for
    /// `plugin_id`; the host checks its health, asks `Implemented`, calls `OnActivate` and
    /// registers it. An `OnActivate` error fails the start.
    pub async fn start_plugin<P: mm_hooks::Plugin>(
        &self,
        plugin_id: &str,
        plugin: P,
    ) -> Result<PluginConnection, HostError> {
        let connection = self.plugins.start_in_process(&self.host, plugin_id, plugin).await?;
        self.host.settle().await;
        Ok(connection)
    }

    /// Starts a plugin binary (a `plugin.json` or a plugin folder also work) the way the
    /// server does, through the [`Supervisor`](crate::supervisor::Supervisor).
    pub async fn start_plugin_binary(
        &self,
        path: impl AsRef<std::path::Path>,
    ) -> Result<PluginConnection, HostError> {
        let spec = PluginSpec::from_path(path.as_ref()).map_err(|e| HostError::Plugin {
            plugin_id: path.as_ref().display().to_string(),
            message: e.to_string(),
        })?;
        self.start_plugin_spec(spec).await
    }

    /// Starts a plugin described by a spec (extra environment, another id...) through the
    /// supervisor.
    pub async fn start_plugin_spec(&self, spec: PluginSpec) -> Result<PluginConnection, HostError> {
        let connection = self.plugins.start_binary(&self.host, spec).await?;
        self.host.settle().await;
        Ok(connection)
    }

    /// Sets one of a plugin's settings as an administrator does in the System Console: stored
    /// under the lower-cased key, the configuration saved (`OnConfigurationChange` runs). What
    /// the plugin loads (`load_plugin_configuration`) is then built as on the server: the
    /// manifest's defaults with the stored settings over them. Call it before starting the
    /// plugin for the settings it activates with.
    pub async fn set_plugin_setting(
        &self,
        plugin_id: &str,
        key: &str,
        value: impl Into<serde_json::Value>,
    ) -> Result<(), AppError> {
        let result = self.host.set_plugin_setting(plugin_id, key, value).await;
        self.host.settle().await;
        result
    }

    /// Stops a plugin (`OnDeactivate` when listed, then shutdown); its hooks stop running.
    pub async fn stop_plugin(&self, plugin_id: &str) -> Result<(), HostError> {
        self.plugins.stop(&self.host, plugin_id).await
    }

    /// Stops every plugin and the host. Dropping the test host also stops everything, but
    /// without waiting for `OnDeactivate`.
    pub async fn shutdown(self) {
        self.plugins.stop_all(&self.host).await;
        self.host.shutdown();
    }

    // --- events ---

    /// Posts `message` in a channel as `user` (hooks run; returns once they are done).
    pub async fn create_post(
        &self,
        user: &UserId,
        channel: &ChannelId,
        message: &str,
    ) -> Result<Post, AppError> {
        self.post(Post::new(channel.clone(), message).by(user.clone())).await
    }

    /// Replies in the thread of `root` as `user`.
    pub async fn reply(&self, user: &UserId, root: &PostId, message: &str) -> Result<Post, AppError> {
        let channel = self.host.store().post(root).map(|p| p.channel_id).unwrap_or_default();
        self.post(Post::new(channel, message).by(user.clone()).in_thread(root.clone())).await
    }

    /// Creates any post (its `user_id` is the author).
    pub async fn post(&self, post: Post) -> Result<Post, AppError> {
        let result = self.host.create_post(post).await;
        self.host.settle().await;
        result
    }

    /// Edits a post.
    pub async fn update_post(&self, post: Post) -> Result<Post, AppError> {
        let result = self.host.update_post(post).await;
        self.host.settle().await;
        result
    }

    /// Deletes a post.
    pub async fn delete_post(&self, post: &PostId) -> Result<Post, AppError> {
        let result = self.host.delete_post(post).await;
        self.host.settle().await;
        result
    }

    /// Reacts to a post.
    pub async fn react(&self, user: &UserId, post: &PostId, emoji: &str) -> Result<Reaction, AppError> {
        let result = self.host.add_reaction(Reaction::new(user.clone(), post.clone(), emoji)).await;
        self.host.settle().await;
        result
    }

    /// Runs a slash command (`/trigger text`) as `user` in a channel.
    pub async fn execute_command(
        &self,
        user: &UserId,
        channel: &ChannelId,
        command: &str,
    ) -> Result<CommandResponse, AppError> {
        let args = CommandArgs {
            user_id: user.clone(),
            channel_id: channel.clone(),
            command: command.to_string(),
            ..CommandArgs::default()
        };
        let result = self.host.execute_command(args).await;
        self.host.settle().await;
        result
    }

    /// Adds `user` to a channel (by themselves).
    pub async fn join_channel(&self, user: &UserId, channel: &ChannelId) -> Result<ChannelMember, AppError> {
        let result = self.host.join_channel(channel, user, None).await;
        self.host.settle().await;
        result
    }

    /// Removes `user` from a channel.
    pub async fn leave_channel(&self, user: &UserId, channel: &ChannelId) -> Result<(), AppError> {
        let result = self.host.leave_channel(channel, user, None).await;
        self.host.settle().await;
        result
    }

    /// Adds `user` to a team (and its default channels).
    pub async fn join_team(&self, user: &UserId, team: &TeamId) -> Result<TeamMember, AppError> {
        let result = self.host.join_team(team, user, None).await;
        self.host.settle().await;
        result
    }

    /// Creates a user `username` (`<username>@example.com`).
    pub async fn create_user(&self, username: &str) -> Result<User, AppError> {
        let user =
            User { username: username.into(), email: format!("{username}@example.com"), ..User::default() };
        let result = self.host.create_user(user).await;
        self.host.settle().await;
        result
    }

    /// Creates a public channel `name` in the seeded team, made by `creator`.
    pub async fn create_channel(&self, creator: &UserId, name: &str) -> Result<Channel, AppError> {
        let channel =
            Channel { creator_id: Some(creator.clone()), ..Channel::new(self.team().id.clone(), name, name) };
        let result = self.host.create_channel(channel).await;
        self.host.settle().await;
        result
    }

    /// Uploads a file to a channel as `user`.
    pub async fn upload_file(
        &self,
        user: &UserId,
        channel: &ChannelId,
        filename: &str,
        data: impl Into<Bytes>,
    ) -> Result<mm_types::FileInfo, AppError> {
        let result = self.host.upload_file(user, channel, filename, data.into()).await;
        self.host.settle().await;
        result
    }

    // --- HTTP ---

    /// A request to the HTTP front (`path` such as `/plugins/<id>/hello`), authenticated as the
    /// seeded admin unless changed with [`HttpCall::anonymous`] or [`HttpCall::token`].
    pub fn http(&self, method: ::http::Method, path: &str) -> HttpCall {
        let addr = self.host.http_addr().unwrap_or_else(|| std::net::SocketAddr::from(([127, 0, 0, 1], 0)));
        HttpCall::new(addr, method, path, Some(self.host.seed().admin_token.clone()))
    }

    /// `GET path` as the seeded admin.
    pub async fn http_get(&self, path: &str) -> Result<HttpResponse, HostError> {
        self.http(::http::Method::GET, path).send().await
    }

    /// `POST path` with a body as the seeded admin.
    pub async fn http_post(&self, path: &str, body: impl Into<Bytes>) -> Result<HttpResponse, HostError> {
        self.http(::http::Method::POST, path).body(body).send().await
    }

    /// A session token for `user`, for [`HttpCall::token`] (a session like a login's, see
    /// [`login`](Self::login)).
    pub fn token_for(&self, user: &UserId) -> Result<String, AppError> {
        self.login(user).map(|login| login.token)
    }

    /// Logs `user` in as a browser would: a session with a token (for `Authorization`, the
    /// `MMAUTHTOKEN` cookie or, for OAuth sessions only, `?access_token=`) and a CSRF token
    /// (for `X-CSRF-Token` on cookie-authenticated requests other than `GET`).
    pub fn login(&self, user: &UserId) -> Result<Login, AppError> {
        self.create_login(user, false)
    }

    /// Like [`login`](Self::login), for an OAuth session (the only kind the REST API accepts
    /// in `?access_token=`).
    pub fn oauth_login(&self, user: &UserId) -> Result<Login, AppError> {
        self.create_login(user, true)
    }

    fn create_login(&self, user: &UserId, is_oauth: bool) -> Result<Login, AppError> {
        let session = self.host.store().with(|s| s.create_login_session(user, is_oauth))?;
        let csrf = session.props.get(crate::store::CSRF_PROP).cloned().unwrap_or_default();
        Ok(Login { token: session.token, csrf })
    }

    // --- assertions ---

    /// The live posts of a channel, oldest first.
    pub fn posts_in_channel(&self, channel: &ChannelId) -> Vec<Post> {
        self.host.store().posts_in_channel(channel)
    }

    /// The ephemeral posts sent to `user`, oldest first.
    pub fn ephemeral_posts(&self, user: &UserId) -> Vec<Post> {
        self.host.store().ephemeral_posts(user)
    }

    /// A plugin's KV value.
    pub fn kv_get(&self, plugin_id: &str, key: &str) -> Option<Bytes> {
        self.host.store().kv_get(plugin_id, key)
    }

    /// Every log line plugins sent, oldest first.
    pub fn logs(&self) -> Vec<LogEntry> {
        self.host.store().logs()
    }

    /// Waits until every background hook has finished (event methods already do).
    pub async fn settle(&self) {
        self.host.settle().await;
    }
}

impl Drop for TestHost {
    fn drop(&mut self) {
        self.plugins.shutdown_now();
        self.host.shutdown();
    }
}
