//! Go's plain errors (`*plugin.ErrorString`) on the way out.
//!
//! A Go plugin's hook that fails with `errors.New("...")` crosses as `*plugin.ErrorString{Code,
//! Err}`; one that fails with a `*model.AppError` crosses as that. The SDK's responses carry an
//! `AppError` either way, so the encoder tells them apart by id: an `AppError` whose id is
//! [`PLAIN_ERROR_ID`](crate::protocol::PLAIN_ERROR_ID) (what decoding a plain error gives), or
//! the id the caller names with [`plain_errors_as`] while it encodes a reply (the runtime names
//! the id a hook's non-`AppError` failure gets), goes out as a plain error.

use std::cell::RefCell;

use crate::protocol::PLAIN_ERROR_ID;
use crate::v1::AppError;

thread_local! {
    static PLAIN_ID: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// Runs `encode` (which encodes a reply on this thread) with `AppError`s whose id is `id` sent
/// as Go plain errors (`*plugin.ErrorString`), as a Go plugin's `errors.New` would be.
pub fn plain_errors_as<T>(id: &str, encode: impl FnOnce() -> T) -> T {
    let previous = PLAIN_ID.with(|p| p.replace(Some(id.to_owned())));
    let result = encode();
    PLAIN_ID.with(|p| p.replace(previous));
    result
}

/// The `Code` to send when `error` goes out as a plain error, `None` when it is an `AppError`.
pub(crate) fn plain_code(error: &AppError) -> Option<i64> {
    if let Some(rest) = error.id.strip_prefix(PLAIN_ERROR_ID) {
        if rest.is_empty() {
            return Some(0);
        }
        if let Some(code) = rest.strip_prefix('.').and_then(|c| c.parse().ok()) {
            return Some(code);
        }
    }
    PLAIN_ID.with(|p| p.borrow().as_deref() == Some(error.id.as_str())).then_some(0)
}

mm_gob::gob_struct! {
    /// `plugin.ErrorString`: an error's text (and a code for Go's sentinel errors: 1 `io.EOF`,
    /// 2 `sql.ErrNoRows`, ...).
    #[derive(Debug, Clone, Default, PartialEq)]
    pub(crate) struct ErrorString = "ErrorString" {
        /// The sentinel's code, 0 for none.
        pub(crate) code: i64 = "Code",
        /// The text.
        pub(crate) err: String = "Err",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn app(id: &str) -> AppError {
        AppError { id: id.into(), message: "m".into(), ..Default::default() }
    }

    #[test]
    fn plain_ids_and_the_named_id_are_plain() {
        assert_eq!(plain_code(&app(PLAIN_ERROR_ID)), Some(0));
        assert_eq!(plain_code(&app(&format!("{PLAIN_ERROR_ID}.1"))), Some(1));
        assert_eq!(plain_code(&app("plugin.on_install.error")), None);
        plain_errors_as("plugin.on_install.error", || {
            assert_eq!(plain_code(&app("plugin.on_install.error")), Some(0));
            assert_eq!(plain_code(&app("app.user.missing")), None);
        });
        assert_eq!(plain_code(&app("plugin.on_install.error")), None, "only while encoding");
    }
}
