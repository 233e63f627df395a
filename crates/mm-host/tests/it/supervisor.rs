//! The supervisor against a real plugin process (the `mm-host-fixture-plugin` binary, whose
//! behaviour each test picks): launch environment, handshake limit, activation errors,
//! crashes and the restart policy, failed health checks, graceful and forced stops.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use mm_host::supervisor::{
    BoxFuture, PluginAddress, PluginConnection, PluginRegistry, PluginSpec, Protocol, RestartPolicy,
    StopOutcome, Supervisor, SupervisorErrorKind, SupervisorEvent,
};
use tokio::sync::broadcast;

const FIXTURE: &str = env!("CARGO_BIN_EXE_mm-host-fixture-plugin");
/// The fixture never calls the PluginAPI; the address only has to reach it intact.
const API_TARGET: &str = "127.0.0.1:9";

/// A registry that records what the supervisor tells the host.
#[derive(Debug, Default)]
struct RecordingRegistry {
    calls: Mutex<Vec<String>>,
}

impl RecordingRegistry {
    fn calls(&self) -> Vec<String> {
        self.calls.lock().unwrap().clone()
    }
}

impl PluginRegistry for RecordingRegistry {
    fn api_target<'a>(&'a self, plugin_id: &'a str) -> BoxFuture<'a, std::io::Result<String>> {
        self.calls.lock().unwrap().push(format!("api_target {plugin_id}"));
        Box::pin(async { Ok(API_TARGET.to_owned()) })
    }

    fn register(&self, connection: PluginConnection) {
        self.calls.lock().unwrap().push(format!("register {}", connection.id()));
    }

    fn unregister(&self, plugin_id: &str) {
        self.calls.lock().unwrap().push(format!("unregister {plugin_id}"));
    }
}

struct Setup {
    supervisor: Supervisor,
    registry: Arc<RecordingRegistry>,
    events: broadcast::Receiver<SupervisorEvent>,
    record: PathBuf,
    _dir: tempfile::TempDir,
}

fn setup(
    configure: impl FnOnce(mm_host::supervisor::SupervisorBuilder) -> mm_host::supervisor::SupervisorBuilder,
) -> Setup {
    let registry = Arc::new(RecordingRegistry::default());
    let supervisor = configure(Supervisor::builder(registry.clone())).build();
    let events = supervisor.subscribe();
    let dir = tempfile::tempdir().unwrap();
    let record = dir.path().join("record.txt");
    Setup { supervisor, registry, events, record, _dir: dir }
}

fn fixture(id: &str, mode: &str, record: &Path) -> PluginSpec {
    // The fixture is a bare go-plugin gRPC server (the fork's protocol).
    PluginSpec::from_path(FIXTURE)
        .unwrap()
        .with_plugin_id(id)
        .unwrap()
        .with_protocol(Protocol::Grpc)
        .env("MM_HOST_FIXTURE_MODE", mode)
        .env("MM_HOST_FIXTURE_RECORD", record)
}

fn recorded(record: &Path) -> Vec<String> {
    std::fs::read_to_string(record).unwrap_or_default().lines().map(str::to_owned).collect()
}

/// Receives events until `stop` matches one; returns all of them.
async fn events_until(
    events: &mut broadcast::Receiver<SupervisorEvent>,
    stop: impl Fn(&SupervisorEvent) -> bool,
) -> Vec<SupervisorEvent> {
    let mut seen = Vec::new();
    loop {
        let event = events.recv().await.expect("event stream open");
        let done = stop(&event);
        seen.push(event);
        if done {
            return seen;
        }
    }
}

fn names(events: &[SupervisorEvent]) -> Vec<&'static str> {
    events
        .iter()
        .map(|e| match e {
            SupervisorEvent::Launching { .. } => "Launching",
            SupervisorEvent::Launched { .. } => "Launched",
            SupervisorEvent::Handshake { .. } => "Handshake",
            SupervisorEvent::Healthy { .. } => "Healthy",
            SupervisorEvent::Implemented { .. } => "Implemented",
            SupervisorEvent::Activated { .. } => "Activated",
            SupervisorEvent::HealthCheckFailed { .. } => "HealthCheckFailed",
            SupervisorEvent::Failed { .. } => "Failed",
            SupervisorEvent::Restarting { .. } => "Restarting",
            SupervisorEvent::RestartFailed { .. } => "RestartFailed",
            SupervisorEvent::GaveUp { .. } => "GaveUp",
            SupervisorEvent::Stopping { .. } => "Stopping",
            SupervisorEvent::Stopped { .. } => "Stopped",
            _ => "other",
        })
        .collect()
}

