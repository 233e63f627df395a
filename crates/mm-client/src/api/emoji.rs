//! Custom emoji.

use bytes::Bytes;
use mm_types::{Emoji, EmojiId, wire};
use mm_types::{EmojiSort, Page};

use crate::client::{ApiClient, from_wire, payload};
use crate::mode::Mode;

/// Custom emoji: `client.emoji()`.
///
/// ```no_run
/// # async fn demo(client: mm_client::Client, channel: mm_types::ChannelId, user: mm_types::UserId) -> mm_client::Result<()> {
/// let party = client.emoji().get_by_name("partyparrot").await?;
/// let image = client.emoji().image(&party.id).await?;
/// println!("{} bytes of {}", image.data.len(), image.content_type);
/// # Ok(()) }
/// ```
#[derive(Debug)]
pub struct Emojis<'a, M: Mode> {
    client: &'a ApiClient<M>,
}

impl<M: Mode> ApiClient<M> {
    /// Custom emoji.
    pub fn emoji(&self) -> Emojis<'_, M> {
        Emojis { client: self }
    }
}

impl<M: Mode> Emojis<'_, M> {
    /// A page of custom emoji, sorted by `sort` (`GetEmojiList`).
    pub fn list(&self, sort: EmojiSort, page: Page) -> M::Output<Vec<Emoji>> {
        let request = wire::GetEmojiListRequest {
            sort_by: sort.into(),
            page: page.wire_index(),
            per_page: page.wire_per_page(),
        };
        self.client.call(request, |r| from_wire(r.emojis))
    }

    /// A custom emoji by name, without colons (`GetEmojiByName`).
    pub fn get_by_name(&self, name: &str) -> M::Output<Emoji> {
        let request = wire::GetEmojiByNameRequest { name: name.to_owned() };
        self.client.call(request, |r| payload(r.emoji, "emoji"))
    }

    /// A custom emoji by id (`GetEmoji`).
    pub fn get(&self, emoji_id: &EmojiId) -> M::Output<Emoji> {
        let request = wire::GetEmojiRequest { emoji_id: emoji_id.to_string() };
        self.client.call(request, |r| payload(r.emoji, "emoji"))
    }

    /// A custom emoji's image and its content type (`GetEmojiImage`).
    pub fn image(&self, emoji_id: &EmojiId) -> M::Output<EmojiImage> {
        let request = wire::GetEmojiImageRequest { emoji_id: emoji_id.to_string() };
        self.client.call(request, |r| Ok(EmojiImage { data: r.image, content_type: r.content_type }))
    }
}

/// A custom emoji's image, as [`Emojis::image`] returns it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EmojiImage {
    /// The image bytes.
    pub data: Bytes,
    /// The image's MIME type (`image/png`, `image/gif`...).
    pub content_type: String,
}
