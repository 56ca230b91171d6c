//! One error type for views; each variant becomes the right page.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

/// The result type of views: `async fn index(req: HttpRequest) -> roan::Result<Response>`.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// What a view can fail with. Returned from a handler, it becomes a response: 404, 403, 400 or
/// 500, rendered as a debug page with `DEBUG` and as the plain `404.html`/`500.html` without.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Nothing here (Django's `Http404`); the message shows only on the debug page.
    #[error("{0}")]
    NotFound(String),
    /// Not allowed (Django's `PermissionDenied`).
    #[error("permission denied: {0}")]
    PermissionDenied(String),
    /// The request is malformed (Django's `SuspiciousOperation`/`BadRequest`).
    #[error("bad request: {0}")]
    BadRequest(String),
    /// The request body is larger than the settings allow (413).
    #[error("payload too large: {0}")]
    PayloadTooLarge(String),
    /// A template failed to load or render.
    #[error("template error: {0}")]
    Template(#[from] minijinja::Error),
    /// A database operation failed.
    #[error("database error: {0}")]
    Database(#[from] sea_orm::DbErr),
    /// A setting is wrong.
    #[error(transparent)]
    Settings(#[from] crate::conf::SettingsError),
    /// A URL name could not be reversed.
    #[error(transparent)]
    Reverse(#[from] crate::urls::NoReverseMatch),
    /// Any other failure.
    #[error(transparent)]
    Other(Box<dyn std::error::Error + Send + Sync + 'static>),
}

impl Error {
    /// Wraps any error as a server error: `Err(Error::other(e))`.
    pub fn other(e: impl std::error::Error + Send + Sync + 'static) -> Error {
        Error::Other(Box::new(e))
    }

    /// A 404 with a message for the debug page.
    pub fn not_found(message: impl Into<String>) -> Error {
        Error::NotFound(message.into())
    }

    /// The status this error answers with.
    pub fn status(&self) -> StatusCode {
        match self {
            Error::NotFound(_) => StatusCode::NOT_FOUND,
            Error::PermissionDenied(_) => StatusCode::FORBIDDEN,
            Error::BadRequest(_) => StatusCode::BAD_REQUEST,
            Error::PayloadTooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            _ => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn kind(&self) -> &'static str {
        match self {
            Error::NotFound(_) => "Not found",
            Error::PermissionDenied(_) => "Permission denied",
            Error::BadRequest(_) => "Bad request",
            Error::PayloadTooLarge(_) => "Payload too large",
            Error::Template(_) => "Template error",
            Error::Database(_) => "Database error",
            Error::Settings(_) => "Improperly configured",
            Error::Reverse(_) => "NoReverseMatch",
            Error::Other(_) => "Server error",
        }
    }
}

impl From<std::io::Error> for Error {
    fn from(e: std::io::Error) -> Error {
        Error::other(e)
    }
}

impl From<crate::db::objects::ObjectError> for Error {
    fn from(e: crate::db::objects::ObjectError) -> Error {
        match e {
            crate::db::objects::ObjectError::Db(e) => Error::Database(e),
            other => Error::Other(Box::new(other)),
        }
    }
}

impl From<serde_json::Error> for Error {
    fn from(e: serde_json::Error) -> Error {
        Error::other(e)
    }
}

impl From<anyhow::Error> for Error {
    fn from(e: anyhow::Error) -> Error {
        Error::Other(e.into())
    }
}

/// What the error pages need to know about a failed view; carried in the response extensions.
#[derive(Debug, Clone)]
pub struct ErrorReport {
    /// A short kind, e.g. "Template error".
    pub kind: String,
    /// The top message.
    pub message: String,
    /// The causes, outermost first (the top message excluded).
    pub chain: Vec<String>,
}

impl ErrorReport {
    /// The report of any error: its message and its chain of sources.
    pub fn from_error(kind: &str, err: &(dyn std::error::Error + 'static)) -> ErrorReport {
        let message = match err.downcast_ref::<minijinja::Error>() {
            Some(e) => format!("{e:#}"),
            None => err.to_string(),
        };
        let mut chain = Vec::new();
        let mut source = err.source();
        while let Some(e) = source {
            let text = e.to_string();
            if !message.contains(&text) {
                chain.push(text);
            }
            source = e.source();
        }
        ErrorReport {
            kind: kind.to_string(),
            message,
            chain,
        }
    }
}

impl IntoResponse for Error {
    fn into_response(self) -> Response {
        let status = self.status();
        if status.is_server_error() {
            tracing::error!(error = %self, "view failed");
        }
        let report = ErrorReport::from_error(self.kind(), &self);
        let mut response = (status, status.canonical_reason().unwrap_or("Error")).into_response();
        response.extensions_mut().insert(report);
        response
    }
}
