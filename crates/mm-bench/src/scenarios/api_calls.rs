//! Scenario 1: PluginAPI unary round trips over loopback TCP, against mm-host's in-memory API
//! server: (a) a bare tonic client on the generated stubs, (b) mm-client, (c) grpcio.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use mm_proto::v1 as wire;
use mm_proto::v1::plugin_api_client::PluginApiClient;
use mm_types::{ChannelId, Post, UserId};
use tonic::transport::Channel;

use crate::error::BenchError;
use crate::measure::{Budget, run_concurrent};
use crate::python::Python;
use crate::settings::Settings;
use crate::stats::{Samples, Summary};

/// The KV key the KV calls use.
pub const KV_KEY: &str = "bench-kv";
/// The size of the KV value.
pub const KV_VALUE_SIZE: usize = 1024;

/// One PluginAPI call of the scenario.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
#[non_exhaustive]
pub enum ApiOp {
    /// `GetServerVersion`: no input, a short string back.
    ServerVersion,
    /// `GetUser`: a full user back.
    GetUser,
    /// `CreatePost`: a post in, the stored post back.
    CreatePost,
    /// `KVSet` with a 1 KiB value.
    KvSet,
    /// `KVGet` of a 1 KiB value.
    KvGet,
}

impl ApiOp {
    /// Every call, in table order.
    pub const ALL: [ApiOp; 5] =
        [ApiOp::ServerVersion, ApiOp::GetUser, ApiOp::CreatePost, ApiOp::KvSet, ApiOp::KvGet];

    /// The name on the command line (`mm-bench call-loop --op`).
    pub fn slug(self) -> &'static str {
        match self {
            ApiOp::ServerVersion => "server-version",
            ApiOp::GetUser => "get-user",
            ApiOp::CreatePost => "create-post",
            ApiOp::KvSet => "kv-set",
            ApiOp::KvGet => "kv-get",
        }
    }

    /// The operation name the Python client takes.
    fn python_name(self) -> &'static str {
        match self {
            ApiOp::ServerVersion => "server_version",
            ApiOp::GetUser => "get_user",
            ApiOp::CreatePost => "create_post",
            ApiOp::KvSet => "kv_set",
            ApiOp::KvGet => "kv_get",
        }
    }
}

impl fmt::Display for ApiOp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ApiOp::ServerVersion => "GetServerVersion",
            ApiOp::GetUser => "GetUser",
            ApiOp::CreatePost => "CreatePost",
            ApiOp::KvSet => "KVSet 1 KiB",
            ApiOp::KvGet => "KVGet 1 KiB",
        })
    }
}

/// The three clients' results for one call at one concurrency.
#[derive(Debug, Clone)]
pub struct ApiRow {
    /// The call.
    pub op: ApiOp,
    /// Concurrent callers (sharing one connection).
    pub concurrency: usize,
    /// (a) bare tonic.
    pub bare: Summary,
    /// (b) mm-client.
    pub sdk: Summary,
    /// (c) Python grpcio, when the baseline ran.
    pub python: Option<Summary>,
}

/// The seeded user and channel the calls use.
#[derive(Debug, Clone)]
pub(crate) struct Ids {
    pub(crate) user: UserId,
    pub(crate) channel: ChannelId,
}

pub(crate) type CallFuture = Pin<Box<dyn Future<Output = Result<(), BenchError>> + Send>>;

