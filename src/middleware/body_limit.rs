//! `DATA_UPLOAD_MAX_MEMORY_SIZE`: a request body over the limit gets 413 before the view, with
//! the setting to raise named when `DEBUG` is on.

use super::Middleware;
use crate::conf::Settings;
use axum::body::Body;
use axum::extract::Request;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use std::sync::Arc;

/// The body limit as a [`Middleware`]: a declared `Content-Length` over the limit is refused at
/// once; a body without one is cut off at the limit while the view reads it (413 from axum's
/// extractors).
#[derive(Clone)]
pub struct BodyLimit {
    settings: Arc<Settings>,
    limit: usize,
}

impl BodyLimit {
    /// The limit `DATA_UPLOAD_MAX_MEMORY_SIZE` sets.
    pub fn new(settings: Arc<Settings>) -> BodyLimit {
        let limit = settings.data_upload_limit();
        BodyLimit { settings, limit }
    }
}

impl Middleware for BodyLimit {
    type State = ();

    /// Not for a request known to have no body (a GET without `Content-Length`).
    fn applies(&self, request: &Request) -> bool {
        may_have_body(request)
    }

    async fn before(&self, request: &mut Request) -> Result<(), Response> {
        match limit_body(&self.settings, self.limit, request) {
            Some(too_large) => Err(too_large),
            None => Ok(()),
        }
    }

    async fn after(&self, _state: (), response: Response) -> Response {
        response
    }
}

/// Whether a request may carry a body: not a GET without `Content-Length`, say.
fn may_have_body(request: &Request) -> bool {
    axum::body::HttpBody::size_hint(request.body()).exact() != Some(0)
}

/// Applies `DATA_UPLOAD_MAX_MEMORY_SIZE` to a request, as [`BodyLimit`] does, and gives the 413
/// when it refuses it: the dispatcher calls it before anything reads the body, so the default
/// stack needs no layer (nor a boxed future) for it.
pub(crate) fn apply(settings: &Settings, request: &mut Request) -> Option<Response> {
    if !may_have_body(request) {
        return None;
    }
    limit_body(settings, settings.data_upload_limit(), request)
}

/// A declared `Content-Length` over `limit` is refused at once (the 413 it gives); otherwise
/// the body is cut off at `limit` as it is read.
fn limit_body(settings: &Settings, limit: usize, request: &mut Request) -> Option<Response> {
    // Files do not count against the limit, as in Django: a multipart body is read as a
    // stream, its fields other than files limited as it is read, its files spooled to disk.
    const MULTIPART: &str = "multipart/form-data";
    let multipart = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.as_bytes().get(..MULTIPART.len()))
        .is_some_and(|v| v.eq_ignore_ascii_case(MULTIPART.as_bytes()));
    if multipart {
        return None;
    }
    let declared = request
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok());
    if declared.is_some_and(|n| n > limit as u64) {
        return Some(too_large(settings));
    }
    let body = std::mem::take(request.body_mut());
    *request.body_mut() = Body::new(http_body_util::Limited::new(body, limit));
    None
}

/// The 413 for a body over `DATA_UPLOAD_MAX_MEMORY_SIZE`; with `DEBUG`, it says which setting
/// to raise and where.
pub fn too_large(settings: &Settings) -> Response {
    tracing::warn!(
        limit = settings.data_upload_max_memory_size,
        "request body exceeded DATA_UPLOAD_MAX_MEMORY_SIZE"
    );
    let body = if settings.debug {
        format!(
            "Payload Too Large (413)\n\nThe request body is larger than DATA_UPLOAD_MAX_MEMORY_SIZE ({} bytes). If the site should take bodies this large, raise DATA_UPLOAD_MAX_MEMORY_SIZE in {}.",
            settings.data_upload_max_memory_size,
            settings.settings_file.display()
        )
    } else {
        "Payload Too Large (413)".to_string()
    };
    (StatusCode::PAYLOAD_TOO_LARGE, body).into_response()
}
