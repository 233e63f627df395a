//! The join of the two declarations: for every stock method and hook, how its Go argument and
//! reply structs map to the gRPC request and response messages, and for every Go struct that
//! travels inside them, how its fields map to a proto message's fields.
//!
//! Rules, in order: the `mapping.toml` overrides; a Go `*plugin.Context` parameter is the
//! request's `plugin_context`; the other Go parameters are the request's fields in order
//! (after `context`/`plugin_context`); Go results are the response's fields in order, except
//! that a `*model.AppError` or `error` result is the response's `error` field; struct fields
//! match proto fields whose names are equal ignoring case and underscores. A proto field with no
//! Go counterpart, or a pair of types that does not convert, fails the build with a message
//! naming both sides; a Go field with no proto counterpart is not carried and is listed in the
//! generated report.

use std::collections::{BTreeMap, BTreeSet};

use super::mapping::{InlineView, Mapping};
use super::proto::{FieldType, Message, ProtoField, Schema};
use super::surface::{GoKind, GoMethod, Surface};

/// The proto services the two protocols share and the stock-only ones.
pub(crate) const API_SERVICES: [&str; 2] = ["PluginAPI", "StockPluginAPI"];
pub(crate) const HOOK_SERVICES: [&str; 2] = ["PluginHooks", "StockPluginHooks"];

/// What the emitter generates code from.
#[derive(Debug, Default)]
pub(crate) struct Plan {
    /// Entity structs: a Go struct over a proto message, keyed by both.
    pub(crate) views: BTreeMap<ViewKey, View>,
    pub(crate) api: Vec<MethodPlan>,
    pub(crate) hooks: Vec<MethodPlan>,
    /// Go fields that have no proto counterpart, per Go type (not carried; documented).
    pub(crate) dropped: BTreeMap<String, Vec<String>>,
}

/// A Go struct type and the proto message it is read from and written to.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct ViewKey {
    pub(crate) go_type: String,
    pub(crate) message: String,
}

/// A Go struct over a proto message: its fields in Go order, each with where it comes from.
#[derive(Debug, Clone)]
pub(crate) struct View {
    pub(crate) key: ViewKey,
    pub(crate) fields: Vec<ViewField>,
}

/// One Go field of a view.
#[derive(Debug, Clone)]
pub(crate) struct ViewField {
    pub(crate) go_name: String,
    pub(crate) go_type: String,
    pub(crate) source: Source,
}

/// Where a Go field's value lives on the proto side.
#[derive(Debug, Clone)]
pub(crate) enum Source {
    /// A field of the message.
    Field { field: ProtoField, conv: Conv },
    /// A Go struct (embedded or nested) whose fields are other fields of the same message.
    Inline(View),
}

/// How a proto field's value becomes the Go field's value and back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Conv {
    /// Same value on both sides (strings, numbers, bools, bytes; a Go pointer is an optional).
    Scalar,
    /// A message as a Go struct (or pointer to one).
    Message(ViewKey),
    /// A repeated field as a Go slice.
    List(Box<Conv>),
    /// A map field as a Go map.
    Map(Box<Conv>, Box<Conv>),
    /// `google.protobuf.Struct` as `map[string]interface{}`.
    InterfaceMap,
    /// `google.protobuf.Value` as `interface{}`.
    Interface,
    /// `google.protobuf.Value` as `json.RawMessage` (the JSON text of the value).
    JsonValue,
    /// A `google.protobuf.*Value` wrapper as a Go pointer to the scalar.
    Wrapper,
    /// The wire-only `StringList` as `[]string`.
    StringList,
    /// A proto enum as the Go string in `mapping.toml`.
    Enum(String),
    /// JSON bytes (or a one-field `*Json` message) as a Go struct: the JSON is converted to
    /// and from the Go value with encoding/json's names.
    Json { go_type: String, wrapper_field: Option<String> },
    /// A conversion the runtime implements by name (`mapping.toml`'s `convert`).
    Custom(String),
}

