//! A recording `PluginAPI` server on loopback, answering as the stock harness's recorder does:
//! the 1st call of a method gets the ok shape (every payload field filled with a value derived
//! from the method and field name), the 2nd call of a method whose Go signature ends in an
//! error gets the error shape (an `AppError` with every field set, in the response's field 1).

use std::collections::{BTreeSet, HashMap};
use std::convert::Infallible;
use std::future::Future;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};

use bytes::Bytes;
use prost::Message;
use prost_reflect::{
    DescriptorPool, DynamicMessage, FieldDescriptor, Kind, MapKey, MessageDescriptor, Value,
};
use tonic::server::NamedService;

type BoxFuture<T> = Pin<Box<dyn Future<Output = T> + Send>>;

/// The descriptor pool of the contract.
pub fn pool() -> DescriptorPool {
    DescriptorPool::decode(mm_proto::FILE_DESCRIPTOR_SET).expect("the descriptor set decodes")
}

/// One request the server received, decoded with the descriptors.
#[derive(Debug, Clone)]
pub struct Recorded {
    pub method: String,
    pub request: DynamicMessage,
    /// What the server answered: the ok shape or the error shape's `AppError`.
    pub answer: Answer,
}

/// What the recorder answered.
#[derive(Debug, Clone)]
pub enum Answer {
    Ok,
    Error(DynamicMessage),
}

#[derive(Default)]
struct State {
    recorded: Mutex<Vec<Recorded>>,
}

/// A running recorder.
#[derive(Clone)]
pub struct Recorder {
    addr: SocketAddr,
    state: Arc<State>,
}

impl Recorder {
    /// Starts on a free loopback port. `error_shaped` names the methods whose 2nd call
    /// answers the error shape.
    pub async fn start(error_shaped: BTreeSet<String>) -> Recorder {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind loopback");
        let addr = listener.local_addr().expect("local address");
        let state = Arc::new(State::default());
        let pool = pool();
        let api = pool.get_service_by_name(mm_proto::PLUGIN_API_SERVICE).expect("PluginAPI");
        let methods = api.methods().map(|m| (m.name().to_owned(), (m.input(), m.output()))).collect();
        let service = GenericApi {
            state: Arc::clone(&state),
            methods: Arc::new(methods),
            error_shaped: Arc::new(error_shaped),
        };
        tokio::spawn(async move {
            tonic::transport::Server::builder()
                .add_service(service)
                .serve_with_incoming(tokio_stream::wrappers::TcpListenerStream::new(listener))
                .await
                .expect("the recorder serves");
        });
        Recorder { addr, state }
    }

    pub fn target(&self) -> String {
        self.addr.to_string()
    }

    /// Every request so far, in arrival order.
    pub fn recorded(&self) -> Vec<Recorded> {
        self.state.recorded.lock().unwrap().clone()
    }
}

/// The error shape's `AppError` for `method`, every field set.
pub fn app_error(pool: &DescriptorPool, method: &str) -> DynamicMessage {
    let descriptor = pool.get_message_by_name("mattermost.pluginapi.v1.AppError").expect("AppError");
    let lower = method.to_lowercase();
    let mut error = DynamicMessage::new(descriptor);
    error.set_field_by_name("id", Value::String(format!("probe.{lower}.app_error")));
    error.set_field_by_name("message", Value::String(format!("{method} failed on request.")));
    error.set_field_by_name(
        "detailed_error",
        Value::String(format!("detailed: {method} was asked for its error shape")),
    );
    error.set_field_by_name("request_id", Value::String(format!("req{lower}")));
    error.set_field_by_name("status_code", Value::I32(status_for(method)));
    error.set_field_by_name("where", Value::String(format!("Recorder.{method}")));
    error
}

/// The status by method group, as the stock harness's recorder sets it.
fn status_for(method: &str) -> i32 {
    let starts = |prefixes: &[&str]| prefixes.iter().any(|p| method.starts_with(p));
    if starts(&["Get", "Search", "Has", "Read", "List", "Check", "Evaluate", "Query", "Is"]) {
        404
    } else if starts(&["Delete", "Remove", "Unregister", "Revoke", "Disable", "Uninstall", "Unlink"]) {
        403
    } else if starts(&["Create", "Add", "Register", "Save", "Upsert", "Insert", "Install", "Ensure"]) {
        409
    } else {
        400
    }
}

/// The ok shape: every payload field (all but `error`, field 1) filled.
pub fn filled_response(descriptor: &MessageDescriptor, method: &str) -> DynamicMessage {
    let mut message = DynamicMessage::new(descriptor.clone());
    for field in descriptor.fields() {
        if field.number() == 1 && field.name() == "error" {
            continue;
        }
        fill_field(&mut message, &field, method, 0);
    }
    message
}

/// Text that says where it was set: `Method.field`.
fn text(method: &str, field: &FieldDescriptor) -> String {
    format!("{method}.{}", field.name())
}

/// Bytes that are valid JSON and valid anything else (fields holding JSON, files, images);
/// where the SDK decodes the JSON into a struct, a document of that struct's shape.
fn json_bytes(method: &str, field: &FieldDescriptor) -> Bytes {
    match field.name() {
        "limits_json" => Bytes::from_static(
            br#"{"files":{"total_storage":7},"messages":{"history":7},"teams":{"active":7}}"#,
        ),
        _ => Bytes::from(format!("{{\"probe\":\"{}\"}}", text(method, field))),
    }
}

