//! One HTTP/1.1 request on a fresh connection, body read whole: the client of the test kit
//! (calling the host's front) and of the CLI (`demo`, `deploy`).

use bytes::Bytes;
use http::{Request, Response};
use http_body_util::{BodyExt, Full};
use hyper_util::rt::TokioIo;
use tokio::net::{TcpStream, ToSocketAddrs};

/// Sends `request` (its `Host` header set by the caller) to `address` and reads the whole
/// response; an error names the step that failed (`connecting: ...`).
pub(crate) async fn exchange(
    address: impl ToSocketAddrs,
    request: Request<Full<Bytes>>,
) -> Result<Response<Bytes>, String> {
    let stream = TcpStream::connect(address).await.map_err(|e| format!("connecting: {e}"))?;
    let (mut sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
        .await
        .map_err(|e| format!("HTTP handshake: {e}"))?;
    tokio::spawn(connection);
    let response = sender.send_request(request).await.map_err(|e| format!("sending the request: {e}"))?;
    let (parts, body) = response.into_parts();
    let body = body.collect().await.map_err(|e| format!("reading the response body: {e}"))?.to_bytes();
    Ok(Response::from_parts(parts, body))
}
