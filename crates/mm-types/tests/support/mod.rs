//! Arbitrary wire messages for property tests, generated from the protocol's own descriptors.
//!
//! One generic strategy covers every message of the contract: it walks the message descriptor
//! (from `mm_proto::FILE_DESCRIPTOR_SET`) and fills each field with an arbitrary value of its
//! type, then encodes the dynamic message and decodes it as the prost type under test. Enum
//! fields get known and unknown numbers; optional fields are sometimes unset; `repeated` and
//! `map` fields get a few entries; nesting stops at a fixed depth.
//!
//! Values a Mattermost server cannot produce are left out on purpose: non-finite floats (JSON
//! has none and NaN != NaN), `google.protobuf.Value` with no kind, and JSON-blob `bytes`
//! fields (named `*json`) get valid JSON documents.

#![allow(dead_code)]

use std::collections::HashMap;
use std::sync::OnceLock;

use proptest::prelude::*;
use prost_reflect::{
    DescriptorPool, DynamicMessage, FieldDescriptor, Kind, MapKey, MessageDescriptor, ReflectMessage, Value,
};

const MAX_DEPTH: u32 = 4;

pub(crate) fn pool() -> &'static DescriptorPool {
    static POOL: OnceLock<DescriptorPool> = OnceLock::new();
    POOL.get_or_init(|| {
        DescriptorPool::decode(mm_proto::FILE_DESCRIPTOR_SET).expect("descriptor set decodes")
    })
}

/// A strategy for arbitrary values of the prost message `W`, whose protobuf name is `name`
/// (without the package, such as `"User"` or `"google.protobuf.Struct"`).
pub(crate) fn arb_wire<W: prost::Message + Default + std::fmt::Debug + 'static>(
    name: &str,
) -> BoxedStrategy<W> {
    let full = if name.contains('.') { name.to_string() } else { format!("mattermost.pluginapi.v1.{name}") };
    let desc = pool().get_message_by_name(&full).unwrap_or_else(|| panic!("no message {full}"));
    arb_message(desc, 0)
        .prop_map(|m| {
            let bytes = prost::Message::encode_to_vec(&m);
            W::decode(bytes.as_slice()).expect("an encoded dynamic message decodes as the prost type")
        })
        .boxed()
}

pub(crate) fn arb_message(desc: MessageDescriptor, depth: u32) -> BoxedStrategy<DynamicMessage> {
    let is_value = desc.full_name() == "google.protobuf.Value";
    let mut plain: Vec<BoxedStrategy<Option<(FieldDescriptor, Value)>>> = Vec::new();
    let mut oneofs: Vec<BoxedStrategy<Option<(FieldDescriptor, Value)>>> = Vec::new();
    for oneof in desc.oneofs().filter(|o| !o.is_synthetic()) {
        let mut members: Vec<FieldDescriptor> = oneof.fields().collect();
        if is_value && depth >= MAX_DEPTH {
            // Stop the Struct/Value recursion: only scalar kinds at the bottom.
            members.retain(|f| !matches!(f.kind(), Kind::Message(_)));
        }
        let strategies: Vec<BoxedStrategy<Option<(FieldDescriptor, Value)>>> = members
            .into_iter()
            .map(|f| {
                let field = f.clone();
                arb_single(&f, depth).prop_map(move |v| Some((field.clone(), v))).boxed()
            })
            .collect();
        let choice = proptest::strategy::Union::new(strategies).boxed();
        // A Value always has its kind set; other oneofs may be empty.
        oneofs.push(if is_value { choice } else { prop_oneof![1 => Just(None), 4 => choice].boxed() });
    }
    for field in desc.fields() {
        if field.containing_oneof().is_some_and(|o| !o.is_synthetic()) {
            continue;
        }
        let f = field.clone();
        let strategy = if field.is_map() {
            arb_map(&field, depth).prop_map(move |v| Some((f.clone(), v))).boxed()
        } else if field.is_list() {
            if depth >= MAX_DEPTH && matches!(field.kind(), Kind::Message(_)) {
                // Self-recursive messages (CommandResponse) stop here.
                plain.push(Just(Some((f.clone(), Value::List(Vec::new())))).boxed());
                continue;
            }
            let size = if depth >= 2 { 0..2 } else { 0..4 };
            proptest::collection::vec(arb_single(&field, depth), size)
                .prop_map(move |v| Some((f.clone(), Value::List(v))))
                .boxed()
        } else if field.supports_presence() {
            if depth >= MAX_DEPTH && matches!(field.kind(), Kind::Message(_)) {
                Just(None).boxed()
            } else {
                proptest::option::of(arb_single(&field, depth))
                    .prop_map(move |v| v.map(|v| (f.clone(), v)))
                    .boxed()
            }
        } else {
            arb_single(&field, depth).prop_map(move |v| Some((f.clone(), v))).boxed()
        };
        plain.push(strategy);
    }
    (plain, oneofs)
        .prop_map(move |(plain, oneofs)| {
            let mut message = DynamicMessage::new(desc.clone());
            for (field, value) in plain.into_iter().chain(oneofs).flatten() {
                message.set_field(&field, value);
            }
            message
        })
        .boxed()
}

