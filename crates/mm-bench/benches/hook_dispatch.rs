//! Hook dispatch inside the plugin, without a network: a request message goes through the
//! real `PluginHooks` service (`RuntimeBuilder::into_hooks_service`): decoded, handed to the
//! `hello` example's handler, the answer encoded. Compared with `Implemented`, which does the
//! same gRPC work around a handler that does almost nothing.

use criterion::{Criterion, criterion_group, criterion_main};
use mm_proto::v1 as wire;
use mm_proto::v1::plugin_hooks_client::PluginHooksClient;

fn hook_dispatch(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("runtime");
    let hooks = runtime.block_on(async {
        // MessageWillBePosted never calls the PluginAPI: nothing needs to listen there.
        let client = mm_hooks::Client::builder()
            .target("127.0.0.1:9")
            .expect("target")
            .connect_lazy()
            .expect("client");
        let service = mm_hooks::Runtime::builder()
            .client(client)
            .into_hooks_service(mm_example_hello::Hello)
            .expect("service");
        PluginHooksClient::new(service)
    });
    let post = wire::Post {
        id: mm_types::PostId::generate().to_string(),
        channel_id: mm_types::ChannelId::generate().to_string(),
        user_id: mm_types::UserId::generate().to_string(),
        message: "well darn it, the build is green again".into(),
        ..wire::Post::default()
    };

    let mut group = c.benchmark_group("hook dispatch in process");
    group.bench_function("MessageWillBePosted (hello: rewrite)", |b| {
        b.to_async(&runtime).iter(|| {
            let mut hooks = hooks.clone();
            let request = wire::MessageWillBePostedRequest { post: Some(post.clone()), ..Default::default() };
            async move {
                let answer = hooks.message_will_be_posted(request).await.expect("hook answers").into_inner();
                assert!(answer.modified_post.is_some());
            }
        })
    });
    group.bench_function("Implemented", |b| {
        b.to_async(&runtime).iter(|| {
            let mut hooks = hooks.clone();
            async move { hooks.implemented(wire::ImplementedRequest::default()).await.expect("answers") }
        })
    });
    group.finish();
}

criterion_group!(benches, hook_dispatch);
criterion_main!(benches);
