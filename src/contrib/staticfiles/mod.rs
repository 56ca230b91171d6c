//! Static files, as Django's `django.contrib.staticfiles` (with whitenoise's serving):
//!
//! - **finders**: `STATICFILES_DIRS` (a path, or `["prefix", "path"]`), then each installed app's
//!   `src/<app>/static/`, the first match winning;
//! - **in DEBUG**, the files are served from the finders under `STATIC_URL` (`roan runserver
//!   --nostatic` turns that off, `--insecure` keeps it on without DEBUG);
//! - **`roan collectstatic`** copies them into `STATIC_ROOT`, adds a copy named after each file's
//!   content (`css/site.3f2a1c9d8e7b.css`), rewrites CSS references to those names, writes
//!   `staticfiles.json` and precompresses (`.br`, `.gz`);
//! - **without DEBUG**, `static("css/site.css")` in a template gives the hashed URL, and the
//!   project's own server serves `STATIC_ROOT`: precompressed files chosen from
//!   `Accept-Encoding`, ETag and Last-Modified, and `Cache-Control: immutable` for hashed names.
//!   `[STATICFILES] SERVE = false` leaves that to nginx;
//! - **`roan findstatic PATH`** says where a path is found.
//!
//! New projects install it first, so a static file is answered before the session is read.

mod checks;
mod collectstatic;
mod compress;
pub mod finders;
mod findstatic;
mod runserver;
mod serve;
pub mod storage;
mod templatetags;

pub use collectstatic::CollectStatic;
pub use findstatic::FindStatic;
pub use runserver::RunServer;
pub use storage::Manifest;

use crate::middleware::Middleware;
use crate::site::Site;
use axum::body::Body;
use axum::extract::Request;
use axum::response::Response;
use serve::CollectedFiles;

/// The app label.
pub const LABEL: &str = "staticfiles";

/// The settings section the app reads.
pub const SETTINGS_SECTION: &str = "STATICFILES";

/// `[STATICFILES]` in `settings.toml` (every key optional).
///
/// ```toml
/// [STATICFILES]
/// SERVE = false   # nginx serves STATIC_ROOT; the project's server does not
/// MAX_AGE = 600   # Cache-Control max-age of files without a hash in their name
/// ```
#[derive(Debug, Clone, PartialEq, serde::Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct StaticFilesSettings {
    /// Serve `STATIC_ROOT` from the project's server when `DEBUG` is off [default: true].
    #[serde(rename = "SERVE")]
    pub serve: bool,
    /// Seconds browsers may keep a file whose name has no hash [default: 60].
    #[serde(rename = "MAX_AGE")]
    pub max_age: u64,
}

impl Default for StaticFilesSettings {
    fn default() -> StaticFilesSettings {
        StaticFilesSettings {
            serve: true,
            max_age: 60,
        }
    }
}

impl StaticFilesSettings {
    /// The section as configured in `settings` (the defaults when absent).
    pub fn from_settings(settings: &crate::conf::Settings) -> StaticFilesSettings {
        settings
            .section::<StaticFilesSettings>(SETTINGS_SECTION)
            .cloned()
            .unwrap_or_default()
    }
}

/// The staticfiles app: its middleware, the `static()` template function, checks, and the
/// `collectstatic`, `findstatic` and `runserver` commands.
pub fn app() -> crate::App {
    crate::App::new(LABEL)
        .settings::<StaticFilesSettings>(SETTINGS_SECTION)
        .middleware(StaticFilesHandler::for_site)
        .template_library(templatetags::register)
        .check(checks::run)
        .command(CollectStatic)
        .command(FindStatic)
        .command(RunServer)
}

/// Serves files under `STATIC_URL`: from the finders in DEBUG (Django's `StaticFilesHandler`
/// under `runserver`), from `STATIC_ROOT` otherwise (whitenoise's middleware). A request for
/// anything else, or for a file that does not exist, goes on to the URLs.
#[derive(Clone)]
pub struct StaticFilesHandler {
    prefix: String,
    from: Source,
}

#[derive(Clone)]
enum Source {
    Finders(Site),
    Collected(CollectedFiles),
}

impl StaticFilesHandler {
    /// The handler `site` needs, or none: `STATIC_URL` on another host, `SERVE = false`
    /// without DEBUG, or `runserver --nostatic`.
    pub fn for_site(site: &Site) -> Option<StaticFilesHandler> {
        let settings = site.settings();
        if !settings.static_url.starts_with('/') {
            return None;
        }
        let from = match runserver::mode() {
            runserver::Mode::NoStatic => return None,
            runserver::Mode::Insecure => Source::Finders(site.clone()),
            runserver::Mode::Default if settings.debug => Source::Finders(site.clone()),
            runserver::Mode::Default => {
                let config = StaticFilesSettings::from_settings(settings);
                if !config.serve {
                    return None;
                }
                let root = settings.path(&settings.static_root);
                let manifest = match Manifest::load(&root) {
                    Ok(m) => m,
                    Err(e) => {
                        tracing::warn!("{e}");
                        None
                    }
                };
                Source::Collected(CollectedFiles::new(root, manifest, config.max_age))
            }
        };
        Some(StaticFilesHandler {
            prefix: settings.static_url.clone(),
            from,
        })
    }
}

impl Middleware for StaticFilesHandler {
    type State = ();

    fn applies(&self, request: &Request) -> bool {
        request.uri().path().starts_with(self.prefix.as_str())
    }

    async fn before(&self, request: &mut Request) -> Result<(), Response> {
        let Some(rel) = request.uri().path().strip_prefix(self.prefix.as_str()) else {
            return Ok(());
        };
        let Ok(rel) = percent_encoding::percent_decode_str(rel).decode_utf8() else {
            return Ok(());
        };
        let rel = rel.into_owned();
        match &self.from {
            Source::Finders(site) => {
                let Some(file) = finders::find(site.static_dirs(), &rel) else {
                    return Ok(());
                };
                let req = std::mem::replace(request, Request::new(Body::empty()));
                Err(finders::serve(file, req).await)
            }
            Source::Collected(files) => {
                let req = std::mem::replace(request, Request::new(Body::empty()));
                match files.respond(&rel, req).await {
                    Ok(response) => Err(response),
                    Err(req) => {
                        *request = req;
                        Ok(())
                    }
                }
            }
        }
    }

    async fn after(&self, _state: (), response: Response) -> Response {
        response
    }
}
