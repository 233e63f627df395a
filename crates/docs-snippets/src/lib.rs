//! The developer guide's code blocks, compiled and run as doctests.
//!
//! Each chapter of `docs/` is the documentation of one module below, so `cargo test -p
//! docs-snippets` (and `cargo test --workspace`) compiles every ```` ```rust ```` block of the
//! guide against the SDK as it is. Blocks that would start a plugin process are `no_run`.

#[doc = include_str!("../../../docs/getting-started.md")]
pub mod getting_started {}

#[doc = include_str!("../../../docs/hooks.md")]
pub mod hooks {}

#[doc = include_str!("../../../docs/api.md")]
pub mod api {}

#[doc = include_str!("../../../docs/http.md")]
pub mod http {}

#[doc = include_str!("../../../docs/testing.md")]
pub mod testing {}

#[doc = include_str!("../../../docs/best-practices.md")]
pub mod best_practices {}

#[doc = include_str!("../../../docs/manifest.md")]
pub mod manifest {}

#[doc = include_str!("../../../docs/sdk.md")]
pub mod sdk {}
