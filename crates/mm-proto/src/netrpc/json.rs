//! JSON bridges: the gRPC contract carries some Go structs as encoding/json text (the server
//! configuration, the license, shared-channel sync messages, SAML assertions). On a stock
//! server they are gob-encoded Go structs. [`Json`] converts between the two through a
//! generated Rust mirror of the Go struct (`go_model`), and the types here are the leaves of
//! those mirrors where gob and JSON differ: `[]byte` (base64 in JSON), `json.RawMessage`,
//! `interface{}`, `time.Time`.

use std::fmt;
use std::marker::PhantomData;

use base64::Engine;
use bytes::Bytes;
use mm_gob::{
    Decode, Encode, Error, ErrorKind, Interface, OpaqueKind, StaticType, TypeRef, Value, ValueReader,
    ValueWriter,
};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

fn invalid(message: String) -> Error {
    Error::new(ErrorKind::InvalidValue, message)
}

/// JSON bytes of a message field, encoded as the Go struct `M` mirrors.
pub(crate) struct Json<'a, M> {
    bytes: Option<&'a Bytes>,
    model: PhantomData<fn() -> M>,
}

impl<'a, M> Json<'a, M> {
    pub(crate) fn new(bytes: Option<&'a Bytes>) -> Self {
        Json { bytes, model: PhantomData }
    }
}

impl<M: Serialize + DeserializeOwned + Encode + Decode + StaticType> Encode for Json<'_, M> {
    fn go_type(&self) -> TypeRef {
        TypeRef::from(M::static_type())
    }

    fn is_zero(&self) -> bool {
        self.bytes.is_none_or(|b| b.is_empty() || b.as_ref() == b"null")
    }

    fn encode(&self, w: &mut ValueWriter<'_>) -> mm_gob::Result<()> {
        let bytes = self.bytes.map_or(&b"{}"[..], |b| b.as_ref());
        let model: M = serde_json::from_slice(bytes)
            .map_err(|e| invalid(format!("the JSON does not fit Go's {}: {e}", M::static_type().name)))?;
        model.encode(w)
    }
}

impl<M: Serialize + DeserializeOwned + Encode + Decode + StaticType> Json<'_, M> {
    /// The Go value as JSON.
    pub(crate) fn decode(r: &mut ValueReader<'_>) -> mm_gob::Result<Option<Bytes>> {
        let model = M::decode(r)?;
        let text = serde_json::to_vec(&model).map_err(|e| invalid(e.to_string()))?;
        Ok(Some(Bytes::from(text)))
    }
}

/// encode/json's `omitempty`: whether a value is left out of the JSON.
pub(crate) trait IsEmpty {
    fn is_empty(&self) -> bool;
}

macro_rules! is_empty_by_default {
    ($($t:ty),*) => {$(
        impl IsEmpty for $t {
            fn is_empty(&self) -> bool {
                *self == <$t>::default()
            }
        }
    )*};
}

is_empty_by_default!(bool, i8, i16, i32, i64, u16, u32, u64, f32, f64, String);

impl<T> IsEmpty for Vec<T> {
    fn is_empty(&self) -> bool {
        Vec::is_empty(self)
    }
}

impl<K, V> IsEmpty for std::collections::BTreeMap<K, V> {
    fn is_empty(&self) -> bool {
        std::collections::BTreeMap::is_empty(self)
    }
}

impl<T> IsEmpty for Option<T> {
    fn is_empty(&self) -> bool {
        self.is_none()
    }
}

/// Go `[]byte`: bytes in gob, base64 text in JSON.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Base64Bytes(pub(crate) Vec<u8>);

impl IsEmpty for Base64Bytes {
    fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl Serialize for Base64Bytes {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&base64::engine::general_purpose::STANDARD.encode(&self.0))
    }
}

impl<'de> Deserialize<'de> for Base64Bytes {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = Option::<String>::deserialize(d)?.unwrap_or_default();
        base64::engine::general_purpose::STANDARD
            .decode(text.as_bytes())
            .map(Base64Bytes)
            .map_err(serde::de::Error::custom)
    }
}

