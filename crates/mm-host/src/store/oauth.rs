//! OAuth 2.0 applications registered on the server.

use mm_types::{OAuthApp, OAuthAppId, UserId};

use super::errors::{bad_request, not_found};
use super::{AppResult, State};

fn missing_app(id: &str) -> mm_types::AppError {
    not_found("app.oauth.get_app.find.app_error", format!("Unable to find the OAuth app ({id})."))
}

fn validate(app: &OAuthApp) -> AppResult<()> {
    if app.name.trim().is_empty() || app.name.chars().count() > 64 {
        return Err(bad_request(
            "model.oauth.is_valid.name.app_error",
            "The app name must be 1 to 64 characters long.",
        ));
    }
    if app.callback_urls.is_empty() || app.callback_urls.iter().any(|u| !is_http_url(u)) {
        return Err(bad_request(
            "model.oauth.is_valid.callback.app_error",
            "The app needs at least one callback URL, each http:// or https://.",
        ));
    }
    if !is_http_url(&app.homepage) {
        return Err(bad_request(
            "model.oauth.is_valid.homepage_url.app_error",
            "The homepage must be an http(s) URL.",
        ));
    }
    if !app.icon_url.is_empty() && !is_http_url(&app.icon_url) {
        return Err(bad_request(
            "model.oauth.is_valid.icon_url.app_error",
            "The icon must be an http(s) URL.",
        ));
    }
    Ok(())
}

fn is_http_url(url: &str) -> bool {
    let rest = url.strip_prefix("https://").or_else(|| url.strip_prefix("http://"));
    rest.is_some_and(|r| !r.is_empty() && !r.contains(char::is_whitespace))
}

impl State {
    /// Registers an app; the host makes its id and client secret.
    pub(crate) fn create_oauth_app(&mut self, mut app: OAuthApp) -> AppResult<OAuthApp> {
        validate(&app)?;
        if !app.creator_id.is_empty() {
            self.user(&app.creator_id)?;
        }
        let now = self.tick();
        app.id = OAuthAppId::generate();
        app.client_secret = UserId::generate().into_string();
        app.create_at = now;
        app.update_at = now;
        self.oauth_apps.insert(app.id.clone(), app.clone());
        Ok(app)
    }

    pub(crate) fn oauth_app(&self, id: &OAuthAppId) -> AppResult<OAuthApp> {
        self.oauth_apps.get(id).cloned().ok_or_else(|| missing_app(id.as_str()))
    }

    /// Updates an app's description fields; id, secret, creator and creation time stay.
    pub(crate) fn update_oauth_app(&mut self, mut app: OAuthApp) -> AppResult<OAuthApp> {
        let existing = self.oauth_app(&app.id)?;
        validate(&app)?;
        app.client_secret = existing.client_secret;
        app.creator_id = existing.creator_id;
        app.create_at = existing.create_at;
        app.update_at = self.tick();
        self.oauth_apps.insert(app.id.clone(), app.clone());
        Ok(app)
    }

    pub(crate) fn delete_oauth_app(&mut self, id: &OAuthAppId) -> AppResult<()> {
        self.oauth_apps.remove(id).map(|_| ()).ok_or_else(|| missing_app(id.as_str()))
    }
}
