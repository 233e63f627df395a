//! The Go type descriptors the generated code sends as gob type definitions: one `static` per
//! distinct wire type, shared by every struct that refers to it.

use std::collections::BTreeMap;
use std::fmt::Write;

use super::model::{Conv, Source, View, ViewField, ViewKey};
use super::surface::{GoKind, Surface};

/// A wire type: a Go type as Go defines it, or one of our views (a Go struct with the fields
/// we carry), or a composite of those.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum TypeRef {
    /// A Go type from the surface, complete (pointers followed).
    Go(String),
    /// An entity view.
    View(ViewKey),
    /// An inline view (a Go struct inside a view, filled from the same message), by a name
    /// unique in the output.
    Inline(String),
    Slice(Box<TypeRef>),
    Map(Box<TypeRef>, Box<TypeRef>),
}

/// Collects wire types and names their statics `T0`, `T1`...
#[derive(Debug, Default)]
pub(crate) struct Types {
    names: BTreeMap<TypeRef, String>,
    /// Definitions in the order they were first needed.
    defs: Vec<String>,
    inline_fields: BTreeMap<String, Vec<(String, TypeRef)>>,
}

impl Types {
    /// The Rust expression for a `&'static GoType` of `ty` (registering it).
    pub(crate) fn expr(
        &mut self,
        surface: &Surface,
        ty: &TypeRef,
        views: &BTreeMap<ViewKey, View>,
    ) -> String {
        if let Some(builtin) = builtin(surface, ty) {
            return format!("&::mm_gob::builtin::{builtin}");
        }
        if let Some(name) = self.names.get(ty) {
            return format!("&types::{name}");
        }
        let name = format!("T{}", self.names.len());
        self.names.insert(ty.clone(), name.clone());
        // Reserve the slot first: recursive types refer to their own name.
        let slot = self.defs.len();
        self.defs.push(String::new());
        let (go_name, kind) = match ty {
            TypeRef::Go(go) => self.go_kind(surface, go, views),
            TypeRef::View(key) => {
                let view = &views[key];
                (short_go_name(&key.go_type), self.struct_kind(surface, &view.fields, views))
            }
            TypeRef::Inline(id) => {
                let fields = self.inline_fields.get(id).cloned().unwrap_or_default();
                let go_type = id.split_once('@').map_or(id.as_str(), |(go, _)| go);
                let parts: Vec<String> = fields
                    .iter()
                    .map(|(n, t)| {
                        format!("::mm_gob::Field {{ name: {n:?}, ty: || {} }}", self.expr(surface, t, views))
                    })
                    .collect();
                (short_go_name(go_type), format!("::mm_gob::Kind::Struct(&[{}])", parts.join(", ")))
            }
            TypeRef::Slice(elem) => {
                (String::new(), format!("::mm_gob::Kind::Slice(|| {})", self.expr(surface, elem, views)))
            }
            TypeRef::Map(k, v) => (
                String::new(),
                format!(
                    "::mm_gob::Kind::Map(|| {}, || {})",
                    self.expr(surface, k, views),
                    self.expr(surface, v, views)
                ),
            ),
        };
        self.defs[slot] = format!(
            "/// {}\npub(crate) static {name}: ::mm_gob::GoType = ::mm_gob::GoType {{ name: {go_name:?}, kind: {kind} }};\n",
            describe(ty)
        );
        format!("&types::{name}")
    }

    /// Registers the fields of an inline view under `id` (before `expr(Inline(id))`).
    pub(crate) fn inline(&mut self, id: &str, fields: Vec<(String, TypeRef)>) {
        self.inline_fields.insert(id.to_string(), fields);
    }

    /// Registers the fields of `field`'s inline view (and of the inline views inside it), if
    /// it is one.
    fn register_inline(&mut self, field: &ViewField) {
        let Source::Inline(view) = &field.source else { return };
        let id = inline_id(&view.key.go_type, &view.key.message);
        if self.inline_fields.contains_key(&id) {
            return;
        }
        view.fields.iter().for_each(|f| self.register_inline(f));
        let fields = view.fields.iter().map(|f| (f.go_name.clone(), field_type(f))).collect();
        self.inline(&id, fields);
    }

    fn struct_kind(
        &mut self,
        surface: &Surface,
        fields: &[ViewField],
        views: &BTreeMap<ViewKey, View>,
    ) -> String {
        // An inline struct's fields must be known before its static is first written, which
        // can happen here, before the emitter reaches the inline view itself.
        fields.iter().for_each(|f| self.register_inline(f));
        let parts: Vec<String> = fields
            .iter()
            .map(|f| {
                let ty = field_type(f);
                format!(
                    "::mm_gob::Field {{ name: {:?}, ty: || {} }}",
                    f.go_name,
                    self.expr(surface, &ty, views)
                )
            })
            .collect();
        format!("::mm_gob::Kind::Struct(&[{}])", parts.join(", "))
    }

