//! mm-host's integration tests, one binary (one link, one executable on disk) with a module
//! per area. Each module's own doc says what it covers.

mod command_line;
mod support;

mod api_domains;
mod api_kv;
mod bundle;
mod cli;
mod deploy;
mod events;
mod front;
mod go_plugins;
mod new_project;
mod rpc_count;
mod storm;
mod supervisor;
mod testkit;
