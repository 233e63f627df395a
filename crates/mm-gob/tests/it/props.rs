//! Property tests: arbitrary values round-trip; arbitrary bytes never panic the decoder.

use std::collections::HashMap;

use bytes::Bytes;
use mm_gob::{Decoder, Encode, Encoder, Interface, Limits, MessageQueue, TypeKind, TypeRef, Value, builtin};
use proptest::prelude::*;

use crate::support;

mm_gob::gob_struct! {
    #[derive(Debug, Clone, Default, PartialEq)]
    struct Leaf = "Leaf" {
        n: i32 = "N",
        s: String = "S",
        any: Option<Interface> = "Any",
    }
}

mm_gob::gob_struct! {
    #[derive(Debug, Clone, Default, PartialEq)]
    struct Tree = "Tree" {
        name: String = "Name",
        leaves: Vec<Leaf> = "Leaves",
        children: Vec<Tree> = "Children",
        index: HashMap<String, Vec<u64>> = "Index",
        best: Option<Box<Leaf>> = "Best",
    }
}

fn scalar_type() -> impl Strategy<Value = TypeRef> {
    prop_oneof![
        Just(TypeRef::Static(&builtin::INT)),
        Just(TypeRef::Static(&builtin::UINT)),
        Just(TypeRef::Static(&builtin::FLOAT)),
        Just(TypeRef::Static(&builtin::STRING)),
        Just(TypeRef::Static(&builtin::BOOL)),
        Just(TypeRef::Static(&builtin::BYTES)),
        Just(TypeRef::Static(&builtin::COMPLEX)),
        Just(TypeRef::Static(&builtin::INTERFACE)),
    ]
}

/// Arbitrary Go types: scalars, interfaces, slices, arrays, maps and structs.
fn go_type() -> impl Strategy<Value = TypeRef> {
    scalar_type().prop_recursive(3, 16, 4, |inner| {
        prop_oneof![
            inner.clone().prop_map(|e| TypeRef::new_slice("", e)),
            (0usize..3, inner.clone()).prop_map(|(n, e)| TypeRef::new_array("", n, e)),
            (prop_oneof![Just(&builtin::STRING), Just(&builtin::INT)], inner.clone())
                .prop_map(|(k, e)| TypeRef::new_map("", TypeRef::Static(k), e)),
            (prop::collection::vec(inner, 0..4), "[A-Z][a-z]{0,5}").prop_map(|(fields, name)| {
                let fields = fields.into_iter().enumerate().map(|(i, t)| (format!("F{i}"), t)).collect();
                TypeRef::new_struct(name, fields)
            }),
        ]
    })
}

fn float() -> impl Strategy<Value = f64> {
    any::<f64>().prop_filter("NaN never equals itself", |f| !f.is_nan())
}