    fn go_kind(&mut self, surface: &Surface, go: &str, views: &BTreeMap<ViewKey, View>) -> (String, String) {
        let Ok((name, desc)) = surface.deref(go) else {
            return (String::new(), "::mm_gob::Kind::Interface".to_string());
        };
        let kind = match desc.kind {
            GoKind::Struct => {
                let parts: Vec<String> = desc
                    .fields
                    .iter()
                    .filter(|f| surface.deref(&f.ty).is_ok_and(|(_, d)| d.kind != GoKind::Unsupported))
                    .map(|f| {
                        format!(
                            "::mm_gob::Field {{ name: {:?}, ty: || {} }}",
                            f.name,
                            self.expr(surface, &TypeRef::Go(f.ty.clone()), views)
                        )
                    })
                    .collect();
                format!("::mm_gob::Kind::Struct(&[{}])", parts.join(", "))
            }
            GoKind::Slice => format!(
                "::mm_gob::Kind::Slice(|| {})",
                self.expr(surface, &TypeRef::Go(desc.elem.clone()), views)
            ),
            GoKind::Array => format!(
                "::mm_gob::Kind::Array({}, || {})",
                desc.len,
                self.expr(surface, &TypeRef::Go(desc.elem.clone()), views)
            ),
            GoKind::Map => format!(
                "::mm_gob::Kind::Map(|| {}, || {})",
                self.expr(surface, &TypeRef::Go(desc.key.clone()), views),
                self.expr(surface, &TypeRef::Go(desc.elem.clone()), views)
            ),
            GoKind::Opaque if desc.opaque == "GobEncode" => {
                "::mm_gob::Kind::Opaque(::mm_gob::OpaqueKind::GobEncoder)".to_string()
            }
            GoKind::Opaque => "::mm_gob::Kind::Opaque(::mm_gob::OpaqueKind::BinaryMarshaler)".to_string(),
            other => {
                // Basic kinds are builtins; `builtin` answered before we got here.
                format!("::mm_gob::Kind::{other:?}")
            }
        };
        let go_name = if name.contains('.') && desc.kind == GoKind::Struct {
            short_go_name(name)
        } else {
            String::new()
        };
        (go_name, kind)
    }

    /// Every static, in order.
    pub(crate) fn definitions(&self) -> String {
        let mut out = String::new();
        for def in &self.defs {
            let _ = writeln!(out, "{def}");
        }
        out
    }
}

/// The wire type of one field of a view.
pub(crate) fn field_type(field: &ViewField) -> TypeRef {
    match &field.source {
        Source::Inline(view) => TypeRef::Inline(inline_id(&view.key.go_type, &view.key.message)),
        Source::Field { conv, .. } => conv_type(&field.go_type, conv),
    }
}

fn conv_type(go_type: &str, conv: &Conv) -> TypeRef {
    match conv {
        Conv::Message(key) => TypeRef::View(key.clone()),
        Conv::List(inner) if matches!(**inner, Conv::Message(_)) => {
            let Conv::Message(key) = &**inner else { unreachable!() };
            TypeRef::Slice(Box::new(TypeRef::View(key.clone())))
        }
        Conv::Map(k, v) if matches!(**v, Conv::Message(_)) => {
            let Conv::Message(key) = &**v else { unreachable!() };
            let _ = k;
            TypeRef::Map(Box::new(TypeRef::Go("string".into())), Box::new(TypeRef::View(key.clone())))
        }
        Conv::Json { go_type, .. } => TypeRef::Go(go_type.clone()),
        _ => TypeRef::Go(go_type.to_string()),
    }
}

/// The name an inline view's static is registered under.
pub(crate) fn inline_id(go_type: &str, message: &str) -> String {
    format!("{go_type}@{message}")
}

/// The builtin static of mm-gob for basic and common composite Go types, if there is one.
fn builtin(surface: &Surface, ty: &TypeRef) -> Option<&'static str> {
    let TypeRef::Go(go) = ty else { return None };
    let (_, desc) = surface.deref(go).ok()?;
    let elem_kind = |name: &str| surface.deref(name).ok().map(|(_, d)| d.kind);
    Some(match desc.kind {
        GoKind::Bool => "BOOL",
        GoKind::Int => "INT",
        GoKind::Uint => "UINT",
        GoKind::Float => "FLOAT",
        GoKind::Complex => "COMPLEX",
        GoKind::String => "STRING",
        GoKind::Bytes => "BYTES",
        GoKind::Interface => "INTERFACE",
        GoKind::Slice => match elem_kind(&desc.elem)? {
            GoKind::String => "SLICE_OF_STRING",
            GoKind::Interface => "SLICE_OF_INTERFACE",
            _ => return None,
        },
        GoKind::Map => match (elem_kind(&desc.key)?, elem_kind(&desc.elem)?) {
            (GoKind::String, GoKind::Interface) => "MAP_STRING_INTERFACE",
            (GoKind::String, GoKind::String) => "MAP_STRING_STRING",
            (GoKind::String, GoKind::Bool) => "MAP_STRING_BOOL",
            (GoKind::String, GoKind::Slice)
                if surface.deref(&desc.elem).ok().and_then(|(_, d)| elem_kind(&d.elem))
                    == Some(GoKind::String) =>
            {
                "HTTP_HEADER"
            }
            _ => return None,
        },
        GoKind::Struct if desc.fields.is_empty() => "EMPTY_STRUCT",
        _ => return None,
    })
}

/// `model.Post` -> `Post`; `*model.Post` -> `Post`.
fn short_go_name(go: &str) -> String {
    go.trim_start_matches('*').rsplit('.').next().unwrap_or(go).to_string()
}

fn describe(ty: &TypeRef) -> String {
    match ty {
        TypeRef::Go(go) => format!("Go `{go}`."),
        TypeRef::View(key) => format!("Go `{}` over `{}`.", key.go_type, key.message),
        TypeRef::Inline(id) => format!("Go `{id}` (inline)."),
        TypeRef::Slice(elem) => format!("A slice of: {}", describe(elem)),
        TypeRef::Map(k, v) => format!("A map from {} to {}", describe(k), describe(v)),
    }
}
