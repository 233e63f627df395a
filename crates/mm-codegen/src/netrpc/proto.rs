//! The parts of the protobuf descriptors the net/rpc mapping needs: messages, fields, enums and
//! services, indexed by full name, with the Rust names prost gives them.

use std::collections::BTreeMap;

use heck::{ToSnakeCase, ToUpperCamelCase};
use prost_types::field_descriptor_proto::{Label, Type};
use prost_types::{DescriptorProto, FileDescriptorSet};

/// The package every message of the plugin protocol lives in.
pub(crate) const PACKAGE: &str = "mattermost.pluginapi.v1";

/// Every message, enum and service of the descriptor set.
#[derive(Debug, Default)]
pub(crate) struct Schema {
    pub(crate) messages: BTreeMap<String, Message>,
    pub(crate) enums: BTreeMap<String, Enum>,
    pub(crate) services: BTreeMap<String, Vec<Rpc>>,
}

/// A message, with its fields in declaration order.
#[derive(Debug)]
pub(crate) struct Message {
    /// `.mattermost.pluginapi.v1.Post`.
    pub(crate) full_name: String,
    /// The path of the prost type from `mm_proto`, such as `v1::Post`.
    pub(crate) rust_path: String,
    pub(crate) fields: Vec<ProtoField>,
    pub(crate) map_entry: bool,
}

/// A field of a message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ProtoField {
    pub(crate) name: String,
    /// The field of the prost struct (`r#type` for `type`).
    pub(crate) rust_name: String,
    pub(crate) number: i32,
    pub(crate) ty: FieldType,
    pub(crate) repeated: bool,
    /// `optional` in proto3 (prost generates `Option<T>` for a scalar).
    pub(crate) optional: bool,
}

/// The type of a field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum FieldType {
    String,
    Bytes,
    Bool,
    Int32,
    Int64,
    Uint32,
    Uint64,
    Double,
    Float,
    /// A message, by full name.
    Message(String),
    /// An enum, by full name (prost stores it as `i32`).
    Enum(String),
    /// A `map<K, V>`: the key and value types.
    Map(Box<FieldType>, Box<FieldType>),
}

/// An enum with its values.
#[derive(Debug)]
pub(crate) struct Enum {
    pub(crate) values: Vec<(String, i32)>,
}

/// One RPC of a service.
#[derive(Debug)]
pub(crate) struct Rpc {
    pub(crate) name: String,
    pub(crate) input: String,
    pub(crate) output: String,
    pub(crate) streaming: bool,
}

impl Schema {
    pub(crate) fn from_descriptors(set: &FileDescriptorSet) -> Schema {
        let mut schema = Schema::default();
        for file in &set.file {
            let package = file.package();
            let prefix = format!(".{package}");
            let module = package_module(package);
            for message in &file.message_type {
                schema.add_message(&prefix, &module, message);
            }
            for e in &file.enum_type {
                schema.add_enum(&prefix, &module, e);
            }
            for service in &file.service {
                let rpcs = service
                    .method
                    .iter()
                    .map(|m| Rpc {
                        name: m.name().to_string(),
                        input: m.input_type().to_string(),
                        output: m.output_type().to_string(),
                        streaming: m.client_streaming() || m.server_streaming(),
                    })
                    .collect();
                schema.services.insert(service.name().to_string(), rpcs);
            }
        }
        // Map fields refer to their entry message; resolve them into `Map(K, V)` now.
        let entries: BTreeMap<String, (FieldType, FieldType)> = schema
            .messages
            .values()
            .filter(|m| m.map_entry && m.fields.len() == 2)
            .map(|m| (m.full_name.clone(), (m.fields[0].ty.clone(), m.fields[1].ty.clone())))
            .collect();
        for message in schema.messages.values_mut() {
            for field in &mut message.fields {
                if let FieldType::Message(name) = &field.ty
                    && let Some((k, v)) = entries.get(name)
                    && field.repeated
                {
                    field.ty = FieldType::Map(Box::new(k.clone()), Box::new(v.clone()));
                    field.repeated = false;
                }
            }
        }
        schema
    }

