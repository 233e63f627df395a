//! A minimal HTTP/1.1 GET, for the demo to call the plugin's route through the host's front.

use std::time::Duration;

use http_body_util::{BodyExt, Empty};
use hyper::body::Bytes;
use hyper_util::rt::TokioIo;

use super::CliError;

/// How long the demo waits for an answer.
const LIMIT: Duration = Duration::from_secs(30);

/// `GET url` (plain `http://host:port/path`); returns the status and the body as text.
pub(crate) async fn get(url: &str) -> Result<(u16, String), CliError> {
    tokio::time::timeout(LIMIT, fetch(url))
        .await
        .map_err(|_| CliError(format!("GET {url} did not answer within {} s", LIMIT.as_secs())))?
}

async fn fetch(url: &str) -> Result<(u16, String), CliError> {
    let fail = |what: &str, e: &dyn std::fmt::Display| CliError(format!("GET {url}: {what}: {e}"));
    let uri: hyper::Uri = url.parse().map_err(|e| fail("bad URL", &e))?;
    let authority =
        uri.authority().ok_or_else(|| CliError(format!("GET {url}: the URL has no host")))?.clone();
    let stream =
        tokio::net::TcpStream::connect(authority.as_str()).await.map_err(|e| fail("cannot connect", &e))?;
    let (mut sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
        .await
        .map_err(|e| fail("handshake", &e))?;
    tokio::spawn(connection);
    let path = uri.path_and_query().map(|p| p.as_str()).unwrap_or("/");
    let request = hyper::Request::get(path)
        .header(hyper::header::HOST, authority.as_str())
        .body(Empty::<Bytes>::new())
        .map_err(|e| fail("bad request", &e))?;
    let response = sender.send_request(request).await.map_err(|e| fail("request failed", &e))?;
    let status = response.status().as_u16();
    let body = response.into_body().collect().await.map_err(|e| fail("reading the body", &e))?.to_bytes();
    Ok((status, String::from_utf8_lossy(&body).into_owned()))
}
