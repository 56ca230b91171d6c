//! Flash messages (Django's `django.contrib.messages`), kept until shown in a signed cookie, or
//! in the session when they do not fit in one (Django's default `FallbackStorage`).
//!
//! ```
//! use roan::contrib::messages::Messages;
//!
//! async fn save(messages: Messages) -> roan::Result<axum::response::Response> {
//!     messages.success("The post was saved.");
//!     Ok(roan::redirect_to("/posts/"))
//! }
//! ```
//!
//! Templates rendered with `roan::render` see `messages`; iterating it marks them shown:
//! `{% for m in messages %}<p class="{{ m.level }}">{{ m.message }}</p>{% endfor %}`.

use crate::contrib::sessions::Session;
use crate::http::Error;
use axum::extract::FromRequestParts;
use axum::http::HeaderValue;
use axum::http::request::Parts;
use minijinja::value::{Enumerator, Object, ObjectRepr, Value};
use serde::{Deserialize, Serialize};
use std::sync::{Arc, Mutex};

/// The app label.
pub const LABEL: &str = "messages";
const SESSION_KEY: &str = "_messages";

mod cookie;
mod middleware;

pub use middleware::{MessageMiddleware, MessageState};

/// The messages app (needs the sessions app, installed before it): its middleware, the
/// `messages` template variable and the check that sessions is there.
pub fn app() -> crate::App {
    crate::App::new(LABEL)
        .middleware(|site| Some(MessageMiddleware::new(site)))
        .context(context_processor)
        .check(checks)
}

/// `messages` in every template (Django's `messages.context_processors.messages`).
fn context_processor(parts: &Parts) -> Vec<(&'static str, Value)> {
    let value = match parts.extensions.get::<Messages>() {
        Some(m) => m.template_value(),
        None => Value::from(Vec::<Value>::new()),
    };
    vec![("messages", value)]
}

/// messages.E001: the sessions app must be installed, before messages.
fn checks(
    project: &crate::Project,
    _site: &crate::Site,
) -> Vec<crate::management::checks::CheckMessage> {
    use crate::management::checks::{CheckMessage, Level};
    let labels: Vec<&str> = project.apps().iter().map(|a| a.label()).collect();
    let sessions = labels
        .iter()
        .position(|l| *l == crate::contrib::sessions::LABEL);
    let messages = labels.iter().position(|l| *l == LABEL);
    match (sessions, messages) {
        (Some(s), Some(m)) if s < m => vec![],
        _ => vec![CheckMessage::new(
            Level::Error,
            "messages.E001",
            "the messages app keeps the messages that do not fit in its cookie in the session: the sessions app must be installed before it",
            "put .app(roan::contrib::sessions::app()) before .app(roan::contrib::messages::app()) in src/main.rs",
        )],
    }
}

/// How important a message is; the name is its CSS class.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    /// Development detail.
    Debug,
    /// Information.
    Info,
    /// Something worked.
    Success,
    /// Something needs attention.
    Warning,
    /// Something failed.
    Error,
}

impl Level {
    /// The level's name, used as a CSS class.
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Debug => "debug",
            Level::Info => "info",
            Level::Success => "success",
            Level::Warning => "warning",
            Level::Error => "error",
        }
    }
}

/// One message.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Message {
    /// Its level.
    pub level: Level,
    /// Its text.
    pub message: String,
}

#[derive(Debug, Default)]
struct Store {
    pending: Vec<Message>,
    added: Vec<Message>,
    shown: bool,
}

/// The messages of this request: those pending from earlier requests and those added now.
#[derive(Clone, Debug)]
pub struct Messages(Arc<Mutex<Store>>);

impl Messages {
    /// Adds a message for the next page shown to this user.
    pub fn add(&self, level: Level, message: impl Into<String>) {
        if let Ok(mut s) = self.0.lock() {
            s.added.push(Message {
                level,
                message: message.into(),
            });
        }
    }

    /// `add(Level::Debug, ...)`.
    pub fn debug(&self, message: impl Into<String>) {
        self.add(Level::Debug, message)
    }
    /// `add(Level::Info, ...)`.
    pub fn info(&self, message: impl Into<String>) {
        self.add(Level::Info, message)
    }
    /// `add(Level::Success, ...)`.
    pub fn success(&self, message: impl Into<String>) {
        self.add(Level::Success, message)
    }
    /// `add(Level::Warning, ...)`.
    pub fn warning(&self, message: impl Into<String>) {
        self.add(Level::Warning, message)
    }
    /// `add(Level::Error, ...)`.
    pub fn error(&self, message: impl Into<String>) {
        self.add(Level::Error, message)
    }

    /// Takes every message to show (pending and new); they are not shown again.
    pub fn take(&self) -> Vec<Message> {
        match self.0.lock() {
            Ok(mut s) => {
                s.shown = true;
                let mut all = std::mem::take(&mut s.pending);
                all.append(&mut s.added);
                all
            }
            Err(_) => Vec::new(),
        }
    }

