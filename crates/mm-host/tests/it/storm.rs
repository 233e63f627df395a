//! Request storms, as a busy server sees them: browsers abandoning requests to a plugin,
//! hooks whose callers give up, a thousand PluginAPI callers at once. A debug-built plugin
//! keeps serving through them (no restart, every later request answered), and mm-host's
//! PluginAPI answers every call.

use std::sync::Arc;
use std::time::Duration;

use mm_host::Host;
use mm_host::supervisor::{PluginSpec, Protocol, Supervisor, SupervisorEvent};
use mm_host::testkit::TestHost;
use mm_proto::v1 as wire;
use tokio::io::AsyncWriteExt;
use tokio::net::TcpStream;
use tokio::sync::broadcast;

/// The SDK fixture, built in debug with the tests: `/hang`, `/kv`, `/stats`, and a
/// `MessageWillBePosted` that hangs on posts starting with `hang`.
const SDK_FIXTURE: &str = env!("CARGO_BIN_EXE_mm-host-sdk-fixture");
const ID: &str = "com.example.storm";
/// Calls of each kind in a storm.
const STORM: usize = 1_000;
/// Requests of each kind after the storm.
const AFTER: usize = 100;
/// Busy spells in which the first half of each storm arrives.
const ROUNDS: usize = 5;

fn id(c: char) -> String {
    std::iter::repeat_n(c, 26).collect()
}

/// The fixture's counts of hanging calls that started: (`/hang` requests, posts).
async fn hangs_started(test: &TestHost) -> (usize, usize) {
    let stats = test.http_get(&format!("/plugins/{ID}/stats")).await.expect("the plugin answers /stats");
    assert_eq!(stats.status, 200, "{stats:?}");
    let text = stats.text();
    let count = |name: &str| -> usize {
        text.split_whitespace()
            .find_map(|field| field.strip_prefix(name)?.strip_prefix('=')?.parse().ok())
            .unwrap_or_else(|| panic!("no {name} in {text:?}"))
    };
    (count("http"), count("post"))
}

