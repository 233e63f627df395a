//! A real PluginAPI server on loopback for the client's tests.
//!
//! [`ApiServer`] accepts every `mattermost.pluginapi.v1.PluginAPI` path with one generic
//! service: it decodes each request with the descriptor set (`mm_proto::FILE_DESCRIPTOR_SET`,
//! prost-reflect), records it, and answers with a valid response whose payload fields are
//! present, unless a test installed its own [`Responder`] for that method.

#![allow(dead_code)]

pub mod kv;
pub mod raw_h2;

use std::collections::HashMap;
use std::convert::Infallible;
use std::future::Future;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};

use bytes::Bytes;
use prost::Message;
use prost_reflect::{DescriptorPool, DynamicMessage, Kind, MessageDescriptor, ServiceDescriptor, Value};
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tonic::server::NamedService;

pub type BoxFuture<T> = Pin<Box<dyn Future<Output = T> + Send>>;

/// Answers one method: gets the encoded request, returns the encoded response or a status.
pub type Responder = Arc<dyn Fn(Bytes) -> BoxFuture<Result<Bytes, tonic::Status>> + Send + Sync>;

/// A responder from a synchronous closure.
pub fn respond(f: impl Fn(Bytes) -> Result<Bytes, tonic::Status> + Send + Sync + 'static) -> Responder {
    Arc::new(move |body| {
        let result = f(body);
        Box::pin(async move { result })
    })
}

/// A responder that always answers this status.
pub fn status(code: tonic::Code, message: &'static str) -> Responder {
    respond(move |_| Err(tonic::Status::new(code, message)))
}

/// A responder that answers this message.
pub fn message(m: impl Message + Clone + 'static) -> Responder {
    respond(move |_| Ok(Bytes::from(m.encode_to_vec())))
}

/// The descriptor pool of the project's proto files.
pub fn pool() -> DescriptorPool {
    DescriptorPool::decode(mm_proto::FILE_DESCRIPTOR_SET).expect("descriptor set decodes")
}

/// The `PluginAPI` service descriptor.
pub fn plugin_api() -> ServiceDescriptor {
    pool().get_service_by_name(mm_proto::PLUGIN_API_SERVICE).expect("PluginAPI is in the descriptor set")
}

/// One request the server received.
#[derive(Debug, Clone)]
pub struct Recorded {
    pub method: String,
    pub body: Bytes,
    /// The `grpc-timeout` header, if the client sent one.
    pub grpc_timeout: Option<String>,
    /// Every metadata entry as text.
    pub metadata: HashMap<String, String>,
}

#[derive(Default)]
struct State {
    recorded: Mutex<Vec<Recorded>>,
    responders: Mutex<HashMap<String, Responder>>,
}

/// A running server; clones share it.
#[derive(Clone)]
pub struct ApiServer {
    addr: SocketAddr,
    state: Arc<State>,
    shutdown: Arc<Mutex<Option<oneshot::Sender<()>>>>,
    finished: Arc<Mutex<Option<tokio::task::JoinHandle<()>>>>,
}

impl ApiServer {
    /// Starts on a free loopback port.
    pub async fn start() -> ApiServer {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind loopback");
        ApiServer::serve(listener, Arc::new(State::default()))
    }

    fn serve(listener: TcpListener, state: Arc<State>) -> ApiServer {
        let addr = listener.local_addr().expect("local addr");
        let (tx, rx) = oneshot::channel::<()>();
        let service = GenericApi { state: Arc::clone(&state), methods: Arc::new(methods_by_name()) };
        let handle = tokio::spawn(async move {
            tonic::transport::Server::builder()
                .add_service(service)
                .serve_with_incoming_shutdown(
                    tokio_stream::wrappers::TcpListenerStream::new(listener),
                    async {
                        let _ = rx.await;
                    },
                )
                .await
                .expect("server runs");
        });
        ApiServer {
            addr,
            state,
            shutdown: Arc::new(Mutex::new(Some(tx))),
            finished: Arc::new(Mutex::new(Some(handle))),
        }
    }

