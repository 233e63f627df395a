//! One span per call, with the RPC name, attempts, latency and outcome.

#![allow(unreachable_pub, missing_docs)]

// A binary of its own: tracing caches each callsite's interest process-wide, so a test without
// a subscriber running beside this one in the shared `it` binary could hide its spans.
#[path = "it/support/mod.rs"]
mod support;

use std::collections::HashMap;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use mm_client::{Client, RetryPolicy};
use mm_types::UserId;
use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing_subscriber::layer::{Context, SubscriberExt};
use tracing_subscriber::registry::LookupSpan;

type Fields = HashMap<String, String>;

/// Collects the fields of every closed span.
#[derive(Clone, Default)]
struct Capture {
    closed: Arc<Mutex<Vec<(String, Fields)>>>,
}

struct Visitor<'a>(&'a mut Fields);

impl Visit for Visitor<'_> {
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        self.0.insert(field.name().to_string(), format!("{value:?}").trim_matches('"').to_string());
    }
}

impl<S: tracing::Subscriber + for<'a> LookupSpan<'a>> tracing_subscriber::Layer<S> for Capture {
    fn on_new_span(&self, attrs: &Attributes<'_>, id: &Id, ctx: Context<'_, S>) {
        let mut fields = Fields::new();
        attrs.record(&mut Visitor(&mut fields));
        ctx.span(id).unwrap().extensions_mut().insert(fields);
    }

    fn on_record(&self, id: &Id, values: &Record<'_>, ctx: Context<'_, S>) {
        let span = ctx.span(id).unwrap();
        let mut extensions = span.extensions_mut();
        if let Some(fields) = extensions.get_mut::<Fields>() {
            values.record(&mut Visitor(fields));
        }
    }

    fn on_close(&self, id: Id, ctx: Context<'_, S>) {
        let span = ctx.span(&id).unwrap();
        let fields = span.extensions().get::<Fields>().cloned().unwrap_or_default();
        self.closed.lock().unwrap().push((span.name().to_string(), fields));
    }
}

impl Capture {
    fn rpc_spans(&self) -> Vec<Fields> {
        self.closed
            .lock()
            .unwrap()
            .iter()
            .filter(|(name, _)| name == "mm_client.rpc")
            .map(|(_, f)| f.clone())
            .collect()
    }
}

#[tokio::test(flavor = "current_thread")]
async fn each_call_has_a_span_with_name_attempts_latency_and_outcome() {
    let capture = Capture::default();
    let _guard = tracing::subscriber::set_default(tracing_subscriber::registry().with(capture.clone()));

    let server = support::ApiServer::start().await;
    let failures = Arc::new(AtomicU32::new(0));
    let f = Arc::clone(&failures);
    let output = support::valid_response(
        &support::plugin_api().methods().find(|m| m.name() == "GetUser").unwrap().output(),
    );
    server.on(
        "GetUser",
        support::respond(move |_| {
            if f.fetch_add(1, Ordering::SeqCst) == 0 {
                Err(tonic::Status::unavailable("app.busy: Busy."))
            } else {
                Ok(output.clone())
            }
        }),
    );
    server.on("GetChannel", support::status(tonic::Code::NotFound, "app.channel.missing: Missing."));
    let client = Client::builder()
        .target(&server.target())
        .unwrap()
        .retry(RetryPolicy::default().initial_backoff(Duration::from_millis(5)))
        .connect()
        .await
        .unwrap();

    client.users().get(&UserId::from_raw("u")).await.unwrap();
    client.channels().get(&mm_types::ChannelId::from_raw("c")).await.unwrap_err();

    let spans = capture.rpc_spans();
    assert_eq!(spans.len(), 2, "{spans:?}");
    let get_user = &spans[0];
    assert_eq!(get_user["rpc"], "GetUser");
    assert_eq!(get_user["attempts"], "2");
    assert_eq!(get_user["outcome"], "ok");
    assert!(get_user["latency_ms"].parse::<f64>().is_ok(), "{get_user:?}");
    let get_channel = &spans[1];
    assert_eq!(get_channel["rpc"], "GetChannel");
    assert_eq!(get_channel["attempts"], "1");
    assert_eq!(get_channel["outcome"], "server_error");
}
