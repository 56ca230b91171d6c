//! Static files, as Django's `django.contrib.staticfiles`: in `DEBUG`, the files under
//! `STATIC_URL` are served from `STATICFILES_DIRS` and each installed app's static directory,
//! the first match winning. (Collecting them for production comes with `collectstatic`.)
//!
//! New projects install it first, so a static file is answered before the session is read.

mod finders;

use crate::middleware::Middleware;
use crate::site::Site;
use axum::body::Body;
use axum::extract::Request;
use axum::response::Response;

/// The app label.
pub const LABEL: &str = "staticfiles";

/// The staticfiles app: in `DEBUG`, its middleware serves static files; without `DEBUG` it is
/// not in the stack at all.
pub fn app() -> crate::App {
    crate::App::new(LABEL).middleware(|site| {
        site.settings()
            .debug
            .then(|| StaticFilesHandler { site: site.clone() })
    })
}

/// Serves `STATIC_URL` files in `DEBUG` (Django's `StaticFilesHandler` under `runserver`);
/// every other request goes on.
#[derive(Clone)]
pub struct StaticFilesHandler {
    site: Site,
}

impl Middleware for StaticFilesHandler {
    type State = ();

    async fn before(&self, request: &mut Request) -> Result<(), Response> {
        let settings = self.site.settings();
        let Some(rel) = request
            .uri()
            .path()
            .strip_prefix(settings.static_url.as_str())
        else {
            return Ok(());
        };
        let Ok(rel) = percent_encoding::percent_decode_str(rel).decode_utf8() else {
            return Ok(());
        };
        let Some(file) = finders::find(self.site.static_dirs(), &rel) else {
            return Ok(());
        };
        let req = std::mem::replace(request, Request::new(Body::empty()));
        Err(finders::serve(file, req).await)
    }

    async fn after(&self, _state: (), response: Response) -> Response {
        response
    }
}
