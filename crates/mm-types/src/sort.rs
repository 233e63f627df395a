//! Sort orders that listings accept, with the values the server's code checks for.

use crate::enums::string_enum;

string_enum! {
    /// How `GetUsers` sorts users (Mattermost's `UserGetOptions.Sort`). Each order applies to
    /// some filters only, as the server checks them; without one the server sorts by username.
    pub enum UserSort {
        /// Most recently active first; with a team filter only.
        LastActivityAt = "last_activity_at",
        /// Newest accounts first; with a team filter only.
        CreateAt = "create_at",
        /// By status (online first); with a channel filter only.
        Status = "status",
        /// Channel admins first; with a channel filter only.
        Admin = "admin",
        /// By display name; with a group filter only.
        DisplayName = "display_name",
        /// Least recently updated first, over all users (no filter).
        UpdateAtAsc = "update_at_asc",
    }
    default = Other(String::new());
}

string_enum! {
    /// How `GetUsersInChannel` sorts a channel's members (Mattermost's `ChannelSortBy*`).
    pub enum ChannelMemberSort {
        /// By username.
        Username = "username",
        /// By status (online first).
        Status = "status",
    }
    default = Username;
}

string_enum! {
    /// How `GetEmojiList` sorts custom emoji (Mattermost's `EmojiSortBy*`).
    pub enum EmojiSort {
        /// The store's order (no sorting).
        Unsorted = "",
        /// By name.
        Name = "name",
    }
    default = Unsorted;
}

string_enum! {
    /// Which field `GetFileInfos` sorts by (Mattermost's `FileinfoSortBy*`).
    pub enum FileSort {
        /// By upload time (the server's default).
        CreateAt = "CreateAt",
        /// By size.
        Size = "Size",
    }
    default = CreateAt;
}

string_enum! {
    /// A sort direction.
    pub enum SortOrder {
        /// Smallest (oldest) first.
        Asc = "asc",
        /// Largest (newest) first.
        Desc = "desc",
    }
    default = Desc;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_the_servers_strings() {
        assert_eq!(UserSort::LastActivityAt.as_str(), "last_activity_at");
        assert_eq!(ChannelMemberSort::Status.as_str(), "status");
        assert_eq!(EmojiSort::default().as_str(), "");
        assert_eq!(EmojiSort::from(""), EmojiSort::Unsorted);
        assert_eq!(FileSort::Size.as_str(), "Size");
        assert_eq!(String::from(SortOrder::Asc), "asc");
        assert_eq!(UserSort::from("something_new"), UserSort::Other("something_new".into()));
    }
}
