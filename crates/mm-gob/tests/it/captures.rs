//! Decoding the bytes a stock Mattermost server (server/public v0.4.4) and a stock Go plugin
//! exchanged (`/work/shared/netrpc/captures`, copied to `tests/vectors/`).

use std::collections::HashMap;

use bytes::Bytes;
use mm_gob::{
    Decode, Decoder, Encode, Encoder, ErrorKind, GoType, Interface, Kind, Limits, MessageQueue, OpaqueKind,
    Result, StaticType, TypeRef, Value, ValueReader, ValueWriter,
};

use crate::support::{self, messages};

const S01_H2P: &[u8] = include_bytes!("../vectors/01-h2p.bin");
const S01_P2H: &[u8] = include_bytes!("../vectors/01-p2h.bin");
const S02_H2P: &[u8] = include_bytes!("../vectors/02-h2p.bin");
const S02_P2H: &[u8] = include_bytes!("../vectors/02-p2h.bin");
const S06_H2P: &[u8] = include_bytes!("../vectors/06-h2p.bin");
const S06_P2H: &[u8] = include_bytes!("../vectors/06-p2h.bin");
const S07_H2P: &[u8] = include_bytes!("../vectors/07-h2p.bin");
const S07_P2H: &[u8] = include_bytes!("../vectors/07-p2h.bin");

/// Broker streams start with the 4-byte broker id (dialer) or its ack (acceptor).
fn gob(stream: &[u8], broker: bool) -> &[u8] {
    if broker { &stream[4..] } else { stream }
}

mm_gob::gob_struct! {
    #[derive(Debug, Clone, Default, PartialEq)]
    struct Request = "Request" {
        service_method: String = "ServiceMethod",
        seq: u64 = "Seq",
    }
}

mm_gob::gob_struct! {
    #[derive(Debug, Clone, Default, PartialEq)]
    struct Response = "Response" {
        service_method: String = "ServiceMethod",
        seq: u64 = "Seq",
        error: String = "Error",
    }
}

mm_gob::gob_struct! {
    #[derive(Debug, Clone, Default, PartialEq)]
    struct OnActivateArgs = "Z_OnActivateArgs" {
        api_mux_id: u32 = "APIMuxId",
        driver_mux_id: u32 = "DriverMuxId",
    }
}

mm_gob::gob_struct! {
    #[derive(Debug, Clone, Default, PartialEq)]
    struct KvSetArgs = "Z_KVSetArgs" {
        a: String = "A",
        b: Vec<u8> = "B",
    }
}

mm_gob::gob_struct! {
    #[derive(Debug, Clone, Default, PartialEq)]
    struct LogInfoArgs = "Z_LogInfoArgs" {
        a: String = "A",
        b: Vec<Option<Interface>> = "B",
    }
}

mm_gob::gob_struct! {
    #[derive(Debug, Clone, Default, PartialEq)]
    struct Context = "Context" {
        session_id: String = "SessionId",
        connection_id: String = "ConnectionId",
        request_id: String = "RequestId",
        ip_address: String = "IPAddress",
        accept_language: String = "AcceptLanguage",
        user_agent: String = "UserAgent",
    }
}

// A subset of model.Post: the fields the plugin cares about (gob matches by name).
mm_gob::gob_struct! {
    #[derive(Debug, Clone, Default, PartialEq)]
    struct Post = "Post" {
        id: String = "Id",
        create_at: i64 = "CreateAt",
        user_id: String = "UserId",
        channel_id: String = "ChannelId",
        message: String = "Message",
        props: HashMap<String, Option<Interface>> = "Props",
        file_ids: Vec<String> = "FileIds",
    }
}

mm_gob::gob_struct! {
    #[derive(Debug, Clone, Default, PartialEq)]
    struct MessageWillBePostedArgs = "Z_MessageWillBePostedArgs" {
        a: Option<Context> = "A",
        b: Option<Post> = "B",
    }
}

mm_gob::gob_struct! {
    #[derive(Debug, Clone, Default, PartialEq)]
    struct MessageWillBePostedReturns = "Z_MessageWillBePostedReturns" {
        a: Option<Post> = "A",
        b: String = "B",
    }
}

