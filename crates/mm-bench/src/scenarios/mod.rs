//! The four scenarios of the comparison.

pub mod api_calls;
pub mod hook_dispatch;
pub mod serve_http;
pub mod startup;
