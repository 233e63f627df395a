//! ServeHTTP at the message level: what goes on the wire in each direction, bad input from the
//! server, and the host's rules for bad or missing answers from a plugin.

mod support;

use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use bytes::Bytes;
use futures_util::{Stream, StreamExt};
use http::StatusCode;
use http_body_util::Empty;
use mm_proto::SERVE_HTTP_CHUNK_SIZE;
use mm_proto::v1 as wire;
use mm_proto::v1::plugin_hooks_server::PluginHooks;
use support::*;
use tonic::{Code, Request, Response, Status, Streaming};

fn head(method: &str, url: &str) -> wire::ServeHttpRequestInit {
    wire::ServeHttpRequestInit {
        method: method.into(),
        url: url.into(),
        content_length: -1,
        ..Default::default()
    }
}

fn message(
    init: Option<wire::ServeHttpRequestInit>,
    chunk: &'static [u8],
    complete: bool,
) -> wire::ServeHttpRequest {
    wire::ServeHttpRequest { init, body_chunk: Bytes::from_static(chunk), body_complete: complete }
}

/// Sends `messages` (then closes the request side) and collects the whole answer.
async fn call(
    setup: &Setup,
    messages: Vec<wire::ServeHttpRequest>,
) -> Result<Vec<wire::ServeHttpResponse>, Status> {
    let mut client = connect(setup.addr).await;
    let replies = within("call", client.serve_http(futures_util::stream::iter(messages))).await?.into_inner();
    within("replies", replies.collect::<Vec<_>>()).await.into_iter().collect()
}

/// The status and the concatenated body of a complete answer.
fn answer(replies: &[wire::ServeHttpResponse]) -> (i32, String) {
    let status = replies[0].init.as_ref().expect("head first").status_code;
    let body: Vec<u8> = replies.iter().flat_map(|r| r.body_chunk.to_vec()).collect();
    assert!(replies.last().expect("a reply").body_complete, "the answer completes");
    (status, String::from_utf8(body).expect("utf-8"))
}

#[tokio::test]
async fn a_first_message_without_init_is_invalid_argument() {
    let setup = setup().await;
    let status = call(&setup, vec![message(None, b"body", true)]).await.unwrap_err();
    assert_eq!(status.code(), Code::InvalidArgument);
    assert!(status.message().contains("no init"), "{}", status.message());

    let status = call(&setup, vec![]).await.unwrap_err();
    assert_eq!(status.code(), Code::InvalidArgument);
    assert!(status.message().contains("before its first message"), "{}", status.message());
}

#[tokio::test]
async fn an_invalid_method_uri_or_header_is_answered_400() {
    let setup = setup().await;
    let cases = [
        (head("GE T", "/inspect"), "invalid method \"GE T\""),
        (head("GET", "/in spect"), "invalid URL \"/in spect\""),
        (
            wire::ServeHttpRequestInit {
                headers: vec![wire::HttpHeader { key: "Bad Key".into(), values: vec!["v".into()] }],
                ..head("GET", "/inspect")
            },
            "invalid header \"Bad Key\": invalid header name",
        ),
        (
            wire::ServeHttpRequestInit {
                headers: vec![wire::HttpHeader { key: "X-Ok".into(), values: vec!["a\rb".into()] }],
                ..head("GET", "/inspect")
            },
            "invalid header \"X-Ok\": invalid header value",
        ),
    ];
    for (init, expected) in cases {
        let replies = call(&setup, vec![message(Some(init), b"", true)]).await.expect("answered");
        let (status, text) = answer(&replies);
        assert_eq!((status, text.trim_end()), (400, expected));
    }
}

#[tokio::test]
async fn chunks_after_body_complete_fail_the_body_read() {
    let setup = setup().await;
    let messages =
        vec![message(Some(head("POST", "/read-body")), b"abc", true), message(None, b"extra", false)];
    let (status, text) = answer(&call(&setup, messages).await.expect("answered"));
    assert_eq!(status, 422);
    assert!(text.contains("after body_complete"), "{text}");
}

#[tokio::test]
async fn a_stream_ending_before_body_complete_fails_the_body_read() {
    let setup = setup().await;
    let messages =
        vec![message(Some(head("POST", "/read-body")), b"abc", false), message(None, b"def", false)];
    let (status, text) = answer(&call(&setup, messages).await.expect("answered"));
    assert_eq!(status, 422);
    assert!(text.contains("ended before body_complete"), "{text}");

    // The same body, completed, reads fine (empty chunks included).
    let messages = vec![
        message(Some(head("POST", "/read-body")), b"abc", false),
        message(None, b"", false),
        message(None, b"def", false),
        message(None, b"", true),
    ];
    assert_eq!(answer(&call(&setup, messages).await.expect("answered")), (200, "read 6 bytes".into()));
}

