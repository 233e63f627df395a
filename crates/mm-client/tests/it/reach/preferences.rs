//! Reach entries: user preferences.

use mm_types::convert::IntoWire;
use mm_types::{PreferenceCategory, wire};

use super::{Reach, fx, id};

pub async fn run(r: &mut Reach) {
    let c = r.client.clone();
    let g = c.preferences();
    r.check(
        "GetPreferenceForUser",
        g.get(
            &id("GetPreferenceForUser.user_id"),
            PreferenceCategory::FlaggedPost,
            "GetPreferenceForUser.name",
        ),
        wire::GetPreferenceForUserRequest {
            user_id: "GetPreferenceForUser.user_id".into(),
            category: "flagged_post".into(),
            name: "GetPreferenceForUser.name".into(),
        },
    )
    .await;
    r.check(
        "GetPreferencesForUser",
        g.for_user(&id("GetPreferencesForUser.user_id")),
        wire::GetPreferencesForUserRequest { user_id: "GetPreferencesForUser.user_id".into() },
    )
    .await;
    r.check(
        "UpdatePreferencesForUser",
        g.update(&id("UpdatePreferencesForUser.user_id"), vec![fx::preference(), fx::preference()]),
        wire::UpdatePreferencesForUserRequest {
            user_id: "UpdatePreferencesForUser.user_id".into(),
            preferences: vec![fx::preference(), fx::preference()].into_wire(),
        },
    )
    .await;
    r.check(
        "DeletePreferencesForUser",
        g.delete(&id("DeletePreferencesForUser.user_id"), vec![fx::preference(), fx::preference()]),
        wire::DeletePreferencesForUserRequest {
            user_id: "DeletePreferencesForUser.user_id".into(),
            preferences: vec![fx::preference(), fx::preference()].into_wire(),
        },
    )
    .await;
}
