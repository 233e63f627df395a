//! The probe plugin as a gRPC server launches it: a child process with the server's
//! environment, the go-plugin handshake, then hooks through `PluginHooks`.

use std::process::Stdio;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::Bytes;
use mm_proto::v1 as wire;
use mm_proto::v1::plugin_hooks_client::PluginHooksClient;
use tokio::io::{AsyncBufReadExt, AsyncReadExt, BufReader};
use tokio::process::{Child, Command};
use tonic::transport::{Channel, Endpoint};

const PROBE: &str = env!("CARGO_BIN_EXE_mm-api-probe");

/// A running probe plugin.
pub struct Plugin {
    _child: Child,
    channel: Channel,
    stderr: Arc<Mutex<String>>,
}

impl Plugin {
    /// Starts the binary as the server does and reads its handshake (the server allows 10 s).
    pub async fn launch(api_target: &str) -> Plugin {
        let mut child = Command::new(PROBE)
            .arg("server/dist/plugin.py")
            .env("MATTERMOST_PLUGIN", "Securely message teams, anywhere.")
            .env("MATTERMOST_PLUGIN_API_TARGET", api_target)
            .env("PLUGIN_MIN_PORT", "10000")
            .env("PLUGIN_MAX_PORT", "25000")
            .env("PLUGIN_PROTOCOL_VERSIONS", "1")
            .env("RUST_LOG", "info")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .expect("the probe starts");
        let stderr = Arc::new(Mutex::new(String::new()));
        let mut err = child.stderr.take().expect("stderr");
        let sink = Arc::clone(&stderr);
        tokio::spawn(async move {
            let mut buf = [0u8; 4096];
            while let Ok(n) = err.read(&mut buf).await {
                if n == 0 {
                    break;
                }
                sink.lock().unwrap().push_str(&String::from_utf8_lossy(&buf[..n]));
            }
        });
        let mut stdout = BufReader::new(child.stdout.take().expect("stdout"));
        let mut line = String::new();
        let read = tokio::time::timeout(Duration::from_secs(10), stdout.read_line(&mut line)).await;
        assert!(
            matches!(read, Ok(Ok(n)) if n > 0),
            "no handshake: {read:?}; stderr: {}",
            stderr.lock().unwrap()
        );
        let fields: Vec<&str> = line.trim_end().split('|').collect();
        assert_eq!(fields.len(), 5, "handshake {line:?}");
        assert_eq!((fields[0], fields[1], fields[4]), ("1", "1", "grpc"), "handshake {line:?}");
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
            other => panic!("unknown network {other:?} in {line:?}"),
        };
        Plugin { _child: child, channel, stderr }
    }

    pub fn hooks(&self) -> PluginHooksClient<Channel> {
        PluginHooksClient::new(self.channel.clone()).max_decoding_message_size(usize::MAX)
    }

    /// What the plugin wrote to stderr so far (its log).
    pub fn stderr(&self) -> String {
        self.stderr.lock().unwrap().clone()
    }

    /// `OnActivate`, as the server calls it before anything else.
    pub async fn activate(&self) {
        let response = self
            .hooks()
            .on_activate(wire::OnActivateRequest { context: None })
            .await
            .expect("OnActivate answers")
            .into_inner();
        assert_eq!(response.error, None, "OnActivate failed");
    }

    /// `ServeHTTP` of a GET request: the status and the body.
    pub async fn get(&self, url: &str) -> (i32, Bytes) {
        let request = wire::ServeHttpRequest {
            init: Some(wire::ServeHttpRequestInit {
                plugin_context: None,
                method: "GET".into(),
                url: url.into(),
                proto: "HTTP/1.1".into(),
                proto_major: 1,
                proto_minor: 1,
                headers: Vec::new(),
                host: "probe.example.com".into(),
                remote_addr: "127.0.0.1:5555".into(),
                request_uri: format!("/plugins/com.mattermost.probe{url}"),
                content_length: 0,
            }),
            body_chunk: Bytes::new(),
            body_complete: true,
        };
        let mut responses = self
            .hooks()
            .serve_http(futures_util::stream::iter([request]))
            .await
            .expect("ServeHTTP answers")
            .into_inner();
        let mut status = 0;
        let mut body = Vec::new();
        while let Some(part) = responses.message().await.expect("ServeHTTP streams") {
            if let Some(init) = part.init {
                status = init.status_code;
            }
            body.extend_from_slice(&part.body_chunk);
        }
        (status, Bytes::from(body))
    }
}
