//! The model of the table: every RPC of the declared services, read from the descriptors and
//! the sidecar, with the rules of the contract checked on the way.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use heck::{ToShoutySnakeCase, ToUpperCamelCase};
use prost_types::field_descriptor_proto::{Label, Type};
use prost_types::{DescriptorProto, FileDescriptorProto, FileDescriptorSet};

use crate::error::Error;
use crate::sidecar;

/// A service whose RPCs go into the table.
#[derive(Debug, Clone, Copy)]
pub struct ServiceSpec {
    /// The full proto name, such as `mattermost.pluginapi.v1.PluginAPI`.
    pub name: &'static str,
    /// Whether the service is spoken over gRPC (`false`: it exists only on the stock servers'
    /// net/rpc protocol, and a gRPC client must refuse its RPCs).
    pub grpc: bool,
}

/// What to read from the descriptors, and the contract's rules to apply.
#[derive(Debug, Clone, Copy)]
pub struct Surface<'a> {
    /// The services whose RPCs form the table, in this order.
    pub services: &'a [ServiceSpec],
    /// Proto package -> Rust module holding its messages (`("mattermost.pluginapi.v1",
    /// "crate::v1")`).
    pub packages: &'a [(&'a str, &'a str)],
    /// The proto files (by stem, such as `posts`) whose RPCs answer OK with the `AppError` in
    /// the response; the others answer a status.
    pub errors_in_body: &'a [&'a str],
    /// The full proto name of the error message every response carries at field 1.
    pub app_error: &'a str,
}

/// Whether an RPC may be sent again after a failure that may have reached the server.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Safety {
    /// Reads only.
    ReadOnly,
    /// Writes a full state: repeating it leaves the same result.
    Idempotent,
    /// Repeating it may duplicate an effect.
    Unsafe,
}

impl Safety {
    /// The class as the sidecar spells it.
    pub(crate) fn from_class(class: &str) -> Option<Safety> {
        match class {
            "read-only" => Some(Safety::ReadOnly),
            "idempotent" => Some(Safety::Idempotent),
            "unsafe" => Some(Safety::Unsafe),
            _ => None,
        }
    }

    /// The variant's name in the generated code.
    pub fn variant(self) -> &'static str {
        match self {
            Safety::ReadOnly => "ReadOnly",
            Safety::Idempotent => "Idempotent",
            Safety::Unsafe => "Unsafe",
        }
    }
}

/// Where an RPC's failure travels in a gRPC answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ErrorConvention {
    /// gRPC OK with the `AppError` in the response's `error` field.
    InBody,
    /// A gRPC status `"<id>: <message>"`.
    Status,
}

impl ErrorConvention {
    /// The variant's name in the generated code.
    pub fn variant(self) -> &'static str {
        match self {
            ErrorConvention::InBody => "InBody",
            ErrorConvention::Status => "Status",
        }
    }
}

/// A request or response message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MessageRef {
    /// The full proto name, without the leading dot (`mattermost.pluginapi.v1.GetUserRequest`).
    pub proto: String,
    /// The Rust path of the prost type (`crate::v1::GetUserRequest`).
    pub rust: String,
    /// Whether the message has fields other than `error` (a response of only an error is
    /// built without `..Default::default()`).
    pub has_payload: bool,
}

/// One RPC of the table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rpc {
    /// The RPC name, such as `GetUser`.
    pub name: String,
    /// The full name of its service.
    pub service: String,
    /// The HTTP/2 path, `/<service>/<name>`.
    pub path: String,
    /// Its group (the client group), such as `users`: the section of the service definition it
    /// sits in (`// --- users: ...`), or else the stem of its request's proto file.
    pub group: String,
    /// The request message.
    pub request: MessageRef,
    /// The response message.
    pub response: MessageRef,
    /// Whether it is spoken over gRPC.
    pub grpc: bool,
    /// Where its failures travel over gRPC.
    pub errors: ErrorConvention,
    /// Its retry safety, from the sidecar.
    pub safety: Safety,
}

impl Rpc {
    /// The name of its `RpcMethod` static, such as `GET_USER` (`KVSet` -> `KV_SET`).
    pub fn constant(&self) -> String {
        self.name.to_shouty_snake_case()
    }
}

