//! go-plugin's control protocol in one process: our host side against our plugin side.

use std::sync::Arc;

use mm_netrpc::broker::Broker;
use mm_netrpc::host::{self, PluginClient};
use mm_netrpc::plugin::{self, Connection, StopReason};
use mm_netrpc::rpc::{CallError, Client, Router, Server, Service};
use mm_netrpc::yamux::Config;
use tokio::net::UnixStream;

fn hooks(broker: Broker) -> Router {
    Router::new()
        .method("Echo", |text: String| async move { Ok::<_, String>(text) })
        .method("Hang", |_: ()| async move {
            std::future::pending::<()>().await;
            Ok::<(), String>(())
        })
        .method("DialBack", move |id: u32| {
            let broker = broker.clone();
            async move {
                let host = Client::new(broker.dial(id).await.map_err(|e| e.to_string())?);
                host.call::<String>("Plugin.Hello", &"rust").await.map_err(|e| e.to_string())
            }
        })
}

async fn launch() -> (PluginClient, Connection) {
    let (a, b) = UnixStream::pair().unwrap();
    let dispenser = |name: &str, broker: &Broker| -> Result<Arc<dyn Service>, String> {
        match name {
            "hooks" => Ok(Arc::new(hooks(broker.clone()))),
            other => Err(format!("unknown plugin type: {other}")),
        }
    };
    let plugin = tokio::spawn(plugin::serve_connection(b, dispenser, Config::default()));
    let host = host::connect(a, false).await.unwrap();
    (host, plugin.await.unwrap().unwrap())
}

#[tokio::test]
async fn dispense_ping_and_calls() {
    let (host, _plugin) = launch().await;
    host.ping().await.unwrap();
    let hooks = host.dispense("hooks").await.unwrap();
    assert_eq!(hooks.call::<String>("Plugin.Echo", &"hi").await.unwrap(), "hi");
    let err = hooks.call::<()>("Plugin.OnActivate", &()).await.unwrap_err();
    assert_eq!(err.server_error(), Some("rpc: can't find method Plugin.OnActivate"));
    let err = host.dispense("nope").await.unwrap_err();
    assert!(err.to_string().contains("unknown plugin type: nope"), "{err}");
    // A second dispense gets the next plugin broker id and its own connection.
    let again = host.dispense("hooks").await.unwrap();
    assert_eq!(again.call::<String>("Plugin.Echo", &"again").await.unwrap(), "again");
}

#[tokio::test]
async fn the_plugin_dials_back_a_host_id_like_on_activate() {
    let (host, _plugin) = launch().await;
    let hooks = host.dispense("hooks").await.unwrap();
    let broker = host.broker().clone();
    let id = broker.next_id();
    let api =
        Router::new().method("Hello", |who: String| async move { Ok::<_, String>(format!("hello, {who}")) });
    tokio::spawn(async move {
        let stream = broker.accept(id).await.unwrap();
        Server::new().register("Plugin", api).serve(stream).await
    });
    assert_eq!(hooks.call::<String>("Plugin.DialBack", &id).await.unwrap(), "hello, rust");
}

#[tokio::test]
async fn quit_stops_the_plugin_after_answering() {
    let (host, plugin) = launch().await;
    host.quit().await.unwrap();
    assert_eq!(plugin.stopped().await, StopReason::Quit);
    assert_eq!(*plugin.stop_signal().borrow(), Some(StopReason::Quit));
}

#[tokio::test]
async fn a_dropped_connection_stops_the_plugin_and_fails_pending_calls() {
    let (host, plugin) = launch().await;
    let hooks = host.dispense("hooks").await.unwrap();
    let pending = tokio::spawn({
        let hooks = hooks.clone();
        async move { hooks.call::<()>("Plugin.Hang", &()).await }
    });
    assert_eq!(hooks.call::<String>("Plugin.Echo", &"on the wire").await.unwrap(), "on the wire");
    plugin.session().close().await;
    let err = pending.await.unwrap().unwrap_err();
    assert!(matches!(err, CallError::Closed(_)), "{err:?}");
    assert!(matches!(plugin.stopped().await, StopReason::SessionClosed(_)));

    let (host, plugin) = launch().await;
    host.session().close().await;
    assert!(matches!(plugin.stopped().await, StopReason::ConnectionLost(_)));
}
