//! Scenario 3: ServeHTTP through mm-host's HTTP front: 1 KiB responses (requests per second,
//! time to first byte) and a large upload and download (MB/s, with the plugin's peak RSS).

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::client::conn::http1::SendRequest;
use hyper_util::rt::TokioIo;

use crate::error::BenchError;
use crate::measure::run_recording;
use crate::plugins::{Plugins, Side};
use crate::procfs;
use crate::scenarios::api_calls::summarize;
use crate::settings::Settings;
use crate::stats::{Samples, Summary};

/// The size of the small responses.
pub const SMALL_BODY_SIZE: usize = 1024;

/// The 1 KiB requests of one plugin.
#[derive(Debug, Clone)]
pub struct SmallRequests {
    /// Concurrent connections (one request at a time on each).
    pub concurrency: usize,
    /// Whole requests (latency to the last byte, requests per second).
    pub requests: Summary,
    /// Time to the first byte: from sending to the response head.
    pub first_byte: Summary,
}

/// One large transfer of one plugin (the median of the repeats; the largest RSS growth).
#[derive(Debug, Clone, Copy)]
pub struct Transfer {
    /// Bytes per second (of the body), median of the repeats.
    pub bytes_per_second: f64,
    /// The plugin's peak RSS during the transfer.
    pub peak_rss: u64,
    /// Peak RSS minus the RSS before the transfer (the largest over the repeats).
    pub rss_growth: u64,
}

/// Both plugins' results.
#[derive(Debug, Clone)]
pub struct HttpResults {
    /// Per concurrency: the Rust plugin, then the Python one when it ran.
    pub small: Vec<(SmallRequests, Option<SmallRequests>)>,
    /// The body size of the large transfers.
    pub transfer_bytes: u64,
    /// Upload: Rust, Python.
    pub upload: (Transfer, Option<Transfer>),
    /// Download: Rust, Python.
    pub download: (Transfer, Option<Transfer>),
}

/// Runs the scenario against both plugins, alternating them.
pub async fn run(
    settings: &Settings,
    host: &mm_host::Host,
    plugins: &Plugins,
) -> Result<HttpResults, BenchError> {
    let addr = host.http_addr().ok_or_else(|| BenchError::Call("the host runs no HTTP front".into()))?;
    let sides: Vec<Side> =
        [Side::Rust, Side::Python].into_iter().filter(|s| plugins.get(*s).is_some()).collect();

    let mut small = Vec::new();
    for &concurrency in &settings.http_concurrency {
        let mut requests = [Samples::default(), Samples::default()];
        let mut first_bytes = [Samples::default(), Samples::default()];
        for round in 0..settings.rounds {
            for &side in &rotate(&sides, round) {
                let pool = Pool::new(addr);
                let (whole, first) = small_requests(&pool, side, concurrency, settings).await?;
                requests[side as usize].merge(whole);
                first_bytes[side as usize].merge(first);
            }
        }
        let result = |side: Side| -> Result<SmallRequests, BenchError> {
            Ok(SmallRequests {
                concurrency,
                requests: summarize(&requests[side as usize], "ServeHTTP 1 KiB")?,
                first_byte: summarize(&first_bytes[side as usize], "ServeHTTP first byte")?,
            })
        };
        let python = if sides.contains(&Side::Python) { Some(result(Side::Python)?) } else { None };
        small.push((result(Side::Rust)?, python));
    }

    let size = settings.transfer_bytes;
    let mut uploads: [Vec<(f64, u64, u64)>; 2] = [Vec::new(), Vec::new()];
    let mut downloads: [Vec<(f64, u64, u64)>; 2] = [Vec::new(), Vec::new()];
    let upload_body = Bytes::from(vec![b'u'; size as usize]);
    for round in 0..settings.transfer_repeats {
        for &side in &rotate(&sides, round) {
            let Some(plugin) = plugins.get(side) else { continue };
            let pid = plugin.pid;
            let upload = upload_body.clone();
            uploads[side as usize].push(with_rss(pid, || transfer_upload(addr, side, upload)).await?);
            downloads[side as usize].push(with_rss(pid, || transfer_download(addr, side, size)).await?);
        }
    }
    let collect = |runs: &[(f64, u64, u64)]| Transfer {
        bytes_per_second: median_f64(runs.iter().map(|r| r.0).collect()),
        peak_rss: runs.iter().map(|r| r.1).max().unwrap_or(0),
        rss_growth: runs.iter().map(|r| r.2).max().unwrap_or(0),
    };
    let python = |runs: &[(f64, u64, u64)]| if runs.is_empty() { None } else { Some(collect(runs)) };
    Ok(HttpResults {
        small,
        transfer_bytes: size,
        upload: (collect(&uploads[0]), python(&uploads[1])),
        download: (collect(&downloads[0]), python(&downloads[1])),
    })
}

/// The sides in alternating order.
fn rotate(sides: &[Side], round: usize) -> Vec<Side> {
    let mut order = sides.to_vec();
    if round % 2 == 1 {
        order.reverse();
    }
    order
}

fn median_f64(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values.get(values.len().saturating_sub(1) / 2).copied().unwrap_or(f64::NAN)
}

fn plugin_path(side: Side, rest: &str) -> String {
    let id = match side {
        Side::Rust => crate::plugins::RUST_PLUGIN_ID,
        Side::Python => crate::plugins::PYTHON_PLUGIN_ID,
    };
    format!("/plugins/{id}{rest}")
}

