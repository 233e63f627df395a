//! A go-plugin net/rpc plugin in Rust, as a stock Mattermost server runs it. It serves
//! `Dispense("hooks")` with a small `Plugin` service:
//!
//! - `Plugin.Echo(string) -> string` and `Plugin.EchoBytes([]byte) -> []byte`
//! - `Plugin.Add(AddArgs{A, B int}) -> int`
//! - `Plugin.DialBack(uint32) -> string`: dials the host's broker id (as `OnActivate` dials
//!   the API) and returns what the host's `Plugin.Hello("rust")` answers
//! - `Plugin.Fail(string)`: fails with that text
//!
//! The interop tests launch it from Go's go-plugin client and from this crate's host. Started
//! by hand it refuses to run (no magic cookie).

use std::process::ExitCode;
use std::sync::Arc;

use mm_netrpc::broker::Broker;
use mm_netrpc::handshake::HandshakeConfig;
use mm_netrpc::plugin::Listener;
use mm_netrpc::rpc::{Client, Router, Service};

mm_gob::gob_struct! {
    /// The arguments of `Plugin.Add`.
    #[derive(Debug, Default)]
    struct AddArgs = "AddArgs" {
        a: i64 = "A",
        b: i64 = "B",
    }
}

fn hooks(broker: Broker) -> Router {
    Router::new()
        .method("Echo", |text: String| async move { Ok::<_, String>(text) })
        .method("EchoBytes", |data: bytes::Bytes| async move { Ok::<_, String>(data) })
        .method("Add", |args: AddArgs| async move { Ok::<_, String>(args.a + args.b) })
        .method("Fail", |text: String| async move { Err::<(), _>(text) })
        .method("DialBack", move |id: u32| {
            let broker = broker.clone();
            async move {
                let stream = broker.dial(id).await.map_err(|e| format!("dialling host id {id}: {e}"))?;
                let host = Client::new(stream);
                let answer: String = host.call("Plugin.Hello", &"rust").await.map_err(|e| e.to_string())?;
                Ok::<_, String>(answer)
            }
        })
}

#[tokio::main]
async fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_env_filter(tracing_subscriber::EnvFilter::from_default_env())
        .init();
    let listener = match Listener::bind(&HandshakeConfig::MATTERMOST) {
        Ok(listener) => listener,
        Err(error) => {
            tracing::error!(%error, "cannot start");
            return ExitCode::FAILURE;
        }
    };
    // The handshake line is the only thing this process ever writes to stdout.
    #[allow(clippy::print_stdout)]
    {
        println!("{}", listener.handshake_line());
    }
    let dispenser = |name: &str, broker: &Broker| -> Result<Arc<dyn Service>, String> {
        match name {
            "hooks" => Ok(Arc::new(hooks(broker.clone()))),
            other => Err(format!("unknown plugin type: {other}")),
        }
    };
    let connection = match listener.accept(dispenser).await {
        Ok(connection) => connection,
        Err(error) => {
            tracing::error!(%error, "the host did not connect");
            return ExitCode::FAILURE;
        }
    };
    let reason = connection.stopped().await;
    tracing::info!(%reason, "plugin stopping");
    ExitCode::SUCCESS
}
