//! Uploaded files: where they are stored ([`FileSystemStorage`] under `MEDIA_ROOT`, with
//! Django's safe, unique names), how they are sent back ([`FileResponse`], with `Range` and
//! `Content-Disposition`), and `MEDIA_URL` served in development.

mod response;
mod storage;

pub use response::FileResponse;
pub use storage::{FileSystemStorage, Storage, StorageError, get_valid_filename};

/// The router that serves `MEDIA_ROOT` under `MEDIA_URL` while `DEBUG` is on (Django's
/// `static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)`), in front of `routes`;
/// `routes` alone otherwise, or when `MEDIA_URL` is a full URL (another server has the files).
pub(crate) fn serve_media(routes: axum::Router, settings: &crate::conf::Settings) -> axum::Router {
    if !serves_media(settings) {
        return routes;
    }
    let prefix = settings.media_url.trim_end_matches('/');
    let dir = tower_http::services::ServeDir::new(settings.media_root_path());
    routes.nest_service(prefix, dir)
}

/// Whether [`serve_media`] serves `MEDIA_ROOT` with these settings.
pub(crate) fn serves_media(settings: &crate::conf::Settings) -> bool {
    let prefix = settings.media_url.trim_end_matches('/');
    settings.debug && settings.media_url.starts_with('/') && !prefix.is_empty()
}
