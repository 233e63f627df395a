//! OAuth 2.0 applications registered on the server.

use mm_proto::v1 as wire;
use serde::{Deserialize, Serialize};

use crate::convert::{FromWire, IntoWire, field};
use crate::error::Result;
use crate::id::{OAuthAppId, UserId};
use crate::timestamp::Timestamp;

/// An OAuth 2.0 application.
///
/// ```
/// use mm_types::OAuthApp;
/// let app = OAuthApp::new("Dashboard", "https://dash.example.com")
///     .with_callback_url("https://dash.example.com/oauth/callback");
/// assert_eq!(app.callback_urls.len(), 1);
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct OAuthApp {
    /// The app's id, which is also its OAuth client id (empty until created).
    pub id: OAuthAppId,
    /// Who registered it.
    pub creator_id: UserId,
    /// When it was registered.
    pub create_at: Timestamp,
    /// When it last changed.
    pub update_at: Timestamp,
    /// The OAuth client secret.
    pub client_secret: String,
    /// The app's name.
    pub name: String,
    /// What it does.
    pub description: String,
    /// Its icon.
    pub icon_url: String,
    /// The URLs the server may redirect to after authorization. The wire joins them with
    /// commas, as the server does.
    #[serde(deserialize_with = "crate::json::null_as_default")]
    pub callback_urls: Vec<String>,
    /// The app's home page.
    pub homepage: String,
    /// Whether users skip the authorization prompt.
    pub is_trusted: bool,
    /// The id of the Mattermost App behind it, if any.
    pub mattermost_app_id: String,
}

impl OAuthApp {
    /// A new app with a name and a home page.
    pub fn new(name: impl Into<String>, homepage: impl Into<String>) -> Self {
        OAuthApp { name: name.into(), homepage: homepage.into(), ..Default::default() }
    }

    /// Adds a callback URL.
    pub fn with_callback_url(mut self, url: impl Into<String>) -> Self {
        self.callback_urls.push(url.into());
        self
    }

    /// Sets the description.
    pub fn with_description(mut self, description: impl Into<String>) -> Self {
        self.description = description.into();
        self
    }
}

// Written out rather than with `wire_struct!` because `callback_urls` changes shape: the wire
// holds one comma-separated string ("" for none), the domain a list.
impl FromWire<wire::OAuthApp> for OAuthApp {
    fn from_wire(wire: wire::OAuthApp) -> Result<Self> {
        let callback_urls = if wire.callback_urls.is_empty() {
            Vec::new()
        } else {
            wire.callback_urls.split(',').map(str::to_string).collect()
        };
        Ok(OAuthApp {
            id: field(wire.id, "OAuthApp", "id")?,
            creator_id: field(wire.creator_id, "OAuthApp", "creator_id")?,
            create_at: field(wire.create_at, "OAuthApp", "create_at")?,
            update_at: field(wire.update_at, "OAuthApp", "update_at")?,
            client_secret: wire.client_secret,
            name: wire.name,
            description: wire.description,
            icon_url: wire.icon_url,
            callback_urls,
            homepage: wire.homepage,
            is_trusted: wire.is_trusted,
            mattermost_app_id: wire.mattermost_app_id,
        })
    }
}

impl IntoWire<wire::OAuthApp> for OAuthApp {
    fn into_wire(self) -> wire::OAuthApp {
        wire::OAuthApp {
            id: self.id.into_wire(),
            creator_id: self.creator_id.into_wire(),
            create_at: self.create_at.into_wire(),
            update_at: self.update_at.into_wire(),
            client_secret: self.client_secret,
            name: self.name,
            description: self.description,
            icon_url: self.icon_url,
            callback_urls: self.callback_urls.join(","),
            homepage: self.homepage,
            is_trusted: self.is_trusted,
            mattermost_app_id: self.mattermost_app_id,
        }
    }
}

impl TryFrom<wire::OAuthApp> for OAuthApp {
    type Error = crate::Error;

    fn try_from(wire: wire::OAuthApp) -> Result<Self> {
        OAuthApp::from_wire(wire)
    }
}

impl From<OAuthApp> for wire::OAuthApp {
    fn from(app: OAuthApp) -> Self {
        app.into_wire()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn callback_urls_split_and_join_on_commas() {
        for urls in ["", "https://a", "https://a,https://b", ",", "https://a,,https://b"] {
            let wire = wire::OAuthApp { callback_urls: urls.to_string(), ..Default::default() };
            let app = OAuthApp::try_from(wire).unwrap();
            assert_eq!(wire::OAuthApp::from(app).callback_urls, urls);
        }
        let app = OAuthApp::try_from(wire::OAuthApp {
            callback_urls: "https://a,https://b".into(),
            ..Default::default()
        })
        .unwrap();
        assert_eq!(app.callback_urls, ["https://a", "https://b"]);
    }
}
