//! Serves the generated PluginAPI and PluginHooks servers on loopback TCP and calls them with
//! the generated clients: unary RPCs of both services, default UNIMPLEMENTED stubs, and the
//! ServeHTTP bidirectional stream with a body split across chunks.

use std::net::SocketAddr;
use std::pin::Pin;

use mm_proto::Bytes;
use mm_proto::v1::plugin_api_client::PluginApiClient;
use mm_proto::v1::plugin_api_server::{PluginApi, PluginApiServer};
use mm_proto::v1::plugin_hooks_client::PluginHooksClient;
use mm_proto::v1::plugin_hooks_server::{PluginHooks, PluginHooksServer};
use mm_proto::v1::*;
use tokio_stream::wrappers::{ReceiverStream, TcpListenerStream};
use tokio_stream::{Stream, StreamExt};
use tonic::{Code, Request, Response, Status, Streaming};

struct Api;

#[tonic::async_trait]
impl PluginApi for Api {
    async fn get_server_version(
        &self,
        _: Request<GetServerVersionRequest>,
    ) -> Result<Response<GetServerVersionResponse>, Status> {
        Ok(Response::new(GetServerVersionResponse { error: None, version: "10.11.0".into() }))
    }

    async fn get_user(&self, req: Request<GetUserRequest>) -> Result<Response<GetUserResponse>, Status> {
        let id = req.into_inner().user_id;
        if id.is_empty() {
            return Err(Status::invalid_argument("user_id is required"));
        }
        let user = User { id: id.clone(), username: format!("user-{id}"), ..Default::default() };
        Ok(Response::new(GetUserResponse { error: None, user: Some(user) }))
    }

    async fn kv_get(&self, req: Request<KvGetRequest>) -> Result<Response<KvGetResponse>, Status> {
        // The server's convention for KV calls: gRPC OK with the AppError inside the response.
        let key = req.into_inner().key;
        let error = AppError {
            id: "app.plugin_store.get.app_error".into(),
            message: format!("no value for {key}"),
            status_code: 404,
            ..Default::default()
        };
        Ok(Response::new(KvGetResponse { error: Some(error), value: Bytes::new() }))
    }
}

struct Hooks;

type ServeHttpStream = Pin<Box<dyn Stream<Item = Result<ServeHttpResponse, Status>> + Send>>;

#[tonic::async_trait]
impl PluginHooks for Hooks {
    async fn implemented(
        &self,
        _: Request<ImplementedRequest>,
    ) -> Result<Response<ImplementedResponse>, Status> {
        let hooks = ["MessageWillBePosted", "ServeHTTP"].map(String::from).to_vec();
        Ok(Response::new(ImplementedResponse { error: None, hooks }))
    }

    async fn message_will_be_posted(
        &self,
        req: Request<MessageWillBePostedRequest>,
    ) -> Result<Response<MessageWillBePostedResponse>, Status> {
        let req = req.into_inner();
        let mut post = req.post.ok_or_else(|| Status::invalid_argument("post is required"))?;
        if post.message.contains("banned") {
            return Ok(Response::new(MessageWillBePostedResponse {
                modified_post: None,
                rejection_reason: "banned word".into(),
            }));
        }
        post.message = post.message.to_uppercase();
        Ok(Response::new(MessageWillBePostedResponse {
            modified_post: Some(post),
            rejection_reason: String::new(),
        }))
    }

    /// Echoes the request body back, one response chunk per request chunk, then completes.
    async fn serve_http(
        &self,
        req: Request<Streaming<ServeHttpRequest>>,
    ) -> Result<Response<ServeHttpStream>, Status> {
        let mut inbound = req.into_inner();
        let first = inbound.message().await?.ok_or_else(|| Status::invalid_argument("empty stream"))?;
        let init = first.init.ok_or_else(|| Status::invalid_argument("first message has no init"))?;
        let (tx, rx) = tokio::sync::mpsc::channel(4);
        tokio::spawn(async move {
            let head = ServeHttpResponseInit {
                status_code: 201,
                headers: vec![HttpHeader { key: "X-Echo-Url".into(), values: vec![init.url.clone()] }],
            };
            let mut msg =
                ServeHttpResponse { init: Some(head), body_chunk: first.body_chunk, ..Default::default() };
            let mut done = first.body_complete;
            loop {
                msg.body_complete = done;
                if tx.send(Ok(msg)).await.is_err() || done {
                    return;
                }
                match inbound.message().await {
                    Ok(Some(next)) => {
                        done = next.body_complete;
                        msg = ServeHttpResponse {
                            body_chunk: next.body_chunk,
                            flush: true,
                            ..Default::default()
                        };
                    }
                    Ok(None) => return,
                    Err(status) => {
                        let _ = tx.send(Err(status)).await;
                        return;
                    }
                }
            }
        });
        Ok(Response::new(Box::pin(ReceiverStream::new(rx)) as ServeHttpStream))
    }
}

async fn serve() -> SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind loopback");
    let addr = listener.local_addr().expect("local addr");
    tokio::spawn(
        tonic::transport::Server::builder()
            .add_service(PluginApiServer::new(Api))
            .add_service(PluginHooksServer::new(Hooks))
            .serve_with_incoming(TcpListenerStream::new(listener)),
    );
    addr
}

