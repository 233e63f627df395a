//! Scenario 2: hook round trips from the host: MessageWillBePosted (pure computation in the
//! plugin) and ExecuteCommand (`/hello`, which reads and compare-and-sets a KV counter through
//! the PluginAPI), Rust bench plugin vs the Python baseline plugin.

use std::fmt;
use std::future::Future;
use std::pin::Pin;

use mm_proto::v1 as wire;
use mm_proto::v1::plugin_hooks_client::PluginHooksClient;
use tonic::transport::Channel;

use crate::error::BenchError;
use crate::measure::run_concurrent;
use crate::plugins::{Plugins, Side};
use crate::scenarios::api_calls::summarize;
use crate::settings::Settings;
use crate::stats::{Samples, Summary};

/// A hook of the scenario.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Hook {
    /// A post with the banned word, which the plugin rewrites.
    MessageWillBePosted,
    /// `/hello bench`: two PluginAPI calls from the plugin (KVGet, KVCompareAndSet).
    ExecuteCommand,
}

impl fmt::Display for Hook {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Hook::MessageWillBePosted => "MessageWillBePosted",
            Hook::ExecuteCommand => "ExecuteCommand (/hello: KVGet + KVCompareAndSet)",
        })
    }
}

/// Both plugins' results for one hook at one concurrency.
#[derive(Debug, Clone)]
pub struct HookRow {
    /// The hook.
    pub hook: Hook,
    /// Concurrent callers.
    pub concurrency: usize,
    /// The Rust plugin.
    pub rust: Summary,
    /// The Python plugin, when the baseline ran.
    pub python: Option<Summary>,
}

type CallFuture = Pin<Box<dyn Future<Output = Result<(), BenchError>> + Send>>;

/// Runs each hook against both plugins, alternating them.
pub async fn run(
    settings: &Settings,
    host: &mm_host::Host,
    plugins: &Plugins,
) -> Result<Vec<HookRow>, BenchError> {
    let seed = host.seed().clone();
    let mut rows = Vec::new();
    let cases = settings
        .hook_concurrency
        .iter()
        .map(|&c| (Hook::MessageWillBePosted, c))
        // Concurrent /hello calls would race on the one counter and measure retries.
        .chain([(Hook::ExecuteCommand, 1)]);
    for (hook, concurrency) in cases {
        let mut samples = [Samples::default(), Samples::default()];
        for round in 0..settings.rounds {
            let order = if round % 2 == 0 { [Side::Rust, Side::Python] } else { [Side::Python, Side::Rust] };
            for side in order {
                let Some(plugin) = plugins.get(side) else { continue };
                let client = plugin.connection.hooks().ok_or_else(|| {
                    BenchError::Call(format!(
                        "{side:?} plugin does not run on gRPC; the comparison measures gRPC"
                    ))
                })?;
                let call = hook_call(hook, client, &seed);
                let measured = run_concurrent(concurrency, settings.budget, call).await?;
                samples[side as usize].merge(measured);
            }
        }
        let [rust, python] = samples;
        rows.push(HookRow {
            hook,
            concurrency,
            rust: summarize(&rust, "the Rust plugin")?,
            python: if plugins.python.is_some() {
                Some(summarize(&python, "the Python plugin")?)
            } else {
                None
            },
        });
    }
    Ok(rows)
}

fn hook_call(
    hook: Hook,
    client: PluginHooksClient<Channel>,
    seed: &mm_host::Seed,
) -> impl Fn() -> CallFuture + Clone + Send + Sync + 'static {
    let post = wire::Post {
        id: mm_types::PostId::generate().to_string(),
        channel_id: seed.town_square.id.to_string(),
        user_id: seed.alice.id.to_string(),
        message: "well darn it, the build is green again".into(),
        ..wire::Post::default()
    };
    let args = wire::CommandArgs {
        user_id: seed.alice.id.to_string(),
        channel_id: seed.town_square.id.to_string(),
        team_id: seed.team.id.to_string(),
        command: "/hello bench".into(),
        ..wire::CommandArgs::default()
    };
    move || {
        let mut client = client.clone();
        let post = post.clone();
        let args = args.clone();
        Box::pin(async move {
            let failed = |e: tonic::Status| BenchError::call(&hook.to_string(), e);
            match hook {
                Hook::MessageWillBePosted => {
                    let request = wire::MessageWillBePostedRequest { post: Some(post), ..Default::default() };
                    let answer = client.message_will_be_posted(request).await.map_err(failed)?.into_inner();
                    let rewritten = answer.modified_post.map(|p| p.message).unwrap_or_default();
                    if !rewritten.contains("****") {
                        return Err(BenchError::Call(format!("MessageWillBePosted answered {rewritten:?}")));
                    }
                }
                Hook::ExecuteCommand => {
                    let request = wire::ExecuteCommandRequest { args: Some(args), ..Default::default() };
                    let answer = client.execute_command(request).await.map_err(failed)?.into_inner();
                    if let Some(error) = answer.error {
                        return Err(BenchError::Call(format!("ExecuteCommand: {}", error.message)));
                    }
                    let text = answer.response.map(|r| r.text).unwrap_or_default();
                    if !text.starts_with("Hello, bench!") {
                        return Err(BenchError::Call(format!("ExecuteCommand answered {text:?}")));
                    }
                }
            }
            Ok(())
        }) as CallFuture
    }
}
