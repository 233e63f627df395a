//! The hand-declared exceptions of the net/rpc mapping (`crates/mm-proto/stock/mapping.toml`):
//! what the generator cannot infer from the names and types on both sides.

use std::collections::BTreeMap;

use serde::Deserialize;

/// The whole sidecar.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Mapping {
    /// Go string values of proto enums: `[enums.ChannelType] CHANNEL_TYPE_OPEN = "O"`.
    #[serde(default)]
    pub(crate) enums: BTreeMap<String, BTreeMap<String, String>>,
    /// Methods and hooks mapped by hand in the runtime (byte streams, broker ids, logging):
    /// the generator leaves them out.
    #[serde(default)]
    pub(crate) special: Vec<String>,
    /// Per-method overrides of how a Go parameter or result maps to the request or response.
    #[serde(default)]
    pub(crate) method: BTreeMap<String, MethodOverride>,
    /// Per-Go-type overrides of how its fields map to the proto message's.
    #[serde(default, rename = "type")]
    pub(crate) types: BTreeMap<String, TypeOverride>,
}

/// Overrides for one method: Go parameter (`A`, `B`...) or result name to an inline view.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct MethodOverride {
    #[serde(default)]
    pub(crate) args: BTreeMap<String, InlineView>,
    #[serde(default)]
    pub(crate) returns: BTreeMap<String, InlineView>,
}

/// A Go struct parameter that the contract flattened into the request (or response): its
/// fields come from the message's own fields, matched by name unless listed.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct InlineView {
    /// Go field (or dotted path) -> proto field of the enclosing message.
    #[serde(default)]
    pub(crate) fields: BTreeMap<String, String>,
    /// Instead of a view: the parameter is the next field in order, through a conversion the
    /// runtime implements by name.
    #[serde(default)]
    pub(crate) convert: Option<String>,
}

/// Overrides for one Go struct type.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct TypeOverride {
    /// Go field (or dotted path into an embedded or nested struct) -> proto field.
    #[serde(default)]
    pub(crate) fields: BTreeMap<String, String>,
    /// Proto fields the Go type has no place for: never sent, left empty when received.
    #[serde(default)]
    pub(crate) proto_only: Vec<String>,
    /// Go field -> the name of a conversion the runtime implements (`int_text`, `string_set`...).
    #[serde(default)]
    pub(crate) convert: BTreeMap<String, String>,
}

impl Mapping {
    pub(crate) fn parse(text: &str) -> Result<Mapping, String> {
        toml::from_str(text).map_err(|e| format!("mapping.toml does not parse: {e}"))
    }

    pub(crate) fn is_special(&self, name: &str) -> bool {
        self.special.iter().any(|s| s == name)
    }
}
