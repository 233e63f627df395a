//! OAuth applications.

use mm_types::convert::IntoWire;
use mm_types::{OAuthApp, OAuthAppId, wire};

use crate::client::{ApiClient, payload};
use crate::mode::Mode;

/// OAuth applications: `client.oauth()`.
///
/// ```no_run
/// # async fn demo(client: mm_client::Client, channel: mm_types::ChannelId, user: mm_types::UserId) -> mm_client::Result<()> {
/// let app = client.oauth().get(&"oauth-app-id".parse()?).await?;
/// # Ok(()) }
/// ```
#[derive(Debug)]
pub struct OAuthApps<'a, M: Mode> {
    client: &'a ApiClient<M>,
}

impl<M: Mode> ApiClient<M> {
    /// OAuth applications.
    pub fn oauth(&self) -> OAuthApps<'_, M> {
        OAuthApps { client: self }
    }
}

impl<M: Mode> OAuthApps<'_, M> {
    /// Registers an OAuth application (`CreateOAuthApp`).
    pub fn create(&self, app: OAuthApp) -> M::Output<OAuthApp> {
        let request = wire::CreateOAuthAppRequest { app: Some(app.into_wire()) };
        self.client.call(request, |r| payload(r.app, "app"))
    }

    /// An OAuth application by id (`GetOAuthApp`).
    pub fn get(&self, app_id: &OAuthAppId) -> M::Output<OAuthApp> {
        let request = wire::GetOAuthAppRequest { app_id: app_id.to_string() };
        self.client.call(request, |r| payload(r.app, "app"))
    }

    /// Updates an OAuth application (`UpdateOAuthApp`).
    pub fn update(&self, app: OAuthApp) -> M::Output<OAuthApp> {
        let request = wire::UpdateOAuthAppRequest { app: Some(app.into_wire()) };
        self.client.call(request, |r| payload(r.app, "app"))
    }

    /// Deletes an OAuth application (`DeleteOAuthApp`).
    pub fn delete(&self, app_id: &OAuthAppId) -> M::Output<()> {
        let request = wire::DeleteOAuthAppRequest { app_id: app_id.to_string() };
        self.client.call(request, |_| Ok(()))
    }
}
