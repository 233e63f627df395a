//! The API probe over gRPC: the probe binary runs under a recording `PluginAPI` server, as a
//! gRPC Mattermost server launches it, and its `GET /probe` report is checked against what
//! the server received and answered.

#![allow(unreachable_pub, missing_docs, clippy::print_stdout)]

mod check;
mod go_shape;
mod plugin;
mod server;

use std::collections::{BTreeMap, BTreeSet};

use prost_reflect::{DynamicMessage, Value};
use serde_json::Value as Json;

use server::{Answer, Recorded, Recorder};

/// The Go signature facts the checks need, from the stock surface the probe is built for.
struct GoMethod {
    params: usize,
    returns_error: bool,
    results: usize,
    param_types: Vec<String>,
    result_types: Vec<String>,
}

fn surface_json() -> Json {
    let text = include_str!("../../../../crates/mm-proto/stock/surface.json");
    serde_json::from_str(text).expect("surface.json parses")
}

fn surface(surface: &Json) -> BTreeMap<String, GoMethod> {
    let types = |list: &Json| -> Vec<String> {
        list.as_array().into_iter().flatten().filter_map(|p| p["type"].as_str().map(str::to_owned)).collect()
    };
    let mut out = BTreeMap::new();
    for m in surface["api"].as_array().expect("api") {
        if m["extra"].as_bool() == Some(true) {
            continue; // PluginHTTPStream: served by the RPC server, not a plugin.API method
        }
        let results = m["results"].as_array().cloned().unwrap_or_default();
        let last = results.last().and_then(|r| r["type"].as_str());
        let returns_error = matches!(last, Some("error" | "*model.AppError"));
        out.insert(
            m["name"].as_str().expect("name").to_owned(),
            GoMethod {
                params: m["params"].as_array().map_or(0, Vec::len),
                returns_error,
                results: results.len() - usize::from(returns_error),
                param_types: types(&m["params"]),
                result_types: types(&m["results"]),
            },
        );
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_probe_reaches_every_grpc_method_with_its_arguments() {
    let surface_doc = surface_json();
    let go = surface(&surface_doc);
    let go_types = go_shape::GoTypes::new(&surface_doc);
    let mut sdk_shapes: Vec<String> = Vec::new();
    let error_shaped: BTreeSet<String> =
        go.iter().filter(|(_, m)| m.returns_error).map(|(n, _)| n.clone()).collect();
    let recorder = Recorder::start(error_shaped).await;
    let plugin = plugin::Plugin::launch(&recorder.target()).await;
    plugin.activate().await;

    let before = recorder.recorded().len();
    let (status, body) = plugin.get("/probe").await;
    let calls: Vec<Recorded> = recorder.recorded().split_off(before);
    assert_eq!(status, 200, "GET /probe: {}; log: {}", String::from_utf8_lossy(&body), plugin.stderr());
    if let Some(path) = std::env::var_os("API_PROBE_REPORT") {
        // Kept for inspection (for example, to compare with the Go stand-in's report).
        std::fs::write(path, &body).expect("write the report");
    }
    let report: Json = serde_json::from_slice(&body).expect("the report is JSON");

    // ---- a well-formed report ------------------------------------------------------------
    assert_eq!(report["format"], "stock-api-probe/1");
    assert!(report["probe"].as_str().is_some_and(|p| !p.is_empty()), "the probe names itself");
    let methods = report["methods"].as_object().expect("methods is an object");
    let mut problems: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (name, entries) in methods {
        let mut say = |p: String| problems.entry(name.clone()).or_default().push(p);
        let Some(sig) = go.get(name) else {
            say("not a method of the stock plugin.API".into());
            continue;
        };
        let entries = entries.as_array().expect("a list of calls");
        let shapes: Vec<&str> = entries.iter().map(|c| c["shape"].as_str().unwrap_or("?")).collect();
        let want: &[&str] = if sig.returns_error { &["ok", "error"] } else { &["ok"] };
        if shapes != want {
            say(format!("shapes {shapes:?}, want {want:?}"));
            continue;
        }
        for call in entries {
            let (args, result) = (call["args"].as_array(), call["result"].as_array());
            if args.map(Vec::len) != Some(sig.params) {
                say(format!("{} arguments reported, Go has {}", args.map_or(0, Vec::len), sig.params));
            }
            // LoadPluginConfiguration reports the configuration it decoded as its result.
            let results = sig.results + usize::from(name == "LoadPluginConfiguration");
            if result.map(Vec::len) != Some(results) {
                say(format!("{} results reported, want {results}", result.map_or(0, Vec::len)));
            }
            if name != "LoadPluginConfiguration"
                && sig.params > 0
                && args.is_some_and(|a| a.iter().all(is_zero))
            {
                say("the reported arguments are all zero".into());
            }
            // Arguments in Go's JSON (the probe's job); results in the SDK types' JSON, which
            // the stock harness compares with Go's: differences are listed, not failed here.
            for (i, (arg, ty)) in args.into_iter().flatten().zip(&sig.param_types).enumerate() {
                if !matches!(ty.as_str(), "io.Reader" | "*http.Request") {
                    let mut found = Vec::new();
                    go_types.check(arg, ty, &format!("args[{i}]"), &mut found);
                    found.into_iter().for_each(|p| say(format!("not Go's JSON: {p}")));
                }
            }
            if call["shape"] == "ok" {
                for (i, (value, ty)) in result.into_iter().flatten().zip(&sig.result_types).enumerate() {
                    if ty != "*http.Response" {
                        let mut found = Vec::new();
                        go_types.check(value, ty, &format!("{name} result[{i}]"), &mut found);
                        sdk_shapes.extend(found);
                    }
                }
            }
        }
    }

    // ---- every gRPC method reached, with the arguments the report says ---------------------
    let pool = server::pool();
    let api = pool.get_service_by_name(mm_proto::PLUGIN_API_SERVICE).expect("PluginAPI");
    let grpc: BTreeMap<String, prost_reflect::MethodDescriptor> =
        api.methods().map(|m| (m.name().to_owned(), m)).collect();
    let mut by_method: BTreeMap<&str, Vec<&Recorded>> = BTreeMap::new();
    for call in &calls {
        by_method.entry(call.method.as_str()).or_default().push(call);
    }
    let mut reached = 0;
    for (name, method) in &grpc {
        let mut say = |p: String| problems.entry(name.clone()).or_default().push(p);
        let received = by_method.get(name.as_str()).cloned().unwrap_or_default();
        let Some(reported) = methods.get(name).and_then(Json::as_array) else {
            say(format!("not in the report ({} calls received)", received.len()));
            continue;
        };
        if !received.is_empty() {
            reached += 1;
        }
        if received.len() != reported.len() {
            say(format!("{} calls reported, {} received", reported.len(), received.len()));
            continue;
        }
        for (i, (call, got)) in reported.iter().zip(&received).enumerate() {
            let shape = call["shape"].as_str().unwrap_or("?");
            for p in compare_args(method, call, &got.request) {
                say(format!("call {} ({shape}): {p}", i + 1));
            }
            for p in compare_outcome(name, &go[name.as_str()], call, &got.answer) {
                say(format!("call {} ({shape}): {p}", i + 1));
            }
        }
    }

    // ---- stock-only methods: the SDK refuses them at once on gRPC -------------------------
    let stock_only: Vec<&String> = methods.keys().filter(|n| !grpc.contains_key(*n)).collect();
    for name in &stock_only {
        let mut say = |p: String| problems.entry((*name).clone()).or_default().push(p);
        for call in methods[*name].as_array().into_iter().flatten() {
            let error = &call["error"];
            if error["sdk_kind"] != "Unsupported"
                || !error["message"].as_str().is_some_and(|m| m.contains(*name))
            {
                say(format!("want an Unsupported error naming the method, got {error}"));
            }
        }
    }
    let unknown: Vec<&Recorded> = calls.iter().filter(|c| !grpc.contains_key(&c.method)).collect();
    assert!(unknown.is_empty(), "calls the gRPC contract does not have reached the server: {unknown:?}");

    let missing: Vec<&String> = go.keys().filter(|n| !methods.contains_key(*n)).collect();
    println!(
        "results whose SDK JSON differs from Go's ({}; the recorder fills fields Go's model may lack):\n  {}",
        sdk_shapes.len(),
        sdk_shapes.join("\n  ")
    );
    println!("PluginAPI methods reached by the probe over gRPC: {reached}/{}", grpc.len());
    println!(
        "probe table: {} of {} stock plugin.API methods ({} stock-only, answered Unsupported); not in the table: {missing:?}",
        methods.len(),
        go.len(),
        stock_only.len()
    );
    if !problems.is_empty() {
        let text: Vec<String> =
            problems.iter().map(|(n, ps)| format!("  {n}:\n    {}", ps.join("\n    "))).collect();
        panic!("{} methods failed:\n{}\nlog: {}", problems.len(), text.join("\n"), plugin.stderr());
    }
    assert_eq!(reached, grpc.len(), "every gRPC method is reached");
    assert!(missing.is_empty(), "stock plugin.API methods not in the probe's table: {missing:?}");
    // Every stock method the gRPC contract lacks is in the table and answered Unsupported.
    let want_stock_only: Vec<&String> = go.keys().filter(|n| !grpc.contains_key(*n)).collect();
    assert_eq!(stock_only, want_stock_only, "the stock-only methods answered Unsupported");
    assert_eq!(stock_only.len(), 22, "server/public v0.4.4 has 22 methods the gRPC contract lacks");
}

fn is_zero(value: &Json) -> bool {
    let mut leaves = Vec::new();
    check::report_leaves(value, &mut leaves);
    leaves.is_empty()
}

/// The report's arguments against the request received: Go parameter i is the request's
/// field i, unless the counts differ (then the whole request).
fn compare_args(
    method: &prost_reflect::MethodDescriptor,
    call: &Json,
    request: &DynamicMessage,
) -> Vec<String> {
    let fields: Vec<_> = method.input().fields().collect();
    let args = call["args"].as_array().cloned().unwrap_or_default();
    let mut problems = Vec::new();
    let mut whole = BTreeSet::new();
    check::request_leaves(request, &mut whole);
    for (i, arg) in args.iter().enumerate() {
        let received = if fields.len() == args.len() {
            let mut leaves = BTreeSet::new();
            check::field_leaves(request, &fields[i], &mut leaves);
            leaves
        } else {
            whole.clone()
        };
        let missing = check::missing(arg, &received);
        if !missing.is_empty() {
            let field =
                fields.get(i).filter(|_| fields.len() == args.len()).map_or("the request", |f| f.name());
            problems.push(format!("args[{i}]: {missing:?} not received in {field}"));
        }
    }
    problems
}

/// The report's result and error against what the recorder answered.
fn compare_outcome(name: &str, sig: &GoMethod, call: &Json, answer: &Answer) -> Vec<String> {
    let mut problems = Vec::new();
    let error = &call["error"];
    match answer {
        Answer::Ok => {
            if !error.is_null() {
                problems.push(format!("an error where the recorder answered the ok shape: {error}"));
            }
            let result = call["result"].as_array().cloned().unwrap_or_default();
            if sig.results > 0 && result.iter().all(is_zero) {
                problems
                    .push(format!("an all-zero result where the recorder filled every field: {result:?}"));
            }
        }
        Answer::Error(app_error) => {
            if name == "LoadPluginConfiguration" && error.is_null() {
                return problems; // the stock Go client swallows this error; the SDK may too
            }
            if error["kind"] != "app_error" {
                problems.push(format!("error kind {}, want app_error: {error}", error["kind"]));
                return problems;
            }
            for (key, value) in app_error.fields() {
                let want = match value {
                    Value::String(s) => Json::from(s.as_str()),
                    Value::I32(n) => Json::from(*n),
                    _ => continue,
                };
                if error[key.name()] != want {
                    problems.push(format!("error {} = {}, want {want}", key.name(), error[key.name()]));
                }
            }
        }
    }
    problems
}
