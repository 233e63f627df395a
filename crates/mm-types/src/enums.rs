//! Closed sets of values (channel types, statuses...) that keep values from newer servers.
//!
//! Mattermost adds values over time, so every such enum has a catch-all variant that holds a
//! value this SDK does not know, and converts it back unchanged.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A value of a protobuf enum that this SDK does not know, from the wire (its number) or
/// from JSON (its name).
///
/// A name read from JSON goes on the wire as `0` (unspecified), because it has no number.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct UnknownValue {
    code: i32,
    name: Option<Box<str>>,
}

impl UnknownValue {
    /// An unknown value received on the wire.
    pub fn from_code(code: i32) -> Self {
        UnknownValue { code, name: None }
    }

    /// An unknown value received in JSON.
    pub fn from_name(name: impl Into<Box<str>>) -> Self {
        UnknownValue { code: 0, name: Some(name.into()) }
    }

    /// The wire number (`0` for values read from JSON).
    pub fn code(&self) -> i32 {
        self.code
    }

    /// The JSON name, for values read from JSON.
    pub fn name(&self) -> Option<&str> {
        self.name.as_deref()
    }
}

impl fmt::Display for UnknownValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.name {
            Some(name) => f.write_str(name),
            None => write!(f, "{}", self.code),
        }
    }
}

impl Serialize for UnknownValue {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match &self.name {
            Some(name) => s.serialize_str(name),
            None => s.serialize_i32(self.code),
        }
    }
}

/// Reads an enum that Mattermost's JSON writes as a string, accepting a number too (the value
/// of an unknown variant written by this SDK).
#[doc(hidden)]
#[derive(Deserialize)]
#[serde(untagged)]
pub(crate) enum NameOrCode {
    Name(String),
    Code(i32),
}

#[doc(hidden)]
pub(crate) fn deserialize_name_or_code<'de, D: Deserializer<'de>>(d: D) -> Result<NameOrCode, D::Error> {
    NameOrCode::deserialize(d)
}

/// Defines an enum carried as an `int32` on the wire and as a string in JSON.
macro_rules! int_enum {
    (
        $(#[$meta:meta])*
        pub enum $name:ident {
            $($(#[$vmeta:meta])* $variant:ident = $code:literal / $json:literal,)*
        }
        default = $default:ident;
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum $name {
            $($(#[$vmeta])* $variant,)*
            /// A value this SDK does not know, kept as received.
            Unknown($crate::enums::UnknownValue),
        }

        impl $name {
            /// The number this value has on the wire.
            pub fn code(&self) -> i32 {
                match self {
                    $($name::$variant => $code,)*
                    $name::Unknown(value) => value.code(),
                }
            }

            /// The value for a wire number.
            pub fn from_code(code: i32) -> Self {
                match code {
                    $($code => $name::$variant,)*
                    other => $name::Unknown($crate::enums::UnknownValue::from_code(other)),
                }
            }

            /// The name Mattermost's JSON uses for this value (its number for unknown values).
            pub fn as_json_name(&self) -> ::std::borrow::Cow<'_, str> {
                match self {
                    $($name::$variant => ::std::borrow::Cow::Borrowed($json),)*
                    $name::Unknown(value) => ::std::borrow::Cow::Owned(value.to_string()),
                }
            }
        }

        impl Default for $name {
            fn default() -> Self {
                $name::$default
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(&self.as_json_name())
            }
        }

        impl $crate::convert::FromWire<i32> for $name {
            fn from_wire(wire: i32) -> $crate::Result<Self> {
                Ok($name::from_code(wire))
            }
        }

        impl $crate::convert::IntoWire<i32> for $name {
            fn into_wire(self) -> i32 {
                self.code()
            }
        }

        // A few messages carry the value as its JSON name in a `string` field.
        impl $crate::convert::FromWire<String> for $name {
            fn from_wire(wire: String) -> $crate::Result<Self> {
                Ok(match wire.as_str() {
                    $($json => $name::$variant,)*
                    _ => $name::Unknown($crate::enums::UnknownValue::from_name(wire)),
                })
            }
        }

        impl $crate::convert::IntoWire<String> for $name {
            fn into_wire(self) -> String {
                self.as_json_name().into_owned()
            }
        }

        impl ::serde::Serialize for $name {
            fn serialize<S: ::serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                match self {
                    $($name::$variant => s.serialize_str($json),)*
                    $name::Unknown(value) => value.serialize(s),
                }
            }
        }

        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                Ok(match $crate::enums::deserialize_name_or_code(d)? {
                    $crate::enums::NameOrCode::Code(code) => $name::from_code(code),
                    $crate::enums::NameOrCode::Name(name) => match name.as_str() {
                        $($json => $name::$variant,)*
                        _ => $name::Unknown($crate::enums::UnknownValue::from_name(name)),
                    },
                })
            }
        }
    };
}

/// Defines an enum carried as a string both on the wire and in JSON.
///
/// The default is a known variant, or `Other("...")` for open sets with no natural default.
macro_rules! string_enum {
    (
        $(#[$meta:meta])*
        pub enum $name:ident {
            $($(#[$vmeta:meta])* $variant:ident = $text:literal,)*
        }
        default = $default:ident $(($default_arg:expr))?;
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum $name {
            $($(#[$vmeta])* $variant,)*
            /// A value this SDK does not know, kept as received.
            Other(String),
        }

        impl $name {
            /// The text of this value, as the server sends it.
            pub fn as_str(&self) -> &str {
                match self {
                    $($name::$variant => $text,)*
                    $name::Other(text) => text,
                }
            }
        }

        impl Default for $name {
            fn default() -> Self {
                $name::$default $(($default_arg))?
            }
        }

        impl From<String> for $name {
            fn from(text: String) -> Self {
                match text.as_str() {
                    $($text => $name::$variant,)*
                    _ => $name::Other(text),
                }
            }
        }

        impl From<&str> for $name {
            fn from(text: &str) -> Self {
                $name::from(text.to_string())
            }
        }

        impl From<$name> for String {
            fn from(value: $name) -> String {
                match value {
                    $name::Other(text) => text,
                    known => known.as_str().to_string(),
                }
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl $crate::convert::FromWire<String> for $name {
            fn from_wire(wire: String) -> $crate::Result<Self> {
                Ok($name::from(wire))
            }
        }

        impl $crate::convert::IntoWire<String> for $name {
            fn into_wire(self) -> String {
                self.into()
            }
        }

        impl ::serde::Serialize for $name {
            fn serialize<S: ::serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let text = <Option<String> as ::serde::Deserialize>::deserialize(d)?;
                Ok($name::from(text.unwrap_or_default()))
            }
        }
    };
}

pub(crate) use {int_enum, string_enum};