mm_gob::gob_struct! {
    #[derive(Debug, Clone, Default, PartialEq)]
    struct AppError = "AppError" {
        id: String = "Id",
        message: String = "Message",
        detailed_error: String = "DetailedError",
        request_id: String = "RequestId",
        status_code: i32 = "StatusCode",
        r#where: String = "Where",
        skip_translation: bool = "SkipTranslation",
    }
}

mm_gob::gob_struct! {
    #[derive(Debug, Clone, Default, PartialEq)]
    struct CommandResponse = "CommandResponse" {
        response_type: String = "ResponseType",
        text: String = "Text",
        extra_responses: Vec<CommandResponse> = "ExtraResponses",
    }
}

mm_gob::gob_struct! {
    #[derive(Debug, Clone, Default, PartialEq)]
    struct ExecuteCommandReturns = "Z_ExecuteCommandReturns" {
        a: Option<CommandResponse> = "A",
        b: Option<AppError> = "B",
    }
}

mm_gob::gob_struct! {
    #[derive(Debug, Clone, Default, PartialEq)]
    struct CommandArgs = "CommandArgs" {
        user_id: String = "UserId",
        channel_id: String = "ChannelId",
        team_id: String = "TeamId",
        command: String = "Command",
        site_url: String = "SiteURL",
        user_mentions: HashMap<String, String> = "UserMentions",
    }
}

mm_gob::gob_struct! {
    #[derive(Debug, Clone, Default, PartialEq)]
    struct ExecuteCommandArgs = "Z_ExecuteCommandArgs" {
        a: Option<Context> = "A",
        b: Option<CommandArgs> = "B",
    }
}

/// `*url.URL`: a BinaryMarshaler, its string form as opaque bytes. A hand-written impl.
#[derive(Debug, Clone, Default, PartialEq)]
struct Url(String);

static URL: GoType = GoType { name: "", kind: Kind::Opaque(OpaqueKind::BinaryMarshaler) };

impl StaticType for Url {
    fn static_type() -> &'static GoType {
        &URL
    }
}

impl Encode for Url {
    fn go_type(&self) -> TypeRef {
        TypeRef::Static(&URL)
    }
    fn encode(&self, w: &mut ValueWriter<'_>) -> Result<()> {
        w.opaque(self.0.as_bytes());
        Ok(())
    }
    fn is_zero(&self) -> bool {
        self.0.is_empty()
    }
}

impl Decode for Url {
    fn decode(r: &mut ValueReader<'_>) -> Result<Self> {
        let bytes = r.opaque()?;
        String::from_utf8(bytes.to_vec())
            .map(Url)
            .map_err(|_| r.error(ErrorKind::InvalidUtf8, "URL is not UTF-8"))
    }
}

mm_gob::gob_struct! {
    #[derive(Debug, Clone, Default, PartialEq)]
    struct HttpRequestSubset = "HTTPRequestSubset" {
        method: String = "Method",
        url: Option<Url> = "URL",
        proto: String = "Proto",
        proto_major: i64 = "ProtoMajor",
        proto_minor: i64 = "ProtoMinor",
        header: HashMap<String, Vec<String>> = "Header",
        host: String = "Host",
        remote_addr: String = "RemoteAddr",
        request_uri: String = "RequestURI",
        body: Option<Interface> = "Body",
    }
}

mm_gob::gob_struct! {
    #[derive(Debug, Clone, Default, PartialEq)]
    struct ServeHttpArgs = "Z_ServeHTTPArgs" {
        response_writer_stream: u32 = "ResponseWriterStream",
        request: Option<HttpRequestSubset> = "Request",
        context: Option<Context> = "Context",
        request_body_stream: u32 = "RequestBodyStream",
    }
}

/// Decodes the next value of `T`, all messages being queued.
fn next<T: Decode>(dec: &mut Decoder, q: &mut MessageQueue) -> T {
    dec.decode(q).unwrap_or_else(|e| panic!("decoding {}: {e}", std::any::type_name::<T>()))
}

