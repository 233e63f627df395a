//! The `#[plugin]` attribute of [`mm-hooks`](https://docs.rs/mm-hooks); use it as
//! `#[mm_hooks::plugin]`, not from this crate.
//!
//! On an `impl Plugin for MyPlugin { .. }` block it reads the names of the hook methods the
//! author wrote and generates the trait's hidden required method that returns them, so the
//! hook list the server gets from `Implemented` is always exactly the hooks in the impl.
//! A method name that is not a hook is a compile error listing the valid ones: the names are
//! checked by `mm_hooks::__hook_variant!`, which `mm_hooks` writes from its hook table, so this
//! crate holds no list of its own.

mod expand;

use proc_macro::TokenStream;

/// Derives the implemented-hook list of an `impl Plugin for T` block.
///
/// Put it on the block; every method in it must be a hook of the `Plugin` trait. Optional
/// argument: `#[plugin(crate = path::to::mm_hooks)]` when `mm_hooks` is re-exported under
/// another path.
#[proc_macro_attribute]
pub fn plugin(args: TokenStream, item: TokenStream) -> TokenStream {
    expand::expand(args.into(), item.into()).into()
}