    pub(crate) fn template_value(&self) -> Value {
        Value::from_object(TemplateMessages(self.clone()))
    }
}

#[derive(Debug)]
struct TemplateMessages(Messages);

impl Object for TemplateMessages {
    fn repr(self: &Arc<Self>) -> ObjectRepr {
        ObjectRepr::Iterable
    }

    fn enumerate(self: &Arc<Self>) -> Enumerator {
        Enumerator::Values(
            self.0
                .take()
                .into_iter()
                .map(|m| minijinja::context! { level => m.level.as_str(), message => m.message })
                .collect(),
        )
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Messages {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        parts.extensions.get::<Messages>().cloned().ok_or_else(|| {
            Error::Other(
                "no messages middleware: install .app(roan::contrib::sessions::app()) and .app(roan::contrib::messages::app())"
                    .into(),
            )
        })
    }
}

/// The messages a request brought, and where they were kept.
pub(crate) struct Incoming {
    pending: Vec<Message>,
    /// The browser sent a `messages` cookie (valid or not).
    cookie: bool,
    /// The cookie was not signed with this secret key (or is not one of ours): it is deleted.
    unreadable: bool,
    /// They were in the session (too many for the cookie).
    in_session: bool,
}

/// Before the view: the messages waiting in the `messages` cookie, or in the session when the
/// cookie says they did not fit. No cookie, no work: most requests read nothing.
pub(crate) async fn load(
    headers: &axum::http::HeaderMap,
    session: Option<&Session>,
    secret: &str,
) -> Result<(Messages, Incoming), Error> {
    let value = crate::http::cookie(headers, cookie::COOKIE_NAME);
    let stored = value.and_then(|v| cookie::decode(v, secret));
    let unreadable = value.is_some() && stored.is_none();
    let (pending, in_session) = match stored {
        Some(cookie::Stored::Messages(m)) => (m, false),
        Some(cookie::Stored::InSession(_)) => match session {
            Some(s) => (s.get(SESSION_KEY).await?.unwrap_or_default(), true),
            None => (Vec::new(), false),
        },
        None => (Vec::new(), false),
    };
    let messages = Messages(Arc::new(Mutex::new(Store {
        pending: pending.clone(),
        ..Store::default()
    })));
    let incoming = Incoming {
        pending,
        cookie: value.is_some(),
        unreadable,
        in_session,
    };
    Ok((messages, incoming))
}

/// How the `messages` cookie is written: as the session cookie is (path, HttpOnly, SameSite,
/// Secure), for the browser session only.
fn set_cookie(value: &str, settings: &crate::conf::Settings) -> Option<HeaderValue> {
    let mut c = format!(
        "{}={value}; Path=/; HttpOnly; SameSite={}",
        cookie::COOKIE_NAME,
        settings.session_cookie_samesite
    );
    if value.is_empty() {
        c.push_str("; Max-Age=0");
    }
    if settings.session_cookie_secure {
        c.push_str("; Secure");
    }
    HeaderValue::from_str(&c).ok()
}

/// After the view: what was not shown (and what was added) goes back into the cookie, or into
/// the session when it does not fit; the `Set-Cookie` header to send, if the cookie changes.
pub(crate) async fn store(
    messages: &Messages,
    incoming: &Incoming,
    session: Option<&Session>,
    settings: &crate::conf::Settings,
) -> Result<Option<HeaderValue>, Error> {
    let mut left: Vec<Message> = match messages.0.lock() {
        Ok(s) if s.shown => s.added.clone(),
        Ok(s) => s.pending.iter().chain(&s.added).cloned().collect(),
        Err(_) => return Ok(None),
    };
    if left == incoming.pending && !incoming.unreadable {
        return Ok(None);
    }
    let secret = &settings.secret_key;
    // An empty value deletes the cookie.
    let mut value = String::new();
    let mut kept_in_session = false;
    if !left.is_empty() {
        value = cookie::encode(&left, secret);
        if value.len() > cookie::MAX_COOKIE_SIZE {
            if let Some(s) = session {
                s.insert(SESSION_KEY, &left).await?;
                kept_in_session = true;
                value = cookie::encode(&cookie::InSession::Session, secret);
            } else {
                // No session to fall back on: the oldest messages go, as Django's cookie
                // storage drops them, until the rest fits.
                tracing::warn!("messages dropped: too many for the cookie and no sessions app");
                while value.len() > cookie::MAX_COOKIE_SIZE {
                    left.remove(0);
                    value = if left.is_empty() {
                        String::new()
                    } else {
                        cookie::encode(&left, secret)
                    };
                }
            }
        }
    }
    if incoming.in_session
        && !kept_in_session
        && let Some(s) = session
    {
        s.remove(SESSION_KEY).await?;
    }
    if value.is_empty() && !incoming.cookie {
        return Ok(None);
    }
    Ok(set_cookie(&value, settings))
}
