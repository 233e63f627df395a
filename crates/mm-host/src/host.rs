//! The local Mattermost stand-in: store, PluginAPI listeners, running plugins, HTTP front.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, RwLock};

use mm_types::{
    Channel, Manifest, PluginContext, RequestId, Team, TeamType, Timestamp, User, UserAccessToken,
};
use tokio::net::TcpListener;
use tokio::sync::watch;

use crate::error::HostError;
use crate::events::{HookCaller, Tracker};
use crate::store::Store;

/// The token of the seeded admin user, accepted by the REST API as `Authorization: Bearer <token>`
/// (unless the builder sets another one).
pub const DEFAULT_ADMIN_TOKEN: &str = "mmhostadmintoken0000000000";

/// The server version the host reports by default.
pub const DEFAULT_SERVER_VERSION: &str = "10.11.0";

/// The users, team and channels a new host starts with.
#[derive(Debug, Clone)]
pub struct Seed {
    /// `admin`: a system administrator (the REST token belongs to them).
    pub admin: User,
    /// `alice`: a regular user.
    pub alice: User,
    /// `bob`: a regular user.
    pub bob: User,
    /// `test` ("Test Team"): everyone above is a member.
    pub team: Team,
    /// The team's Town Square; everyone is a member.
    pub town_square: Channel,
    /// The team's Off-Topic; everyone is a member.
    pub off_topic: Channel,
    /// The admin's personal access token.
    pub admin_token: String,
}

/// Settings of a host.
#[derive(Debug, Clone)]
pub struct HostBuilder {
    http: Option<SocketAddr>,
    server_version: String,
    license: Option<serde_json::Value>,
    admin_token: String,
}

impl Default for HostBuilder {
    fn default() -> Self {
        HostBuilder {
            http: Some(SocketAddr::from(([127, 0, 0, 1], 0))),
            server_version: DEFAULT_SERVER_VERSION.to_string(),
            license: None,
            admin_token: DEFAULT_ADMIN_TOKEN.to_string(),
        }
    }
}

impl HostBuilder {
    /// Serves the HTTP front (REST API and `/plugins/<id>/...`) on `127.0.0.1:port` (0: any
    /// free port, the default).
    pub fn http_port(mut self, port: u16) -> Self {
        self.http = Some(SocketAddr::from(([127, 0, 0, 1], port)));
        self
    }

    /// Serves the HTTP front on this address.
    pub fn http_addr(mut self, addr: SocketAddr) -> Self {
        self.http = Some(addr);
        self
    }

    /// No HTTP front (the PluginAPI and the operations still work).
    pub fn without_http(mut self) -> Self {
        self.http = None;
        self
    }

    /// The version `GetServerVersion` reports.
    pub fn server_version(mut self, version: impl Into<String>) -> Self {
        self.server_version = version.into();
        self
    }

    /// The license `GetLicense` returns (none by default, as on a Team Edition server).
    pub fn license(mut self, license: serde_json::Value) -> Self {
        self.license = Some(license);
        self
    }

    /// The admin's REST token.
    pub fn admin_token(mut self, token: impl Into<String>) -> Self {
        self.admin_token = token.into();
        self
    }

    /// Seeds the store and starts the HTTP front.
    pub async fn start(self) -> Result<Host, HostError> {
        let listener = match self.http {
            Some(addr) => {
                Some(TcpListener::bind(addr).await.map_err(|e| HostError::bind("the HTTP front", addr, e))?)
            }
            None => None,
        };
        let http_addr = match &listener {
            Some(l) => {
                Some(l.local_addr().map_err(|e| HostError::io("reading the HTTP front's address", e))?)
            }
            None => None,
        };
        let site_url =
            http_addr.map(|a| format!("http://{a}")).unwrap_or_else(|| "http://localhost:8065".to_string());
        let store = Store::new(&site_url);
        let seed = seed(&store, &self.admin_token)?;
        let (shutdown, _) = watch::channel(false);
        let host = Host {
            inner: Arc::new(Inner {
                store,
                seed,
                http_addr,
                server_version: self.server_version,
                license: self.license,
                started_at: Timestamp::now(),
                diagnostic_id: mm_types::UserId::generate().into_string(),
                plugins: RwLock::new(Vec::new()),
                manifests: RwLock::new(HashMap::new()),
                known_plugins: RwLock::new(HashMap::new()),
                installer: RwLock::new(None),
                api_listeners: tokio::sync::Mutex::new(HashMap::new()),
                tracker: Tracker::default(),
                shutdown,
            }),
        };
        if let Some(listener) = listener {
            crate::front::spawn(host.clone(), listener);
        }
        Ok(host)
    }
}

