//! Rust mirrors of the Go structs that the gRPC contract carries as JSON (`*model.Config`,
//! `*model.License`, `*model.SyncMsg`...): each field with its Go name for gob and its
//! encoding/json name for serde, so JSON bytes on the gRPC side become the Go value a stock
//! server sends, and back.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write;

use heck::ToUpperCamelCase;

use super::model::{Conv, Plan, Source, View};
use super::surface::{GoField, GoKind, Surface};
use super::types::{TypeRef, Types};

/// The Rust name of a Go type's mirror: `model.Config` -> `ModelConfig`.
pub(crate) fn rust_name(go: &str) -> String {
    go.trim_start_matches('*').replace(['.', '/'], "_").to_upper_camel_case()
}

/// The Go types the JSON bridges need, with everything they contain.
pub(crate) fn roots(plan: &Plan) -> BTreeSet<String> {
    fn walk(conv: &Conv, out: &mut BTreeSet<String>) {
        match conv {
            Conv::Json { go_type, .. } => {
                out.insert(go_type.clone());
            }
            Conv::List(inner) => walk(inner, out),
            Conv::Map(k, v) => {
                walk(k, out);
                walk(v, out);
            }
            _ => {}
        }
    }
    fn view(v: &View, out: &mut BTreeSet<String>) {
        for f in &v.fields {
            match &f.source {
                Source::Field { conv, .. } => walk(conv, out),
                Source::Inline(inner) => view(inner, out),
            }
        }
    }
    let mut out = BTreeSet::new();
    for v in plan.views.values() {
        view(v, &mut out);
    }
    for m in plan.api.iter().chain(&plan.hooks) {
        for v in m.args.iter().chain(&m.returns) {
            view(v, &mut out);
        }
    }
    out
}

/// The `go_model` module: one struct per Go struct reachable from `roots`.
pub(crate) fn emit(
    surface: &Surface,
    roots: &BTreeSet<String>,
    types: &mut Types,
    views: &BTreeMap<super::model::ViewKey, View>,
) -> Result<String, String> {
    let mut structs = BTreeSet::new();
    let mut stack: Vec<String> = roots.iter().cloned().collect();
    while let Some(go) = stack.pop() {
        let (name, desc) = surface.deref(&go)?;
        match desc.kind {
            GoKind::Struct if structs.insert(name.to_string()) => {
                stack.extend(desc.fields.iter().map(|f| f.ty.clone()));
            }
            GoKind::Struct => {}
            GoKind::Slice | GoKind::Array => stack.push(desc.elem.clone()),
            GoKind::Map => {
                stack.push(desc.key.clone());
                stack.push(desc.elem.clone());
            }
            _ => {}
        }
    }
    let mut out = String::from(
        "/// Rust mirrors of Go structs that the gRPC contract carries as JSON.\n#[allow(dead_code, clippy::all)]\npub(crate) mod go_model {\n    use super::{rt, types};\n\n",
    );
    for name in &structs {
        let (_, desc) = surface.deref(name)?;
        let rust = rust_name(name);
        let ty = types.expr(surface, &TypeRef::Go(name.clone()), views);
        let mut fields = String::new();
        let mut names = Vec::new();
        let mut encode = String::new();
        let mut decode = String::new();
        for (i, f) in desc.fields.iter().enumerate() {
            let rust_ty = rust_type(surface, &f.ty)?;
            let ident = field_ident(f, i);
            let _ = writeln!(
                fields,
                "        {}\n        pub(crate) {ident}: {rust_ty},",
                serde_attrs(surface, f)
            );
            names.push(format!("{:?}", f.name));
            let _ = writeln!(encode, "            s.field({i}, &self.{ident})?;");
            let _ = writeln!(decode, "                    {i} => s.decode_into(&mut out.{ident})?,");
        }
        let _ = write!(
            out,
            "    /// Go `{name}`.\n    #[derive(Debug, Default, Clone, ::serde::Serialize, ::serde::Deserialize)]\n    #[serde(default)]\n    pub(crate) struct {rust} {{\n{fields}    }}\n\n\
             \x20   impl rt::IsEmpty for {rust} {{\n\
             \x20       fn is_empty(&self) -> bool {{ false }}\n\
             \x20   }}\n\n\
             \x20   impl ::mm_gob::StaticType for {rust} {{\n\
             \x20       fn static_type() -> &'static ::mm_gob::GoType {{ {ty} }}\n\
             \x20   }}\n\n\
             \x20   impl ::mm_gob::Encode for {rust} {{\n\
             \x20       fn go_type(&self) -> ::mm_gob::TypeRef {{ ::mm_gob::TypeRef::from({ty}) }}\n\
             \x20       fn is_zero(&self) -> bool {{ false }}\n\
             \x20       fn encode(&self, w: &mut ::mm_gob::ValueWriter<'_>) -> ::mm_gob::Result<()> {{\n\
             \x20           let mut s = w.struct_fields();\n{encode}            s.end()\n        }}\n    }}\n\n\
             \x20   impl ::mm_gob::Decode for {rust} {{\n\
             \x20       fn decode(r: &mut ::mm_gob::ValueReader<'_>) -> ::mm_gob::Result<Self> {{\n\
             \x20           const NAMES: &[&str] = &[{names}];\n\
             \x20           let mut out = Self::default();\n\
             \x20           let mut s = r.struct_fields(NAMES)?;\n\
             \x20           while let Some(i) = s.next()? {{\n\
             \x20               match i {{\n{decode}                    _ => {{}}\n                }}\n            }}\n            Ok(out)\n        }}\n    }}\n\n",
            names = names.join(", "),
        );
    }
    out.push_str("}\n\n");
    Ok(out)
}

