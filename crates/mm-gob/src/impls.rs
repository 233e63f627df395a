//! [`Encode`], [`Decode`] and [`StaticType`] for Rust's standard types.
//!
//! | Rust | Go |
//! |---|---|
//! | `bool` | `bool` |
//! | `i8` ... `i64`, `isize` | `int8` ... `int64`, `int` (range-checked on decode) |
//! | `u16` ... `u64`, `usize` | `uint16` ... `uint64`, `uint` (range-checked on decode) |
//! | `f32`, `f64` | `float32`, `float64` |
//! | `String` (`&str` to encode) | `string` |
//! | `Vec<u8>`, `bytes::Bytes` | `[]byte` (Go's `[]uint8` is the same type) |
//! | `Vec<T>` | `[]T` |
//! | `Option<T>` | `*T`: `None` is nil (an omitted field) |
//! | `Box<T>` | `T` |
//! | `HashMap<K, V>`, `BTreeMap<K, V>` | `map[K]V` |
//! | `()` | `struct {}` |
//!
//! `u8` has no impl of its own, so that `Vec<u8>` can be Go's `[]byte` while every other
//! `Vec<T>` is a slice.

use std::collections::{BTreeMap, HashMap};
use std::hash::{BuildHasher, Hash};

use bytes::Bytes;

use crate::builtin;
use crate::decode::{Decode, ValueReader};
use crate::encode::{Encode, ValueWriter};
use crate::error::{Error, ErrorKind, Result};
use crate::types::{GoType, Kind, StaticType, TypeRef};

fn out_of_range(value: impl std::fmt::Display, target: &str) -> Error {
    Error::new(ErrorKind::OutOfRange, format!("{value} does not fit in {target}"))
}

macro_rules! scalar_type {
    ($t:ty, $go:expr) => {
        impl StaticType for $t {
            fn static_type() -> &'static GoType {
                &$go
            }
        }
    };
}

macro_rules! signed {
    ($($t:ty),*) => {$(
        scalar_type!($t, builtin::INT);

        impl Encode for $t {
            fn go_type(&self) -> TypeRef {
                TypeRef::Static(&builtin::INT)
            }
            fn encode(&self, w: &mut ValueWriter<'_>) -> Result<()> {
                w.int(*self as i64);
                Ok(())
            }
            fn is_zero(&self) -> bool {
                *self == 0
            }
        }

        impl Decode for $t {
            fn decode(r: &mut ValueReader<'_>) -> Result<Self> {
                let v = r.int()?;
                <$t>::try_from(v).map_err(|_| out_of_range(v, stringify!($t)))
            }
        }
    )*};
}

macro_rules! unsigned {
    ($($t:ty),*) => {$(
        scalar_type!($t, builtin::UINT);

        impl Encode for $t {
            fn go_type(&self) -> TypeRef {
                TypeRef::Static(&builtin::UINT)
            }
            fn encode(&self, w: &mut ValueWriter<'_>) -> Result<()> {
                w.uint(*self as u64);
                Ok(())
            }
            fn is_zero(&self) -> bool {
                *self == 0
            }
        }

        impl Decode for $t {
            fn decode(r: &mut ValueReader<'_>) -> Result<Self> {
                let v = r.uint()?;
                <$t>::try_from(v).map_err(|_| out_of_range(v, stringify!($t)))
            }
        }
    )*};
}

signed!(i8, i16, i32, i64, isize);
unsigned!(u16, u32, u64, usize);

scalar_type!(bool, builtin::BOOL);

impl Encode for bool {
    fn go_type(&self) -> TypeRef {
        TypeRef::Static(&builtin::BOOL)
    }
    fn encode(&self, w: &mut ValueWriter<'_>) -> Result<()> {
        w.bool(*self);
        Ok(())
    }
    fn is_zero(&self) -> bool {
        !*self
    }
}

impl Decode for bool {
    fn decode(r: &mut ValueReader<'_>) -> Result<Self> {
        r.bool()
    }
}

scalar_type!(f64, builtin::FLOAT);
scalar_type!(f32, builtin::FLOAT);

impl Encode for f64 {
    fn go_type(&self) -> TypeRef {
        TypeRef::Static(&builtin::FLOAT)
    }
    fn encode(&self, w: &mut ValueWriter<'_>) -> Result<()> {
        w.float(*self);
        Ok(())
    }
    fn is_zero(&self) -> bool {
        *self == 0.0
    }
}

impl Decode for f64 {
    fn decode(r: &mut ValueReader<'_>) -> Result<Self> {
        r.float()
    }
}