/// Creates the seed users, team and channels.
fn seed(store: &Store, admin_token: &str) -> Result<Seed, HostError> {
    store
        .with(|state| {
            let user = |username: &str, roles: &str, first: &str| User {
                username: username.to_string(),
                email: format!("{username}@example.com"),
                first_name: first.to_string(),
                roles: roles.to_string(),
                email_verified: true,
                ..User::default()
            };
            let admin = state.create_user(user("admin", "system_admin system_user", "Admin"))?;
            let alice = state.create_user(user("alice", "system_user", "Alice"))?;
            let bob = state.create_user(user("bob", "system_user", "Bob"))?;
            let team = state.create_team(Team {
                name: "test".into(),
                display_name: "Test Team".into(),
                kind: TeamType::Open,
                allow_open_invite: true,
                ..Team::default()
            })?;
            let town_square = state.channel_by_name(&team.id, "town-square", false)?;
            let off_topic = state.channel_by_name(&team.id, "off-topic", false)?;
            for u in [&admin, &alice, &bob] {
                state.add_team_member(&team.id, &u.id)?;
                for channel in [&town_square, &off_topic] {
                    state.add_channel_member(&channel.id, &u.id)?;
                }
            }
            let mut token = state.create_access_token(UserAccessToken {
                user_id: admin.id.clone(),
                description: "mm-host admin token".into(),
                ..UserAccessToken::default()
            })?;
            token.token = admin_token.to_string();
            state.tokens.insert(token.id.clone(), token.clone());
            Ok::<_, mm_types::AppError>(Seed {
                admin,
                alice,
                bob,
                team,
                town_square: state.channel(&town_square.id)?.clone(),
                off_topic: state.channel(&off_topic.id)?.clone(),
                admin_token: token.token,
            })
        })
        .map_err(HostError::Seed)
}

/// A local Mattermost stand-in: the in-memory store, a PluginAPI listener per plugin, the
/// plugins whose hooks run when things happen, and the HTTP front.
///
/// Cheap to clone (all clones share one host). Start one with [`Host::builder`]. The
/// operations that trigger hooks ([`create_post`](Host::create_post),
/// [`execute_command`](Host::execute_command), [`join_channel`](Host::join_channel)...) are what the
/// REST front, the test kit and the PluginAPI itself call, so a post made by a plugin runs the
/// hooks too, as on a real server (a plugin that answers every post, its own included, loops
/// as it would on a server).
///
/// # Plugins
///
/// Each plugin gets its own PluginAPI listener ([`api_target`](Host::api_target)): requests
/// carry no plugin id, so the listener is how the host knows who calls (KV store, bot owner,
/// registered commands). A running plugin is [registered](Host::register_plugin) with a
/// [`HookCaller`]; the supervisor does both through [`PluginRegistry`](crate::supervisor::PluginRegistry),
/// and the [test kit](crate::testkit) for in-process plugins. Every PluginAPI RPC is answered
/// ([`unimplemented_rpcs`](crate::unimplemented_rpcs) is empty); where the server's answer
/// depends on the plugin (`GetBundlePath`: [`bundle_path`](Host::bundle_path)) or on features
/// a local host lacks (LDAP, plugin uploads, the license server), it answers as the server
/// does, as the crate README lists.
///
/// # HTTP front
///
/// On `127.0.0.1` ([`http_url`](Host::http_url)), following the server's rules for every
/// route:
///
/// - authentication: the `MMAUTHTOKEN` cookie, `Authorization: Bearer <token>` or
///   `Token <token>` (a session token, a personal access token, or the seeded admin's
///   [`DEFAULT_ADMIN_TOKEN`], see [`HostBuilder::admin_token`]), or `?access_token=` (REST:
///   OAuth sessions only); a cookie-authenticated request other than `GET` needs the
///   session's CSRF token in `X-CSRF-Token`, or `X-Requested-With: XMLHttpRequest`;
/// - REST permissions as the server's handlers check them (a `system_user` cannot list every
///   channel, nor read or post in direct messages and private channels it is not a member
///   of; system admins can);
/// - REST errors in Mattermost's JSON shape (`id`, `message`, `detailed_error`, `request_id`,
///   `status_code`) with the server's ids and statuses (a malformed body is 400
///   `api.context.invalid_body_param.app_error`, a body over 300000 bytes 413, an unknown
///   route 404 `api.context.404.app_error`); every answer has `X-Request-Id`;
/// - plugin requests lose what the server strips (the client's `Mattermost-Plugin-ID` and
///   `Mattermost-User-Id`, the `MMAUTHTOKEN` cookie, `Referer`, `access_token`, and
///   `Authorization` once it authenticated), get `Mattermost-User-Id` from a valid session,
///   and a plugin that is not running answers Go's `404 page not found`.
///
/// | method and path | what |
/// |---|---|
/// | `GET /api/v4/system/ping` | `{"status":"OK"}` (no token needed) |
/// | `POST /api/v4/posts` | create a post as the caller (runs the hooks); `create_post` in the channel |
/// | `GET /api/v4/posts/{id}` | a post of a channel the caller may read |
/// | `GET /api/v4/channels/{id}/posts?page=&per_page=` | a page of a channel's posts (`PostList`) |
/// | `POST /api/v4/commands/execute` | run a slash command: `{"channel_id", "command"}`; `use_slash_commands` in the channel |
/// | `GET /api/v4/users?page=&per_page=&in_team=&in_channel=` | users (`view_team` / `read_channel` for the filters) |
/// | `GET /api/v4/users/me`, `GET /api/v4/users/{id}` | a user |
/// | `GET /api/v4/channels` | every channel (system admins only) |
/// | `POST /api/v4/channels` | create a channel (`create_public_channel` / `create_private_channel` on the team) |
/// | `GET /api/v4/channels/{id}` | a channel the caller may read |
/// | `POST /api/v4/channels/{id}/members` | add a user to a channel: `{"user_id"}` (join a public channel, or manage its members) |
/// | `GET /api/v4/teams` | the teams the caller may list (open teams for a `system_user`) |
/// | any method, `/plugins/{plugin_id}/...` | the plugin's `ServeHTTP` (404 for plugins not running and plugins without it) |
///
/// ```text
/// curl -H 'Authorization: Bearer mmhostadmintoken0000000000' http://127.0.0.1:<port>/api/v4/users/me
/// ```
#[derive(Clone)]
pub struct Host {
    pub(crate) inner: Arc<Inner>,
}

