//! Build-time code generation for `mm-proto`: tables and mappings derived from the protocol's
//! declarations, so that every RPC and hook is declared once.

#![doc(hidden)]

pub mod netrpc;
