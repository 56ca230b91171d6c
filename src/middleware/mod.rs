//! Middleware: tower layers around every request, in Django's order.
//!
//! 1. [`allowed_hosts`]: a request whose `Host` is not in `ALLOWED_HOSTS` gets 400; then
//!    [`security`]: the HTTPS redirect (`SECURE_SSL_REDIRECT`), and on the response
//!    `X-Content-Type-Options`, `Referrer-Policy`, `Cross-Origin-Opener-Policy`, HSTS and
//!    [`clickjacking`]'s `X-Frame-Options` (one layer, for speed).
//! 2. The installed apps' layers ([`crate::App::layer`]), in `INSTALLED_APPS` order: a new
//!    project's sessions, then messages.
//!
//! The dispatcher then applies [`body_limit`], the request body limit,
//! `DATA_UPLOAD_MAX_MEMORY_SIZE` (413 beyond it); CSRF runs once the route is known, then the
//! route's own layers (auth's `login_required()`), then the view.
//!
//! A project's own middleware is any tower layer, or a [`Middleware`] (Django's request and
//! response steps as two async functions) wrapped in a [`MiddlewareLayer`].

pub mod allowed_hosts;
pub mod body_limit;
pub mod clickjacking;
pub(crate) mod common;
pub mod csrf;
mod layer;
pub mod security;

pub(crate) use layer::around;
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
    Router::new().fallback_service(stack(router, site))
}

/// The default stack as the services it is made of: what a site without middleware of its own
/// serves, with no router around it.
pub(crate) type Stack = MiddlewareService<security::Security, crate::apps::AppService>;

/// [`default_stack`] around any service: the site gives it the dispatcher itself when no
/// router is needed in front of it, saving a router's work per request.
pub(crate) fn stack<S>(inner: S, site: &Site) -> Stack
where
    S: tower::Service<
            axum::extract::Request,
            Response = axum::response::Response,
            Error = std::convert::Infallible,
        > + Clone
        + Send
        + Sync
        + 'static,
    S::Future: Send + 'static,
{
    let inner = ServiceBuilder::new()
        .layer(axum::extract::DefaultBodyLimit::max(
            site.settings().data_upload_limit(),
        ))
        .service(inner);
    // The first installed app's layer is the outermost of the apps'.
    let apps = site
        .app_layers()
        .iter()
        .rev()
        .fold(crate::apps::AppService::new(inner), |service, layer| {
            layer(site, service.clone()).unwrap_or(service)
        });
    let security = MiddlewareLayer::new(security::Security::new(site.settings_arc()));
    tower::Layer::layer(&security, apps)
}
