//! Typed ids: a [`UserId`] cannot be passed where a [`ChannelId`] is wanted.
//!
//! Mattermost ids are 26 lowercase letters and digits (a UUID in base32). [`Id::parse`] (and
//! `str::parse`) validate that shape for input from outside, such as a URL or a command
//! argument. Ids read from the server are kept exactly as received, so converting a message
//! and back never changes it; an entity not yet created has an empty id.

use std::cmp::Ordering;
use std::collections::HashMap;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::marker::PhantomData;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::convert::{FromWire, IntoWire};
use crate::error::{Error, Result};

/// The length of a Mattermost id.
pub const ID_LEN: usize = 26;

/// The kind of entity an [`Id`] names. Implemented by the marker types in [`marker`].
pub trait Marker {
    /// A lowercase name for messages (`"user"`, `"channel"`).
    const NAME: &'static str;
}

/// An id of an entity of kind `M` (see the aliases such as [`UserId`]).
pub struct Id<M> {
    value: String,
    kind: PhantomData<fn() -> M>,
}

impl<M: Marker> Id<M> {
    /// Validates a Mattermost id: 26 ASCII lowercase letters or digits.
    ///
    /// ```
    /// use mm_types::UserId;
    /// let id = UserId::parse("8ds6pkzokfbf3r1ihxzrpiuxye").unwrap();
    /// assert_eq!(id.as_str(), "8ds6pkzokfbf3r1ihxzrpiuxye");
    /// assert!(UserId::parse("not an id").is_err());
    /// ```
    pub fn parse(value: impl Into<String>) -> Result<Self> {
        let value = value.into();
        let reason = if value.len() != ID_LEN {
            Some("must be 26 characters long")
        } else if !value.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit()) {
            Some("must hold only lowercase letters and digits")
        } else {
            None
        };
        match reason {
            Some(reason) => Err(Error::InvalidId { kind: M::NAME, value, reason }),
            None => Ok(Self::from_raw(value)),
        }
    }

    /// A fresh random id in Mattermost's format (like the server's `model.NewId`).
    pub fn generate() -> Self {
        // Mattermost encodes 16 random bytes in base32 with this alphabet, without padding.
        const ALPHABET: &[u8; 32] = b"ybndrfg8ejkmcpqxot1uwisza345h769";
        let bytes: [u8; 16] = crate::random::bytes();
        let mut out = String::with_capacity(ID_LEN);
        let mut buffer: u32 = 0;
        let mut bits = 0;
        for byte in bytes {
            buffer = (buffer << 8) | u32::from(byte);
            bits += 8;
            while bits >= 5 {
                bits -= 5;
                out.push(ALPHABET[((buffer >> bits) & 31) as usize] as char);
            }
        }
        out.push(ALPHABET[((buffer << (5 - bits)) & 31) as usize] as char);
        Self::from_raw(out)
    }
}

impl<M> Id<M> {
    /// Wraps a string without validating it: for values that come from the server or
    /// that the caller already trusts.
    pub fn from_raw(value: impl Into<String>) -> Self {
        Id { value: value.into(), kind: PhantomData }
    }

    /// The id as text.
    pub fn as_str(&self) -> &str {
        &self.value
    }

    /// The id as an owned string.
    pub fn into_string(self) -> String {
        self.value
    }

    /// Whether the id is empty (an entity the server has not created yet).
    pub fn is_empty(&self) -> bool {
        self.value.is_empty()
    }

    /// Reinterprets the id as an id of another kind, for the few places where Mattermost uses
    /// one entity's id for another (a bot's id is its user id, a DM's `team_id` is empty...).
    pub fn cast<N>(self) -> Id<N> {
        Id::from_raw(self.value)
    }
}

impl<M> Clone for Id<M> {
    fn clone(&self) -> Self {
        Id::from_raw(self.value.clone())
    }
}

impl<M> Default for Id<M> {
    fn default() -> Self {
        Id::from_raw(String::new())
    }
}

impl<M> PartialEq for Id<M> {
    fn eq(&self, other: &Self) -> bool {
        self.value == other.value
    }
}

impl<M> Eq for Id<M> {}

impl<M> PartialEq<str> for Id<M> {
    fn eq(&self, other: &str) -> bool {
        self.value == other
    }
}

impl<M> PartialEq<&str> for Id<M> {
    fn eq(&self, other: &&str) -> bool {
        self.value == *other
    }
}

impl<M> PartialOrd for Id<M> {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl<M> Ord for Id<M> {
    fn cmp(&self, other: &Self) -> Ordering {
        self.value.cmp(&other.value)
    }
}

impl<M> Hash for Id<M> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.value.hash(state);
    }
}

impl<M: Marker> fmt::Debug for Id<M> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Id<{}>({:?})", M::NAME, self.value)
    }
}

impl<M> fmt::Display for Id<M> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.value)
    }
}

impl<M> AsRef<str> for Id<M> {
    fn as_ref(&self) -> &str {
        &self.value
    }
}

impl<M: Marker> FromStr for Id<M> {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self> {
        Self::parse(s)
    }
}

impl<M> From<Id<M>> for String {
    fn from(id: Id<M>) -> String {
        id.value
    }
}

impl<M> From<&Id<M>> for Id<M> {
    fn from(id: &Id<M>) -> Self {
        id.clone()
    }
}

impl<M> Serialize for Id<M> {
    fn serialize<S: Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.value)
    }
}

