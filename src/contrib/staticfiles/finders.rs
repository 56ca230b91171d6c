//! Finding static files, as Django's finders: `STATICFILES_DIRS` (each with an optional prefix),
//! then each installed app's static directory, the first match winning.

use crate::site::StaticDir;
use axum::extract::Request;
use axum::response::{IntoResponse, Response};
use std::path::{Component, Path, PathBuf};
use tower::ServiceExt;

/// Whether `rel` is a plain relative path: no `..`, no root, no backslash, no empty name.
pub(crate) fn is_safe(rel: &str) -> bool {
    !rel.is_empty()
        && !rel.contains('\\')
        && Path::new(rel)
            .components()
            .all(|c| matches!(c, Component::Normal(_)))
}

/// Where `rel` would be inside `dir`, when `dir`'s prefix matches.
fn candidate(dir: &StaticDir, rel: &str) -> Option<PathBuf> {
    let inner = if dir.prefix.is_empty() {
        rel
    } else {
        rel.strip_prefix(dir.prefix.as_str())?.strip_prefix('/')?
    };
    Some(dir.path.join(inner))
}

/// The first file named `rel` in `dirs`; never a path outside them.
pub(crate) fn find(dirs: &[StaticDir], rel: &str) -> Option<PathBuf> {
    if !is_safe(rel) {
        return None;
    }
    dirs.iter()
        .filter_map(|d| candidate(d, rel))
        .find(|p| p.is_file())
}

/// Every file named `rel` in `dirs`, in search order (`findstatic`).
pub(crate) fn find_all(dirs: &[StaticDir], rel: &str) -> Vec<PathBuf> {
    if !is_safe(rel) {
        return Vec::new();
    }
    dirs.iter()
        .filter_map(|d| candidate(d, rel))
        .filter(|p| p.is_file())
        .collect()
}

/// Glob patterns of names `collectstatic` leaves out (Django's `--ignore`).
#[derive(Debug, Clone)]
pub struct Ignore(Vec<glob::Pattern>);

/// What `collectstatic` ignores unless `--no-default-ignore`: Django's `CVS`, `.*` and `*~`.
pub const DEFAULT_IGNORE: &[&str] = &["CVS", ".*", "*~"];

impl Ignore {
    /// The patterns; a malformed one is an error naming it.
    pub fn new<'a>(patterns: impl IntoIterator<Item = &'a str>) -> Result<Ignore, String> {
        patterns
            .into_iter()
            .map(|p| {
                glob::Pattern::new(p)
                    .map_err(|e| format!("--ignore pattern '{p}' is not valid: {e}"))
            })
            .collect::<Result<_, _>>()
            .map(Ignore)
    }

    /// Whether a file or directory (its name, or its path from the source's root) is ignored.
    fn matches(&self, name: &str, rel: &str) -> bool {
        self.0.iter().any(|p| p.matches(name) || p.matches(rel))
    }
}

/// A file a finder lists: its static path and where it is.
#[derive(Debug, Clone)]
pub struct Found {
    /// The path under `STATIC_URL` (`css/site.css`).
    pub rel: String,
    /// The file.
    pub path: PathBuf,
}

/// Every file of every source, in search order, each with the static path it would have;
/// duplicates (a later source with the same path) included, for `-v 2` to report.
pub fn list(dirs: &[StaticDir], ignore: &Ignore) -> std::io::Result<Vec<Found>> {
    let mut out = Vec::new();
    for dir in dirs {
        if !dir.path.is_dir() {
            continue;
        }
        let mut files = Vec::new();
        walk(&dir.path, "", ignore, &mut files)?;
        files.sort();
        for rel in files {
            let path = dir.path.join(&rel);
            let rel = if dir.prefix.is_empty() {
                rel
            } else {
                format!("{}/{rel}", dir.prefix)
            };
            out.push(Found { rel, path });
        }
    }
    Ok(out)
}

fn walk(root: &Path, rel: &str, ignore: &Ignore, out: &mut Vec<String>) -> std::io::Result<()> {
    let here = if rel.is_empty() {
        root.to_path_buf()
    } else {
        root.join(rel)
    };
    for entry in std::fs::read_dir(&here)? {
        let entry = entry?;
        let Some(name) = entry.file_name().to_str().map(str::to_string) else {
            continue;
        };
        let child = if rel.is_empty() {
            name.clone()
        } else {
            format!("{rel}/{name}")
        };
        if ignore.matches(&name, &child) {
            continue;
        }
        let kind = std::fs::metadata(entry.path())?;
        if kind.is_dir() {
            walk(root, &child, ignore, out)?;
        } else if kind.is_file() {
            out.push(child);
        }
    }
    Ok(())
}

/// Serves one file (DEBUG): type from the extension, Last-Modified, Range, HEAD.
pub(crate) async fn serve(file: PathBuf, request: Request) -> Response {
    match tower_http::services::ServeFile::new(file)
        .oneshot(request)
        .await
    {
        Ok(response) => response.into_response(),
        Err(never) => match never {},
    }
}