/// One method or hook: the Go reply and argument structs over the request and response.
#[derive(Debug)]
pub(crate) struct MethodPlan {
    pub(crate) go_name: String,
    pub(crate) service: String,
    /// Hand-written in the runtime: no generated args/returns.
    pub(crate) special: bool,
    pub(crate) request: String,
    pub(crate) response: String,
    pub(crate) args: Option<View>,
    pub(crate) returns: Option<View>,
}

/// Builds the plan; every problem found is reported, not just the first.
pub(crate) fn plan(schema: &Schema, surface: &Surface, mapping: &Mapping) -> Result<Plan, Vec<String>> {
    let mut b =
        Builder { schema, surface, mapping, plan: Plan::default(), errors: Vec::new(), pending: Vec::new() };
    for method in &surface.api {
        b.method(method, &API_SERVICES, false);
    }
    for hook in &surface.hooks {
        if hook.name == "Implemented" {
            continue;
        }
        b.method(hook, &HOOK_SERVICES, true);
    }
    b.check_services();
    b.resolve_views();
    b.check_mapping_names();
    if b.errors.is_empty() { Ok(b.plan) } else { Err(b.errors) }
}

struct Builder<'a> {
    schema: &'a Schema,
    surface: &'a Surface,
    mapping: &'a Mapping,
    plan: Plan,
    errors: Vec<String>,
    /// Views referred to by a conversion and not built yet.
    pending: Vec<ViewKey>,
}

fn norm(name: &str) -> String {
    name.chars().filter(|c| *c != '_').flat_map(char::to_lowercase).collect()
}

fn is_error_type(go_type: &str) -> bool {
    go_type == "*model.AppError" || go_type == "error"
}