fn launched_pid(events: &[SupervisorEvent]) -> u32 {
    events
        .iter()
        .find_map(|e| match e {
            SupervisorEvent::Launched { pid, .. } => *pid,
            _ => None,
        })
        .expect("a Launched event with a pid")
}

/// On Linux a reaped process has no `/proc/<pid>` any more.
fn assert_process_gone(pid: u32) {
    if cfg!(target_os = "linux") {
        assert!(!Path::new(&format!("/proc/{pid}")).exists(), "process {pid} still exists");
    }
}

#[tokio::test]
async fn normal_start_and_stop_like_the_server() {
    let mut s = setup(|b| b);
    let connection = s.supervisor.start(fixture("com.example.normal", "normal", &s.record)).await.unwrap();

    assert_eq!(connection.id(), "com.example.normal");
    assert!(connection.implements("OnActivate") && connection.implements("MessageWillBePosted"));
    assert!(!connection.implements("NotAHook"), "unknown names are ignored");
    assert!(matches!(connection.address(), Some(PluginAddress::Tcp(addr)) if addr.ip().is_loopback()));
    assert_eq!(s.supervisor.plugin_ids(), ["com.example.normal"]);
    assert!(s.supervisor.connection("com.example.normal").is_some());

    let started = events_until(&mut s.events, |e| matches!(e, SupervisorEvent::Activated { .. })).await;
    assert_eq!(
        names(&started),
        ["Launching", "Launched", "Handshake", "Healthy", "Implemented", "Activated"]
    );
    let implemented = started.iter().find_map(|e| match e {
        SupervisorEvent::Implemented { hooks, unknown, .. } => Some((hooks.clone(), unknown.clone())),
        _ => None,
    });
    assert_eq!(
        implemented,
        Some((
            vec!["MessageWillBePosted".to_owned(), "OnActivate".to_owned(), "OnDeactivate".to_owned()],
            vec!["NotAHook".to_owned()]
        ))
    );
    let pid = launched_pid(&started);

    // The process saw the server's launch environment.
    let lines = recorded(&s.record);
    let fixture_path = std::path::absolute(FIXTURE).unwrap();
    for expected in [
        format!("arg={}", fixture_path.display()),
        format!("cwd={}", fixture_path.parent().unwrap().display()),
        "env MATTERMOST_PLUGIN=Securely message teams, anywhere.".to_owned(),
        format!("env MATTERMOST_PLUGIN_API_TARGET={API_TARGET}"),
        "env PLUGIN_MIN_PORT=10000".to_owned(),
        "env PLUGIN_MAX_PORT=25000".to_owned(),
        "env PLUGIN_PROTOCOL_VERSIONS=1".to_owned(),
    ] {
        assert!(lines.contains(&expected), "missing {expected:?} in {lines:?}");
    }

    let outcome = s.supervisor.stop("com.example.normal").await.unwrap();
    assert!(matches!(outcome, StopOutcome::Exited(exit) if exit.success()), "{outcome:?}");
    let stopped = events_until(&mut s.events, |e| matches!(e, SupervisorEvent::Stopped { .. })).await;
    assert_eq!(names(&stopped), ["Stopping", "Stopped"]);

    let lines = recorded(&s.record);
    let hooks: Vec<&str> = lines
        .iter()
        .map(String::as_str)
        .filter(|l| matches!(*l, "Implemented" | "OnActivate" | "OnDeactivate" | "Shutdown" | "exiting"))
        .collect();
    assert_eq!(hooks, ["Implemented", "OnActivate", "OnDeactivate", "Shutdown", "exiting"]);
    assert_eq!(
        s.registry.calls(),
        ["api_target com.example.normal", "register com.example.normal", "unregister com.example.normal"]
    );
    assert!(s.supervisor.plugin_ids().is_empty());
    assert!(s.supervisor.connection("com.example.normal").is_none());
    assert_process_gone(pid);
}

