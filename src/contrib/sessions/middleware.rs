//! The session middleware and the `Session` extractor.

use super::store;
use crate::http::Error;
use crate::middleware::Middleware;
use crate::site::Site;
use axum::extract::{FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};
use std::sync::Arc;
use std::sync::Mutex;

struct SessionData {
    /// The key the browser sent.
    cookie_key: Option<String>,
    /// The key the data lives under now (None: not saved yet).
    key: Option<String>,
    loaded: bool,
    data: Map<String, Value>,
    modified: bool,
    accessed: bool,
    cycle: bool,
    flushed: bool,
}

/// The current session, loaded from the database on first use and saved after the view when
/// it changed. Cheap to clone.
#[derive(Clone)]
pub struct Session {
    state: Arc<Mutex<SessionData>>,
    site: Site,
}

impl Session {
    /// The state, locked; never held across an await.
    fn lock(&self) -> std::sync::MutexGuard<'_, SessionData> {
        self.state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Loads the data from the database on first use.
    async fn ensure_loaded(&self) -> Result<(), Error> {
        let key = {
            let mut st = self.lock();
            st.accessed = true;
            if st.loaded {
                return Ok(());
            }
            st.cookie_key.clone()
        };
        let data = match &key {
            Some(k) => {
                let db = self.site.db().await?;
                Box::pin(store::load(db, k))
                    .await
                    .map_err(missing_table_hint)?
            }
            None => None,
        };
        let mut st = self.lock();
        if !st.loaded {
            st.loaded = true;
            if let Some(data) = data {
                st.data = data;
                st.key = key;
            }
        }
        Ok(())
    }

    /// A value, deserialised.
    pub async fn get<T: DeserializeOwned>(&self, key: &str) -> Result<Option<T>, Error> {
        self.ensure_loaded().await?;
        Ok(self
            .lock()
            .data
            .get(key)
            .and_then(|v| serde_json::from_value(v.clone()).ok()))
    }

    /// Sets a value.
    pub async fn insert(&self, key: &str, value: impl Serialize) -> Result<(), Error> {
        self.ensure_loaded().await?;
        let value = serde_json::to_value(value)?;
        let mut st = self.lock();
        st.data.insert(key.to_string(), value);
        st.modified = true;
        Ok(())
    }

    /// Removes a value; returns it.
    pub async fn remove(&self, key: &str) -> Result<Option<Value>, Error> {
        self.ensure_loaded().await?;
        let mut st = self.lock();
        let old = st.data.remove(key);
        if old.is_some() {
            st.modified = true;
        }
        Ok(old)
    }

    /// Deletes the session and its data; the browser's cookie is removed (Django's `flush`).
    pub async fn flush(&self) -> Result<(), Error> {
        self.ensure_loaded().await?;
        let mut st = self.lock();
        st.data.clear();
        st.flushed = true;
        st.modified = true;
        Ok(())
    }

    /// Keeps the data under a new key (Django's `cycle_key`, done at login against fixation).
    pub async fn cycle_key(&self) -> Result<(), Error> {
        self.ensure_loaded().await?;
        let mut st = self.lock();
        st.cycle = true;
        st.modified = true;
        Ok(())
    }

    /// Whether the browser sent a session cookie (nothing can be stored yet otherwise).
    pub fn has_cookie(&self) -> bool {
        self.lock().cookie_key.is_some()
    }

    /// The session key, once the session has been saved.
    pub fn key(&self) -> Option<String> {
        self.lock().key.clone()
    }
}

/// What the session middleware saves after the view.
struct Snapshot {
    cookie_key: Option<String>,
    key: Option<String>,
    data: Map<String, Value>,
    cycle: bool,
    flushed: bool,
}

fn missing_table_hint(e: sea_orm::DbErr) -> Error {
    Error::Other(format!("the session could not be loaded ({e}); has `roan migrate` run?").into())
}

impl<S: Send + Sync> FromRequestParts<S> for Session {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        parts.extensions.get::<Session>().cloned().ok_or_else(|| {
            Error::Other(
                "no session middleware: install the sessions app with .app(roan::contrib::sessions::app()) in src/main.rs"
                    .into(),
            )
        })
    }
}

