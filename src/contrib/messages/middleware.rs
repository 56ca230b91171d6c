//! `MessageMiddleware`: loads the messages waiting in the session before the view and stores
//! what was not shown after it (Django's `MessageMiddleware` with the session storage).

use super::{Message, Messages, load, store};
use crate::contrib::sessions::Session;
use crate::middleware::Middleware;
use axum::extract::Request;
use axum::response::{IntoResponse, Response};

/// The messages middleware; the messages app installs it inside the sessions middleware.
#[derive(Debug, Clone, Default)]
pub struct MessageMiddleware;

/// What the middleware carries from before the view to after it: the request's messages, the
/// ones that were waiting, and the session they live in.
pub struct MessageState(Option<(Messages, Vec<Message>, Session)>);

impl Middleware for MessageMiddleware {
    type State = MessageState;

    async fn before(&self, request: &mut Request) -> Result<MessageState, Response> {
        // Without the sessions middleware there is nowhere to keep messages; `roan check`
        // says so (messages.E001), and the Messages extractor names the missing app.
        let Some(session) = request.extensions().get::<Session>().cloned() else {
            return Ok(MessageState(None));
        };
        let (messages, pending) = load(&session).await.map_err(IntoResponse::into_response)?;
        request.extensions_mut().insert(messages.clone());
        Ok(MessageState(Some((messages, pending, session))))
    }

    async fn after(&self, state: MessageState, response: Response) -> Response {
        if let Some((messages, pending, session)) = state.0
            && let Err(e) = store(&messages, &pending, &session).await
        {
            return e.into_response();
        }
        response
    }
}
