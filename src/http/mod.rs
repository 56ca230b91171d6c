//! Requests and responses: the request context extractor, path arguments, shortcuts and the
//! error type views return.

mod cookies;
mod error;
mod extract;
mod request;
pub(crate) mod shortcuts;

pub(crate) use cookies::cookie;
pub use error::{Error, ErrorReport, Result};
pub use extract::{Form, Query};
pub use request::{Db, HttpRequest, Path};
pub use shortcuts::{
    RedirectTarget, get_object_or_404, get_object_or_404_in, redirect, redirect_to, render,
};

/// A JSON response (Django's `JsonResponse`): axum's `Json`.
///
/// ```
/// async fn api() -> roan::JsonResponse<serde_json::Value> {
///     roan::JsonResponse(serde_json::json!({"ok": true}))
/// }
/// ```
pub use axum::Json as JsonResponse;
