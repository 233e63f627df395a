//! The middleware stack between a typed call and the transport.
//!
//! From the outside in: [`trace`] (one span per call), [`timeout`] (the call's time budget,
//! sent as the gRPC deadline), [`retry`] (tower's retry layer with a policy for safe
//! retries, backoff and a budget), then the user's layers (once per attempt, like gRPC
//! interceptors), then the transport or the caller's service.

pub(crate) mod retry;
pub(crate) mod timeout;
pub(crate) mod trace;

pub use retry::RetryPolicy;