#[tokio::test]
async fn a_crashing_plugin_is_restarted_then_given_up_after_the_limit() {
    let mut s = setup(|b| b.restart_policy(RestartPolicy::new(3, Duration::from_secs(3600))));
    s.supervisor.start(fixture("com.example.crash", "crash", &s.record)).await.unwrap();

    let all = events_until(&mut s.events, |e| matches!(e, SupervisorEvent::GaveUp { .. })).await;
    let milestones: Vec<&str> = names(&all)
        .into_iter()
        .filter(|n| matches!(*n, "Activated" | "Failed" | "Restarting" | "GaveUp"))
        .collect();
    assert_eq!(
        milestones,
        [
            "Activated",
            "Failed",
            "Restarting",
            "Activated",
            "Failed",
            "Restarting",
            "Activated",
            "Failed",
            "GaveUp"
        ]
    );
    let restarts: Vec<u32> = all
        .iter()
        .filter_map(|e| match e {
            SupervisorEvent::Restarting { failures, .. } => Some(*failures),
            _ => None,
        })
        .collect();
    assert_eq!(restarts, [1, 2]);
    match all.last() {
        Some(SupervisorEvent::GaveUp { failures, reason, .. }) => {
            assert_eq!(*failures, 3);
            assert!(reason.contains("exit code 3"), "{reason}");
        }
        other => panic!("last event {other:?}"),
    }

    let starts = recorded(&s.record).iter().filter(|l| *l == "start").count();
    assert_eq!(starts, 3, "first start and two restarts");
    let calls = s.registry.calls();
    assert_eq!(calls.iter().filter(|c| c.starts_with("register")).count(), 3, "{calls:?}");
    assert_eq!(calls.iter().filter(|c| c.starts_with("unregister")).count(), 3, "{calls:?}");
    assert!(s.supervisor.plugin_ids().is_empty(), "a given-up plugin is no longer supervised");
    assert!(s.supervisor.connection("com.example.crash").is_none());
    let err = s.supervisor.stop("com.example.crash").await.unwrap_err();
    assert_eq!(err.kind(), SupervisorErrorKind::NotRunning);
}

#[tokio::test]
async fn a_plugin_that_never_handshakes_gets_a_clear_error_after_10_s() {
    let mut s = setup(|b| b);
    let started = Instant::now();
    let err = s.supervisor.start(fixture("com.example.silent", "no-handshake", &s.record)).await.unwrap_err();
    let waited = started.elapsed();

    assert_eq!(err.kind(), SupervisorErrorKind::HandshakeTimeout);
    let text = err.to_string();
    assert!(text.starts_with("plugin com.example.silent: no handshake line within 10 s"), "{text}");
    assert!(waited >= Duration::from_secs(10), "gave up before the server's 10 s limit: {waited:?}");

    let events = events_until(&mut s.events, |e| matches!(e, SupervisorEvent::Launched { .. })).await;
    // The process was killed and reaped.
    assert_process_gone(launched_pid(&events));
    assert!(s.supervisor.plugin_ids().is_empty());
    assert!(!s.registry.calls().iter().any(|c| c.starts_with("register")));
}

#[tokio::test]
async fn a_plugin_that_ignores_shutdown_is_killed_after_2_s() {
    let mut s = setup(|b| b);
    s.supervisor.start(fixture("com.example.stubborn", "ignore-shutdown", &s.record)).await.unwrap();
    let started = events_until(&mut s.events, |e| matches!(e, SupervisorEvent::Activated { .. })).await;
    let pid = launched_pid(&started);

    let stopping = Instant::now();
    let outcome = s.supervisor.stop("com.example.stubborn").await.unwrap();
    let waited = stopping.elapsed();

    match outcome {
        StopOutcome::Killed(exit) => {
            assert_eq!(exit.code, None);
            if cfg!(unix) {
                assert_eq!(exit.signal, Some(9), "SIGKILL");
            }
        }
        other => panic!("expected a kill, got {other:?}"),
    }
    assert!(waited >= Duration::from_secs(2), "killed before the 2 s grace period: {waited:?}");
    let lines = recorded(&s.record);
    assert!(
        lines.contains(&"OnDeactivate".to_owned()) && lines.contains(&"Shutdown".to_owned()),
        "{lines:?}"
    );
    assert!(!lines.contains(&"exiting".to_owned()));
    assert_process_gone(pid);
}

