//! The net/rpc mapping against bytes a stock server and a Go plugin exchanged (captured on the
//! real `plugin.Environment` of server/public v0.4.4; see `tests/vectors/`): every captured
//! hook and API call decodes into the prost messages through the generated tables, the values
//! are the ones Go sent, and what we encode decodes back to the same messages.

use bytes::{Bytes, BytesMut};
use mm_gob::{Decoder, Encoder, Limits, MessageQueue, Value};
use mm_proto::netrpc::{self, Method};
use mm_proto::v1;

mm_gob::gob_struct! {
    /// net/rpc's request header.
    #[derive(Debug, Default)]
    struct Request = "Request" { service_method: String = "ServiceMethod", seq: u64 = "Seq" }
}

mm_gob::gob_struct! {
    /// net/rpc's response header.
    #[derive(Debug, Default)]
    struct Response = "Response" { service_method: String = "ServiceMethod", seq: u64 = "Seq", error: String = "Error" }
}

/// One captured stream direction, after the 4-byte broker id or ack.
struct Stream {
    decoder: Decoder,
    queue: MessageQueue,
}

impl Stream {
    fn open(name: &str) -> Stream {
        let path = format!("{}/tests/vectors/{name}.bin", env!("CARGO_MANIFEST_DIR"));
        let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
        let limits = Limits::default();
        let mut queue = MessageQueue::new();
        queue.fill_from(&mut BytesMut::from(&bytes[4..]), &limits).expect("messages");
        Stream { decoder: Decoder::new(limits), queue }
    }

    fn is_done(&self) -> bool {
        self.queue.is_empty()
    }
}