/// The Rust type mirroring a Go type.
fn rust_type(surface: &Surface, go: &str) -> Result<String, String> {
    let desc = surface.ty(go)?;
    Ok(match desc.kind {
        GoKind::Pointer => format!("Option<Box<{}>>", rust_type(surface, &desc.elem)?),
        GoKind::Bool => "bool".into(),
        GoKind::Int => match desc.bits {
            8 => "i8".into(),
            16 => "i16".into(),
            32 => "i32".into(),
            _ => "i64".into(),
        },
        GoKind::Uint => match desc.bits {
            16 => "u16".into(),
            32 => "u32".into(),
            _ => "u64".into(),
        },
        GoKind::Float => {
            if desc.bits == 32 {
                "f32".into()
            } else {
                "f64".into()
            }
        }
        GoKind::String => "String".into(),
        GoKind::Bytes if go == "json.RawMessage" => "rt::RawJson".into(),
        GoKind::Bytes => "rt::Base64Bytes".into(),
        GoKind::Slice => format!("Vec<{}>", rust_type(surface, &desc.elem)?),
        GoKind::Array => format!("Vec<{}>", rust_type(surface, &desc.elem)?),
        GoKind::Map => format!(
            "::std::collections::BTreeMap<{}, {}>",
            rust_type(surface, &desc.key)?,
            rust_type(surface, &desc.elem)?
        ),
        GoKind::Struct => rust_name(go),
        GoKind::Interface => "rt::Dynamic".into(),
        GoKind::Opaque if go == "time.Time" => "rt::GoTime".into(),
        GoKind::Opaque => return Err(format!("Go type {go} marshals itself; only time.Time is mirrored")),
        GoKind::Complex | GoKind::Unsupported => return Err(format!("Go type {go} cannot be mirrored")),
    })
}

fn field_ident(f: &GoField, index: usize) -> String {
    use heck::ToSnakeCase;
    let snake = f.name.to_snake_case();
    if snake.is_empty() { format!("field_{index}") } else { super::proto::rust_field_name(&snake) }
}

/// serde attributes from the Go field's `json` tag: name, `omitempty`, `-`, embedded structs
/// (encoding/json inlines their fields).
fn serde_attrs(surface: &Surface, f: &GoField) -> String {
    let Some(name) = f.json_name() else {
        return "#[serde(skip)]".into();
    };
    let embedded_struct =
        f.embedded && f.json.is_empty() && surface.deref(&f.ty).is_ok_and(|(_, d)| d.kind == GoKind::Struct);
    if embedded_struct {
        return "#[serde(flatten)]".into();
    }
    let omit = f.json.split(',').skip(1).any(|o| o == "omitempty");
    if omit {
        format!("#[serde(rename = {name:?}, skip_serializing_if = \"rt::IsEmpty::is_empty\")]")
    } else {
        format!("#[serde(rename = {name:?})]")
    }
}
