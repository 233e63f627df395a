//! Typed client for the Mattermost PluginAPI.
//!
//! `mm-client` will hold the async `Client` with a typed method for each of the 236 PluginAPI
//! RPCs (grouped as `client.users()`, `client.kv()`, `client.posts()`, ...), its tower
//! middleware stack (tracing, timeouts, safe retries, keepalive, message size limits), the
//! blocking twin and the helpers plugin authors reach for (typed KV, configuration, bots,
//! cluster mutex).
