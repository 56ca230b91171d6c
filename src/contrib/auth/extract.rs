//! The current user of a request.

use super::backend::{SESSION_USER_HASH, SESSION_USER_ID, get_user, session_hash};
use super::models::User;
use crate::contrib::sessions::Session;
use crate::http::Error;
use crate::site::Site;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use std::sync::Arc;

/// The user of the request, anonymous or logged in (Django's `request.user`).
#[derive(Debug, Clone)]
pub enum CurrentUser {
    /// Nobody logged in (or the session no longer matches the user's password).
    Anonymous,
    /// A logged-in, active user; shared, so that the view, the templates and the guards of one
    /// request hold the same one.
    Authenticated(Arc<User>),
}

impl CurrentUser {
    /// The user, when logged in.
    pub fn user(&self) -> Option<&User> {
        match self {
            CurrentUser::Authenticated(u) => Some(u.as_ref()),
            CurrentUser::Anonymous => None,
        }
    }

    /// Whether someone is logged in.
    pub fn is_authenticated(&self) -> bool {
        matches!(self, CurrentUser::Authenticated(_))
    }

    /// Loads the user of a session.
    pub async fn from_session(site: &Site, session: &Session) -> Result<CurrentUser, Error> {
        let Some(id) = session.get::<i64>(SESSION_USER_ID).await? else {
            return Ok(CurrentUser::Anonymous);
        };
        let hash: Option<String> = session.get(SESSION_USER_HASH).await?;
        let db = site.db().await?;
        match get_user(db, id).await? {
            // As Django's get_user: the session's hash of the password must still match, compared
            // in constant time.
            Some(user)
                if user.is_active
                    && hash.as_deref().is_some_and(|h| {
                        crate::crypto::constant_time_compare(
                            h.as_bytes(),
                            session_hash(&user, &site.settings().secret_key).as_bytes(),
                        )
                    }) =>
            {
                Ok(CurrentUser::Authenticated(Arc::new(user)))
            }
            _ => Ok(CurrentUser::Anonymous),
        }
    }
}

impl<S: Send + Sync> FromRequestParts<S> for CurrentUser {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        if let Some(u) = parts.extensions.get::<CurrentUser>() {
            return Ok(u.clone());
        }
        let site = parts
            .extensions
            .get::<Site>()
            .cloned()
            .ok_or_else(|| Error::Other("CurrentUser used outside a roan site".into()))?;
        let session = parts.extensions.get::<Session>().cloned().ok_or_else(|| {
            Error::Other(
                "CurrentUser needs the sessions app: .app(roan::contrib::sessions::app())".into(),
            )
        })?;
        // Boxed to keep handlers' futures small (see Site::db).
        let user = Box::pin(CurrentUser::from_session(&site, &session)).await?;
        parts.extensions.insert(user.clone());
        Ok(user)
    }
}