/// Implements gob's `[]byte` for a newtype over `Vec<u8>` (the JSON side differs per type).
macro_rules! gob_bytes {
    ($name:ident) => {
        impl StaticType for $name {
            fn static_type() -> &'static mm_gob::GoType {
                &mm_gob::builtin::BYTES
            }
        }

        impl Encode for $name {
            fn go_type(&self) -> TypeRef {
                TypeRef::from(&mm_gob::builtin::BYTES)
            }
            fn is_zero(&self) -> bool {
                self.0.is_empty()
            }
            fn encode(&self, w: &mut ValueWriter<'_>) -> mm_gob::Result<()> {
                w.bytes(&self.0);
                Ok(())
            }
        }

        impl Decode for $name {
            fn decode(r: &mut ValueReader<'_>) -> mm_gob::Result<Self> {
                r.bytes().map($name)
            }
        }
    };
}

gob_bytes!(Base64Bytes);

/// Go `json.RawMessage`: bytes in gob, the JSON itself in JSON.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct RawJson(pub(crate) Vec<u8>);

impl IsEmpty for RawJson {
    fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl Serialize for RawJson {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        if self.0.is_empty() {
            return s.serialize_none();
        }
        let value: serde_json::Value = serde_json::from_slice(&self.0).map_err(serde::ser::Error::custom)?;
        value.serialize(s)
    }
}

impl<'de> Deserialize<'de> for RawJson {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let value = serde_json::Value::deserialize(d)?;
        serde_json::to_vec(&value).map(RawJson).map_err(serde::de::Error::custom)
    }
}

gob_bytes!(RawJson);

/// Go `interface{}`: an interface value in gob, its JSON form in JSON.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Dynamic(pub(crate) Option<Interface>);

impl IsEmpty for Dynamic {
    fn is_empty(&self) -> bool {
        self.0.is_none()
    }
}

impl Serialize for Dynamic {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let value = Value::Interface(self.0.clone().map(Box::new));
        let mut path = super::props::scratch();
        super::values::value_to_json(&super::values::value_from_go(&value, &mut path)).serialize(s)
    }
}

impl<'de> Deserialize<'de> for Dynamic {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Ok(Dynamic(json_to_go(&serde_json::Value::deserialize(d)?)))
    }
}

fn json_to_go(v: &serde_json::Value) -> Option<Interface> {
    Some(match v {
        serde_json::Value::Null => return None,
        serde_json::Value::Bool(b) => Interface::bool(*b),
        serde_json::Value::Number(n) => Interface::float64(n.as_f64().unwrap_or_default()),
        serde_json::Value::String(s) => Interface::string(s.clone()),
        serde_json::Value::Array(items) => Interface::slice(items.iter().map(json_to_go).collect()),
        serde_json::Value::Object(map) => Interface::map(map.iter().map(|(k, v)| (k.clone(), json_to_go(v)))),
    })
}

impl StaticType for Dynamic {
    fn static_type() -> &'static mm_gob::GoType {
        &mm_gob::builtin::INTERFACE
    }
}

impl Encode for Dynamic {
    fn go_type(&self) -> TypeRef {
        TypeRef::from(&mm_gob::builtin::INTERFACE)
    }
    fn is_zero(&self) -> bool {
        self.0.is_none()
    }
    fn encode(&self, w: &mut ValueWriter<'_>) -> mm_gob::Result<()> {
        Value::Interface(self.0.clone().map(Box::new)).encode(w)
    }
}

impl Decode for Dynamic {
    fn decode(r: &mut ValueReader<'_>) -> mm_gob::Result<Self> {
        Option::<Interface>::decode(r).map(Dynamic)
    }
}

/// Go `time.Time`: Go's binary form in gob (a `GobEncoder`), RFC 3339 text in JSON.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct GoTime {
    /// Seconds since January 1, year 1, 00:00:00 UTC (Go's internal epoch).
    seconds: i64,
    nanos: i32,
    /// The zone offset in minutes; `-1` is UTC.
    offset_minutes: i16,
}