#[tokio::test]
async fn a_body_longer_than_its_content_length_fails_the_read() {
    let setup = setup().await;
    let init = wire::ServeHttpRequestInit { content_length: 2, ..head("POST", "/read-body") };
    let (status, text) =
        answer(&call(&setup, vec![message(Some(init), b"abc", true)]).await.expect("answered"));
    assert_eq!(status, 422);
    assert!(text.contains("Content-Length"), "{text}");
}

#[tokio::test]
async fn server_sent_events_are_flushed_as_they_are_produced() {
    let setup = setup().await;
    let mut client = connect(setup.addr).await;
    let messages = futures_util::stream::iter(vec![message(Some(head("GET", "/sse")), b"", true)]);
    let mut replies = client.serve_http(messages).await.expect("call").into_inner();
    let first = within("first", replies.message()).await.expect("ok").expect("a message");
    let init = first.init.as_ref().expect("head");
    assert_eq!(init.status_code, 200);
    assert!(init.headers.iter().any(|h| h.key == "Content-Type" && h.values == ["text/event-stream"]));
    assert_eq!(first.body_chunk, "data: first\n\n");
    assert!(first.flush && !first.body_complete, "the event is flushed while the handler waits");
    setup.shared.sse_gate.notify_one();
    let second = within("second", replies.message()).await.expect("ok").expect("a message");
    assert_eq!(second.body_chunk, "data: second\n\n");
    assert!(second.body_complete && !second.flush && second.init.is_none());
    assert!(within("end", replies.message()).await.expect("ok").is_none(), "nothing follows body_complete");
}

#[tokio::test]
async fn bulk_responses_go_in_64_kib_parts_without_flushes() {
    let setup = setup().await;
    let size = 1_000_000;
    let url = format!("/download?n={size}&frame=300000");
    let init = wire::ServeHttpRequestInit { method: "GET".into(), url, ..Default::default() };
    let replies = call(
        &setup,
        vec![wire::ServeHttpRequest { init: Some(init), body_chunk: Bytes::new(), body_complete: true }],
    )
    .await
    .expect("answered");
    assert!(replies.iter().all(|r| r.body_chunk.len() <= SERVE_HTTP_CHUNK_SIZE));
    assert!(replies.iter().all(|r| !r.flush), "data that is ready needs no flush");
    assert!(replies[1..].iter().all(|r| r.init.is_none()));
    let body: Vec<u8> = replies.iter().flat_map(|r| r.body_chunk.to_vec()).collect();
    assert!(body == pattern(0, size));
    assert_eq!(replies.iter().filter(|r| r.body_complete).count(), 1);
}

/// A plugin that answers ServeHTTP with fixed messages, to check the host's rules.
#[derive(Clone)]
struct Scripted {
    replies: Result<Vec<wire::ServeHttpResponse>, Code>,
    calls: Arc<AtomicUsize>,
}

type ReplyStream = Pin<Box<dyn Stream<Item = Result<wire::ServeHttpResponse, Status>> + Send>>;

#[tonic::async_trait]
impl PluginHooks for Scripted {
    async fn serve_http(
        &self,
        _: Request<Streaming<wire::ServeHttpRequest>>,
    ) -> Result<Response<ReplyStream>, Status> {
        self.calls.fetch_add(1, Ordering::SeqCst);
        match &self.replies {
            Ok(replies) => {
                Ok(Response::new(Box::pin(futures_util::stream::iter(replies.clone().into_iter().map(Ok)))))
            }
            Err(code) => Err(Status::new(*code, "scripted failure")),
        }
    }
}

/// Serves a raw `PluginHooks` (standing for a misbehaving plugin that the runtime would never
/// produce) on a fresh loopback port.
async fn spawn_hooks<H: PluginHooks>(hooks: H) -> std::net::SocketAddr {
    use mm_proto::v1::plugin_hooks_server::PluginHooksServer;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind loopback");
    let addr = listener.local_addr().expect("local addr");
    let incoming = tokio_stream::wrappers::TcpListenerStream::new(listener);
    tokio::spawn(
        tonic::transport::Server::builder()
            .add_service(PluginHooksServer::new(hooks))
            .serve_with_incoming(incoming),
    );
    addr
}

