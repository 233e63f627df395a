#![allow(clippy::print_stdout)]

//! The generated RPC table equals the descriptors: every PluginAPI RPC once, with its path,
//! messages, group, error convention and a retry-safety declaration; and a missing
//! declaration is an error naming the RPC.

use std::collections::BTreeSet;
use std::path::Path;

use mm_proto::rpc::{ErrorConvention, Rpc, RpcMethod, RpcResponseMessage, methods};
use mm_proto::v1;
use prost::Message;
use prost_reflect::DescriptorPool;

const SIDECAR: &str = include_str!("../rpc.toml");

fn pool() -> DescriptorPool {
    DescriptorPool::decode(mm_proto::FILE_DESCRIPTOR_SET).expect("descriptor set")
}

#[test]
fn the_table_equals_the_plugin_api_descriptors() {
    let pool = pool();
    let service = pool.get_service_by_name(mm_proto::PLUGIN_API_SERVICE).expect("PluginAPI");
    let grpc: Vec<&RpcMethod> = methods::ALL.iter().copied().filter(|m| m.grpc).collect();
    assert_eq!(service.methods().len(), 236, "the contract has 236 PluginAPI RPCs");
    assert_eq!(grpc.len(), 236, "the table has every gRPC RPC once");
    for (method, rpc) in service.methods().zip(&grpc) {
        assert_eq!(rpc.name, method.name());
        assert_eq!(rpc.service, mm_proto::PLUGIN_API_SERVICE);
        assert_eq!(rpc.path, format!("/{}/{}", mm_proto::PLUGIN_API_SERVICE, method.name()));
        assert_eq!(rpc.request, method.input().full_name());
        assert_eq!(rpc.response, method.output().full_name());
        let file = method.input().parent_file();
        let stem = Path::new(file.name()).file_stem().and_then(|s| s.to_str()).unwrap();
        assert_eq!(rpc.group, stem, "{}: group", rpc.name);
        let in_body = matches!(stem, "posts" | "kv" | "files");
        assert_eq!(rpc.errors == ErrorConvention::InBody, in_body, "{}: error convention", rpc.name);
        assert!(std::ptr::eq(RpcMethod::by_name(rpc.name).unwrap(), *rpc));
        assert!(std::ptr::eq(RpcMethod::by_path(rpc.path).unwrap(), *rpc));
    }
    let in_body = grpc.iter().filter(|m| m.errors == ErrorConvention::InBody).count();
    assert_eq!(in_body, 37, "17 posts, 9 KV and 11 file RPCs answer errors in the body");
    assert_eq!(RpcMethod::by_path("/mattermost.pluginapi.v1.PluginAPI/NoSuchRpc"), None);
}

#[test]
fn every_rpc_has_exactly_one_safety_declaration() {
    let declared: Vec<&str> = SIDECAR
        .lines()
        .map(|line| line.split('#').next().unwrap_or("").trim())
        .filter_map(|line| line.split_once('=').map(|(name, _)| name.trim()))
        .collect();
    let unique: BTreeSet<&str> = declared.iter().copied().collect();
    assert_eq!(unique.len(), declared.len(), "no RPC is declared twice");
    let table: BTreeSet<&str> = methods::ALL.iter().map(|m| m.name).collect();
    assert_eq!(unique, table, "rpc.toml declares exactly the RPCs of the table");
    let grpc = methods::ALL.iter().filter(|m| m.grpc).count();
    println!(
        "RPCs with a retry-safety declaration: {grpc}/236 (gRPC), {}/{} (all)",
        table.len(),
        table.len()
    );
}

#[test]
fn an_rpc_without_a_declaration_fails_generation_naming_it() {
    let fds = prost_types::FileDescriptorSet::decode(mm_proto::FILE_DESCRIPTOR_SET).unwrap();
    let surface = mm_codegen::MM_PROTO_SURFACE;
    assert_eq!(mm_codegen::read_rpcs(&fds, &surface, SIDECAR).unwrap().len(), 236 + 22);
    let without: String =
        SIDECAR.lines().filter(|l| !l.starts_with("GetUser =")).map(|l| format!("{l}\n")).collect();
    let error = mm_codegen::read_rpcs(&fds, &surface, &without).unwrap_err();
    assert!(
        error.message().starts_with("GetUser (mattermost.pluginapi.v1.PluginAPI) has no retry-safety"),
        "{error}"
    );
}

#[test]
fn stock_only_rpcs_are_in_the_table_off_grpc_in_their_groups() {
    let pool = pool();
    let stock = pool.get_service_by_name("mattermost.pluginapi.v1.StockPluginAPI").expect("StockPluginAPI");
    assert_eq!(stock.methods().len(), 22);
    for method in stock.methods() {
        let rpc = RpcMethod::by_name(method.name()).expect("in the table");
        assert!(!rpc.grpc, "{} is not on gRPC", rpc.name);
        assert_eq!(rpc.request, method.input().full_name());
    }
    let groups = |name: &str| RpcMethod::by_name(name).map(|m| m.group);
    assert_eq!(groups("GetChannelOfType"), Some("channels"));
    assert_eq!(groups("SendToastMessage"), Some("realtime"));
    assert_eq!(groups("ReceiveSharedChannelSyncMsg"), Some("shared_channels"));
    assert_eq!(groups("UpsertPropertyValueWithOptions"), Some("properties"));
    assert_eq!(groups("EvaluateAccessControl"), Some("access_control"));
}

#[test]
fn requests_are_tied_to_their_responses_and_responses_carry_the_error() {
    fn response_of<R: Rpc>(_: &R) -> R::Response {
        R::Response::default()
    }
    let response: v1::GetUserResponse = response_of(&v1::GetUserRequest::default());
    assert!(response.error().is_none());
    let error = v1::AppError { id: "app.kv.get.app_error".into(), status_code: 500, ..Default::default() };
    let mut answer = v1::KvGetResponse::from_error(error.clone());
    assert_eq!(answer.error(), Some(&error));
    assert_eq!(answer.take_error(), Some(error));
    assert_eq!(answer, v1::KvGetResponse::default());
}