/// Seconds from Go's epoch (year 1) to the Unix epoch.
const UNIX_TO_GO: i64 = 62_135_596_800;

impl GoTime {
    pub(crate) fn from_unix_millis(ms: i64) -> Self {
        GoTime {
            seconds: ms.div_euclid(1000).saturating_add(UNIX_TO_GO),
            nanos: (ms.rem_euclid(1000) * 1_000_000) as i32,
            offset_minutes: -1,
        }
    }

    pub(crate) fn unix_millis(&self) -> i64 {
        if *self == GoTime::default() {
            return 0;
        }
        (self.seconds - UNIX_TO_GO).saturating_mul(1000).saturating_add(i64::from(self.nanos / 1_000_000))
    }

    /// Go's `Time.MarshalBinary` (version 1).
    pub(crate) fn to_binary(self) -> Vec<u8> {
        let mut out = Vec::with_capacity(15);
        out.push(1);
        out.extend_from_slice(&self.seconds.to_be_bytes());
        out.extend_from_slice(&self.nanos.to_be_bytes());
        out.extend_from_slice(&self.offset_minutes.to_be_bytes());
        out
    }

    /// Go's `Time.UnmarshalBinary` (versions 1 and 2).
    pub(crate) fn from_binary(bytes: &[u8]) -> Result<Self, String> {
        let (&version, rest) = bytes.split_first().ok_or("time.Time: no data")?;
        let want = match version {
            1 => 14,
            2 => 15,
            other => return Err(format!("time.Time: unknown version {other}")),
        };
        if rest.len() != want {
            return Err(format!("time.Time: {} bytes, expected {want}", rest.len()));
        }
        let seconds = i64::from_be_bytes(rest[0..8].try_into().map_err(|_| "time.Time: seconds")?);
        let nanos = i32::from_be_bytes(rest[8..12].try_into().map_err(|_| "time.Time: nanoseconds")?);
        let offset_minutes = i16::from_be_bytes(rest[12..14].try_into().map_err(|_| "time.Time: offset")?);
        Ok(GoTime { seconds, nanos, offset_minutes })
    }

    fn offset_seconds(&self) -> i64 {
        if self.offset_minutes == -1 { 0 } else { i64::from(self.offset_minutes) * 60 }
    }
}

impl fmt::Display for GoTime {
    /// RFC 3339 with nanoseconds, as encoding/json writes a `time.Time`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let local = self.seconds - UNIX_TO_GO + self.offset_seconds();
        let days = local.div_euclid(86_400);
        let secs = local.rem_euclid(86_400);
        let (y, m, d) = civil_from_days(days);
        write!(f, "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}", secs / 3600, secs / 60 % 60, secs % 60)?;
        if self.nanos > 0 {
            let frac = format!("{:09}", self.nanos);
            write!(f, ".{}", frac.trim_end_matches('0'))?;
        }
        if self.offset_minutes == -1 || self.offset_minutes == 0 {
            f.write_str("Z")
        } else {
            let sign = if self.offset_minutes < 0 { '-' } else { '+' };
            let m = self.offset_minutes.unsigned_abs();
            write!(f, "{sign}{:02}:{:02}", m / 60, m % 60)
        }
    }
}

