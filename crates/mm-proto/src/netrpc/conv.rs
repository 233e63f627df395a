//! The named conversions of `stock/mapping.toml`: where a field of the gRPC contract and the Go
//! struct field it stands for have different shapes.
//!
//! Each module has `Enc` (the proto value, encodable as the Go value) and `decode` (the Go
//! value back to the proto value).

use mm_gob::{Decode, Encode, Error, ErrorKind, GoType, TypeRef, ValueReader, ValueWriter};

fn invalid(message: String) -> Error {
    Error::new(ErrorKind::InvalidValue, message)
}

/// Declares a conversion from a proto field type to the Go type named by the generated code.
macro_rules! conversion {
    ($(#[$doc:meta])* $name:ident: $proto:ty, zero: $zero:expr, encode: $encode:expr, decode: $decode:expr) => {
        $(#[$doc])*
        pub(crate) mod $name {
            #[allow(unused_imports)]
            use super::*;

            /// The proto value, encoded as the Go value.
            pub(crate) struct Enc<'a>(pub(crate) &'a $proto, pub(crate) &'static GoType);

            impl Encode for Enc<'_> {
                fn go_type(&self) -> TypeRef {
                    TypeRef::from(self.1)
                }

                fn is_zero(&self) -> bool {
                    let zero: fn(&$proto) -> bool = $zero;
                    zero(self.0)
                }

                fn encode(&self, w: &mut ValueWriter<'_>) -> mm_gob::Result<()> {
                    let encode: fn(&$proto, &mut ValueWriter<'_>) -> mm_gob::Result<()> = $encode;
                    encode(self.0, w)
                }
            }

            /// The Go value, as the proto value.
            pub(crate) fn decode(r: &mut ValueReader<'_>) -> mm_gob::Result<$proto> {
                let decode: fn(&mut ValueReader<'_>) -> mm_gob::Result<$proto> = $decode;
                decode(r)
            }
        }
    };
}

conversion! {
    /// `error` (an interface holding `*model.AppError` or `*plugin.ErrorString`) as the
    /// response's `AppError`; plain errors go out as `*plugin.ErrorString` (see `plain_error`).
    error_interface: Option<crate::v1::AppError>,
    zero: |e| e.is_none(),
    encode: |e, w| match e {
        Some(app_error) => match crate::netrpc::plain_error::plain_code(app_error) {
            Some(code) => {
                let plain = crate::netrpc::plain_error::ErrorString { code, err: app_error.message.clone() };
                w.interface("*plugin.ErrorString", Some(&plain as &dyn Encode))
            }
            None => w.interface("*model.AppError", Some(app_error as &dyn Encode)),
        },
        None => w.interface("", None),
    },
    decode: |r| {
        let Some((name, mut inner)) = r.interface()? else { return Ok(None) };
        Ok(Some(match name.as_str() {
            "*model.AppError" => crate::v1::AppError::decode(&mut inner)?,
            // plugin.ErrorString{Code, Err}: codes 1-7 stand for Go sentinels (io.EOF...).
            "*plugin.ErrorString" => {
                let value = mm_gob::Value::decode(&mut inner)?;
                let text = value.field("Err").and_then(|v| v.as_str()).unwrap_or_default().to_string();
                let code = value.field("Code").and_then(|v| v.as_i64()).unwrap_or(0);
                let id = crate::protocol::PLAIN_ERROR_ID;
                crate::v1::AppError {
                    id: if code == 0 { id.to_string() } else { format!("{id}.{code}") },
                    message: text,
                    ..Default::default()
                }
            }
            other => {
                let value = mm_gob::Value::decode(&mut inner)?;
                let text = value
                    .field("Message")
                    .or_else(|| value.field("Err"))
                    .and_then(|v| v.as_str())
                    .map_or_else(|| format!("{other}: {value:?}"), str::to_string);
                crate::v1::AppError {
                    id: crate::protocol::PLAIN_ERROR_ID.to_string(),
                    message: text,
                    ..Default::default()
                }
            }
        }))
    }
}

conversion! {
    /// Milliseconds since the epoch (0: never) as Go's `time.Time`.
    time_millis: i64,
    zero: |ms| *ms == 0,
    encode: |ms, w| {
        w.opaque(&crate::netrpc::json::GoTime::from_unix_millis(*ms).to_binary());
        Ok(())
    },
    decode: |r| {
        let bytes = r.opaque()?;
        let time = crate::netrpc::json::GoTime::from_binary(&bytes).map_err(invalid)?;
        Ok(time.unix_millis())
    }
}

conversion! {
    /// `"true"`/`"false"` as Go's `bool`.
    bool_text: String,
    zero: |s| s.is_empty() || s == "false",
    encode: |s, w| match s.as_str() {
        "true" => { w.bool(true); Ok(()) }
        "false" | "" => { w.bool(false); Ok(()) }
        other => Err(invalid(format!("{other:?} is not \"true\" or \"false\""))),
    },
    decode: |r| Ok(if r.bool()? { "true" } else { "false" }.to_string())
}

conversion! {
    /// A number written as text, as Go's `int`.
    int_text: String,
    zero: |s| s.is_empty() || s == "0",
    encode: |s, w| {
        let n: i64 = s.trim().parse().map_err(|_| invalid(format!("{s:?} is not an integer")))?;
        w.int(n);
        Ok(())
    },
    decode: |r| Ok(r.int()?.to_string())
}

conversion! {
    /// Comma-separated text as Go's `[]string`.
    comma_list: String,
    zero: |s| s.is_empty(),
    encode: |s, w| s.split(',').map(str::to_string).collect::<Vec<_>>().encode(w),
    decode: |r| Ok(Vec::<String>::decode(r)?.join(","))
}

conversion! {
    /// A sidebar category's sorting as a number (0 default, 1 manual, 2 recent, 3 alpha) as
    /// Go's `SidebarCategorySorting` string.
    sorting_index: i32,
    zero: |n| *n == 0,
    encode: |n, w| {
        let text = match n {
            0 => "",
            1 => "manual",
            2 => "recent",
            3 => "alpha",
            other => return Err(invalid(format!("sorting {other} is not 0-3"))),
        };
        w.string(text);
        Ok(())
    },
    decode: |r| Ok(match r.string()?.as_str() {
        "manual" => 1,
        "recent" => 2,
        "alpha" => 3,
        _ => 0,
    })
}

conversion! {
    /// A list (of which Go keeps one value) as a Go `string`.
    first_of_list: Vec<String>,
    zero: |v| v.first().is_none_or(String::is_empty),
    encode: |v, w| { w.string(v.first().map_or("", String::as_str)); Ok(()) },
    decode: |r| {
        let s = r.string()?;
        Ok(if s.is_empty() { Vec::new() } else { vec![s] })
    }
}

conversion! {
    /// One value (or none) as a Go `[]string`.
    single_list: String,
    zero: |s| s.is_empty(),
    encode: |s, w| vec![s.clone()].encode(w),
    decode: |r| Ok(Vec::<String>::decode(r)?.into_iter().next().unwrap_or_default())
}

conversion! {
    /// A list of strings as Go's set, `map[string]bool`.
    string_set: Vec<String>,
    zero: |v| v.is_empty(),
    encode: |v, w| v.iter().map(|k| (k.clone(), true)).collect::<std::collections::BTreeMap<_, _>>().encode(w),
    decode: |r| {
        let set = std::collections::BTreeMap::<String, bool>::decode(r)?;
        Ok(set.into_iter().filter(|(_, on)| *on).map(|(k, _)| k).collect())
    }
}

conversion! {
    /// A sort order (`"asc"`, `"desc"`) as Go's `SortDescending` flag.
    sort_descending: String,
    zero: |s| !s.eq_ignore_ascii_case("desc"),
    encode: |s, w| { w.bool(s.eq_ignore_ascii_case("desc")); Ok(()) },
    decode: |r| Ok(if r.bool()? { "desc" } else { "asc" }.to_string())
}

conversion! {
    /// An audit level's name as Go's `mlog.Level{ID, Name}` (the IDs of server/public's
    /// `mlog.LvlAudit*`).
    mlog_level: String,
    zero: |s| s.is_empty(),
    encode: |name, w| {
        let id: u64 = match name.as_str() {
            "audit-api" => 100,
            "audit-content" => 101,
            "audit-permissions" => 102,
            "audit-cli" => 103,
            other => return Err(invalid(format!("{other:?} is not an audit level (audit-api, audit-content, audit-permissions, audit-cli)"))),
        };
        let mut s = w.struct_fields();
        s.field(0, &id)?;
        s.field(1, name)?;
        s.end()
    },
    decode: |r| {
        let value = mm_gob::Value::decode(r)?;
        Ok(value.field("Name").and_then(|v| v.as_str()).unwrap_or_default().to_string())
    }
}