struct Message<'a> {
    file: &'a str,
    package: &'a str,
    descriptor: &'a DescriptorProto,
}

/// Reads every RPC of `surface.services` from `fds`, with its retry safety from the sidecar
/// text (`rpc.toml`).
///
/// Fails, naming what is at fault, when: a declared service is missing; an RPC streams; a
/// request or response message is missing or sits in an unmapped package; a response has no
/// `error` field of the `AppError` type at number 1; two RPCs share a name or a request or
/// response type; an RPC has no safety declaration, or a declaration names no RPC.
pub fn read_rpcs(fds: &FileDescriptorSet, surface: &Surface<'_>, sidecar: &str) -> Result<Vec<Rpc>, Error> {
    let declarations = sidecar::parse(sidecar)?;
    let messages = index_messages(fds);
    let mut rpcs = Vec::new();
    let mut problems = Vec::new();
    let mut known = BTreeSet::new();
    for spec in surface.services {
        let Some((file, index, service)) = fds.file.iter().find_map(|file| {
            let mut services = file.service.iter().enumerate();
            services
                .find(|(_, s)| full_name(file.package(), s.name()) == spec.name)
                .map(|(i, s)| (file, i, s))
        }) else {
            // A protocol-only service may not be declared yet; the gRPC contract must be.
            if spec.grpc {
                problems.push(format!("the service {} is not in the descriptors", spec.name));
            }
            continue;
        };
        let package = file.package();
        let sections = sections(file, index, service.method.len());
        for (method, section) in service.method.iter().zip(sections) {
            let name = method.name();
            known.insert(name);
            if method.client_streaming() || method.server_streaming() {
                problems.push(format!("{}/{name} streams; the RPC table holds unary RPCs only", spec.name));
                continue;
            }
            let request = message_ref(&messages, surface, method.input_type(), false);
            let response = message_ref(&messages, surface, method.output_type(), true);
            let (request, response, group) = match (request, response) {
                (Ok((request, file)), Ok((response, _))) => {
                    (request, response, section.unwrap_or_else(|| file_stem(file)))
                }
                (request, response) => {
                    problems.extend(
                        request.err().into_iter().chain(response.err()).map(|p| format!("{name}: {p}")),
                    );
                    continue;
                }
            };
            let errors = if surface.errors_in_body.contains(&group.as_str()) {
                ErrorConvention::InBody
            } else {
                ErrorConvention::Status
            };
            let safety = match declarations.get(name) {
                Some((safety, _)) => *safety,
                None => {
                    problems.push(format!(
                        "{name} ({}) has no retry-safety declaration: add `{name} = \"read-only\"`, \
                         `\"idempotent\"` or `\"unsafe\"` to rpc.toml",
                        spec.name
                    ));
                    Safety::Unsafe
                }
            };
            rpcs.push(Rpc {
                name: name.to_string(),
                service: spec.name.to_string(),
                path: format!("/{}/{name}", full_name(package, service.name())),
                group,
                request,
                response,
                grpc: spec.grpc,
                errors,
                safety,
            });
        }
    }
    for (name, (_, line)) in &declarations {
        if !known.contains(name.as_str()) {
            problems
                .push(format!("rpc.toml line {line}: {name} is not an RPC of the table; remove the line"));
        }
    }
    canonical_groups(&mut rpcs);
    problems.extend(duplicates(&rpcs));
    match Error::many(problems) {
        Some(error) => Err(error),
        None => Ok(rpcs),
    }
}

/// The section of each method of a service: the name in the last `// --- name: ...` comment
/// before it (the service definitions group their RPCs so), `None` before the first.
fn sections(file: &FileDescriptorProto, service: usize, methods: usize) -> Vec<Option<String>> {
    let comments: BTreeMap<usize, Vec<&str>> = file
        .source_code_info
        .iter()
        .flat_map(|info| &info.location)
        .filter_map(|location| match location.path.as_slice() {
            // 6: FileDescriptorProto.service, 2: ServiceDescriptorProto.method.
            [6, s, 2, m] if usize::try_from(*s) == Ok(service) => {
                let comments = location.leading_detached_comments.iter().chain(&location.leading_comments);
                Some((usize::try_from(*m).ok()?, comments.map(String::as_str).collect()))
            }
            _ => None,
        })
        .collect();
    let mut current = None;
    (0..methods)
        .map(|method| {
            let marker = comments.get(&method).into_iter().flatten().find_map(|c| section_name(c));
            if marker.is_some() {
                current = marker;
            }
            current.clone()
        })
        .collect()
}

