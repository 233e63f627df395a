//! The stock plugin surface as `tools/netrpc-gen` writes it (`crates/mm-proto/stock/surface.json`):
//! the methods of Go's `plugin.API` and `plugin.Hooks`, the `Z_<Method>Args`/`Z_<Method>Returns`
//! structs the server's net/rpc glue sends, and every Go type reachable from them.

use std::collections::BTreeMap;

use serde::Deserialize;

/// The whole document.
#[derive(Debug, Deserialize)]
pub(crate) struct Surface {
    pub(crate) module: String,
    pub(crate) version: String,
    pub(crate) api: Vec<GoMethod>,
    pub(crate) hooks: Vec<GoMethod>,
    pub(crate) types: BTreeMap<String, GoTypeDesc>,
}

/// One method of `plugin.API` or `plugin.Hooks` (or an extra RPC method such as
/// `PluginHTTPStream`).
#[derive(Debug, Deserialize)]
pub(crate) struct GoMethod {
    pub(crate) name: String,
    /// The Go type of the RPC method's argument struct (`plugin.Z_GetUserArgs`).
    pub(crate) args: String,
    /// The Go type of the RPC method's reply struct (`plugin.Z_GetUserReturns`, or `struct{}`).
    pub(crate) returns: String,
}

/// A Go type as gob sees it.
#[derive(Debug, Deserialize)]
pub(crate) struct GoTypeDesc {
    pub(crate) kind: GoKind,
    #[serde(default)]
    pub(crate) elem: String,
    #[serde(default)]
    pub(crate) key: String,
    #[serde(default)]
    pub(crate) len: u64,
    #[serde(default)]
    pub(crate) bits: u32,
    #[serde(default)]
    pub(crate) fields: Vec<GoField>,
    #[serde(default)]
    pub(crate) opaque: String,
}

/// What kind of Go type it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum GoKind {
    Bool,
    Int,
    Uint,
    Float,
    Complex,
    String,
    Bytes,
    Slice,
    Array,
    Map,
    Struct,
    Interface,
    Pointer,
    Opaque,
    Unsupported,
}

/// An exported struct field.
#[derive(Debug, Deserialize)]
pub(crate) struct GoField {
    pub(crate) name: String,
    #[serde(rename = "type")]
    pub(crate) ty: String,
    #[serde(default)]
    pub(crate) json: String,
    #[serde(default)]
    pub(crate) embedded: bool,
}

impl Surface {
    pub(crate) fn parse(text: &str) -> Result<Surface, String> {
        serde_json::from_str(text).map_err(|e| format!("surface.json does not parse: {e}"))
    }

    /// The description of a Go type, by its name in the document.
    pub(crate) fn ty(&self, name: &str) -> Result<&GoTypeDesc, String> {
        self.types.get(name).ok_or_else(|| format!("surface.json has no type {name:?}"))
    }

    /// Follows pointers: `*model.Post` -> `model.Post`.
    pub(crate) fn deref<'a>(&'a self, mut name: &'a str) -> Result<(&'a str, &'a GoTypeDesc), String> {
        loop {
            let desc = self.ty(name)?;
            if desc.kind != GoKind::Pointer {
                return Ok((name, desc));
            }
            name = &desc.elem;
        }
    }

    /// The exported fields of a struct type (after pointers).
    pub(crate) fn fields<'a>(&'a self, name: &'a str) -> Result<&'a [GoField], String> {
        let (name, desc) = self.deref(name)?;
        match desc.kind {
            GoKind::Struct => Ok(&desc.fields),
            other => Err(format!("Go type {name} is a {other:?}, not a struct")),
        }
    }
}

impl GoField {
    /// The JSON key encoding/json uses: the tag's name, else the field name; `None` for `-`.
    pub(crate) fn json_name(&self) -> Option<&str> {
        let tag_name = self.json.split(',').next().unwrap_or("");
        match tag_name {
            "-" if !self.json.contains(',') => None,
            "" => Some(&self.name),
            name => Some(name),
        }
    }
}
