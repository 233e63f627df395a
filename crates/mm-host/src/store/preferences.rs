//! User preferences: (category, name) -> value per user.

use mm_types::{Preference, PreferenceCategory, UserId};

use super::errors::{bad_request, forbidden, not_found};
use super::{AppResult, State, Store};

fn validate(user: &UserId, preference: &Preference) -> AppResult<()> {
    if &preference.user_id != user {
        return Err(forbidden(
            "api.preference.update_preferences.set.app_error",
            "Unable to set preferences for another user.",
        ));
    }
    if preference.category.as_str().is_empty() || preference.category.as_str().len() > 32 {
        return Err(bad_request(
            "model.preference.is_valid.category.app_error",
            "Invalid preference category.",
        ));
    }
    if preference.name.len() > 32 {
        return Err(bad_request("model.preference.is_valid.name.app_error", "Invalid preference name."));
    }
    if preference.value.chars().count() > 2000 {
        return Err(bad_request(
            "model.preference.is_valid.value.app_error",
            "The preference value is too long.",
        ));
    }
    Ok(())
}

impl State {
    pub(crate) fn preference(&self, user: &UserId, category: &str, name: &str) -> AppResult<Preference> {
        self.user(user)?;
        self.preferences
            .get(&(user.clone(), category.to_string(), name.to_string()))
            .map(|value| {
                Preference::new(user.clone(), PreferenceCategory::from(category), name, value.clone())
            })
            .ok_or_else(|| not_found("app.preference.get.app_error", "Unable to get the preference."))
    }

    pub(crate) fn preferences_of(&self, user: &UserId) -> AppResult<Vec<Preference>> {
        self.user(user)?;
        Ok(self
            .preferences
            .iter()
            .filter(|((u, _, _), _)| u == user)
            .map(|((u, c, n), v)| {
                Preference::new(u.clone(), PreferenceCategory::from(c.as_str()), n.clone(), v.clone())
            })
            .collect())
    }

    /// Saves preferences; all of them must belong to `user`.
    pub(crate) fn save_preferences(&mut self, user: &UserId, preferences: &[Preference]) -> AppResult<()> {
        self.user(user)?;
        for p in preferences {
            validate(user, p)?;
        }
        for p in preferences {
            self.preferences.insert((user.clone(), p.category.to_string(), p.name.clone()), p.value.clone());
        }
        Ok(())
    }

    pub(crate) fn delete_preferences(&mut self, user: &UserId, preferences: &[Preference]) -> AppResult<()> {
        self.user(user)?;
        for p in preferences {
            if &p.user_id != user {
                return Err(forbidden(
                    "api.preference.delete_preferences.delete.app_error",
                    "Unable to delete preferences of another user.",
                ));
            }
        }
        for p in preferences {
            self.preferences.remove(&(user.clone(), p.category.to_string(), p.name.clone()));
        }
        Ok(())
    }
}

impl Store {
    /// A user's preferences.
    pub fn preferences(&self, user: &UserId) -> Vec<Preference> {
        self.lock().preferences_of(user).unwrap_or_default()
    }
}