/// `" --- users: Users, statuses ..."` -> `users`; `" --- access control"` -> `access_control`.
fn section_name(comment: &str) -> Option<String> {
    let rest = comment.trim().strip_prefix("---")?;
    let name = rest.split(':').next()?.trim();
    (!name.is_empty()).then(|| name.to_lowercase().replace([' ', '-'], "_"))
}

/// Spells a group as the first RPC of the table that has it does (`real_time` -> `realtime`
/// when the contract says `realtime`), so that one group has one name across services.
fn canonical_groups(rpcs: &mut [Rpc]) {
    let squash = |group: &str| group.replace('_', "");
    let mut names: BTreeMap<String, String> = BTreeMap::new();
    for rpc in rpcs.iter_mut() {
        let name = names.entry(squash(&rpc.group)).or_insert_with(|| rpc.group.clone());
        rpc.group.clone_from(name);
    }
}

/// Names, constants and types that two RPCs share: each must identify one RPC.
fn duplicates(rpcs: &[Rpc]) -> Vec<String> {
    let mut problems = Vec::new();
    type Key = fn(&Rpc) -> String;
    let keys: [(&str, Key); 4] = [
        ("name", |r| r.name.clone()),
        ("constant", |r| r.constant()),
        ("request type", |r| r.request.proto.clone()),
        ("response type", |r| r.response.proto.clone()),
    ];
    for (what, key) in keys {
        let mut seen = BTreeMap::new();
        for rpc in rpcs {
            if let Some(first) = seen.insert(key(rpc), &rpc.name) {
                problems.push(format!("{first} and {} share the {what} {}", rpc.name, key(rpc)));
            }
        }
    }
    problems
}

fn full_name(package: &str, name: &str) -> String {
    if package.is_empty() { name.to_string() } else { format!("{package}.{name}") }
}

fn file_stem(file: &str) -> String {
    Path::new(file).file_stem().and_then(|s| s.to_str()).unwrap_or(file).to_string()
}

/// Every top-level message, by full proto name.
fn index_messages(fds: &FileDescriptorSet) -> BTreeMap<String, Message<'_>> {
    let mut messages = BTreeMap::new();
    for file in &fds.file {
        for descriptor in &file.message_type {
            let message = Message { file: file.name(), package: file.package(), descriptor };
            messages.insert(full_name(file.package(), descriptor.name()), message);
        }
    }
    messages
}

/// The message behind a method's input or output type, and its file; responses must carry the
/// `AppError` at field 1, named `error`.
fn message_ref<'a>(
    messages: &'a BTreeMap<String, Message<'a>>,
    surface: &Surface<'_>,
    type_name: &str,
    is_response: bool,
) -> Result<(MessageRef, &'a str), String> {
    let proto = type_name.trim_start_matches('.');
    let message =
        messages.get(proto).ok_or_else(|| format!("the message {proto} is not in the descriptors"))?;
    let module = surface
        .packages
        .iter()
        .find(|(package, _)| *package == message.package)
        .map(|(_, module)| *module)
        .ok_or_else(|| format!("the package {} of {proto} has no Rust module", message.package))?;
    let fields = &message.descriptor.field;
    if is_response {
        let error_type = format!(".{}", surface.app_error);
        let carries_error = fields.iter().any(|f| {
            f.name() == "error"
                && f.number() == 1
                && f.r#type() == Type::Message
                && f.label() != Label::Repeated
                && f.type_name() == error_type
        });
        if !carries_error {
            return Err(format!("the response {proto} must have `{} error = 1`", surface.app_error));
        }
    }
    let has_payload = fields.iter().any(|f| f.name() != "error");
    let rust = format!("{module}::{}", message.descriptor.name().to_upper_camel_case());
    Ok((MessageRef { proto: proto.to_string(), rust, has_payload }, message.file))
}