impl<'de, M> Deserialize<'de> for Id<M> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> std::result::Result<Self, D::Error> {
        // JSON from the server is trusted like wire values: kept as is, never validated.
        String::deserialize(deserializer).map(Id::from_raw)
    }
}

impl<M> FromWire<String> for Id<M> {
    fn from_wire(wire: String) -> Result<Self> {
        Ok(Id::from_raw(wire))
    }
}

impl<M> IntoWire<String> for Id<M> {
    fn into_wire(self) -> String {
        self.value
    }
}

impl<M> FromWire<String> for Option<Id<M>> {
    fn from_wire(wire: String) -> Result<Self> {
        Ok((!wire.is_empty()).then(|| Id::from_raw(wire)))
    }
}

impl<M> IntoWire<String> for Option<Id<M>> {
    fn into_wire(self) -> String {
        self.map(Id::into_string).unwrap_or_default()
    }
}

impl<M, D: FromWire<W>, W> FromWire<HashMap<String, W>> for HashMap<Id<M>, D> {
    fn from_wire(wire: HashMap<String, W>) -> Result<Self> {
        wire.into_iter().map(|(k, v)| Ok((Id::from_raw(k), D::from_wire(v)?))).collect()
    }
}

impl<M, D: IntoWire<W>, W> IntoWire<HashMap<String, W>> for HashMap<Id<M>, D> {
    fn into_wire(self) -> HashMap<String, W> {
        self.into_iter().map(|(k, v)| (k.value, v.into_wire())).collect()
    }
}

/// Serde for `Option<Id>` fields that Mattermost's JSON writes as `""` when absent.
pub(crate) mod empty_as_none {
    use super::Id;
    use serde::{Deserialize, Deserializer, Serializer};

    pub(crate) fn serialize<M, S: Serializer>(id: &Option<Id<M>>, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(id.as_ref().map_or("", |id| id.as_str()))
    }

    pub(crate) fn deserialize<'de, M, D: Deserializer<'de>>(d: D) -> Result<Option<Id<M>>, D::Error> {
        let value = Option::<String>::deserialize(d)?;
        Ok(value.filter(|v| !v.is_empty()).map(Id::from_raw))
    }
}

macro_rules! ids {
    ($($(#[$doc:meta])* $alias:ident => $marker:ident, $name:literal;)*) => {
        /// Marker types naming the kind of an [`Id`](super::Id).
        pub mod marker {
            $(
                #[doc = concat!("Marks an id of a ", $name, ".")]
                #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
                #[non_exhaustive]
                pub enum $marker {}

                impl super::Marker for $marker {
                    const NAME: &'static str = $name;
                }
            )*
        }
        $(
            $(#[$doc])*
            pub type $alias = Id<marker::$marker>;
        )*
    };
}

ids! {
    /// The id of a user (people and bots: a bot's id is its user id).
    UserId => User, "user";
    /// The id of a team.
    TeamId => Team, "team";
    /// The id of a channel.
    ChannelId => Channel, "channel";
    /// The id of a post.
    PostId => Post, "post";
    /// The id of a file.
    FileId => File, "file";
    /// The id of a login session.
    SessionId => Session, "session";
    /// The id of a personal access token.
    TokenId => Token, "access token";
    /// The id of a slash command.
    CommandId => Command, "command";
    /// The id of a custom emoji.
    EmojiId => Emoji, "emoji";
    /// The id of a scheduled post.
    ScheduledPostId => ScheduledPost, "scheduled post";
    /// The id of a user group.
    GroupId => Group, "group";
    /// The id of an OAuth application.
    OAuthAppId => OAuthApp, "OAuth app";
    /// The id of a remote cluster (shared channels).
    RemoteId => Remote, "remote cluster";
    /// The id of an upload session.
    UploadId => Upload, "upload session";
    /// The id of a sidebar category.
    CategoryId => Category, "sidebar category";
    /// The id of a property group.
    PropertyGroupId => PropertyGroup, "property group";
    /// The id of a property field.
    PropertyFieldId => PropertyField, "property field";
    /// The id of a property value.
    PropertyValueId => PropertyValue, "property value";
    /// The id of a permission scheme.
    SchemeId => Scheme, "scheme";
    /// The id of a request, as the server logs it.
    RequestId => Request, "request";
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_accepts_mattermost_ids_and_explains_rejections() {
        assert!(UserId::parse("8ds6pkzokfbf3r1ihxzrpiuxye").is_ok());
        let err = ChannelId::parse("short").unwrap_err();
        assert_eq!(err.to_string(), "invalid channel id \"short\": must be 26 characters long");
        let err = PostId::parse("8DS6PKZOKFBF3R1IHXZRPIUXYE").unwrap_err();
        assert!(err.to_string().contains("lowercase"), "{err}");
        let err = TeamId::parse("8ds6pkzokfbf3r1ihxzrpiux-e").unwrap_err();
        assert!(matches!(err, Error::InvalidId { kind: "team", .. }));
    }

    #[test]
    fn generated_ids_are_valid_and_distinct() {
        let a = UserId::generate();
        let b = UserId::generate();
        assert_ne!(a, b);
        for id in [a, b] {
            UserId::parse(id.as_str()).expect("generated id parses");
        }
    }

    #[test]
    fn wire_keeps_any_string_and_empty_means_none() {
        let id: UserId = FromWire::from_wire("anything at all".to_string()).unwrap();
        assert_eq!(id, "anything at all");
        let none: Option<UserId> = FromWire::from_wire(String::new()).unwrap();
        assert_eq!(none, None);
        let back: String = IntoWire::into_wire(none);
        assert_eq!(back, "");
    }
}
