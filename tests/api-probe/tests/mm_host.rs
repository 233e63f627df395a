//! The probe under mm-host on both protocols: every method of the stock `plugin.API` called
//! through the SDK over net/rpc (as on a stock server) and over gRPC (as on the fork), against
//! the same in-memory host. mm-host serves both from one router, so each call must end the
//! same way on both: the same success, or the same `AppError` id. A method that answers
//! differently means one protocol's mapping (the plugin's client or mm-host's server) loses
//! or changes something.

use std::collections::BTreeMap;

use mm_host::supervisor::{PluginSpec, Protocol};
use mm_host::testkit::TestHost;
use serde_json::Value;

const PLUGIN_ID: &str = "com.mattermost.api-probe";

async fn report(protocol: Protocol) -> Value {
    let host = TestHost::start().await.expect("host");
    let spec = PluginSpec::from_binary(env!("CARGO_BIN_EXE_mm-api-probe"))
        .and_then(|spec| spec.with_plugin_id(PLUGIN_ID))
        .expect("the probe binary")
        .with_protocol(protocol);
    host.start_plugin_spec(spec).await.expect("the probe starts");
    let response = host.http_get(&format!("/plugins/{PLUGIN_ID}/probe")).await.expect("GET /probe");
    assert_eq!(response.status, 200, "{}", response.text());
    let report = response.json().expect("a JSON report");
    host.shutdown().await;
    report
}

/// How a call ended: `ok`, or the error's kind and id (statuses differ by design: gRPC
/// carries a status code, from which the client derives the HTTP status).
fn outcome(call: &Value) -> String {
    match &call["error"] {
        Value::Null => "ok".to_owned(),
        error if error["kind"] == "app_error" => format!("app_error {}", error["id"].as_str().unwrap_or("?")),
        error => {
            format!("{} {}", error["kind"].as_str().unwrap_or("?"), error["sdk_kind"].as_str().unwrap_or(""))
        }
    }
}

/// Every call's error, for the failure message.
fn errors<'a>(report: &'a Value, method: &str) -> Vec<&'a Value> {
    report["methods"][method]
        .as_array()
        .map(|calls| calls.iter().map(|c| &c["error"]).collect())
        .unwrap_or_default()
}

fn outcomes(report: &Value) -> BTreeMap<String, Vec<String>> {
    let methods = report["methods"].as_object().expect("methods");
    methods
        .iter()
        .map(|(name, calls)| (name.clone(), calls.as_array().expect("calls").iter().map(outcome).collect()))
        .collect()
}

#[tokio::test]
#[allow(clippy::print_stdout, reason = "the counts are the test's report")]
async fn every_api_method_ends_the_same_over_net_rpc_and_grpc() {
    let net_rpc_report = report(Protocol::NetRpc).await;
    let net_rpc = outcomes(&net_rpc_report);
    let grpc = outcomes(&report(Protocol::Grpc).await);
    assert_eq!(net_rpc.len(), 258, "every stock method is probed over net/rpc");

    let grpc_methods: Vec<&str> =
        mm_proto::rpc::RpcMethod::all().iter().filter(|m| m.grpc).map(|m| m.name).collect();
    let mut differences = Vec::new();
    for name in &grpc_methods {
        let (Some(over_net_rpc), Some(over_grpc)) = (net_rpc.get(*name), grpc.get(*name)) else {
            differences.push(format!("{name}: missing from a report"));
            continue;
        };
        if over_net_rpc != over_grpc {
            let detail = errors(&net_rpc_report, name);
            differences.push(format!("{name}: net/rpc {over_net_rpc:?} vs gRPC {over_grpc:?} ({detail:?})"));
        }
    }
    assert!(
        differences.is_empty(),
        "{} of {} methods differ:\n{}",
        differences.len(),
        grpc_methods.len(),
        differences.join("\n")
    );

    // The 22 stock-only methods reach mm-host over net/rpc: answered by a handler, or refused
    // by name, never a transport failure.
    for (name, calls) in &net_rpc {
        if grpc_methods.contains(&name.as_str()) {
            continue;
        }
        for call in calls {
            assert!(!call.contains("transport"), "{name}: {calls:?}");
        }
    }
    let ok = net_rpc.values().flatten().filter(|o| *o == "ok").count();
    let calls = net_rpc.values().flatten().count();
    assert!(ok > 0, "some calls succeed");
    println!(
        "net/rpc and gRPC end alike for {} methods; {ok} of {calls} calls succeeded",
        grpc_methods.len()
    );
}

/// The probe's `GET /settings` under mm-host on both protocols: a struct with the manifest's
/// PascalCase keys loads the manifest's defaults and the values saved with any case of key,
/// exactly as the stock conformance host's `TestSettingsLoadLikeTheServer` sees it on the
/// real `plugin.Environment` (with the Go stand-in too).
#[tokio::test]
async fn settings_load_like_the_server_on_both_protocols() {
    let manifest =
        mm_host::manifest::Manifest::from_file(concat!(env!("CARGO_MANIFEST_DIR"), "/plugin.json"))
            .expect("the probe's manifest");
    for protocol in [Protocol::NetRpc, Protocol::Grpc] {
        let host = TestHost::start().await.expect("host");
        host.set_plugin_setting(PLUGIN_ID, "MaxPerDay", 7).await.expect("saved");
        host.set_plugin_setting(PLUGIN_ID, "greeting", "hello from the console").await.expect("saved");
        // The freshly built binary with its plugin.json, as `mm-host run` runs a plugin folder.
        let spec = PluginSpec::from_binary(env!("CARGO_BIN_EXE_mm-api-probe"))
            .and_then(|spec| spec.with_manifest(manifest.clone()))
            .expect("the probe binary and its manifest")
            .with_protocol(protocol);
        host.start_plugin_spec(spec).await.expect("the probe starts");
        let response = host.http_get(&format!("/plugins/{PLUGIN_ID}/settings")).await.expect("GET /settings");
        assert_eq!(response.status, 200, "{protocol:?}: {}", response.text());
        let settings: Value = response.json().expect("JSON settings");
        assert_eq!(
            settings,
            serde_json::json!({ "Greeting": "hello from the console", "MaxPerDay": 7, "Enabled": true }),
            "{protocol:?}"
        );
        host.shutdown().await;
    }
}
