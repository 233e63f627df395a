//! net/rpc client and server over real unix sockets and yamux streams.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::{Bytes, BytesMut};
use mm_gob::{Decoder, Encoder, Limits, MessageQueue};
use mm_netrpc::rpc::{Args, Call, CallError, Client, Refusal, Router, Server, Service};
use mm_netrpc::yamux::{Config, Session};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::UnixStream;

use crate::support::pattern;

mm_gob::gob_struct! {
    #[derive(Debug, Clone, Default, PartialEq)]
    pub(crate) struct Request = "Request" {
        pub(crate) service_method: String = "ServiceMethod",
        pub(crate) seq: u64 = "Seq",
    }
}

mm_gob::gob_struct! {
    #[derive(Debug, Clone, Default, PartialEq)]
    pub(crate) struct Response = "Response" {
        pub(crate) service_method: String = "ServiceMethod",
        pub(crate) seq: u64 = "Seq",
        pub(crate) error: String = "Error",
    }
}

mm_gob::gob_struct! {
    #[derive(Debug, Clone, Default, PartialEq)]
    pub(crate) struct Pair = "Pair" {
        pub(crate) a: i64 = "A",
        pub(crate) b: i64 = "B",
    }
}

fn plugin_service(order: Arc<Mutex<Vec<u64>>>) -> Router {
    Router::new()
        .method("Echo", |text: String| async move { Ok::<_, String>(text) })
        .method("EchoBytes", |data: Bytes| async move { Ok::<_, String>(data) })
        .method("Add", |p: Pair| async move { Ok::<_, String>(p.a + p.b) })
        .method("Double", |n: i64| async move { Ok::<_, String>(n * 2) })
        .method("OnlyA", |a: i64| async move { Ok::<_, String>(Pair { a, b: 0 }) })
        .method("OneEntry", |key: String| async move {
            Ok::<_, String>(std::collections::HashMap::from([(key, 1i64)]))
        })
        .method("Fail", |text: String| async move { Err::<(), _>(text) })
        .method("Panic", |_: ()| async move {
            if true {
                panic!("handler exploded");
            }
            Ok::<(), String>(())
        })
        .method("Hang", |_: ()| async move {
            std::future::pending::<()>().await;
            Ok::<(), String>(())
        })
        .method("Sleep", move |ms: u64| {
            let order = order.clone();
            async move {
                tokio::time::sleep(Duration::from_millis(ms)).await;
                order.lock().unwrap().push(ms);
                Ok::<_, String>(ms)
            }
        })
}