async fn host_answer(
    replies: Result<Vec<wire::ServeHttpResponse>, Code>,
) -> (http::Response<mm_host::plugin_http::ResponseBody>, usize) {
    let calls = Arc::new(AtomicUsize::new(0));
    let addr = spawn_hooks(Scripted { replies, calls: calls.clone() }).await;
    let host = mm_host::plugin_http::PluginHttp::new(connect(addr).await, "p");
    let request = http::Request::get("/plugins/p/x").body(Empty::<Bytes>::new()).expect("request");
    let response = within("forward", host.forward(request, mm_host::plugin_http::Caller::anonymous())).await;
    (response, calls.load(Ordering::SeqCst))
}

fn reply(status: Option<i32>, chunk: &'static [u8], complete: bool) -> wire::ServeHttpResponse {
    wire::ServeHttpResponse {
        init: status.map(|status_code| wire::ServeHttpResponseInit { status_code, headers: vec![] }),
        body_chunk: Bytes::from_static(chunk),
        body_complete: complete,
        flush: false,
    }
}

#[tokio::test]
async fn a_plugin_that_sends_nothing_gets_502() {
    let (response, calls) = host_answer(Ok(vec![])).await;
    assert_eq!((response.status(), calls), (StatusCode::BAD_GATEWAY, 1));
    let (response, _) = host_answer(Err(Code::Internal)).await;
    assert_eq!(response.status(), StatusCode::BAD_GATEWAY);
    assert!(text(response).await.starts_with("Bad Gateway"));
}

#[tokio::test]
async fn status_zero_or_a_missing_head_means_200() {
    let (response, _) = host_answer(Ok(vec![reply(Some(0), b"zero", true)])).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(text(response).await, "zero");
    let (response, _) =
        host_answer(Ok(vec![reply(None, b"no head", false), reply(None, b", more", true)])).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(text(response).await, "no head, more");
}

#[tokio::test]
async fn a_status_outside_100_to_999_becomes_500() {
    for bad in [1, 99, 1000, -5] {
        let (response, _) = host_answer(Ok(vec![reply(Some(bad), b"ignored", true)])).await;
        assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR, "status {bad}");
        assert_eq!(text(response).await, "invalid status code from plugin\n");
    }
    let (response, _) = host_answer(Ok(vec![reply(Some(999), b"odd but valid", true)])).await;
    assert_eq!(response.status().as_u16(), 999);
}

#[tokio::test]
async fn the_host_ignores_what_follows_body_complete_and_accepts_a_plain_end() {
    let (response, _) =
        host_answer(Ok(vec![reply(Some(200), b"done", true), reply(None, b"junk", true)])).await;
    assert_eq!(text(response).await, "done");
    let (response, _) = host_answer(Ok(vec![reply(Some(201), b"a", false), reply(None, b"b", false)])).await;
    assert_eq!(response.status(), StatusCode::CREATED);
    assert_eq!(text(response).await, "ab");
}

#[tokio::test]
async fn invalid_response_headers_are_dropped() {
    let mut first = reply(Some(200), b"", true);
    first.init.as_mut().expect("head").headers = vec![
        wire::HttpHeader { key: "X-Good".into(), values: vec!["1".into(), "2".into()] },
        wire::HttpHeader { key: "Bad Name".into(), values: vec!["x".into()] },
        wire::HttpHeader { key: "X-Bad-Value".into(), values: vec!["a\nb".into()] },
    ];
    let (response, _) = host_answer(Ok(vec![first])).await;
    assert_eq!(response.headers().get_all("x-good").iter().count(), 2);
    assert_eq!(response.headers().len(), 2);
}

#[tokio::test]
async fn without_serve_http_in_implemented_no_call_is_made() {
    let calls = Arc::new(AtomicUsize::new(0));
    let addr =
        spawn_hooks(Scripted { replies: Ok(vec![reply(Some(200), b"", true)]), calls: calls.clone() }).await;
    let host = mm_host::plugin_http::PluginHttp::new(connect(addr).await, "p")
        .with_implemented_hooks(Vec::<String>::new());
    let request = http::Request::get("/plugins/p/x").body(Empty::<Bytes>::new()).expect("request");
    let response = host.forward(request, mm_host::plugin_http::Caller::anonymous()).await;
    assert_eq!((response.status(), calls.load(Ordering::SeqCst)), (StatusCode::NOT_FOUND, 0));
}
