//! Client call overhead against an in-process PluginAPI server (mm-host's, on loopback TCP):
//! mm-client vs the bare tonic stubs, same server, same connection settings.

use criterion::{Criterion, criterion_group, criterion_main};
use mm_proto::v1 as wire;
use mm_proto::v1::plugin_api_client::PluginApiClient;

fn client_overhead(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("runtime");
    let (host, bare, sdk) = runtime.block_on(async {
        let host = mm_host::Host::builder().without_http().start().await.expect("host");
        let target = host.api_target("com.mattermost.bench").await.expect("listener");
        let channel = tonic::transport::Endpoint::from_shared(format!("http://{target}"))
            .expect("endpoint")
            .tcp_nodelay(true)
            .connect()
            .await
            .expect("bare client");
        let sdk = mm_client::Client::builder().target(&target.to_string()).expect("target").connect().await;
        (host, PluginApiClient::new(channel), sdk.expect("mm-client"))
    });
    let alice = host.seed().alice.id.clone();

    let mut group = c.benchmark_group("GetServerVersion");
    group.bench_function("bare tonic", |b| {
        b.to_async(&runtime).iter(|| {
            let mut bare = bare.clone();
            async move { bare.get_server_version(wire::GetServerVersionRequest {}).await.expect("answers") }
        })
    });
    group.bench_function("mm-client", |b| {
        b.to_async(&runtime).iter(|| {
            let sdk = sdk.clone();
            async move { sdk.system().server_version().await.expect("answers") }
        })
    });
    group.finish();

    let mut group = c.benchmark_group("GetUser");
    group.bench_function("bare tonic", |b| {
        b.to_async(&runtime).iter(|| {
            let mut bare = bare.clone();
            let request = wire::GetUserRequest { user_id: alice.to_string() };
            async move { bare.get_user(request).await.expect("answers") }
        })
    });
    group.bench_function("mm-client", |b| {
        b.to_async(&runtime).iter(|| {
            let sdk = sdk.clone();
            let alice = alice.clone();
            async move { sdk.users().get(&alice).await.expect("answers") }
        })
    });
    group.finish();
    host.shutdown();
}

criterion_group!(benches, client_overhead);
criterion_main!(benches);