/// A client and a server over a yamux stream on a unix socket; the server task's result is
/// returned when the server ends.
async fn connected() -> (Client, tokio::task::JoinHandle<Result<(), mm_netrpc::Error>>, Arc<Mutex<Vec<u64>>>)
{
    let (a, b) = UnixStream::pair().unwrap();
    let host = Session::client(a, Config::default());
    let plugin = Session::server(b, Config::default());
    let order = Arc::new(Mutex::new(Vec::new()));
    let server = Server::new().register("Plugin", plugin_service(order.clone()));
    let out = host.open().await.unwrap();
    let served = tokio::spawn(async move {
        let stream = plugin.accept().await.unwrap();
        let result = server.serve(stream).await;
        drop(plugin);
        result
    });
    (Client::new(out), served, order)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn many_calls_in_flight_with_replies_out_of_order() {
    let (client, _server, order) = connected().await;
    let mut calls = Vec::new();
    // The first call sleeps longest: replies come back in reverse.
    for i in 0..50u64 {
        let client = client.clone();
        calls.push(tokio::spawn(async move { client.call::<u64>("Plugin.Sleep", &(100 - i * 2)).await }));
        tokio::time::sleep(Duration::from_millis(1)).await;
    }
    for (i, call) in calls.into_iter().enumerate() {
        assert_eq!(call.await.unwrap().unwrap(), 100 - i as u64 * 2);
    }
    let order = order.lock().unwrap().clone();
    assert_eq!(order.len(), 50);
    assert!(order.windows(2).any(|w| w[0] < w[1]), "replies completed out of request order: {order:?}");

    let mut adds = Vec::new();
    for i in 0..1000i64 {
        let client = client.clone();
        adds.push(tokio::spawn(async move { client.call::<i64>("Plugin.Add", &Pair { a: i, b: 7 }).await }));
    }
    for (i, add) in adds.into_iter().enumerate() {
        assert_eq!(add.await.unwrap().unwrap(), i as i64 + 7);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reply_decoded_into_a_prefilled_value_merges_like_go() {
    let (client, _server, _) = connected().await;
    // Gob leaves the zero `B` out; the pre-filled value keeps its own.
    let merged = client.call_into("Plugin.OnlyA", &5i64, Pair { a: 1, b: 99 }).await.unwrap();
    assert_eq!(merged, Pair { a: 5, b: 99 });
    let fresh: Pair = client.call("Plugin.OnlyA", &5i64).await.unwrap();
    assert_eq!(fresh, Pair { a: 5, b: 0 });
    // Maps gain entries and lose none.
    let prefilled = std::collections::HashMap::from([("kept".to_owned(), 7i64), ("x".to_owned(), 0)]);
    let merged = client.call_into("Plugin.OneEntry", &"x".to_owned(), prefilled).await.unwrap();
    assert_eq!(merged, std::collections::HashMap::from([("kept".to_owned(), 7), ("x".to_owned(), 1)]));
    // A failed call reports its error as any call does.
    let failed = client.call_into("Plugin.Fail", &"no".to_owned(), Pair::default()).await.unwrap_err();
    assert!(matches!(failed, CallError::Server(ref text) if text == "no"), "{failed:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn payloads_of_1_and_16_mib() {
    let (client, _server, _) = connected().await;
    for (len, seed) in [(1 << 20, 1u8), (16 << 20, 2)] {
        let data = Bytes::from(pattern(len, seed));
        let back: Bytes = client.call("Plugin.EchoBytes", &data).await.unwrap();
        assert!(back == data, "{len} bytes came back different");
    }
    let text = "é".repeat(300_000);
    assert_eq!(client.call::<String>("Plugin.Echo", &text.as_str()).await.unwrap(), text);
}

#[tokio::test]
async fn unknown_service_and_method_are_answered_like_go_and_the_connection_stays_usable() {
    let (client, _server, _) = connected().await;
    let err = client.call::<()>("Plugin.Nope", &"args are skipped").await.unwrap_err();
    assert_eq!(err.server_error(), Some("rpc: can't find method Plugin.Nope"));
    let err = client.call::<()>("Nope.Echo", &42i64).await.unwrap_err();
    assert_eq!(err.server_error(), Some("rpc: can't find service Nope.Echo"));
    let err = client.call::<()>("NoDot", &()).await.unwrap_err();
    assert_eq!(err.server_error(), Some("rpc: service/method request ill-formed: NoDot"));
    assert_eq!(client.call::<String>("Plugin.Echo", &"still here").await.unwrap(), "still here");
}

#[tokio::test]
async fn handler_errors_and_panics_fail_their_call_only() {
    let (client, _server, _) = connected().await;
    let err = client.call::<()>("Plugin.Fail", &"KV store is full").await.unwrap_err();
    assert!(matches!(&err, CallError::Server(text) if text == "KV store is full"), "{err:?}");
    let err = client.call::<()>("Plugin.Panic", &()).await.unwrap_err();
    assert!(err.to_string().contains("Plugin.Panic panicked: handler exploded"), "{err}");
    assert_eq!(client.call::<i64>("Plugin.Double", &21i64).await.unwrap(), 42);
}

#[tokio::test]
async fn arguments_of_the_wrong_type_fail_the_call_and_the_next_call_works() {
    let (client, _server, _) = connected().await;
    let err = client.call::<i64>("Plugin.Double", &"not a number").await.unwrap_err();
    let text = err.server_error().expect("a server error");
    assert!(text.starts_with("rpc: decoding the arguments of Plugin.Double:"), "{text}");
    assert_eq!(client.call::<i64>("Plugin.Double", &4i64).await.unwrap(), 8);
    // A reply that does not fit the requested type fails on our side only.
    let err = client.call::<String>("Plugin.Double", &4i64).await.unwrap_err();
    assert!(matches!(err, CallError::Decode { .. }), "{err:?}");
    assert_eq!(client.call::<i64>("Plugin.Double", &5i64).await.unwrap(), 10);
}

/// A hand-driven client: writes raw gob messages, reads responses.
struct RawClient {
    sock: UnixStream,
    encoder: Encoder,
    decoder: Decoder,
    queue: MessageQueue,
    buf: BytesMut,
}

impl RawClient {
    fn request(&mut self, method: &str, seq: u64) -> Vec<u8> {
        let mut out = Vec::new();
        self.encoder.encode(&Request { service_method: method.into(), seq }, &mut out).unwrap();
        out
    }

    async fn response<T: mm_gob::Decode>(&mut self) -> (Response, Result<T, mm_gob::Error>) {
        let header = self.next(|d, q| d.decode::<Response>(q)).await.unwrap();
        let body = self.next(|d, q| d.decode::<T>(q)).await;
        (header, body)
    }

    async fn next<T>(
        &mut self,
        mut f: impl FnMut(&mut Decoder, &mut MessageQueue) -> mm_gob::Result<T>,
    ) -> mm_gob::Result<T> {
        loop {
            if !self.queue.is_empty() {
                match f(&mut self.decoder, &mut self.queue) {
                    Err(e) if e.is_incomplete() => {}
                    other => return other,
                }
            }
            while self.queue.fill_from(&mut self.buf, &Limits::default()).unwrap() == 0 {
                let n = self.sock.read_buf(&mut self.buf).await.unwrap();
                assert!(n > 0, "the server closed the connection");
            }
        }
    }
}

fn raw_server() -> (RawClient, tokio::task::JoinHandle<Result<(), mm_netrpc::Error>>) {
    let (a, b) = UnixStream::pair().unwrap();
    let server = Server::new().register("Plugin", plugin_service(Arc::default()));
    let served = tokio::spawn(async move { server.serve(b).await });
    let client = RawClient {
        sock: a,
        encoder: Encoder::new(),
        decoder: Decoder::new(Limits::default()),
        queue: MessageQueue::new(),
        buf: BytesMut::new(),
    };
    (client, served)
}

#[tokio::test]
async fn malformed_gob_in_a_request_fails_that_call_and_the_next_call_works() {
    let (mut client, _served) = raw_server();
    // A well-formed header, then a body message naming a type id nobody defined.
    let mut bytes = client.request("Plugin.Double", 0);
    bytes.extend_from_slice(&[0x03, 0xff, 0xc8, 0x00]);
    client.sock.write_all(&bytes).await.unwrap();
    let (header, body) = client.response::<()>().await;
    assert_eq!(header.seq, 0);
    assert!(header.error.starts_with("rpc: decoding the arguments of Plugin.Double:"), "{}", header.error);
    body.unwrap();

    let mut bytes = client.request("Plugin.Double", 1);
    client.encoder.encode(&21i64, &mut bytes).unwrap();
    client.sock.write_all(&bytes).await.unwrap();
    let (header, body) = client.response::<i64>().await;
    assert_eq!((header.seq, header.error.as_str()), (1, ""));
    assert_eq!(body.unwrap(), 42);
}

#[tokio::test]
async fn a_request_header_that_does_not_decode_ends_the_connection_with_an_error() {
    let (mut client, served) = raw_server();
    let mut bytes = Vec::new();
    client.encoder.encode(&42i64, &mut bytes).unwrap();
    client.sock.write_all(&bytes).await.unwrap();
    let err = served.await.unwrap().unwrap_err();
    assert!(err.to_string().contains("a request header does not decode"), "{err}");
}

#[tokio::test]
async fn an_oversized_message_length_ends_the_connection_before_allocating() {
    let (a, b) = UnixStream::pair().unwrap();
    let server = Server::new()
        .register("Plugin", plugin_service(Arc::default()))
        .with_limits(Limits { max_message_len: 1 << 20, ..Limits::default() });
    let served = tokio::spawn(async move { server.serve(b).await });
    let mut a = a;
    // uint 2^40 as a message length.
    a.write_all(&[0xfb, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00]).await.unwrap();
    let err = served.await.unwrap().unwrap_err();
    assert!(err.to_string().contains("exceeds the limit"), "{err}");
}

#[tokio::test]
async fn a_truncated_request_ends_the_connection() {
    let (mut client, served) = raw_server();
    let bytes = client.request("Plugin.Double", 0);
    client.sock.write_all(&bytes).await.unwrap();
    client.sock.write_all(&[0x10, 0x01]).await.unwrap();
    client.sock.shutdown().await.unwrap();
    let err = served.await.unwrap().unwrap_err();
    assert!(err.to_string().contains("closed the connection in the middle"), "{err}");
}

#[tokio::test]
async fn losing_the_session_fails_every_pending_call_at_once() {
    let (a, b) = UnixStream::pair().unwrap();
    let host = Session::client(a, Config::default());
    let plugin = Session::server(b, Config::default());
    let server = Server::new().register("Plugin", plugin_service(Arc::default()));
    let client = Client::new(host.open().await.unwrap());
    let served = tokio::spawn({
        let plugin = plugin.clone();
        async move { server.serve(plugin.accept().await.unwrap()).await }
    });
    let mut pending = Vec::new();
    for _ in 0..20 {
        let client = client.clone();
        pending.push(tokio::spawn(async move { client.call::<()>("Plugin.Hang", &()).await }));
    }
    // Make sure the calls are on the wire, then drop the plugin's whole session.
    assert_eq!(client.call::<i64>("Plugin.Double", &1i64).await.unwrap(), 2);
    plugin.close().await;
    for call in pending {
        let err = call.await.unwrap().unwrap_err();
        assert!(matches!(err, CallError::Closed(_)), "{err:?}");
    }
    assert!(client.is_closed());
    let err = client.call::<i64>("Plugin.Double", &1i64).await.unwrap_err();
    assert!(matches!(err, CallError::Closed(_)));
    drop(served);
}

#[tokio::test]
async fn dropping_the_client_closes_the_stream_and_the_server_finishes() {
    let (client, served, _) = connected().await;
    assert_eq!(client.call::<i64>("Plugin.Double", &3i64).await.unwrap(), 6);
    drop(client);
    served.await.unwrap().unwrap();
}

/// A service written against the trait directly, decoding a different type per method.
struct Typed;

impl Service for Typed {
    fn call(&self, method: &str, args: &mut Args<'_>) -> Result<Call, Refusal> {
        match method {
            "Len" => {
                let s: String = args.decode()?;
                Ok(Call::new(async move { Ok::<_, String>(s.len() as u64) }))
            }
            "Sum" => {
                let v: Vec<i64> = args.decode()?;
                Ok(Call::new(async move { Ok::<_, String>(v.iter().sum::<i64>()) }))
            }
            "NoArgs" => Ok(Call::new(async { Ok::<_, String>("ignored its arguments".to_string()) })),
            "PanicBefore" => panic!("no arguments for you"),
            "PanicAfter" => {
                let _: String = args.decode()?;
                panic!("decoded, then gave up")
            }
            _ => Err(Refusal::unknown_method()),
        }
    }
}

#[tokio::test]
async fn a_trait_service_decodes_typed_arguments_and_undecoded_ones_are_skipped() {
    let (a, b) = tokio::io::duplex(1 << 16);
    tokio::spawn(async move { Server::new().register("T", Typed).serve(b).await });
    let client = Client::new(a);
    assert_eq!(client.call::<u64>("T.Len", &"four").await.unwrap(), 4);
    assert_eq!(client.call::<i64>("T.Sum", &vec![1i64, 2, 3]).await.unwrap(), 6);
    assert_eq!(client.call::<String>("T.NoArgs", &vec![9i64; 1000]).await.unwrap(), "ignored its arguments");
    assert_eq!(client.call::<u64>("T.Len", &"after").await.unwrap(), 5);
    // A service that panics while starting a call fails that call only, whether or not it
    // decoded the arguments first.
    let err = client.call::<()>("T.PanicBefore", &"x").await.unwrap_err();
    assert_eq!(err.server_error(), Some("rpc: T.PanicBefore panicked: no arguments for you"));
    let err = client.call::<()>("T.PanicAfter", &"x").await.unwrap_err();
    assert_eq!(err.server_error(), Some("rpc: T.PanicAfter panicked: decoded, then gave up"));
    assert_eq!(client.call::<u64>("T.Len", &"still fine").await.unwrap(), 10);
}

#[tokio::test]
async fn answers_the_captured_control_stream_like_go_plugin() {
    // 01-h2p.bin: a stock server's Dispenser.Dispense("hooks") (seq 0) and Control.Quit(true)
    // (seq 1) on stream 1.
    let control = Router::new().method("Quit", |quit: bool| async move {
        assert!(quit);
        Ok::<_, String>(())
    });
    let dispenser = Router::new().method("Dispense", |name: String| async move {
        assert_eq!(name, "hooks");
        Ok::<_, String>(1u32)
    });
    let server = Server::new().register("Control", control).register("Dispenser", dispenser);
    let (mut host, plugin) = tokio::io::duplex(4096);
    tokio::spawn(async move { server.serve(plugin).await });
    let requests = crate::support::vector("01-h2p.bin");
    // One request at a time, so the replies come in the captured order.
    host.write_all(&requests[..80]).await.unwrap();
    let captured = crate::support::vector("01-p2h.bin");
    let mut reply = vec![0u8; 86];
    host.read_exact(&mut reply).await.unwrap();
    // The Response definition, Response{ServiceMethod: "Dispenser.Dispense"}, then uint 1:
    // byte for byte what go-plugin sent.
    assert_eq!(reply, captured[..86]);

    host.write_all(&requests[80..]).await.unwrap();
    host.shutdown().await.unwrap();
    let mut rest = Vec::new();
    host.read_to_end(&mut rest).await.unwrap();
    // Type ids are process-global in Go: compare the decoded Quit reply, not its bytes.
    let mut queue = MessageQueue::new();
    let limits = Limits::default();
    let mut decoder = Decoder::new(limits.clone());
    queue.fill_from(&mut BytesMut::from(&reply[..]), &limits).unwrap();
    let _: Response = decoder.decode(&mut queue).unwrap();
    let _: u32 = decoder.decode(&mut queue).unwrap();
    queue.fill_from(&mut BytesMut::from(&rest[..]), &limits).unwrap();
    let header: Response = decoder.decode(&mut queue).unwrap();
    assert_eq!(header, Response { service_method: "Control.Quit".into(), seq: 1, error: String::new() });
    decoder.decode::<()>(&mut queue).unwrap();

    let mut go = Decoder::new(limits.clone());
    let mut go_queue = MessageQueue::new();
    go_queue.fill_from(&mut BytesMut::from(&captured[..]), &limits).unwrap();
    let _: Response = go.decode(&mut go_queue).unwrap();
    assert_eq!(go.decode::<u32>(&mut go_queue).unwrap(), 1);
    assert_eq!(go.decode::<Response>(&mut go_queue).unwrap(), header);
    go.decode::<()>(&mut go_queue).unwrap();
}
