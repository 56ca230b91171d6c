//! Finding a static file: the project's `STATICFILES_DIRS`, then each app's static directory.

use axum::extract::Request;
use axum::response::{IntoResponse, Response};
use std::path::{Component, Path, PathBuf};
use tower::ServiceExt;

/// The first file named `rel` in `dirs`; never a path outside them.
pub(crate) fn find(dirs: &[PathBuf], rel: &str) -> Option<PathBuf> {
    let rel_path = Path::new(rel);
    if rel.is_empty()
        || rel.contains('\\')
        || !rel_path
            .components()
            .all(|c| matches!(c, Component::Normal(_)))
    {
        return None;
    }
    dirs.iter().map(|d| d.join(rel_path)).find(|p| p.is_file())
}

pub(crate) async fn serve(file: PathBuf, request: Request) -> Response {
    match tower_http::services::ServeFile::new(file)
        .oneshot(request)
        .await
    {
        Ok(response) => response.into_response(),
        Err(never) => match never {},
    }
}
