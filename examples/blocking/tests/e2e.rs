//! The blocking example end to end: posts are counted on the plugin's worker thread with the
//! blocking client, and `/wordcount` reports through the async hook.

use mattermost_plugin::testkit::{PluginSpec, Protocol, TestHost};
use mm_example_blocking::{PLUGIN_ID, TOTALS_KEY};

#[mattermost_plugin::test]
async fn counted_over_net_rpc_as_on_a_stock_server() {
    posts_are_counted_by_the_blocking_worker(Protocol::NetRpc).await;
}

#[mattermost_plugin::test]
async fn counted_over_grpc_as_on_the_fork() {
    posts_are_counted_by_the_blocking_worker(Protocol::Grpc).await;
}

async fn posts_are_counted_by_the_blocking_worker(protocol: Protocol) {
    let host = TestHost::start().await.expect("host");
    let spec = PluginSpec::from_path(env!("CARGO_BIN_EXE_mm-example-blocking"))
        .and_then(|spec| spec.with_plugin_id(PLUGIN_ID))
        .expect("plugin binary")
        .with_protocol(protocol);
    host.start_plugin_spec(spec).await.expect("the plugin starts (its worker registered /wordcount)");

    let alice = host.alice().id.clone();
    let town_square = host.town_square().id.clone();
    host.create_post(&alice, &town_square, "one two three").await.expect("post");
    host.create_post(&alice, &town_square, "four five - !").await.expect("post");

    // The report job queues behind the two count jobs on the same worker.
    let reply = host.execute_command(&alice, &town_square, "/wordcount").await.expect("/wordcount");
    assert_eq!(reply.text, "5 words in 2 posts so far");
    assert_eq!(host.kv_get(PLUGIN_ID, TOTALS_KEY).as_deref(), Some(&b"[5,2]"[..]));

    // OnDeactivate stops the worker thread; the process exits by itself.
    host.stop_plugin(PLUGIN_ID).await.expect("stop");
}