#[tokio::test]
async fn activation_errors_are_reported_with_the_plugins_app_error() {
    let s = setup(|b| b);
    let err =
        s.supervisor.start(fixture("com.example.refuses", "activate-error", &s.record)).await.unwrap_err();
    assert_eq!(err.kind(), SupervisorErrorKind::ActivationFailed);
    let app_error = err.app_error().expect("the plugin's AppError");
    assert_eq!(app_error.id, "fixture.on_activate.bad_config");
    assert_eq!(app_error.status_code, 500);
    let text = err.to_string();
    assert!(text.contains("activation failed"), "{text}");
    assert!(text.contains("The fixture refuses to activate."), "{text}");
    assert!(s.supervisor.plugin_ids().is_empty());
    assert!(!s.registry.calls().iter().any(|c| c.starts_with("register")));
}

#[tokio::test]
async fn a_plugin_that_exits_before_the_handshake_shows_its_stderr() {
    let s = setup(|b| b);
    let err = s.supervisor.start(fixture("com.example.early", "exit-early", &s.record)).await.unwrap_err();
    assert_eq!(err.kind(), SupervisorErrorKind::ExitedEarly);
    let text = err.to_string();
    assert!(text.contains("exit code 1"), "{text}");
    assert!(text.contains("fixture: the configuration file is missing"), "{text}");
}

#[tokio::test]
async fn a_line_that_is_not_a_handshake_is_refused() {
    let s = setup(|b| b);
    let err =
        s.supervisor.start(fixture("com.example.chatty", "bad-handshake", &s.record)).await.unwrap_err();
    assert_eq!(err.kind(), SupervisorErrorKind::HandshakeInvalid);
    assert!(err.to_string().contains("hello, I am not a handshake"), "{err}");
}

#[tokio::test]
async fn failed_health_checks_count_as_a_failure() {
    let mut s =
        setup(|b| b.health_interval(Duration::from_millis(500)).restart_policy(RestartPolicy::never()));
    s.supervisor.start(fixture("com.example.sick", "unhealthy", &s.record)).await.unwrap();
    let all = events_until(&mut s.events, |e| matches!(e, SupervisorEvent::GaveUp { .. })).await;
    let attempts: Vec<u32> = all
        .iter()
        .filter_map(|e| match e {
            SupervisorEvent::HealthCheckFailed { attempt, error, .. } => {
                assert!(error.contains("NOT_SERVING"), "{error}");
                Some(*attempt)
            }
            _ => None,
        })
        .collect();
    assert_eq!(attempts, [1, 2, 3], "three pings in a row before the check fails");
    match all.last() {
        Some(SupervisorEvent::GaveUp { failures: 1, reason, .. }) => {
            assert!(reason.contains("did not answer 3 health checks"), "{reason}")
        }
        other => panic!("last event {other:?}"),
    }
}

#[tokio::test]
async fn unix_socket_plugins_are_reached_too() {
    let s = setup(|b| b);
    let socket = s._dir.path().join("plugin.sock");
    let spec = fixture("com.example.unix", "normal", &s.record).env("MM_HOST_FIXTURE_UNIX", &socket);
    let connection = s.supervisor.start(spec).await.unwrap();
    assert_eq!(connection.address(), Some(&PluginAddress::Unix(socket)));
    let outcome = s.supervisor.stop("com.example.unix").await.unwrap();
    assert!(matches!(outcome, StopOutcome::Exited(exit) if exit.success()), "{outcome:?}");
}

#[tokio::test]
async fn one_plugin_id_runs_once_and_unknown_ids_cannot_be_stopped() {
    let s = setup(|b| b);
    s.supervisor.start(fixture("com.example.once", "normal", &s.record)).await.unwrap();
    let err = s.supervisor.start(fixture("com.example.once", "normal", &s.record)).await.unwrap_err();
    assert_eq!(err.kind(), SupervisorErrorKind::AlreadyRunning);
    let err = s.supervisor.stop("com.example.other").await.unwrap_err();
    assert_eq!(err.kind(), SupervisorErrorKind::NotRunning);

    let stopped = s.supervisor.stop_all().await;
    assert_eq!(stopped.len(), 1);
    assert!(matches!(stopped[0].1, StopOutcome::Exited(_)));
    // The id is free again.
    s.supervisor.start(fixture("com.example.once", "normal", &s.record)).await.unwrap();
    s.supervisor.stop("com.example.once").await.unwrap();
}

