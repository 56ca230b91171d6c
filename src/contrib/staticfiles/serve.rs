//! Serving `STATIC_ROOT` in production, whitenoise's job inside the project's own server: the
//! collected files with their precompressed `.br`/`.gz` chosen from `Accept-Encoding`, ETag and
//! Last-Modified revalidation, Range, HEAD, and caching that lets browsers keep a hashed file
//! forever.
//!
//! Files up to [`MEMORY_FILE_LIMIT`] are kept in memory after their first request (all three
//! encodings, with their headers ready), so a request costs one `stat` to notice a new
//! `collectstatic`; larger files and Range requests are streamed from disk by tower-http.

use super::finders::is_safe;
use super::storage::Manifest;
use axum::body::{Body, Bytes};
use axum::extract::Request;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock};
use std::time::{SystemTime, UNIX_EPOCH};
use tower::ServiceExt;

/// `Cache-Control` of a file whose name carries its content's hash: a year and more, never
/// revalidated (whitenoise's and Django's advice).
pub const IMMUTABLE: &str = "public, max-age=315360000, immutable";

/// Files larger than this are streamed from disk on each request instead of kept in memory.
pub const MEMORY_FILE_LIMIT: u64 = 512 * 1024;

/// Most bytes the memory cache holds (all encodings together); past it, files are streamed.
const MEMORY_TOTAL_LIMIT: usize = 64 * 1024 * 1024;

/// The files under `STATIC_ROOT` and which of them are hashed names.
#[derive(Clone)]
pub(crate) struct CollectedFiles {
    root: PathBuf,
    hashed: Arc<HashSet<String>>,
    max_age: u64,
    cache: Arc<RwLock<Cache>>,
}

#[derive(Default)]
struct Cache {
    files: HashMap<String, Arc<Cached>>,
    bytes: usize,
}

/// One file ready to answer: its encodings and headers.
struct Cached {
    modified: SystemTime,
    len: u64,
    etag: HeaderValue,
    last_modified: HeaderValue,
    content_type: HeaderValue,
    cache_control: HeaderValue,
    identity: Bytes,
    br: Option<Bytes>,
    gzip: Option<Bytes>,
}

impl Cached {
    fn size(&self) -> usize {
        self.identity.len()
            + self.br.as_ref().map_or(0, Bytes::len)
            + self.gzip.as_ref().map_or(0, Bytes::len)
    }
}

impl CollectedFiles {
    pub(crate) fn new(root: PathBuf, manifest: Option<Manifest>, max_age: u64) -> CollectedFiles {
        CollectedFiles {
            root,
            hashed: Arc::new(
                manifest
                    .map(|m| m.paths.into_values().collect())
                    .unwrap_or_default(),
            ),
            max_age,
            cache: Arc::default(),
        }
    }

    /// The response for static path `rel`, or the request back when there is no such file (it
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
        let modified = meta.modified().unwrap_or(UNIX_EPOCH);
        // From memory, the validators and headers are ready: nothing is formatted per request.
        if meta.len() <= MEMORY_FILE_LIMIT
            && !request.headers().contains_key(header::RANGE)
            && let Some(cached) = self.cached(rel, &file, modified, meta.len())
        {
            if not_modified(
                request.headers(),
                cached.etag.to_str().unwrap_or(""),
                modified,
            ) {
                return Ok(unchanged(cached.etag.clone(), cached.cache_control.clone()));
            }
            return Ok(answer(&cached, &request));
        }
        let etag = etag(modified, meta.len());
        let cache_control = self.cache_control(rel);
        if not_modified(request.headers(), &etag, modified) {
            let mut response = StatusCode::NOT_MODIFIED.into_response();
            set(&mut response, header::ETAG, &etag);
            set(&mut response, header::CACHE_CONTROL, &cache_control);
            return Ok(response);
        }
        let mut response = serve_file(&file, request).await;
        if response.status().is_success() {
            set(&mut response, header::ETAG, &etag);
            set(&mut response, header::CACHE_CONTROL, &cache_control);
        }
        Ok(response)
    }

    fn cache_control(&self, rel: &str) -> String {
        if self.hashed.contains(rel) {
            IMMUTABLE.to_string()
        } else {
            format!("public, max-age={}", self.max_age)
        }
    }

    /// The file from memory, read into it when new or changed on disk; `None` when it cannot
    /// be read or the cache is full.
    fn cached(
        &self,
        rel: &str,
        file: &Path,
        modified: SystemTime,
        len: u64,
    ) -> Option<Arc<Cached>> {
        if let Ok(cache) = self.cache.read()
            && let Some(c) = cache.files.get(rel)
            && c.modified == modified
            && c.len == len
        {
            return Some(c.clone());
        }
        let identity = Bytes::from(std::fs::read(file).ok()?);
        let beside = |ext: &str| {
            let path = PathBuf::from(format!("{}.{ext}", file.display()));
            let fresh = std::fs::metadata(&path)
                .and_then(|m| m.modified())
                .is_ok_and(|t| t >= modified);
            fresh
                .then(|| std::fs::read(&path).ok().map(Bytes::from))
                .flatten()
        };
        let content_type = mime_guess::from_path(file)
            .first_raw()
            .unwrap_or("application/octet-stream");
        let cached = Arc::new(Cached {
            modified,
            len,
            etag: HeaderValue::from_str(&etag(modified, len)).ok()?,
            last_modified: HeaderValue::from_str(&httpdate::fmt_http_date(modified)).ok()?,
            content_type: HeaderValue::from_static(content_type),
            cache_control: HeaderValue::from_str(&self.cache_control(rel)).ok()?,
            br: beside("br"),
            gzip: beside("gz"),
            identity,
        });
        let mut cache = self.cache.write().ok()?;
        let old = cache.files.get(rel).map_or(0, |c| c.size());
        if cache.bytes - old + cached.size() > MEMORY_TOTAL_LIMIT {
            return None;
        }
        cache.bytes = cache.bytes - old + cached.size();
        cache.files.insert(rel.to_string(), cached.clone());
        Some(cached)
    }
}