/// Runs every call at every concurrency of the settings.
pub async fn run(settings: &Settings, python: Option<&Python>) -> Result<Vec<ApiRow>, BenchError> {
    let host = mm_host::Host::builder().without_http().start().await?;
    let target = host.api_target("com.mattermost.bench").await?;
    let ids =
        Arc::new(Ids { user: host.seed().alice.id.clone(), channel: host.seed().town_square.id.clone() });

    let channel = tonic::transport::Endpoint::from_shared(format!("http://{target}"))
        .map_err(|e| BenchError::call("the bare client's endpoint", e))?
        .connect()
        .await
        .map_err(|e| BenchError::call("connecting the bare client", e))?;
    let bare = PluginApiClient::new(channel).max_decoding_message_size(usize::MAX);
    let mut builder = mm_client::Client::builder();
    if std::env::var_os("MM_BENCH_NO_TIMEOUT").is_some() {
        builder = builder.no_timeout();
    }
    // Connected eagerly, like the bare client and like a plugin's client (`from_env`, the
    // runtime's launch): a lazy channel takes another path through tonic and h2.
    let sdk = builder
        .target(&target.to_string())
        .map_err(|e| BenchError::call("mm-client's target", e))?
        .connect()
        .await
        .map_err(|e| BenchError::call("connecting mm-client", e))?;
    // The value KVGet reads.
    sdk.kv().set(KV_KEY, vec![b'v'; KV_VALUE_SIZE]).await.map_err(|e| BenchError::call("KVSet", e))?;

    let mut rows = Vec::new();
    for op in ApiOp::ALL {
        for &concurrency in &settings.api_concurrency {
            let mut bare_samples = Samples::default();
            let mut sdk_samples = Samples::default();
            // Alternate which client goes first so that drift hits both alike.
            for round in 0..settings.rounds {
                let bare_run =
                    run_concurrent(concurrency, settings.budget, bare_call(op, bare.clone(), ids.clone()));
                let sdk_run =
                    run_concurrent(concurrency, settings.budget, sdk_call(op, sdk.clone(), ids.clone()));
                if round % 2 == 0 {
                    bare_samples.merge(bare_run.await?);
                    sdk_samples.merge(sdk_run.await?);
                } else {
                    sdk_samples.merge(sdk_run.await?);
                    bare_samples.merge(bare_run.await?);
                }
            }
            let python = match python {
                Some(python) => {
                    let budget =
                        Budget { window: settings.budget.window * settings.rounds as u32, ..settings.budget };
                    Some(python_run(python, &target.to_string(), op, concurrency, budget, &ids).await?)
                }
                None => None,
            };
            rows.push(ApiRow {
                op,
                concurrency,
                bare: summarize(&bare_samples, "bare tonic")?,
                sdk: summarize(&sdk_samples, "mm-client")?,
                python: python.as_ref().map(|s| summarize(s, "Python")).transpose()?,
            });
        }
    }
    host.shutdown();
    Ok(rows)
}

pub(crate) fn summarize(samples: &Samples, who: &str) -> Result<Summary, BenchError> {
    samples.summary().ok_or_else(|| BenchError::Call(format!("{who}: no call completed in the window")))
}

pub(crate) fn bare_call(
    op: ApiOp,
    client: PluginApiClient<Channel>,
    ids: Arc<Ids>,
) -> impl Fn() -> CallFuture + Clone + Send + Sync + 'static {
    let value = Bytes::from(vec![b'v'; KV_VALUE_SIZE]);
    move || {
        let mut client = client.clone();
        let ids = ids.clone();
        let value = value.clone();
        Box::pin(async move {
            let failed = |e: tonic::Status| BenchError::call(&op.to_string(), e);
            let app_error = |e: Option<wire::AppError>| match e {
                Some(e) => Err(BenchError::call(&op.to_string(), e.message)),
                None => Ok(()),
            };
            match op {
                ApiOp::ServerVersion => {
                    client.get_server_version(wire::GetServerVersionRequest {}).await.map_err(failed)?;
                }
                ApiOp::GetUser => {
                    let request = wire::GetUserRequest { user_id: ids.user.to_string() };
                    app_error(client.get_user(request).await.map_err(failed)?.into_inner().error)?;
                }
                ApiOp::CreatePost => {
                    let post = wire::Post {
                        channel_id: ids.channel.to_string(),
                        user_id: ids.user.to_string(),
                        message: "benchmark post".into(),
                        ..wire::Post::default()
                    };
                    let request = wire::CreatePostRequest { post: Some(post) };
                    app_error(client.create_post(request).await.map_err(failed)?.into_inner().error)?;
                }
                ApiOp::KvSet => {
                    let request = wire::KvSetRequest { key: KV_KEY.into(), value };
                    app_error(client.kv_set(request).await.map_err(failed)?.into_inner().error)?;
                }
                ApiOp::KvGet => {
                    let answer = client
                        .kv_get(wire::KvGetRequest { key: KV_KEY.into() })
                        .await
                        .map_err(failed)?
                        .into_inner();
                    app_error(answer.error)?;
                    check_value_len(answer.value.len())?;
                }
            }
            Ok(())
        }) as CallFuture
    }
}