#[tokio::test]
async fn a_plugin_folder_runs_with_the_manifest_executable_as_argument() {
    let s = setup(|b| b);
    let folder = s._dir.path().join("com.example.folder");
    std::fs::create_dir_all(folder.join("server/dist")).unwrap();
    std::fs::copy(FIXTURE, folder.join("server/dist/plugin")).unwrap();
    std::fs::write(
        folder.join("plugin.json"),
        r#"{"id":"com.example.folder","name":"Folder","version":"0.1.0","server":{"executable":"server/dist/plugin"}}"#,
    )
    .unwrap();
    let spec = PluginSpec::from_path(&folder)
        .unwrap()
        .with_protocol(Protocol::Grpc)
        .env("MM_HOST_FIXTURE_RECORD", &s.record);
    assert_eq!(spec.manifest().unwrap().name, "Folder");
    let connection = s.supervisor.start(spec).await.unwrap();
    assert_eq!(connection.id(), "com.example.folder");
    let lines = recorded(&s.record);
    assert!(lines.contains(&"arg=server/dist/plugin".to_owned()), "{lines:?}");
    assert!(lines.contains(&format!("cwd={}", folder.display())), "{lines:?}");
    s.supervisor.stop("com.example.folder").await.unwrap();
}

// --- net/rpc: the same supervision for plugins run as a stock server runs them ---

const SDK_FIXTURE: &str = env!("CARGO_BIN_EXE_mm-host-sdk-fixture");

/// The SDK fixture on net/rpc (the default for a bare binary, as on a stock server).
fn net_rpc_fixture(id: &str, mode: &str) -> PluginSpec {
    PluginSpec::from_path(SDK_FIXTURE)
        .unwrap()
        .with_plugin_id(id)
        .unwrap()
        .env("MM_HOST_SDK_FIXTURE_MODE", mode)
}

fn crash_post() -> mm_proto::v1::MessageHasBeenPostedRequest {
    mm_proto::v1::MessageHasBeenPostedRequest {
        post: Some(mm_proto::v1::Post { message: "crash".into(), ..Default::default() }),
        ..Default::default()
    }
}

#[tokio::test]
async fn a_net_rpc_plugin_starts_and_stops_like_on_a_stock_server() {
    let mut s = setup(|b| b);
    let spec = net_rpc_fixture("com.example.netrpc", "normal");
    assert_eq!(spec.protocol(), Protocol::NetRpc);
    let connection = s.supervisor.start(spec).await.unwrap();
    assert_eq!(connection.protocol(), Protocol::NetRpc);
    assert!(connection.implements("OnActivate") && connection.implements("MessageHasBeenPosted"));
    assert!(connection.channel().is_none(), "no gRPC channel over net/rpc");

    let outcome = s.supervisor.stop("com.example.netrpc").await.unwrap();
    assert!(matches!(outcome, StopOutcome::Exited(exit) if exit.success()), "{outcome}");
    let all = events_until(&mut s.events, |e| matches!(e, SupervisorEvent::Stopped { .. })).await;
    assert_eq!(
        names(&all),
        ["Launching", "Launched", "Handshake", "Healthy", "Implemented", "Activated", "Stopping", "Stopped"]
    );
    let handshake = all.iter().find(|e| matches!(e, SupervisorEvent::Handshake { .. })).unwrap().to_string();
    assert!(handshake.contains("handshake: net/rpc on unix "), "{handshake}");
    // No PluginAPI listener: over net/rpc the API travels on the plugin's own connection.
    let calls = s.registry.calls();
    assert_eq!(calls, ["register com.example.netrpc", "unregister com.example.netrpc"], "{calls:?}");
    assert_process_gone(launched_pid(&all));
}