impl Encode for f32 {
    fn go_type(&self) -> TypeRef {
        TypeRef::Static(&builtin::FLOAT)
    }
    fn encode(&self, w: &mut ValueWriter<'_>) -> Result<()> {
        w.float(f64::from(*self));
        Ok(())
    }
    fn is_zero(&self) -> bool {
        *self == 0.0
    }
}

impl Decode for f32 {
    fn decode(r: &mut ValueReader<'_>) -> Result<Self> {
        let v = r.float()?;
        // Like Go: infinities and underflow are fine, finite values beyond f32 are not.
        if v.is_finite() && v.abs() > f64::from(f32::MAX) {
            return Err(out_of_range(v, "f32"));
        }
        Ok(v as f32)
    }
}

scalar_type!(String, builtin::STRING);

impl Encode for String {
    fn go_type(&self) -> TypeRef {
        TypeRef::Static(&builtin::STRING)
    }
    fn encode(&self, w: &mut ValueWriter<'_>) -> Result<()> {
        w.string(self);
        Ok(())
    }
    fn is_zero(&self) -> bool {
        self.is_empty()
    }
}

impl Decode for String {
    fn decode(r: &mut ValueReader<'_>) -> Result<Self> {
        r.string()
    }
}

impl StaticType for &str {
    fn static_type() -> &'static GoType {
        &builtin::STRING
    }
}

impl Encode for &str {
    fn go_type(&self) -> TypeRef {
        TypeRef::Static(&builtin::STRING)
    }
    fn encode(&self, w: &mut ValueWriter<'_>) -> Result<()> {
        w.string(self);
        Ok(())
    }
    fn is_zero(&self) -> bool {
        self.is_empty()
    }
}

scalar_type!(Vec<u8>, builtin::BYTES);

impl Encode for Vec<u8> {
    fn go_type(&self) -> TypeRef {
        TypeRef::Static(&builtin::BYTES)
    }
    fn encode(&self, w: &mut ValueWriter<'_>) -> Result<()> {
        w.bytes(self);
        Ok(())
    }
    fn is_zero(&self) -> bool {
        self.is_empty()
    }
}

impl Decode for Vec<u8> {
    fn decode(r: &mut ValueReader<'_>) -> Result<Self> {
        r.bytes()
    }
}

scalar_type!(Bytes, builtin::BYTES);

impl Encode for Bytes {
    fn go_type(&self) -> TypeRef {
        TypeRef::Static(&builtin::BYTES)
    }
    fn encode(&self, w: &mut ValueWriter<'_>) -> Result<()> {
        w.bytes(self);
        Ok(())
    }
    fn is_zero(&self) -> bool {
        self.is_empty()
    }
}

impl Decode for Bytes {
    fn decode(r: &mut ValueReader<'_>) -> Result<Self> {
        r.bytes_shared()
    }
}

impl<T: StaticType> StaticType for Vec<T> {
    fn static_type() -> &'static GoType {
        const { &GoType { name: "", kind: Kind::Slice(T::static_type) } }
    }
}

impl<T: Encode + StaticType> Encode for Vec<T> {
    fn go_type(&self) -> TypeRef {
        TypeRef::Static(<Self as StaticType>::static_type())
    }
    fn encode(&self, w: &mut ValueWriter<'_>) -> Result<()> {
        w.slice_of(self.iter())
    }
    fn is_zero(&self) -> bool {
        self.is_empty()
    }
}

impl<T: Decode> Decode for Vec<T> {
    fn decode(r: &mut ValueReader<'_>) -> Result<Self> {
        let mut s = r.slice()?;
        let mut out = Vec::with_capacity(s.size_hint());
        while let Some(item) = s.decode_next()? {
            out.push(item);
        }
        Ok(out)
    }
}

impl<T: StaticType> StaticType for Option<T> {
    fn static_type() -> &'static GoType {
        T::static_type()
    }
}

impl<T: Encode + StaticType> Encode for Option<T> {
    fn go_type(&self) -> TypeRef {
        match self {
            Some(v) => v.go_type(),
            None => TypeRef::Static(T::static_type()),
        }
    }
    fn encode(&self, w: &mut ValueWriter<'_>) -> Result<()> {
        match self {
            Some(v) => v.encode(w),
            None => T::encode_nil(w),
        }
    }
    /// Go follows the pointer: `Some` of a zero scalar is omitted too.
    fn is_zero(&self) -> bool {
        self.as_ref().is_none_or(Encode::is_zero)
    }
}