/// An arbitrary value of type `ty`; interfaces hold values of arbitrary types.
fn value_of(ty: TypeRef, depth: u32) -> BoxedStrategy<Value> {
    match ty.kind() {
        TypeKind::Bool => any::<bool>().prop_map(Value::Bool).boxed(),
        TypeKind::Int => any::<i64>().prop_map(Value::Int).boxed(),
        TypeKind::Uint => any::<u64>().prop_map(Value::Uint).boxed(),
        TypeKind::Float => float().prop_map(Value::Float).boxed(),
        TypeKind::Complex => (float(), float()).prop_map(|(r, i)| Value::Complex(r, i)).boxed(),
        TypeKind::String => any::<String>().prop_map(Value::String).boxed(),
        TypeKind::Bytes => prop::collection::vec(any::<u8>(), 0..8).prop_map(Value::Bytes).boxed(),
        TypeKind::Opaque(_) => {
            prop::collection::vec(any::<u8>(), 0..8).prop_map(move |b| Value::Opaque(ty.clone(), b)).boxed()
        }
        TypeKind::Interface => {
            if depth == 0 {
                return Just(Value::Interface(None)).boxed();
            }
            let concrete = go_type()
                .prop_filter("an interface holds a concrete value", |t| t.kind() != TypeKind::Interface);
            prop_oneof![
                1 => Just(Value::Interface(None)),
                4 => (concrete, "[a-z*.\\[\\]]{1,12}").prop_flat_map(move |(t, name)| {
                    value_of(t, depth - 1).prop_map(move |v| {
                        Value::Interface(Some(Box::new(Interface::new(name.clone(), v))))
                    })
                }),
            ]
            .boxed()
        }
        TypeKind::Slice => {
            let elem = ty.elem().unwrap();
            prop::collection::vec(value_of(elem, depth.saturating_sub(1)), 0..4)
                .prop_map(move |items| Value::Slice(ty.clone(), items))
                .boxed()
        }
        TypeKind::Array(n) => {
            let elem = ty.elem().unwrap();
            prop::collection::vec(value_of(elem, depth.saturating_sub(1)), n)
                .prop_map(move |items| Value::Array(ty.clone(), items))
                .boxed()
        }
        TypeKind::Map => {
            let (key, elem) = (ty.key().unwrap(), ty.elem().unwrap());
            prop::collection::vec((value_of(key, 0), value_of(elem, depth.saturating_sub(1))), 0..4)
                .prop_map(move |entries| Value::Map(ty.clone(), entries))
                .boxed()
        }
        TypeKind::Struct => {
            let fields: Vec<BoxedStrategy<Option<Value>>> = (0..ty.field_count())
                .map(|i| prop::option::of(value_of(ty.field(i).unwrap().1, depth.saturating_sub(1))).boxed())
                .collect();
            fields
                .prop_map(move |values| {
                    let present =
                        values.into_iter().enumerate().filter_map(|(i, v)| v.map(|v| (i, v))).collect();
                    Value::Struct(ty.clone(), present)
                })
                .boxed()
        }
        _ => unreachable!("no other kinds are generated"),
    }
}

fn any_value() -> impl Strategy<Value = Value> {
    go_type().prop_flat_map(|t| value_of(t, 3))
}

/// What a value decodes to: struct fields holding Go's zero value are not sent.
fn normalized(v: &Value) -> Value {
    match v {
        Value::Struct(t, fields) => Value::Struct(
            t.clone(),
            fields.iter().filter(|(_, v)| !v.is_zero()).map(|(i, v)| (*i, normalized(v))).collect(),
        ),
        Value::Slice(t, items) => Value::Slice(t.clone(), items.iter().map(normalized).collect()),
        Value::Array(t, items) => Value::Array(t.clone(), items.iter().map(normalized).collect()),
        Value::Map(t, entries) => {
            Value::Map(t.clone(), entries.iter().map(|(k, v)| (normalized(k), normalized(v))).collect())
        }
        Value::Interface(Some(i)) => {
            Value::Interface(Some(Box::new(Interface::new(i.name(), normalized(i.value())))))
        }
        other => other.clone(),
    }
}

fn encode_all(values: &[&dyn Encode]) -> Vec<u8> {
    let mut enc = Encoder::new();
    let mut out = Vec::new();
    for v in values {
        enc.encode(*v, &mut out).unwrap();
    }
    out
}

/// Feeds arbitrary chunks to a decoder as messages; it must answer, never panic.
fn decode_chunks(chunks: Vec<Vec<u8>>) {
    let limits = Limits { max_message_len: 1 << 16, max_depth: 32, max_types: 64 };
    let mut value_decoder = Decoder::new(limits.clone());
    let mut typed_decoder = Decoder::new(limits);
    let mut q1 = MessageQueue::new();
    let mut q2 = MessageQueue::new();
    for chunk in chunks {
        let chunk = Bytes::from(chunk);
        q1.push(chunk.clone());
        q2.push(chunk);
        for _ in 0..4 {
            if value_decoder.decode_value(&mut q1).is_err() {
                break;
            }
        }
        for _ in 0..4 {
            if typed_decoder.decode::<Tree>(&mut q2).is_err() {
                break;
            }
        }
    }
}

