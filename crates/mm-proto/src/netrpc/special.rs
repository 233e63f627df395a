//! The argument and reply structs of the methods a transport maps by hand: the ones that
//! carry broker ids (byte streams, callback connections) or that Go's plugin side rewrites
//! (log key/value pairs). Field names and types are server/public's (`plugin/client_rpc.go`).
//!
//! Both sides use them: the plugin runtime (hooks it serves, API calls it makes) and a host
//! (`mm-host`) that plays the server.

use std::collections::HashMap;

use mm_gob::{FieldCodec, GoType, OpaqueKind, ValueReader, ValueWriter};

use crate::v1;

/// `error` as a Go interface holding a `*model.AppError` (or, decoding, a
/// `*plugin.ErrorString`): a [`FieldCodec`] for `Option<v1::AppError>` fields.
#[derive(Debug)]
pub struct ErrorInterface;

impl FieldCodec<Option<v1::AppError>> for ErrorInterface {
    fn static_type() -> &'static GoType {
        &mm_gob::builtin::INTERFACE
    }

    fn is_zero(value: &Option<v1::AppError>) -> bool {
        value.is_none()
    }

    fn encode(value: &Option<v1::AppError>, w: &mut ValueWriter<'_>) -> mm_gob::Result<()> {
        mm_gob::Encode::encode(&super::conv::error_interface::Enc(value, &mm_gob::builtin::INTERFACE), w)
    }

    fn decode_into(value: &mut Option<v1::AppError>, r: &mut ValueReader<'_>) -> mm_gob::Result<()> {
        *value = super::conv::error_interface::decode(r)?;
        Ok(())
    }
}

static URL: GoType = GoType { name: "URL", kind: mm_gob::Kind::Opaque(OpaqueKind::BinaryMarshaler) };

/// `*url.URL`, which travels as its string form (it implements `MarshalBinary`): a
/// [`FieldCodec`] for `String` fields.
#[derive(Debug)]
pub struct UrlText;

impl FieldCodec<String> for UrlText {
    fn static_type() -> &'static GoType {
        &URL
    }

    fn is_zero(value: &String) -> bool {
        value.is_empty()
    }

    fn encode(value: &String, w: &mut ValueWriter<'_>) -> mm_gob::Result<()> {
        w.opaque(value.as_bytes());
        Ok(())
    }

    fn decode_into(value: &mut String, r: &mut ValueReader<'_>) -> mm_gob::Result<()> {
        let bytes = r.opaque()?;
        *value = String::from_utf8(bytes.to_vec())
            .map_err(|_| mm_gob::Error::new(mm_gob::ErrorKind::InvalidUtf8, "the URL is not UTF-8"))?;
        Ok(())
    }
}

/// `http.Header`.
pub type Header = HashMap<String, Vec<String>>;

/// An `http.Header` from the contract's two forms of one (`headers` and `header_values` of
/// `PluginHTTPRequest`/`PluginHTTPResponse`): every value apart (from `header_values` when
/// set, else the one value of `headers`), under Go's canonical names, as Go code holds them.
pub fn header_from_contract(
    headers: &HashMap<String, String>,
    header_values: &HashMap<String, v1::StringList>,
) -> Header {
    let canonical = crate::protocol::canonical_header_key;
    let mut header = Header::new();
    if header_values.is_empty() {
        for (name, value) in headers {
            header.entry(canonical(name)).or_default().push(value.clone());
        }
    } else {
        for (name, values) in header_values {
            header.entry(canonical(name)).or_default().extend(values.values.iter().cloned());
        }
    }
    header
}

/// The contract's two forms of an `http.Header`: the values of each name joined as HTTP
/// allows (`a, b`), and every value apart.
pub fn header_to_contract(header: &Header) -> (HashMap<String, String>, HashMap<String, v1::StringList>) {
    let joined = header.iter().map(|(k, v)| (k.clone(), v.join(", "))).collect();
    let apart = header.iter().map(|(k, v)| (k.clone(), v1::StringList { values: v.clone() })).collect();
    (joined, apart)
}

