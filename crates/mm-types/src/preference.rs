//! User preferences: small settings stored per user as (category, name, value).

use mm_proto::v1 as wire;
use serde::{Deserialize, Serialize};

use crate::enums::string_enum;
use crate::id::UserId;
use crate::wire_struct;

string_enum! {
    /// The category of a preference. Mattermost's own categories are listed; plugins may
    /// use categories of their own, which are kept as [`PreferenceCategory::Other`].
    pub enum PreferenceCategory {
        /// Direct message channels shown in the sidebar (name: the other user's id).
        DirectChannelShow = "direct_channel_show",
        /// Group message channels shown in the sidebar (name: the channel id).
        GroupChannelShow = "group_channel_show",
        /// Onboarding tutorial progress.
        TutorialStep = "tutorial_step",
        /// Advanced settings (send on Ctrl+Enter...).
        AdvancedSettings = "advanced_settings",
        /// Saved ("flagged") posts (name: the post id).
        FlaggedPost = "flagged_post",
        /// Favorite channels (name: the channel id).
        FavoriteChannel = "favorite_channel",
        /// Sidebar settings.
        SidebarSettings = "sidebar_settings",
        /// Display settings (`use_military_time`, `name_format`, `collapsed_reply_threads`...).
        DisplaySettings = "display_settings",
        /// Themes (name: the team id, or empty for all teams; value: a JSON object).
        Theme = "theme",
        /// OAuth apps the user authorized (name: the client id).
        AuthorizedOAuthApp = "oauth_app",
        /// The last channel and team viewed.
        Last = "last",
        /// Custom status settings and recent statuses.
        CustomStatus = "custom_status",
        /// Notification settings (`email_interval`...).
        Notifications = "notifications",
        /// Recommended next steps shown to new users.
        RecommendedNextSteps = "recommended_next_steps",
    }
    default = Other(String::new());
}

/// One user preference.
///
/// ```
/// use mm_types::{Preference, PreferenceCategory, UserId};
/// let user = UserId::parse("8ds6pkzokfbf3r1ihxzrpiuxye").unwrap();
/// let pref = Preference::new(user, PreferenceCategory::DisplaySettings, "use_military_time", "true");
/// assert_eq!(pref.category.as_str(), "display_settings");
/// assert_eq!(pref.as_bool(), Some(true));
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(default)]
pub struct Preference {
    /// Whose preference this is.
    pub user_id: UserId,
    /// The category.
    pub category: PreferenceCategory,
    /// The name inside the category (often an id, such as a channel id).
    pub name: String,
    /// The value, as text (`"true"`, a number, a JSON document...).
    pub value: String,
}

impl Preference {
    /// A preference of `user_id`.
    pub fn new(
        user_id: UserId,
        category: impl Into<PreferenceCategory>,
        name: impl Into<String>,
        value: impl Into<String>,
    ) -> Self {
        Preference { user_id, category: category.into(), name: name.into(), value: value.into() }
    }

    /// The value as a boolean, when it is `"true"` or `"false"`.
    pub fn as_bool(&self) -> Option<bool> {
        match self.value.as_str() {
            "true" => Some(true),
            "false" => Some(false),
            _ => None,
        }
    }
}

wire_struct! {
    Preference <=> wire::Preference { user_id, category, name, value }
}