impl<T: Decode> Decode for Option<T> {
    fn decode(r: &mut ValueReader<'_>) -> Result<Self> {
        T::decode_option(r)
    }
    fn decode_into(&mut self, r: &mut ValueReader<'_>) -> Result<()> {
        T::decode_option_into(self, r)
    }
}

impl<T: StaticType> StaticType for Box<T> {
    fn static_type() -> &'static GoType {
        T::static_type()
    }
}

impl<T: Encode + ?Sized> Encode for Box<T> {
    fn go_type(&self) -> TypeRef {
        (**self).go_type()
    }
    fn encode(&self, w: &mut ValueWriter<'_>) -> Result<()> {
        (**self).encode(w)
    }
    fn is_zero(&self) -> bool {
        (**self).is_zero()
    }
}

impl<T: Decode> Decode for Box<T> {
    fn decode(r: &mut ValueReader<'_>) -> Result<Self> {
        T::decode(r).map(Box::new)
    }
    fn decode_into(&mut self, r: &mut ValueReader<'_>) -> Result<()> {
        (**self).decode_into(r)
    }
    fn decode_option(r: &mut ValueReader<'_>) -> Result<Option<Self>> {
        T::decode_option(r).map(|v| v.map(Box::new))
    }
}

impl<K: StaticType, V: StaticType, S> StaticType for HashMap<K, V, S> {
    fn static_type() -> &'static GoType {
        const { &GoType { name: "", kind: Kind::Map(K::static_type, V::static_type) } }
    }
}

impl<K: Encode + StaticType, V: Encode + StaticType, S> Encode for HashMap<K, V, S> {
    fn go_type(&self) -> TypeRef {
        TypeRef::Static(<Self as StaticType>::static_type())
    }
    fn encode(&self, w: &mut ValueWriter<'_>) -> Result<()> {
        w.map_of(self.iter())
    }
    /// Empty maps are omitted (Rust has no nil map; Go sends non-nil empty maps).
    fn is_zero(&self) -> bool {
        self.is_empty()
    }
}

impl<K: Decode + Eq + Hash, V: Decode, S: BuildHasher + Default> Decode for HashMap<K, V, S> {
    fn decode(r: &mut ValueReader<'_>) -> Result<Self> {
        let mut out = HashMap::with_hasher(S::default());
        out.decode_into(r)?;
        Ok(out)
    }
    /// Go's merge: entries are added or replaced, never removed.
    fn decode_into(&mut self, r: &mut ValueReader<'_>) -> Result<()> {
        let mut m = r.map()?;
        self.reserve(m.size_hint());
        while let Some((k, v)) = m.next_entry()? {
            self.insert(k, v);
        }
        Ok(())
    }
}

impl<K: StaticType, V: StaticType> StaticType for BTreeMap<K, V> {
    fn static_type() -> &'static GoType {
        const { &GoType { name: "", kind: Kind::Map(K::static_type, V::static_type) } }
    }
}

impl<K: Encode + StaticType, V: Encode + StaticType> Encode for BTreeMap<K, V> {
    fn go_type(&self) -> TypeRef {
        TypeRef::Static(<Self as StaticType>::static_type())
    }
    fn encode(&self, w: &mut ValueWriter<'_>) -> Result<()> {
        w.map_of(self.iter())
    }
    fn is_zero(&self) -> bool {
        self.is_empty()
    }
}

impl<K: Decode + Ord, V: Decode> Decode for BTreeMap<K, V> {
    fn decode(r: &mut ValueReader<'_>) -> Result<Self> {
        let mut out = BTreeMap::new();
        out.decode_into(r)?;
        Ok(out)
    }
    fn decode_into(&mut self, r: &mut ValueReader<'_>) -> Result<()> {
        let mut m = r.map()?;
        while let Some((k, v)) = m.next_entry()? {
            self.insert(k, v);
        }
        Ok(())
    }
}

scalar_type!((), builtin::EMPTY_STRUCT);

impl Encode for () {
    fn go_type(&self) -> TypeRef {
        TypeRef::Static(&builtin::EMPTY_STRUCT)
    }
    fn encode(&self, w: &mut ValueWriter<'_>) -> Result<()> {
        w.struct_fields().end()
    }
    fn is_zero(&self) -> bool {
        false
    }
}

impl Decode for () {
    /// Any struct decodes into `struct {}` (its fields are skipped).
    fn decode(r: &mut ValueReader<'_>) -> Result<Self> {
        let mut s = r.struct_fields(&[])?;
        while s.next()?.is_some() {}
        Ok(())
    }
}
