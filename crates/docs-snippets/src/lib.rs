//! The developer guide's code blocks, compiled (and, unless `no_run`, run) as doctests.
//!
//! Each chapter of `docs/` is the documentation of one module below, so `cargo test -p
//! docs-snippets` (and `cargo test --workspace`) checks every `rust` code block of the guide
//! against the SDK as it is. Blocks that would start a plugin process are `no_run`.
//! `.ci/check-docs` checks that every block names its language, so none is compiled or
//! skipped by accident.

#[doc = include_str!("../../../docs/introduction.md")]
pub mod introduction {}

#[doc = include_str!("../../../docs/getting-started.md")]
pub mod getting_started {}

#[doc = include_str!("../../../docs/manifest.md")]
pub mod manifest {}

#[doc = include_str!("../../../docs/sdk.md")]
pub mod sdk {}

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

#[doc = include_str!("../../../docs/deploying.md")]
pub mod deploying {}

#[doc = include_str!("../../../docs/architecture.md")]
pub mod architecture {}

#[doc = include_str!("../../../README.md")]
pub mod readme {}