/// A 304 with the validators a browser keeps.
fn unchanged(etag: HeaderValue, cache_control: HeaderValue) -> Response {
    let mut response = StatusCode::NOT_MODIFIED.into_response();
    response.headers_mut().insert(header::ETAG, etag);
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, cache_control);
    response
}

/// The response from memory: the best encoding the client accepts.
fn answer(cached: &Cached, request: &Request) -> Response {
    let accepts = |coding: &str| accepts_encoding(request.headers(), coding);
    let (body, encoding) = match (&cached.br, &cached.gzip) {
        (Some(br), _) if accepts("br") => (br.clone(), Some("br")),
        (_, Some(gz)) if accepts("gzip") => (gz.clone(), Some("gzip")),
        _ => (cached.identity.clone(), None),
    };
    let len = body.len();
    let body = if *request.method() == Method::HEAD {
        Body::empty()
    } else {
        Body::from(body)
    };
    let mut response = Response::new(body);
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, cached.content_type.clone());
    headers.insert(header::CONTENT_LENGTH, HeaderValue::from(len));
    headers.insert(header::ETAG, cached.etag.clone());
    headers.insert(header::LAST_MODIFIED, cached.last_modified.clone());
    headers.insert(header::CACHE_CONTROL, cached.cache_control.clone());
    headers.insert(header::ACCEPT_RANGES, HeaderValue::from_static("bytes"));
    if cached.br.is_some() || cached.gzip.is_some() {
        headers.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
    }
    if let Some(e) = encoding {
        headers.insert(header::CONTENT_ENCODING, HeaderValue::from_static(e));
    }
    response
}

/// Whether `Accept-Encoding` accepts `coding` (named, or `*`, with a q-value above 0).
fn accepts_encoding(headers: &HeaderMap, coding: &str) -> bool {
    headers
        .get_all(header::ACCEPT_ENCODING)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|item| {
            let mut parts = item.split(';');
            let name = parts.next().unwrap_or("").trim();
            let q = parts
                .find_map(|p| p.trim().strip_prefix("q="))
                .and_then(|q| q.trim().parse::<f32>().ok())
                .unwrap_or(1.0);
            (name.eq_ignore_ascii_case(coding) || name == "*") && q > 0.0
        })
}

/// A weak validator from the file's modification time and size: the `.br` and `.gz` copies are
/// the same content, so one tag serves every encoding.
fn etag(modified: SystemTime, len: u64) -> String {
    let secs = modified
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    format!("W/\"{secs:x}-{len:x}\"")
}

/// `If-None-Match` naming this version, or (without it) `If-Modified-Since` not older than it.
fn not_modified(headers: &HeaderMap, etag: &str, modified: SystemTime) -> bool {
    let bare = etag.trim_start_matches("W/");
    let mut tags = headers
        .get_all(header::IF_NONE_MATCH)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(|t| t.trim())
        .peekable();
    if tags.peek().is_some() {
        return tags.any(|t| t == "*" || t.trim_start_matches("W/") == bare);
    }
    headers
        .get(header::IF_MODIFIED_SINCE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| httpdate::parse_http_date(v).ok())
        .zip(
            modified
                .duration_since(UNIX_EPOCH)
                .ok()
                .map(|d| UNIX_EPOCH + std::time::Duration::from_secs(d.as_secs())),
        )
        .is_some_and(|(since, modified)| modified <= since)
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accept_encoding_with_q_values() {
        let mut h = HeaderMap::new();
        h.insert(
            header::ACCEPT_ENCODING,
            HeaderValue::from_static("gzip, br;q=0"),
        );
        assert!(accepts_encoding(&h, "gzip") && !accepts_encoding(&h, "br"));
        h.insert(header::ACCEPT_ENCODING, HeaderValue::from_static("*"));
        assert!(accepts_encoding(&h, "br"));
        assert!(!accepts_encoding(&HeaderMap::new(), "br"));
    }
}
