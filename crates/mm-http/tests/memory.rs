//! A 256 MiB upload echoed back by a plugin in its own process (a real plugin binary, launched
//! the way the Mattermost server launches one): the plugin's peak memory (`VmHWM`) grows by
//! less than 64 MiB, because neither side buffers the body.

mod support;

use std::convert::Infallible;
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

use bytes::Bytes;
use futures_util::StreamExt;
use http_body_util::{BodyExt, Full, StreamBody};
use mm_host::plugin_http::{Caller, PluginHttp};
use mm_proto::SERVE_HTTP_CHUNK_SIZE;
use support::*;

const UPLOAD: usize = 256 * 1024 * 1024;
const ALLOWED_GROWTH_KIB: u64 = 64 * 1024;
/// The test pattern repeats every 251 bytes.
const PERIOD: usize = 251;

/// A field of `/proc/<pid>/status`, in KiB.
fn status_kib(pid: u32, field: &str) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).expect("read /proc status");
    let line =
        status.lines().find(|l| l.starts_with(field)).unwrap_or_else(|| panic!("{field} in /proc status"));
    line.split_whitespace().nth(1).and_then(|v| v.parse().ok()).expect("a number of kB")
}

/// Kills the plugin process when the test ends, however it ends.
struct Child(std::process::Child);

impl Drop for Child {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[allow(clippy::print_stderr)] // The measurement is reported, not only checked.
async fn a_256_mib_upload_echoes_with_flat_plugin_memory() {
    let api = spawn_empty_api().await;
    let mut child = Child(
        Command::new(env!("CARGO_BIN_EXE_mm-http-echo-plugin"))
            .arg("server/dist/plugin.py")
            .env(mm_hooks::MAGIC_COOKIE_KEY, mm_hooks::MAGIC_COOKIE_VALUE)
            .env(mm_hooks::API_TARGET_VAR, api.to_string())
            .env("PLUGIN_MIN_PORT", "10000")
            .env("PLUGIN_MAX_PORT", "25000")
            .env("PLUGIN_PROTOCOL_VERSIONS", "1")
            .env("RUST_LOG", "warn")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .spawn()
            .expect("start the plugin"),
    );
    let pid = child.0.id();
    let mut line = String::new();
    BufReader::new(child.0.stdout.take().expect("stdout")).read_line(&mut line).expect("read the handshake");
    // `1|1|tcp|127.0.0.1:<port>|grpc`
    let addr: std::net::SocketAddr = line
        .trim()
        .split('|')
        .nth(3)
        .and_then(|a| a.parse().ok())
        .unwrap_or_else(|| panic!("handshake {line:?}"));
    let host = PluginHttp::new(connect(addr).await, "echo");

    // Warm up (runtime, connection, allocator) with a small echo.
    let warm = Bytes::from(pattern(0, 4 * 1024 * 1024));
    let request = request_to("/echo").body(Full::new(warm.clone())).expect("request");
    let echoed =
        within("warm-up", host.forward(request, Caller::anonymous())).await.into_body().collect().await;
    assert_eq!(echoed.expect("echo").to_bytes(), warm);
    let before_hwm = status_kib(pid, "VmHWM:");
    let before_rss = status_kib(pid, "VmRSS:");

    // The upload is generated on the fly from one small block; the echo is checked piece by
    // piece, so the test process does not hold the body either.
    let block = Bytes::from(pattern(0, PERIOD + SERVE_HTTP_CHUNK_SIZE));
    let frames = futures_util::stream::iter((0..UPLOAD).step_by(SERVE_HTTP_CHUNK_SIZE)).map(move |offset| {
        let len = SERVE_HTTP_CHUNK_SIZE.min(UPLOAD - offset);
        let start = offset % PERIOD;
        Ok::<_, Infallible>(http_body::Frame::data(block.slice(start..start + len)))
    });
    let request =
        request_to("/echo").header("content-length", UPLOAD).body(StreamBody::new(frames)).expect("request");
    let response = within("upload", host.forward(request, Caller::anonymous())).await;
    assert_eq!(response.status(), http::StatusCode::OK);
    let expected = pattern(0, PERIOD + SERVE_HTTP_CHUNK_SIZE);
    let mut body = response.into_body();
    let mut received = 0usize;
    while let Some(frame) = within("echo", body.frame()).await {
        let data = frame.expect("echo frame").into_data().expect("data");
        let start = received % PERIOD;
        assert!(data.len() <= SERVE_HTTP_CHUNK_SIZE, "chunks stay within 64 KiB");
        assert!(data[..] == expected[start..start + data.len()], "echoed bytes differ at offset {received}");
        received += data.len();
    }
    assert_eq!(received, UPLOAD);

    let after_hwm = status_kib(pid, "VmHWM:");
    let after_rss = status_kib(pid, "VmRSS:");
    let growth = after_hwm.saturating_sub(before_hwm);
    eprintln!(
        "plugin memory: VmHWM {before_hwm} -> {after_hwm} KiB (+{growth} KiB), VmRSS {before_rss} -> {after_rss} KiB \
         for a {} MiB echo",
        UPLOAD >> 20
    );
    assert!(growth < ALLOWED_GROWTH_KIB, "plugin peak memory grew by {growth} KiB for a 256 MiB echo");

    let request = request_to("/ping").body(Full::new(Bytes::new())).expect("request");
    assert_eq!(text(host.forward(request, Caller::anonymous()).await).await, "pong");
}

/// The plugin connects to the server's PluginAPI at launch; ServeHTTP never calls it, so a
/// PluginAPI whose every method answers UNIMPLEMENTED will do.
async fn spawn_empty_api() -> std::net::SocketAddr {
    use mm_proto::v1::plugin_api_server::{PluginApi, PluginApiServer};
    struct EmptyApi;
    impl PluginApi for EmptyApi {}
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind loopback");
    let addr = listener.local_addr().expect("local addr");
    let incoming = tokio_stream::wrappers::TcpListenerStream::new(listener);
    tokio::spawn(
        tonic::transport::Server::builder()
            .add_service(PluginApiServer::new(EmptyApi))
            .serve_with_incoming(incoming),
    );
    addr
}

fn request_to(path: &str) -> http::request::Builder {
    http::Request::builder()
        .method(if path == "/ping" { "GET" } else { "POST" })
        .uri(format!("/plugins/echo{path}"))
}
