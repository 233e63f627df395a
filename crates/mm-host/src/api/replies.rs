//! How the PluginAPI answers: AppErrors as gRPC statuses or inside responses, conversions of
//! request fields, required sub-messages.

use mm_types::AppError;
use mm_types::convert::FromWire;
use mm_types::wire;
use tonic::{Code, Response, Status};

use crate::store::AppResult;

/// A PluginAPI answer.
pub(crate) type Reply<T> = Result<Response<T>, Status>;

/// The gRPC status the server answers for an `AppError`: `"<id>: <message>"` with the code
/// derived from the HTTP status.
pub(crate) fn status_of(error: &AppError) -> Status {
    mm_proto::app_error_status(&error.id, &error.message, error.status_code)
}

/// Answers a result the status way.
pub(crate) fn by_status<T, U>(result: AppResult<T>, reply: impl FnOnce(T) -> U) -> Reply<U> {
    result.map(|value| Response::new(reply(value))).map_err(|e| status_of(&e))
}

/// A response that can carry an `AppError` in its `error` field.
pub(crate) trait WithError: Sized {
    fn from_error(error: wire::AppError) -> Self;
}

/// Answers a result the in-response way (posts, KV, files).
pub(crate) fn in_body<T, U: WithError>(result: AppResult<T>, reply: impl FnOnce(T) -> U) -> Reply<U> {
    Ok(Response::new(match result {
        Ok(value) => reply(value),
        Err(error) => U::from_error(error.into()),
    }))
}

macro_rules! with_error {
    ($($response:ident),* $(,)?) => {$(
        impl WithError for wire::$response {
            fn from_error(error: wire::AppError) -> Self {
                let mut response = wire::$response::default();
                response.error = Some(error);
                response
            }
        }
    )*};
}

with_error!(
    CreatePostResponse,
    AddReactionResponse,
    RemoveReactionResponse,
    GetReactionsResponse,
    SendEphemeralPostResponse,
    UpdateEphemeralPostResponse,
    DeleteEphemeralPostResponse,
    DeletePostResponse,
    GetPostThreadResponse,
    GetPostResponse,
    GetPostsSinceResponse,
    GetPostsAfterResponse,
    GetPostsBeforeResponse,
    GetPostsForChannelResponse,
    UpdatePostResponse,
    SearchPostsInTeamResponse,
    SearchPostsInTeamForUserResponse,
    KvSetResponse,
    KvCompareAndSetResponse,
    KvCompareAndDeleteResponse,
    KvSetWithOptionsResponse,
    KvSetWithExpiryResponse,
    KvGetResponse,
    KvDeleteResponse,
    KvDeleteAllResponse,
    KvListResponse,
    CopyFileInfosResponse,
    GetFileInfoResponse,
    SetFileSearchableContentResponse,
    GetFileInfosResponse,
    GetFileResponse,
    GetFileLinkResponse,
    ReadFileResponse,
    UploadFileResponse,
    CreateUploadSessionResponse,
    UploadDataResponse,
    GetUploadSessionResponse,
);

/// A sub-message the call cannot do without: InvalidArgument `"<what> is required"` otherwise.
pub(crate) fn required<T>(value: Option<T>, what: &str) -> Result<T, Status> {
    value.ok_or_else(|| Status::invalid_argument(format!("{what} is required")))
}

/// Converts a request field to its domain type; a value that cannot convert is InvalidArgument.
pub(crate) fn domain<D: FromWire<W>, W>(value: W) -> Result<D, Status> {
    D::from_wire(value).map_err(|e| Status::invalid_argument(e.to_string()))
}

/// tonic answers OUT_OF_RANGE for a request over the size limit where grpc-go (the server)
/// answers RESOURCE_EXHAUSTED; the host never answers OUT_OF_RANGE itself, so any such answer
/// is that one and gets the server's code.
pub(crate) fn too_large_is_resource_exhausted<B>(mut response: http::Response<B>) -> http::Response<B> {
    let out_of_range = (Code::OutOfRange as i32).to_string();
    if response.headers().get("grpc-status").is_some_and(|v| v.as_bytes() == out_of_range.as_bytes()) {
        let exhausted = (Code::ResourceExhausted as i32).to_string();
        if let Ok(value) = http::HeaderValue::from_str(&exhausted) {
            response.headers_mut().insert("grpc-status", value);
        }
    }
    response
}