impl std::str::FromStr for GoTime {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        let bad = || format!("{s:?} is not an RFC 3339 time");
        let num = |part: &str| part.parse::<i64>().map_err(|_| bad());
        let (date, rest) = s.split_once('T').ok_or_else(bad)?;
        let mut ymd = date.splitn(3, '-');
        let (y, mo, d) = (
            num(ymd.next().ok_or_else(bad)?)?,
            num(ymd.next().ok_or_else(bad)?)?,
            num(ymd.next().ok_or_else(bad)?)?,
        );
        let zone_at = rest.find(['Z', 'z', '+', '-']).ok_or_else(bad)?;
        let (clock, zone) = rest.split_at(zone_at);
        let (hms, frac) = clock.split_once('.').unwrap_or((clock, ""));
        let mut parts = hms.splitn(3, ':');
        let (h, mi, sec) = (
            num(parts.next().ok_or_else(bad)?)?,
            num(parts.next().ok_or_else(bad)?)?,
            num(parts.next().ok_or_else(bad)?)?,
        );
        let nanos = if frac.is_empty() {
            0
        } else {
            let digits: String = frac.chars().chain(std::iter::repeat('0')).take(9).collect();
            i32::try_from(num(&digits)?).map_err(|_| bad())?
        };
        let offset_minutes: i16 = match zone {
            "Z" | "z" => -1,
            z => {
                let sign = if z.starts_with('-') { -1 } else { 1 };
                let (zh, zm) = z[1..].split_once(':').ok_or_else(bad)?;
                i16::try_from(sign * (num(zh)? * 60 + num(zm)?)).map_err(|_| bad())?
            }
        };
        let local = days_from_civil(y, mo, d) * 86_400 + h * 3600 + mi * 60 + sec;
        let offset = if offset_minutes == -1 { 0 } else { i64::from(offset_minutes) * 60 };
        Ok(GoTime { seconds: local - offset + UNIX_TO_GO, nanos, offset_minutes })
    }
}

/// Days since 1970-01-01 to (year, month, day), proleptic Gregorian.
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

/// (year, month, day) to days since 1970-01-01, proleptic Gregorian.
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let mp = if m > 2 { m - 3 } else { m + 9 };
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

impl IsEmpty for GoTime {
    fn is_empty(&self) -> bool {
        // encoding/json never omits a struct, time.Time included.
        false
    }
}

impl Serialize for GoTime {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        if *self == GoTime::default() {
            return s.serialize_str("0001-01-01T00:00:00Z");
        }
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for GoTime {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = Option::<String>::deserialize(d)?.unwrap_or_default();
        if text.is_empty() || text == "0001-01-01T00:00:00Z" {
            return Ok(GoTime::default());
        }
        text.parse().map_err(serde::de::Error::custom)
    }
}

static GO_TIME: mm_gob::GoType =
    mm_gob::GoType { name: "Time", kind: mm_gob::Kind::Opaque(OpaqueKind::GobEncoder) };

impl StaticType for GoTime {
    fn static_type() -> &'static mm_gob::GoType {
        &GO_TIME
    }
}

impl Encode for GoTime {
    fn go_type(&self) -> TypeRef {
        TypeRef::from(&GO_TIME)
    }
    fn is_zero(&self) -> bool {
        *self == GoTime::default()
    }
    fn encode(&self, w: &mut ValueWriter<'_>) -> mm_gob::Result<()> {
        w.opaque(&self.to_binary());
        Ok(())
    }
}

impl Decode for GoTime {
    fn decode(r: &mut ValueReader<'_>) -> mm_gob::Result<Self> {
        let bytes = r.opaque()?;
        GoTime::from_binary(&bytes).map_err(invalid)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn go_times_round_trip_through_binary_and_text() {
        for ms in [1_700_000_000_123_i64, 0, -86_400_000, 253_402_300_799_000] {
            let t = GoTime::from_unix_millis(ms);
            assert_eq!(GoTime::from_binary(&t.to_binary()).unwrap(), t);
            assert_eq!(t.unix_millis(), ms);
            let text = t.to_string();
            assert_eq!(text.parse::<GoTime>().unwrap().unix_millis(), ms, "{text}");
        }
        assert_eq!(GoTime::from_unix_millis(1_700_000_000_123).to_string(), "2023-11-14T22:13:20.123Z");
        let zoned: GoTime = "2023-11-14T23:13:20.5+01:00".parse().unwrap();
        assert_eq!(zoned.unix_millis(), 1_700_000_000_500);
        assert_eq!(zoned.to_string(), "2023-11-14T23:13:20.5+01:00");
    }
}