#[test]
fn dispense_request_and_reply_are_byte_exact() {
    let mut q = support::queue(&S01_H2P[..80]);
    let mut dec = Decoder::new(Limits::default());
    let req: Request = next(&mut dec, &mut q);
    assert_eq!(req, Request { service_method: "Dispenser.Dispense".into(), seq: 0 });
    assert_eq!(next::<String>(&mut dec, &mut q), "hooks");
    assert!(q.is_empty());

    let mut enc = Encoder::new();
    let mut out = Vec::new();
    enc.encode(&req, &mut out).unwrap();
    enc.encode(&"hooks", &mut out).unwrap();
    assert_eq!(out, &S01_H2P[..80]);

    // The plugin's reply: Response, then uint32 1 as `03 06 00 01`.
    let mut q = support::queue(&S01_P2H[..86]);
    let mut dec = Decoder::new(Limits::default());
    let resp: Response = next(&mut dec, &mut q);
    assert_eq!(resp.service_method, "Dispenser.Dispense");
    assert_eq!(next::<u32>(&mut dec, &mut q), 1);
    let mut enc = Encoder::new();
    let mut out = Vec::new();
    enc.encode(&resp, &mut out).unwrap();
    enc.encode(&1u32, &mut out).unwrap();
    assert_eq!(out, &S01_P2H[..86]);
}

#[test]
fn control_stream_quit_and_empty_struct_reply() {
    let mut q = support::queue(S01_H2P);
    let mut dec = Decoder::new(Limits::default());
    next::<Request>(&mut dec, &mut q);
    next::<String>(&mut dec, &mut q);
    let quit: Request = next(&mut dec, &mut q);
    assert_eq!(quit, Request { service_method: "Control.Quit".into(), seq: 1 });
    assert!(next::<bool>(&mut dec, &mut q));

    let mut q = support::queue(S01_P2H);
    let mut dec = Decoder::new(Limits::default());
    next::<Response>(&mut dec, &mut q);
    next::<u32>(&mut dec, &mut q);
    assert_eq!(next::<Response>(&mut dec, &mut q).seq, 1);
    // `struct {}` with an empty name, value `03 ffde 00`.
    next::<()>(&mut dec, &mut q);
    assert!(q.is_empty());

    // Our own `()` reply is the same shape: a field-less struct definition and `00`.
    let mut out = Vec::new();
    Encoder::new().encode(&(), &mut out).unwrap();
    assert_eq!(out, [0x09, 0x7f, 0x03, 0x01, 0x02, 0xff, 0x80, 0x00, 0x00, 0x00, 0x03, 0xff, 0x80, 0x00]);
}

/// Expected number of values per stream (from `streams.txt`).
const STREAMS: [(&str, &[u8], bool, usize); 8] = [
    ("01-h2p", S01_H2P, false, 4),
    ("01-p2h", S01_P2H, false, 4),
    ("02-h2p", S02_H2P, true, 16),
    ("02-p2h", S02_P2H, true, 16),
    ("06-h2p", S06_H2P, true, 10),
    ("06-p2h", S06_P2H, true, 10),
    ("07-h2p", S07_H2P, true, 14),
    ("07-p2h", S07_P2H, true, 14),
];

#[test]
fn every_captured_value_decodes_schema_less_and_round_trips() {
    for (name, stream, broker, expected) in STREAMS {
        let values =
            support::decode_all_values(gob(stream, broker)).unwrap_or_else(|e| panic!("stream {name}: {e}"));
        assert_eq!(values.len(), expected, "values in stream {name}");

        // Re-encode every value on one new stream (types defined once) and decode it again.
        let mut enc = Encoder::new();
        let mut out = Vec::new();
        for v in &values {
            enc.encode(v, &mut out).unwrap_or_else(|e| panic!("re-encoding a value of {name}: {e}"));
        }
        let again = support::decode_all_values(&out).unwrap();
        assert_eq!(again, values, "stream {name} after re-encoding");
        // Each type is defined once: the re-encoded stream is no longer than Go's (shorter
        // where Go wrote a type twice under two ids, or split a value).
        assert!(out.len() <= gob(stream, broker).len(), "{name}: re-encoding grew the stream");
    }
}

