//! Test harness: a loopback PluginAPI server standing in for Mattermost, and the fixture
//! plugin launched as a child process with the environment the server gives it.

#![allow(dead_code, unreachable_pub, missing_docs, clippy::print_stderr)]

use std::net::SocketAddr;
use std::process::{ExitStatus, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use mm_proto::v1 as wire;
use mm_proto::v1::plugin_api_server::{PluginApi, PluginApiServer};
use mm_proto::v1::plugin_hooks_client::PluginHooksClient;
use tokio::io::{AsyncBufReadExt, AsyncReadExt, BufReader};
use tokio::process::{Child, Command};
use tokio::sync::oneshot;
use tonic::transport::{Channel, Endpoint};
use tonic::{Request, Response, Status};
use tonic_health::pb::health_client::HealthClient;
use tonic_health::pb::{HealthCheckRequest, health_check_response::ServingStatus};

pub const FIXTURE: &str = env!("CARGO_BIN_EXE_all_hooks");
pub const COOKIE: (&str, &str) = ("MATTERMOST_PLUGIN", "Securely message teams, anywhere.");
/// The server's hook deadline (30 s), sent as `grpc-timeout` like the server does.
pub const HOOK_TIMEOUT: Duration = Duration::from_secs(30);
/// The server kills a plugin that has not exited this long after `Shutdown`.
pub const SERVER_KILL_AFTER: Duration = Duration::from_secs(2);

/// A 26-character id made of one repeated character.
pub fn id(c: char) -> String {
    std::iter::repeat_n(c, 26).collect()
}

/// A request with the server's deadline.
pub fn req<T>(message: T) -> Request<T> {
    let mut request = Request::new(message);
    request.set_timeout(HOOK_TIMEOUT);
    request
}

/// A PluginAPI server on loopback that answers the calls a plugin makes at startup and
/// records the names of the calls it got.
#[derive(Debug, Clone, Default)]
pub struct ApiLog(Arc<Mutex<Vec<String>>>);

impl ApiLog {
    pub fn calls(&self) -> Vec<String> {
        self.0.lock().unwrap().clone()
    }
}

#[tonic::async_trait]
impl PluginApi for ApiLog {
    async fn get_server_version(
        &self,
        _request: Request<wire::GetServerVersionRequest>,
    ) -> Result<Response<wire::GetServerVersionResponse>, Status> {
        self.0.lock().unwrap().push("GetServerVersion".into());
        Ok(Response::new(wire::GetServerVersionResponse { error: None, version: "10.5.0".into() }))
    }

    async fn kv_set(
        &self,
        request: Request<wire::KvSetRequest>,
    ) -> Result<Response<wire::KvSetResponse>, Status> {
        let request = request.into_inner();
        self.0.lock().unwrap().push(format!(
            "KVSet {}={}",
            request.key,
            String::from_utf8_lossy(&request.value)
        ));
        Ok(Response::new(wire::KvSetResponse { error: None }))
    }

    /// Every user is missing, answered as the server reports an `AppError` in a status.
    async fn get_user(
        &self,
        _request: Request<wire::GetUserRequest>,
    ) -> Result<Response<wire::GetUserResponse>, Status> {
        self.0.lock().unwrap().push("GetUser".into());
        Err(Status::not_found("app.user.missing.app_error: Unable to find the user."))
    }

    async fn log_info(
        &self,
        request: Request<wire::LogInfoRequest>,
    ) -> Result<Response<wire::LogInfoResponse>, Status> {
        self.0.lock().unwrap().push(format!("LogInfo {}", request.get_ref().msg));
        Ok(Response::new(wire::LogInfoResponse::default()))
    }
}

pub struct FakeApi {
    pub addr: SocketAddr,
    pub log: ApiLog,
    _stop: oneshot::Sender<()>,
}

pub async fn start_fake_api() -> FakeApi {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let log = ApiLog::default();
    let (stop, stopped) = oneshot::channel::<()>();
    let service = PluginApiServer::new(log.clone());
    tokio::spawn(async move {
        let incoming = tokio_stream_like(listener);
        let _ = tonic::transport::Server::builder()
            .add_service(service)
            .serve_with_incoming_shutdown(incoming, async {
                let _ = stopped.await;
            })
            .await;
    });
    FakeApi { addr, log, _stop: stop }
}

fn tokio_stream_like(
    listener: tokio::net::TcpListener,
) -> impl futures_util::Stream<Item = std::io::Result<tokio::net::TcpStream>> {
    futures_util::stream::unfold(listener, |l| async move { Some((l.accept().await.map(|(s, _)| s), l)) })
}

/// The fixture binary with the environment a Mattermost server gives a plugin.
pub fn server_command(api: &FakeApi) -> Command {
    let mut command = Command::new(FIXTURE);
    command
        // The server runs the "interpreter" with the manifest's executable as its argument.
        .arg("server/dist/plugin.py")
        .env(COOKIE.0, COOKIE.1)
        .env("MATTERMOST_PLUGIN_API_TARGET", api.addr.to_string())
        .env("PLUGIN_MIN_PORT", "10000")
        .env("PLUGIN_MAX_PORT", "25000")
        .env("PLUGIN_PROTOCOL_VERSIONS", "1")
        .env("RUST_LOG", "info")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true);
    command
}

/// Output a process wrote, collected in the background.
#[derive(Debug, Clone, Default)]
pub struct Output {
    text: Arc<Mutex<String>>,
    closed: Arc<tokio::sync::Notify>,
    is_closed: Arc<std::sync::atomic::AtomicBool>,
}