pub(crate) struct Inner {
    pub(crate) store: Store,
    pub(crate) seed: Seed,
    pub(crate) http_addr: Option<SocketAddr>,
    pub(crate) server_version: String,
    pub(crate) license: Option<serde_json::Value>,
    pub(crate) started_at: Timestamp,
    pub(crate) diagnostic_id: String,
    /// Running plugins, in registration order (the order hooks run in).
    pub(crate) plugins: RwLock<Vec<HookCaller>>,
    pub(crate) manifests: RwLock<HashMap<String, Manifest>>,
    /// Folders and launches of the plugins the host knows (see `installed_plugins`).
    pub(crate) known_plugins: RwLock<HashMap<String, crate::installed_plugins::KnownPlugin>>,
    /// The supervisor that launches the plugins the host installs from uploaded bundles.
    pub(crate) installer: RwLock<Option<crate::supervisor::WeakSupervisor>>,
    pub(crate) api_listeners: tokio::sync::Mutex<HashMap<String, SocketAddr>>,
    pub(crate) tracker: Tracker,
    pub(crate) shutdown: watch::Sender<bool>,
}

impl std::fmt::Debug for Host {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Host")
            .field("http_addr", &self.inner.http_addr)
            .field("plugins", &self.plugin_ids())
            .finish_non_exhaustive()
    }
}

impl Host {
    /// Settings for a new host; `.start().await` seeds it and starts its HTTP front.
    pub fn builder() -> HostBuilder {
        HostBuilder::default()
    }

    /// A host with the default settings (HTTP front on a free loopback port).
    pub async fn start() -> Result<Host, HostError> {
        HostBuilder::default().start().await
    }

    /// The data.
    pub fn store(&self) -> &Store {
        &self.inner.store
    }

    /// The seeded users, team and channels.
    pub fn seed(&self) -> &Seed {
        &self.inner.seed
    }

    /// Where the HTTP front listens, if it runs.
    pub fn http_addr(&self) -> Option<SocketAddr> {
        self.inner.http_addr
    }

    /// The base URL of the HTTP front (`http://127.0.0.1:<port>`), if it runs.
    pub fn http_url(&self) -> Option<String> {
        self.inner.http_addr.map(|a| format!("http://{a}"))
    }

    /// The address of the PluginAPI listener for `plugin_id`, started on first use.
    ///
    /// The server gives each plugin its own listener, which is how it knows who calls (the
    /// requests carry no plugin id); pass this to the plugin as `MATTERMOST_PLUGIN_API_TARGET`.
    pub async fn api_target(&self, plugin_id: &str) -> Result<SocketAddr, HostError> {
        let mut listeners = self.inner.api_listeners.lock().await;
        if let Some(addr) = listeners.get(plugin_id) {
            return Ok(*addr);
        }
        let addr = crate::api::serve(self.clone(), plugin_id).await?;
        listeners.insert(plugin_id.to_string(), addr);
        Ok(addr)
    }

    /// Registers a running plugin: its hooks run from now on, after those of plugins registered
    /// before it. A plugin registered again replaces its earlier registration.
    pub fn register_plugin(&self, plugin: HookCaller) {
        let mut plugins = self.inner.plugins.write().unwrap_or_else(std::sync::PoisonError::into_inner);
        match plugins.iter_mut().find(|p| p.plugin_id() == plugin.plugin_id()) {
            Some(slot) => *slot = plugin,
            None => plugins.push(plugin),
        }
    }

