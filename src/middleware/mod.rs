//! Middleware: tower layers around every request, in Django's order.
//!
//! 1. [`allowed_hosts`]: a request whose `Host` is not in `ALLOWED_HOSTS` gets 400; then
//!    [`security`]: the HTTPS redirect (`SECURE_SSL_REDIRECT`), and on the response
//!    `X-Content-Type-Options`, `Referrer-Policy`, `Cross-Origin-Opener-Policy`, HSTS and
//!    [`clickjacking`]'s `X-Frame-Options` (one layer, for speed).
//! 2. Sessions, when the sessions app is installed ([`crate::contrib::sessions`]).
//!    Messages ([`crate::contrib::messages`]) are loaded and stored by the same layer.
//! 3. The request body limit, `DATA_UPLOAD_MAX_MEMORY_SIZE` (413 beyond it).
//!
//! CSRF and the login/permission guards run in the dispatcher, once the route is known.

pub mod allowed_hosts;
pub mod clickjacking;
pub mod csrf;
pub mod security;

use crate::site::Site;
use axum::Router;

/// Wraps the site's routes in roan's default middleware stack (the order above). A project that
/// sets its own [`crate::Project::middleware`] calls this to keep it.
pub fn default_stack(router: Router, site: &Site) -> Router {
    use axum::middleware::from_fn_with_state as layer_fn;
    let limit = usize::try_from(site.settings().data_upload_max_memory_size).unwrap_or(usize::MAX);
    let mut router = router
        .layer(axum::extract::DefaultBodyLimit::max(limit))
        .layer(tower_http::limit::RequestBodyLimitLayer::new(limit));
    if site.has_app(crate::contrib::sessions::LABEL) {
        router = router.layer(layer_fn(
            site.clone(),
            crate::contrib::sessions::session_middleware,
        ));
    }
    router.layer(layer_fn(
        std::sync::Arc::new(security::SecurityHeaders::new(site.settings_arc())),
        security::security,
    ))
}