pub(crate) fn sdk_call(
    op: ApiOp,
    client: mm_client::Client,
    ids: Arc<Ids>,
) -> impl Fn() -> CallFuture + Clone + Send + Sync + 'static {
    let value = Bytes::from(vec![b'v'; KV_VALUE_SIZE]);
    move || {
        let client = client.clone();
        let ids = ids.clone();
        let value = value.clone();
        Box::pin(async move {
            let failed = |e: mm_client::Error| BenchError::call(&op.to_string(), e);
            match op {
                ApiOp::ServerVersion => {
                    client.system().server_version().await.map_err(failed)?;
                }
                ApiOp::GetUser => {
                    client.users().get(&ids.user).await.map_err(failed)?;
                }
                ApiOp::CreatePost => {
                    let mut post = Post::new(ids.channel.clone(), "benchmark post");
                    post.user_id = ids.user.clone();
                    client.posts().create(post).await.map_err(failed)?;
                }
                ApiOp::KvSet => {
                    client.kv().set(KV_KEY, value).await.map_err(failed)?;
                }
                ApiOp::KvGet => {
                    let value = client.kv().get(KV_KEY).await.map_err(failed)?;
                    check_value_len(value.map_or(0, |v| v.len()))?;
                }
            }
            Ok(())
        }) as CallFuture
    }
}

fn check_value_len(len: usize) -> Result<(), BenchError> {
    if len == KV_VALUE_SIZE {
        Ok(())
    } else {
        Err(BenchError::Call(format!("KVGet answered {len} bytes, not {KV_VALUE_SIZE}")))
    }
}

async fn python_run(
    python: &Python,
    target: &str,
    op: ApiOp,
    concurrency: usize,
    budget: Budget,
    ids: &Ids,
) -> Result<Samples, BenchError> {
    let output = tokio::process::Command::new(python.executable())
        .arg(python.api_client_path())
        .arg(target)
        .arg(op.python_name())
        .arg(concurrency.to_string())
        .arg(budget.warmup.as_secs_f64().to_string())
        .arg(budget.window.as_secs_f64().to_string())
        .arg(budget.max_calls_per_worker.unwrap_or(0).to_string())
        .arg(ids.user.to_string())
        .arg(ids.channel.to_string())
        .env("PYTHONPATH", python.stubs_dir())
        .kill_on_drop(true)
        .output()
        .await
        .map_err(|e| BenchError::io("running the Python API client", e))?;
    if !output.status.success() {
        return Err(BenchError::Python(format!(
            "the API client failed on {op}: {}",
            String::from_utf8_lossy(&output.stderr).trim()
        )));
    }
    parse_python_samples(&output.stdout)
}

/// Reads `{"window_ns": N, "latencies_ns": [...]}`.
pub(crate) fn parse_python_samples(stdout: &[u8]) -> Result<Samples, BenchError> {
    let value: serde_json::Value = serde_json::from_slice(stdout)
        .map_err(|e| BenchError::Python(format!("unreadable output of the API client: {e}")))?;
    let window = value["window_ns"].as_u64().ok_or_else(|| BenchError::Python("no window_ns".into()))?;
    let latencies = value["latencies_ns"]
        .as_array()
        .ok_or_else(|| BenchError::Python("no latencies_ns".into()))?
        .iter()
        .filter_map(|v| v.as_u64().map(Duration::from_nanos))
        .collect();
    Ok(Samples { latencies, window: Duration::from_nanos(window) })
}