#[cfg(test)]
mod tests {
    use prost_types::source_code_info::Location;
    use prost_types::{FieldDescriptorProto, MethodDescriptorProto, ServiceDescriptorProto, SourceCodeInfo};

    use super::*;

    const PACKAGE: &str = "mattermost.pluginapi.v1";

    fn field(name: &str, number: i32, type_name: Option<&str>) -> FieldDescriptorProto {
        FieldDescriptorProto {
            name: Some(name.into()),
            number: Some(number),
            label: Some(Label::Optional as i32),
            r#type: Some(if type_name.is_some() { Type::Message } else { Type::String } as i32),
            type_name: type_name.map(str::to_string),
            ..Default::default()
        }
    }

    fn message(name: &str, fields: Vec<FieldDescriptorProto>) -> DescriptorProto {
        DescriptorProto { name: Some(name.into()), field: fields, ..Default::default() }
    }

    fn response(name: &str) -> DescriptorProto {
        let error = format!(".{PACKAGE}.AppError");
        message(name, vec![field("error", 1, Some(&error)), field("value", 2, None)])
    }

    fn file(
        name: &str,
        messages: Vec<DescriptorProto>,
        services: Vec<ServiceDescriptorProto>,
    ) -> FileDescriptorProto {
        FileDescriptorProto {
            name: Some(name.into()),
            package: Some(PACKAGE.into()),
            message_type: messages,
            service: services,
            ..Default::default()
        }
    }

    fn rpc(name: &str) -> MethodDescriptorProto {
        MethodDescriptorProto {
            name: Some(name.into()),
            input_type: Some(format!(".{PACKAGE}.{name}Request")),
            output_type: Some(format!(".{PACKAGE}.{name}Response")),
            ..Default::default()
        }
    }

    /// `KVSet` in kv.proto, `GetUser` in users.proto, both in `PluginAPI`.
    fn contract() -> FileDescriptorSet {
        let service = ServiceDescriptorProto {
            name: Some("PluginAPI".into()),
            method: vec![rpc("KVSet"), rpc("GetUser")],
            ..Default::default()
        };
        FileDescriptorSet {
            file: vec![
                file(
                    "mattermost/pluginapi/v1/common.proto",
                    vec![message("AppError", vec![field("id", 1, None)])],
                    vec![],
                ),
                file(
                    "mattermost/pluginapi/v1/kv.proto",
                    vec![message("KVSetRequest", vec![field("key", 1, None)]), response("KVSetResponse")],
                    vec![],
                ),
                file(
                    "mattermost/pluginapi/v1/users.proto",
                    vec![message("GetUserRequest", vec![]), response("GetUserResponse")],
                    vec![],
                ),
                file("mattermost/pluginapi/v1/api.proto", vec![], vec![service]),
            ],
        }
    }