fn leaf() -> impl Strategy<Value = Leaf> {
    (any::<i32>(), any::<String>(), prop::option::of(any::<i64>())).prop_map(|(n, s, any)| Leaf {
        n,
        s,
        any: any.map(Interface::int64),
    })
}

fn tree() -> impl Strategy<Value = Tree> {
    let base = ("[a-z]{0,6}", prop::collection::vec(leaf(), 0..3), prop::option::of(leaf()))
        .prop_map(|(name, leaves, best)| Tree { name, leaves, best: best.map(Box::new), ..Tree::default() });
    base.prop_recursive(3, 12, 3, |inner| {
        (
            inner.clone(),
            prop::collection::vec(inner, 0..3),
            prop::collection::hash_map("[a-z]{1,3}", prop::collection::vec(any::<u64>(), 0..3), 0..3),
        )
            .prop_map(|(mut t, children, index)| {
                t.children = children;
                t.index = index;
                t
            })
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn values_round_trip(values in prop::collection::vec(any_value(), 1..4)) {
        let refs: Vec<&dyn Encode> = values.iter().map(|v| v as &dyn Encode).collect();
        let stream = encode_all(&refs);
        let decoded = support::decode_all_values(&stream).unwrap();
        let expected: Vec<Value> = values.iter().map(normalized).collect();
        prop_assert_eq!(&decoded, &expected);
        // Fed one message at a time, the same.
        let (incremental, _) = support::decode_incrementally(&stream).unwrap();
        prop_assert_eq!(&incremental, &expected);
        // Decoded values re-encode to the same stream shape.
        let refs: Vec<&dyn Encode> = decoded.iter().map(|v| v as &dyn Encode).collect();
        prop_assert_eq!(support::decode_all_values(&encode_all(&refs)).unwrap(), expected);
    }

    #[test]
    fn typed_values_round_trip(trees in prop::collection::vec(tree(), 1..3)) {
        let refs: Vec<&dyn Encode> = trees.iter().map(|t| t as &dyn Encode).collect();
        let stream = encode_all(&refs);
        let mut q = support::queue(&stream);
        let mut dec = Decoder::new(Limits::default());
        for t in &trees {
            prop_assert_eq!(&dec.decode::<Tree>(&mut q).unwrap(), t);
        }
        prop_assert!(q.is_empty());
        // The same bytes, schema-less, then typed again.
        for (t, v) in trees.iter().zip(support::decode_all_values(&stream).unwrap()) {
            prop_assert_eq!(&v.to_typed::<Tree>().unwrap(), t);
        }
    }

    #[test]
    fn arbitrary_messages_never_panic(chunks in prop::collection::vec(prop::collection::vec(any::<u8>(), 0..48), 0..12)) {
        decode_chunks(chunks);
    }

    #[test]
    fn mutated_streams_never_panic(
        values in prop::collection::vec(any_value(), 1..3),
        flips in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..6),
        cuts in prop::collection::vec(any::<prop::sample::Index>(), 0..6),
    ) {
        let refs: Vec<&dyn Encode> = values.iter().map(|v| v as &dyn Encode).collect();
        let mut stream = encode_all(&refs);
        for (at, byte) in flips {
            let i = at.index(stream.len());
            stream[i] ^= byte;
        }
        // Chop the mutated stream at arbitrary points and push the pieces as messages...
        let mut points: Vec<usize> = cuts.iter().map(|c| c.index(stream.len() + 1)).collect();
        points.sort_unstable();
        let mut chunks = Vec::new();
        let mut start = 0;
        for p in points.into_iter().chain([stream.len()]) {
            chunks.push(stream[start..p].to_vec());
            start = p;
        }
        decode_chunks(chunks);
        // ...and also frame it properly.
        let mut buf = bytes::BytesMut::from(&stream[..]);
        let mut q = MessageQueue::new();
        if q.fill_from(&mut buf, &Limits::default()).is_ok() {
            let mut dec = Decoder::new(Limits::default());
            while !q.is_empty() {
                if dec.decode_value(&mut q).is_err() {
                    break;
                }
            }
        }
    }
}
