//! ServeHTTP as real streaming HTTP for Mattermost plugins.
//!
//! `mm-http` will bridge the ServeHTTP gRPC stream to `http::Request` / `http::Response` with
//! streaming bodies, so any tower service (an `axum::Router`, for example) can serve a plugin's
//! routes under `/plugins/<id>/...`, in both directions (plugin side and server side).
