//! Declarative macros for structs with Go field names.

/// Declares a struct with Go field names and implements [`StaticType`](crate::StaticType),
/// [`Encode`](crate::Encode) and [`Decode`](crate::Decode) for it (with a `static`
/// [`GoType`](crate::GoType) named after the Go type).
///
/// Each field is `name: Type = "GoName"`, or `name: Type = "GoName" with Codec` to encode it
/// through a [`FieldCodec`](crate::FieldCodec); fields are encoded in the order written, which
/// must be the order of the Go struct (it defines the field numbers). Zero fields are omitted,
/// as Go does; decoding matches fields by Go name and skips the ones not listed. Every field
/// type needs `Default` (decoding starts from it).
///
/// ```
/// mm_gob::gob_struct! {
///     /// net/rpc's request header.
///     #[derive(Debug, Clone, Default, PartialEq)]
///     pub struct Request = "Request" {
///         pub service_method: String = "ServiceMethod",
///         pub seq: u64 = "Seq",
///     }
/// }
///
/// let mut bytes = Vec::new();
/// let request = Request { service_method: "Dispenser.Dispense".into(), seq: 0 };
/// mm_gob::Encoder::new().encode(&request, &mut bytes).unwrap();
/// // The captured bytes of a stock Mattermost server: the type definition, then the value.
/// assert_eq!(bytes[0], 0x2e);
/// ```
#[macro_export]
macro_rules! gob_struct {
    (
        $(#[$meta:meta])*
        $vis:vis struct $name:ident = $go_name:literal {
            $(
                $(#[$field_meta:meta])*
                $field_vis:vis $field:ident : $field_ty:ty = $go_field:literal $(with $codec:ty)?
            ),* $(,)?
        }
    ) => {
        $(#[$meta])*
        $vis struct $name {
            $(
                $(#[$field_meta])*
                $field_vis $field: $field_ty,
            )*
        }

        $crate::__gob_struct_impls! {
            $name = $go_name,
            { $name { $( $field: ::core::default::Default::default(), )* } },
            { $( $field : $field_ty = $go_field $(with $codec)? ),* }
        }
    };
}

/// Implements [`StaticType`](crate::StaticType), [`Encode`](crate::Encode) and
/// [`Decode`](crate::Decode) for an existing struct (a prost message from another crate, for
/// instance), listing the fields with their types and Go names in Go's order (optionally
/// `with` a [`FieldCodec`](crate::FieldCodec)). The struct must implement `Default`; fields
/// not listed keep their default when decoding and are not sent.
///
/// ```
/// #[derive(Debug, Default, PartialEq)]
/// pub struct AppError { pub id: String, pub status_code: i64, pub cache: Vec<u32> }
///
/// mm_gob::gob_impl! {
///     AppError = "AppError" {
///         id: String = "Id",
///         status_code: i64 = "StatusCode",
///     }
/// }
///
/// let err = AppError { id: "demo.fail".into(), status_code: 418, cache: vec![] };
/// let value = mm_gob::Value::from_encode(&err).unwrap();
/// assert_eq!(value.field("StatusCode"), Some(&mm_gob::Value::Int(418)));
/// assert_eq!(value.to_typed::<AppError>().unwrap(), err);
/// ```
#[macro_export]
macro_rules! gob_impl {
    (
        $ty:ty = $go_name:literal {
            $( $field:ident : $field_ty:ty = $go_field:literal $(with $codec:ty)? ),* $(,)?
        }
    ) => {
        $crate::__gob_struct_impls! {
            $ty = $go_name,
            { <$ty as ::core::default::Default>::default() },
            { $( $field : $field_ty = $go_field $(with $codec)? ),* }
        }
    };
}

/// The impls behind [`gob_struct!`] and [`gob_impl!`].
#[doc(hidden)]
#[macro_export]
macro_rules! __gob_struct_impls {
    (
        $ty:ty = $go_name:literal,
        { $($init:tt)* },
        { $( $field:ident : $field_ty:ty = $go_field:literal $(with $codec:ty)? ),* }
    ) => {
        const _: () = {
            static FIELDS: &[$crate::Field] = &[
                $( $crate::Field { name: $go_field, ty: $crate::__gob_field_type!($field_ty $(, $codec)?) }, )*
            ];
            static GO_TYPE: $crate::GoType = $crate::GoType { name: $go_name, kind: $crate::Kind::Struct(FIELDS) };
            static NAMES: &[&str] = &[ $( $go_field, )* ];

            impl $crate::StaticType for $ty {
                fn static_type() -> &'static $crate::GoType {
                    &GO_TYPE
                }
            }

            impl $crate::Encode for $ty {
                fn go_type(&self) -> $crate::TypeRef {
                    $crate::TypeRef::Static(&GO_TYPE)
                }

                #[allow(unused_assignments)]
                fn encode(&self, w: &mut $crate::ValueWriter<'_>) -> $crate::Result<()> {
                    let mut fields = w.struct_fields();
                    let mut index = 0usize;
                    $(
                        $crate::__gob_field_encode!(fields, index, &self.$field, $field_ty $(, $codec)?);
                        index += 1;
                    )*
                    let _ = index;
                    fields.end()
                }

                fn is_zero(&self) -> bool {
                    false
                }
            }

            impl $crate::Decode for $ty {
                fn decode(r: &mut $crate::ValueReader<'_>) -> $crate::Result<Self> {
                    let mut out = $($init)*;
                    $crate::Decode::decode_into(&mut out, r)?;
                    Ok(out)
                }

                #[allow(unused_assignments)]
                fn decode_into(&mut self, r: &mut $crate::ValueReader<'_>) -> $crate::Result<()> {
                    let mut fields = r.struct_fields(NAMES)?;
                    while let Some(found) = fields.next()? {
                        let mut index = 0usize;
                        $(
                            if found == index {
                                $crate::__gob_field_decode!(fields, &mut self.$field, $field_ty $(, $codec)?);
                                continue;
                            }
                            index += 1;
                        )*
                        let _ = index;
                    }
                    Ok(())
                }
            }
        };
    };
}

/// The Go type of a field, by its Rust type or its codec.
#[doc(hidden)]
#[macro_export]
macro_rules! __gob_field_type {
    ($field_ty:ty) => {
        <$field_ty as $crate::StaticType>::static_type
    };
    ($field_ty:ty, $codec:ty) => {
        <$codec as $crate::FieldCodec<$field_ty>>::static_type
    };
}

/// Writes a field (omitted when zero), by its Rust type or its codec.
#[doc(hidden)]
#[macro_export]
macro_rules! __gob_field_encode {
    ($fields:ident, $index:ident, $value:expr, $field_ty:ty) => {
        $fields.field($index, $value)?
    };
    ($fields:ident, $index:ident, $value:expr, $field_ty:ty, $codec:ty) => {
        if !<$codec as $crate::FieldCodec<$field_ty>>::is_zero($value) {
            $fields.field_with($index, |w| <$codec as $crate::FieldCodec<$field_ty>>::encode($value, w))?;
        }
    };
}

/// Reads a field into place, by its Rust type or its codec.
#[doc(hidden)]
#[macro_export]
macro_rules! __gob_field_decode {
    ($fields:ident, $target:expr, $field_ty:ty) => {
        $fields.decode_into($target)?
    };
    ($fields:ident, $target:expr, $field_ty:ty, $codec:ty) => {
        $fields.decode_with(|r| <$codec as $crate::FieldCodec<$field_ty>>::decode_into($target, r))?
    };
}
