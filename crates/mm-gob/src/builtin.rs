//! `static` descriptors of gob's predefined types and of the composite types Mattermost uses
//! everywhere.
//!
//! Scalars, `[]byte` and `interface` have fixed wire ids (1 to 8) and are never defined on a
//! stream; the composite ones here are defined once per stream, like any other type.

use crate::types::{GoType, Kind};

/// `bool` (wire id 1).
pub static BOOL: GoType = GoType { name: "bool", kind: Kind::Bool };
/// `int`, and every signed width (wire id 2).
pub static INT: GoType = GoType { name: "int", kind: Kind::Int };
/// `uint`, and every unsigned width (wire id 3).
pub static UINT: GoType = GoType { name: "uint", kind: Kind::Uint };
/// `float64` and `float32` (wire id 4).
pub static FLOAT: GoType = GoType { name: "float64", kind: Kind::Float };
/// `[]byte` (wire id 5).
pub static BYTES: GoType = GoType { name: "[]uint8", kind: Kind::Bytes };
/// `string` (wire id 6).
pub static STRING: GoType = GoType { name: "string", kind: Kind::String };
/// `complex128` and `complex64` (wire id 7).
pub static COMPLEX: GoType = GoType { name: "complex128", kind: Kind::Complex };
/// `interface {}`, and every interface type (wire id 8).
pub static INTERFACE: GoType = GoType { name: "interface {}", kind: Kind::Interface };

fn string() -> &'static GoType {
    &STRING
}
fn interface() -> &'static GoType {
    &INTERFACE
}
fn bool_() -> &'static GoType {
    &BOOL
}
fn int() -> &'static GoType {
    &INT
}
fn slice_of_string() -> &'static GoType {
    &SLICE_OF_STRING
}

/// `[]string`.
pub static SLICE_OF_STRING: GoType = GoType { name: "[]string", kind: Kind::Slice(string) };
/// `[]interface {}` (registered for interfaces under the name `"[]interface {}"`).
pub static SLICE_OF_INTERFACE: GoType = GoType { name: "[]interface {}", kind: Kind::Slice(interface) };
/// `map[string]interface {}` (registered under `"map[string]interface {}"`; `model.StringInterface`).
pub static MAP_STRING_INTERFACE: GoType =
    GoType { name: "map[string]interface {}", kind: Kind::Map(string, interface) };
/// `map[string]string` (`model.StringMap`).
pub static MAP_STRING_STRING: GoType = GoType { name: "map[string]string", kind: Kind::Map(string, string) };
/// `map[string][]string`: `http.Header`, `url.Values`.
pub static HTTP_HEADER: GoType = GoType { name: "Header", kind: Kind::Map(string, slice_of_string) };
/// `map[string]bool`.
pub static MAP_STRING_BOOL: GoType = GoType { name: "map[string]bool", kind: Kind::Map(string, bool_) };
/// `[]int64`.
pub static SLICE_OF_INT64: GoType = GoType { name: "[]int64", kind: Kind::Slice(int) };
/// `struct {}`: net/rpc's body after an error, and the reply of methods with no result.
pub static EMPTY_STRUCT: GoType = GoType { name: "", kind: Kind::Struct(&[]) };

/// The descriptor of a predefined wire type id (1 to 8).
pub(crate) fn for_wire_id(id: i64) -> Option<&'static GoType> {
    Some(match id {
        1 => &BOOL,
        2 => &INT,
        3 => &UINT,
        4 => &FLOAT,
        5 => &BYTES,
        6 => &STRING,
        7 => &COMPLEX,
        8 => &INTERFACE,
        _ => return None,
    })
}