#[test]
fn every_captured_stream_decodes_one_message_at_a_time() {
    for (name, stream, broker, expected) in STREAMS {
        let (values, incomplete) = support::decode_incrementally(gob(stream, broker))
            .unwrap_or_else(|e| panic!("stream {name}: {e}"));
        assert_eq!(values.len(), expected, "values in stream {name}");
        assert_eq!(values, support::decode_all_values(gob(stream, broker)).unwrap());
        // Every value waits for its own message at least once when fed one by one.
        assert!(incomplete >= expected, "{name}: {incomplete} incomplete attempts");
    }
}

#[test]
fn on_activate_args() {
    let msgs = messages(gob(S07_H2P, true));
    let mut q = MessageQueue::new();
    // Implemented request (header + body), then the OnActivate request.
    for m in msgs.iter().take(8) {
        q.push(m.clone());
    }
    let mut dec = Decoder::new(Limits::default());
    assert_eq!(next::<Request>(&mut dec, &mut q).service_method, "Plugin.Implemented");
    next::<()>(&mut dec, &mut q);
    assert_eq!(next::<Request>(&mut dec, &mut q).seq, 1);
    let args: OnActivateArgs = next(&mut dec, &mut q);
    assert_eq!(args, OnActivateArgs { api_mux_id: 1, driver_mux_id: 2 });
}

#[test]
fn kv_set_and_log_info_args_from_the_plugin() {
    let values = support::decode_stream::<Request>(gob(S02_P2H, true));
    let mut q = support::queue(gob(S02_P2H, true));
    let mut dec = Decoder::new(Limits::default());
    assert_eq!(values[0].service_method, "Plugin.GetServerVersion");
    next::<Request>(&mut dec, &mut q);
    next::<()>(&mut dec, &mut q);
    assert_eq!(next::<Request>(&mut dec, &mut q).service_method, "Plugin.KVSet");
    let kv: KvSetArgs = next(&mut dec, &mut q);
    assert_eq!(kv, KvSetArgs { a: "activated_on".into(), b: b"10.11.0-netrpc-harness".to_vec() });
    next::<Request>(&mut dec, &mut q);
    dec.skip(&mut q).unwrap(); // KVGet args
    assert_eq!(next::<Request>(&mut dec, &mut q).service_method, "Plugin.LogInfo");
    let log: LogInfoArgs = next(&mut dec, &mut q);
    assert_eq!(log.a, "demo plugin activated");
    assert_eq!(
        log.b,
        vec![Some(Interface::string("server_version")), Some(Interface::string("10.11.0-netrpc-harness"))]
    );
}

/// The messages of stream 7 (host to plugin) up to and including MessageWillBePosted.
fn message_will_be_posted_messages() -> (Vec<Bytes>, usize) {
    let msgs = messages(gob(S07_H2P, true));
    // 7 messages before: Implemented (3) and OnActivate (3) requests, then the Request header.
    (msgs, 8)
}

fn expected_props() -> HashMap<String, Option<Interface>> {
    HashMap::from([
        ("count".to_string(), Some(Interface::int(2))),
        ("from_bot".to_string(), Some(Interface::string("true"))),
        (
            "nested".to_string(),
            Some(Interface::map([(
                "k".to_string(),
                Some(Interface::slice(vec![Some(Interface::string("a")), Some(Interface::float64(1.5))])),
            )])),
        ),
    ])
}

