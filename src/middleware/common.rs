//! Django's `CommonMiddleware`: `APPEND_SLASH`.

use crate::site::Site;
use crate::site::error_pages::RequestInfo;
use axum::http::{Method, StatusCode, header};
use axum::response::{IntoResponse, Response};

/// With `APPEND_SLASH`, a GET or HEAD for `/blog/3` that matches no route, where `/blog/3/`
/// does, is redirected there (301), keeping the query string. `raw` is the path as sent,
/// `path` the decoded one.
pub(crate) fn append_slash(
    site: &Site,
    info: &RequestInfo,
    raw: &str,
    path: &str,
) -> Option<Response> {
    if !site.settings().append_slash
        || path.ends_with('/')
        || !matches!(info.method, Method::GET | Method::HEAD)
        || site.resolver().resolve(&format!("{path}/")).is_none()
    {
        return None;
    }
    let location = match info.uri.query() {
        Some(q) => format!("{raw}/?{q}"),
        None => format!("{raw}/"),
    };
    Some(
        (
            StatusCode::MOVED_PERMANENTLY,
            [(header::LOCATION, location)],
        )
            .into_response(),
    )
}
