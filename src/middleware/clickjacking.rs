//! Django's `XFrameOptionsMiddleware`: `X-Frame-Options: DENY` unless a view opts out.

use crate::site::Site;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, header};
use axum::middleware::Next;
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

/// The middleware.
pub async fn x_frame_options(State(site): State<Site>, request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    if response.extensions().get::<XFrameExempt>().is_none()
        && !response.headers().contains_key(header::X_FRAME_OPTIONS)
        && let Ok(v) = HeaderValue::from_str(&site.settings().x_frame_options)
    {
        response.headers_mut().insert(header::X_FRAME_OPTIONS, v);
    }
    response
}
