//! Integration tests of mm-gob.

mod captures;
mod support;
