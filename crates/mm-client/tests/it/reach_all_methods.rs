#![allow(unreachable_pub, missing_docs, clippy::print_stdout)]

//! Proves that the typed client reaches every PluginAPI method with its arguments intact.
//!
//! The list of methods comes from the proto descriptors, not from the client. Each entry in
//! `reach/<group>.rs` calls one RPC through the typed client with distinctive arguments, on a
//! real tonic server over loopback, and checks the request the server decoded against the
//! request the entry expects.

use crate::reach;
use crate::support;

use std::collections::BTreeSet;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_client_reaches_every_plugin_api_method_with_its_arguments() {
    let server = support::ApiServer::start().await;
    let client = mm_client::Client::connect(&server.target()).await.expect("connect");
    let mut reach = reach::Reach::new(server.clone(), client);

    reach::users::run(&mut reach).await;
    reach::teams::run(&mut reach).await;
    reach::channels::run(&mut reach).await;
    reach::posts::run(&mut reach).await;
    reach::emoji::run(&mut reach).await;
    reach::kv::run(&mut reach).await;
    reach::config::run(&mut reach).await;
    reach::plugins::run(&mut reach).await;
    reach::logging::run(&mut reach).await;
    reach::files::run(&mut reach).await;
    reach::bots::run(&mut reach).await;
    reach::system::run(&mut reach).await;
    reach::commands::run(&mut reach).await;
    reach::preferences::run(&mut reach).await;
    reach::oauth::run(&mut reach).await;
    reach::groups::run(&mut reach).await;
    reach::shared_channels::run(&mut reach).await;
    reach::dialogs::run(&mut reach).await;
    reach::notifications::run(&mut reach).await;
    reach::properties::run(&mut reach).await;
    reach::realtime::run(&mut reach).await;

    let all: BTreeSet<String> = support::plugin_api().methods().map(|m| m.name().to_string()).collect();
    let reached = reach.reached();
    let missing: Vec<&String> = all.difference(reached).collect();
    let unknown: Vec<&String> = reached.difference(&all).collect();
    println!(
        "PluginAPI methods reached through the typed client: {}/{}",
        all.len() - missing.len(),
        all.len()
    );
    assert!(unknown.is_empty(), "entries for methods the descriptors do not have: {unknown:?}");
    assert!(missing.is_empty(), "{} methods not reached: {missing:?}", missing.len());
}