mm_gob::gob_struct! {
    /// `plugin.HTTPRequestSubset`: the part of an `*http.Request` that crosses (the body travels
    /// on a stream of its own; `Body` is always nil on the wire and left out here).
    #[derive(Debug, Clone, Default, PartialEq)]
    pub struct HttpRequestSubset = "HTTPRequestSubset" {
        /// `GET`, `POST`...
        pub method: String = "Method",
        /// The URL as the server's router left it (the path after `/plugins/<id>`, query included).
        pub url: String = "URL" with UrlText,
        /// `HTTP/1.1`.
        pub proto: String = "Proto",
        /// 1.
        pub proto_major: i64 = "ProtoMajor",
        /// 1.
        pub proto_minor: i64 = "ProtoMinor",
        /// The request headers.
        pub header: Header = "Header",
        /// The `Host` header.
        pub host: String = "Host",
        /// The client's address.
        pub remote_addr: String = "RemoteAddr",
        /// The request target as the client sent it.
        pub request_uri: String = "RequestURI",
    }
}

mm_gob::gob_struct! {
    /// `Z_ServeHTTPArgs` (and `Z_ServeMetricsArgs`, the same struct).
    #[derive(Debug, Clone, Default, PartialEq)]
    pub struct ServeHttpArgs = "Z_ServeHTTPArgs" {
        /// The host's broker id of its response-writer RPC server.
        pub response_writer_stream: u32 = "ResponseWriterStream",
        /// The request.
        pub request: Option<HttpRequestSubset> = "Request",
        /// The caller's session and request ids.
        pub context: Option<v1::PluginContext> = "Context",
        /// The host's broker id of the request body's reader (0: no body).
        pub request_body_stream: u32 = "RequestBodyStream",
    }
}

mm_gob::gob_struct! {
    /// `Z_OnActivateArgs`: the host's broker ids of its API and DB driver servers.
    #[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
    pub struct OnActivateArgs = "Z_OnActivateArgs" {
        /// Dial it for the API connection.
        pub api_mux_id: u32 = "APIMuxId",
        /// Dial it for the DB driver connection.
        pub driver_mux_id: u32 = "DriverMuxId",
    }
}

mm_gob::gob_struct! {
    /// A reply that is just an `error` (`Z_OnActivateReturns`).
    #[derive(Debug, Clone, Default, PartialEq)]
    pub struct ErrorReturns = "Z_OnActivateReturns" {
        /// The error, if the call failed.
        pub a: Option<v1::AppError> = "A" with ErrorInterface,
    }
}

mm_gob::gob_struct! {
    /// `Z_FileWillBeUploadedArgs`.
    #[derive(Debug, Clone, Default, PartialEq)]
    pub struct FileWillBeUploadedArgs = "Z_FileWillBeUploadedArgs" {
        /// The caller's session and request ids.
        pub a: Option<v1::PluginContext> = "A",
        /// The file's metadata.
        pub b: Option<v1::FileInfo> = "B",
        /// The host's broker id of the uploaded file's reader.
        pub uploaded_file_stream: u32 = "UploadedFileStream",
        /// The host's broker id of the stream to write a replacement to.
        pub replacement_file_stream: u32 = "ReplacementFileStream",
    }
}

mm_gob::gob_struct! {
    /// `Z_FileWillBeUploadedReturns`.
    #[derive(Debug, Clone, Default, PartialEq)]
    pub struct FileWillBeUploadedReturns = "Z_FileWillBeUploadedReturns" {
        /// The file's metadata, changed or not (nil keeps the server's).
        pub a: Option<v1::FileInfo> = "A",
        /// The rejection reason ("": accepted).
        pub b: String = "B",
    }
}

