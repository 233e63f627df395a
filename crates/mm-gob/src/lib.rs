//! Go's `encoding/gob` in Rust: the codec of the stock Mattermost plugin protocol, where the
//! server talks to plugins with Go's net/rpc over gob.
//!
//! Pure byte-buffer encoding and decoding, no I/O. One [`Encoder`] and one [`Decoder`] per
//! stream direction hold what gob remembers between values (the types defined so far).
//!
//! - Typed values implement [`Encode`] and [`Decode`]; [`gob_struct!`] and [`gob_impl!`]
//!   write the impls for structs with Go field names.
//! - [`Value`] decodes any gob value without a schema and re-encodes it so Go gets the same
//!   value back; [`Interface`] is a Go interface value (`Props` entries).
//! - Decoding never panics on input, bounds memory ([`Limits`]), and handles values that
//!   continue in a later message ([`ErrorKind::Incomplete`]).
//!
//! ```
//! use bytes::BytesMut;
//! use mm_gob::{Decoder, Encoder, Interface, Limits, MessageQueue};
//!
//! mm_gob::gob_struct! {
//!     #[derive(Debug, Default, PartialEq)]
//!     pub struct Post = "Post" {
//!         pub id: String = "Id",
//!         pub create_at: i64 = "CreateAt",
//!         pub props: std::collections::HashMap<String, Option<Interface>> = "Props",
//!     }
//! }
//!
//! let post = Post {
//!     id: "p1".into(),
//!     create_at: 1_700_000_002_000,
//!     props: [("count".to_string(), Some(Interface::int(2)))].into(),
//! };
//! let mut stream = Vec::new();
//! Encoder::new().encode(&post, &mut stream)?;
//!
//! let limits = Limits::default();
//! let mut queue = MessageQueue::new();
//! queue.fill_from(&mut BytesMut::from(&stream[..]), &limits)?;
//! let decoded: Post = Decoder::new(limits).decode(&mut queue)?;
//! assert_eq!(decoded, post);
//! # Ok::<(), mm_gob::Error>(())
//! ```

pub mod builtin;
pub mod decode;
pub mod encode;
pub mod error;
mod impls;
pub mod macros;
pub mod message;
pub mod types;
pub mod value;
mod wire;

pub use decode::{Decode, Decoder, Limits, MapReader, SliceReader, StructReader, ValueReader};
pub use encode::{Encode, Encoder, MapWriter, SliceWriter, StructWriter, ValueWriter};
pub use error::{Error, ErrorKind, PathSegment, Result};
pub use message::{MessageQueue, split_message};
pub use types::{DynType, Field, FieldCodec, GoType, Kind, OpaqueKind, StaticType, TypeKind, TypeRef};
pub use value::{Interface, Value};

// The per-stream state moves between tasks and threads (net/rpc readers and writers).
const _: () = {
    const fn send_sync<T: Send + Sync>() {}
    send_sync::<Encoder>();
    send_sync::<Decoder>();
    send_sync::<MessageQueue>();
    send_sync::<Value>();
    send_sync::<Error>();
};

/// The README's examples, compiled and run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
