//! Django's `XFrameOptionsMiddleware`: `X-Frame-Options: DENY` unless a view opts out.

use axum::response::{IntoResponse, Response};

/// Marks a response as allowed in frames (Django's `@xframe_options_exempt`).
///
/// ```
/// use axum::response::{IntoResponse, Response};
/// async fn widget() -> Response {
///     roan::middleware::clickjacking::exempt("embeddable").into_response()
/// }
/// ```
pub fn exempt(response: impl IntoResponse) -> Response {
    let mut response = response.into_response();
    response.extensions_mut().insert(XFrameExempt);
    response
}

/// The marker [`exempt`] puts on a response.
#[derive(Debug, Clone, Copy)]
pub struct XFrameExempt;