    /// Records a plugin's manifest (for `GetPlugins` and `GetPluginStatus`).
    pub fn set_manifest(&self, manifest: Manifest) {
        let mut manifests = self.inner.manifests.write().unwrap_or_else(std::sync::PoisonError::into_inner);
        manifests.insert(manifest.id.clone(), manifest);
    }

    /// Unregisters a plugin (it stopped or failed): its hooks are no longer called and the
    /// commands it registered are removed.
    pub fn unregister_plugin(&self, plugin_id: &str) {
        let mut plugins = self.inner.plugins.write().unwrap_or_else(std::sync::PoisonError::into_inner);
        plugins.retain(|p| p.plugin_id() != plugin_id);
        drop(plugins);
        self.store().with(|s| s.plugin_commands.retain(|pc| pc.plugin_id != plugin_id));
    }

    /// The running plugin with this id.
    pub fn plugin(&self, plugin_id: &str) -> Option<HookCaller> {
        self.plugins().into_iter().find(|p| p.plugin_id() == plugin_id)
    }

    /// The ids of the running plugins, in registration order.
    pub fn plugin_ids(&self) -> Vec<String> {
        self.plugins().iter().map(|p| p.plugin_id().to_string()).collect()
    }

    /// The running plugins, in registration order.
    pub(crate) fn plugins(&self) -> Vec<HookCaller> {
        self.inner.plugins.read().unwrap_or_else(std::sync::PoisonError::into_inner).clone()
    }

    /// The manifests of the registered plugins (a plugin registered without one gets a manifest
    /// with only its id).
    pub fn manifests(&self) -> Vec<Manifest> {
        let manifests = self.inner.manifests.read().unwrap_or_else(std::sync::PoisonError::into_inner);
        let mut all: Vec<Manifest> = self
            .plugin_ids()
            .into_iter()
            .map(|id| manifests.get(&id).cloned().unwrap_or_else(|| Manifest { id, ..Manifest::default() }))
            .collect();
        all.sort_by(|a, b| a.id.cmp(&b.id));
        all
    }

    /// Waits until every hook the host runs in the background ("has been" hooks, and whatever
    /// the plugins do from them through the PluginAPI) has finished.
    pub async fn settle(&self) {
        self.inner.tracker.idle().await;
    }

    /// Stops the PluginAPI listeners and the HTTP front.
    pub fn shutdown(&self) {
        self.inner.shutdown.send_replace(true);
    }

    /// A receiver that turns `true` when the host shuts down.
    pub(crate) fn shutdown_signal(&self) -> watch::Receiver<bool> {
        self.inner.shutdown.subscribe()
    }

    /// A plugin context for an action of the host (a fresh request id).
    pub(crate) fn plugin_context(&self) -> PluginContext {
        PluginContext { request_id: Some(RequestId::generate()), ..PluginContext::default() }
    }
}

impl From<&crate::supervisor::PluginConnection> for HookCaller {
    fn from(connection: &crate::supervisor::PluginConnection) -> Self {
        // The connection keeps the names the server knows (see `known_hooks`), so every one is a Hook.
        let implemented =
            connection.implemented().iter().filter_map(|name| mm_hooks::Hook::from_rpc_name(name));
        HookCaller::new(connection.id(), connection.link().clone(), implemented)
    }
}

/// The supervisor asks the host for each plugin's PluginAPI listener and tells it which
/// plugins run, so that events call their hooks.
impl crate::supervisor::PluginRegistry for Host {
    fn api_target<'a>(
        &'a self,
        plugin_id: &'a str,
    ) -> crate::supervisor::BoxFuture<'a, std::io::Result<String>> {
        Box::pin(async move {
            Host::api_target(self, plugin_id)
                .await
                .map(|addr| addr.to_string())
                .map_err(std::io::Error::other)
        })
    }

    fn net_rpc_api(
        &self,
        plugin_id: &str,
        broker: &mm_netrpc::broker::Broker,
    ) -> Option<std::sync::Arc<dyn mm_netrpc::rpc::Service>> {
        Some(crate::api::net_rpc_service(self.clone(), plugin_id, broker.clone()))
    }

    fn launching(&self, spec: &crate::supervisor::PluginSpec, supervisor: crate::supervisor::WeakSupervisor) {
        self.record_launch(spec, supervisor);
    }

    fn supervisor_built(&self, supervisor: crate::supervisor::WeakSupervisor) {
        self.offer_installer(supervisor);
    }

    fn register(&self, connection: crate::supervisor::PluginConnection) {
        self.register_plugin(HookCaller::from(&connection));
    }

    fn unregister(&self, plugin_id: &str) {
        self.unregister_plugin(plugin_id);
    }
}