impl Builder<'_> {
    fn method(&mut self, method: &GoMethod, services: &[&str], hook: bool) {
        let Some((service, rpc)) = services.iter().find_map(|s| {
            self.schema.services.get(*s)?.iter().find(|r| r.name == method.name).map(|r| (*s, r))
        }) else {
            // PluginHTTPStream is the server's streaming twin of PluginHTTP: no RPC of its own.
            if !self.mapping.is_special(&method.name) {
                self.errors.push(format!(
                    "Go method {} has no RPC in the services {services:?}: declare it in stock/*.proto",
                    method.name
                ));
            }
            return;
        };
        let special = self.mapping.is_special(&method.name) || rpc.streaming;
        let mut plan = MethodPlan {
            go_name: method.name.clone(),
            service: service.to_string(),
            special,
            request: rpc.input.clone(),
            response: rpc.output.clone(),
            args: None,
            returns: None,
        };
        if !special {
            let overrides = self.mapping.method.get(&method.name);
            let empty = BTreeMap::new();
            let arg_overrides = overrides.map_or(&empty, |o| &o.args);
            let ret_overrides = overrides.map_or(&empty, |o| &o.returns);
            plan.args = self.z_struct(&method.name, &method.args, &rpc.input, hook, arg_overrides, true);
            plan.returns =
                self.z_struct(&method.name, &method.returns, &rpc.output, hook, ret_overrides, false);
        }
        if hook { self.plan.hooks.push(plan) } else { self.plan.api.push(plan) }
    }

    /// The `Z_<Method>Args` or `Z_<Method>Returns` struct over a request or response.
    fn z_struct(
        &mut self,
        method: &str,
        go_type: &str,
        message: &str,
        hook: bool,
        overrides: &BTreeMap<String, InlineView>,
        is_args: bool,
    ) -> Option<View> {
        let side = if is_args { "argument" } else { "reply" };
        let message = match self.schema.message(message) {
            Ok(m) => m,
            Err(e) => {
                self.errors.push(format!("{method}: {e}"));
                return None;
            }
        };
        let go_fields = match self.surface.ty(go_type) {
            Ok(desc) if desc.kind == GoKind::Struct => &desc.fields,
            Ok(_) => return Some(View { key: key(go_type, message), fields: Vec::new() }),
            Err(e) => {
                self.errors.push(format!("{method}: {e}"));
                return None;
            }
        };
        // Proto fields in order, without the server's request context (always empty).
        let mut proto: Vec<&ProtoField> =
            message.fields.iter().filter(|f| !(hook && is_args && f.name == "context")).collect();
        let error_field = if is_args { None } else { message.field("error") };
        proto.retain(|f| Some(*f) != error_field || is_args);
        let mut fields = Vec::new();
        let mut claimed: BTreeSet<String> = BTreeSet::new();
        let positional: Vec<_> = go_fields.iter().collect();
        let mut next = 0usize;
        for go in positional {
            let custom = overrides.get(&go.name).and_then(|o| o.convert.clone());
            if let Some(inline) = overrides.get(&go.name).filter(|o| o.convert.is_none()) {
                match self.inline_view(method, &go.ty, message, inline, &mut claimed) {
                    Ok(view) => fields.push(ViewField {
                        go_name: go.name.clone(),
                        go_type: go.ty.clone(),
                        source: Source::Inline(view),
                    }),
                    Err(e) => self.errors.push(format!("{method} {side} {}: {e}", go.name)),
                }
                continue;
            }
            if !is_args && is_error_type(&go.ty) {
                let Some(f) = error_field else {
                    self.errors.push(format!("{method}: Go returns an error, the response has no `error`"));
                    continue;
                };
                claimed.insert(f.name.clone());
                // `*model.AppError` is a struct on the wire; `error` an interface that holds
                // a `*model.AppError` or a `*plugin.ErrorString`.
                let conv = if go.ty == "error" {
                    Ok(Conv::Custom("error_interface".into()))
                } else {
                    self.conv(&go.ty, f)
                };
                match conv {
                    Ok(conv) => fields.push(ViewField {
                        go_name: go.name.clone(),
                        go_type: go.ty.clone(),
                        source: Source::Field { field: f.clone(), conv },
                    }),
                    Err(e) => self.errors.push(format!("{method} {side} {}: {e}", go.name)),
                }
                continue;
            }
            // The next unclaimed proto field, in order.
            while next < proto.len() && claimed.contains(&proto[next].name) {
                next += 1;
            }
            let Some(field) = proto.get(next).copied() else {
                self.errors.push(format!(
                    "{method}: Go {side} {} ({}) has no field left in {}",
                    go.name,
                    go.ty,
                    message.short_name()
                ));
                continue;
            };
            next += 1;
            if go.ty == "*plugin.Context" && field.name != "plugin_context" {
                self.errors.push(format!("{method}: Go *plugin.Context lines up with `{}`", field.name));
            }
            claimed.insert(field.name.clone());
            let conv = match custom {
                Some(name) => Ok(Conv::Custom(name)),
                None => self.conv(&go.ty, field),
            };
            match conv {
                Ok(conv) => fields.push(ViewField {
                    go_name: go.name.clone(),
                    go_type: go.ty.clone(),
                    source: Source::Field { field: field.clone(), conv },
                }),
                Err(e) => self.errors.push(format!(
                    "{method} {side} {} ({}) <-> {}.{}: {e}",
                    go.name,
                    go.ty,
                    message.short_name(),
                    field.name
                )),
            }
        }
        for f in &proto {
            if !claimed.contains(&f.name) && Some(*f) != error_field {
                self.errors.push(format!(
                    "{method}: {}.{} has no Go {side} (Go {go_type} has {} fields)",
                    message.short_name(),
                    f.name,
                    go_fields.len()
                ));
            }
        }
        Some(View { key: key(go_type, message), fields })
    }

    /// A Go struct parameter whose fields are fields of the enclosing message.
    fn inline_view(
        &mut self,
        method: &str,
        go_type: &str,
        message: &Message,
        inline: &InlineView,
        claimed: &mut BTreeSet<String>,
    ) -> Result<View, String> {
        let (go_name, _) = self.surface.deref(go_type)?;
        let go_fields = self.surface.fields(go_name)?;
        let mut fields = Vec::new();
        for go in go_fields {
            let explicit = inline.fields.get(&go.name);
            let field = match explicit {
                Some(name) => Some(message.field(name).ok_or_else(|| {
                    format!("mapping.toml names {}.{name}, which does not exist", message.short_name())
                })?),
                None if inline.fields.is_empty() => message
                    .fields
                    .iter()
                    .find(|f| !claimed.contains(&f.name) && norm(&f.name) == norm(&go.name)),
                None => None,
            };
            let Some(field) = field else {
                self.dropped(go_name, &go.name);
                continue;
            };
            claimed.insert(field.name.clone());
            let conv =
                self.conv(&go.ty, field).map_err(|e| format!("{method}: {go_name}.{}: {e}", go.name))?;
            fields.push(ViewField {
                go_name: go.name.clone(),
                go_type: go.ty.clone(),
                source: Source::Field { field: field.clone(), conv },
            });
        }
        Ok(View { key: key(go_name, message), fields })
    }

    fn dropped(&mut self, go_type: &str, field: &str) {
        let list = self.plan.dropped.entry(go_type.to_string()).or_default();
        if !list.iter().any(|f| f == field) {
            list.push(field.to_string());
        }
    }

    /// How a Go type and a proto field convert.
    fn conv(&mut self, go_type: &str, field: &ProtoField) -> Result<Conv, String> {
        let (go_name, desc) = self.surface.deref(go_type)?;
        let go_pointer = go_name != go_type;
        if field.repeated {
            return match desc.kind {
                GoKind::Slice | GoKind::Array => {
                    let single = ProtoField { repeated: false, ..field.clone() };
                    Ok(Conv::List(Box::new(self.conv(&desc.elem, &single)?)))
                }
                other => Err(format!("a repeated field as a Go {other:?}")),
            };
        }
        match &field.ty {
            FieldType::Map(k, v) => {
                if desc.kind != GoKind::Map {
                    return Err(format!("a map field as a Go {:?}", desc.kind));
                }
                let key_field = ProtoField { ty: (**k).clone(), ..field.clone() };
                let value_field = ProtoField { ty: (**v).clone(), ..field.clone() };
                let key = self.conv(&desc.key, &key_field)?;
                let value = self.conv(&desc.elem, &value_field)?;
                Ok(Conv::Map(Box::new(key), Box::new(value)))
            }
            FieldType::Message(name) => self.message_conv(go_name, desc.kind, go_pointer, name),
            FieldType::Enum(name) => {
                if !self.mapping.enums.contains_key(short(name)) {
                    return Err(format!("enum {name} has no Go values in mapping.toml [enums]"));
                }
                match desc.kind {
                    GoKind::String => Ok(Conv::Enum(name.clone())),
                    other => Err(format!("enum {name} as a Go {other:?}")),
                }
            }
            FieldType::Bytes => match desc.kind {
                GoKind::Bytes => Ok(Conv::Scalar),
                GoKind::Struct | GoKind::Map | GoKind::Slice => {
                    Ok(Conv::Json { go_type: go_name.to_string(), wrapper_field: None })
                }
                other => Err(format!("bytes as a Go {other:?}")),
            },
            scalar => {
                let ok = matches!(
                    (scalar, desc.kind),
                    (FieldType::String, GoKind::String)
                        | (FieldType::Bool, GoKind::Bool)
                        | (FieldType::Int32 | FieldType::Int64, GoKind::Int)
                        | (FieldType::Uint32 | FieldType::Uint64, GoKind::Uint)
                        | (FieldType::Double | FieldType::Float, GoKind::Float)
                );
                if ok { Ok(Conv::Scalar) } else { Err(format!("{scalar:?} as a Go {:?}", desc.kind)) }
            }
        }
    }

    fn message_conv(
        &mut self,
        go_name: &str,
        kind: GoKind,
        go_pointer: bool,
        message: &str,
    ) -> Result<Conv, String> {
        match message {
            ".google.protobuf.Struct" => match kind {
                GoKind::Map => Ok(Conv::InterfaceMap),
                GoKind::Interface => Ok(Conv::Interface),
                other => Err(format!("google.protobuf.Struct as a Go {other:?}")),
            },
            ".google.protobuf.Value" => match kind {
                GoKind::Interface => Ok(Conv::Interface),
                GoKind::Bytes => Ok(Conv::JsonValue),
                other => Err(format!("google.protobuf.Value as a Go {other:?}")),
            },
            wrapper if wrapper.starts_with(".google.protobuf.") && wrapper.ends_with("Value") => {
                if go_pointer && !matches!(kind, GoKind::Struct | GoKind::Map | GoKind::Slice) {
                    Ok(Conv::Wrapper)
                } else {
                    Err(format!("{wrapper} as a Go {kind:?} (expected a pointer to a scalar)"))
                }
            }
            _ => {
                let target = self.schema.message(message)?;
                if target.short_name() == "StringList" {
                    return match kind {
                        GoKind::Slice => Ok(Conv::StringList),
                        other => Err(format!("StringList as a Go {other:?}")),
                    };
                }
                // `XJson { bytes x_json = 1 }`: the JSON of a Go struct.
                if let [only] = target.fields.as_slice()
                    && only.ty == FieldType::Bytes
                    && only.name.ends_with("json")
                    && kind == GoKind::Struct
                {
                    return Ok(Conv::Json {
                        go_type: go_name.to_string(),
                        wrapper_field: Some(only.rust_name.clone()),
                    });
                }
                match kind {
                    GoKind::Struct => {
                        let k = key(go_name, target);
                        self.pending.push(k.clone());
                        Ok(Conv::Message(k))
                    }
                    other => Err(format!("message {} as a Go {other:?}", target.short_name())),
                }
            }
        }
    }

    /// Builds every view a conversion referred to, transitively.
    fn resolve_views(&mut self) {
        while let Some(k) = self.pending.pop() {
            if self.plan.views.contains_key(&k) {
                continue;
            }
            match self.entity_view(&k) {
                Ok(view) => {
                    self.plan.views.insert(k, view);
                }
                Err(e) => {
                    self.errors.push(e);
                    // Remember it so the error is reported once.
                    self.plan.views.insert(k.clone(), View { key: k, fields: Vec::new() });
                }
            }
        }
    }

    fn entity_view(&mut self, k: &ViewKey) -> Result<View, String> {
        let message = self.schema.message(&k.message)?;
        let go_fields = self.surface.fields(&k.go_type)?;
        let empty = Default::default();
        let overrides = self.mapping.types.get(&k.go_type).unwrap_or(&empty);
        let mut claimed = BTreeSet::new();
        let mut problems = Vec::new();
        let fields =
            self.struct_fields(&k.go_type, go_fields, message, overrides, "", &mut claimed, &mut problems);
        for f in &message.fields {
            if !claimed.contains(&f.name) && !overrides.proto_only.contains(&f.name) {
                problems.push(format!(
                    "{}.{} has no Go field in {} (map it in mapping.toml [type.\"{}\"] fields, or list it in proto_only)",
                    message.short_name(),
                    f.name,
                    k.go_type,
                    k.go_type
                ));
            }
        }
        if problems.is_empty() { Ok(View { key: k.clone(), fields }) } else { Err(problems.join("\n")) }
    }

    /// The fields of a Go struct (or of an embedded/nested struct under `prefix`) over a message.
    #[allow(clippy::too_many_arguments)]
    fn struct_fields(
        &mut self,
        owner: &str,
        go_fields: &[super::surface::GoField],
        message: &Message,
        overrides: &super::mapping::TypeOverride,
        prefix: &str,
        claimed: &mut BTreeSet<String>,
        problems: &mut Vec<String>,
    ) -> Vec<ViewField> {
        let mut fields = Vec::new();
        for go in go_fields {
            let path = format!("{prefix}{}", go.name);
            // Overrides that reach into this field's own fields make it an inline struct.
            let nested_prefix = format!("{path}.");
            if overrides.fields.keys().any(|p| p.starts_with(&nested_prefix)) {
                match self.surface.fields(&go.ty).and_then(|inner| Ok((inner, self.surface.deref(&go.ty)?.0)))
                {
                    Ok((inner, inner_name)) => {
                        let inner_name = inner_name.to_string();
                        // Fields it drops are listed under the path that holds them.
                        let label = format!("{inner_name} (as {owner}.{path})");
                        let nested = self.struct_fields(
                            &label,
                            inner,
                            message,
                            overrides,
                            &nested_prefix,
                            claimed,
                            problems,
                        );
                        fields.push(ViewField {
                            go_name: go.name.clone(),
                            go_type: go.ty.clone(),
                            source: Source::Inline(View { key: key(&inner_name, message), fields: nested }),
                        });
                    }
                    Err(e) => problems.push(format!("{owner}.{path}: {e}")),
                }
                continue;
            }
            let field = match overrides.fields.get(&path) {
                Some(name) => match message.field(name) {
                    Some(f) => Some(f),
                    None => {
                        problems.push(format!(
                            "mapping.toml maps {owner}.{path} to {}.{name}, which does not exist",
                            message.short_name()
                        ));
                        continue;
                    }
                },
                None => message.fields.iter().find(|f| {
                    !claimed.contains(&f.name)
                        && !overrides.proto_only.contains(&f.name)
                        && !overrides.fields.values().any(|v| v == &f.name)
                        && norm(&f.name) == norm(&go.name)
                }),
            };
            let Some(field) = field else {
                self.dropped(owner, &go.name);
                continue;
            };
            claimed.insert(field.name.clone());
            let conv = match overrides.convert.get(&path) {
                Some(custom) => Ok(Conv::Custom(custom.clone())),
                None => self.conv(&go.ty, field),
            };
            match conv {
                Ok(conv) => fields.push(ViewField {
                    go_name: go.name.clone(),
                    go_type: go.ty.clone(),
                    source: Source::Field { field: field.clone(), conv },
                }),
                Err(e) => problems.push(format!(
                    "{owner}.{path} ({}) <-> {}.{}: {e} (declare a conversion in mapping.toml [type.\"{owner}\"] convert)",
                    go.ty,
                    message.short_name(),
                    field.name
                )),
            }
        }
        fields
    }

    /// Every RPC of the services has a Go method (the reverse was checked per method).
    fn check_services(&mut self) {
        let go: BTreeSet<&str> =
            self.surface.api.iter().chain(&self.surface.hooks).map(|m| m.name.as_str()).collect();
        for service in API_SERVICES.iter().chain(&HOOK_SERVICES) {
            for rpc in self.schema.services.get(*service).map(Vec::as_slice).unwrap_or_default() {
                if !go.contains(rpc.name.as_str()) {
                    self.errors.push(format!(
                        "{service}/{} has no Go method in surface.json ({} {})",
                        rpc.name, self.surface.module, self.surface.version
                    ));
                }
            }
        }
    }

    /// Names in mapping.toml that match nothing are mistakes.
    fn check_mapping_names(&mut self) {
        let methods: BTreeSet<&str> =
            self.surface.api.iter().chain(&self.surface.hooks).map(|m| m.name.as_str()).collect();
        for name in self.mapping.special.iter().chain(self.mapping.method.keys()) {
            if !methods.contains(name.as_str()) {
                self.errors
                    .push(format!("mapping.toml names method {name}, which surface.json does not have"));
            }
        }
        for name in self.mapping.types.keys() {
            if !self.surface.types.contains_key(name) {
                self.errors
                    .push(format!("mapping.toml names Go type {name}, which surface.json does not have"));
            } else if !self.plan.views.keys().any(|k| &k.go_type == name) {
                self.errors.push(format!("mapping.toml has overrides for {name}, which no method carries"));
            }
        }
        for name in self.mapping.enums.keys() {
            if self.schema.local_message(name).is_some()
                || !self.schema.enums.contains_key(&format!(".{}.{name}", super::proto::PACKAGE))
            {
                self.errors.push(format!("mapping.toml [enums.{name}] is not a proto enum"));
            }
        }
    }
}

fn key(go_type: &str, message: &Message) -> ViewKey {
    ViewKey { go_type: go_type.to_string(), message: message.full_name.clone() }
}

fn short(full_name: &str) -> &str {
    full_name.rsplit('.').next().unwrap_or(full_name)
}
