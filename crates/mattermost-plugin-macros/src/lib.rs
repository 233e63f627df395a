//! The `#[plugin]` attribute of [`mattermost-plugin`](https://docs.rs/mattermost-plugin); use
//! it as `#[mattermost_plugin::plugin]`, not from this crate.
//!
//! It forwards to `mm_hooks`' attribute with the path of `mm_hooks` inside the facade, so a
//! plugin that depends only on `mattermost-plugin` needs no `mm-hooks` dependency of its own.

use proc_macro::TokenStream;

/// Derives the implemented-hook list of an `impl Plugin for T` block (see `mm_hooks::plugin`).
#[proc_macro_attribute]
pub fn plugin(args: TokenStream, item: TokenStream) -> TokenStream {
    let forwarded = if args.is_empty() {
        "#[::mattermost_plugin::hooks::plugin(crate = ::mattermost_plugin::hooks)]".to_owned()
    } else {
        // An explicit `crate = ...` wins; mm-hooks' attribute checks it.
        format!("#[::mattermost_plugin::hooks::plugin({args})]")
    };
    let mut out: TokenStream = match forwarded.parse() {
        Ok(tokens) => tokens,
        Err(error) => {
            let message = format!("compile_error!({:?});", format!("cannot forward #[plugin]: {error}"));
            return message.parse().unwrap_or_default();
        }
    };
    out.extend(item);
    out
}
