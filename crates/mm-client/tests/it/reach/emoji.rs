//! Reach entries: custom emoji.

use mm_types::{EmojiSort, Page, wire};

use super::{Reach, id};

pub async fn run(r: &mut Reach) {
    let c = r.client.clone();
    let g = c.emoji();
    r.check(
        "GetEmojiList",
        g.list(EmojiSort::from("GetEmojiList.sort_by"), Page::new(101, 102)),
        wire::GetEmojiListRequest { sort_by: "GetEmojiList.sort_by".into(), page: 101, per_page: 102 },
    )
    .await;
    r.check(
        "GetEmojiByName",
        g.get_by_name("GetEmojiByName.name"),
        wire::GetEmojiByNameRequest { name: "GetEmojiByName.name".into() },
    )
    .await;
    r.check(
        "GetEmoji",
        g.get(&id("GetEmoji.emoji_id")),
        wire::GetEmojiRequest { emoji_id: "GetEmoji.emoji_id".into() },
    )
    .await;
    r.check(
        "GetEmojiImage",
        g.image(&id("GetEmojiImage.emoji_id")),
        wire::GetEmojiImageRequest { emoji_id: "GetEmojiImage.emoji_id".into() },
    )
    .await;
}
