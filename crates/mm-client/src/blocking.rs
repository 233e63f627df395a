//! The blocking client: the same methods as [`crate::Client`], returning results directly.
//!
//! For synchronous plugins and tools. Each client owns a small tokio runtime (one worker
//! thread, shared by its clones) that drives the connection; calls block the calling thread.
//! Called from inside an async runtime, a method returns an
//! [`ErrorKind::BlockingInAsync`](crate::ErrorKind::BlockingInAsync) error instead of
//! blocking the runtime.
//!
//! ```no_run
//! let client = mm_client::blocking::Client::from_env()?;
//! let user = client.users().get_by_username("alice")?;
//! println!("{}", user.full_name());
//! # Ok::<(), mm_client::Error>(())
//! ```

/// A blocking PluginAPI client: [`crate::Client`] in [`Blocking`](crate::Blocking) mode.
pub type Client = crate::ApiClient<crate::Blocking>;