/// Waits (boundedly) until the fixture reports at least `http` and `posts` hanging calls.
async fn until_hanging(test: &TestHost, http: usize, posts: usize) {
    for _ in 0..3_000 {
        let (started_http, started_posts) = hangs_started(test).await;
        if started_http >= http && started_posts >= posts {
            return;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    panic!(
        "the plugin never had {http} requests and {posts} posts in progress: {:?}",
        hangs_started(test).await
    );
}

/// A request to the plugin's `/hang` route on its own connection: dropping the socket
/// abandons it, as a browser that navigates away.
async fn hanging_request(front: std::net::SocketAddr) -> TcpStream {
    let mut socket = TcpStream::connect(front).await.expect("the HTTP front accepts");
    let request = format!("GET /plugins/{ID}/hang HTTP/1.1\r\nHost: {front}\r\n\r\n");
    socket.write_all(request.as_bytes()).await.expect("the request is sent");
    socket
}

/// How long the `n`th early caller waits before it gives up: 1 to 100 ms, while the other
/// side is busy (its connection unread for 300 ms).
fn give_up_after(n: usize) -> Duration {
    Duration::from_millis(1 + (n % 100) as u64)
}

/// A `MessageWillBePosted` call of `message` that gives up after `give_up`, or when its task
/// is aborted.
fn post_call(
    hooks: &wire::plugin_hooks_client::PluginHooksClient<tonic::transport::Channel>,
    message: String,
    give_up: Option<Duration>,
) -> tokio::task::JoinHandle<()> {
    let mut hooks = hooks.clone();
    let post =
        wire::Post { id: id('p'), channel_id: id('c'), user_id: id('u'), message, ..Default::default() };
    tokio::spawn(async move {
        let call = hooks.message_will_be_posted(wire::MessageWillBePostedRequest {
            post: Some(post),
            ..Default::default()
        });
        match give_up {
            Some(after) => drop(tokio::time::timeout(after, call).await),
            None => drop(call.await),
        }
    })
}

fn is_restart_sign(event: &SupervisorEvent) -> bool {
    matches!(
        event,
        SupervisorEvent::Launching { .. }
            | SupervisorEvent::Launched { .. }
            | SupervisorEvent::Failed { .. }
            | SupervisorEvent::HealthCheckFailed { .. }
            | SupervisorEvent::Restarting { .. }
            | SupervisorEvent::RestartFailed { .. }
            | SupervisorEvent::GaveUp { .. }
            | SupervisorEvent::Stopped { .. }
    )
}

/// Every event so far; fails if the channel lost some.
fn drain(events: &mut broadcast::Receiver<SupervisorEvent>) -> Vec<SupervisorEvent> {
    let mut seen = Vec::new();
    loop {
        match events.try_recv() {
            Ok(event) => seen.push(event),
            Err(broadcast::error::TryRecvError::Empty) => return seen,
            Err(e) => panic!("supervisor events lost: {e}"),
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_debug_plugin_survives_abandoned_requests_and_cancelled_hooks() {
    let host = Host::start().await.unwrap();
    let supervisor = Supervisor::builder(Arc::new(host.clone())).build();
    let mut events = supervisor.subscribe();
    // The storm is an HTTP/2 matter: the plugin runs on the fork's gRPC.
    let spec = PluginSpec::from_binary(SDK_FIXTURE)
        .unwrap()
        .with_plugin_id(ID)
        .unwrap()
        .with_protocol(Protocol::Grpc);
    let connection = supervisor.start(spec).await.expect("the fixture starts");
    let test = TestHost::from_host(host);
    let started = drain(&mut events);
    let pid = started
        .iter()
        .find_map(|e| match e {
            SupervisorEvent::Launched { pid, .. } => *pid,
            _ => None,
        })
        .expect("the plugin's pid");
    assert_eq!(started.iter().filter(|e| is_restart_sign(e)).count(), 2, "one launch: {started:?}");
    let front = test.host().http_addr().expect("the HTTP front");
    let hooks = connection.hooks().expect("a gRPC connection");

    // Half of each storm gives up within a millisecond, often before the plugin has taken the
    // stream (h2's rapid-reset guard counts those); the other half once the plugin is working
    // on every call, all together.
    let half = STORM / 2;
    // One `busy` post per thread of the plugin's runtime (one per CPU, as here).
    let busy_calls = std::thread::available_parallelism().map_or(2, |n| n.get());
    let mut early = Vec::with_capacity(half);
    for round in 0..ROUNDS {
        // The plugin is busy first (every worker thread held a moment): this round's requests
        // and their cancellations pile up unread, as on a debug build in a burst.
        let busy: Vec<_> = (0..busy_calls).map(|n| post_call(&hooks, format!("busy {n}"), None)).collect();
        tokio::time::sleep(Duration::from_millis(50)).await;
        let calls = (round * half / ROUNDS)..((round + 1) * half / ROUNDS);
        early.extend(calls.clone().map(|n| post_call(&hooks, format!("hang {n}"), Some(give_up_after(n)))));
        let abandoned: Vec<_> = calls
            .map(|n| {
                tokio::spawn(async move {
                    let socket = hanging_request(front).await;
                    tokio::time::sleep(give_up_after(n)).await;
                    drop(socket);
                })
            })
            .collect();
        for task in abandoned.into_iter().chain(busy) {
            task.await.unwrap();
        }
    }

    let (http_before, posts_before) = hangs_started(&test).await;
    let late: Vec<_> = (half..STORM).map(|n| post_call(&hooks, format!("hang {n}"), None)).collect();
    let mut sockets = Vec::with_capacity(STORM - half);
    for _ in half..STORM {
        sockets.push(hanging_request(front).await);
    }
    until_hanging(&test, http_before + (STORM - half), posts_before + (STORM - half)).await;
    for task in &late {
        task.abort();
    }
    drop(sockets);
    for task in early.into_iter().chain(late) {
        let _ = task.await;
    }

    // Normal traffic: every request answered by the same process.
    let mut requests = Vec::new();
    for _ in 0..AFTER {
        let call = test.http(http::Method::GET, &format!("/plugins/{ID}/kv")).anonymous();
        requests.push(tokio::spawn(call.send()));
    }
    for request in requests {
        let response = request.await.unwrap().expect("answered");
        assert_eq!((response.status.as_u16(), response.text()), (200, "kv ok: 0".to_owned()));
    }
    let (alice, town_square) = (test.alice().id.clone(), test.town_square().id.clone());
    for n in 0..AFTER {
        let post = test.create_post(&alice, &town_square, &format!("stamp {n}")).await.expect("posted");
        assert_eq!(post.message, format!("stamp {n} [stamped]"));
    }

    let later = drain(&mut events);
    assert!(!later.iter().any(is_restart_sign), "the plugin was never restarted: {later:?}");
    assert_eq!(supervisor.connection(ID).map(|c| c.id().to_owned()), Some(ID.to_owned()));
    let alive = std::process::Command::new("kill").arg("-0").arg(pid.to_string()).status().unwrap();
    assert!(alive.success(), "the first plugin process (pid {pid}) still runs");
    supervisor.stop(ID).await.expect("stops");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_thousand_concurrent_api_callers_all_get_answers() {
    // The host runs on a runtime of its own, with one thread, so that the test can keep it
    // busy while the callers' requests and cancellations pile up unread.
    let host_runtime =
        tokio::runtime::Builder::new_multi_thread().worker_threads(1).enable_all().build().unwrap();
    let host = host_runtime
        .spawn(async {
            let host = Host::start().await.unwrap();
            let api = host.api_target(ID).await.unwrap();
            (host, api)
        })
        .await
        .unwrap();
    let api = host.1.to_string();
    // Ten plugin clients (ten connections), each shared by a hundred callers, as a plugin's
    // client is shared by its hooks.
    let mut clients = Vec::new();
    for _ in 0..10 {
        clients.push(mm_client::Client::connect(&api).await.unwrap());
    }
    clients[0].kv().set("storm", "value").await.unwrap();

    for round in 0..ROUNDS {
        // The host is busy a moment (its thread held), as a host in a storm.
        let busy = host_runtime.spawn(async { std::thread::sleep(Duration::from_millis(300)) });
        tokio::time::sleep(Duration::from_millis(20)).await;
        // Callers that give up (their streams reset before the host took them) among callers
        // that wait for their answers.
        let calls = (round * STORM / ROUNDS)..((round + 1) * STORM / ROUNDS);
        let mut abandoned = Vec::new();
        let mut callers = Vec::new();
        for n in calls {
            let client = clients[n % clients.len()].clone();
            abandoned.push(tokio::spawn(async move {
                let _ = tokio::time::timeout(give_up_after(n), client.kv().get("storm")).await;
            }));
            let client = clients[n % clients.len()].clone();
            callers.push(tokio::spawn(async move { client.kv().get("storm").await }));
        }
        busy.await.unwrap();
        let mut failed = Vec::new();
        for caller in callers {
            match caller.await.unwrap() {
                Ok(Some(value)) if value.as_ref() == b"value" => {}
                other => failed.push(format!("{other:?}")),
            }
        }
        let shown = &failed[..failed.len().min(3)];
        assert!(failed.is_empty(), "round {round}: {} KVGet calls failed: {shown:?}", failed.len());
        for task in abandoned {
            task.await.unwrap();
        }
    }
    drop(host);
    host_runtime.shutdown_background();
}

/// Opens `count` KVGet streams on one raw HTTP/2 connection to a PluginAPI listener and
/// resets each in the same flush as it opens (how a busy plugin's cancelled calls can reach
/// the host), then calls KVGet on that same connection: its answer, if it is still served.
async fn kv_get_after_rapid_resets(
    api: std::net::SocketAddr,
    count: usize,
) -> Result<wire::KvGetResponse, String> {
    use prost::Message as _;
    let socket = TcpStream::connect(api).await.map_err(|e| e.to_string())?;
    let (client, connection) = h2::client::handshake(socket).await.map_err(|e| e.to_string())?;
    let driver = tokio::spawn(connection);
    let mut client = client.ready().await.map_err(|e| e.to_string())?;
    let kv_get = || {
        http::Request::post(format!("http://{api}/mattermost.pluginapi.v1.PluginAPI/KVGet"))
            .header("content-type", "application/grpc")
            .header("te", "trailers")
            .body(())
            .unwrap()
    };
    // No await between the streams: the connection task sends them all at once.
    for _ in 0..count {
        let (_response, mut stream) = client.send_request(kv_get(), false).map_err(|e| e.to_string())?;
        stream.send_reset(h2::Reason::CANCEL);
    }
    let (response, mut stream) = client.send_request(kv_get(), false).map_err(|e| e.to_string())?;
    let message = wire::KvGetRequest { key: "storm".into() }.encode_to_vec();
    let mut frame = vec![0u8];
    frame.extend_from_slice(&u32::try_from(message.len()).unwrap().to_be_bytes());
    frame.extend_from_slice(&message);
    stream.send_data(frame.into(), true).map_err(|e| e.to_string())?;
    let mut body = response.await.map_err(|e| format!("the KVGet after the resets: {e}"))?.into_body();
    let mut answer = Vec::new();
    while let Some(chunk) = body.data().await {
        let chunk = chunk.map_err(|e| format!("reading the KVGet answer: {e}"))?;
        let _ = body.flow_control().release_capacity(chunk.len());
        answer.extend_from_slice(&chunk);
    }
    driver.abort();
    wire::KvGetResponse::decode(answer.get(5..).unwrap_or_default())
        .map_err(|e| format!("the KVGet answer {answer:?}: {e}"))
}

#[tokio::test(flavor = "current_thread")]
async fn a_plugins_api_connection_survives_a_burst_of_cancelled_calls() {
    let host = Host::start().await.unwrap();
    let api = host.api_target(ID).await.unwrap();
    mm_client::Client::connect(&api.to_string()).await.unwrap().kv().set("storm", "value").await.unwrap();
    // A thousand calls given up at once: far past h2's default of 20 streams reset before
    // they are accepted, after which it would answer GOAWAY.
    let answer = kv_get_after_rapid_resets(api, 1_000).await.expect("the same connection is still served");
    assert_eq!(answer.value.as_ref(), b"value");
}
