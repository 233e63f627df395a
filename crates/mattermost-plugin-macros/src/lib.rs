//! The attributes of [`mattermost-plugin`](https://docs.rs/mattermost-plugin)
//! (`#[mattermost_plugin::plugin]`, `#[mattermost_plugin::settings]`,
//! `#[mattermost_plugin::test]`); use them through the facade, not from this crate.
//!
//! Each forwards to the attribute or derive it stands for (mm-hooks' `#[plugin]`, serde's
//! derives, tokio's `#[test]`) with the path of that crate inside the facade, so a plugin that
//! depends only on `mattermost-plugin` needs no other dependency.

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
    prefix(&forwarded, item)
}

/// Makes a struct the plugin's settings type (see `mattermost_plugin::settings`): serde's
/// `Deserialize` and `Serialize` through the facade, every field defaulted, and keys in
/// PascalCase as in a manifest's `settings_schema`.
#[proc_macro_attribute]
pub fn settings(args: TokenStream, item: TokenStream) -> TokenStream {
    if !args.is_empty() {
        return compile_error(
            "#[mattermost_plugin::settings] takes no arguments; put serde attributes on the struct \
             or its fields, for example #[serde(rename = \"Key\")]",
        );
    }
    let serde = "::mattermost_plugin::serde";
    prefix(
        &format!(
            "#[derive({serde}::Deserialize, {serde}::Serialize)] \
             #[serde(crate = \"{serde}\", default, rename_all = \"PascalCase\")]"
        ),
        item,
    )
}

/// An async test on the facade's tokio (see `mattermost_plugin::test`).
#[proc_macro_attribute]
pub fn test(args: TokenStream, item: TokenStream) -> TokenStream {
    let tokio = "::mattermost_plugin::tokio";
    let args = args.to_string();
    let forwarded = if args.trim().is_empty() {
        format!("#[{tokio}::test(crate = \"{tokio}\")]")
    } else {
        format!("#[{tokio}::test(crate = \"{tokio}\", {args})]")
    };
    prefix(&forwarded, item)
}

/// `attributes` (source text) followed by `item`.
fn prefix(attributes: &str, item: TokenStream) -> TokenStream {
    match attributes.parse::<TokenStream>() {
        Ok(mut out) => {
            out.extend(item);
            out
        }
        Err(error) => compile_error(&format!("cannot expand the attribute: {error}")),
    }
}

fn compile_error(message: &str) -> TokenStream {
    format!("compile_error!({message:?});").parse().unwrap_or_default()
}