#[tokio::test]
async fn plugin_api_unary_calls() {
    let addr = serve().await;
    let mut api = PluginApiClient::connect(format!("http://{addr}")).await.expect("connect");

    let version = api.get_server_version(GetServerVersionRequest {}).await.expect("version").into_inner();
    assert_eq!(version.version, "10.11.0");
    assert!(version.error.is_none());

    let user = api.get_user(GetUserRequest { user_id: "abc".into() }).await.expect("user").into_inner();
    assert_eq!(user.user.expect("user set").username, "user-abc");

    let status = api.get_user(GetUserRequest { user_id: String::new() }).await.expect_err("must fail");
    assert_eq!(status.code(), Code::InvalidArgument);
    assert_eq!(status.message(), "user_id is required");

    let kv = api.kv_get(KvGetRequest { key: "k1".into() }).await.expect("kv ok status").into_inner();
    let err = kv.error.expect("AppError inside the response");
    assert_eq!((err.status_code, err.message.as_str()), (404, "no value for k1"));

    // Methods the server does not implement answer UNIMPLEMENTED through the default stubs.
    let status = api.get_team(GetTeamRequest { team_id: "t".into() }).await.expect_err("unimplemented");
    assert_eq!(status.code(), Code::Unimplemented);
}

#[tokio::test]
async fn plugin_hooks_unary_calls() {
    let addr = serve().await;
    let mut hooks = PluginHooksClient::connect(format!("http://{addr}")).await.expect("connect");

    let implemented =
        hooks.implemented(ImplementedRequest::default()).await.expect("implemented").into_inner();
    assert_eq!(implemented.hooks, ["MessageWillBePosted", "ServeHTTP"]);

    let post = Post { id: "p1".into(), message: "hello".into(), ..Default::default() };
    let request = MessageWillBePostedRequest { post: Some(post), ..Default::default() };
    let answer = hooks.message_will_be_posted(request).await.expect("hook").into_inner();
    assert_eq!(answer.modified_post.expect("replaced").message, "HELLO");

    let post = Post { message: "a banned word".into(), ..Default::default() };
    let request = MessageWillBePostedRequest { post: Some(post), ..Default::default() };
    let answer = hooks.message_will_be_posted(request).await.expect("hook").into_inner();
    assert!(answer.modified_post.is_none());
    assert_eq!(answer.rejection_reason, "banned word");

    let status = hooks.on_activate(OnActivateRequest::default()).await.expect_err("not implemented");
    assert_eq!(status.code(), Code::Unimplemented);
}

#[tokio::test]
async fn serve_http_bidirectional_stream() {
    let addr = serve().await;
    let mut hooks = PluginHooksClient::connect(format!("http://{addr}")).await.expect("connect");

    let body: Vec<u8> = (0..200_000u32).map(|i| (i % 251) as u8).collect();
    let chunks: Vec<Bytes> =
        body.chunks(mm_proto::SERVE_HTTP_CHUNK_SIZE).map(Bytes::copy_from_slice).collect();
    assert_eq!(chunks.len(), 4);
    let init = ServeHttpRequestInit {
        method: "POST".into(),
        url: "/echo?x=1".into(),
        content_length: body.len() as i64,
        ..Default::default()
    };
    let last = chunks.len() - 1;
    let messages: Vec<ServeHttpRequest> = chunks
        .into_iter()
        .enumerate()
        .map(|(i, chunk)| ServeHttpRequest {
            init: (i == 0).then(|| init.clone()),
            body_chunk: chunk,
            body_complete: i == last,
        })
        .collect();

    let mut responses = hooks.serve_http(tokio_stream::iter(messages)).await.expect("stream").into_inner();
    let first = responses.next().await.expect("first message").expect("ok");
    let head = first.init.clone().expect("init in first message");
    assert_eq!(head.status_code, 201);
    assert_eq!(head.headers[0].values, ["/echo?x=1"]);

    let mut echoed = first.body_chunk.to_vec();
    let mut complete = first.body_complete;
    while let Some(message) = responses.next().await {
        let message = message.expect("ok");
        assert!(!complete, "nothing may follow body_complete");
        assert!(message.init.is_none());
        assert!(message.body_chunk.len() <= mm_proto::SERVE_HTTP_CHUNK_SIZE);
        echoed.extend_from_slice(&message.body_chunk);
        complete = message.body_complete;
    }
    assert!(complete);
    assert_eq!(echoed, body);
}

#[test]
fn descriptor_set_has_both_services() {
    use mm_proto::prost::Message;
    let set =
        mm_proto::prost_types::FileDescriptorSet::decode(mm_proto::FILE_DESCRIPTOR_SET).expect("decode");
    let count = |name: &str| -> usize {
        set.file
            .iter()
            .filter(|f| f.package() == mm_proto::PACKAGE)
            .flat_map(|f| f.service.iter())
            .filter(|s| s.name() == name)
            .map(|s| s.method.len())
            .sum()
    };
    assert_eq!(count("PluginAPI"), 236);
    assert_eq!(count("PluginHooks"), 42);
}