/// Runs a transfer with the plugin's peak RSS reset before it; answers (bytes/s, peak, growth).
async fn with_rss<F, Fut>(pid: u32, transfer: F) -> Result<(f64, u64, u64), BenchError>
where
    F: FnOnce() -> Fut,
    Fut: std::future::Future<Output = Result<f64, BenchError>>,
{
    procfs::reset_peak(pid)?;
    let before = procfs::rss(pid)?;
    let speed = transfer().await?;
    let peak = procfs::peak_rss(pid)?;
    Ok((speed, peak, peak.saturating_sub(before)))
}

async fn small_requests(
    pool: &Pool,
    side: Side,
    concurrency: usize,
    settings: &Settings,
) -> Result<(Samples, Samples), BenchError> {
    let path = plugin_path(side, "/small");
    let pool = pool.clone();
    let (records, window) = run_recording(concurrency, settings.budget, move || {
        let pool = pool.clone();
        let path = path.clone();
        async move {
            let mut sender = pool.take().await?;
            let began = Instant::now();
            let request = request("GET", &path, pool.addr, Bytes::new())?;
            let response =
                sender.send_request(request).await.map_err(|e| BenchError::call("GET /small", e))?;
            let first_byte = began.elapsed();
            let status = response.status();
            let body = response.into_body().collect().await.map_err(|e| BenchError::call("GET /small", e))?;
            let whole = began.elapsed();
            let body = body.to_bytes();
            if !status.is_success() || body.len() != SMALL_BODY_SIZE {
                let text = String::from_utf8_lossy(&body[..body.len().min(200)]).into_owned();
                return Err(BenchError::Call(format!("GET {path} answered {status}: {text:?}")));
            }
            pool.give_back(sender);
            Ok((whole, first_byte))
        }
    })
    .await?;
    let whole = Samples { latencies: records.iter().map(|r| r.0).collect(), window };
    let first = Samples { latencies: records.iter().map(|r| r.1).collect(), window };
    Ok((whole, first))
}

async fn transfer_upload(addr: SocketAddr, side: Side, body: Bytes) -> Result<f64, BenchError> {
    let size = body.len();
    let mut sender = connect(addr).await?;
    let began = Instant::now();
    let response = sender
        .send_request(request("POST", &plugin_path(side, "/upload"), addr, body)?)
        .await
        .map_err(|e| BenchError::call("POST /upload", e))?;
    let status = response.status();
    let answer = response.into_body().collect().await.map_err(|e| BenchError::call("POST /upload", e))?;
    let took = began.elapsed();
    let answer = String::from_utf8_lossy(&answer.to_bytes()).into_owned();
    if !status.is_success() || answer.trim() != size.to_string() {
        return Err(BenchError::Call(format!(
            "POST /upload answered {status}: {answer:?} (sent {size} bytes)"
        )));
    }
    Ok(size as f64 / took.as_secs_f64())
}

async fn transfer_download(addr: SocketAddr, side: Side, size: u64) -> Result<f64, BenchError> {
    let mut sender = connect(addr).await?;
    let path = plugin_path(side, &format!("/download?bytes={size}"));
    let began = Instant::now();
    let response = sender
        .send_request(request("GET", &path, addr, Bytes::new())?)
        .await
        .map_err(|e| BenchError::call("GET /download", e))?;
    let status = response.status();
    let mut body = response.into_body();
    let mut received = 0u64;
    while let Some(frame) = body.frame().await {
        let frame = frame.map_err(|e| BenchError::call("GET /download", e))?;
        if let Some(data) = frame.data_ref() {
            received += data.len() as u64;
        }
    }
    let took = began.elapsed();
    if !status.is_success() || received != size {
        return Err(BenchError::Call(format!(
            "GET /download answered {status} with {received} of {size} bytes"
        )));
    }
    Ok(size as f64 / took.as_secs_f64())
}

fn request(
    method: &str,
    path: &str,
    addr: SocketAddr,
    body: Bytes,
) -> Result<http::Request<Full<Bytes>>, BenchError> {
    http::Request::builder()
        .method(method)
        .uri(path)
        .header(http::header::HOST, addr.to_string())
        .body(Full::new(body))
        .map_err(|e| BenchError::call("building a request", e))
}

async fn connect(addr: SocketAddr) -> Result<SendRequest<Full<Bytes>>, BenchError> {
    let stream = tokio::net::TcpStream::connect(addr)
        .await
        .map_err(|e| BenchError::io(format!("connecting to the HTTP front at {addr}"), e))?;
    stream.set_nodelay(true).map_err(|e| BenchError::io("setting TCP_NODELAY", e))?;
    let (sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
        .await
        .map_err(|e| BenchError::call("HTTP/1.1 handshake", e))?;
    tokio::spawn(connection);
    Ok(sender)
}

/// Keep-alive HTTP/1.1 connections, one per concurrent worker.
#[derive(Clone)]
struct Pool {
    addr: SocketAddr,
    idle: Arc<Mutex<Vec<SendRequest<Full<Bytes>>>>>,
}

impl Pool {
    fn new(addr: SocketAddr) -> Pool {
        Pool { addr, idle: Arc::new(Mutex::new(Vec::new())) }
    }

    async fn take(&self) -> Result<SendRequest<Full<Bytes>>, BenchError> {
        let idle = self.idle.lock().ok().and_then(|mut idle| idle.pop());
        match idle {
            Some(sender) => Ok(sender),
            None => connect(self.addr).await,
        }
    }

    fn give_back(&self, sender: SendRequest<Full<Bytes>>) {
        if let Ok(mut idle) = self.idle.lock() {
            idle.push(sender);
        }
    }
}

/// Bytes per second as MB/s (10^6 bytes).
pub fn megabytes_per_second(bytes_per_second: f64) -> f64 {
    bytes_per_second / 1e6
}
