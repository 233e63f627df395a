//! The plugin side of ServeHTTP: an arbitrary sequence of `ServeHTTPRequest` messages (a head
//! or none, body chunks, `body_complete` anywhere, a transport error at the end) through
//! `mm_http::serve` with an echo handler.
//!
//! Checked: nothing panics; the response stream is well framed (a head first, chunks of at
//! most 64 KiB, nothing after `body_complete`); the handler reads the body exactly when the
//! stream is well formed (one head first, `body_complete` on the last message, the declared
//! length matched, no transport error), and then reads the chunks' concatenation.

#![no_main]

use std::sync::OnceLock;

use arbitrary::Arbitrary;
use bytes::Bytes;
use futures_util::StreamExt;
use http_body_util::BodyExt;
use libfuzzer_sys::fuzz_target;
use mm_hooks::http::HttpRequestStream;
use mm_proto::v1 as wire;

#[derive(Arbitrary, Debug)]
struct Input {
    messages: Vec<Message>,
    /// The transport fails after the last message instead of closing cleanly.
    transport_error: bool,
    /// The handler answers without reading the body.
    answer_early: bool,
}

#[derive(Arbitrary, Debug)]
struct Message {
    init: Option<Head>,
    body_chunk: Vec<u8>,
    body_complete: bool,
}

#[derive(Arbitrary, Debug)]
enum Method {
    Get,
    Post,
    Put,
    Other(String),
}

#[derive(Arbitrary, Debug)]
struct Head {
    method: Method,
    /// Prefixed with `/` unless `raw_url`.
    url: String,
    raw_url: bool,
    proto_major: i32,
    proto_minor: i32,
    headers: Vec<(String, Vec<String>)>,
    host: String,
    remote_addr: String,
    request_uri: String,
    content_length: i64,
    context: Option<(String, String, String)>,
}

impl Head {
    fn into_wire(self) -> wire::ServeHttpRequestInit {
        let method = match self.method {
            Method::Get => "GET".to_owned(),
            Method::Post => "POST".to_owned(),
            Method::Put => "PUT".to_owned(),
            Method::Other(other) => other,
        };
        wire::ServeHttpRequestInit {
            plugin_context: self.context.map(|(session_id, request_id, ip_address)| wire::PluginContext {
                session_id,
                request_id,
                ip_address,
                ..Default::default()
            }),
            method,
            url: if self.raw_url { self.url } else { format!("/{}", self.url) },
            proto: String::new(),
            proto_major: self.proto_major,
            proto_minor: self.proto_minor,
            headers: self.headers.into_iter().map(|(key, values)| wire::HttpHeader { key, values }).collect(),
            host: self.host,
            remote_addr: self.remote_addr,
            request_uri: self.request_uri,
            content_length: self.content_length,
        }
    }
}

/// Whether the body reads to its end: one head, on the first message only; `body_complete` on
/// the last message and no other; the declared length (when declared) matched; a clean end.
fn well_formed(input: &Input) -> Option<Vec<u8>> {
    let (first, rest) = input.messages.split_first()?;
    let declared = first.init.as_ref()?.content_length;
    if input.transport_error || rest.iter().any(|m| m.init.is_some()) {
        return None;
    }
    let complete_at = input.messages.iter().position(|m| m.body_complete)?;
    if complete_at != input.messages.len() - 1 {
        return None;
    }
    let body: Vec<u8> = input.messages.iter().flat_map(|m| m.body_chunk.iter().copied()).collect();
    (declared < 0 || u64::try_from(declared).ok() == Some(body.len() as u64)).then_some(body)
}

/// Echoes the body with 200, answers 299 with the error when reading it fails, 202 at once
/// when told to answer early.
async fn echo(
    answer_early: bool,
    request: http::Request<mm_http::Body>,
) -> Result<http::Response<String>, std::convert::Infallible> {
    let mut response = http::Response::new(String::new());
    if answer_early {
        *response.status_mut() = http::StatusCode::ACCEPTED;
        return Ok(response);
    }
    match request.into_body().collect().await {
        Ok(body) => *response.body_mut() = format!("{:?}", body.to_bytes()),
        Err(error) => {
            *response.status_mut() = http::StatusCode::from_u16(299).unwrap_or_default();
            *response.body_mut() = error.to_string();
        }
    }
    Ok(response)
}

fn runtime() -> &'static tokio::runtime::Runtime {
    static RUNTIME: OnceLock<tokio::runtime::Runtime> = OnceLock::new();
    RUNTIME.get_or_init(|| tokio::runtime::Builder::new_current_thread().build().expect("a runtime"))
}

fuzz_target!(|input: Input| {
    let expected = well_formed(&input);
    let first_has_head = input.messages.first().is_some_and(|m| m.init.is_some());
    let answer_early = input.answer_early;
    let mut items: Vec<Result<wire::ServeHttpRequest, &'static str>> = Vec::new();
    for message in input.messages {
        items.push(Ok(wire::ServeHttpRequest {
            init: message.init.map(Head::into_wire),
            body_chunk: Bytes::from(message.body_chunk),
            body_complete: message.body_complete,
        }));
    }
    if input.transport_error {
        items.push(Err("connection reset"));
    }
    let request = HttpRequestStream::from_wire(futures_util::stream::iter(items));
    let service = tower::service_fn(move |request| echo(answer_early, request));

    runtime().block_on(async move {
        let Ok(mut response) = mm_http::serve(service, request).await else {
            // Refused before any handler ran: only a stream without a usable head.
            return;
        };
        assert!(first_has_head, "a stream without a head was served");
        let head = response.next().await.expect("a response part").expect("a head, not an error");
        let init = head.init.expect("the first part carries the head");
        let mut body = head.body_chunk.to_vec();
        let mut complete = head.body_complete;
        while let Some(part) = response.next().await {
            let part = part.expect("the echo's response never fails");
            assert!(!complete, "a part after body_complete");
            assert!(part.init.is_none(), "a second head");
            assert!(part.body_chunk.len() <= mm_proto::SERVE_HTTP_CHUNK_SIZE);
            body.extend_from_slice(&part.body_chunk);
            complete = part.body_complete;
        }
        assert!(complete, "the response ends with body_complete");
        match init.status_code {
            200 => {
                let read = expected.expect("the body read to its end, so the stream was well formed");
                assert_eq!(String::from_utf8(body).unwrap(), format!("{:?}", Bytes::from(read)));
            }
            299 => {
                assert!(expected.is_none(), "a well-formed body failed: {}", String::from_utf8_lossy(&body))
            }
            202 => assert!(answer_early),
            400 => {} // a head the handler never sees (bad method, URL or header)
            other => panic!("unexpected status {other}: {}", String::from_utf8_lossy(&body)),
        }
    });
});