#[tokio::test]
async fn bad_net_rpc_plugins_get_clear_errors() {
    let s = setup(|b| b.stock_start_timeout(Duration::from_millis(700)).hook_timeout(Duration::from_secs(1)));
    let cases = [
        ("no-handshake", SupervisorErrorKind::HandshakeTimeout, "no handshake line within 0.7 s"),
        ("grpc-handshake", SupervisorErrorKind::HandshakeInvalid, "unsupported plugin protocol \"grpc\""),
        ("hang-activate", SupervisorErrorKind::ActivationFailed, "OnActivate did not answer within 1 s"),
    ];
    for (mode, kind, needle) in cases {
        let err =
            s.supervisor.start(net_rpc_fixture(&format!("com.example.{mode}"), mode)).await.unwrap_err();
        assert_eq!(err.kind(), kind, "{mode}: {err}");
        assert!(err.to_string().contains(needle), "{mode}: {err}");
    }
    // Garbage on the socket: the session cannot be used; the start fails at the first call.
    let err = s.supervisor.start(net_rpc_fixture("com.example.garbage", "garbage")).await.unwrap_err();
    assert!(
        matches!(err.kind(), SupervisorErrorKind::Connect | SupervisorErrorKind::Health),
        "garbage: {err}"
    );
    assert!(s.supervisor.plugin_ids().is_empty());
    assert!(!s.registry.calls().iter().any(|c| c.starts_with("register")));
}

#[tokio::test]
async fn a_net_rpc_plugin_that_crashes_in_a_hook_is_restarted_then_given_up() {
    use mm_host::HookTransport;
    let mut s = setup(|b| b.restart_policy(RestartPolicy::new(3, Duration::from_secs(3600))));
    s.supervisor.start(net_rpc_fixture("com.example.netrpc-crash", "normal")).await.unwrap();
    for _ in 0..3 {
        let connection = s.supervisor.wait_connection("com.example.netrpc-crash").await.expect("running");
        let answer = connection.link().call(crash_post(), Duration::from_secs(10)).await;
        assert!(answer.is_err(), "the process ended during the call: {answer:?}");
        events_until(&mut s.events, |e| matches!(e, SupervisorEvent::Failed { .. })).await;
    }
    let rest = events_until(&mut s.events, |e| matches!(e, SupervisorEvent::GaveUp { .. })).await;
    match rest.last() {
        Some(SupervisorEvent::GaveUp { failures, reason, .. }) => {
            assert_eq!(*failures, 3);
            assert!(reason.contains("exit code 3"), "{reason}");
        }
        other => panic!("last event {other:?}"),
    }
    let calls = s.registry.calls();
    assert_eq!(calls.iter().filter(|c| c.starts_with("register")).count(), 3, "{calls:?}");
}

#[cfg(unix)]
#[tokio::test]
async fn a_frozen_net_rpc_plugin_fails_its_control_pings_and_is_restarted() {
    let mut s = setup(|b| {
        b.health_interval(Duration::from_millis(300))
            .ping_timeout(Duration::from_millis(300))
            .ping_failures(2)
    });
    s.supervisor.start(net_rpc_fixture("com.example.frozen", "normal")).await.unwrap();
    let started = events_until(&mut s.events, |e| matches!(e, SupervisorEvent::Activated { .. })).await;
    let pid = launched_pid(&started);
    // SIGSTOP: the process lives on but answers nothing, like a plugin stuck in a loop.
    let stopped = std::process::Command::new("kill").args(["-STOP", &pid.to_string()]).status().unwrap();
    assert!(stopped.success());
    let all = events_until(&mut s.events, |e| matches!(e, SupervisorEvent::Activated { .. })).await;
    let failed = all.iter().find_map(|e| match e {
        SupervisorEvent::Failed { reason, .. } => Some(reason.clone()),
        _ => None,
    });
    let failed = failed.expect("a Failed event");
    assert!(failed.contains("did not answer 2 health checks in a row"), "{failed}");
    assert!(failed.contains("Control.Ping"), "{failed}");
    assert!(names(&all).contains(&"Restarting"), "{:?}", names(&all));
    assert_ne!(launched_pid(&all), pid, "a new process");
    s.supervisor.stop("com.example.frozen").await.unwrap();
    assert_process_gone(pid);
}
