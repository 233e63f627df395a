//! A minimal HTTP/1.1 client (plain `http://`): the demo calls the plugin's route through the
//! host's front, `deploy` uploads a bundle and enables it.

use std::time::Duration;

use http_body_util::Full;
use hyper::body::Bytes;

use super::CliError;

/// How long the demo waits for an answer.
const LIMIT: Duration = Duration::from_secs(30);

/// `GET url` (plain `http://host:port/path`); returns the status and the body as text.
pub(crate) async fn get(url: &str) -> Result<(u16, String), CliError> {
    send(hyper::Method::GET, url, &[], Bytes::new()).await
}

/// `method url` with `headers` and `body`; returns the status and the body as text.
pub(crate) async fn send(
    method: hyper::Method,
    url: &str,
    headers: &[(&str, String)],
    body: Bytes,
) -> Result<(u16, String), CliError> {
    tokio::time::timeout(LIMIT, fetch(method.clone(), url, headers, body))
        .await
        .map_err(|_| CliError(format!("{method} {url} did not answer within {} s", LIMIT.as_secs())))?
}

async fn fetch(
    method: hyper::Method,
    url: &str,
    headers: &[(&str, String)],
    body: Bytes,
) -> Result<(u16, String), CliError> {
    let fail = |what: &str, e: &dyn std::fmt::Display| CliError(format!("{method} {url}: {what}: {e}"));
    let uri: hyper::Uri = url.parse().map_err(|e| fail("bad URL", &e))?;
    if uri.scheme_str() != Some("http") {
        return Err(CliError(format!(
            "{method} {url}: only http:// URLs are supported (no TLS client in mm-host yet); for an https server, \
             upload the bundle in System Console > Plugins"
        )));
    }
    let authority =
        uri.authority().ok_or_else(|| CliError(format!("{method} {url}: the URL has no host")))?.clone();
    let address = match authority.port_u16() {
        Some(_) => authority.as_str().to_owned(),
        None => format!("{}:80", authority.host()),
    };
    let path = uri.path_and_query().map(|p| p.as_str()).unwrap_or("/");
    let mut request = hyper::Request::builder()
        .method(method.clone())
        .uri(path)
        .header(hyper::header::HOST, authority.as_str());
    for (name, value) in headers {
        request = request.header(*name, value);
    }
    let request = request.body(Full::new(body)).map_err(|e| fail("bad request", &e))?;
    let response = crate::http1::exchange(address, request)
        .await
        .map_err(|e| CliError(format!("{method} {url}: {e}")))?;
    Ok((response.status().as_u16(), String::from_utf8_lossy(response.body()).into_owned()))
}
