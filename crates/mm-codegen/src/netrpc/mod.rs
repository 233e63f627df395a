//! The net/rpc mapping: for every stock `plugin.API` method and `plugin.Hooks` hook, Go's gob
//! argument and reply structs over the gRPC request and response messages, generated from the
//! two declarations (`proto/` + `stock/*.proto`, and `stock/surface.json` from the pinned Go
//! module) and the exceptions in `stock/mapping.toml`.

mod emit;
mod go_model;
mod mapping;
mod model;
mod proto;
mod surface;
mod types;

use prost_types::FileDescriptorSet;

pub(crate) use model::Plan;

/// Joins the declarations and checks them; every problem is reported at once.
pub(crate) fn plan(set: &FileDescriptorSet, surface_json: &str, mapping_toml: &str) -> Result<Plan, String> {
    let schema = proto::Schema::from_descriptors(set);
    let surface = surface::Surface::parse(surface_json)?;
    let mapping = mapping::Mapping::parse(mapping_toml)?;
    model::plan(&schema, &surface, &mapping).map_err(|errors| {
        format!("the net/rpc mapping has {} problem(s):\n  - {}", errors.len(), errors.join("\n  - "))
    })
}

/// A one-line summary of the mapping, or every problem found.
pub fn check(set: &FileDescriptorSet, surface_json: &str, mapping_toml: &str) -> Result<String, String> {
    let plan = plan(set, surface_json, mapping_toml)?;
    let dropped: usize = plan.dropped.values().map(Vec::len).sum();
    Ok(format!(
        "net/rpc mapping: {} API methods ({} special), {} hooks ({} special), {} entity views, {} Go fields not carried",
        plan.api.len(),
        plan.api.iter().filter(|m| m.special).count(),
        plan.hooks.len(),
        plan.hooks.iter().filter(|m| m.special).count(),
        plan.views.len(),
        dropped
    ))
}

/// The generated Rust source of `mm_proto::netrpc`'s mapping (see the module docs).
pub fn generate(set: &FileDescriptorSet, surface_json: &str, mapping_toml: &str) -> Result<String, String> {
    let schema = proto::Schema::from_descriptors(set);
    let surface = surface::Surface::parse(surface_json)?;
    let mapping = mapping::Mapping::parse(mapping_toml)?;
    let plan = model::plan(&schema, &surface, &mapping).map_err(|errors| {
        format!("the net/rpc mapping has {} problem(s):\n  - {}", errors.len(), errors.join("\n  - "))
    })?;
    emit::emit(&plan, &schema, &surface, &mapping.enums)
}

/// The Go struct fields the mapping does not carry (the gRPC messages have no field for them),
/// as a Markdown table: what a plugin on a stock server does not see, and what it does not send.
pub fn not_carried(
    set: &FileDescriptorSet,
    surface_json: &str,
    mapping_toml: &str,
) -> Result<String, String> {
    let plan = plan(set, surface_json, mapping_toml)?;
    let mut out = String::from("| Go type | fields not carried |\n|---|---|\n");
    for (go_type, fields) in &plan.dropped {
        out.push_str(&format!(
            "| `{go_type}` | {} |\n",
            fields.iter().map(|f| format!("`{f}`")).collect::<Vec<_>>().join(", ")
        ));
    }
    Ok(out)
}
