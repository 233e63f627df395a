//! Request bodies of the REST API, read as the server reads them: at most
//! `MaximumPayloadSizeBytes` (300000 by default, plus Go's 512-byte read margin), then the
//! first JSON value decoded whatever the `Content-Type` (Go's `json.NewDecoder(r.Body).Decode`).
//! A body too large is 413 `api.context.request_body_too_large.app_error`; a missing or
//! malformed one is 400 `api.context.invalid_body_param.app_error` naming what was expected.

use axum::body::Body;
use http_body_util::{BodyExt, Limited};
use serde::de::DeserializeOwned;

use super::errors::{ApiError, body_too_large, invalid_body_param};

/// The server's default `MaximumPayloadSizeBytes` plus `bytes.MinRead`, its read margin.
pub(crate) const MAX_BODY_BYTES: usize = 300_000 + 512;

/// Reads `body` and decodes its first JSON value as a `T`; `name` names it in errors
/// (`post`, `channel`, `command_args`...).
pub(crate) async fn read_json<T: DeserializeOwned>(body: Body, name: &str) -> Result<T, ApiError> {
    let bytes = match Limited::new(body, MAX_BODY_BYTES).collect().await {
        Ok(collected) => collected.to_bytes(),
        Err(error) if error.is::<http_body_util::LengthLimitError>() => {
            return Err(body_too_large(MAX_BODY_BYTES));
        }
        Err(error) => return Err(invalid_body_param(name, error.to_string())),
    };
    decode_first(&bytes, name)
}

/// The first JSON value of `bytes`, which must be an object (every body the API reads is one,
/// and Go refuses to decode anything else into a struct); what follows it is ignored, as Go's
/// decoder does.
fn decode_first<T: DeserializeOwned>(bytes: &[u8], name: &str) -> Result<T, ApiError> {
    let value = match serde_json::Deserializer::from_slice(bytes).into_iter::<serde_json::Value>().next() {
        Some(Ok(value)) => value,
        Some(Err(error)) => return Err(invalid_body_param(name, error.to_string())),
        None => return Err(invalid_body_param(name, "EOF")),
    };
    if !value.is_object() {
        return Err(invalid_body_param(name, format!("expected a JSON object, got {value}")));
    }
    serde_json::from_value(value).map_err(|error| invalid_body_param(name, error.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, serde::Deserialize, PartialEq)]
    struct Thing {
        a: i32,
    }

    #[tokio::test]
    async fn reads_the_first_value_and_names_what_is_missing() {
        let thing: Thing = read_json(Body::from(r#"{"a": 1} trailing"#), "thing").await.unwrap();
        assert_eq!(thing, Thing { a: 1 });
        for bad in ["", "   ", "{", r#"{"a": "x"}"#, r#""text""#, "[1]", "null"] {
            let error = read_json::<Thing>(Body::from(bad), "thing").await.unwrap_err().0;
            assert_eq!(
                (error.id.as_str(), error.status_code),
                ("api.context.invalid_body_param.app_error", 400),
                "{bad:?}"
            );
            assert_eq!(error.message, "Invalid or missing thing in request body.");
        }
    }

    #[tokio::test]
    async fn a_body_over_the_limit_is_413() {
        let body = format!(r#"{{"a": 1, "pad": "{}"}}"#, "x".repeat(MAX_BODY_BYTES));
        let error = read_json::<Thing>(Body::from(body), "thing").await.unwrap_err().0;
        assert_eq!(
            (error.id.as_str(), error.status_code),
            ("api.context.request_body_too_large.app_error", 413)
        );
    }
}