fn fill_field(message: &mut DynamicMessage, field: &FieldDescriptor, method: &str, depth: usize) {
    if let Some(oneof) = field.containing_oneof() {
        // One member of a oneof: the first.
        if oneof.fields().next().is_some_and(|first| first.number() != field.number()) {
            return;
        }
    }
    let value = if field.is_map() {
        let Kind::Message(entry) = field.kind() else { return };
        let key_field = entry.map_entry_key_field();
        let value_field = entry.map_entry_value_field();
        let key = match key_field.kind() {
            Kind::String => MapKey::String(format!("{}_key", field.name())),
            Kind::Int32 | Kind::Sint32 | Kind::Sfixed32 => MapKey::I32(7),
            Kind::Int64 | Kind::Sint64 | Kind::Sfixed64 => MapKey::I64(7),
            Kind::Uint32 | Kind::Fixed32 => MapKey::U32(7),
            Kind::Uint64 | Kind::Fixed64 => MapKey::U64(7),
            Kind::Bool => MapKey::Bool(true),
            _ => return,
        };
        let Some(value) = single(&value_field, method, depth) else { return };
        Value::Map(HashMap::from([(key, value)]))
    } else if field.is_list() {
        let Some(value) = single(field, method, depth) else { return };
        Value::List(vec![value])
    } else {
        let Some(value) = single(field, method, depth) else { return };
        value
    };
    message.set_field(field, value);
}

/// One value of the field's type.
fn single(field: &FieldDescriptor, method: &str, depth: usize) -> Option<Value> {
    Some(match field.kind() {
        Kind::String if field.name().ends_with("json") => {
            Value::String(String::from_utf8_lossy(&json_bytes(method, field)).into_owned())
        }
        Kind::String => Value::String(text(method, field)),
        Kind::Bytes => Value::Bytes(json_bytes(method, field)),
        Kind::Bool => Value::Bool(true),
        // An HTTP status must be one (PluginHTTP's answer): the recorder's 202.
        Kind::Int32 if field.name() == "status_code" => Value::I32(202),
        Kind::Int32 | Kind::Sint32 | Kind::Sfixed32 => Value::I32(7),
        Kind::Int64 | Kind::Sint64 | Kind::Sfixed64 => Value::I64(1_700_000_000_007),
        Kind::Uint32 | Kind::Fixed32 => Value::U32(7),
        Kind::Uint64 | Kind::Fixed64 => Value::U64(7),
        Kind::Float => Value::F32(1.5),
        Kind::Double => Value::F64(2.5),
        Kind::Enum(e) => Value::EnumNumber(e.values().map(|v| v.number()).find(|n| *n != 0).unwrap_or(0)),
        Kind::Message(inner) => {
            let mut message = DynamicMessage::new(inner.clone());
            match inner.full_name() {
                "google.protobuf.Value" => {
                    message.set_field_by_name("string_value", Value::String(text(method, field)));
                }
                _ if depth >= 5 => {}
                _ => {
                    for inner_field in inner.fields() {
                        fill_field(&mut message, &inner_field, method, depth + 1);
                    }
                }
            }
            Value::Message(message)
        }
    })
}

#[derive(Clone)]
struct GenericApi {
    state: Arc<State>,
    methods: Arc<HashMap<String, (MessageDescriptor, MessageDescriptor)>>,
    error_shaped: Arc<BTreeSet<String>>,
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
        let method = request.uri().path().rsplit('/').next().unwrap_or_default().to_owned();
        let this = self.clone();
        Box::pin(async move {
            let unary = tower::service_fn(move |call: tonic::Request<Bytes>| {
                let this = this.clone();
                let method = method.clone();
                async move { this.answer(method, call.into_inner()) }
            });
            Ok(tonic::server::Grpc::new(mm_proto::BytesCodec).unary(unary, request).await)
        })
    }
}

impl GenericApi {
    fn answer(&self, method: String, body: Bytes) -> Result<tonic::Response<Bytes>, tonic::Status> {
        let Some((input, output)) = self.methods.get(&method) else {
            return Err(tonic::Status::unimplemented(format!("no method {method}")));
        };
        let request = DynamicMessage::decode(input.clone(), body).map_err(|e| {
            tonic::Status::invalid_argument(format!("{method}: the request does not decode: {e}"))
        })?;
        let mut recorded = self.state.recorded.lock().unwrap();
        let nth = recorded.iter().filter(|r| r.method == method).count() + 1;
        let (response, answer) = if nth % 2 == 0 && self.error_shaped.contains(&method) {
            let error = app_error(input.parent_pool(), &method);
            let mut response = DynamicMessage::new(output.clone());
            response.set_field_by_name("error", Value::Message(error.clone()));
            (response, Answer::Error(error))
        } else {
            (filled_response(output, &method), Answer::Ok)
        };
        recorded.push(Recorded { method, request, answer });
        Ok(tonic::Response::new(Bytes::from(response.encode_to_vec())))
    }
}