mm_gob::gob_struct! {
    /// `Z_UploadDataArgs`: the data is a reader the plugin serves on its own broker id.
    #[derive(Debug, Clone, Default, PartialEq)]
    pub struct UploadDataArgs = "Z_UploadDataArgs" {
        /// The upload session.
        pub a: Option<v1::UploadSession> = "A",
        /// The plugin's broker id serving the data.
        pub plugin_stream_id: u32 = "PluginStreamID",
    }
}

mm_gob::gob_struct! {
    /// `Z_UploadDataReturns`.
    #[derive(Debug, Clone, Default, PartialEq)]
    pub struct UploadDataReturns = "Z_UploadDataReturns" {
        /// The stored file.
        pub a: Option<v1::FileInfo> = "A",
        /// The error, if the upload failed.
        pub b: Option<v1::AppError> = "B" with ErrorInterface,
    }
}

mm_gob::gob_struct! {
    /// `Z_InstallPluginArgs`: the bundle is a reader the plugin serves on its own broker id.
    #[derive(Debug, Clone, Default, PartialEq)]
    pub struct InstallPluginArgs = "Z_InstallPluginArgs" {
        /// The plugin's broker id serving the bundle.
        pub plugin_stream_id: u32 = "PluginStreamID",
        /// Whether to replace an installed plugin with the same id.
        pub b: bool = "B",
    }
}

mm_gob::gob_struct! {
    /// `Z_InstallPluginReturns`.
    #[derive(Debug, Clone, Default, PartialEq)]
    pub struct InstallPluginReturns = "Z_InstallPluginReturns" {
        /// The installed plugin's manifest.
        pub a: Option<v1::Manifest> = "A",
        /// The error, if the installation failed.
        pub b: Option<v1::AppError> = "B",
    }
}

mm_gob::gob_struct! {
    /// `Z_ReceiveSharedChannelAttachmentSyncMsgArgs`: the data is a reader the plugin serves.
    #[derive(Debug, Clone, Default, PartialEq)]
    pub struct ReceiveAttachmentArgs = "Z_ReceiveSharedChannelAttachmentSyncMsgArgs" {
        /// The remote cluster's id.
        pub a: String = "A",
        /// The channel.
        pub b: String = "B",
        /// The attachment's metadata.
        pub c: Option<v1::FileInfo> = "C",
        /// The plugin's broker id serving the data.
        pub data_stream_id: u32 = "DataStreamID",
    }
}

mm_gob::gob_struct! {
    /// `Z_ReceiveSharedChannelAttachmentSyncMsgReturns`.
    #[derive(Debug, Clone, Default, PartialEq)]
    pub struct ReceiveAttachmentReturns = "Z_ReceiveSharedChannelAttachmentSyncMsgReturns" {
        /// The stored attachment.
        pub a: Option<v1::FileInfo> = "A",
        /// The error, if it failed.
        pub b: Option<v1::AppError> = "B" with ErrorInterface,
    }
}

mm_gob::gob_struct! {
    /// `Z_PluginHTTPStreamArgs`: the request body is a reader the plugin serves, the response
    /// body a stream the plugin accepts and the server writes.
    #[derive(Debug, Clone, Default, PartialEq)]
    pub struct PluginHttpStreamArgs = "Z_PluginHTTPStreamArgs" {
        /// The plugin's broker id on which the server writes the response body.
        pub response_body_stream: u32 = "ResponseBodyStream",
        /// The request.
        pub request: Option<HttpRequestSubset> = "Request",
        /// The plugin's broker id serving the request body (0: none).
        pub request_body_stream: u32 = "RequestBodyStream",
    }
}

mm_gob::gob_struct! {
    /// `Z_PluginHTTPStreamReturns`.
    #[derive(Debug, Clone, Default, PartialEq)]
    pub struct PluginHttpStreamReturns = "Z_PluginHTTPStreamReturns" {
        /// The response status.
        pub status_code: i64 = "StatusCode",
        /// The response headers.
        pub header: Header = "Header",
    }
}