fn method_of(service_method: &str, table: &'static [Method]) -> &'static Method {
    let name = service_method.strip_prefix("Plugin.").expect("a Plugin.<Method> call");
    table.iter().find(|m| m.go_name == name).unwrap_or_else(|| panic!("{name} is not in the table"))
}

/// Decodes every call of a request stream through the table: (method, decoded request or
/// `None` for methods mapped by hand).
fn requests(
    stream: &str,
    table: &'static [Method],
) -> Vec<(&'static str, Option<std::sync::Arc<dyn mm_proto::rpc::RpcMessage>>)> {
    let mut s = Stream::open(stream);
    let mut out = Vec::new();
    while !s.is_done() {
        let header: Request = s.decoder.decode(&mut s.queue).expect("request header");
        if header.service_method == "Plugin.Implemented" {
            // Not a hook: the runtime answers it from the hook table.
            s.decoder.skip(&mut s.queue).expect("body");
            out.push(("Implemented", None));
            continue;
        }
        let method = method_of(&header.service_method, table);
        let body = match &method.codec {
            Some(codec) => Some((codec.decode_request)(&mut s.decoder, &mut s.queue).expect(method.go_name)),
            None => {
                s.decoder.skip(&mut s.queue).expect("body");
                None
            }
        };
        out.push((method.go_name, body));
    }
    out
}

fn responses(
    stream: &str,
    table: &'static [Method],
) -> Vec<(&'static str, Option<std::sync::Arc<dyn mm_proto::rpc::RpcMessage>>)> {
    let mut s = Stream::open(stream);
    let mut out = Vec::new();
    while !s.is_done() {
        let header: Response = s.decoder.decode(&mut s.queue).expect("response header");
        assert_eq!(header.error, "", "{}", header.service_method);
        let name = header.service_method.strip_prefix("Plugin.").expect("Plugin.<Method>");
        let method = table.iter().find(|m| m.go_name == name);
        let body = match method.and_then(|m| m.codec.as_ref()) {
            Some(codec) => Some((codec.decode_response)(&mut s.decoder, &mut s.queue).expect(name)),
            None => {
                s.decoder.skip(&mut s.queue).expect("body");
                None
            }
        };
        out.push((method.map_or("Implemented", |m| m.go_name), body));
    }
    out
}

fn take<T: Clone + 'static>(
    decoded: &mut Vec<(&'static str, Option<std::sync::Arc<dyn mm_proto::rpc::RpcMessage>>)>,
    name: &str,
) -> T {
    let at =
        decoded.iter().position(|(n, b)| *n == name && b.is_some()).unwrap_or_else(|| panic!("no {name}"));
    let (_, body) = decoded.remove(at);
    let body = body.expect("decoded");
    body.downcast_ref::<T>().cloned().unwrap_or_else(|| panic!("{name} decoded into another type"))
}

/// Encodes with a fresh encoder, then decodes with a fresh decoder.
fn round_trip<T: mm_gob::Encode + mm_gob::Decode>(value: &T) -> T {
    let mut bytes = Vec::new();
    Encoder::new().encode(value, &mut bytes).expect("encodes");
    let limits = Limits::default();
    let mut queue = MessageQueue::new();
    queue.fill_from(&mut BytesMut::from(&bytes[..]), &limits).expect("messages");
    Decoder::new(limits).decode(&mut queue).expect("decodes")
}

#[test]
fn the_tables_list_every_stock_method_and_hook() {
    assert_eq!(netrpc::API.len(), 258, "server/public v0.4.4 plugin.API has 258 methods");
    assert_eq!(netrpc::HOOKS.len(), 51, "plugin.Hooks has 51 hooks besides Implemented");
    let by_hand: Vec<_> =
        netrpc::API.iter().chain(netrpc::HOOKS).filter(|m| m.codec.is_none()).map(|m| m.go_name).collect();
    assert_eq!(
        by_hand,
        [
            "InstallPlugin",
            "LogDebug",
            "LogError",
            "LogInfo",
            "LogWarn",
            "PluginHTTP",
            "ReceiveSharedChannelAttachmentSyncMsg",
            "UploadData",
            "FileWillBeUploaded",
            "OnActivate",
            "ServeHTTP",
            "ServeMetrics"
        ]
    );
    assert_eq!(netrpc::API.iter().filter(|m| !m.in_grpc_contract()).count(), 22);
    assert_eq!(netrpc::HOOKS.iter().filter(|m| !m.in_grpc_contract()).count(), 10);
    assert_eq!(netrpc::api_method("GetUser").map(Method::service_method).as_deref(), Some("Plugin.GetUser"));
}

#[test]
fn the_captured_message_will_be_posted_decodes_and_its_props_keep_their_go_types() {
    let mut s = Stream::open("07-h2p");
    let mut seen = None;
    while !s.is_done() {
        let header: Request = s.decoder.decode(&mut s.queue).expect("header");
        if header.service_method != "Plugin.MessageWillBePosted" {
            s.decoder.skip(&mut s.queue).expect("body");
            continue;
        }
        let codec = netrpc::hook("MessageWillBePosted").and_then(|m| m.codec).expect("codec");
        let (body, memory) = netrpc::remember_props(|| (codec.decode_request)(&mut s.decoder, &mut s.queue));
        let body = body.expect("decodes");
        let request = body.downcast_ref::<v1::MessageWillBePostedRequest>().cloned().expect("type");
        seen = Some((request, memory));
    }
    let (request, memory) = seen.expect("the capture has a MessageWillBePosted call");
    assert_eq!(request.plugin_context.as_ref().map(|c| c.request_id.as_str()), Some("req-1"));
    let post = request.post.expect("post");
    assert_eq!(post.message, "hello from the host");
    assert_eq!(post.create_at, 1_700_000_002_000);
    assert_eq!(post.user_id, "u1234567890abcdefghijklmno");
    let props = post.props.clone().expect("props");
    use prost_types::value::Kind;
    assert_eq!(props.fields["count"].kind, Some(Kind::NumberValue(2.0)));
    assert_eq!(props.fields["from_bot"].kind, Some(Kind::StringValue("true".into())));
    let Some(Kind::StructValue(nested)) = &props.fields["nested"].kind else { panic!("nested is a map") };
    let Some(Kind::ListValue(k)) = &nested.fields["k"].kind else { panic!("k is a list") };
    assert_eq!(k.values[1].kind, Some(Kind::NumberValue(1.5)));
    assert_eq!(memory.len(), 1, "only `count` (a Go int) needs its type back: {memory:?}");

    // The plugin changes the message and adds a prop; `count` goes back as an int, the rest as
    // encoding/json would type it.
    let mut changed = post.clone();
    changed.message.push_str(" [seen by rust]");
    let mut props = props;
    props.fields.insert("rust".into(), prost_types::Value { kind: Some(Kind::BoolValue(true)) });
    // A copy of the received props one level deeper keeps their Go types too; a new value
    // equal to nothing received stays a float64.
    let mut echo = post.props.clone().expect("props");
    echo.fields.insert("fresh".into(), prost_types::Value { kind: Some(Kind::NumberValue(2.0)) });
    props.fields.insert("echo".into(), prost_types::Value { kind: Some(Kind::StructValue(echo)) });
    changed.props = Some(props);
    let response =
        v1::MessageWillBePostedResponse { modified_post: Some(changed), rejection_reason: String::new() };
    let mut bytes = Vec::new();
    memory.apply(|| Encoder::new().encode(&response, &mut bytes)).expect("encodes");
    let limits = Limits::default();
    let mut queue = MessageQueue::new();
    queue.fill_from(&mut BytesMut::from(&bytes[..]), &limits).expect("messages");
    let value = Decoder::new(limits).decode_value(&mut queue).expect("schema-less");
    let props = value.field("A").and_then(|post| post.field("Props")).expect("A.Props");
    let iface = |key: &str| props.get(key).and_then(Value::as_interface).cloned().expect(key);
    assert_eq!(iface("count").name(), "int");
    assert_eq!(iface("count").value(), &Value::Int(2));
    assert_eq!(iface("from_bot").name(), "string");
    assert_eq!(iface("rust").name(), "bool");
    let nested = iface("nested");
    assert_eq!(nested.name(), "map[string]interface {}");
    let k = nested.value().get("k").and_then(Value::as_interface).expect("k");
    assert_eq!(k.name(), "[]interface {}");
    let second = k.value().as_slice().and_then(|items| items[1].as_interface()).expect("k[1]");
    assert_eq!((second.name(), second.value()), ("float64", &Value::Float(1.5)));
    let echo = iface("echo");
    let echoed = |key: &str| echo.value().get(key).and_then(Value::as_interface).cloned().expect(key);
    assert_eq!((echoed("count").name(), echoed("count").value()), ("int", &Value::Int(2)));
    assert_eq!((echoed("fresh").name(), echoed("fresh").value()), ("float64", &Value::Float(2.0)));
    let message = value.field("A").and_then(|post| post.field("Message")).and_then(Value::as_str);
    assert_eq!(message, Some("hello from the host [seen by rust]"));
}

#[test]
fn the_captured_hook_calls_decode_through_the_table_and_round_trip() {
    let mut calls = requests("07-h2p", netrpc::HOOKS);
    let names: Vec<_> = calls.iter().map(|(n, _)| *n).collect();
    assert_eq!(
        names,
        [
            "Implemented",
            "OnActivate",
            "MessageWillBePosted",
            "ExecuteCommand",
            "ExecuteCommand",
            "ServeHTTP",
            "OnDeactivate"
        ]
    );
    let demo: v1::ExecuteCommandRequest = take(&mut calls, "ExecuteCommand");
    let args = demo.args.clone().expect("args");
    assert_eq!(args.command, "/demo");
    assert_eq!(args.team_id, "t1234567890abcdefghijklmno");
    assert_eq!(args.site_url, "http://localhost:8065");
    assert_eq!(round_trip(&demo), demo);

    let mut replies = responses("07-p2h", netrpc::HOOKS);
    let first: v1::ExecuteCommandResponse = take(&mut replies, "ExecuteCommand");
    assert!(first.error.is_none());
    assert!(first.response.as_ref().is_some_and(|r| !r.text.is_empty()), "{first:?}");
    let failed: v1::ExecuteCommandResponse = take(&mut replies, "ExecuteCommand");
    let error = failed.error.clone().expect("the /fail command answered an AppError");
    assert_eq!(
        (error.id.as_str(), error.status_code, error.r#where.as_str()),
        ("demo.fail", 418, "ExecuteCommand")
    );
    assert_eq!(error.detailed_error, "requested failure");
    assert_eq!(round_trip(&failed), failed);
    let posted: v1::MessageWillBePostedResponse = take(&mut replies, "MessageWillBePosted");
    assert_eq!(
        posted.modified_post.map(|p| p.message).as_deref(),
        Some("hello from the host [seen by netrpc-demo]")
    );
}

#[test]
fn the_captured_api_calls_decode_through_the_table_and_round_trip() {
    let mut calls = requests("02-p2h", netrpc::API);
    let names: Vec<_> = calls.iter().map(|(n, _)| *n).collect();
    assert_eq!(
        names,
        ["GetServerVersion", "KVSet", "KVGet", "LogInfo", "GetServerVersion", "KVSet", "KVGet", "CreatePost"]
    );
    let set: v1::KvSetRequest = take(&mut calls, "KVSet");
    assert_eq!(set.key, "activated_on");
    assert_eq!(set.value, Bytes::from_static(b"10.11.0-netrpc-harness"));
    assert_eq!(round_trip(&set), set);
    let create: v1::CreatePostRequest = take(&mut calls, "CreatePost");
    let post = create.post.clone().expect("post");
    assert!(!post.channel_id.is_empty() && !post.message.is_empty(), "{post:?}");
    assert_eq!(round_trip(&create), create);

    let mut replies = responses("02-h2p", netrpc::API);
    let version: v1::GetServerVersionResponse = take(&mut replies, "GetServerVersion");
    assert_eq!(version.version, "10.11.0-netrpc-harness");
    let got: v1::KvGetResponse = take(&mut replies, "KVGet");
    assert!(got.error.is_none());
    assert_eq!(got.value, Bytes::from_static(b"10.11.0-netrpc-harness"));
    let created: v1::CreatePostResponse = take(&mut replies, "CreatePost");
    let post = created.post.clone().expect("the created post");
    assert!(!post.id.is_empty(), "{post:?}");
    assert_eq!(round_trip(&created), created);
}

/// A JSON-like `google.protobuf.Struct` from string/number pairs.
fn props(pairs: &[(&str, f64)]) -> mm_proto::prost_types::Struct {
    use mm_proto::prost_types::{Value as PValue, value::Kind};
    mm_proto::prost_types::Struct {
        fields: pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), PValue { kind: Some(Kind::NumberValue(*v)) }))
            .collect(),
    }
}

