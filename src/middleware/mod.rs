//! Middleware: tower layers around every request, in Django's order.
//!
//! 1. [`allowed_hosts`]: a request whose `Host` is not in `ALLOWED_HOSTS` gets 400; then
//!    [`security`]: the HTTPS redirect (`SECURE_SSL_REDIRECT`), and on the response
//!    `X-Content-Type-Options`, `Referrer-Policy`, `Cross-Origin-Opener-Policy`, HSTS and
//!    [`clickjacking`]'s `X-Frame-Options` (one layer, for speed).
//! 2. Sessions, when the sessions app is installed ([`crate::contrib::sessions`]).
//!    Messages ([`crate::contrib::messages`]) are loaded and stored by the same layer.
//! 3. [`body_limit`]: the request body limit, `DATA_UPLOAD_MAX_MEMORY_SIZE` (413 beyond it).
//!
//! CSRF and the login/permission guards run in the dispatcher, once the route is known.
//!
//! A project's own middleware is any tower layer, or a [`Middleware`] (Django's request and
//! response steps as two async functions) wrapped in a [`MiddlewareLayer`].

pub mod allowed_hosts;
pub mod body_limit;
pub mod clickjacking;
pub mod csrf;
mod layer;
pub mod security;

pub use layer::{Middleware, MiddlewareLayer, MiddlewareService};

use crate::site::Site;
use axum::Router;
use tower::ServiceBuilder;

/// Wraps the site's routes in roan's default middleware stack (the order above). A project that
/// sets its own [`crate::Project::middleware`] calls this to keep it.
///
/// The layers wrap the routes once, as concrete tower services (only each middleware's response
/// future is boxed), and the returned router serves that stack as its fallback.
pub fn default_stack(router: Router, site: &Site) -> Router {
    let sessions = site
        .has_app(crate::contrib::sessions::LABEL)
        .then(|| MiddlewareLayer::new(crate::contrib::sessions::SessionMiddleware::new(site)));
    let stack = ServiceBuilder::new()
        .layer(MiddlewareLayer::new(security::Security::new(
            site.settings_arc(),
        )))
        .option_layer(sessions)
        .layer(MiddlewareLayer::new(body_limit::BodyLimit::new(
            site.settings_arc(),
        )))
        .layer(axum::extract::DefaultBodyLimit::max(
            site.settings().data_upload_limit(),
        ))
        .service(router);
    Router::new().fallback_service(stack)
}
