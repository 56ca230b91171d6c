//! Middleware: tower layers around every request, in Django's order.
//!
//! 1. [`allowed_hosts`]: a request whose `Host` is not in `ALLOWED_HOSTS` gets 400.
//! 2. [`security`]: the HTTPS redirect (`SECURE_SSL_REDIRECT`), then on the response
//!    `X-Content-Type-Options`, `Referrer-Policy`, `Cross-Origin-Opener-Policy` and HSTS.
//! 3. Sessions, when the sessions app is installed ([`crate::contrib::sessions`]).
//! 4. Messages, when the messages app is installed ([`crate::contrib::messages`]).
//! 5. [`clickjacking`]: `X-Frame-Options` unless the view set its own or is exempt.
//! 6. The request body limit, `DATA_UPLOAD_MAX_MEMORY_SIZE` (413 beyond it).
//!
//! Sessions, CSRF, authentication and messages join this stack with the auth work.

pub mod allowed_hosts;
pub mod clickjacking;
pub mod csrf;
pub mod security;

use crate::site::Site;
use axum::Router;

/// Wraps the site's router in the default middleware stack.
pub(crate) fn stack(router: Router, site: &Site) -> Router {
    use axum::middleware::from_fn_with_state as layer_fn;
    let limit = usize::try_from(site.settings().data_upload_max_memory_size).unwrap_or(usize::MAX);
    let mut router = router
        .layer(axum::extract::DefaultBodyLimit::max(limit))
        .layer(tower_http::limit::RequestBodyLimitLayer::new(limit))
        .layer(layer_fn(site.clone(), clickjacking::x_frame_options));
    if site.has_app(crate::contrib::messages::LABEL)
        && site.has_app(crate::contrib::sessions::LABEL)
    {
        router = router.layer(axum::middleware::from_fn(
            crate::contrib::messages::messages_middleware,
        ));
    }
    if site.has_app(crate::contrib::sessions::LABEL) {
        router = router.layer(layer_fn(
            site.clone(),
            crate::contrib::sessions::session_middleware,
        ));
    }
    router
        .layer(layer_fn(site.clone(), security::security))
        .layer(layer_fn(site.clone(), allowed_hosts::allowed_hosts))
}
