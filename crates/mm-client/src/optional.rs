//! Lookups where "not found" is an answer, not a failure.

use crate::error::Result;

mod sealed {
    pub trait Sealed {}
    impl<T> Sealed for crate::error::Result<T> {}
}

/// Turns a "not found" error into `Ok(None)`: `.optional()` on a call's result. Sealed.
///
/// Lookups (`users().get`, `channels().get_by_name`, `teams().member`, ...) fail with an error
/// that [`is_not_found`](crate::Error::is_not_found) when the object does not exist. When a
/// missing object is an expected answer, `.optional()` makes it `None`; every other error
/// (permissions, transport, timeouts) stays an error. The same in both modes:
///
/// ```no_run
/// use mm_client::OptionalExt;
///
/// # async fn demo(client: mm_client::Client, id: mm_types::UserId) -> mm_client::Result<()> {
/// match client.users().get(&id).await.optional()? {
///     Some(user) => println!("found {}", user.username),
///     None => println!("no such user"),
/// }
/// # Ok(()) }
/// # fn blocking(client: mm_client::blocking::Client, id: mm_types::UserId) -> mm_client::Result<()> {
/// let user = client.users().get(&id).optional()?;
/// # Ok(()) }
/// ```
pub trait OptionalExt<T>: sealed::Sealed {
    /// `Ok(Some(value))` for a value, `Ok(None)` for a not-found error, the error otherwise.
    fn optional(self) -> Result<Option<T>>;
}

impl<T> OptionalExt<T> for Result<T> {
    fn optional(self) -> Result<Option<T>> {
        match self {
            Ok(value) => Ok(Some(value)),
            Err(error) if error.is_not_found() => Ok(None),
            Err(error) => Err(error),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::{Code, Error, ErrorKind};

    #[test]
    fn a_value_is_some() {
        assert_eq!(Ok::<_, Error>(5).optional().unwrap(), Some(5));
    }

    #[test]
    fn not_found_is_none() {
        let missing: Result<u8> =
            Err(Error::status(Code::NotFound, "app.user.missing_account.const: No user."));
        assert_eq!(missing.optional().unwrap(), None);
    }

    #[test]
    fn other_errors_stay_errors() {
        let denied: Result<u8> = Err(Error::status(Code::PermissionDenied, "api.context.permissions: No."));
        assert!(denied.optional().unwrap_err().is_permission_denied());
        let refused: Result<u8> = Err(Error::invalid_input("bad key"));
        assert_eq!(refused.optional().unwrap_err().kind(), ErrorKind::InvalidInput);
    }
}
