//! `MessageMiddleware`: reads the messages waiting in the `messages` cookie (or the session)
//! before the view and stores what was not shown after it (Django's `MessageMiddleware` with
//! the default `FallbackStorage`).

use super::{Incoming, Messages, load, store};
use crate::contrib::sessions::Session;
use crate::middleware::Middleware;
use crate::site::Site;
use axum::extract::Request;
use axum::http::header;
use axum::response::{IntoResponse, Response};

/// The messages middleware; the messages app installs it inside the sessions middleware.
#[derive(Clone)]
pub struct MessageMiddleware {
    site: Site,
}

impl MessageMiddleware {
    /// The middleware of a site (it signs the cookie with the site's `SECRET_KEY`).
    pub fn new(site: &Site) -> MessageMiddleware {
        MessageMiddleware { site: site.clone() }
    }
}

/// What the middleware carries from before the view to after it: the request's messages, the
/// ones that were waiting, and the session that holds those that do not fit in the cookie.
pub struct MessageState(Messages, Incoming, Option<Session>);

impl Middleware for MessageMiddleware {
    type State = MessageState;

    async fn before(&self, request: &mut Request) -> Result<MessageState, Response> {
        // Without the sessions middleware the cookie still works; `roan check` asks for the
        // sessions app (messages.E001) for the messages that do not fit in it.
        let session = request.extensions().get::<Session>().cloned();
        let secret = &self.site.settings().secret_key;
        let (messages, incoming) = load(request.headers(), session.as_ref(), secret)
            .await
            .map_err(IntoResponse::into_response)?;
        request.extensions_mut().insert(messages.clone());
        Ok(MessageState(messages, incoming, session))
    }

    async fn after(&self, state: MessageState, mut response: Response) -> Response {
        let MessageState(messages, incoming, session) = state;
        match store(&messages, &incoming, session.as_ref(), self.site.settings()).await {
            Ok(Some(cookie)) => {
                response.headers_mut().append(header::SET_COOKIE, cookie);
                response
            }
            Ok(None) => response,
            Err(e) => e.into_response(),
        }
    }
}
