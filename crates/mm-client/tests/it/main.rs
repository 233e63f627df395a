//! mm-client's integration tests, one binary (one link, one executable on disk) with a
//! module per area. Each module's own doc says what it covers.

#![allow(unreachable_pub, missing_docs)]

mod reach;
mod support;

mod blocking;
mod cluster_mutex;
mod errors;
mod from_env;
mod from_service;
mod kv_helpers;
mod pages;
mod reach_all_methods;
mod realtime_json;
mod retry;
