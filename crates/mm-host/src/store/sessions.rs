//! Login sessions and personal access tokens (they also authenticate REST calls to the host).

use mm_types::{Session, SessionId, Timestamp, TokenId, User, UserAccessToken, UserId};

/// The session property holding the CSRF token of a session made by a login.
pub(crate) const CSRF_PROP: &str = "csrf";

/// What a token authenticates, as the HTTP front needs it.
#[derive(Debug, Clone)]
pub(crate) struct TokenSession {
    /// The active user, without password.
    pub(crate) user: User,
    /// The session, for a session token (a personal access token has none).
    pub(crate) session_id: Option<SessionId>,
    /// Whether the session came from OAuth (only those may use `?access_token=` on the REST
    /// API).
    pub(crate) is_oauth: bool,
    /// The session's CSRF token (`props.csrf`), empty when it has none, as the server's
    /// `Session.GetCSRF`.
    pub(crate) csrf: String,
}

use super::errors::{bad_request, not_found};
use super::{AppResult, State, Store};

fn missing_session() -> mm_types::AppError {
    not_found("app.session.get.app_error", "Unable to find the session.")
}

/// A random secret in Mattermost's id format.
fn new_token() -> String {
    UserId::generate().into_string()
}

impl State {
    /// Creates a session for an existing user; the host fills in id, token and times.
    pub(crate) fn create_session(&mut self, mut session: Session) -> AppResult<Session> {
        let user = self.user(&session.user_id)?.clone();
        if user.delete_at.is_some() {
            return Err(bad_request("api.session.create.inactive_user", "The user is deactivated."));
        }
        session.id = SessionId::generate();
        if session.token.is_empty() {
            session.token = new_token();
        }
        let now = self.tick();
        session.create_at = now;
        session.last_activity_at = Some(now);
        if session.roles.is_empty() {
            session.roles = user.roles.clone();
        }
        self.sessions.insert(session.id.clone(), session.clone());
        Ok(session)
    }

    pub(crate) fn session(&self, id: &SessionId) -> AppResult<Session> {
        self.sessions.get(id).cloned().ok_or_else(missing_session)
    }

    pub(crate) fn extend_session(&mut self, id: &SessionId, expires_at: i64) -> AppResult<()> {
        let session = self.sessions.get_mut(id).ok_or_else(missing_session)?;
        session.expires_at = (expires_at != 0).then(|| Timestamp::from_millis(expires_at));
        Ok(())
    }

    pub(crate) fn revoke_session(&mut self, id: &SessionId) -> AppResult<()> {
        self.sessions.remove(id).map(|_| ()).ok_or_else(missing_session)
    }

    pub(crate) fn create_access_token(&mut self, mut token: UserAccessToken) -> AppResult<UserAccessToken> {
        self.user(&token.user_id)?;
        if token.description.chars().count() > 255 {
            return Err(bad_request(
                "model.user_access_token.is_valid.description.app_error",
                "The token description may be at most 255 characters long.",
            ));
        }
        token.id = TokenId::generate();
        token.token = new_token();
        token.is_active = true;
        self.tokens.insert(token.id.clone(), token.clone());
        Ok(token)
    }

    pub(crate) fn revoke_access_token(&mut self, id: &TokenId) -> AppResult<()> {
        match self.tokens.remove(id) {
            Some(_) => Ok(()),
            None => Err(not_found(
                "app.user_access_token.get_by_user.app_error",
                "Unable to find the personal access token.",
            )),
        }
    }

    /// A session for `user` like the one a login makes: with a CSRF token in `props.csrf`.
    pub(crate) fn create_login_session(&mut self, user: &UserId, is_oauth: bool) -> AppResult<Session> {
        let mut session = Session { user_id: user.clone(), is_oauth, ..Session::default() };
        session.props.insert(CSRF_PROP.to_owned(), new_token());
        self.create_session(session)
    }

    /// The session a token authenticates: an unexpired session's token, or an active
    /// personal access token, of an active user.
    pub(crate) fn authenticate(&self, token: &str) -> Option<TokenSession> {
        if token.is_empty() {
            return None;
        }
        let now = Timestamp::now();
        let (user_id, session_id, is_oauth, csrf) =
            match self.sessions.values().find(|s| s.token == token && !s.is_expired_at(now)) {
                Some(session) => (
                    &session.user_id,
                    Some(session.id.clone()),
                    session.is_oauth,
                    session.props.get(CSRF_PROP).cloned().unwrap_or_default(),
                ),
                None => {
                    let token = self.tokens.values().find(|t| t.token == token && t.is_active)?;
                    (&token.user_id, None, false, String::new())
                }
            };
        let user = self.users.get(user_id).filter(|u| u.delete_at.is_none()).map(super::users::sanitized)?;
        Some(TokenSession { user, session_id, is_oauth, csrf })
    }

    /// The active user a bearer token (session token or personal access token) belongs to.
    pub(crate) fn user_for_token(&self, token: &str) -> Option<User> {
        if token.is_empty() {
            return None;
        }
        let now = Timestamp::now();
        let from_session = self
            .sessions
            .values()
            .find(|s| s.token == token && !s.is_expired_at(now))
            .map(|s| s.user_id.clone());
        let user_id = from_session.or_else(|| {
            self.tokens.values().find(|t| t.token == token && t.is_active).map(|t| t.user_id.clone())
        })?;
        self.users.get(&user_id).filter(|u| u.delete_at.is_none()).map(super::users::sanitized)
    }
}

impl Store {
    /// The active user a bearer token belongs to (a session token or a personal access token).
    pub fn user_for_token(&self, token: &str) -> Option<User> {
        self.lock().user_for_token(token)
    }
}
