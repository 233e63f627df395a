//! Idiomatic domain types for Mattermost server plugins.
//!
//! `mm-types` is the data layer of the SDK, and holds no I/O: users, teams, channels, posts,
//! files, bots, commands, KV options, hooks payloads and the rest of what travels between a
//! Mattermost server and a plugin, as Rust types with typed ids, enums that keep values from
//! newer servers, millisecond timestamps, `serde` with Mattermost's JSON field names, and
//! lossless conversions to and from the wire messages of `mm-proto`.
//!
//! It is filled in by the domain-model work; the crate exists now so the layers above can
//! depend on it.