#[test]
fn message_will_be_posted_spans_two_messages() {
    let (msgs, first) = message_will_be_posted_messages();
    let mut dec = Decoder::new(Limits::default());
    let mut q = MessageQueue::new();
    for m in &msgs[..first] {
        q.push(m.clone());
    }
    next::<Request>(&mut dec, &mut q);
    next::<()>(&mut dec, &mut q);
    next::<Request>(&mut dec, &mut q);
    next::<OnActivateArgs>(&mut dec, &mut q);
    assert_eq!(next::<Request>(&mut dec, &mut q).service_method, "Plugin.MessageWillBePosted");
    assert!(q.is_empty());

    // Feed the rest one message at a time: every attempt before the last message of the
    // value reports Incomplete and changes nothing.
    let mut pushed = first;
    let args: MessageWillBePostedArgs = loop {
        let before = (q.len(), dec.defined_types());
        match dec.decode(&mut q) {
            Ok(args) => break args,
            Err(e) if e.is_incomplete() => {
                assert_eq!((q.len(), dec.defined_types()), before, "state changed on Incomplete");
                q.push(msgs[pushed].clone());
                pushed += 1;
            }
            Err(e) => panic!("{e}"),
        }
    };
    // The value's two messages were both needed: the type definitions (25 messages), the
    // value's first message ending with the inline `map[string]interface {}` definition, and
    // the second one.
    assert_eq!(pushed, first + 25 + 2);
    assert_eq!(support::split_values(gob(S07_H2P, true)), 1, "only MessageWillBePosted is split");
    assert_eq!(args.a.unwrap().request_id, "req-1");
    let post = args.b.unwrap();
    assert_eq!(post.create_at, 1_700_000_002_000);
    assert_eq!(post.user_id, "u1234567890abcdefghijklmno");
    assert_eq!(post.channel_id, "c1234567890abcdefghijklmno");
    assert_eq!(post.message, "hello from the host");
    assert_eq!(post.props, expected_props());
    // Go type names are kept.
    let nested = post.props["nested"].as_ref().unwrap();
    assert_eq!(nested.name(), "map[string]interface {}");
    let k = nested.value().get("k").unwrap().as_interface().unwrap();
    assert_eq!(k.name(), "[]interface {}");
    assert_eq!(k.value().as_slice().unwrap()[1].as_interface().unwrap().name(), "float64");
    assert_eq!(post.props["count"].as_ref().unwrap().name(), "int");
}

#[test]
fn message_will_be_posted_split_at_every_boundary() {
    let (msgs, first) = message_will_be_posted_messages();
    let value_end = first + 25 + 2;
    // Whatever the prefix queued when decoding starts, the result is the same.
    for split in first..=value_end {
        let mut dec = Decoder::new(Limits::default());
        let mut q = MessageQueue::new();
        for m in &msgs[..first] {
            q.push(m.clone());
        }
        for _ in 0..5 {
            dec.skip(&mut q).unwrap();
        }
        for m in &msgs[first..split] {
            q.push(m.clone());
        }
        let result = dec.decode::<MessageWillBePostedArgs>(&mut q);
        if split < value_end {
            let err = result.unwrap_err();
            assert!(err.is_incomplete(), "split {split}: {err}");
            assert_eq!(q.len(), split - first, "split {split}: queue changed");
            for m in &msgs[split..value_end] {
                q.push(m.clone());
            }
            let args = dec.decode::<MessageWillBePostedArgs>(&mut q).unwrap();
            assert_eq!(args.b.unwrap().props, expected_props());
        } else {
            assert_eq!(result.unwrap().b.unwrap().props, expected_props());
        }
        assert!(q.is_empty());
        // The stream goes on: ExecuteCommand's request follows.
        for m in &msgs[value_end..] {
            q.push(m.clone());
        }
        assert_eq!(next::<Request>(&mut dec, &mut q).service_method, "Plugin.ExecuteCommand");
    }
}

#[test]
fn message_will_be_posted_reply_merges_into_the_input() {
    let msgs = messages(gob(S07_P2H, true));
    let mut dec = Decoder::new(Limits::default());
    let mut q = MessageQueue::new();
    for m in msgs {
        q.push(m);
    }
    // Implemented reply, OnActivate reply.
    next::<Response>(&mut dec, &mut q);
    assert_eq!(
        next::<Vec<String>>(&mut dec, &mut q),
        ["ExecuteCommand", "MessageWillBePosted", "OnActivate", "OnDeactivate", "ServeHTTP"]
    );
    next::<Response>(&mut dec, &mut q);
    dec.skip(&mut q).unwrap();
    assert_eq!(next::<Response>(&mut dec, &mut q).service_method, "Plugin.MessageWillBePosted");

    // Mattermost pre-fills the returns with the input post and decodes the reply into it.
    let mut input = Post {
        id: "kept".into(),
        message: "hello from the host".into(),
        file_ids: vec!["f1".into()],
        ..Post::default()
    };
    input.props = expected_props();
    input.props.insert("only_here".into(), Some(Interface::bool(false)));
    let mut returns = MessageWillBePostedReturns { a: Some(input), b: String::new() };
    dec.decode_into(&mut returns, &mut q).unwrap();
    let post = returns.a.unwrap();
    assert_eq!(post.message, "hello from the host [seen by netrpc-demo]");
    assert_eq!(post.id, "kept", "absent fields keep their values");
    assert_eq!(post.file_ids, ["f1"]);
    assert_eq!(post.props["netrpc_demo"], Some(Interface::bool(true)));
    assert_eq!(post.props["only_here"], Some(Interface::bool(false)), "maps merge");
    assert_eq!(post.props["nested"], expected_props()["nested"]);
}

