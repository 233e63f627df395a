//! User preferences.

use mm_types::convert::IntoWire;
use mm_types::{Preference, PreferenceCategory, UserId, wire};

use crate::client::{ApiClient, from_wire, payload};
use crate::mode::Mode;

/// User preferences: `client.preferences()`.
///
/// ```no_run
/// # async fn demo(client: mm_client::Client, channel: mm_types::ChannelId, user: mm_types::UserId) -> mm_client::Result<()> {
/// let preferences = client.preferences().for_user(&user).await?;
/// # Ok(()) }
/// ```
#[derive(Debug)]
pub struct Preferences<'a, M: Mode> {
    client: &'a ApiClient<M>,
}

impl<M: Mode> ApiClient<M> {
    /// User preferences.
    pub fn preferences(&self) -> Preferences<'_, M> {
        Preferences { client: self }
    }
}

impl<M: Mode> Preferences<'_, M> {
    /// One preference of a user (`GetPreferenceForUser`).
    pub fn get(&self, user_id: &UserId, category: PreferenceCategory, name: &str) -> M::Output<Preference> {
        let request = wire::GetPreferenceForUserRequest {
            user_id: user_id.to_string(),
            category: category.into_wire(),
            name: name.to_owned(),
        };
        self.client.call(request, |r| payload(r.preference, "preference"))
    }

    /// Every preference of a user (`GetPreferencesForUser`).
    pub fn for_user(&self, user_id: &UserId) -> M::Output<Vec<Preference>> {
        let request = wire::GetPreferencesForUserRequest { user_id: user_id.to_string() };
        self.client.call(request, |r| from_wire(r.preferences))
    }

    /// Saves preferences of a user (`UpdatePreferencesForUser`).
    pub fn update(&self, user_id: &UserId, preferences: Vec<Preference>) -> M::Output<()> {
        let request = wire::UpdatePreferencesForUserRequest {
            user_id: user_id.to_string(),
            preferences: preferences.into_wire(),
        };
        self.client.call(request, |_| Ok(()))
    }

    /// Deletes preferences of a user (`DeletePreferencesForUser`).
    pub fn delete(&self, user_id: &UserId, preferences: Vec<Preference>) -> M::Output<()> {
        let request = wire::DeletePreferencesForUserRequest {
            user_id: user_id.to_string(),
            preferences: preferences.into_wire(),
        };
        self.client.call(request, |_| Ok(()))
    }
}