/// The session key the browser sent, if it has the shape of one.
fn cookie_value(request: &Request, name: &str) -> Option<String> {
    crate::http::cookie(request.headers(), name)
        .filter(|v| !v.is_empty() && v.len() <= 64 && v.chars().all(|c| c.is_ascii_alphanumeric()))
        .map(str::to_string)
}

/// The session middleware: gives each request a [`Session`] and saves it after the view when
/// it changed.
#[derive(Clone)]
pub struct SessionMiddleware {
    site: Site,
}

impl SessionMiddleware {
    /// The middleware of a site.
    pub fn new(site: &Site) -> SessionMiddleware {
        SessionMiddleware { site: site.clone() }
    }
}

/// What the session middleware carries from before the view to after it.
pub struct SessionState {
    session: Session,
}

impl Middleware for SessionMiddleware {
    type State = SessionState;

    async fn before(&self, request: &mut Request) -> Result<SessionState, Response> {
        let name = &self.site.settings().session_cookie_name;
        let cookie_key = cookie_value(request, name);
        let session = Session {
            state: Arc::new(Mutex::new(SessionData {
                cookie_key,
                key: None,
                loaded: false,
                data: Map::new(),
                modified: false,
                accessed: false,
                cycle: false,
                flushed: false,
            })),
            site: self.site.clone(),
        };
        request.extensions_mut().insert(session.clone());
        Ok(SessionState { session })
    }

    async fn after(&self, state: SessionState, response: Response) -> Response {
        save(&self.site, &state.session, response).await
    }
}

/// Saves the session after the view when it changed, and sets or deletes its cookie.
async fn save(site: &Site, session: &Session, mut response: Response) -> Response {
    let settings = site.settings();
    let name = &settings.session_cookie_name;
    // A snapshot, so no lock is held while the database is written.
    let st = {
        let guard = session.lock();
        let save = guard.modified
            || (settings.session_save_every_request && guard.accessed && !guard.data.is_empty());
        if !save {
            return response;
        }
        Snapshot {
            cookie_key: guard.cookie_key.clone(),
            key: guard.key.clone(),
            data: guard.data.clone(),
            cycle: guard.cycle,
            flushed: guard.flushed,
        }
    };
    let Ok(db) = site.db().await else {
        return (
            StatusCode::INTERNAL_SERVER_ERROR,
            "the session could not be saved",
        )
            .into_response();
    };
    let result: Result<Option<String>, sea_orm::DbErr> = async {
        if st.flushed || st.data.is_empty() {
            for key in [st.key.as_ref(), st.cookie_key.as_ref()]
                .into_iter()
                .flatten()
            {
                store::delete(db, key).await?;
            }
            return Ok(None);
        }
        let mut key = match (&st.key, st.cycle) {
            (Some(k), false) => k.clone(),
            _ => store::new_key(),
        };
        while st.key.as_deref() != Some(key.as_str()) && store::exists(db, &key).await? {
            key = store::new_key();
        }
        if st.cycle
            && let Some(old) = st.key.as_ref().or(st.cookie_key.as_ref())
        {
            store::delete(db, old).await?;
        }
        let expires = store::now() + chrono::Duration::seconds(settings.session_cookie_age as i64);
        store::save(db, &key, &st.data, expires).await?;
        Ok(Some(key))
    }
    .await;
    let cookie = match result {
        Ok(Some(key)) => {
            let mut c = format!(
                "{name}={key}; Path=/; HttpOnly; SameSite={}",
                settings.session_cookie_samesite
            );
            if !settings.session_expire_at_browser_close {
                c.push_str(&format!("; Max-Age={}", settings.session_cookie_age));
            }
            if settings.session_cookie_secure {
                c.push_str("; Secure");
            }
            c
        }
        Ok(None) if st.cookie_key.is_some() => {
            format!(
                "{name}=; Path=/; Max-Age=0; HttpOnly; SameSite={}",
                settings.session_cookie_samesite
            )
        }
        Ok(None) => return response,
        Err(e) => {
            tracing::error!(error = %e, "the session could not be saved");
            return (
                StatusCode::INTERNAL_SERVER_ERROR,
                "the session could not be saved; has `roan migrate` run?",
            )
                .into_response();
        }
    };
    if let Ok(v) = HeaderValue::from_str(&cookie) {
        response.headers_mut().append(header::SET_COOKIE, v);
    }
    response
}