mm_gob::gob_struct! {
    /// `Z_PluginHTTPArgs`: the buffered form older servers answer.
    #[derive(Debug, Clone, Default, PartialEq)]
    pub struct PluginHttpArgs = "Z_PluginHTTPArgs" {
        /// The request.
        pub request: Option<HttpRequestSubset> = "Request",
        /// The whole request body.
        pub request_body: bytes::Bytes = "RequestBody",
    }
}

mm_gob::gob_struct! {
    /// The part of Go's `*http.Response` that crosses in `Z_PluginHTTPReturns`.
    #[derive(Debug, Clone, Default, PartialEq)]
    pub struct HttpResponse = "Response" {
        /// `200 OK`.
        pub status: String = "Status",
        /// 200.
        pub status_code: i64 = "StatusCode",
        /// `HTTP/1.1`.
        pub proto: String = "Proto",
        /// 1.
        pub proto_major: i64 = "ProtoMajor",
        /// 1.
        pub proto_minor: i64 = "ProtoMinor",
        /// The response headers.
        pub header: Header = "Header",
        /// The body's length, -1 if unknown.
        pub content_length: i64 = "ContentLength",
    }
}

mm_gob::gob_struct! {
    /// `Z_PluginHTTPReturns`.
    #[derive(Debug, Clone, Default, PartialEq)]
    pub struct PluginHttpReturns = "Z_PluginHTTPReturns" {
        /// The response.
        pub response: Option<HttpResponse> = "Response",
        /// The whole response body.
        pub response_body: bytes::Bytes = "ResponseBody",
    }
}

mm_gob::gob_struct! {
    /// `Z_LogDebugArgs` (the same for `LogInfo`, `LogWarn`, `LogError`): the key/value pairs
    /// as one list of values, which Go's plugin side has already turned into strings (`%+v`).
    #[derive(Debug, Clone, Default, PartialEq)]
    pub struct LogArgs = "Z_LogDebugArgs" {
        /// The message.
        pub a: String = "A",
        /// Key, value, key, value... (strings in interfaces).
        pub b: Vec<Option<mm_gob::Interface>> = "B",
    }
}

impl LogArgs {
    /// The arguments of a `Log*` request: the pairs flattened, values as text (strings as
    /// they are, other values as JSON).
    pub fn from_request(msg: &str, pairs: &[v1::KeyValuePair]) -> LogArgs {
        let mut b = Vec::with_capacity(pairs.len() * 2);
        for pair in pairs {
            b.push(Some(mm_gob::Interface::string(pair.key.clone())));
            let text = match pair.value.as_ref().and_then(|v| v.kind.as_ref()) {
                Some(prost_types::value::Kind::StringValue(s)) => s.clone(),
                None | Some(prost_types::value::Kind::NullValue(_)) => "<nil>".to_string(),
                Some(_) => {
                    pair.value.as_ref().map(super::values::value_to_json).unwrap_or_default().to_string()
                }
            };
            b.push(Some(mm_gob::Interface::string(text)));
        }
        LogArgs { a: msg.to_string(), b }
    }

    /// The pairs of the list (a key without a value gets an empty one), values as strings.
    pub fn pairs(&self) -> Vec<v1::KeyValuePair> {
        let text = |v: &Option<mm_gob::Interface>| match v {
            None => String::new(),
            Some(i) => i.value().as_str().map_or_else(|| format!("{:?}", i.value()), str::to_string),
        };
        self.b
            .chunks(2)
            .map(|pair| v1::KeyValuePair {
                key: text(&pair[0]),
                value: Some(prost_types::Value {
                    kind: Some(prost_types::value::Kind::StringValue(
                        pair.get(1).map(text).unwrap_or_default(),
                    )),
                }),
            })
            .collect()
    }
}