    /// `127.0.0.1:<port>`.
    pub fn target(&self) -> String {
        self.addr.to_string()
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Stops accepting and closes connections; the port is free again afterwards.
    pub async fn stop(&self) {
        let tx = self.shutdown.lock().unwrap().take();
        if let Some(tx) = tx {
            let _ = tx.send(());
        }
        let handle = self.finished.lock().unwrap().take();
        if let Some(handle) = handle {
            handle.await.expect("server task ends cleanly");
        }
    }

    /// Starts again on the same port, keeping the records and responders.
    pub async fn restart(&self) -> ApiServer {
        let listener = TcpListener::bind(self.addr).await.expect("rebind the same port");
        ApiServer::serve(listener, Arc::clone(&self.state))
    }

    /// Answers `method` with `responder` from now on.
    pub fn on(&self, method: &str, responder: Responder) {
        self.state.responders.lock().unwrap().insert(method.to_string(), responder);
    }

    /// Every request received so far.
    pub fn recorded(&self) -> Vec<Recorded> {
        self.state.recorded.lock().unwrap().clone()
    }

    /// Requests received for `method`.
    pub fn calls(&self, method: &str) -> Vec<Recorded> {
        self.recorded().into_iter().filter(|r| r.method == method).collect()
    }

    /// The last request received for `method`, decoded as `T`.
    pub fn last<T: Message + Default>(&self, method: &str) -> Option<T> {
        self.calls(method).last().map(|r| T::decode(r.body.clone()).expect("recorded request decodes"))
    }

    pub fn clear(&self) {
        self.state.recorded.lock().unwrap().clear();
    }
}

/// Methods of PluginAPI by name: (input, output).
fn methods_by_name() -> HashMap<String, (MessageDescriptor, MessageDescriptor)> {
    plugin_api().methods().map(|m| (m.name().to_string(), (m.input(), m.output()))).collect()
}

/// A valid response for `descriptor`: every payload field (all but `error`, field 1) present;
/// message fields hold present, empty messages (a `google.protobuf.Value` holds `null`).
pub fn valid_response(descriptor: &MessageDescriptor) -> Bytes {
    let mut message = DynamicMessage::new(descriptor.clone());
    for field in descriptor.fields() {
        if field.number() == 1 || field.is_list() || field.is_map() {
            continue;
        }
        if let Kind::Message(inner) = field.kind() {
            message.set_field(&field, Value::Message(present_message(&inner)));
        }
    }
    Bytes::from(message.encode_to_vec())
}

fn present_message(descriptor: &MessageDescriptor) -> DynamicMessage {
    let mut message = DynamicMessage::new(descriptor.clone());
    if descriptor.full_name() == "google.protobuf.Value" {
        let null = descriptor.get_field_by_name("null_value").expect("Value.null_value");
        message.set_field(&null, Value::EnumNumber(0));
    }
    message
}

#[derive(Clone)]
struct GenericApi {
    state: Arc<State>,
    methods: Arc<HashMap<String, (MessageDescriptor, MessageDescriptor)>>,
}

impl NamedService for GenericApi {
    const NAME: &'static str = "mattermost.pluginapi.v1.PluginAPI";
}

impl tower::Service<http::Request<tonic::body::Body>> for GenericApi {
    type Response = http::Response<tonic::body::Body>;
    type Error = Infallible;
    type Future = BoxFuture<Result<Self::Response, Infallible>>;

    fn poll_ready(&mut self, _cx: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, request: http::Request<tonic::body::Body>) -> Self::Future {
        let method = request.uri().path().rsplit('/').next().unwrap_or_default().to_string();
        let state = Arc::clone(&self.state);
        let methods = Arc::clone(&self.methods);
        Box::pin(async move {
            let unary = tower::service_fn(move |call: tonic::Request<Bytes>| {
                let state = Arc::clone(&state);
                let methods = Arc::clone(&methods);
                let method = method.clone();
                async move { handle(&state, &methods, method, call).await }
            });
            Ok(tonic::server::Grpc::new(mm_proto::BytesCodec).unary(unary, request).await)
        })
    }
}

async fn handle(
    state: &State,
    methods: &HashMap<String, (MessageDescriptor, MessageDescriptor)>,
    method: String,
    call: tonic::Request<Bytes>,
) -> Result<tonic::Response<Bytes>, tonic::Status> {
    let Some((input, output)) = methods.get(&method) else {
        return Err(tonic::Status::unimplemented(format!("no method {method}")));
    };
    let metadata: HashMap<String, String> = call
        .metadata()
        .clone()
        .into_headers()
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_str().unwrap_or("<binary>").to_string()))
        .collect();
    let grpc_timeout = metadata.get("grpc-timeout").cloned();
    let body = call.into_inner();
    // The body must be a valid message of the method's input type.
    DynamicMessage::decode(input.clone(), body.clone())
        .map_err(|e| tonic::Status::invalid_argument(format!("{method}: request does not decode: {e}")))?;
    state.recorded.lock().unwrap().push(Recorded {
        method: method.clone(),
        body: body.clone(),
        grpc_timeout,
        metadata,
    });
    let responder = state.responders.lock().unwrap().get(&method).cloned();
    let response = match responder {
        Some(responder) => responder(body).await?,
        None => valid_response(output),
    };
    Ok(tonic::Response::new(response))
}