#[test]
fn execute_command_app_error_reply() {
    let mut q = support::queue(gob(S07_P2H, true));
    let mut dec = Decoder::new(Limits::default());
    let mut replies = Vec::new();
    while !q.is_empty() {
        let header: Response = next(&mut dec, &mut q);
        if header.service_method == "Plugin.ExecuteCommand" {
            replies.push(next::<ExecuteCommandReturns>(&mut dec, &mut q));
        } else {
            dec.skip(&mut q).unwrap();
        }
    }
    assert_eq!(replies.len(), 2);
    let ok = replies[0].a.as_ref().unwrap();
    assert_eq!(ok.response_type, "ephemeral");
    assert!(ok.text.starts_with("server=10.11.0-netrpc-harness"));
    assert_eq!(replies[0].b, None);
    assert_eq!(replies[1].a, None);
    assert_eq!(
        replies[1].b,
        Some(AppError {
            id: "demo.fail".into(),
            message: "demo.fail".into(),
            detailed_error: "requested failure".into(),
            status_code: 418,
            r#where: "ExecuteCommand".into(),
            ..AppError::default()
        })
    );
}

#[test]
fn execute_command_args() {
    let mut q = support::queue(gob(S07_H2P, true));
    let mut dec = Decoder::new(Limits::default());
    let mut commands = Vec::new();
    while !q.is_empty() {
        let header: Request = next(&mut dec, &mut q);
        if header.service_method == "Plugin.ExecuteCommand" {
            commands.push(next::<ExecuteCommandArgs>(&mut dec, &mut q));
        } else {
            dec.skip(&mut q).unwrap();
        }
    }
    let commands: Vec<_> = commands.into_iter().map(|c| c.b.unwrap()).collect();
    assert_eq!(commands[0].command, "/demo");
    assert_eq!(commands[1].command, "/fail");
    assert_eq!(commands[0].team_id, "t1234567890abcdefghijklmno");
    assert_eq!(commands[0].site_url, "http://localhost:8065");
    // Go sent the non-nil empty mention maps.
    assert!(commands[0].user_mentions.is_empty());
}

#[test]
fn serve_http_args_carry_the_url_as_opaque_bytes() {
    let mut q = support::queue(gob(S07_H2P, true));
    let mut dec = Decoder::new(Limits::default());
    let args = loop {
        let header: Request = next(&mut dec, &mut q);
        if header.service_method == "Plugin.ServeHTTP" {
            break next::<ServeHttpArgs>(&mut dec, &mut q);
        }
        dec.skip(&mut q).unwrap();
    };
    assert_eq!(args.response_writer_stream, 3);
    assert_eq!(args.request_body_stream, 4);
    let req = args.request.as_ref().unwrap();
    assert_eq!(req.method, "POST");
    assert_eq!(req.url, Some(Url("/echo?q=1".into())));
    assert_eq!((req.proto.as_str(), req.proto_major, req.proto_minor), ("HTTP/1.1", 1, 1));
    assert_eq!(req.header["Content-Length"], ["9"]);
    assert_eq!(req.header["User-Agent"], ["Go-http-client/1.1"]);
    assert_eq!(req.request_uri, "/plugins/com.example.netrpc-demo/echo?q=1");
    assert_eq!(req.body, None);
    assert_eq!(args.context.as_ref().unwrap().request_id, "rj7a7k75hprbtyn6zu4z6xuhry");
    // The same bytes as a schema-less value: the URL is an opaque BinaryMarshaler value.
    let value = Value::from_encode(&args).unwrap();
    let url = value.field("Request").unwrap().field("URL").unwrap();
    assert!(
        matches!(url, Value::Opaque(t, b) if t.kind() == mm_gob::TypeKind::Opaque(OpaqueKind::BinaryMarshaler) && b == b"/echo?q=1")
    );

    // Re-encoded and decoded again, typed.
    let mut out = Vec::new();
    Encoder::new().encode(&args, &mut out).unwrap();
    let mut q = support::queue(&out);
    assert_eq!(Decoder::new(Limits::default()).decode::<ServeHttpArgs>(&mut q).unwrap(), args);
}