impl Output {
    pub fn text(&self) -> String {
        self.text.lock().unwrap().clone()
    }

    /// Waits (at most `limit`) until every writer has closed the pipe; false on time-out.
    pub async fn wait_closed(&self, limit: Duration) -> bool {
        let closed = self.closed.notified();
        tokio::pin!(closed);
        closed.as_mut().enable();
        if self.is_closed.load(std::sync::atomic::Ordering::SeqCst) {
            return true;
        }
        tokio::time::timeout(limit, closed).await.is_ok()
    }

    fn collect(&self, mut reader: impl tokio::io::AsyncRead + Unpin + Send + 'static) {
        let this = self.clone();
        tokio::spawn(async move {
            let mut buf = [0u8; 4096];
            while let Ok(n) = reader.read(&mut buf).await {
                if n == 0 {
                    break;
                }
                this.text.lock().unwrap().push_str(&String::from_utf8_lossy(&buf[..n]));
            }
            this.is_closed.store(true, std::sync::atomic::Ordering::SeqCst);
            this.closed.notify_waiters();
        });
    }
}

/// A launched plugin process after its handshake.
pub struct PluginProcess {
    pub child: Child,
    pub handshake: String,
    pub channel: Channel,
    pub stderr: Output,
    /// Anything on stdout after the handshake line (there must be nothing).
    pub extra_stdout: Output,
}

/// Runs a command that is expected to fail before the handshake: its exit status and stderr.
pub async fn run_to_exit(mut command: Command) -> (ExitStatus, String, String) {
    let output = tokio::time::timeout(Duration::from_secs(20), command.output())
        .await
        .expect("the process exits by itself")
        .expect("the fixture runs");
    (
        output.status,
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

impl PluginProcess {
    /// Starts the command and reads the handshake (the server allows 10 s).
    pub async fn launch(mut command: Command) -> PluginProcess {
        let mut child = command.spawn().expect("the fixture starts");
        let stderr = Output::default();
        stderr.collect(child.stderr.take().unwrap());
        let mut stdout = BufReader::new(child.stdout.take().unwrap());
        let mut handshake = String::new();
        let read = tokio::time::timeout(Duration::from_secs(10), stdout.read_line(&mut handshake)).await;
        assert!(
            matches!(read, Ok(Ok(n)) if n > 0),
            "no handshake within 10 s: {read:?}; stderr: {}",
            stderr.text()
        );
        let handshake = handshake.trim_end().to_owned();
        let extra_stdout = Output::default();
        extra_stdout.collect(stdout);

        let fields: Vec<&str> = handshake.split('|').collect();
        assert_eq!(fields.len(), 5, "handshake {handshake:?}");
        assert_eq!((fields[0], fields[1], fields[4]), ("1", "1", "grpc"), "handshake {handshake:?}");
        let channel = match fields[2] {
            "tcp" => Endpoint::from_shared(format!("http://{}", fields[3])).unwrap().connect().await.unwrap(),
            "unix" => {
                let path = fields[3].to_owned();
                Endpoint::from_static("http://plugin.local")
                    .connect_with_connector(tower::service_fn(move |_| {
                        let path = path.clone();
                        async move {
                            tokio::net::UnixStream::connect(path).await.map(hyper_util::rt::TokioIo::new)
                        }
                    }))
                    .await
                    .unwrap()
            }
            other => panic!("unknown network {other:?} in {handshake:?}"),
        };
        PluginProcess { child, handshake, channel, stderr, extra_stdout }
    }

    pub fn hooks(&self) -> PluginHooksClient<Channel> {
        PluginHooksClient::new(self.channel.clone()).max_decoding_message_size(usize::MAX)
    }

    pub async fn health(&self, service: &str) -> ServingStatus {
        let response = HealthClient::new(self.channel.clone())
            .check(HealthCheckRequest { service: service.into() })
            .await
            .expect("health check answers");
        response.into_inner().status()
    }

    /// Runs a fixture slash command and returns its response text.
    pub async fn command(&self, line: &str) -> Result<String, Status> {
        let response = self
            .hooks()
            .execute_command(req(wire::ExecuteCommandRequest {
                context: None,
                plugin_context: None,
                args: Some(wire::CommandArgs { command: line.into(), ..Default::default() }),
            }))
            .await?
            .into_inner();
        if let Some(error) = response.error {
            return Err(Status::internal(format!("AppError {}: {}", error.id, error.message)));
        }
        Ok(response.response.unwrap_or_default().text)
    }

    pub async fn journal(&self) -> String {
        self.command("/journal").await.expect("journal")
    }

    /// Waits for the process to exit (at most `limit`); the exit status and how long it took.
    pub async fn wait_exit(&mut self, since: Instant, limit: Duration) -> (ExitStatus, Duration) {
        let status = tokio::time::timeout(limit, self.child.wait())
            .await
            .unwrap_or_else(|_| {
                panic!("the plugin did not exit within {limit:?}; stderr: {}", self.stderr.text())
            })
            .unwrap();
        let took = since.elapsed();
        // Read what it wrote before it exited.
        assert!(self.stderr.wait_closed(Duration::from_secs(5)).await, "stderr still open after exit");
        (status, took)
    }

    pub fn pid(&self) -> i32 {
        self.child.id().expect("running") as i32
    }
}