#[test]
fn a_post_decoded_into_another_merges_like_go() {
    // What a plugin's MessageWillBePosted reply carries: an emptied message, one new prop.
    let reply = v1::Post { id: "p".repeat(26), props: Some(props(&[("added", 1.0)])), ..Default::default() };
    let mut bytes = Vec::new();
    Encoder::new().encode(&reply, &mut bytes).expect("encodes");
    let limits = Limits::default();
    let mut queue = MessageQueue::new();
    queue.fill_from(&mut BytesMut::from(&bytes[..]), &limits).expect("messages");
    // What the server pre-filled: the post it sent.
    let mut post = v1::Post {
        id: "p".repeat(26),
        message: "kept".into(),
        props: Some(props(&[("kept", 2.0), ("added", 0.0)])),
        ..Default::default()
    };
    Decoder::new(limits).decode_into(&mut post, &mut queue).expect("decodes");
    assert_eq!(post.message, "kept", "gob leaves the empty message out; the old one stays");
    let fields = &post.props.as_ref().expect("props").fields;
    assert_eq!(fields.len(), 2, "{fields:?}");
    assert!(fields.contains_key("kept"), "entries are never removed: {fields:?}");
    assert_eq!(fields["added"], props(&[("added", 1.0)]).fields["added"], "entries are replaced");
}