    fn add_message(&mut self, prefix: &str, module: &str, message: &DescriptorProto) {
        let full_name = format!("{prefix}.{}", message.name());
        let rust_path = format!("{module}::{}", message.name().to_upper_camel_case());
        let fields = message
            .field
            .iter()
            .map(|f| {
                let ty = match f.r#type() {
                    Type::String => FieldType::String,
                    Type::Bytes => FieldType::Bytes,
                    Type::Bool => FieldType::Bool,
                    Type::Int32 | Type::Sint32 | Type::Sfixed32 => FieldType::Int32,
                    Type::Int64 | Type::Sint64 | Type::Sfixed64 => FieldType::Int64,
                    Type::Uint32 | Type::Fixed32 => FieldType::Uint32,
                    Type::Uint64 | Type::Fixed64 => FieldType::Uint64,
                    Type::Double => FieldType::Double,
                    Type::Float => FieldType::Float,
                    Type::Enum => FieldType::Enum(f.type_name().to_string()),
                    Type::Message | Type::Group => FieldType::Message(f.type_name().to_string()),
                };
                ProtoField {
                    name: f.name().to_string(),
                    rust_name: rust_field_name(f.name()),
                    number: f.number(),
                    ty,
                    repeated: f.label() == Label::Repeated,
                    optional: f.proto3_optional(),
                }
            })
            .collect();
        let map_entry = message.options.as_ref().is_some_and(|o| o.map_entry());
        self.messages.insert(
            full_name.clone(),
            Message { full_name: full_name.clone(), rust_path, fields, map_entry },
        );
        let nested_module = format!("{module}::{}", message.name().to_snake_case());
        for nested in &message.nested_type {
            self.add_message(&full_name, &nested_module, nested);
        }
        for e in &message.enum_type {
            self.add_enum(&full_name, &nested_module, e);
        }
    }

    fn add_enum(&mut self, prefix: &str, _module: &str, e: &prost_types::EnumDescriptorProto) {
        let values = e.value.iter().map(|v| (v.name().to_string(), v.number())).collect();
        self.enums.insert(format!("{prefix}.{}", e.name()), Enum { values });
    }

    pub(crate) fn message(&self, full_name: &str) -> Result<&Message, String> {
        self.messages.get(full_name).ok_or_else(|| format!("no message {full_name} in the descriptors"))
    }

    /// The message of this package with a short name (`Post`).
    pub(crate) fn local_message(&self, name: &str) -> Option<&Message> {
        self.messages.get(&format!(".{PACKAGE}.{name}"))
    }
}

impl Message {
    pub(crate) fn field(&self, name: &str) -> Option<&ProtoField> {
        self.fields.iter().find(|f| f.name == name)
    }

    /// The name without package (`Post`, or `PluginHTTPRequest.HeadersEntry`).
    pub(crate) fn short_name(&self) -> &str {
        self.full_name.strip_prefix(&format!(".{PACKAGE}.")).unwrap_or(&self.full_name)
    }
}

/// `mattermost.pluginapi.v1` -> `v1`, `google.protobuf` -> `prost_types`.
fn package_module(package: &str) -> String {
    match package {
        "google.protobuf" => "::prost_types".to_string(),
        PACKAGE => "v1".to_string(),
        other => other.rsplit('.').next().unwrap_or(other).to_string(),
    }
}

/// The field name prost generates: snake case, raw identifiers for keywords.
pub(crate) fn rust_field_name(name: &str) -> String {
    let snake = name.to_snake_case();
    match snake.as_str() {
        "as" | "break" | "const" | "continue" | "else" | "enum" | "false" | "fn" | "for" | "if" | "impl"
        | "in" | "let" | "loop" | "match" | "mod" | "move" | "mut" | "pub" | "ref" | "return" | "static"
        | "struct" | "trait" | "true" | "type" | "unsafe" | "use" | "where" | "while" | "dyn"
        | "abstract" | "become" | "box" | "do" | "final" | "macro" | "override" | "priv" | "typeof"
        | "unsized" | "virtual" | "yield" | "try" | "async" | "await" | "gen" => format!("r#{snake}"),
        _ => snake,
    }
}
