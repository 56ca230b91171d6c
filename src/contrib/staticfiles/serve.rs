//! Serving `STATIC_ROOT` in production, whitenoise's job inside the project's own server: the
//! collected files with their precompressed `.br`/`.gz` chosen from `Accept-Encoding`, ETag and
//! Last-Modified revalidation, Range, HEAD, and caching that lets browsers keep a hashed file
//! forever.

use super::finders::is_safe;
use super::storage::Manifest;
use axum::body::Body;
use axum::extract::Request;
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::UNIX_EPOCH;
use tower::ServiceExt;

/// `Cache-Control` of a file whose name carries its content's hash: a year and more, never
/// revalidated (whitenoise's and Django's advice).
pub const IMMUTABLE: &str = "public, max-age=315360000, immutable";

/// The files under `STATIC_ROOT` and which of them are hashed names.
#[derive(Clone)]
pub(crate) struct CollectedFiles {
    root: PathBuf,
    manifest: Arc<Option<Manifest>>,
    max_age: u64,
}

impl CollectedFiles {
    pub(crate) fn new(root: PathBuf, manifest: Option<Manifest>, max_age: u64) -> CollectedFiles {
        CollectedFiles {
            root,
            manifest: Arc::new(manifest),
            max_age,
        }
    }

    /// The response for static path `rel`, or `None` when there is no such file (the request
    /// goes on to the URLs, which answer 404). Dotfiles and anything outside `STATIC_ROOT` are
    /// never served.
    pub(crate) async fn respond(&self, rel: &str, request: Request) -> Result<Response, Request> {
        if !matches!(*request.method(), Method::GET | Method::HEAD)
            || !is_safe(rel)
            || rel.split('/').any(|part| part.starts_with('.'))
        {
            return Err(request);
        }
        let file = self.root.join(rel);
        let Ok(meta) = std::fs::metadata(&file) else {
            return Err(request);
        };
        if !meta.is_file() {
            return Err(request);
        }
        let etag = etag(&meta);
        let cache = self.cache_control(rel);
        if if_none_match(&request, &etag) {
            let mut response = StatusCode::NOT_MODIFIED.into_response();
            set(&mut response, header::ETAG, &etag);
            set(&mut response, header::CACHE_CONTROL, &cache);
            return Ok(response);
        }
        let mut response = serve_file(&file, request).await;
        if response.status().is_success() {
            set(&mut response, header::ETAG, &etag);
            set(&mut response, header::CACHE_CONTROL, &cache);
        }
        Ok(response)
    }

    fn cache_control(&self, rel: &str) -> String {
        match &*self.manifest {
            Some(m) if m.is_hashed_name(rel) => IMMUTABLE.to_string(),
            _ => format!("public, max-age={}", self.max_age),
        }
    }
}

/// A weak validator from the file's modification time and size: the `.br` and `.gz` copies are
/// the same content, so one tag serves every encoding.
fn etag(meta: &std::fs::Metadata) -> String {
    let modified = meta
        .modified()
        .ok()
        .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
        .map_or(0, |d| d.as_secs());
    format!("W/\"{modified:x}-{:x}\"", meta.len())
}

fn if_none_match(request: &Request, etag: &str) -> bool {
    let bare = etag.trim_start_matches("W/");
    request
        .headers()
        .get_all(header::IF_NONE_MATCH)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(|t| t.trim())
        .any(|t| t == "*" || t.trim_start_matches("W/") == bare)
}

fn set(response: &mut Response, name: header::HeaderName, value: &str) {
    if let Ok(v) = HeaderValue::from_str(value) {
        response.headers_mut().insert(name, v);
    }
}

async fn serve_file(file: &Path, request: Request) -> Response {
    let service = tower_http::services::ServeFile::new(file)
        .precompressed_br()
        .precompressed_gzip();
    match service.oneshot(request).await {
        Ok(response) => response.map(Body::new),
        Err(never) => match never {},
    }
}