fn arb_map(field: &FieldDescriptor, depth: u32) -> BoxedStrategy<Value> {
    let Kind::Message(entry) = field.kind() else { unreachable!("map fields are messages") };
    let key = entry.map_entry_key_field();
    let value = entry.map_entry_value_field();
    let size = if depth >= 2 { 0..2 } else { 0..4 };
    proptest::collection::vec((arb_single(&key, depth), arb_single(&value, depth)), size)
        .prop_map(|entries| {
            let map: HashMap<MapKey, Value> = entries
                .into_iter()
                .map(|(k, v)| {
                    let key = match k {
                        Value::String(s) => MapKey::String(s),
                        Value::I32(i) => MapKey::I32(i),
                        Value::I64(i) => MapKey::I64(i),
                        Value::U32(i) => MapKey::U32(i),
                        Value::U64(i) => MapKey::U64(i),
                        Value::Bool(b) => MapKey::Bool(b),
                        other => panic!("unsupported map key {other:?}"),
                    };
                    (key, v)
                })
                .collect();
            Value::Map(map)
        })
        .boxed()
}

fn finite_f64() -> impl Strategy<Value = f64> {
    prop_oneof![
        any::<f64>().prop_filter("finite", |x| x.is_finite()),
        (-1000i64..1000).prop_map(|i| i as f64)
    ]
}

fn arb_single(field: &FieldDescriptor, depth: u32) -> BoxedStrategy<Value> {
    match field.kind() {
        Kind::Double => finite_f64().prop_map(Value::F64).boxed(),
        Kind::Float => any::<f32>().prop_filter("finite", |x| x.is_finite()).prop_map(Value::F32).boxed(),
        Kind::Int32 | Kind::Sint32 | Kind::Sfixed32 => any::<i32>().prop_map(Value::I32).boxed(),
        Kind::Int64 | Kind::Sint64 | Kind::Sfixed64 => {
            prop_oneof![any::<i64>(), Just(0i64), 0i64..2_000_000_000_000].prop_map(Value::I64).boxed()
        }
        Kind::Uint32 | Kind::Fixed32 => any::<u32>().prop_map(Value::U32).boxed(),
        Kind::Uint64 | Kind::Fixed64 => any::<u64>().prop_map(Value::U64).boxed(),
        Kind::Bool => any::<bool>().prop_map(Value::Bool).boxed(),
        Kind::String => {
            prop_oneof![Just(String::new()), "[a-z0-9]{26}", ".{0,8}"].prop_map(Value::String).boxed()
        }
        Kind::Bytes if field.name().ends_with("json") => {
            arb_json_text().prop_map(|t| Value::Bytes(t.into())).boxed()
        }
        Kind::Bytes => {
            proptest::collection::vec(any::<u8>(), 0..24).prop_map(|b| Value::Bytes(b.into())).boxed()
        }
        // NullValue has one value; a JSON null is never anything else.
        Kind::Enum(e) if e.full_name() == "google.protobuf.NullValue" => Just(Value::EnumNumber(0)).boxed(),
        Kind::Enum(e) => {
            let known: Vec<i32> = e.values().map(|v| v.number()).collect();
            prop_oneof![3 => proptest::sample::select(known), 1 => any::<i32>()]
                .prop_map(Value::EnumNumber)
                .boxed()
        }
        Kind::Message(m) => arb_message(m, depth + 1).prop_map(Value::Message).boxed(),
    }
}

/// Compact JSON documents, as Go's encoding/json writes them.
pub(crate) fn arb_json_text() -> impl Strategy<Value = String> {
    let leaf = prop_oneof![
        Just(serde_json::Value::Null),
        any::<bool>().prop_map(serde_json::Value::Bool),
        any::<i64>().prop_map(|i| serde_json::json!(i)),
        "[a-zA-Z0-9 ]{0,8}".prop_map(serde_json::Value::String),
    ];
    let value = leaf.prop_recursive(3, 16, 4, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..4).prop_map(serde_json::Value::Array),
            proptest::collection::btree_map("[A-Za-z]{1,8}", inner, 0..4)
                .prop_map(|m| serde_json::Value::Object(m.into_iter().collect())),
        ]
    });
    value.prop_map(|v| v.to_string())
}

/// Re-encodes through the descriptor pool to catch prost types and descriptors that disagree.
pub(crate) fn full_name_of(message: &DynamicMessage) -> String {
    message.descriptor().full_name().to_string()
}
