//! Integration tests of mm-gob.

mod captures;
mod go_interop;
mod props;
mod support;
