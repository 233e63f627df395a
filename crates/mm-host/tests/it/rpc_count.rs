//! Every PluginAPI RPC, derived from the descriptors, called once with an empty request:
//! implemented ones never answer UNIMPLEMENTED, the others name themselves.

use std::collections::BTreeSet;

use prost_reflect::DescriptorPool;
use tonic::Code;
use tonic::codegen::http::uri::PathAndQuery;

#[tokio::test]
async fn every_rpc_is_implemented_or_names_itself() {
    let pool = DescriptorPool::decode(mm_proto::FILE_DESCRIPTOR_SET).expect("descriptor set");
    let service = pool.get_service_by_name(mm_proto::PLUGIN_API_SERVICE).expect("PluginAPI service");
    let methods: Vec<String> = service.methods().map(|m| m.name().to_string()).collect();
    assert_eq!(methods.len(), 236, "the contract has 236 PluginAPI RPCs");

    let host = mm_host::Host::builder().without_http().start().await.unwrap();
    let addr = host.api_target("com.example.count").await.unwrap();
    let channel =
        tonic::transport::Channel::from_shared(format!("http://{addr}")).unwrap().connect().await.unwrap();

    let mut implemented = Vec::new();
    let mut not_implemented = BTreeSet::new();
    for method in &methods {
        let mut grpc = tonic::client::Grpc::new(channel.clone());
        grpc.ready().await.unwrap();
        let path = PathAndQuery::try_from(format!("/{}/{method}", mm_proto::PLUGIN_API_SERVICE)).unwrap();
        // `()` is the empty protobuf message: every field of the request left at its default.
        let codec = tonic_prost::ProstCodec::<(), ()>::default();
        let answer = grpc.unary(tonic::Request::new(()), path, codec).await;
        match answer {
            Err(status)
                if status.code() == Code::Unimplemented
                    && status.message().starts_with("mm-host does not implement") =>
            {
                assert_eq!(status.message(), format!("mm-host does not implement PluginAPI/{method}"));
                not_implemented.insert(method.clone());
            }
            Err(status) if status.code() == Code::Unimplemented => {
                // UNIMPLEMENTED on purpose, as the server answers: GetPluginID over gRPC, and the
                // 501 AppErrors of a server without LDAP or plugin uploads.
                let expected = match method.as_str() {
                    "GetPluginID" => "GetPluginID is not available over gRPC",
                    "GetLDAPUserAttributes" => "ent.ldap.disabled.app_error: ",
                    "InstallPlugin" => "app.plugin.upload_disabled.app_error: ",
                    _ => panic!("{method} answered {status:?}"),
                };
                assert!(status.message().starts_with(expected), "{method} answered {status:?}");
                implemented.push(method.clone());
            }
            _ => implemented.push(method.clone()),
        }
    }
    let listed: BTreeSet<String> = mm_host::unimplemented_rpcs().iter().map(|s| s.to_string()).collect();
    assert_eq!(not_implemented, listed, "unimplemented_rpcs() matches what the server answers");
    assert_eq!(implemented.len() + not_implemented.len(), 236);
    assert_eq!(implemented.len(), 236, "implemented RPCs: {implemented:?}");
    tracing::info!("PluginAPI RPCs implemented by mm-host: {}/236", implemented.len());
    host.shutdown();
}
