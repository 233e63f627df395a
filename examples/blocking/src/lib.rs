//! `blocking`: synchronous code in a plugin, with the blocking PluginAPI client.
//!
//! Many plugins wrap a synchronous library. Calling it from a hook would stall the async
//! runtime that serves every other hook, so this plugin runs it on a worker thread of its own:
//!
//! - `OnActivate` starts the worker thread with a
//!   [`client::blocking::Client`](mattermost_plugin::client::blocking::Client) (`cx.blocking_client()`:
//!   the hook's own connection, so it works on a gRPC and on a stock server) and the thread
//!   registers `/wordcount`;
//! - `MessageHasBeenPosted` hands the message to the worker and returns at once;
//! - the worker counts the words ([`count_words`], plain sync code) and keeps the totals in the
//!   KV store with blocking calls (`kv().json().modify(..)`);
//! - `/wordcount` asks the worker for the totals and awaits the answer without blocking;
//! - `OnDeactivate` stops the worker.

use std::sync::Mutex;
use std::sync::mpsc;
use std::thread::JoinHandle;

use mattermost_plugin::client::blocking;
use mattermost_plugin::prelude::*;
use mattermost_plugin::tokio::sync::oneshot;
use mattermost_plugin::tracing;

/// The plugin id in this example's `plugin.json`.
pub const PLUGIN_ID: &str = "com.example.blocking";
/// The KV key of the running totals.
pub const TOTALS_KEY: &str = "totals";

/// Words and posts counted so far, stored in the KV store as `[words, posts]`.
pub type Totals = (u64, u64);

/// Work for the worker thread.
#[derive(Debug)]
enum Job {
    /// Count the words of a post.
    Count(String),
    /// Answer the totals.
    Report(oneshot::Sender<Result<Totals, String>>),
}

/// The plugin: a channel to its worker thread, set while the plugin is active.
#[derive(Debug, Default)]
pub struct WordCounter {
    worker: Mutex<Option<Worker>>,
}

#[derive(Debug)]
struct Worker {
    jobs: mpsc::Sender<Job>,
    thread: JoinHandle<()>,
}

impl WordCounter {
    fn send(&self, job: Job) -> Result<(), HookError> {
        let worker = self.worker.lock().map_err(|_| HookError::msg("the worker lock is poisoned"))?;
        let worker = worker.as_ref().ok_or_else(|| HookError::msg("the word counter is not active"))?;
        worker.jobs.send(job).map_err(|_| HookError::msg("the word counter thread has stopped"))
    }
}

#[mattermost_plugin::plugin]
impl Plugin for WordCounter {
    async fn on_activate(&self, cx: &Context) -> Result<(), HookError> {
        let client = cx.blocking_client()?;
        let (jobs, inbox) = mpsc::channel();
        let (ready_tx, ready_rx) = oneshot::channel();
        let thread = std::thread::Builder::new()
            .name("word-counter".to_owned())
            .spawn(move || worker_main(client, inbox, ready_tx))
            .map_err(|e| HookError::msg(format!("cannot start the worker thread: {e}")))?;
        // The thread connects and registers the command; wait for that without blocking.
        match ready_rx.await {
            Ok(Ok(())) => {}
            Ok(Err(error)) => return Err(HookError::msg(format!("the worker could not start: {error}"))),
            Err(_) => return Err(HookError::msg("the worker thread ended while starting")),
        }
        let mut worker = self.worker.lock().map_err(|_| HookError::msg("the worker lock is poisoned"))?;
        *worker = Some(Worker { jobs, thread });
        Ok(())
    }

    async fn on_deactivate(&self, _cx: &Context) -> Result<(), HookError> {
        let worker = self.worker.lock().map_err(|_| HookError::msg("the worker lock is poisoned"))?.take();
        if let Some(Worker { jobs, thread }) = worker {
            // Closing the channel ends the thread's loop.
            drop(jobs);
            let _ = mattermost_plugin::tokio::task::spawn_blocking(move || thread.join()).await;
        }
        Ok(())
    }

    async fn message_has_been_posted(&self, _cx: &Context, post: Post) -> Result<(), HookError> {
        // Hand over and return: the hook never waits for the synchronous work.
        self.send(Job::Count(post.message))
    }

    async fn execute_command(&self, _cx: &Context, _args: CommandArgs) -> Result<CommandResponse, HookError> {
        let (reply_tx, reply_rx) = oneshot::channel();
        self.send(Job::Report(reply_tx))?;
        let (words, posts) = reply_rx
            .await
            .map_err(|_| HookError::msg("the word counter thread has stopped"))?
            .map_err(HookError::msg)?;
        Ok(CommandResponse::ephemeral(format!("{words} words in {posts} posts so far")))
    }
}

/// The worker thread: plain synchronous code with the blocking client.
fn worker_main(
    client: blocking::Client,
    inbox: mpsc::Receiver<Job>,
    ready: oneshot::Sender<Result<(), String>>,
) {
    // A plain thread has no async runtime, so blocking calls are allowed here; the client
    // runs each call on the plugin's runtime and waits for it.
    let command = Command::new("wordcount").with_auto_complete("Words counted so far", "");
    if let Err(error) = client.commands().register(command) {
        let _ = ready.send(Err(error.to_string()));
        return;
    }
    let _ = ready.send(Ok(()));
    for job in inbox {
        match job {
            Job::Count(message) => {
                let words = count_words(&message);
                let updated = client.kv().json().modify::<Totals, _>(TOTALS_KEY, move |totals| {
                    let (all_words, posts) = totals.unwrap_or_default();
                    Some((all_words + words, posts + 1))
                });
                if let Err(error) = updated {
                    tracing::warn!("cannot update the totals: {error}");
                }
            }
            Job::Report(reply) => {
                let totals = client.kv().json().get::<Totals>(TOTALS_KEY).map(Option::unwrap_or_default);
                let _ = reply.send(totals.map_err(|e| e.to_string()));
            }
        }
    }
}

/// The words of a message (the "synchronous library" of this example).
pub fn count_words(message: &str) -> u64 {
    message.split_whitespace().filter(|word| word.chars().any(char::is_alphanumeric)).count() as u64
}

#[cfg(test)]
mod tests {
    use super::count_words;

    #[test]
    fn counts_words_not_punctuation() {
        assert_eq!(count_words("one two  three"), 3);
        assert_eq!(count_words("hi - there !"), 2);
        assert_eq!(count_words(""), 0);
    }
}