#[test]
fn response_writer_calls() {
    // Plugin to host: Header(struct{}), SyncHeader(http.Header), WriteHeader(int 200), Write([]byte).
    let mut q = support::queue(gob(S06_P2H, true));
    let mut dec = Decoder::new(Limits::default());
    assert_eq!(next::<Request>(&mut dec, &mut q).service_method, "Plugin.Header");
    next::<()>(&mut dec, &mut q);
    assert_eq!(next::<Request>(&mut dec, &mut q).service_method, "Plugin.SyncHeader");
    let header: HashMap<String, Vec<String>> = next(&mut dec, &mut q);
    assert_eq!(header["X-Echo-Query"], ["q=1"]);
    assert_eq!(header.len(), 4);
    assert_eq!(next::<Request>(&mut dec, &mut q).service_method, "Plugin.WriteHeader");
    assert_eq!(next::<i64>(&mut dec, &mut q), 200);
    next::<Request>(&mut dec, &mut q);
    next::<HashMap<String, Vec<String>>>(&mut dec, &mut q);
    assert_eq!(next::<Request>(&mut dec, &mut q).service_method, "Plugin.Write");
    assert_eq!(next::<Bytes>(&mut dec, &mut q), &b"ping-body"[..]);
    assert!(q.is_empty());

    // Host to plugin: the Header reply is a non-nil empty http.Header.
    let mut q = support::queue(gob(S06_H2P, true));
    let mut dec = Decoder::new(Limits::default());
    next::<Response>(&mut dec, &mut q);
    let empty = dec.decode_value(&mut q).unwrap();
    assert_eq!(empty.as_map().map(<[_]>::len), Some(0));
    assert_eq!(empty, Value::Map(TypeRef::Static(&mm_gob::builtin::HTTP_HEADER), vec![]));
    for _ in 0..4 {
        next::<Response>(&mut dec, &mut q);
        next::<()>(&mut dec, &mut q);
    }
    assert!(q.is_empty());
}

#[test]
fn a_post_value_decodes_schema_less_with_its_definition() {
    let values = support::decode_all_values(gob(S07_H2P, true)).unwrap();
    // Request, {}, Request, OnActivate args, Request, MessageWillBePosted args.
    let args = &values[5];
    let post = args.field("B").unwrap();
    let Value::Struct(ty, _) = post else { panic!("not a struct: {post:?}") };
    assert_eq!(ty.name(), "Post");
    assert_eq!(ty.field_count(), 25);
    assert_eq!(post.field("CreateAt"), Some(&Value::Int(1_700_000_002_000)));
    assert_eq!(post.field("Message").and_then(Value::as_str), Some("hello from the host"));
    let nested = post.field("Props").unwrap().get("nested").unwrap();
    assert_eq!(nested.as_interface().unwrap().name(), "map[string]interface {}");
    let k = nested.get("k").unwrap().concrete().as_slice().unwrap();
    assert_eq!(k[0].concrete(), &Value::String("a".into()));
    assert_eq!(k[1].concrete(), &Value::Float(1.5));
}

#[test]
fn typed_post_reencodes_to_what_the_value_decoder_reads() {
    let (msgs, first) = message_will_be_posted_messages();
    let mut dec = Decoder::new(Limits::default());
    let mut q = MessageQueue::new();
    for m in &msgs {
        q.push(m.clone());
    }
    for _ in 0..5 {
        dec.skip(&mut q).unwrap();
    }
    let _ = first;
    let args: MessageWillBePostedArgs = next(&mut dec, &mut q);
    let mut out = Vec::new();
    Encoder::new().encode(&args, &mut out).unwrap();
    let mut q = support::queue(&out);
    let back: MessageWillBePostedArgs = Decoder::new(Limits::default()).decode(&mut q).unwrap();
    assert_eq!(back, args);
}