    const SURFACE: Surface<'static> = Surface {
        services: &[ServiceSpec { name: "mattermost.pluginapi.v1.PluginAPI", grpc: true }],
        packages: &[(PACKAGE, "crate::v1")],
        errors_in_body: &["kv"],
        app_error: "mattermost.pluginapi.v1.AppError",
    };

    const SIDECAR: &str = "[safety]\nKVSet = \"idempotent\"\nGetUser = \"read-only\"\n";

    #[test]
    fn rpcs_carry_names_paths_types_groups_conventions_and_safety() {
        let rpcs = read_rpcs(&contract(), &SURFACE, SIDECAR).unwrap();
        assert_eq!(rpcs.len(), 2);
        let kv = &rpcs[0];
        assert_eq!(kv.name, "KVSet");
        assert_eq!(kv.constant(), "KV_SET");
        assert_eq!(kv.path, "/mattermost.pluginapi.v1.PluginAPI/KVSet");
        assert_eq!(kv.group, "kv");
        assert_eq!(kv.request.rust, "crate::v1::KvSetRequest");
        assert_eq!(kv.response.proto, "mattermost.pluginapi.v1.KVSetResponse");
        assert_eq!((kv.errors, kv.safety, kv.grpc), (ErrorConvention::InBody, Safety::Idempotent, true));
        let user = &rpcs[1];
        assert_eq!((user.group.as_str(), user.errors), ("users", ErrorConvention::Status));
        assert!(!user.request.has_payload && user.response.has_payload);
    }

    #[test]
    fn an_rpc_without_a_declaration_fails_naming_it() {
        let error = read_rpcs(&contract(), &SURFACE, "[safety]\nKVSet = \"idempotent\"\n").unwrap_err();
        assert_eq!(
            error.message(),
            "GetUser (mattermost.pluginapi.v1.PluginAPI) has no retry-safety declaration: add \
             `GetUser = \"read-only\"`, `\"idempotent\"` or `\"unsafe\"` to rpc.toml"
        );
    }

    #[test]
    fn a_declaration_of_no_rpc_fails_naming_its_line() {
        let sidecar = format!("{SIDECAR}GetUsers = \"read-only\"\n");
        let error = read_rpcs(&contract(), &SURFACE, &sidecar).unwrap_err();
        assert_eq!(error.message(), "rpc.toml line 4: GetUsers is not an RPC of the table; remove the line");
    }

    #[test]
    fn a_response_without_its_error_field_fails() {
        let mut fds = contract();
        fds.file[2].message_type[1] = message("GetUserResponse", vec![field("user", 1, None)]);
        let error = read_rpcs(&fds, &SURFACE, SIDECAR).unwrap_err();
        assert_eq!(
            error.message(),
            "GetUser: the response mattermost.pluginapi.v1.GetUserResponse must have \
             `mattermost.pluginapi.v1.AppError error = 1`"
        );
    }

    #[test]
    fn rpcs_sharing_a_request_type_fail() {
        let mut fds = contract();
        let mut again = rpc("GetUserAgain");
        again.input_type = Some(format!(".{PACKAGE}.GetUserRequest"));
        again.output_type = Some(format!(".{PACKAGE}.GetUserResponse"));
        fds.file[3].service[0].method.push(again);
        let sidecar = format!("{SIDECAR}GetUserAgain = \"read-only\"\n");
        let error = read_rpcs(&fds, &SURFACE, &sidecar).unwrap_err();
        assert!(
            error.message().contains(
                "GetUser and GetUserAgain share the request type mattermost.pluginapi.v1.GetUserRequest"
            ),
            "{error}"
        );
    }

    #[test]
    fn section_comments_name_groups_spelled_as_elsewhere_in_the_table() {
        let mut fds = contract();
        let stock = ServiceDescriptorProto {
            name: Some("StockPluginAPI".into()),
            method: vec![rpc("GetUserAgain")],
            ..Default::default()
        };
        let mut api = file("mattermost/pluginapi/v1/stock_api.proto", vec![], vec![stock]);
        api.message_type = vec![message("GetUserAgainRequest", vec![]), response("GetUserAgainResponse")];
        api.source_code_info = Some(SourceCodeInfo {
            location: vec![Location {
                path: vec![6, 0, 2, 0],
                leading_comments: Some(" --- K V: the section\n".into()),
                ..Default::default()
            }],
        });
        fds.file.push(api);
        let services = [
            SURFACE.services[0],
            ServiceSpec { name: "mattermost.pluginapi.v1.StockPluginAPI", grpc: false },
        ];
        let surface = Surface { services: &services, ..SURFACE };
        let rpcs = read_rpcs(&fds, &surface, &format!("{SIDECAR}GetUserAgain = \"read-only\"\n")).unwrap();
        assert_eq!(rpcs[2].group, "kv", "\"K V\" is the contract's kv group");
        assert!(!rpcs[2].grpc);
        assert_eq!(section_name(" --- access control"), Some("access_control".into()));
        assert_eq!(section_name(" users only"), None);
    }

    #[test]
    fn a_protocol_only_service_may_be_absent_but_the_grpc_contract_may_not() {
        let stock = ServiceSpec { name: "mattermost.pluginapi.v1.StockPluginAPI", grpc: false };
        let services = [SURFACE.services[0], stock];
        let surface = Surface { services: &services, ..SURFACE };
        assert_eq!(read_rpcs(&contract(), &surface, SIDECAR).unwrap().len(), 2);
        let error = read_rpcs(&FileDescriptorSet::default(), &SURFACE, "").unwrap_err();
        assert_eq!(
            error.message(),
            "the service mattermost.pluginapi.v1.PluginAPI is not in the descriptors"
        );
    }
}
